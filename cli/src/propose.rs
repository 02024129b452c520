//! `berkas propose`: the facilitator's proposals to BKN for those due (KPO, PPO, KGB, Satya
//! Lencana): draft from the due list, see what each lacks, send, record ACC / TMS / BTL.

use berkas_core::due::{DueKind, DueRules};
use berkas_core::forms::{LineStatus, ProposalInfo};
use clap::Subcommand;

use crate::output::CliError;
use crate::Ctx;

#[derive(Subcommand)]
pub enum ProposeCmd {
    /// Draft a proposal for everyone due (kp, kgb, pensiun, satyalencana) in a period; those
    /// who have one already get no second.
    Draft {
        kind: String,
        #[arg(long)]
        period: String,
        #[arg(long)]
        unit: Option<String>,
    },
    /// Proposals with their status and what each lacks.
    List {
        /// KP, KGB, PENSIUN or SATYA_LENCANA.
        #[arg(long)]
        jenis: Option<String>,
        #[arg(long)]
        period: Option<String>,
    },
    /// One proposal with its checklist and history.
    Show { id: String },
    /// Write the proposal's surat pengantar, have the hub sign it (needs a hub session), and
    /// attach it as the proposal's paper.
    Letter { id: String },
    /// Send a complete proposal (refused with the list of missing documents).
    Send { id: String },
    /// BKN's answer: acc, tms or btl (the last two with --reason).
    Answer {
        id: String,
        answer: String,
        #[arg(long)]
        reason: Option<String>,
        /// The nota persetujuan teknis of an ACC.
        #[arg(long)]
        pertek: Option<String>,
    },
}

fn line(p: &ProposalInfo) -> String {
    let missing: Vec<&str> = p
        .checklist
        .lines
        .iter()
        .filter(|l| l.wajib && l.status == LineStatus::Kurang)
        .map(|l| l.label.as_str())
        .collect();
    let lacks = if missing.is_empty() { "lengkap".to_string() } else { format!("kurang: {}", missing.join(", ")) };
    format!("{}  {} {:<28} {:<13} TMT {}  {:<8} {lacks}", p.id, p.nip, p.nama, p.jenis, p.tmt, p.status)
}

fn detail(p: &ProposalInfo) -> String {
    let mut s = line(p);
    if let Some(k) = &p.keterangan {
        s.push_str(&format!("\n    {k}"));
    }
    for l in &p.checklist.lines {
        s.push_str(&format!("\n    [{:?}] {} ({}/{})", l.status, l.label, l.have.len(), l.needed));
    }
    for h in &p.history {
        s.push_str(&format!("\n    {}  {:<8} {}", h.at, h.status, h.by));
        if let Some(r) = &h.reason {
            s.push_str(&format!(": {r}"));
        }
    }
    if let Some(n) = &p.nomor_pertek {
        s.push_str(&format!("\n    Pertek: {n}"));
    }
    s
}

pub fn run(ctx: &Ctx, cmd: ProposeCmd) -> Result<(), CliError> {
    let b = ctx.open()?;
    let p = match cmd {
        ProposeCmd::Draft { kind, period, unit } => {
            let kind = DueKind::parse(&kind).ok_or_else(|| {
                CliError::usage(format!("propose wants kp, kgb, pensiun or satyalencana, not {kind}"))
            })?;
            let list = b.draft_proposals(kind, &period, &DueRules::default(), unit.as_deref())?;
            ctx.out.emit(&list, || {
                let head = format!("{} {}", list.len(), ctx.lang.pick("usul baru dibuat", "new proposals drafted"));
                std::iter::once(head).chain(list.iter().map(line)).collect::<Vec<_>>().join("\n")
            });
            return Ok(());
        }
        ProposeCmd::List { jenis, period } => {
            let list = b.proposals(jenis.as_deref(), period.as_deref())?;
            ctx.out.emit(&list, || {
                if list.is_empty() {
                    ctx.lang.pick("Belum ada usul.", "No proposals yet.").into()
                } else {
                    list.iter().map(line).collect::<Vec<_>>().join("\n")
                }
            });
            return Ok(());
        }
        ProposeCmd::Show { id } => b.proposal(&id)?,
        ProposeCmd::Letter { id } => {
            crate::sync::runtime()?.block_on(b.sign_cover_letter(&id, &berkas_core::sync::SyncOptions::default()))?
        }
        ProposeCmd::Send { id } => b.send_proposal(&id)?,
        ProposeCmd::Answer { id, answer, reason, pertek } => {
            b.answer_proposal(&id, &answer, reason.as_deref(), pertek.as_deref())?
        }
    };
    ctx.out.emit(&p, || detail(&p));
    Ok(())
}
