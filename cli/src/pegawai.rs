//! `berkas pegawai add|show|list|search|edit` and `berkas riwayat add|edit|delete`.

use berkas_core::model::{Entity, FieldMap, Value};
use berkas_core::{ListFilter, PegawaiRecord, PegawaiSummary};
use clap::Subcommand;
use std::path::PathBuf;

use crate::output::CliError;
use crate::Ctx;

#[derive(Subcommand)]
pub(crate) enum PegawaiCmd {
    /// Add a pegawai: fields as `--set name=value` (see `docs/data-model.md`) or a JSON file.
    Add {
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
        /// JSON object of fields.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Show one pegawai's record with riwayat, completeness and warnings.
    Show { nip: String },
    /// List pegawai, optionally of one unit or below a completeness score.
    List {
        #[arg(long)]
        unit: Option<String>,
        /// Only records whose completeness is below this score (0-100).
        #[arg(long)]
        below: Option<u8>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
    /// Search by name, NIP or NIK (prefixes match).
    Search {
        query: Vec<String>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Change data utama fields.
    Edit {
        nip: String,
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        set: Vec<String>,
    },
}

#[derive(Subcommand)]
pub(crate) enum RiwayatCmd {
    /// Add a row to a riwayat group (e.g. riwayat_golongan, riwayat_jabatan, anak).
    Add {
        nip: String,
        group: String,
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        set: Vec<String>,
    },
    /// Change fields of a riwayat row.
    Edit {
        group: String,
        row_id: String,
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        set: Vec<String>,
    },
    /// Delete a riwayat row.
    Delete { group: String, row_id: String },
}

pub(crate) fn parse_sets(sets: &[String]) -> Result<FieldMap, CliError> {
    let mut m = FieldMap::new();
    for s in sets {
        let (k, v) = s.split_once('=').ok_or_else(|| CliError::usage(format!("--set wants FIELD=VALUE, got {s:?}")))?;
        m.insert(k.trim().to_string(), if v.is_empty() { Value::Null } else { Value::Text(v.to_string()) });
    }
    Ok(m)
}

fn entity_arg(group: &str) -> Result<Entity, CliError> {
    Entity::from_table(group).or_else(|| Entity::from_siasn_key(group)).filter(|e| *e != Entity::DataUtama).ok_or_else(
        || {
            let names: Vec<&str> = Entity::riwayat().map(|e| e.def().table).collect();
            CliError::usage(format!("unknown riwayat group {group:?}; one of: {}", names.join(", ")))
        },
    )
}

fn summaries(list: &[PegawaiSummary]) -> String {
    if list.is_empty() {
        return "(tidak ada)".into();
    }
    list.iter()
        .map(|p| format!("{}  {:<40} {:<10} {:>3}%", p.nip, p.nama, p.unit.as_deref().unwrap_or("-"), p.completeness))
        .collect::<Vec<_>>()
        .join("\n")
}

fn record_text(r: &PegawaiRecord) -> String {
    let mut s = String::new();
    for f in Entity::DataUtama.def().fields {
        if let Some(v) = r.data_utama.values.get(f.name) {
            s.push_str(&format!("{:<30} {}\n", f.label, v));
        }
    }
    for (e, rows) in &r.riwayat {
        let def = e.def();
        s.push_str(&format!("\n{} ({})\n", def.label, rows.len()));
        for row in rows {
            let fields: Vec<String> =
                def.fields.iter().filter_map(|f| row.values.get(f.name).map(|v| format!("{}={}", f.name, v))).collect();
            s.push_str(&format!("  [{}] {}\n", row.id, fields.join(", ")));
        }
    }
    s.push_str(&format!(
        "\nKelengkapan {}% ({}/{})\n",
        r.completeness.score, r.completeness.satisfied, r.completeness.total
    ));
    for m in &r.completeness.missing {
        s.push_str(&format!("  belum ada: {} - {}\n", m.entity.def().label, m.label));
    }
    for w in &r.warnings {
        s.push_str(&format!("peringatan: {}\n", w.message));
    }
    s
}

pub(crate) fn run(ctx: &Ctx, cmd: PegawaiCmd) -> Result<(), CliError> {
    let b = ctx.open()?;
    match cmd {
        PegawaiCmd::Add { set, file } => {
            let mut fields = parse_sets(&set)?;
            if let Some(path) = file {
                let obj: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&std::fs::read(&path)?)
                    .map_err(|e| {
                        CliError::invalid("bad_document", format!("{}: not a JSON object: {e}", path.display()))
                    })?;
                for (k, v) in obj {
                    let v = match v {
                        serde_json::Value::Null => Value::Null,
                        serde_json::Value::Bool(b) => Value::Bool(b),
                        serde_json::Value::Number(n) => {
                            n.as_i64().map(Value::Int).unwrap_or(Value::Text(n.to_string()))
                        }
                        serde_json::Value::String(s) => Value::Text(s),
                        _ => return Err(CliError::invalid("field.type", format!("{k}: must be a plain value"))),
                    };
                    fields.entry(k).or_insert(v);
                }
            }
            let added = b.add_pegawai(&fields)?;
            ctx.out.emit(&added, || {
                let mut s = format!("Pegawai {} ditambahkan (kelengkapan {}%)", added.nip, added.completeness);
                for w in &added.warnings {
                    s.push_str(&format!("\nperingatan: {}", w.message));
                }
                s
            });
        }
        PegawaiCmd::Show { nip } => {
            let r = b.pegawai(&nip)?;
            ctx.out.emit(&r, || record_text(&r));
        }
        PegawaiCmd::List { unit, below, limit, offset } => {
            let list = b.list_pegawai(&ListFilter { unit, below_completeness: below, limit, offset })?;
            ctx.out.emit(&list, || summaries(&list));
        }
        PegawaiCmd::Search { query, limit } => {
            let list = b.search(&query.join(" "), limit)?;
            ctx.out.emit(&list, || summaries(&list));
        }
        PegawaiCmd::Edit { nip, set } => {
            let changed = b.edit_pegawai(&nip, &parse_sets(&set)?)?;
            ctx.out.emit(&serde_json::json!({ "changed": changed }), || {
                if changed.is_empty() {
                    "Tidak ada perubahan".into()
                } else {
                    format!("Diubah: {}", changed.join(", "))
                }
            });
        }
    }
    Ok(())
}

pub(crate) fn run_riwayat(ctx: &Ctx, cmd: RiwayatCmd) -> Result<(), CliError> {
    let b = ctx.open()?;
    match cmd {
        RiwayatCmd::Add { nip, group, set } => {
            let id = b.add_riwayat(&nip, entity_arg(&group)?, &parse_sets(&set)?)?;
            ctx.out.emit(&serde_json::json!({ "id": id }), || format!("Riwayat ditambahkan: {id}"));
        }
        RiwayatCmd::Edit { group, row_id, set } => {
            let changed = b.edit_riwayat(entity_arg(&group)?, &row_id, &parse_sets(&set)?)?;
            ctx.out.emit(&serde_json::json!({ "changed": changed }), || format!("Diubah: {}", changed.join(", ")));
        }
        RiwayatCmd::Delete { group, row_id } => {
            b.delete_riwayat(entity_arg(&group)?, &row_id)?;
            ctx.out.emit(&serde_json::json!({ "deleted": row_id }), || "Riwayat dihapus".into());
        }
    }
    Ok(())
}
