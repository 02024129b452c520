//! Sync commands: sign in to a hub, sync, and look after the outbox and the conflict log.

use berkas_core::sync::{OutboxItem, SyncOptions, SyncPhase, SyncProgress};
use clap::Subcommand;
use std::io::{BufRead, IsTerminal};
use std::sync::Arc;

use crate::output::CliError;
use crate::Ctx;

#[derive(Subcommand)]
pub enum OutboxCmd {
    /// Changes not yet settled with the hub.
    List,
    /// Send a refused or wedged change again at the next sync.
    Retry { id: String },
    /// Give up a change that has not reached the hub; what it replaced comes back.
    Discard { id: String },
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    Ok(tokio::runtime::Builder::new_current_thread().enable_all().build()?)
}

fn read_password(from_stdin: bool) -> Result<String, CliError> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let pw = line.trim_end_matches(['\r', '\n']).to_string();
        if pw.is_empty() {
            return Err(CliError::usage("no password on standard input"));
        }
        return Ok(pw);
    }
    Ok(rpassword::prompt_password("Kata sandi: ")?)
}

pub fn login(
    ctx: &Ctx,
    server: &str,
    user: &str,
    password_stdin: bool,
    ca_cert: Option<&std::path::Path>,
) -> Result<(), CliError> {
    let b = ctx.open()?;
    let ca = ca_cert.map(std::fs::read_to_string).transpose()?;
    let password = read_password(password_stdin)?;
    let principal = runtime()?.block_on(b.login(server, user, &password, ca.as_deref()))?;
    ctx.out.emit(&principal, || {
        format!("Masuk sebagai {} ({}) di {}", principal.username, principal.role, server.trim_end_matches('/'))
    });
    Ok(())
}

pub fn logout(ctx: &Ctx) -> Result<(), CliError> {
    let b = ctx.open()?;
    runtime()?.block_on(b.logout())?;
    ctx.out.emit(&serde_json::json!({ "logged_out": true }), || "Keluar.".to_string());
    Ok(())
}

pub fn sync(ctx: &Ctx, push_batch: usize) -> Result<(), CliError> {
    let b = ctx.open()?;
    let mut opts = SyncOptions { push_batch, ..SyncOptions::default() };
    if !ctx.out.json && std::io::stderr().is_terminal() {
        opts.progress = Some(Arc::new(|p: &SyncProgress| {
            let phase = match p.phase {
                SyncPhase::Push => "kirim",
                SyncPhase::Pull => "terima",
            };
            eprint!("\r{phase}: {} perubahan, {} KB", p.items, (p.bytes_sent + p.bytes_received) / 1024);
        }));
    }
    let cancel = opts.cancel.clone();
    let rt = runtime()?;
    let report = rt.block_on(async {
        tokio::select! {
            r = b.sync(&opts) => r,
            _ = tokio::signal::ctrl_c() => { cancel.cancel(); Err(berkas_core::Error::Cancelled) }
        }
    });
    if opts.progress.is_some() {
        eprintln!();
    }
    let report = report?;
    let conflicts = b.sync_status()?.conflicts;
    let mut v = serde_json::to_value(&report).map_err(|e| std::io::Error::other(e.to_string()))?;
    v["conflicts"] = conflicts.into();
    ctx.out.emit(&v, || {
        format!(
            "Terkirim {} (diterapkan {}, kalah {}, ditolak {}, macet {}), diterima {}; konflik terbuka {}",
            report.pushed, report.applied, report.superseded, report.refused, report.wedged, report.pulled, conflicts
        )
    });
    Ok(())
}

pub fn status(ctx: &Ctx) -> Result<(), CliError> {
    let b = ctx.open()?;
    let s = b.sync_status()?;
    ctx.out.emit(&s, || {
        format!(
            "Server      {}\nPengguna    {}\nSinkron     {}\nMenunggu    {} (sedang dikirim {})\nDitolak     {}\nMacet       {}\nKonflik     {}",
            s.server.as_deref().unwrap_or("-"),
            s.user.as_deref().unwrap_or("-"),
            s.last_sync.as_deref().unwrap_or("belum pernah"),
            s.pending + s.uploading,
            s.uploading,
            s.refused,
            s.wedged,
            s.conflicts
        )
    });
    Ok(())
}

fn item_line(i: &OutboxItem) -> String {
    let what = if i.delete { "hapus".to_string() } else { i.fields.keys().cloned().collect::<Vec<_>>().join(",") };
    let why = match (&i.code, &i.message) {
        (Some(c), Some(m)) => format!("  [{c}] {m}"),
        _ => String::new(),
    };
    format!("{}  {:<9} {:<22} {}{}", i.id, format!("{:?}", i.state).to_lowercase(), i.entity.key(), what, why)
}

pub fn outbox(ctx: &Ctx, cmd: OutboxCmd) -> Result<(), CliError> {
    let b = ctx.open()?;
    match cmd {
        OutboxCmd::List => {
            let items = b.outbox()?;
            ctx.out.emit(&items, || {
                if items.is_empty() {
                    "Kotak keluar kosong.".into()
                } else {
                    items.iter().map(item_line).collect::<Vec<_>>().join("\n")
                }
            });
        }
        OutboxCmd::Retry { id } => {
            b.outbox_retry(&id)?;
            ctx.out.emit(&serde_json::json!({ "retry": id }), || "Akan dikirim lagi pada sinkron berikutnya.".into());
        }
        OutboxCmd::Discard { id } => {
            b.outbox_discard(&id)?;
            ctx.out.emit(&serde_json::json!({ "discarded": id }), || "Perubahan dibuang.".into());
        }
    }
    Ok(())
}

pub fn conflicts(ctx: &Ctx, all: bool, dismiss: Option<i64>) -> Result<(), CliError> {
    let b = ctx.open()?;
    if let Some(id) = dismiss {
        b.dismiss_conflict(id)?;
        ctx.out.emit(&serde_json::json!({ "dismissed": id }), || "Konflik ditandai sudah dilihat.".into());
        return Ok(());
    }
    let list = b.conflicts(all)?;
    ctx.out.emit(&list, || {
        if list.is_empty() {
            return "Tidak ada konflik.".into();
        }
        list.iter()
            .map(|c| {
                format!(
                    "#{} {}  {}.{}: milik Anda {} -> berlaku {}",
                    c.id,
                    c.at,
                    c.entity.key(),
                    c.field,
                    c.mine,
                    c.theirs
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}
