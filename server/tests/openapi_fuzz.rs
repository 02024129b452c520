//! A schema-driven fuzzer against the demo hub: every operation of the OpenAPI document is
//! called with malformed requests built from what the document says it takes (path and query
//! parameters of the wrong type or size, bodies of the wrong shape, type or encoding, no
//! token, a garbage token). Every answer must be a status the document lists for that
//! operation, an error must be the documented JSON body, and nothing may answer 5xx. Seeded and
//! bounded (a fixed number of requests per operation), so it runs in CI in a few seconds.

#[allow(dead_code)] // one backend here
mod common;

use berkas_server::{demo, router, AppState};
use common::Backend;
use reqwest::{Client, Method};
use serde_json::{json, Value};
use std::sync::Arc;

const PW: &str = "rahasia-demo";
const ROUNDS: usize = 24;

/// A small deterministic generator (xorshift), so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next() % xs.len() as u64) as usize]
    }
}

const TEXTS: &[&str] = &[
    "x",
    "-1",
    "0",
    "99999999999999999999999",
    "abc",
    "%FF%FE",
    "1e9",
    "true",
    "😀",
    "199001012020011999",
    "..%2F..%2Fetc",
    "",
];

fn junk_body(rng: &mut Rng) -> (Vec<u8>, &'static str) {
    let long = "x".repeat(70_000);
    let bodies: Vec<(Vec<u8>, &'static str)> = vec![
        (b"{}".to_vec(), "application/json"),
        (b"[]".to_vec(), "application/json"),
        (b"null".to_vec(), "application/json"),
        (b"\"str\"".to_vec(), "application/json"),
        (b"{\"username\": 5, \"role\": [], \"changes\": {}}".to_vec(), "application/json"),
        (b"{\"changes\": [{\"id\": \"\"}]}".to_vec(), "application/json"),
        (b"{\"a\":".to_vec(), "application/json"),
        (vec![0xff, 0xfe, 0x00, 0x01], "application/json"),
        (b"not json at all".to_vec(), "text/plain"),
        (format!("{{\"passphrase\": \"{long}\"}}").into_bytes(), "application/json"),
        (vec![], "application/json"),
        (vec![0u8; 1024], "application/octet-stream"),
    ];
    let i = (rng.next() % bodies.len() as u64) as usize;
    bodies.into_iter().nth(i).unwrap_or_default()
}

#[tokio::test]
async fn malformed_requests_get_documented_answers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = common::store(Backend::Sqlite, dir.path()).await;
    let blobs = Arc::new(berkas_server::blobs::FsBlobStore::new(&dir.path().join("blobs")).expect("blobs"));
    let state = AppState::new(store, blobs).expect("state");
    demo::seed(&state, PW, 2).await.expect("seed");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router(state)).await });
    let http = Client::new();
    let doc: Value = http.get(format!("{base}/v1/openapi.json")).send().await.expect("doc").json().await.expect("json");
    let login = |user: &'static str| {
        let http = http.clone();
        let base = base.clone();
        async move {
            let r = http.post(format!("{base}/v1/auth/login")).json(&json!({"username": user, "password": PW})).send();
            let v: Value = r.await.expect("login").json().await.expect("json");
            v["access_token"].as_str().expect("token").to_string()
        }
    };
    let tokens = [login("admin").await, login("fas-a").await];

    let mut rng = Rng(0x5eed_2026_1206);
    let mut calls = 0usize;
    let mut problems = Vec::new();
    let paths = doc["paths"].as_object().expect("paths").clone();
    for (path, ops) in &paths {
        for (method, op) in ops.as_object().expect("ops") {
            // These end the caller's own session or password: fuzzed without a token only.
            let session_ending = path == "/v1/auth/logout" || path == "/v1/auth/password";
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            for round in 0..ROUNDS {
                // The path with each parameter replaced by a junk value.
                let mut url = path.clone();
                let mut query = Vec::new();
                for p in &params {
                    let name = p["name"].as_str().unwrap_or_default();
                    let value = rng.pick(TEXTS).to_string();
                    match p["in"].as_str() {
                        // An empty segment is another URL, not this operation (see below).
                        Some("path") if value.is_empty() => url = url.replace(&format!("{{{name}}}"), "kosong"),
                        Some("path") => url = url.replace(&format!("{{{name}}}"), &value),
                        Some("query") if rng.next() % 3 != 0 => query.push(format!("{name}={value}")),
                        _ => {}
                    }
                }
                if !query.is_empty() {
                    url = format!("{url}?{}", query.join("&"));
                }
                let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
                let mut req = http.request(m.clone(), format!("{base}{url}")).header("x-berkas-protocol", "1");
                match (round % 4, session_ending) {
                    (0, _) | (_, true) => {}
                    (1, false) => req = req.bearer_auth("bka_not-a-token"),
                    _ => req = req.bearer_auth(&tokens[round % 2]),
                }
                if op.get("requestBody").is_some() || round % 5 == 0 {
                    let (body, kind) = junk_body(&mut rng);
                    req = req.header("content-type", kind).body(body);
                }
                let r = req.send().await.expect("send");
                calls += 1;
                let status = r.status().as_u16();
                let json = r
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|c| c.starts_with("application/json"));
                let body = r.bytes().await.unwrap_or_default();
                let what = format!("{method} {url} -> {status}");
                if status >= 500 {
                    problems.push(format!("{what}: a server error {}", String::from_utf8_lossy(&body)));
                } else if !op["responses"][status.to_string()].is_object() {
                    problems.push(format!("{what}: not documented for {method} {path}"));
                } else if status >= 400 && !body.is_empty() {
                    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
                    let coded = parsed.as_ref().is_some_and(|v| v["error"]["code"].is_string());
                    if !json || !coded {
                        problems.push(format!("{what}: not the JSON error body: {}", String::from_utf8_lossy(&body)));
                    }
                }
            }
        }
    }
    // A path no route knows answers the same JSON error body.
    let r = http.get(format!("{base}/v1/tidak-ada")).send().await.expect("send");
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    if status != 404 || body["error"]["code"] != "not_found" {
        problems.push(format!("an unknown path answered {status} {body}"));
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{} of {calls} answers break the contract:\n{}", problems.len(), problems.join("\n"));
    assert!(calls >= paths.len() * ROUNDS, "{calls} calls");
}
