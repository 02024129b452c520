fn main() {
    // `generate_context!` embeds the built UI; a checkout where it was not built yet still
    // compiles, showing a page that says how to build it.
    let dist = std::path::Path::new("../ui/dist");
    if !dist.join("index.html").exists() {
        let _ = std::fs::create_dir_all(dist);
        let _ = std::fs::write(
            dist.join("index.html"),
            "<!doctype html><meta charset=utf-8><title>Berkas</title>\
             <p>Antarmuka belum dibangun: jalankan <code>npm --prefix desktop/ui ci && npm --prefix desktop/ui run build</code>.</p>",
        );
    }
    tauri_build::build()
}
