//! A real Garage (the distributed S3-compatible store, crates.io `garage`) on loopback for the
//! tests of documents in object storage: one node on its embedded SQLite with replication
//! factor 1, a bucket and an access key. `scripts/test.sh` installs the binary once and names
//! it in `BERKAS_TEST_GARAGE`; without that, `garage` on the PATH or in ~/.cargo/bin.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

/// A running Garage node with one bucket; stopped when dropped.
pub struct Garage {
    child: Child,
    config: PathBuf,
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("BERKAS_TEST_GARAGE") {
        return PathBuf::from(path);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    let cargo = home.join(".cargo/bin/garage");
    if cargo.exists() {
        return cargo;
    }
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("garage")).find(|g| g.exists()))
        .unwrap_or_default();
    on_path.unwrap_or_else(|| {
        panic!("garage is not installed: run scripts/test.sh, which installs it (cargo install --locked garage)")
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port()
}

fn hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

fn getrandom(buf: &mut [u8]) {
    use std::io::Read;
    std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(buf)).expect("random bytes");
}

impl Garage {
    /// A fresh node under `dir` with the bucket `berkas`.
    pub fn start(dir: &Path) -> Garage {
        std::fs::create_dir_all(dir).expect("garage dir");
        let (rpc, s3) = (free_port(), free_port());
        let config = dir.join("garage.toml");
        std::fs::write(
            &config,
            format!(
                "metadata_dir = \"{meta}\"\ndata_dir = \"{data}\"\ndb_engine = \"sqlite\"\nreplication_factor = 1\n\
                 rpc_bind_addr = \"127.0.0.1:{rpc}\"\nrpc_public_addr = \"127.0.0.1:{rpc}\"\nrpc_secret = \"{secret}\"\n\
                 [s3_api]\ns3_region = \"garage\"\napi_bind_addr = \"127.0.0.1:{s3}\"\n",
                meta = dir.join("meta").display(),
                data = dir.join("data").display(),
                secret = hex(32),
            ),
        )
        .expect("garage.toml");
        let log = std::fs::File::create(dir.join("garage.log")).expect("garage log");
        let child = Command::new(binary())
            .arg("-c")
            .arg(&config)
            .arg("server")
            .env("RUST_LOG", "warn")
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start garage");
        let mut garage = Garage {
            child,
            config,
            endpoint: format!("http://127.0.0.1:{s3}"),
            bucket: "berkas".into(),
            region: "garage".into(),
            access_key_id: String::new(),
            secret_access_key: String::new(),
        };
        let id = garage.until_up();
        garage.admin(&["layout", "assign", "-z", "dc1", "-c", "1G", &id]);
        garage.admin(&["layout", "apply", "--version", "1"]);
        garage.admin(&["bucket", "create", "berkas"]);
        // A key of our own making: nothing to parse out of the tool's output.
        garage.access_key_id = format!("GK{}", hex(12));
        garage.secret_access_key = hex(32);
        let (id, secret) = (garage.access_key_id.clone(), garage.secret_access_key.clone());
        garage.admin(&["key", "import", "--yes", "-n", "berkas-hub", &id, &secret]);
        garage.admin(&["bucket", "allow", "--read", "--write", "--owner", "berkas", "--key", "berkas-hub"]);
        garage.until_serving();
        garage
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(binary()).arg("-c").arg(&self.config).args(args).output().expect("run garage")
    }

    /// Runs an administration command; it must succeed.
    pub fn admin(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "garage {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits for the node to answer; its id.
    fn until_up(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let out = self.run(&["node", "id", "-q"]);
            let text = String::from_utf8_lossy(&out.stdout);
            if out.status.success() {
                if let Some((id, _)) = text.trim().split_once('@') {
                    return id.to_string();
                }
            }
            assert!(Instant::now() < deadline, "garage did not start: {}", String::from_utf8_lossy(&out.stderr));
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Waits until the S3 API answers (the layout takes a moment to be applied).
    fn until_serving(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let addr = self.endpoint.trim_start_matches("http://").to_string();
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(Instant::now() < deadline, "garage's S3 API did not open on {addr}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The `berkas-server` options and environment that put documents in this bucket.
    pub fn hub_args(&self) -> Vec<String> {
        vec![
            "--s3-endpoint".into(),
            self.endpoint.clone(),
            "--s3-bucket".into(),
            self.bucket.clone(),
            "--s3-region".into(),
            self.region.clone(),
        ]
    }

    pub fn hub_env(&self) -> Vec<(String, String)> {
        vec![
            ("BERKAS_S3_ACCESS_KEY_ID".into(), self.access_key_id.clone()),
            ("BERKAS_S3_SECRET_ACCESS_KEY".into(), self.secret_access_key.clone()),
        ]
    }

    /// The object names in the bucket under `prefix`, listed over S3 independently of the hub.
    pub async fn objects(&self, prefix: &str) -> Vec<String> {
        self.objects_in(&self.bucket, prefix).await
    }

    /// The same in another bucket of this node.
    pub async fn objects_in(&self, bucket: &str, prefix: &str) -> Vec<String> {
        use futures_util::StreamExt;
        use object_store::ObjectStore;
        let store = object_store::aws::AmazonS3Builder::new()
            .with_endpoint(&self.endpoint)
            .with_bucket_name(bucket)
            .with_region(&self.region)
            .with_access_key_id(&self.access_key_id)
            .with_secret_access_key(&self.secret_access_key)
            .with_allow_http(true)
            .build()
            .expect("s3 client");
        let prefix = object_store::path::Path::from(prefix);
        let mut names = Vec::new();
        let mut list = store.list(Some(&prefix));
        while let Some(meta) = list.next().await {
            names.push(meta.expect("listed").location.to_string());
        }
        names.sort();
        names
    }

    /// Where the node keeps its data blocks: what a stolen disk of the store would show.
    pub fn data_dir(&self) -> PathBuf {
        self.config.with_file_name("data")
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
