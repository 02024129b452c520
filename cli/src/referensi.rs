//! `berkas referensi list|show`: the reference tables on this device (built in, imported, or
//! pulled from the hub at sync), looked up offline.

use clap::Subcommand;

use crate::output::CliError;
use crate::Ctx;

#[derive(Subcommand)]
pub(crate) enum ReferensiCmd {
    /// Every table here: rows, where it came from, the hub's version.
    List,
    /// The rows of one table (e.g. golonganPns, jabatanFungsional), or those matching --search.
    Show {
        table: String,
        /// Only rows whose code or name contains this text (case-insensitive).
        #[arg(long)]
        search: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

pub(crate) fn run(ctx: &Ctx, cmd: ReferensiCmd) -> Result<(), CliError> {
    let b = ctx.open()?;
    let lang = ctx.lang;
    match cmd {
        ReferensiCmd::List => {
            let tables = b.ref_tables()?;
            ctx.out.emit(&tables, || {
                let head =
                    lang.pick("tabel                    baris  sumber", "table                     rows  source");
                let lines = tables.iter().map(|t| {
                    let version =
                        t.version.as_deref().map(|v| format!(" {}", &v[..v.len().min(12)])).unwrap_or_default();
                    format!("{:<24} {:>6}  {}{version}", t.name, t.row_count, t.source)
                });
                std::iter::once(head.to_string()).chain(lines).collect::<Vec<_>>().join("\n")
            });
        }
        ReferensiCmd::Show { table, search, limit } => {
            let rows = b.ref_rows(&table, search.as_deref(), limit)?;
            ctx.out.emit(&rows, || {
                if rows.is_empty() {
                    return lang.pick("(tidak ada)", "(none)").to_string();
                }
                rows.iter().map(|r| format!("{:<12} {}", r.id, r.display)).collect::<Vec<_>>().join("\n")
            });
        }
    }
    Ok(())
}
