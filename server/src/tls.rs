//! HTTPS with rustls (the `ring` provider: no C toolchain beyond what Rust needs).

use axum_server::tls_rustls::RustlsConfig;
use std::net::SocketAddr;
use std::path::Path;

use crate::{router, AppState};

/// Serves the hub over TLS with a PEM certificate chain and key until Ctrl-C.
pub async fn serve_tls(state: AppState, listen: SocketAddr, cert: &Path, key: &Path) -> Result<(), String> {
    // Several crates may bring rustls; this process uses ring. An error means it was set.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = RustlsConfig::from_pem_file(cert, key)
        .await
        .map_err(|e| format!("cannot load the TLS certificate or key ({}, {}): {e}", cert.display(), key.display()))?;
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        stopper.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let server = axum_server::bind_rustls(listen, config).handle(handle.clone());
    let started = tokio::spawn(async move { server.serve(app).await });
    if let Some(addr) = handle.listening().await {
        println!("berkas-server listening on https://{addr}");
    }
    started.await.map_err(|e| e.to_string())?.map_err(|e| format!("cannot serve on {listen}: {e}"))
}

/// Starts TLS serving on `listen` in the background and returns the bound address (tests).
pub async fn spawn_tls(
    state: AppState,
    listen: SocketAddr,
    cert_pem: Vec<u8>,
    key_pem: Vec<u8>,
) -> Result<SocketAddr, String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = RustlsConfig::from_pem(cert_pem, key_pem).await.map_err(|e| e.to_string())?;
    let handle = axum_server::Handle::new();
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let server = axum_server::bind_rustls(listen, config).handle(handle.clone());
    tokio::spawn(async move { server.serve(app).await });
    handle.listening().await.ok_or_else(|| "the TLS listener did not start".to_string())
}
