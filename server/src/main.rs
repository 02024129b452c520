//! `berkas-server`: serve the hub, seed and serve the demo instansi, manage accounts.

use berkas_core::authz::Role;
use berkas_core::refdata::{parse_table, read_json_file, table_name_of, ParsedTable};
use berkas_core::secrets::SecretStoreKind;
use berkas_server::atrest;
use berkas_server::backup::now::BackupTarget;
use berkas_server::backup::{self, KeyCost};
use berkas_server::blobs::{BlobStore, FsBlobStore, S3BlobStore, S3Config};
use berkas_server::referensi::{self, HubReferensi};
use berkas_server::store::{PostgresStorage, SqliteStorage, Storage};
use berkas_server::{accounts, auth, demo, router, siasn_import, AppState};
use clap::{Parser, Subcommand};
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "berkas-server", version, about = "The Berkas hub an instansi runs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the hub from DIR (embedded SQLite, or PostgreSQL with --database).
    Serve {
        #[command(flatten)]
        hub: HubArgs,
    },
    /// Seed a demo instansi into DIR (once) and serve it.
    Demo {
        #[command(flatten)]
        hub: HubArgs,
        /// Password of every demo account (admin, fas-a, fas-b, each ASN by NIP).
        #[arg(long, env = "BERKAS_DEMO_PASSWORD")]
        password: String,
        /// ASN per unit.
        #[arg(long, default_value_t = 24)]
        per_unit: u64,
        /// Kartu pegawai requests submitted by as many ASN of UNIT-A (a facilitator's queue to
        /// work through; the desktop's queue benchmark).
        #[arg(long, default_value_t = 0)]
        requests: usize,
    },
    /// Accounts.
    #[command(subcommand)]
    User(UserCmd),
    /// The layanan catalogue.
    #[command(subcommand)]
    Layanan(LayananCmd),
    /// Bring data into the hub.
    #[command(subcommand)]
    Import(ImportCmd),
    /// Encrypted backups of a hub (SQLite or PostgreSQL); the passphrase is read from standard input.
    #[command(subcommand)]
    Backup(BackupCmd),
    /// Encrypt what of a hub is still plain at rest, in place (the hub stopped): its SQLite
    /// database and its documents. A hub made since this release is encrypted from the start.
    Encrypt {
        #[arg(long)]
        data: PathBuf,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Give the hub's encrypted database and its documents new keys (the hub stopped).
    Rekey {
        #[arg(long)]
        data: PathBuf,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Print the public key this hub signs documents with (made now if there is none yet).
    /// Publish it: anyone holding it checks a signed document offline.
    SigningKey {
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Subcommand)]
enum BackupCmd {
    /// Write the hub's database and every document into FILE (which must not exist), sealed
    /// with the passphrase. Safe while the hub serves.
    Create {
        #[command(flatten)]
        hub: BackupHub,
        file: PathBuf,
    },
    /// Decrypt FILE and check all of it (structure, every document's hash); writes nothing.
    Verify { file: PathBuf },
    /// Restore FILE into a hub that holds nothing yet; nothing is written unless all of it
    /// checks out.
    Restore {
        #[command(flatten)]
        hub: BackupHub,
        file: PathBuf,
    },
}

/// Where the keys of the hub's database (SQLCipher, on the embedded SQLite) and of its
/// documents are kept.
#[derive(clap::Args, Clone)]
struct KeyArgs {
    /// file (a key file, --key-file), env (BERKAS_SECRET_BERKAS_HUB_DB_KEY and
    /// BERKAS_SECRET_BERKAS_HUB_DOCUMENT_KEY, read-only) or
    /// keyring (the OS keyring, in builds with it).
    #[arg(long, env = "BERKAS_KEY_STORE", default_value = "file")]
    key_store: String,
    /// The key file (default DATA/hub-key.json). Keep it off the disk the data is on, so a
    /// stolen disk or copy of the data dir does not carry its key.
    #[arg(long, env = "BERKAS_KEY_FILE")]
    key_file: Option<PathBuf>,
}

impl KeyArgs {
    fn keys(&self, data: &Path) -> Result<atrest::HubKeys, String> {
        let kind = SecretStoreKind::parse(&self.key_store)
            .ok_or_else(|| format!("--key-store must be file, env or keyring, not {}", self.key_store))?;
        atrest::HubKeys::open(kind, self.key_file.as_deref(), data).map_err(|e| e.to_string())
    }
}

/// The hub a backup is taken of or restored into.
#[derive(clap::Args)]
struct BackupHub {
    /// The hub's data dir (its documents, and its database on the embedded SQLite).
    #[arg(long)]
    data: PathBuf,
    /// postgres://user:password@host:port/db for a hub on PostgreSQL (uses pg_dump/pg_restore).
    #[arg(long, env = "BERKAS_DATABASE_URL")]
    database: Option<String>,
    #[command(flatten)]
    keys: KeyArgs,
    #[command(flatten)]
    documents: DocumentArgs,
}

#[derive(Subcommand)]
enum ImportCmd {
    /// Pegawai documents in SIASN JSON (array, one object, or JSON Lines) into the hub's records,
    /// as changes every device in scope pulls. Safe to run while the hub serves, and again.
    Siasn {
        #[command(flatten)]
        store: StoreArgs,
        /// Count what would be created and updated, and write nothing.
        #[arg(long)]
        dry_run: bool,
        file: PathBuf,
    },
    /// SIASN reference tables (`*.json` / `*.json.gz` files, or folders of them): the hub
    /// judges codes by them and every device takes a changed table at its next sync.
    Referensi {
        #[arg(long)]
        data: PathBuf,
        #[arg(long, env = "BERKAS_DATABASE_URL")]
        database: Option<String>,
        #[command(flatten)]
        keys: KeyArgs,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Where the hub keeps its data, and the reference tables it judges values by.
#[derive(clap::Args)]
struct StoreArgs {
    #[command(flatten)]
    db: HubDb,
    /// A folder of SIASN reference tables to take in first (as `import referensi`): the codes
    /// the hub checks, the due rules' facts, and what devices pull.
    #[arg(long)]
    referensi: Option<PathBuf>,
    #[command(flatten)]
    documents: DocumentArgs,
}

/// Where documents are kept: under DATA/blobs (the default), or in an S3-compatible bucket
/// that several hub processes share. The bucket's credentials come from the environment
/// (BERKAS_S3_ACCESS_KEY_ID, BERKAS_S3_SECRET_ACCESS_KEY), never the command line.
#[derive(clap::Args)]
struct DocumentArgs {
    /// The S3 endpoint: https://HOST[:PORT] (http:// on loopback only).
    #[arg(long, env = "BERKAS_S3_ENDPOINT", requires = "s3_bucket")]
    s3_endpoint: Option<String>,
    /// The bucket the documents go in.
    #[arg(long, env = "BERKAS_S3_BUCKET", requires = "s3_endpoint")]
    s3_bucket: Option<String>,
    /// The bucket's region (Garage's `s3_region`).
    #[arg(long, env = "BERKAS_S3_REGION", default_value = "us-east-1")]
    s3_region: String,
}

impl DocumentArgs {
    /// The bucket the hub's documents are in, sealed under its document key; none when they
    /// are under DATA/blobs.
    async fn bucket(&self, data: &Path, keys: &KeyArgs) -> Result<Option<Arc<S3BlobStore>>, String> {
        let (Some(endpoint), Some(bucket)) = (&self.s3_endpoint, &self.s3_bucket) else {
            return Ok(None);
        };
        std::fs::create_dir_all(data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
        let hub_keys = keys.keys(data)?;
        let key = hub_keys.documents_key().map_err(|e| e.to_string())?;
        let config = S3Config::from_env(endpoint, bucket, &self.s3_region)?;
        let store = S3BlobStore::open(&config, key).await?;
        hub_keys.bind_bucket(&format!("{bucket} at {endpoint}"));
        Ok(Some(Arc::new(store)))
    }
}

impl StoreArgs {
    /// The hub's state: its store, blobs and reference tables.
    async fn state(&self) -> Result<AppState, String> {
        Ok(self.state_and_bucket().await?.0)
    }

    /// The hub's state, and the bucket its documents are in (its backups read it).
    async fn state_and_bucket(&self) -> Result<(AppState, Option<Arc<S3BlobStore>>), String> {
        let store = self.db.open().await?;
        if let Some(dir) = &self.referensi {
            let tables = read_tables(std::slice::from_ref(dir))?;
            if !tables.iter().any(|t| t.name == "jabatanFungsional") {
                return Err(format!(
                    "{}: no jabatanFungsional.json(.gz); is this the SIASN reference folder?",
                    dir.display()
                ));
            }
            referensi::publish(store.as_ref(), &tables).await.map_err(|e| e.message)?;
        }
        let bucket = self.documents.bucket(&self.db.data, &self.db.keys).await?;
        let blobs: Arc<dyn BlobStore> = match &bucket {
            Some(b) => b.clone(),
            None => blobs(&self.db.data, &self.db.keys)?,
        };
        let mut state = AppState::new(store, blobs).map_err(|e| e.message)?;
        state.referensi = Arc::new(HubReferensi::load(state.store.as_ref()).await.map_err(|e| e.message)?);
        let (tables, jf, hukuman) = state.referensi.sizes();
        if self.referensi.is_some() {
            // The KGB rule's table ships with the hub; said here so an operator sees which one.
            let gaji = berkas_core::due::GajiPokokTable::builtin()
                .map_or_else(|| "none".to_string(), |t| format!("{} from {}", t.basis, t.berlaku));
            println!(
                "reference tables: {tables}; usiaBup of {jf} jabatan fungsional, level of {hukuman} jenis hukuman; \
                 gaji pokok {gaji}"
            );
        }
        Ok((state, bucket))
    }
}

/// Where the hub keeps its data, where it listens, and how.
#[derive(clap::Args)]
struct HubArgs {
    #[command(flatten)]
    store: StoreArgs,
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Seconds an access token is good for (a device refreshes it with its refresh token).
    #[arg(long, default_value_t = auth::ACCESS_TTL_SECS, value_parser = clap::value_parser!(i64).range(1..=86_400))]
    access_ttl: i64,
    /// The largest document the hub accepts, in MB (devices are told, and refuse a larger
    /// capture before uploading it).
    #[arg(long, default_value_t = berkas_server::blobs::MAX_BLOB >> 20,
        value_parser = clap::value_parser!(u64).range(1..=berkas_server::blobs::MAX_BLOB >> 20))]
    max_document_mb: u64,
    #[command(flatten)]
    tls: Tls,
    /// Where backups asked for from the admin screen are written (default DATA/backups). Put
    /// it on another disk than the data.
    #[arg(long)]
    backup_dir: Option<PathBuf>,
    /// Where reset codes are e-mailed through: smtp://HOST:PORT (a relay on this machine or
    /// network) or smtps://HOST:PORT. Without it a code goes by SMS only (logged: no gateway).
    #[arg(long, env = "BERKAS_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender of those e-mails.
    #[arg(long, env = "BERKAS_SMTP_FROM", default_value = "helpdesk-berkas@localhost.localdomain")]
    smtp_from: String,
    /// Seconds a code the helpdesk sends is good for (24 hours); shorter only to test expiry.
    #[arg(long, hide = true, default_value_t = berkas_core::sync::admin::RESET_CODE_TTL_SECS,
        value_parser = clap::value_parser!(i64).range(1..=berkas_core::sync::admin::RESET_CODE_TTL_SECS))]
    reset_code_ttl: i64,
}

impl HubArgs {
    /// The hub's state, with its token lifetime and where its backups go.
    async fn state(&self) -> Result<AppState, String> {
        let (mut state, bucket) = self.store.state_and_bucket().await?;
        let target = self.store.db.backup_target(self.backup_dir.clone(), bucket)?;
        state.backups = Some(Arc::new(target));
        state.access_ttl = self.access_ttl;
        let mut settings = (*state.settings).clone();
        settings.max_document_bytes = self.max_document_mb << 20;
        state.settings = Arc::new(settings);
        state.reset_code_ttl = self.reset_code_ttl;
        if let Some(url) = &self.smtp_url {
            let smtp = berkas_server::delivery::SmtpDelivery::new(url, &self.smtp_from).map_err(|e| e.to_string())?;
            state.deliveries.0.insert(0, Arc::new(smtp));
        }
        Ok(state)
    }
}

/// TLS: without a certificate the hub serves plain HTTP, and then only on loopback.
#[derive(clap::Args)]
struct Tls {
    /// PEM certificate chain.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

/// The hub's database for an account command: its SQLite under the data dir, or the
/// PostgreSQL the hub runs on (`--database`), so an account lands where the hub reads it.
#[derive(clap::Args)]
struct HubDb {
    #[arg(long)]
    data: PathBuf,
    /// postgres://user:password@host:port/db instead of the embedded SQLite.
    #[arg(long, env = "BERKAS_DATABASE_URL")]
    database: Option<String>,
    #[command(flatten)]
    keys: KeyArgs,
}

impl HubDb {
    async fn open(&self) -> Result<Arc<dyn Storage>, String> {
        open_any(&self.data, self.database.as_deref(), &self.keys).await
    }

    /// What a backup of this hub reads, and where it goes.
    fn backup_target(&self, dir: Option<PathBuf>, bucket: Option<Arc<S3BlobStore>>) -> Result<BackupTarget, String> {
        let keys = backup::AtRestKeys {
            database: match self.database {
                None => existing_key(&self.data, &self.keys)?,
                Some(_) => None,
            },
            documents: Some(self.keys.keys(&self.data)?.documents_key().map_err(|e| e.to_string())?),
            bucket,
        };
        Ok(BackupTarget {
            data: self.data.clone(),
            database: self.database.clone(),
            keys,
            dir: dir.unwrap_or_else(|| self.data.join("backups")),
        })
    }
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add an account; the password is read from standard input.
    Add {
        #[command(flatten)]
        hub: HubDb,
        username: String,
        #[arg(long)]
        role: String,
        /// The account's own pegawai record, by NIP.
        #[arg(long)]
        nip: Option<String>,
        #[arg(long, value_delimiter = ',')]
        units: Vec<String>,
    },
    /// Change an account's role or units.
    Grant {
        #[command(flatten)]
        hub: HubDb,
        username: String,
        #[arg(long)]
        role: Option<String>,
        #[arg(long, value_delimiter = ',')]
        units: Option<Vec<String>>,
    },
    /// Disable an account and end its sessions.
    Revoke {
        #[command(flatten)]
        hub: HubDb,
        username: String,
    },
    List {
        #[command(flatten)]
        hub: HubDb,
    },
    /// Issue a one-time code (single use, 24 hours) the account's owner trades for a new
    /// password; nobody else learns the password.
    Reset {
        #[command(flatten)]
        hub: HubDb,
        username: String,
    },
}

#[derive(Subcommand)]
enum LayananCmd {
    /// Switch a layanan off (or on, with --on): the next catalogue version, which every device
    /// takes at its next sync.
    Switch {
        #[command(flatten)]
        hub: HubDb,
        /// The layanan, e.g. kartu_pegawai.
        id: String,
        #[arg(long)]
        on: bool,
    },
    /// The catalogue in force, and which devices run which version of it.
    Status {
        #[command(flatten)]
        hub: HubDb,
    },
}

/// The hub's storage: PostgreSQL when a URL is given, else SQLite under the data dir.
async fn open_any(data: &Path, database: Option<&str>, keys: &KeyArgs) -> Result<Arc<dyn Storage>, String> {
    match database {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => Ok(Arc::new(
            PostgresStorage::connect(url).await.map_err(|e| format!("cannot open the PostgreSQL database: {e}"))?,
        )),
        Some(other) => {
            Err(format!("--database must be a postgres:// URL, not {:?}", other.split(':').next().unwrap_or("")))
        }
        None => Ok(open(data, keys)?),
    }
}

/// The hub's documents, sealed under its document key; plain ones of a hub from before are
/// served, with a warning, until `berkas-server encrypt`.
fn blobs(data: &Path, keys: &KeyArgs) -> Result<Arc<FsBlobStore>, String> {
    // A hub on PostgreSQL has nothing else under its data dir: its key file goes there first.
    std::fs::create_dir_all(data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    let key = keys.keys(data)?.documents_key().map_err(|e| e.to_string())?;
    let store = FsBlobStore::sealed(&data.join(berkas_server::BLOBS_DIR), key)
        .map_err(|e| format!("cannot create the blob store: {e}"))?;
    let plain = store.plain_documents().map_err(|e| format!("cannot read the blob store: {e}"))?;
    if plain > 0 {
        eprintln!(
            "warning: {plain} documents are not sealed at rest; stop the hub and run `berkas-server encrypt --data {}`",
            data.display()
        );
    }
    Ok(Arc::new(store))
}

/// The hub's SQLite database, encrypted at rest: a new hub gets a key in the key store; a hub
/// from before encryption is served as it is, with a warning, until `berkas-server encrypt`.
fn open(data: &Path, keys: &KeyArgs) -> Result<Arc<SqliteStorage>, String> {
    std::fs::create_dir_all(data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    let db = data.join(berkas_server::DATABASE_FILE);
    let key = atrest::key_for(&db, &keys.keys(data)?).map_err(|e| e.to_string())?;
    if key.is_none() {
        eprintln!(
            "warning: the hub's database is not encrypted at rest; stop the hub and run \
             `berkas-server encrypt --data {}`",
            data.display()
        );
    }
    SqliteStorage::open_keyed(&db, key.as_ref()).map(Arc::new).map_err(|e| e.to_string())
}

async fn serve(state: AppState, listen: SocketAddr, tls: Tls) -> Result<(), String> {
    berkas_server::presensi_retensi::spawn_periodic(state.clone());
    if let (Some(cert), Some(key)) = (tls.tls_cert, tls.tls_key) {
        return berkas_server::tls::serve_tls(state, listen, &cert, &key).await;
    }
    if !listen.ip().is_loopback() {
        return Err(format!("refusing plain HTTP on {listen}: give --tls-cert and --tls-key, or listen on loopback"));
    }
    let listener =
        tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("berkas-server listening on http://{addr}");
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}

/// The reference tables in `paths` (files, or folders of `*.json` / `*.json.gz`).
fn read_tables(paths: &[PathBuf]) -> Result<Vec<ParsedTable>, String> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let entries = std::fs::read_dir(p).map_err(|e| format!("{}: {e}", p.display()))?;
            files.extend(entries.flatten().map(|e| e.path()).filter(|f| table_name_of(f).is_some()));
        } else {
            files.push(p.clone());
        }
    }
    files.sort();
    let mut tables = Vec::with_capacity(files.len());
    for path in files {
        let name = table_name_of(&path).ok_or_else(|| format!("{}: not a .json or .json.gz file", path.display()))?;
        let bytes = read_json_file(&path).map_err(|e| e.to_string())?;
        tables.push(parse_table(&name, &bytes).map_err(|e| e.to_string())?);
    }
    if tables.is_empty() {
        return Err("no *.json or *.json.gz reference tables given".into());
    }
    Ok(tables)
}

async fn import_referensi(
    data: &Path,
    database: Option<&str>,
    keys: &KeyArgs,
    files: &[PathBuf],
) -> Result<(), String> {
    let tables = read_tables(files)?;
    let store = open_any(data, database, keys).await?;
    let published = referensi::publish(store.as_ref(), &tables).await.map_err(|e| e.message)?;
    for (t, p) in tables.iter().zip(&published) {
        println!(
            "{:<24} {:>7} baris{}  {}",
            t.name,
            p.info.rows,
            if t.problems.is_empty() { String::new() } else { format!(", {} ditolak", t.problems.len()) },
            if p.changed { format!("versi baru {}", &p.info.version[..12]) } else { "tidak berubah".into() }
        );
    }
    let changed = published.iter().filter(|p| p.changed).count();
    println!("{changed} tabel berubah; setiap perangkat mengambilnya pada sinkronisasi berikutnya");
    Ok(())
}

/// The key of an existing hub database (none for a plain one, or none there).
fn existing_key(data: &Path, keys: &KeyArgs) -> Result<Option<berkas_core::secrets::Secret>, String> {
    let db = data.join(berkas_server::DATABASE_FILE);
    if !db.exists() {
        return Ok(None);
    }
    atrest::key_for(&db, &keys.keys(data)?).map_err(|e| e.to_string())
}

fn role_arg(s: &str) -> Result<Role, String> {
    Role::parse(s)
        .ok_or_else(|| format!("--role must be personal, fasilitator, admin or ppnpn (presence only), not {s}"))
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve { hub } => {
            let state = hub.state().await?;
            serve(state, hub.listen, hub.tls).await
        }
        Command::Demo { hub, password, per_unit, requests } => {
            let state = hub.state().await?;
            let summary = demo::seed(&state, &password, per_unit).await.map_err(|e| e.message)?;
            let submitted = demo::seed_requests(&state, requests).await.map_err(|e| e.message)?;
            if submitted > 0 {
                println!("{submitted} kartu pegawai requests wait in UNIT-A's queue");
            }
            println!(
                "demo instansi {}: {} ASN in UNIT-A and UNIT-B; accounts admin, fas-a, fas-b and each ASN by NIP",
                if summary.created { "seeded" } else { "already present" },
                summary.asn.len()
            );
            if let Some((nip, unit)) = summary.asn.first() {
                println!("for example: ASN {nip} ({unit})");
            }
            serve(state, hub.listen, hub.tls).await
        }
        Command::User(cmd) => user(cmd).await,
        Command::Layanan(cmd) => layanan(cmd).await,
        Command::Import(ImportCmd::Siasn { store, dry_run, file }) => import_siasn(&store, dry_run, &file).await,
        Command::Import(ImportCmd::Referensi { data, database, keys, files }) => {
            import_referensi(&data, database.as_deref(), &keys, &files).await
        }
        Command::Encrypt { data, keys } => {
            let hub_keys = keys.keys(&data)?;
            let r = atrest::encrypt_hub(&data, &hub_keys).map_err(|e| e.to_string())?;
            let rows: i64 = r.tables.iter().map(|(_, n)| n).sum();
            println!(
                "{} encrypted at rest: database {} tables, {rows} rows checked against the original; {} documents \
                 sealed ({} were already), {} unfinished plain uploads removed; keys in {}",
                data.display(),
                r.tables.len(),
                r.documents.sealed,
                r.documents.already,
                r.documents.partials_removed,
                hub_keys.describe()
            );
            Ok(())
        }
        Command::Rekey { data, keys } => {
            let hub_keys = keys.keys(&data)?;
            let documents = atrest::rekey_hub(&data, &hub_keys).map_err(|e| e.to_string())?;
            println!(
                "{}: new keys, kept in {}; {documents} documents re-sealed; the old keys no longer open them",
                data.display(),
                hub_keys.describe()
            );
            Ok(())
        }
        Command::Backup(cmd) => backup(cmd).await,
        Command::SigningKey { store } => {
            let state = store.state().await?;
            let key = berkas_server::signing_api::HubKey::load(state.store.as_ref()).await.map_err(|e| e.message)?;
            println!("{}", key.public.to_hex());
            eprintln!(
                "Ed25519, key id {}: check a signed document with `berkas signature verify FILE --key KEY`",
                key.public.key_id()
            );
            Ok(())
        }
    }
}

async fn backup(cmd: BackupCmd) -> Result<(), String> {
    let mut passphrase = String::new();
    std::io::stdin().lock().read_line(&mut passphrase).map_err(|e| format!("reading the passphrase: {e}"))?;
    let passphrase = passphrase.trim_end_matches(['\n', '\r']);
    if passphrase.is_empty() {
        return Err("no passphrase was given: write it on standard input (e.g. from a password manager or a file \
                    readable only by you), one line"
            .into());
    }
    let (done, file, manifest) = match &cmd {
        BackupCmd::Create { hub, file } => {
            let db = hub.database.as_deref();
            let keys = backup::AtRestKeys {
                database: match db {
                    None => existing_key(&hub.data, &hub.keys)?,
                    Some(_) => None,
                },
                documents: Some(hub.keys.keys(&hub.data)?.documents_key().map_err(|e| e.to_string())?),
                bucket: hub.documents.bucket(&hub.data, &hub.keys).await?,
            };
            let made = backup::create_keyed(&hub.data, db, file, passphrase, KeyCost::STANDARD, keys).await;
            if let Ok(m) = &made {
                // Recorded where the admin screen reads the last backup's age and check.
                let info = backup::now::checked(file, passphrase, m).await;
                let store = open_any(&hub.data, db, &hub.keys).await?;
                backup::now::record(store.as_ref(), &info).await.map_err(|e| e.message)?;
                if let Some(p) = &info.problem {
                    return Err(format!("the backup {} was written but does not read back: {p}", file.display()));
                }
            }
            ("written to", file, made)
        }
        BackupCmd::Verify { file } => ("checked:", file, backup::verify(file, passphrase).await),
        BackupCmd::Restore { hub, file } => {
            // Restored encrypted under the restoring hub's keys (new ones for a new hub).
            std::fs::create_dir_all(&hub.data).map_err(|e| format!("{}: {e}", hub.data.display()))?;
            let hub_keys = hub.keys.keys(&hub.data)?;
            let keys = backup::AtRestKeys {
                database: match hub.database {
                    None if !hub.data.join(berkas_server::DATABASE_FILE).exists() => {
                        Some(hub_keys.current_or_new().map_err(|e| e.to_string())?)
                    }
                    _ => None,
                },
                documents: Some(hub_keys.documents_key().map_err(|e| e.to_string())?),
                bucket: hub.documents.bucket(&hub.data, &hub.keys).await?,
            };
            let restored = backup::restore_keyed(file, &hub.data, hub.database.as_deref(), passphrase, keys).await;
            ("restored from", file, restored)
        }
    };
    let m = manifest.map_err(|e| e.to_string())?;
    println!(
        "backup {done} {}: a hub on {} at {}, berkas-server {}, schema {}, database {} bytes, {} documents ({} bytes)",
        file.display(),
        m.backend,
        m.created_at,
        m.server_version,
        m.schema_version,
        m.database_bytes,
        m.documents,
        m.document_bytes
    );
    Ok(())
}

async fn import_siasn(store: &StoreArgs, dry_run: bool, file: &Path) -> Result<(), String> {
    let state = store.state().await?;
    let on_terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut progress = |n: usize| {
        if on_terminal {
            eprint!("\r{n} dokumen");
        }
    };
    let options = siasn_import::ImportOptions { dry_run };
    let r = siasn_import::import_siasn(&state, file, "siasn-import", options, &mut progress)
        .await
        .map_err(|e| e.to_string())?;
    if on_terminal {
        eprintln!();
    }
    println!(
        "{}{} dokumen: {} baru, {} diperbarui, {} tetap, {} baris riwayat baru; {} ditolak",
        if dry_run { "pratinjau, tidak ada yang ditulis: " } else { "" },
        r.documents,
        r.created,
        r.updated,
        r.unchanged,
        r.riwayat_rows,
        r.refused.len()
    );
    for p in &r.refused {
        let errors: Vec<String> = p.errors.iter().map(|e| format!("{} ({})", e, e.code)).collect();
        println!("  dokumen {} ({}): {}", p.index + 1, p.nip.as_deref().unwrap_or("tanpa NIP"), errors.join("; "));
    }
    Ok(())
}

async fn user(cmd: UserCmd) -> Result<(), String> {
    match cmd {
        UserCmd::Add { hub, username, role, nip, units } => {
            let store = hub.open().await?;
            let role = role_arg(&role)?;
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password).map_err(|e| e.to_string())?;
            let password = password.trim_end_matches(['\n', '\r']);
            accounts::add(store.as_ref(), &username, role, password, nip.as_deref(), units).await?;
            println!("account {username} added ({})", role.as_str());
            Ok(())
        }
        UserCmd::Grant { hub, username, role, units } => {
            let store = hub.open().await?;
            let role = role.map(|r| role_arg(&r)).transpose()?;
            let u = accounts::grant(store.as_ref(), &username, role, units).await?;
            println!("account {username}: {} {:?}", u.role.as_str(), u.units);
            Ok(())
        }
        UserCmd::Revoke { hub, username } => {
            let store = hub.open().await?;
            accounts::revoke(store.as_ref(), &username).await?;
            println!("account {username} disabled; its sessions ended");
            Ok(())
        }
        UserCmd::Reset { hub, username } => {
            let store = hub.open().await?;
            let code =
                accounts::issue_reset_code(store.as_ref(), &username, "berkas-server").await.map_err(|e| e.message)?;
            println!("{}", code.code);
            eprintln!(
                "one-time code for {username}, good until {} and once: sign in with it and choose a new password",
                code.expires_at
            );
            Ok(())
        }
        UserCmd::List { hub } => {
            let store = hub.open().await?;
            for u in store.list_users().await.map_err(|e| e.to_string())? {
                println!(
                    "{:<20} {:<12} {:<8} {}",
                    u.username,
                    u.role.as_str(),
                    if u.disabled { "disabled" } else { "active" },
                    u.units.join(",")
                );
            }
            Ok(())
        }
    }
}

async fn layanan(cmd: LayananCmd) -> Result<(), String> {
    match cmd {
        LayananCmd::Switch { hub, id, on } => {
            let store = hub.open().await?;
            let (version, changed) =
                berkas_server::layanan_api::switch(store.as_ref(), &id, on).await.map_err(|e| e.message)?;
            if changed {
                let detail = serde_json::json!({ "version": version, "layanan": id, "aktif": on });
                store
                    .audit("berkas-server", "layanan.switch", None, Some(detail), None)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            println!(
                "{id} {}; catalogue version {version}{}",
                if on { "aktif" } else { "tidak aktif" },
                if changed { " (new: every device takes it at its next sync)" } else { " (unchanged)" }
            );
            Ok(())
        }
        LayananCmd::Status { hub } => {
            let store = hub.open().await?;
            let c = berkas_server::service::catalog_in(store.as_ref()).await.map_err(|e| e.message)?;
            println!("catalogue version {} ({})", c.version, c.published);
            for l in &c.layanan {
                println!("  {:<32} {:<12} {}", l.id, if l.aktif { "aktif" } else { "tidak aktif" }, l.nama);
            }
            let devices = store.devices().await.map_err(|e| e.to_string())?;
            let mut by_version = std::collections::BTreeMap::<i64, usize>::new();
            for d in &devices {
                *by_version.entry(d.layanan_version).or_default() += 1;
            }
            for (v, n) in by_version {
                println!("version {v}: {n} device(s)");
            }
            Ok(())
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
