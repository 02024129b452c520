//! `berkas form` (the ASN: fill, submit, follow a layanan request) and `berkas verify` (the
//! facilitator: the queue and decisions).

use berkas_core::forms::UsulanInfo;
use clap::Subcommand;

use crate::output::CliError;
use crate::pegawai::parse_sets;
use crate::Ctx;

#[derive(Subcommand)]
pub enum FormCmd {
    /// Start a draft request for a layanan, or change the answers of one (--id).
    Fill {
        /// Layanan id (see `layanan list`); not needed with --id.
        layanan: Option<String>,
        #[arg(long)]
        nip: Option<String>,
        /// A draft or returned request to change.
        #[arg(long)]
        id: Option<String>,
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
    },
    /// Submit (or resubmit) a request; refused with the list of what is missing.
    Submit { id: String },
    /// Requests with their status, date and reason (one, or all of a pegawai).
    Status {
        id: Option<String>,
        #[arg(long)]
        nip: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum VerifyCmd {
    /// Submitted and resubmitted requests on this device, waiting for a decision.
    Queue,
    /// Take a request into review.
    Review { id: String },
    /// Return a request for correction, saying what to fix.
    Return {
        id: String,
        #[arg(long)]
        reason: String,
    },
    Approve {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    Reject {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Mark an approved request done (the SK is out).
    Complete { id: String },
}

fn text(u: &UsulanInfo) -> String {
    let mut s = format!(
        "{}  {:<22} NIP {}  {}{}",
        u.id,
        u.layanan_id,
        u.nip,
        u.status,
        if u.queued { " (menunggu sinkronisasi)" } else { "" }
    );
    for h in &u.history {
        s.push_str(&format!("\n    {}  {:<12} {}", h.at, h.status, h.by));
        if let Some(r) = &h.reason {
            s.push_str(&format!(": {r}"));
        }
    }
    s
}

pub fn run(ctx: &Ctx, cmd: FormCmd) -> Result<(), CliError> {
    let b = ctx.open()?;
    let u = match cmd {
        FormCmd::Fill { layanan, nip, id, set } => {
            let answers = parse_sets(&set)?;
            match (id, layanan, nip) {
                (Some(id), _, _) => b.update_usulan(&id, &answers)?,
                (None, Some(l), Some(nip)) => {
                    let id = b.create_usulan(&nip, &l, &answers)?;
                    b.usulan(&id)?
                }
                _ => return Err(CliError::usage("give LAYANAN and --nip for a new request, or --id for a draft")),
            }
        }
        FormCmd::Submit { id } => b.submit_usulan(&id)?,
        FormCmd::Status { id: Some(id), .. } => b.usulan(&id)?,
        FormCmd::Status { id: None, nip } => {
            let list = b.usulan_list(nip.as_deref(), &[])?;
            ctx.out.emit(&list, || list.iter().map(text).collect::<Vec<_>>().join("\n"));
            return Ok(());
        }
    };
    ctx.out.emit(&u, || text(&u));
    Ok(())
}

pub fn run_verify(ctx: &Ctx, cmd: VerifyCmd) -> Result<(), CliError> {
    let b = ctx.open()?;
    let u = match cmd {
        VerifyCmd::Queue => {
            let list = b.usulan_list(None, &["SUBMITTED", "RESUBMITTED", "IN_REVIEW"])?;
            ctx.out.emit(&list, || {
                if list.is_empty() {
                    "Tidak ada usulan yang menunggu.".into()
                } else {
                    list.iter().map(text).collect::<Vec<_>>().join("\n")
                }
            });
            return Ok(());
        }
        VerifyCmd::Review { id } => b.decide_usulan(&id, "IN_REVIEW", None)?,
        VerifyCmd::Return { id, reason } => b.decide_usulan(&id, "RETURNED", Some(&reason))?,
        VerifyCmd::Approve { id, reason } => b.decide_usulan(&id, "APPROVED", reason.as_deref())?,
        VerifyCmd::Reject { id, reason } => b.decide_usulan(&id, "REJECTED", Some(&reason))?,
        VerifyCmd::Complete { id } => b.decide_usulan(&id, "COMPLETED", None)?,
    };
    ctx.out.emit(&u, || text(&u));
    Ok(())
}
