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
    reset_code: Option<&str>,
) -> Result<(), CliError> {
    let b = ctx.open()?;
    let ca = ca_cert.map(std::fs::read_to_string).transpose()?;
    let password = read_password(password_stdin)?;
    let principal = match reset_code {
        // The code is traded once for the password just read, which becomes the account's.
        Some(code) => runtime()?.block_on(b.login_with_reset_code(server, user, code, &password, ca.as_deref()))?,
        None => runtime()?.block_on(b.login(server, user, &password, ca.as_deref()))?,
    };
    ctx.out.emit(&principal, || {
        let signed_in = ctx.lang.pick("Masuk sebagai", "Signed in as");
        let at = ctx.lang.pick("di", "at");
        format!("{signed_in} {} ({}) {at} {}", principal.username, principal.role, server.trim_end_matches('/'))
    });
    Ok(())
}

/// "Lupa password": the hub's one answer, whatever the data.
pub fn forgot_password(
    ctx: &Ctx,
    server: &str,
    nip: &str,
    tanggal_lahir: &str,
    nik: &str,
    ca_cert: Option<&std::path::Path>,
) -> Result<(), CliError> {
    let b = ctx.open()?;
    let ca = ca_cert.map(std::fs::read_to_string).transpose()?;
    let request = berkas_core::sync::admin::ForgotPassword {
        nip: nip.into(),
        tanggal_lahir: tanggal_lahir.into(),
        nik: nik.into(),
    };
    let answer = runtime()?.block_on(b.forgot_password(server, &request, ca.as_deref()))?;
    ctx.out.emit(&answer, || answer.message.clone());
    Ok(())
}

pub fn logout(ctx: &Ctx) -> Result<(), CliError> {
    let b = ctx.open()?;
    runtime()?.block_on(b.logout())?;
    ctx.out.emit(&serde_json::json!({ "logged_out": true }), || ctx.lang.pick("Keluar.", "Signed out.").to_string());
    Ok(())
}

pub fn sync(ctx: &Ctx, push_batch: usize) -> Result<(), CliError> {
    let b = ctx.open()?;
    let mut opts = SyncOptions { push_batch, ..SyncOptions::default() };
    if !ctx.out.json && std::io::stderr().is_terminal() {
        let lang = ctx.lang;
        opts.progress = Some(Arc::new(move |p: &SyncProgress| {
            let phase = match p.phase {
                SyncPhase::Push => lang.pick("kirim", "push"),
                SyncPhase::Pull => lang.pick("terima", "pull"),
            };
            let changes = lang.pick("perubahan", "changes");
            eprint!("\r{phase}: {} {changes}, {} KB", p.items, (p.bytes_sent + p.bytes_received) / 1024);
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
        let (r, l) = (&report, ctx.lang);
        let mut s = match l {
            berkas_core::display::Lang::Id => format!(
                "Terkirim {} (diterapkan {}, kalah {}, ditolak {}, macet {}), diterima {}; konflik terbuka {}",
                r.pushed, r.applied, r.superseded, r.refused, r.wedged, r.pulled, conflicts
            ),
            berkas_core::display::Lang::En => format!(
                "Pushed {} (applied {}, superseded {}, refused {}, wedged {}), pulled {}; open conflicts {}",
                r.pushed, r.applied, r.superseded, r.refused, r.wedged, r.pulled, conflicts
            ),
        };
        if !r.referensi.is_empty() {
            s.push_str(&format!(
                "\n{}: {}",
                l.pick("Tabel referensi baru", "New reference tables"),
                r.referensi.join(", ")
            ));
        }
        if r.clock_ahead {
            s.push_str(l.pick(
                "\nJam perangkat salah: jauh di depan jam server. Perubahan dikirim dengan waktu server; atur tanggal dan jam.",
                "\nThe device's clock is wrong: far ahead of the server's. Changes went by the server's time; set the date and time.",
            ));
        }
        s
    });
    Ok(())
}

pub fn status(ctx: &Ctx) -> Result<(), CliError> {
    let b = ctx.open()?;
    let s = b.sync_status()?;
    ctx.out.emit(&s, || {
        let template = ctx.lang.pick(
            "Server      {}\nPengguna    {}\nSinkron     {}\nMenunggu    {} (sedang dikirim {})\nDitolak     {}\nMacet       {}\nKonflik     {}",
            "Server      {}\nUser        {}\nLast sync   {}\nWaiting     {} (being sent {})\nRefused     {}\nWedged      {}\nConflicts   {}",
        );
        let never = ctx.lang.pick("belum pernah", "never");
        fill(
            template,
            &[
            s.server.as_deref().unwrap_or("-").to_string(),
            s.user.as_deref().unwrap_or("-").to_string(),
            s.last_sync.as_deref().unwrap_or(never).to_string(),
                (s.pending + s.uploading).to_string(),
                s.uploading.to_string(),
                s.refused.to_string(),
                s.wedged.to_string(),
                s.conflicts.to_string(),
            ],
        )
    });
    Ok(())
}

/// `template` with each `{}` replaced by the next value (the two languages' lines differ).
fn fill(template: &str, values: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut parts = template.split("{}");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (part, v) in parts.zip(values.iter().map(String::as_str).chain(std::iter::repeat(""))) {
        out.push_str(v);
        out.push_str(part);
    }
    out
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
                    ctx.lang.pick("Kotak keluar kosong.", "The outbox is empty.").into()
                } else {
                    items.iter().map(item_line).collect::<Vec<_>>().join("\n")
                }
            });
        }
        OutboxCmd::Retry { id } => {
            b.outbox_retry(&id)?;
            ctx.out.emit(&serde_json::json!({ "retry": id }), || {
                ctx.lang
                    .pick("Akan dikirim lagi pada sinkron berikutnya.", "It will be sent again at the next sync.")
                    .into()
            });
        }
        OutboxCmd::Discard { id } => {
            b.outbox_discard(&id)?;
            ctx.out.emit(&serde_json::json!({ "discarded": id }), || {
                ctx.lang.pick("Perubahan dibuang.", "Change discarded.").into()
            });
        }
    }
    Ok(())
}

pub fn conflicts(ctx: &Ctx, all: bool, dismiss: Option<i64>) -> Result<(), CliError> {
    let b = ctx.open()?;
    if let Some(id) = dismiss {
        b.dismiss_conflict(id)?;
        ctx.out.emit(&serde_json::json!({ "dismissed": id }), || {
            ctx.lang.pick("Konflik ditandai sudah dilihat.", "Conflict marked as seen.").into()
        });
        return Ok(());
    }
    let list = b.conflicts(all)?;
    ctx.out.emit(&list, || {
        if list.is_empty() {
            return ctx.lang.pick("Tidak ada konflik.", "No conflicts.").into();
        }
        list.iter()
            .map(|c| {
                let (yours, stands) = (ctx.lang.pick("milik Anda", "yours"), ctx.lang.pick("berlaku", "stands"));
                let (mine, theirs) = (
                    b.show_value(c.entity, &c.field, &c.mine, ctx.lang),
                    b.show_value(c.entity, &c.field, &c.theirs, ctx.lang),
                );
                format!("#{} {}  {}.{}: {yours} {mine} -> {stands} {theirs}", c.id, c.at, c.entity.key(), c.field)
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}
