//! A small fault-injecting TCP proxy: each new connection is passed through, dropped at once,
//! cut after some bytes of the request or of the response, or delayed, by a seeded random plan.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::TestRng;

#[derive(Debug, Clone, Copy)]
pub enum Fault {
    Pass,
    /// Passes until this many request or answer bytes went through, then dies, as
    /// connections on a bad network do sooner or later.
    Budget(usize, usize),
    /// Close the connection before any byte.
    Drop,
    /// Forward this many bytes of the client's request(s), then cut.
    CutRequest(usize),
    /// Forward this many bytes of the hub's answer(s), then cut.
    CutResponse(usize),
    /// Hold the answer back this long.
    Delay(Duration),
}

/// Chooses a fault per connection: `percent` of them get one.
pub struct FaultPlan {
    pub percent: u64,
    pub max_delay: Duration,
    /// When set, every connection is cut after a number of request bytes in this range.
    cut_requests: Option<(u64, u64)>,
    /// When set, every connection is cut after a number of answer bytes in this range.
    cut_responses: Option<(u64, u64)>,
    /// No fault at all, not even the slow death of kept-alive connections.
    clean: bool,
    rng: TestRng,
}

impl FaultPlan {
    pub fn new(seed: u64, percent: u64, max_delay: Duration) -> FaultPlan {
        FaultPlan { percent, max_delay, cut_requests: None, cut_responses: None, clean: false, rng: TestRng::new(seed) }
    }

    /// Every connection passes untouched (faults only where asked for, e.g. `lose_answer`).
    pub fn clean() -> FaultPlan {
        FaultPlan {
            percent: 0,
            max_delay: Duration::ZERO,
            cut_requests: None,
            cut_responses: None,
            clean: true,
            rng: TestRng::new(0),
        }
    }

    /// Every connection dies after `min..max` bytes of requests (a cut inside an upload).
    pub fn cut_requests(seed: u64, min: u64, max: u64) -> FaultPlan {
        FaultPlan {
            percent: 100,
            max_delay: Duration::ZERO,
            cut_requests: Some((min, max)),
            cut_responses: None,
            clean: false,
            rng: TestRng::new(seed),
        }
    }

    /// Every connection dies after `min..max` bytes of answers (a cut inside a download).
    pub fn cut_responses(seed: u64, min: u64, max: u64) -> FaultPlan {
        FaultPlan {
            percent: 100,
            max_delay: Duration::ZERO,
            cut_requests: None,
            cut_responses: Some((min, max)),
            clean: false,
            rng: TestRng::new(seed),
        }
    }

    fn next(&mut self) -> Fault {
        if let Some((min, max)) = self.cut_requests {
            return Fault::CutRequest((min + self.rng.below(max - min)) as usize);
        }
        if let Some((min, max)) = self.cut_responses {
            return Fault::CutResponse((min + self.rng.below(max - min)) as usize);
        }
        if self.clean {
            return Fault::Pass;
        }
        if self.rng.below(100) >= self.percent {
            // Clients keep connections alive; on a bad network they die sooner or later.
            return Fault::Budget(50_000 + self.rng.below(1_500_000) as usize, 500 + self.rng.below(20_000) as usize);
        }
        match self.rng.below(4) {
            0 => Fault::Drop,
            1 => Fault::CutRequest(1 + self.rng.below(40_000) as usize),
            2 => Fault::CutResponse(1 + self.rng.below(20_000) as usize),
            _ => Fault::Delay(Duration::from_millis(self.rng.below(self.max_delay.as_millis() as u64 + 1))),
        }
    }
}

/// The bytes that make the proxy refuse a request, if any; changeable while it runs.
type Marker = Arc<Mutex<Option<Vec<u8>>>>;

/// What the proxy does to requests that contain a marker.
#[derive(Clone, Default)]
struct Markers {
    /// Answered `400` by the proxy; the hub never sees them.
    poison: Marker,
    /// Passed to the hub, whose answer is then lost (once: the marker clears itself).
    lose: Marker,
}

pub struct FaultProxy {
    pub url: String,
    /// The connections open now, to cut them all at once; and how many went to each upstream.
    live: Arc<Mutex<Vec<TcpStream>>>,
    served: Arc<Mutex<Vec<u64>>>,
    plan: Arc<Mutex<FaultPlan>>,
    markers: Markers,
    faults: Arc<AtomicU64>,
    lost: Arc<AtomicU64>,
    stopped: Arc<AtomicBool>,
}

impl FaultProxy {
    /// Listens on a free loopback port and forwards to `upstream` (`http://host:port`).
    pub fn start(upstream: &str, plan: FaultPlan) -> FaultProxy {
        Self::balance(&[upstream], plan)
    }

    /// A load balancer in front of several hubs: each new connection goes to the next of
    /// `upstreams` in turn (round robin, as an L4 balancer does), so a device's requests land
    /// on one hub or another as its connections come and go.
    pub fn balance(upstreams: &[&str], plan: FaultPlan) -> FaultProxy {
        let targets: Vec<String> =
            upstreams.iter().map(|u| u.trim_start_matches("http://").trim_end_matches('/').to_string()).collect();
        assert!(!targets.is_empty(), "a proxy needs an upstream");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let plan = Arc::new(Mutex::new(plan));
        let faults = Arc::new(AtomicU64::new(0));
        let lost = Arc::new(AtomicU64::new(0));
        let stopped = Arc::new(AtomicBool::new(false));
        let markers = Markers::default();
        let live = Arc::new(Mutex::new(Vec::new()));
        let served = Arc::new(Mutex::new(vec![0; targets.len()]));
        let (p, f, s, m, l) = (plan.clone(), faults.clone(), stopped.clone(), markers.clone(), lost.clone());
        let (open, counts) = (live.clone(), served.clone());
        std::thread::spawn(move || {
            for (n, client) in listener.incoming().enumerate() {
                if s.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(client) = client else { continue };
                let fault = p.lock().map(|mut p| p.next()).unwrap_or(Fault::Pass);
                if matches!(fault, Fault::Drop | Fault::Delay(_)) {
                    f.fetch_add(1, Ordering::SeqCst);
                }
                let target = targets[n % targets.len()].clone();
                if let (Ok(mut open), Ok(copy)) = (open.lock(), client.try_clone()) {
                    open.retain(|c: &TcpStream| c.peer_addr().is_ok());
                    open.push(copy);
                }
                if let Ok(mut counts) = counts.lock() {
                    counts[n % targets.len()] += 1;
                }
                let (f, m, l) = (f.clone(), m.clone(), l.clone());
                std::thread::spawn(move || relay(client, &target, fault, &f, m, &l));
            }
        });
        FaultProxy { url, live, served, plan, markers, faults, lost, stopped }
    }

    /// Cuts every open connection: a device's next request opens a new one, which goes to the
    /// next upstream.
    pub fn cut_all(&self) {
        if let Ok(mut open) = self.live.lock() {
            for c in open.drain(..) {
                let _ = c.shutdown(Shutdown::Both);
            }
        }
    }

    /// How many connections went to each upstream so far, in the order given.
    pub fn served(&self) -> Vec<u64> {
        self.served.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Lets the next request containing `marker` reach the hub and loses its answer (the
    /// connection closes instead), as a network does when it drops right after sending.
    pub fn lose_answer(&self, marker: &str) {
        if let Ok(mut m) = self.markers.lose.lock() {
            *m = Some(marker.as_bytes().to_vec());
        }
    }

    /// Answers lost by `lose_answer` so far.
    pub fn answers_lost(&self) -> u64 {
        self.lost.load(Ordering::SeqCst)
    }

    /// Connections dropped, delayed or cut so far.
    pub fn faults(&self) -> u64 {
        self.faults.load(Ordering::SeqCst)
    }

    /// Answers `400 bad request` to any request containing `marker`, as a hub or middlebox
    /// that cannot take one particular item would.
    pub fn poison(&self, marker: Option<&str>) {
        if let Ok(mut p) = self.markers.poison.lock() {
            *p = marker.map(|m| m.as_bytes().to_vec());
        }
    }

    pub fn set_plan(&self, plan: FaultPlan) {
        if let Ok(mut p) = self.plan.lock() {
            *p = plan;
        }
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
    }
}

const POISONED: &[u8] = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: 73\r\n\r\n{\"error\":{\"code\":\"proxy.poisoned\",\"message\":\"this item cannot be taken\"}}";

struct Copy<'a> {
    limit: Option<usize>,
    delay: Option<Duration>,
    cuts: &'a AtomicU64,
    /// Request direction only: the marker (looked up at every read), and where to answer.
    poison: Option<(Marker, TcpStream)>,
    /// Request direction: the lose marker, which sets `losing` when seen. Answer direction:
    /// nothing more is passed on once `losing` is set.
    lose: Option<Marker>,
    losing: &'a AtomicBool,
    /// Answer direction: counts an answer lost, before the client can see the cut.
    lost: Option<&'a AtomicU64>,
}

fn contains(buf: &[u8], marker: &Marker) -> bool {
    let marker = marker.lock().ok().and_then(|m| m.clone());
    marker.is_some_and(|m| buf.windows(m.len()).any(|w| w == m.as_slice()))
}

fn copy(mut from: TcpStream, mut to: TcpStream, how: Copy<'_>) {
    let Copy { limit, delay, cuts, mut poison, lose, losing, lost } = how;
    let mut buf = [0u8; 16 * 1024];
    let mut sent = 0usize;
    let mut delayed = delay.is_none();
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if let Some((marker, answer)) = poison.as_mut() {
            if contains(&buf[..n], marker) {
                let _ = answer.write_all(POISONED);
                break;
            }
        }
        if let Some(marker) = &lose {
            if contains(&buf[..n], marker) {
                losing.store(true, Ordering::SeqCst);
                if let Ok(mut m) = marker.lock() {
                    *m = None;
                }
            }
        } else if losing.load(Ordering::SeqCst) {
            cuts.fetch_add(1, Ordering::SeqCst);
            if let Some(lost) = lost {
                lost.fetch_add(1, Ordering::SeqCst);
            }
            break;
        }
        if !delayed {
            std::thread::sleep(delay.unwrap_or_default());
            delayed = true;
        }
        let n = match limit {
            Some(l) if sent + n >= l => {
                let _ = to.write_all(&buf[..l - sent]);
                cuts.fetch_add(1, Ordering::SeqCst);
                break;
            }
            _ => n,
        };
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
        sent += n;
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}

fn relay(client: TcpStream, target: &str, fault: Fault, cuts: &Arc<AtomicU64>, markers: Markers, lost: &AtomicU64) {
    if matches!(fault, Fault::Drop) {
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    let Ok(upstream) = TcpStream::connect(target) else { return };
    let (Ok(c2), Ok(u2)) = (client.try_clone(), upstream.try_clone()) else { return };
    let (req_limit, resp_limit, delay) = match fault {
        Fault::CutRequest(n) => (Some(n), None, None),
        Fault::CutResponse(n) => (None, Some(n), None),
        Fault::Delay(d) => (None, None, Some(d)),
        Fault::Budget(req, resp) => (Some(req), Some(resp), None),
        _ => (None, None, None),
    };
    let up_cuts = cuts.clone();
    let poison = client.try_clone().ok().map(|answer| (markers.poison, answer));
    let losing = Arc::new(AtomicBool::new(false));
    let up_losing = losing.clone();
    let lose = Some(markers.lose);
    let up = std::thread::spawn(move || {
        let how = Copy { limit: req_limit, delay: None, cuts: &up_cuts, poison, lose, losing: &up_losing, lost: None };
        copy(c2, u2, how)
    });
    let how = Copy { limit: resp_limit, delay, cuts, poison: None, lose: None, losing: &losing, lost: Some(lost) };
    copy(upstream, client, how);
    let _ = up.join();
}
