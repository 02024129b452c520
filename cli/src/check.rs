//! `berkas check nip|nik`: offline decoding of identifiers.

use berkas_core::model::{check_nip_nik, Nik, Nip, NipKind};
use clap::Subcommand;
use serde_json::json;

use crate::output::CliError;
use crate::Ctx;

#[derive(Subcommand)]
pub(crate) enum CheckCmd {
    /// Decode a NIP (PNS, PPPK or the old 9-digit NIP).
    Nip {
        nip: String,
        /// Also compare with this NIK (birth date and sex): mismatches are warnings.
        #[arg(long)]
        nik: Option<String>,
    },
    /// Decode a NIK.
    Nik { nik: String },
    /// Check a field's value offline as an edit would (a code against the reference tables
    /// here): `berkas check field agama_id 1`, `--group riwayat_golongan golongan_id 42`.
    Field {
        field: String,
        value: String,
        /// The group the field belongs to (default: data utama).
        #[arg(long, default_value = "pegawai")]
        group: String,
    },
}

pub(crate) fn run(ctx: &Ctx, cmd: CheckCmd) -> Result<(), CliError> {
    match cmd {
        CheckCmd::Field { field, value, group } => {
            let entity = berkas_core::model::Entity::from_table(&group)
                .or_else(|| berkas_core::model::Entity::from_key(&group))
                .ok_or_else(|| CliError::usage(format!("unknown group {group:?} (e.g. pegawai, riwayat_golongan)")))?;
            let b = ctx.open()?;
            let shown = b.check_field(entity, &field, berkas_core::model::Value::Text(value), ctx.lang)?;
            ctx.out.emit(&shown, || match &shown.warning {
                Some(w) => format!("{}: {} ({w})", shown.label, shown.display),
                None => format!("{}: {}", shown.label, shown.display),
            });
            Ok(())
        }
        CheckCmd::Nip { nip, nik } => {
            let parsed = Nip::parse(&nip).map_err(|e| CliError::invalid(e.code(), e.to_string()))?;
            let nik =
                nik.map(|n| Nik::parse(&n).map_err(|e| CliError::invalid(e.code(), e.to_string()))).transpose()?;
            let mut v = json!({ "nip": parsed.as_str(), "kind": parsed.kind() });
            let mut warnings: Vec<serde_json::Value> = Vec::new();
            if let Some(f) = parsed.facts() {
                v["birth_date"] = json!(f.birth_date.format("%Y-%m-%d").to_string());
                v["tmt"] = json!(f.tmt.to_string());
                v["sex"] = json!(f.sex);
                v["sequence"] = json!(f.sequence);
                if let Some(code) = f.pppk_code {
                    v["pppk_code"] = json!(code);
                }
                for w in parsed.warnings() {
                    warnings.push(json!({ "code": "nip.tmt_before_adulthood", "message": w.to_string() }));
                }
            }
            if let Some(nik) = &nik {
                for w in check_nip_nik(&parsed, nik) {
                    warnings.push(json!({ "code": match w {
                        berkas_core::model::ConsistencyWarning::BirthDateMismatch { .. } => "nip_nik.birth_date",
                        berkas_core::model::ConsistencyWarning::SexMismatch { .. } => "nip_nik.sex",
                    }, "message": w.to_string() }));
                }
            }
            v["warnings"] = json!(warnings);
            ctx.out.emit(&v, || {
                let mut s = match parsed.kind() {
                    NipKind::NipLama => format!("NIP {}: NIP lama (9 digit), tanpa data tanggal lahir", parsed),
                    kind => format!(
                        "NIP {}\n  jenis          {}\n  tanggal lahir  {}\n  TMT            {}\n  jenis kelamin  {}\n  nomor urut     {}",
                        parsed,
                        if kind == NipKind::Pns { "PNS" } else { "PPPK" },
                        v["birth_date"].as_str().unwrap_or(""),
                        v["tmt"].as_str().unwrap_or(""),
                        if v["sex"] == "F" { "perempuan (F)" } else { "laki-laki (M)" },
                        v["sequence"]
                    ),
                };
                for w in &warnings {
                    s.push_str(&format!("\n  peringatan: {}", w["message"].as_str().unwrap_or("")));
                }
                s
            });
            Ok(())
        }
        CheckCmd::Nik { nik } => {
            let parsed = Nik::parse(&nik).map_err(|e| CliError::invalid(e.code(), e.to_string()))?;
            let f = parsed.facts();
            let today = chrono_today();
            let birth = parsed.birth_date_guess(today).map(|d| d.format("%Y-%m-%d").to_string());
            let v = json!({
                "nik": parsed.as_str(), "province": f.province, "kabupaten": f.kabupaten, "kecamatan": f.kecamatan,
                "birth_date": birth, "sex": f.sex, "serial": f.serial,
            });
            ctx.out.emit(&v, || {
                format!(
                    "NIK {}\n  provinsi       {}\n  kab/kota       {}\n  kecamatan      {}\n  tanggal lahir  {}\n  jenis kelamin  {}\n  nomor urut     {}",
                    parsed, f.province, f.kabupaten, f.kecamatan, birth.clone().unwrap_or_default(),
                    if f.sex == berkas_core::model::Sex::F { "perempuan (F)" } else { "laki-laki (M)" }, f.serial
                )
            });
            Ok(())
        }
    }
}

fn chrono_today() -> berkas_core::model::Date {
    berkas_core::model::today()
}
