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
                let l = ctx.lang;
                let mut s = match parsed.kind() {
                    NipKind::NipLama => format!(
                        "NIP {parsed}: {}",
                        l.pick(
                            "NIP lama (9 digit), tanpa data tanggal lahir",
                            "old NIP (9 digits), no birth date in it"
                        )
                    ),
                    kind => {
                        let labels = l.pick(
                            "jenis|tanggal lahir|TMT|jenis kelamin|nomor urut",
                            "kind|date of birth|TMT|sex|sequence",
                        );
                        let labels: Vec<&str> = labels.split('|').collect();
                        let sex = if v["sex"] == "F" {
                            l.pick("perempuan (F)", "female (F)")
                        } else {
                            l.pick("laki-laki (M)", "male (M)")
                        };
                        let values = [
                            (if kind == NipKind::Pns { "PNS" } else { "PPPK" }).to_string(),
                            v["birth_date"].as_str().unwrap_or("").to_string(),
                            v["tmt"].as_str().unwrap_or("").to_string(),
                            sex.to_string(),
                            v["sequence"].to_string(),
                        ];
                        let mut s = format!("NIP {parsed}");
                        for (label, value) in labels.iter().zip(values) {
                            s.push_str(&format!("\n  {label:<14} {value}"));
                        }
                        s
                    }
                };
                for w in &warnings {
                    s.push_str(&format!(
                        "\n  {}: {}",
                        l.pick("peringatan", "warning"),
                        w["message"].as_str().unwrap_or("")
                    ));
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
                let l = ctx.lang;
                let labels = l.pick(
                    "provinsi|kab/kota|kecamatan|tanggal lahir|jenis kelamin|nomor urut",
                    "province|regency/city|district|date of birth|sex|serial",
                );
                let female = f.sex == berkas_core::model::Sex::F;
                let sex =
                    if female { l.pick("perempuan (F)", "female (F)") } else { l.pick("laki-laki (M)", "male (M)") };
                let values = [
                    f.province.to_string(),
                    f.kabupaten.to_string(),
                    f.kecamatan.to_string(),
                    birth.clone().unwrap_or_default(),
                    sex.to_string(),
                    f.serial.to_string(),
                ];
                let mut s = format!("NIK {parsed}");
                for (label, value) in labels.split('|').zip(values) {
                    s.push_str(&format!("\n  {label:<14} {value}"));
                }
                s
            });
            Ok(())
        }
    }
}

fn chrono_today() -> berkas_core::model::Date {
    berkas_core::model::today()
}
