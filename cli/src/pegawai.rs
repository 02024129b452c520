//! `berkas pegawai add|show|list|search|edit` and `berkas riwayat add|edit|delete`.

use berkas_core::display::{entity_label, Lang, RecordDisplay, ShownField};
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

fn summaries(list: &[PegawaiSummary], lang: Lang) -> String {
    if list.is_empty() {
        return lang.pick("(tidak ada)", "(none)").into();
    }
    list.iter()
        .map(|p| {
            let gol = p.golongan_nama.as_deref().or(p.golongan.as_deref()).unwrap_or("-");
            format!(
                "{}  {:<40} {:<10} {:<28} {:>3}%",
                p.nip,
                p.nama,
                p.unit.as_deref().unwrap_or("-"),
                gol,
                p.completeness
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A field as people read it: a code beside its name (`Islam (1)`, `IV/b Pembina Tingkat I
/// (42)`); anything else as core shows it (an unknown code already carries its mark).
fn shown_text(f: &ShownField) -> String {
    if f.coded && f.warning.is_none() && !f.value.is_null() {
        format!("{} ({})", f.display, f.value.to_text())
    } else {
        f.display.clone()
    }
}

fn record_text(r: &PegawaiRecord, d: &RecordDisplay, lang: Lang) -> String {
    let mut s = String::new();
    for f in d.data_utama.iter().filter(|f| !f.value.is_null()) {
        s.push_str(&format!("{:<30} {}\n", f.label, shown_text(f)));
    }
    for g in &d.riwayat {
        s.push_str(&format!("\n{} ({})\n", g.label, g.rows.len()));
        for row in &g.rows {
            let fields: Vec<String> = row
                .fields
                .iter()
                .filter(|f| !f.value.is_null())
                .map(|f| format!("{}: {}", f.label, shown_text(f)))
                .collect();
            s.push_str(&format!("  [{}] {}\n", row.id, fields.join("; ")));
        }
    }
    let (completeness, missing, warning) = match lang {
        Lang::Id => ("Kelengkapan", "belum ada", "peringatan"),
        Lang::En => ("Completeness", "missing", "warning"),
    };
    s.push_str(&format!(
        "\n{completeness} {}% ({}/{})\n",
        r.completeness.score, r.completeness.satisfied, r.completeness.total
    ));
    for m in &r.completeness.missing {
        s.push_str(&format!("  {missing}: {} - {}\n", entity_label(m.entity, lang), m.label));
    }
    for w in &r.warnings {
        s.push_str(&format!("{warning}: {}\n", w.message));
    }
    for f in d.data_utama.iter().chain(d.riwayat.iter().flat_map(|g| g.rows.iter().flat_map(|r| &r.fields))) {
        if let Some(w) = &f.warning {
            s.push_str(&format!("{warning}: {} - {w}\n", f.label));
        }
    }
    s
}

/// The record as JSON: what core stores, with `fields` beside each row's `values` giving for
/// every field `{value, label, display}` (and `warning` for a code no table knows).
fn record_json(r: &PegawaiRecord, d: &RecordDisplay) -> serde_json::Value {
    let fields = |shown: &[ShownField]| -> serde_json::Value {
        shown
            .iter()
            .map(|f| {
                let mut o = serde_json::json!({ "value": f.value, "label": f.label, "display": f.display });
                if let Some(w) = &f.warning {
                    o["warning"] = serde_json::Value::String(w.clone());
                }
                (f.name.clone(), o)
            })
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    let mut v = serde_json::to_value(r).unwrap_or_default();
    v["data_utama"]["fields"] = fields(&d.data_utama);
    for g in &d.riwayat {
        if let Some(rows) = v["riwayat"][&g.entity].as_array_mut() {
            for (row, shown) in rows.iter_mut().zip(&g.rows) {
                row["fields"] = fields(&shown.fields);
            }
        }
    }
    v["lang"] = serde_json::Value::String(d.lang.code().into());
    v
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
                let mut s = match ctx.lang {
                    Lang::Id => format!("Pegawai {} ditambahkan (kelengkapan {}%)", added.nip, added.completeness),
                    Lang::En => format!("Pegawai {} added (completeness {}%)", added.nip, added.completeness),
                };
                for w in &added.warnings {
                    s.push_str(&format!("\n{}: {}", ctx.lang.pick("peringatan", "warning"), w.message));
                }
                s
            });
        }
        PegawaiCmd::Show { nip } => {
            let r = b.pegawai(&nip)?;
            let d = b.display_of(&r, ctx.lang);
            ctx.out.emit(&record_json(&r, &d), || record_text(&r, &d, ctx.lang));
        }
        PegawaiCmd::List { unit, below, limit, offset } => {
            let list = b.list_pegawai(&ListFilter { unit, below_completeness: below, limit, offset })?;
            ctx.out.emit(&list, || summaries(&list, ctx.lang));
        }
        PegawaiCmd::Search { query, limit } => {
            let list = b.search(&query.join(" "), limit)?;
            ctx.out.emit(&list, || summaries(&list, ctx.lang));
        }
        PegawaiCmd::Edit { nip, set } => {
            let changed = b.edit_pegawai(&nip, &parse_sets(&set)?)?;
            ctx.out.emit(&serde_json::json!({ "changed": changed }), || {
                if changed.is_empty() {
                    ctx.lang.pick("Tidak ada perubahan", "Nothing changed").into()
                } else {
                    format!("{}: {}", ctx.lang.pick("Diubah", "Changed"), changed.join(", "))
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
            ctx.out.emit(&serde_json::json!({ "id": id }), || {
                format!("{}: {id}", ctx.lang.pick("Riwayat ditambahkan", "Row added"))
            });
        }
        RiwayatCmd::Edit { group, row_id, set } => {
            let changed = b.edit_riwayat(entity_arg(&group)?, &row_id, &parse_sets(&set)?)?;
            ctx.out.emit(&serde_json::json!({ "changed": changed }), || {
                format!("{}: {}", ctx.lang.pick("Diubah", "Changed"), changed.join(", "))
            });
        }
        RiwayatCmd::Delete { group, row_id } => {
            b.delete_riwayat(entity_arg(&group)?, &row_id)?;
            ctx.out.emit(&serde_json::json!({ "deleted": row_id }), || {
                ctx.lang.pick("Riwayat dihapus", "Row deleted").into()
            });
        }
    }
    Ok(())
}
