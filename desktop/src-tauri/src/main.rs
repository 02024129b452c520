//! `berkas-desktop [--profile DIR]`: the profile's key in the OS keyring (with the
//! `os-keyring` feature, the packaged default), or in a file beside a demo profile.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use berkas_core::secrets::SecretStoreKind;
use berkas_desktop::{app, Desktop};
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args
        .iter()
        .position(|a| a == "--profile")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("BERKAS_DESKTOP_PROFILE").map(PathBuf::from))
        .unwrap_or_else(|| {
            let base = std::env::var_os("XDG_DATA_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
                .unwrap_or_else(|| PathBuf::from("."));
            base.join("berkas/desktop")
        });
    let kind = if cfg!(feature = "os-keyring") { SecretStoreKind::Keyring } else { SecretStoreKind::File };
    let result = app(tauri::Builder::default(), Desktop::new(dir, kind)).run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("berkas-desktop: {e}");
        std::process::exit(1);
    }
}
