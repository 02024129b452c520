//! `berkas`: the command-line client over berkas-core, for scripting, bulk work and support.
//! Human output by default, `--json` for scripts. Exit codes: 0 done, 2 bad input (the
//! message names what was wrong), 1 anything else.

mod aktivitas;
mod check;
mod doc;
mod due;
mod form;
mod import;
mod layanan;
mod output;
mod pegawai;
mod presensi;
mod propose;
mod referensi;
mod rekon;
mod report;
mod signature;
mod sync;
mod tiket;

use berkas_core::display::Lang;
use berkas_core::secrets::SecretStoreKind;
use berkas_core::Berkas;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use output::{CliError, Out};

#[derive(Parser)]
#[command(name = "berkas", version, about = "Berkas: personnel records of ASN, offline first")]
struct Cli {
    /// Profile directory (default: the OS data directory, berkas/default).
    #[arg(long, global = true, env = "BERKAS_PROFILE")]
    profile: Option<PathBuf>,
    /// Machine-readable JSON output.
    #[arg(long, global = true)]
    json: bool,
    /// Language of the output: id (Bahasa Indonesia, the default) or en; else the locale's.
    #[arg(long, global = true, env = "BERKAS_LANG")]
    lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new encrypted profile.
    Init {
        /// Name recorded as the author of local changes.
        #[arg(long, env = "USER", default_value = "local")]
        user: String,
        /// Where the database key lives: keyring (OS), file (beside the profile), env.
        #[arg(long, env = "BERKAS_SECRET_STORE", default_value = "keyring")]
        secret_store: String,
    },
    /// Profile facts: schema version, cipher, secret store, counts.
    Info,
    /// Check identifiers offline.
    #[command(subcommand)]
    Check(check::CheckCmd),
    /// Personnel records.
    #[command(subcommand)]
    Pegawai(pegawai::PegawaiCmd),
    /// Riwayat rows of a pegawai.
    #[command(subcommand)]
    Riwayat(pegawai::RiwayatCmd),
    /// Documents: capture, check, list, export.
    #[command(subcommand)]
    Doc(doc::DocCmd),
    /// Who is due for kenaikan pangkat, gaji berkala, pensiun or Satya Lencana in a period.
    Due {
        /// kp, kgb, pensiun or satyalencana.
        kind: String,
        /// The month of the TMT, YYYY-MM.
        #[arg(long)]
        period: String,
        /// Only this unit.
        #[arg(long)]
        unit: Option<String>,
    },
    /// Reports: the daftar nominatif (CSV, XLSX, PDF) and verification progress.
    #[command(subcommand)]
    Report(report::ReportCmd),
    /// Documents the hub signed: check one offline, fetch the hub's key.
    #[command(subcommand)]
    Signature(signature::SignatureCmd),
    /// Proposals to BKN for those due (KPO, PPO, KGB, Satya Lencana): draft, send, answer.
    #[command(subcommand)]
    Propose(propose::ProposeCmd),
    /// Layanan requests: fill, submit, follow.
    #[command(subcommand)]
    Form(form::FormCmd),
    /// The facilitator's queue of requests and decisions.
    #[command(subcommand)]
    Verify(form::VerifyCmd),
    /// Layanan kepegawaian: the catalogue and document checklists.
    #[command(subcommand)]
    Layanan(layanan::LayananCmd),
    /// SIASN reference tables on this device: look codes up offline.
    #[command(subcommand)]
    Referensi(referensi::ReferensiCmd),
    /// Rekon mandiri: reconcile go.id e-mail, personal e-mail and phone in bulk.
    #[command(subcommand)]
    Rekon(rekon::RekonCmd),
    /// Helpdesk tickets: open, follow, answer, reassign, rate, report.
    #[command(subcommand)]
    Tiket(tiket::TiketCmd),
    /// Presence while working from home: check in, the work-from-home place, a unit's recap.
    #[command(subcommand)]
    Presensi(presensi::PresensiCmd),
    /// Daily activities against SKP targets: record, submit; as an atasan, approve or return.
    #[command(subcommand)]
    Aktivitas(aktivitas::AktivitasCmd),
    /// Forgot your password: ask the helpdesk for a one-time code (no account needed; the
    /// answer is the same whether the data match or not).
    LupaPassword {
        #[arg(long)]
        server: String,
        #[arg(long)]
        nip: String,
        /// YYYY-MM-DD.
        #[arg(long)]
        tanggal_lahir: String,
        #[arg(long)]
        nik: String,
        #[arg(long)]
        ca_cert: Option<PathBuf>,
    },
    /// Import SIASN data.
    #[command(subcommand)]
    Import(import::ImportCmd),
    /// Export SIASN data.
    #[command(subcommand)]
    Export(import::ExportCmd),
    /// Write synthetic demo pegawai (valid NIP/NIK, riwayat; no real person) as SIASN JSON.
    Synth {
        #[arg(long, default_value_t = 40)]
        count: u64,
        /// Units to spread them over.
        #[arg(long, value_delimiter = ',', default_value = "UNIT-A,UNIT-B")]
        units: Vec<String>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write the documents to FILE instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Sign in to a Berkas hub (the password is read from a prompt or standard input).
    Login {
        #[arg(long)]
        server: String,
        #[arg(long)]
        user: String,
        #[arg(long)]
        password_stdin: bool,
        /// PEM certificate of the hub's own CA (a BKD hub with a private certificate).
        #[arg(long)]
        ca_cert: Option<PathBuf>,
        /// A one-time code from the BKD admin: the password read is the new one you choose.
        #[arg(long)]
        reset_code: Option<String>,
    },
    /// End the hub session and forget its tokens.
    Logout,
    /// Push local changes, then pull what changed on the hub.
    Sync {
        /// Changes per push request (smaller on a poor connection).
        #[arg(long, default_value_t = 500)]
        push_batch: usize,
    },
    /// Sync state: hub, account, last sync, outbox and conflicts.
    Status,
    /// The outbox of local changes.
    #[command(subcommand)]
    Outbox(sync::OutboxCmd),
    /// Local edits that lost to later ones.
    Conflicts {
        /// Include conflicts already dismissed.
        #[arg(long)]
        all: bool,
        /// Mark a conflict as seen (it stays in the log).
        #[arg(long, value_name = "ID")]
        dismiss: Option<i64>,
    },
    /// The audit trail of one pegawai's record.
    Audit {
        nip: String,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

fn default_profile() -> PathBuf {
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("berkas").join("default")
}

pub(crate) struct Ctx {
    pub profile: PathBuf,
    pub out: Out,
    /// The one language of this run.
    pub lang: Lang,
}

impl Ctx {
    pub fn open(&self) -> Result<Berkas, CliError> {
        Ok(Berkas::open(&self.profile)?)
    }
}

/// `--lang` (or `BERKAS_LANG`), else the locale; Bahasa Indonesia when neither names English.
fn lang_of(arg: Option<&str>) -> Result<Lang, CliError> {
    match arg {
        Some(a) => Lang::parse(a).ok_or_else(|| CliError::usage(format!("--lang must be id or en, not {a:?}"))),
        None => Ok(Lang::from_env()),
    }
}

fn run(cli: Cli, lang: Lang) -> Result<(), CliError> {
    let ctx = Ctx { profile: cli.profile.unwrap_or_else(default_profile), out: Out { json: cli.json }, lang };
    match cli.command {
        Command::Init { user, secret_store } => {
            let kind = SecretStoreKind::parse(&secret_store).ok_or_else(|| {
                CliError::usage(format!("--secret-store must be keyring, file or env, not {secret_store}"))
            })?;
            let b = Berkas::init(&ctx.profile, kind, &user)?;
            ctx.out.emit(
                &serde_json::json!({
                    "profile": b.dir(), "id": b.config().id, "secret_store": b.secret_store_description(),
                    "schema_version": b.schema_version()?,
                }),
                || {
                    let (made, key) = match lang {
                        Lang::Id => ("Profil dibuat di", "Kunci basis data disimpan di"),
                        Lang::En => ("Profile created in", "The database key is kept in"),
                    };
                    format!("{made} {}\n{key}: {}", b.dir().display(), b.secret_store_description())
                },
            );
            Ok(())
        }
        Command::Info => {
            let b = ctx.open()?;
            let v = serde_json::json!({
                "profile": b.dir(), "id": b.config().id, "user": b.config().user,
                "secret_store": b.secret_store_description(), "schema_version": b.schema_version()?,
                "cipher_version": b.cipher_version()?, "pegawai": b.count_pegawai()?,
            });
            ctx.out.emit(&v, || {
                let labels = match lang {
                    Lang::Id => ["Profil", "Pengguna", "Kunci", "Skema"],
                    Lang::En => ["Profile", "User", "Key", "Schema"],
                };
                format!(
                    "{:<10} {}\n{:<10} {}\n{:<10} {}\n{:<10} v{}\nSQLCipher  {}\nPegawai    {}",
                    labels[0],
                    b.dir().display(),
                    labels[1],
                    b.config().user,
                    labels[2],
                    b.secret_store_description(),
                    labels[3],
                    v["schema_version"],
                    v["cipher_version"].as_str().unwrap_or(""),
                    v["pegawai"]
                )
            });
            Ok(())
        }
        Command::Check(c) => check::run(&ctx, c),
        Command::Pegawai(c) => pegawai::run(&ctx, c),
        Command::Riwayat(c) => pegawai::run_riwayat(&ctx, c),
        Command::Doc(c) => doc::run(&ctx, c),
        Command::Layanan(c) => layanan::run(&ctx, c),
        Command::Form(c) => form::run(&ctx, c),
        Command::Propose(c) => propose::run(&ctx, c),
        Command::Report(c) => report::run(&ctx, c),
        Command::Rekon(c) => rekon::run(&ctx, c),
        Command::Tiket(c) => tiket::run(&ctx, c),
        Command::Presensi(c) => presensi::run(&ctx, c),
        Command::Aktivitas(c) => aktivitas::run(&ctx, c),
        Command::LupaPassword { server, nip, tanggal_lahir, nik, ca_cert } => {
            sync::forgot_password(&ctx, &server, &nip, &tanggal_lahir, &nik, ca_cert.as_deref())
        }
        Command::Signature(c) => signature::run(&ctx, c),
        Command::Verify(c) => form::run_verify(&ctx, c),
        Command::Due { kind, period, unit } => due::run(&ctx, &kind, &period, unit.as_deref()),
        Command::Referensi(c) => referensi::run(&ctx, c),
        Command::Import(c) => import::run(&ctx, c),
        Command::Export(c) => import::run_export(&ctx, c),
        Command::Synth { count, units, seed, out } => {
            let mut rng = berkas_core::synth::Rng::new(seed);
            let today = berkas_core::model::today();
            let docs: Vec<serde_json::Value> = (0..count)
                .map(|i| {
                    berkas_core::synth::pegawai_document(&mut rng, i, &units[(i as usize) % units.len().max(1)], today)
                })
                .collect();
            let json = serde_json::to_string_pretty(&docs).map_err(|e| CliError::from(std::io::Error::other(e)))?;
            match out {
                Some(file) => std::fs::write(&file, json + "\n")?,
                None => output::print_line(&json),
            }
            Ok(())
        }
        Command::Login { server, user, password_stdin, ca_cert, reset_code } => {
            sync::login(&ctx, &server, &user, password_stdin, ca_cert.as_deref(), reset_code.as_deref())
        }
        Command::Logout => sync::logout(&ctx),
        Command::Sync { push_batch } => sync::sync(&ctx, push_batch),
        Command::Status => sync::status(&ctx),
        Command::Outbox(c) => sync::outbox(&ctx, c),
        Command::Conflicts { all, dismiss } => sync::conflicts(&ctx, all, dismiss),
        Command::Audit { nip, limit } => {
            let b = ctx.open()?;
            let trail = b.audit_trail(&nip, limit)?;
            ctx.out.emit(&trail, || {
                trail
                    .iter()
                    .map(|e| {
                        format!("{}  {:<16} {:<10} {}", e.at, e.action, e.actor, e.entity.as_deref().unwrap_or(""))
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    let lang = match lang_of(cli.lang.as_deref()) {
        Ok(l) => l,
        Err(e) => return e.report(json, Lang::Id),
    };
    match run(cli, lang) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(json, lang),
    }
}
