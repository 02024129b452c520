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
    rng: TestRng,
}

impl FaultPlan {
    pub fn new(seed: u64, percent: u64, max_delay: Duration) -> FaultPlan {
        FaultPlan { percent, max_delay, cut_requests: None, rng: TestRng::new(seed) }
    }

    /// Every connection dies after `min..max` bytes of requests (a cut inside an upload).
    pub fn cut_requests(seed: u64, min: u64, max: u64) -> FaultPlan {
        FaultPlan { percent: 100, max_delay: Duration::ZERO, cut_requests: Some((min, max)), rng: TestRng::new(seed) }
    }

    fn next(&mut self) -> Fault {
        if let Some((min, max)) = self.cut_requests {
            return Fault::CutRequest((min + self.rng.below(max - min)) as usize);
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

pub struct FaultProxy {
    pub url: String,
    plan: Arc<Mutex<FaultPlan>>,
    poison: Marker,
    faults: Arc<AtomicU64>,
    stopped: Arc<AtomicBool>,
}

impl FaultProxy {
    /// Listens on a free loopback port and forwards to `upstream` (`http://host:port`).
    pub fn start(upstream: &str, plan: FaultPlan) -> FaultProxy {
        let target = upstream.trim_start_matches("http://").trim_end_matches('/').to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let plan = Arc::new(Mutex::new(plan));
        let faults = Arc::new(AtomicU64::new(0));
        let stopped = Arc::new(AtomicBool::new(false));
        let poison: Marker = Arc::new(Mutex::new(None));
        let (p, f, s, po) = (plan.clone(), faults.clone(), stopped.clone(), poison.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(client) = client else { continue };
                let fault = p.lock().map(|mut p| p.next()).unwrap_or(Fault::Pass);
                if matches!(fault, Fault::Drop | Fault::Delay(_)) {
                    f.fetch_add(1, Ordering::SeqCst);
                }
                let (target, f, po) = (target.clone(), f.clone(), po.clone());
                std::thread::spawn(move || relay(client, &target, fault, &f, po));
            }
        });
        FaultProxy { url, plan, poison, faults, stopped }
    }

    /// Connections dropped, delayed or cut so far.
    pub fn faults(&self) -> u64 {
        self.faults.load(Ordering::SeqCst)
    }

    /// Answers `400 bad request` to any request containing `marker`, as a hub or middlebox
    /// that cannot take one particular item would.
    pub fn poison(&self, marker: Option<&str>) {
        if let Ok(mut p) = self.poison.lock() {
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
}

fn copy(mut from: TcpStream, mut to: TcpStream, how: Copy<'_>) {
    let Copy { limit, delay, cuts, mut poison } = how;
    let mut buf = [0u8; 16 * 1024];
    let mut sent = 0usize;
    let mut delayed = delay.is_none();
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if let Some((marker, answer)) = poison.as_mut() {
            let marker = marker.lock().ok().and_then(|m| m.clone());
            if marker.is_some_and(|m| buf[..n].windows(m.len()).any(|w| w == m.as_slice())) {
                let _ = answer.write_all(POISONED);
                break;
            }
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

fn relay(client: TcpStream, target: &str, fault: Fault, cuts: &Arc<AtomicU64>, marker: Marker) {
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
    let poison = client.try_clone().ok().map(|answer| (marker, answer));
    let up = std::thread::spawn(move || copy(c2, u2, Copy { limit: req_limit, delay: None, cuts: &up_cuts, poison }));
    copy(upstream, client, Copy { limit: resp_limit, delay, cuts, poison: None });
    let _ = up.join();
}
