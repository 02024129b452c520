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
        // The platform's data folder (XDG on Linux, AppData on Windows, Application Support
        // on macOS), as Tauri's own path resolver finds it.
        .unwrap_or_else(|| dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("berkas").join("desktop"));
    let kind = if cfg!(feature = "os-keyring") { SecretStoreKind::Keyring } else { SecretStoreKind::File };
    let result = app(tauri::Builder::default(), Desktop::new(dir, kind)).run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("berkas-desktop: {e}");
        std::process::exit(1);
    }
}
