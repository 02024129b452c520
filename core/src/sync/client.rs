//! The HTTP client of a device: login, then sync = push the outbox in batches, then pull by
//! cursor. Every step that changes local state is one transaction, so a cut, a crash or a
//! cancellation at any moment leaves the device consistent, and the next sync continues: the
//! hub deduplicates resent changes by id, and the pull cursor moves with the rows it brought.

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::TransactionBehavior;

use crate::error::{Error, Result};
use crate::profile::Berkas;
use crate::secrets::Secret;
use crate::store::records;
use crate::store::replica::{self, meta_get, meta_set, Applied, Outgoing, PushCounts, RemoteContext};
use crate::sync::{HubPrincipal, PulledChange};

use super::protocol::{
    ErrorBody, LoginRequest, PullPage as WirePullPage, PushRequest, PushResponse, RefreshRequest, TokenPair,
    PROTOCOL_HEADER, PROTOCOL_VERSION,
};

/// A pull page as the device reads it.
type PullPage = WirePullPage<PulledChange>;

/// Stops a running sync between two steps (and during a wait or a request); what was
/// committed before stays.
#[derive(Debug, Clone, Default)]
pub struct CancelToken {
    flag: Arc<AtomicBool>,
    notify: Arc<tokio::sync::Notify>,
}

impl CancelToken {
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    async fn cancelled(&self) {
        loop {
            let waiter = self.notify.notified();
            if self.is_cancelled() {
                return;
            }
            waiter.await;
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    Push,
    Pull,
}

/// Progress as a sync goes: items done in this phase and bytes moved so far.
#[derive(Debug, Clone, Serialize)]
pub struct SyncProgress {
    pub phase: SyncPhase,
    pub items: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
}

pub type ProgressFn = Arc<dyn Fn(&SyncProgress) + Send + Sync>;

#[derive(Clone)]
pub struct SyncOptions {
    /// Changes per push request (the hub takes at most 1,000).
    pub push_batch: usize,
    /// Changes per pull page.
    pub pull_page: u32,
    /// Tries of one request before the sync gives up (network errors, 5xx, 429).
    pub max_attempts: u32,
    /// Times an item may break a push on its own before it is set aside as wedged.
    pub wedge_after: u32,
    /// First retry delay; doubled each time, with jitter, at most 10 s.
    pub backoff: Duration,
    /// Longest wait for one request's answer.
    pub timeout: Duration,
    /// Bytes per blob upload request (the hub takes at most 8 MiB).
    pub blob_chunk: usize,
    pub cancel: CancelToken,
    pub progress: Option<ProgressFn>,
    /// The network this sync runs on (the phone tells): on a metered one, large documents
    /// wait, with their rows, for an unmetered one.
    pub network: Network,
}

/// The kind of network a sync runs on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// Wi-Fi, Ethernet: everything goes.
    #[default]
    Unmetered,
    /// Mobile data: documents above the hub's `metered_document_bytes` wait unless the user
    /// said "send now" for them.
    Metered,
}

impl Default for SyncOptions {
    fn default() -> SyncOptions {
        SyncOptions {
            push_batch: 500,
            pull_page: 1000,
            max_attempts: 5,
            wedge_after: 3,
            backoff: Duration::from_millis(250),
            timeout: Duration::from_secs(120),
            blob_chunk: 4 << 20,
            cancel: CancelToken::default(),
            progress: None,
            network: Network::Unmetered,
        }
    }
}

/// What one sync did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    pub pushed: u64,
    pub applied: u64,
    pub superseded: u64,
    pub refused: u64,
    pub wedged: u64,
    pub pulled: u64,
    /// Pulled changes that changed something here.
    pub changed: u64,
    /// Pulled changes for records this device does not hold (dropped).
    pub orphans: u64,
    /// Pulled changes kept on this device until their record can be stored: its NIP belongs
    /// to a record made here that the hub refused. They are stored once that one is discarded.
    pub waiting: u64,
    pub scope_reset: bool,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// Document blobs uploaded before their metadata was pushed.
    pub blobs_uploaded: u64,
    /// The version of a newer layanan catalogue received from the hub.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layanan_version: Option<u32>,
    /// Reference tables taken from the hub in this sync (new or changed there).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub referensi: Vec<String>,
    /// What changed for the signed-in ASN since they were last told (a request returned,
    /// approved ...): what a phone turns into notifications.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub news: Vec<super::session::News>,
    /// Documents left for an unmetered network (`SyncOptions::network`), with their rows.
    pub blobs_held: u64,
    /// This device's clock is far ahead of the hub's ("jam perangkat salah"): its changes were
    /// stamped again by the hub's time; the person should set the date and time.
    pub clock_ahead: bool,
}

fn now_ms() -> u64 {
    crate::sync::HlcClock::now_ms()
}

pub(crate) fn hub_error(status: u16, body: &[u8]) -> Error {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(b) => Error::Hub { status, code: b.error.code, message: b.error.message },
        Err(_) => Error::Hub { status, code: "unknown".into(), message: "the hub's answer was not understood".into() },
    }
}

/// One answered request.
pub(crate) struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub headers: reqwest::header::HeaderMap,
}

/// A built client and what it was built for (a new hub, CA or timeout builds a new one).
pub(crate) struct CachedHub {
    key: (String, Option<String>, Duration),
    hub: Hub,
}

#[derive(Clone)]
pub(crate) struct Hub {
    http: reqwest::Client,
    base: String,
}

impl Hub {
    pub(crate) fn new(base: &str, ca_pem: Option<&str>, timeout: Duration) -> Result<Hub> {
        let mut b = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10).min(timeout))
            .timeout(timeout)
            .user_agent(concat!("berkas/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = ca_pem {
            let cert = reqwest::Certificate::from_pem(pem.as_bytes())
                .map_err(|e| Error::BadDocument(format!("the hub's CA certificate is not valid PEM: {e}")))?;
            b = b.add_root_certificate(cert);
        }
        let http = b.build().map_err(|e| Error::Network(e.to_string()))?;
        let base = base.trim_end_matches('/').to_string();
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(Error::invalid("server", "server.url", "must start with https:// (or http:// on loopback)"));
        }
        if base.starts_with("http://") && !is_loopback(&base) {
            // Personal data never crosses a network in clear text.
            return Err(Error::invalid(
                "server",
                "server.insecure",
                "plain http:// is only allowed to this machine; use https://",
            ));
        }
        Ok(Hub { http, base })
    }

    /// Sends a request, retrying what may succeed later (no answer, a cut answer, 5xx, 408,
    /// 429) with exponential backoff and jitter. Any other answer is returned as it is.
    pub(crate) async fn call(
        &self,
        opts: &SyncOptions,
        build: &(dyn Fn(&reqwest::Client, &str) -> reqwest::RequestBuilder + Sync),
    ) -> Result<Answer> {
        let mut last = String::new();
        // What the hub asked for in `Retry-After` on its last 429 or 503.
        let mut asked: Option<Duration> = None;
        for attempt in 0..opts.max_attempts.max(1) {
            if attempt > 0 {
                let exp = opts.backoff.saturating_mul(1 << (attempt - 1).min(6)).min(Duration::from_secs(10));
                let mut r = [0u8; 2];
                let _ = getrandom::fill(&mut r);
                let jitter = 0.5 + f64::from(u16::from_le_bytes(r)) / f64::from(u16::MAX) / 2.0;
                // Never sooner than the hub asked: a busy hub is not hammered by every device.
                let wait = exp.mul_f64(jitter).max(asked.unwrap_or_default());
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = opts.cancel.cancelled() => return Err(Error::Cancelled),
                }
            }
            if opts.cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let request = async {
                let resp = build(&self.http, &self.base).send().await?;
                let status = resp.status().as_u16();
                let headers = resp.headers().clone();
                let body = resp.bytes().await?;
                Ok::<_, reqwest::Error>(Answer { status, body: body.to_vec(), headers })
            };
            let result = tokio::select! {
                r = request => r,
                _ = opts.cancel.cancelled() => return Err(Error::Cancelled),
            };
            match result {
                Ok(a) if a.status >= 500 || a.status == 408 || a.status == 429 => {
                    last = format!("the hub answered {}", a.status);
                    asked = if a.status == 429 || a.status == 503 { retry_after(&a.headers) } else { None };
                    if let Some(wait) = asked.filter(|w| *w > MAX_RETRY_AFTER) {
                        // Longer than a sync should sit waiting: the next sync tries again.
                        return Err(Error::Network(format!(
                            "the hub is busy and asks to try again in {} s; the next sync will",
                            wait.as_secs()
                        )));
                    }
                }
                Ok(a) => return Ok(a),
                Err(e) => last = describe(&e),
            }
        }
        Err(Error::Network(last))
    }
}

/// The longest `Retry-After` a sync waits out; a longer one ends the sync (the next one tries).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// A `Retry-After` header: delay-seconds, or an HTTP date (RFC 9110 10.2.3).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let ms = (at.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_milliseconds();
    Some(Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
}

/// Whether `url`'s host is this machine, judged on the parsed URL: a hand-read authority
/// takes `http://127.0.0.1:80@evil.example` (userinfo, then the real host) for loopback.
fn is_loopback(url: &str) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url) else { return false };
    // The parsed host: a name, a dotted IPv4, or an IPv6 in brackets.
    let Some(host) = parsed.host_str() else { return false };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.trim_end_matches('.').eq_ignore_ascii_case("localhost"),
    }
}

/// A network error without URLs (they may carry a NIP).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the answer was cut or damaged"
    } else {
        "the request failed"
    };
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {detail}")
    }
}

/// For the length of a pull: no automatic WAL checkpoint after every few pages (each one syncs
/// the disk twice) and a bigger page cache; one checkpoint when it ends, however it ends. Into
/// an empty profile, the unit list's index is built once at the end instead of row by row.
struct BulkWrites<'a>(&'a Berkas);

impl<'a> BulkWrites<'a> {
    fn start(b: &'a Berkas) -> Result<BulkWrites<'a>> {
        let store = b.store();
        store.conn.execute_batch("PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -65536;")?;
        let empty: bool = store.conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM pegawai)", [], |r| r.get(0))?;
        if empty {
            store.conn.execute_batch("DROP INDEX IF EXISTS pegawai_unit_nama;")?;
        }
        Ok(BulkWrites(b))
    }
}

impl Drop for BulkWrites<'_> {
    fn drop(&mut self) {
        // Best effort: a failed checkpoint leaves a longer WAL, never a wrong database, and a
        // missing index is built when the profile is next opened.
        let store = self.0.store();
        let _ = store.conn.execute_batch(crate::store::search::UNIT_INDEX);
        let _ = store.conn.execute_batch(
            "PRAGMA cache_size = -16000; PRAGMA wal_autocheckpoint = 1000; PRAGMA wal_checkpoint(PASSIVE);",
        );
    }
}

/// The size of the `n`th pull page: small at first, so that applying starts while the hub is
/// still reading the next, bigger page; then `pull_page`.
fn page_size(opts: &SyncOptions, n: u32) -> u32 {
    opts.pull_page.clamp(1, 5000).min(200u32 << n.min(8))
}

fn pull_query(cursor: i64, limit: u32, scope: Option<&str>) -> Vec<(&'static str, String)> {
    let mut q = vec![("cursor", cursor.to_string()), ("limit", limit.to_string())];
    if let Some(s) = scope {
        q.push(("scope", s.to_string()));
    }
    q
}

fn parse_page(body: &[u8]) -> Result<PullPage> {
    serde_json::from_slice(body).map_err(|e| Error::Network(format!("the hub's pull answer was not understood: {e}")))
}

/// Fetches one pull page on its own task, so the hub prepares it while this device applies
/// the previous one, and parses it there too (when it is one).
async fn fetch_and_parse(
    hub: Hub,
    opts: SyncOptions,
    token: String,
    cursor: i64,
    scope: Option<String>,
    limit: u32,
) -> Result<(Answer, Option<Result<PullPage>>)> {
    let q = pull_query(cursor, limit, scope.as_deref());
    let a = hub
        .call(&opts, &|c, base| {
            c.get(format!("{base}/v1/sync/pull"))
                .query(&q)
                .bearer_auth(&token)
                .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
        })
        .await?;
    let page = (a.status == 200).then(|| parse_page(&a.body));
    Ok((a, page))
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes)?;
    Ok(enc.finish()?)
}

impl Berkas {
    pub(crate) fn hub(&self, opts: &SyncOptions) -> Result<Hub> {
        let (server, ca) = {
            let store = self.store();
            (meta_get(&store.conn, "sync.server")?, meta_get(&store.conn, "sync.ca_pem")?)
        };
        let server = server.ok_or(Error::NotLoggedIn)?;
        let key = (server, ca, opts.timeout);
        let mut cache = self.hub_cache();
        if let Some(c) = cache.as_ref().filter(|c| c.key == key) {
            return Ok(c.hub.clone());
        }
        let hub = Hub::new(&key.0, key.1.as_deref(), opts.timeout)?;
        *cache = Some(CachedHub { key, hub: hub.clone() });
        Ok(hub)
    }

    fn save_tokens(&self, t: &TokenPair) -> Result<()> {
        self.secrets().put(&self.secret_name("sync-refresh"), &Secret::new(t.refresh_token.clone().into_bytes()))?;
        let expires = now_ms() + u64::try_from(t.expires_in).unwrap_or(0).saturating_mul(1000);
        let access = format!("{expires} {}", t.access_token);
        self.secrets().put(&self.secret_name("sync-access"), &Secret::new(access.into_bytes()))?;
        Ok(())
    }

    /// Signs this profile in to a hub. The refresh token goes to the profile's secret store,
    /// never to a file of ours. Switching to another hub or account is refused while changes of
    /// the previous one wait in the outbox; otherwise the local copy is re-pulled.
    pub async fn login(
        &self,
        server: &str,
        username: &str,
        password: &str,
        ca_pem: Option<&str>,
    ) -> Result<HubPrincipal> {
        let opts = SyncOptions { max_attempts: 2, ..SyncOptions::default() };
        let hub = Hub::new(server, ca_pem, opts.timeout)?;
        let body = LoginRequest { username: username.to_string(), password: password.to_string() };
        let a = hub.call(&opts, &|c, base| c.post(format!("{base}/v1/auth/login")).json(&body)).await?;
        if a.status != 200 {
            return Err(hub_error(a.status, &a.body));
        }
        let pair: TokenPair = serde_json::from_slice(&a.body)
            .map_err(|e| Error::Network(format!("the hub's login answer was not understood: {e}")))?;
        self.signed_in_as(&hub, &pair, ca_pem)
    }

    /// Keeps a session the hub granted (a login, a reset code traded for a password): who we
    /// are, where, and the tokens. Another hub or account than before starts a fresh copy.
    pub(crate) fn signed_in_as(&self, hub: &Hub, pair: &TokenPair, ca_pem: Option<&str>) -> Result<HubPrincipal> {
        let principal = HubPrincipal::from(&pair.principal);
        {
            let mut store = self.store();
            let tx = store.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let same = meta_get(&tx, "sync.server")?.as_deref() == Some(hub.base.as_str())
                && meta_get(&tx, "sync.user")?.as_deref() == Some(principal.username.as_str());
            if !same {
                let waiting: i64 = tx.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
                if waiting > 0 && meta_get(&tx, "sync.user")?.is_some() {
                    return Err(Error::invalid(
                        "user",
                        "sync.outbox_not_empty",
                        format!("{waiting} change(s) of the previous account wait in the outbox; sync or discard them first"),
                    ));
                }
                // Records imported here from a SIASN file were never queued: a hub would not get
                // them, and its own copies (same NIPs) could never be applied beside them.
                let local_only: i64 = tx.query_row(
                    "SELECT count(*) FROM pegawai WHERE id NOT IN (SELECT pegawai_id FROM sync_row)
                     AND id NOT IN (SELECT pegawai_id FROM outbox)",
                    [],
                    |r| r.get(0),
                )?;
                if local_only > 0 {
                    return Err(Error::invalid(
                        "profile",
                        "sync.local_records",
                        format!(
                            "this profile holds {local_only} record(s) imported here that no hub has; import the \
                             SIASN file into the hub (berkas-server import siasn) and sign in with a new profile"
                        ),
                    ));
                }
                replica::purge_replica(&tx)?;
                replica::meta_delete(&tx, "sync.cursor")?;
                replica::meta_delete(&tx, "sync.scope")?;
            }
            meta_set(&tx, "sync.server", &hub.base)?;
            meta_set(&tx, "sync.user", &principal.username)?;
            meta_set(&tx, "sync.role", &principal.role)?;
            // Who we are, for the one authorization function the device asks before offering
            // an edit (`Berkas::principal`).
            meta_set(&tx, super::session::PRINCIPAL, &serde_json::to_string(&principal).unwrap_or_default())?;
            match ca_pem {
                Some(pem) => meta_set(&tx, "sync.ca_pem", pem)?,
                None => replica::meta_delete(&tx, "sync.ca_pem")?,
            }
            replica::device_id(&tx)?;
            tx.commit()?;
        }
        self.save_tokens(pair)?;
        Ok(principal)
    }

    /// Ends the session on the hub (best effort) and forgets the tokens here.
    pub async fn logout(&self) -> Result<()> {
        let opts = SyncOptions { max_attempts: 1, ..SyncOptions::default() };
        if let (Ok(hub), Ok(Some(token))) = (self.hub(&opts), self.stored_access()) {
            let _ = hub.call(&opts, &|c, base| c.post(format!("{base}/v1/auth/logout")).bearer_auth(&token)).await;
        }
        self.secrets().delete(&self.secret_name("sync-refresh"))?;
        self.secrets().delete(&self.secret_name("sync-access"))?;
        Ok(())
    }

    fn stored_access(&self) -> Result<Option<String>> {
        let Some(s) = self.secrets().get(&self.secret_name("sync-access"))? else { return Ok(None) };
        let text = String::from_utf8_lossy(s.expose()).to_string();
        let Some((exp, token)) = text.split_once(' ') else { return Ok(None) };
        // A minute of margin: a token must not expire in the middle of a page.
        Ok((exp.parse::<u64>().unwrap_or(0) > now_ms() + 60_000).then(|| token.to_string()))
    }

    pub(crate) async fn access_token(&self, hub: &Hub, opts: &SyncOptions, force: bool) -> Result<String> {
        if !force {
            if let Some(t) = self.stored_access()? {
                return Ok(t);
            }
        }
        let refresh = self.secrets().get(&self.secret_name("sync-refresh"))?.ok_or(Error::NotLoggedIn)?;
        let body = RefreshRequest { refresh_token: String::from_utf8_lossy(refresh.expose()).into_owned() };
        let a = hub.call(opts, &|c, base| c.post(format!("{base}/v1/auth/refresh")).json(&body)).await?;
        match a.status {
            200 => {
                let pair: TokenPair = serde_json::from_slice(&a.body)
                    .map_err(|e| Error::Network(format!("the hub's token answer was not understood: {e}")))?;
                self.save_tokens(&pair)?;
                Ok(pair.access_token)
            }
            401 => {
                // Revoked, or expired: the session is over here too, so the app asks to sign in
                // at its next launch. Records and the outbox stay for the same account.
                self.secrets().delete(&self.secret_name("sync-refresh"))?;
                self.secrets().delete(&self.secret_name("sync-access"))?;
                Err(Error::SessionEnded)
            }
            s => Err(hub_error(s, &a.body)),
        }
    }

    /// Pushes the outbox, then pulls what changed. Safe to cancel or kill at any moment.
    pub async fn sync(&self, opts: &SyncOptions) -> Result<SyncReport> {
        let hub = self.hub(opts)?;
        let mut report = SyncReport::default();
        let mut token = self.access_token(&hub, opts, false).await?;
        // The hub's limits first: a document it would refuse is not uploaded.
        self.pull_settings(&hub, opts, &mut report).await?;
        // Bytes before metadata: whoever pulls a document row can fetch what it names.
        let held = self.held_blobs(opts)?;
        for sha in self.pending_blobs()? {
            if held.contains(&sha) {
                continue;
            }
            let t = self.upload_bytes(&self.blob_bytes(&sha)?, opts).await?;
            report.blobs_uploaded += 1;
            report.bytes_sent += t.transferred;
        }
        report.blobs_held = held.len() as u64;
        // A held document's rows wait with it: the hub never holds a row naming bytes it lacks.
        let held_rows = self.rows_of_blobs(&held)?;
        self.push_all(&hub, opts, &mut token, &mut report, &held_rows).await?;
        if report.clock_ahead {
            // Changes stamped again by the hub's time go now, not at the next sync.
            self.push_all(&hub, opts, &mut token, &mut report, &held_rows).await?;
        }
        self.pull_all(&hub, opts, &mut token, &mut report).await?;
        report.layanan_version = self.pull_layanan(&hub, opts, &mut token).await?;
        let referensi = self.pull_referensi(&hub, opts, &mut token, &mut report).await?;
        report.referensi = referensi.updated;
        self.prune_document_files()?;
        self.purge_old_fixes()?;
        report.news = self.take_news()?;
        let store = self.store();
        meta_set(&store.conn, "sync.last", &crate::store::now())?;
        Ok(report)
    }

    /// An authorised request; an expired access token is refreshed once.
    pub(crate) async fn authed(
        &self,
        hub: &Hub,
        opts: &SyncOptions,
        token: &mut String,
        build: &(dyn Fn(&reqwest::Client, &str, &str) -> reqwest::RequestBuilder + Sync),
    ) -> Result<Answer> {
        for second in [false, true] {
            let t = token.clone();
            let a = hub.call(opts, &|c, base| build(c, base, &t).header(PROTOCOL_HEADER, PROTOCOL_VERSION)).await?;
            match a.status {
                401 if !second => *token = self.access_token(hub, opts, true).await?,
                401 => return Err(Error::SessionEnded),
                426 => return Err(Error::UpgradeRequired),
                _ => return Ok(a),
            }
        }
        Err(Error::SessionEnded)
    }

    fn progress(&self, opts: &SyncOptions, phase: SyncPhase, items: u64, report: &SyncReport) {
        if let Some(p) = &opts.progress {
            p(&SyncProgress { phase, items, bytes_sent: report.bytes_sent, bytes_received: report.bytes_received });
        }
    }

    async fn push_all(
        &self,
        hub: &Hub,
        opts: &SyncOptions,
        token: &mut String,
        report: &mut SyncReport,
        held_rows: &str,
    ) -> Result<()> {
        let mut after = 0;
        loop {
            if opts.cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let items = {
                let mut store = self.store();
                let tx = store.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let items = replica::outgoing(&tx, after, opts.push_batch.clamp(1, 1000), held_rows)?;
                replica::mark_uploading(&tx, &items, held_rows)?;
                tx.commit()?;
                items
            };
            let Some(last) = items.last() else { return Ok(()) };
            after = last.seq;
            self.push_items(hub, opts, token, report, items).await?;
            self.progress(opts, SyncPhase::Push, report.pushed, report);
        }
    }

    /// Pushes a batch. When the hub refuses the batch as a whole (a body it cannot read), the
    /// batch is split until the item at fault is alone; that item is counted and, after
    /// `wedge_after` such failures, set aside so the rest of the queue moves.
    async fn push_items(
        &self,
        hub: &Hub,
        opts: &SyncOptions,
        token: &mut String,
        report: &mut SyncReport,
        items: Vec<Outgoing>,
    ) -> Result<()> {
        let mut stack = vec![items];
        while let Some(items) = stack.pop() {
            let json = serde_json::to_vec(&PushRequest { changes: items.iter().map(|i| &i.change).collect() })
                .map_err(|e| Error::BadDocument(e.to_string()))?;
            let compressed = json.len() > 4096;
            let body = if compressed { gzip(&json)? } else { json };
            report.bytes_sent += body.len() as u64;
            let a = self
                .authed(hub, opts, token, &|c, base, t| {
                    let r = c
                        .post(format!("{base}/v1/sync/push"))
                        .bearer_auth(t)
                        .header("content-type", "application/json")
                        .body(body.clone());
                    if compressed {
                        r.header("content-encoding", "gzip")
                    } else {
                        r
                    }
                })
                .await?;
            report.bytes_received += a.body.len() as u64;
            match a.status {
                200 => {
                    let answer: PushResponse = serde_json::from_slice(&a.body)
                        .map_err(|e| Error::Network(format!("the hub's push answer was not understood: {e}")))?;
                    let hub_time = a
                        .headers
                        .get(super::HUB_TIME_HEADER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<u64>().ok());
                    let clock_refused = answer.outcomes.iter().any(|o| o.code.as_deref() == Some("sync.clock_ahead"));
                    let counts: PushCounts = {
                        let mut store = self.store();
                        let tx = store.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                        let mut counts = replica::take_outcomes(&tx, &items, &answer.outcomes)?;
                        if let Some(ms) = hub_time {
                            report.clock_ahead |= replica::learn_hub_time(&tx, ms)?;
                        }
                        if clock_refused {
                            // Stamped again by the corrected clock: they wait for the next push.
                            let again = replica::restamp_clock_ahead(&tx)?;
                            counts.refused = counts.refused.saturating_sub(again);
                            report.clock_ahead = true;
                        }
                        tx.commit()?;
                        counts
                    };
                    report.pushed += items.len() as u64;
                    report.applied += counts.applied;
                    report.superseded += counts.superseded;
                    report.refused += counts.refused;
                }
                400 | 413 | 415 | 422 if items.len() > 1 => {
                    let mut items = items;
                    let second = items.split_off(items.len() / 2);
                    stack.push(second);
                    stack.push(items);
                }
                400 | 413 | 415 | 422 => {
                    let Error::Hub { code, message, .. } = hub_error(a.status, &a.body) else { continue };
                    let wedged = {
                        let store = self.store();
                        replica::note_failure(&store.conn, items[0].seq, &code, &message, opts.wedge_after)?
                    };
                    report.wedged += u64::from(wedged);
                }
                s => return Err(hub_error(s, &a.body)),
            }
        }
        Ok(())
    }

    async fn pull_all(&self, hub: &Hub, opts: &SyncOptions, token: &mut String, report: &mut SyncReport) -> Result<()> {
        let (actor, device) = {
            let store = self.store();
            replica::remote_identity(&store.conn, self.actor())?
        };
        let _bulk = BulkWrites::start(self)?;
        let mut items = 0u64;
        let mut pages = 0u32;
        type Ahead = tokio::task::JoinHandle<Result<(Answer, Option<Result<PullPage>>)>>;
        let mut prefetched: Option<(i64, Option<String>, Ahead)> = None;
        loop {
            if opts.cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let (cursor, scope) = {
                let store = self.store();
                let cursor: i64 = meta_get(&store.conn, "sync.cursor")?.and_then(|v| v.parse().ok()).unwrap_or(0);
                (cursor, meta_get(&store.conn, "sync.scope")?)
            };
            let limit = page_size(opts, pages);
            // The page asked for while the previous one was being applied, if it is the one
            // needed; anything unusual about it (an error, an expired token) is handled by
            // asking again the ordinary way.
            let early = match prefetched.take() {
                Some((c, sc, handle)) if c == cursor && sc == scope => match handle.await {
                    Ok(Ok((a, page))) if a.status == 200 => Some((a, page)),
                    _ => None,
                },
                Some((_, _, handle)) => {
                    handle.abort();
                    None
                }
                None => None,
            };
            let (a, parsed) = match early {
                Some(fetched) => fetched,
                None => {
                    let a = self
                        .authed(hub, opts, token, &|c, base, t| {
                            c.get(format!("{base}/v1/sync/pull"))
                                .query(&pull_query(cursor, limit, scope.as_deref()))
                                .bearer_auth(t)
                        })
                        .await?;
                    (a, None)
                }
            };
            report.bytes_received += a.body.len() as u64;
            if a.status != 200 {
                return Err(hub_error(a.status, &a.body));
            }
            let page = match parsed {
                Some(page) => page?,
                None => parse_page(&a.body)?,
            };
            let count = page.changes.len();
            let has_more = page.has_more;
            if has_more && !page.scope_reset {
                let next = (page.next_cursor, Some(page.scope_version.to_string()));
                let next_limit = page_size(opts, pages + 1);
                let task =
                    fetch_and_parse(hub.clone(), opts.clone(), token.clone(), next.0, next.1.clone(), next_limit);
                prefetched = Some((next.0, next.1, tokio::spawn(task)));
                // Let the request go out before this thread is busy applying the page.
                tokio::task::yield_now().await;
            }
            {
                let mut store = self.store();
                let tx = store.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                if page.scope_reset {
                    replica::purge_replica(&tx)?;
                    meta_set(&tx, "sync.cursor", "0")?;
                    meta_set(&tx, "sync.scope", &page.scope_version.to_string())?;
                    tx.commit()?;
                    report.scope_reset = true;
                    continue;
                }
                let (next_cursor, scope_version) = (page.next_cursor, page.scope_version);
                // One time for the page's rows: they are written in one transaction.
                let at = crate::store::now();
                let ctx = RemoteContext { actor: &actor, device: &device, at: &at };
                let mut touched = replica::Touched::default();
                // The search index is filled once per page, not row by row.
                let fts_mark = crate::store::search::defer_index(&tx)?;
                let latest = page.changes.iter().map(|p| p.hlc).max();
                for p in page.changes {
                    let (seq, change) = p.into_change();
                    match replica::apply_remote(&tx, seq, change, &ctx, &mut touched)? {
                        Applied::Changed => report.changed += 1,
                        Applied::Unchanged => {}
                        Applied::Orphan => report.orphans += 1,
                        Applied::Parked => {}
                    }
                }
                if !has_more {
                    // What waited may fit now (a record made here was discarded since).
                    report.waiting = replica::retry_parked(&tx, &ctx)?.1;
                }
                crate::store::search::index_deferred(&tx, fts_mark)?;
                if let Some(latest) = latest {
                    replica::observe(&tx, latest)?;
                }
                let ids: Vec<&str> = touched.ids.iter().map(String::as_str).collect();
                records::refresh_completeness_many(&tx, &ids, &touched.data_utama)?;
                meta_set(&tx, "sync.cursor", &next_cursor.to_string())?;
                meta_set(&tx, "sync.scope", &scope_version.to_string())?;
                tx.commit()?;
            }
            items += count as u64;
            pages += 1;
            report.pulled += count as u64;
            self.progress(opts, SyncPhase::Pull, items, report);
            if !has_more {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_index_is_built_at_the_end_of_a_pull_into_an_empty_profile_or_at_the_next_open() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let b = Berkas::init(tmp.path(), crate::secrets::SecretStoreKind::File, "fas-a").expect("init");
        let indexed = |b: &Berkas| -> bool {
            let sql = "SELECT count(*) FROM sqlite_master WHERE name = 'pegawai_unit_nama'";
            b.store().conn.query_row(sql, [], |r| r.get::<_, i64>(0)).expect("query") == 1
        };
        assert!(indexed(&b));
        {
            let _bulk = BulkWrites::start(&b).expect("start");
            assert!(!indexed(&b), "an empty profile's pull builds it at its end");
        }
        assert!(indexed(&b), "built when the pull ends, however it ends");
        // A pull killed before its end leaves it missing: opening the profile builds it.
        b.store().conn.execute_batch("DROP INDEX pegawai_unit_nama").expect("drop");
        drop(b);
        let b = Berkas::open(tmp.path()).expect("open");
        assert!(indexed(&b));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(RETRY_AFTER, HeaderValue::from_str(v).expect("header"));
            h
        };
        assert_eq!(retry_after(&with("7")), Some(Duration::from_secs(7)));
        assert_eq!(retry_after(&with("Wed, 21 Oct 2015 07:28:00 GMT")), Some(Duration::ZERO), "a date passed");
        let later = (chrono::Utc::now() + chrono::Duration::seconds(120)).to_rfc2822();
        assert!(retry_after(&with(&later)).is_some_and(|d| d > Duration::from_secs(100)), "{later}");
        assert_eq!(retry_after(&with("soon")), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    /// A hub that answers its first request 503 with `Retry-After`, then 200; counts requests.
    /// Plain HTTP over a std listener: the client under test is the real one.
    fn busy_hub(retry_after: &'static str) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use std::io::{Read, Write};
        use std::sync::atomic::{AtomicUsize, Ordering};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let hits = std::sync::Arc::new(AtomicUsize::new(0));
        let counted = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                    head.push(byte[0]);
                }
                let answer = if counted.fetch_add(1, Ordering::SeqCst) == 0 {
                    format!("HTTP/1.1 503 Service Unavailable\r\nretry-after: {retry_after}\r\ncontent-length: 4\r\nconnection: close\r\n\r\nbusy")
                } else {
                    "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".to_string()
                };
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        (url, hits)
    }

    #[tokio::test]
    async fn a_busy_hub_is_asked_again_only_when_it_says() {
        let opts = SyncOptions { max_attempts: 3, backoff: Duration::from_millis(1), ..SyncOptions::default() };
        // "Come back in an hour": the sync stops at once and says so, without hammering.
        let (url, hits) = busy_hub("3600");
        let hub = Hub::new(&url, None, Duration::from_secs(5)).expect("hub");
        let Err(e) = hub.call(&opts, &|c, base| c.get(format!("{base}/v1/health"))).await else {
            panic!("a busy hub's answer was taken");
        };
        assert!(e.to_string().contains("3600 s"), "{e}");
        assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1, "asked once");
        // "Now": asked again, and answered.
        let (url, hits) = busy_hub("0");
        let hub = Hub::new(&url, None, Duration::from_secs(5)).expect("hub");
        let a = hub.call(&opts, &|c, base| c.get(format!("{base}/v1/health"))).await.expect("answered");
        assert_eq!((a.status, hits.load(std::sync::atomic::Ordering::SeqCst)), (200, 2));
    }

    #[test]
    fn plain_http_only_to_this_machine() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:8080/",
            "http://[::1]:80",
            "http://127.0.0.2",
            "http://LocalHost:8080",
            "http://localhost.:8080",
            "HTTP://127.0.0.1",
        ] {
            assert!(is_loopback(ok), "{ok}");
        }
        for bad in [
            "http://10.0.0.5:8080",
            "http://bkd.example.go.id",
            "http://127.0.0.1.evil.id:80",
            // The userinfo is not the host: this one goes to evil.example.
            "http://127.0.0.1:80@evil.example",
            "http://localhost@evil.example/",
            "http://[::1]@evil.example",
            "http://[::ffff:10.0.0.5]:80",
            "http://localhost.evil.example",
            "not a url",
        ] {
            assert!(!is_loopback(bad), "{bad}");
        }
        match Hub::new("http://127.0.0.1:80@evil.example", None, Duration::from_secs(1)) {
            Err(Error::Invalid(f)) => assert_eq!(f[0].code, "server.insecure"),
            Err(other) => panic!("expected server.insecure, got {other:?}"),
            Ok(_) => panic!("a plain-HTTP hub on another machine was accepted"),
        }
        match Hub::new("http://bkd.example.go.id", None, Duration::from_secs(1)) {
            Err(Error::Invalid(f)) => assert_eq!(f[0].code, "server.insecure"),
            Err(other) => panic!("expected server.insecure, got {other:?}"),
            Ok(_) => panic!("expected server.insecure, got a client"),
        }
        assert!(Hub::new("https://bkd.example.go.id", None, Duration::from_secs(1)).is_ok());
    }
}
