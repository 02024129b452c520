//! `berkas signature verify|key`: check a document the hub signed, offline, with the hub's
//! public key (given, or kept by this profile since it last fetched it).

use berkas_core::signing::{sig_path, verify, PublicKey, Statement};
use berkas_core::sync::SyncOptions;
use clap::Subcommand;
use std::path::PathBuf;

use crate::output::CliError;
use crate::Ctx;

#[derive(Subcommand)]
pub enum SignatureCmd {
    /// Check a signed file: a PDF carries its signature; a CSV or XLSX has FILE.sig beside it.
    Verify {
        file: PathBuf,
        /// The signature file of a CSV or XLSX (default: FILE.sig when it exists).
        #[arg(long)]
        sig: Option<PathBuf>,
        /// The hub's public key (64 hex digits, as `berkas-server signing-key` prints it); without
        /// it, the key this profile kept from its hub. Needs no network either way.
        #[arg(long)]
        key: Option<String>,
    },
    /// Fetch the hub's public key now and keep it for checks made offline.
    Key,
}

pub fn run(ctx: &Ctx, cmd: SignatureCmd) -> Result<(), CliError> {
    match cmd {
        SignatureCmd::Verify { file, sig, key } => {
            let bytes =
                std::fs::read(&file).map_err(|e| CliError::usage(format!("cannot read {}: {e}", file.display())))?;
            let sig = sig.or_else(|| Some(sig_path(&file)).filter(|p| p.exists()));
            let detached = sig
                .map(|p| {
                    std::fs::read_to_string(&p)
                        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", p.display())))
                })
                .transpose()?;
            let statement = match key {
                Some(k) => {
                    verify(&bytes, detached.as_deref(), &PublicKey::from_hex(&k).map_err(berkas_core::Error::from)?)
                        .map_err(berkas_core::Error::from)?
                }
                None => match ctx.open() {
                    Ok(b) => b.verify_signed(&bytes, detached.as_deref())?,
                    // Someone who received a signed file has no profile: they check with the
                    // key the BKD publishes.
                    Err(e) if e.code == "profile.missing" => return Err(CliError::usage(ctx.lang.pick(
                        "tidak ada profil Berkas di sini untuk mengambil kunci server: beri kunci publik BKD dengan \
                             --key KUNCI (64 digit heksadesimal yang diumumkan BKD, dari `berkas-server signing-key`)",
                        "there is no Berkas profile here to take the hub's key from: give the BKD's public key with \
                             --key KEY (the 64 hex digits the BKD publishes, from `berkas-server signing-key`)",
                    ))),
                    Err(e) => return Err(e),
                },
            };
            ctx.out.emit(&statement, || described(&statement));
        }
        SignatureCmd::Key => {
            let b = ctx.open()?;
            let key = crate::sync::runtime()?.block_on(b.fetch_signing_key(&SyncOptions::default()))?;
            let out = serde_json::json!({ "key_id": key.key_id(), "public_key": key.to_hex() });
            ctx.out.emit(&out, || format!("{}\n(kunci {})", key.to_hex(), key.key_id()));
        }
    }
    Ok(())
}

pub fn described(s: &Statement) -> String {
    format!(
        "Tanda tangan sah: {} ({}), kode {}, ditandatangani {} dengan kunci {}",
        s.title, s.kind, s.code, s.issued, s.key
    )
}
