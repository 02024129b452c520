//! The report screen's numbers beyond one unit: units side by side, the year ahead of due
//! proposals, and the exports of every chart (its data as XLSX from core, its picture as the
//! PNG the page drew). Files go to the export folder the daftar nominatif uses.

use berkas_core::due::DueRules;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::dto::ProgressView;
use crate::error::{CmdResult, CommandError};
use crate::state::Desktop;

#[derive(Debug, Clone, Serialize, TS)]
pub struct UnitProgressView {
    pub unit: String,
    pub asn: u32,
    pub completeness_mean: u8,
    pub progress: ProgressView,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DueMonthView {
    pub period: String,
    pub kp: u32,
    pub kgb: u32,
    pub pensiun: u32,
    pub satyalencana: u32,
    pub unknown: u32,
}

fn n(x: u64) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// The month after this one: the outlook starts with the next TMT.
fn next_month() -> String {
    berkas_core::due::Period::of(chrono::Local::now().date_naive()).plus(1).to_string()
}

#[tauri::command]
pub fn report_units(state: State<'_, Desktop>) -> CmdResult<Vec<UnitProgressView>> {
    Ok(state
        .berkas()?
        .unit_progress()?
        .into_iter()
        .map(|u| UnitProgressView {
            unit: u.unit,
            asn: n(u.asn),
            completeness_mean: u.completeness_mean,
            progress: u.progress.into(),
        })
        .collect())
}

/// How many are due per kind in each of the next 12 months (of a unit, or of everyone here).
#[tauri::command]
pub fn report_due_outlook(state: State<'_, Desktop>, unit: Option<String>) -> CmdResult<Vec<DueMonthView>> {
    let months = state.berkas()?.due_outlook(&next_month(), 12, &DueRules::default(), unit.as_deref())?;
    Ok(months
        .into_iter()
        .map(|m| DueMonthView {
            period: m.period,
            kp: n(m.kp),
            kgb: n(m.kgb),
            pensiun: n(m.pensiun),
            satyalencana: n(m.satyalencana),
            unknown: n(m.unknown),
        })
        .collect())
}

pub(crate) fn write_export(name: &str, bytes: &[u8]) -> CmdResult<String> {
    let io = |e: std::io::Error| CommandError::new("report.io", e.to_string());
    let dir = crate::views::export_dir();
    std::fs::create_dir_all(&dir).map_err(io)?;
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(io)?;
    Ok(path.display().to_string())
}

/// The data behind the charts (units side by side, the year ahead) as one workbook.
#[tauri::command]
pub fn report_export_xlsx(state: State<'_, Desktop>, unit: Option<String>) -> CmdResult<String> {
    let b = state.berkas()?;
    let units =
        b.unit_progress()?.into_iter().filter(|u| unit.as_deref().is_none_or(|x| x == u.unit)).collect::<Vec<_>>();
    let outlook = b.due_outlook(&next_month(), 12, &DueRules::default(), unit.as_deref())?;
    let day = chrono::Local::now().format("%Y-%m-%d");
    let scope = unit.as_deref().unwrap_or("semua");
    let title = format!("Laporan kepegawaian {scope}, {day}");
    let bytes = berkas_core::reports::progress_xlsx(&title, &units, &outlook)?;
    write_export(&format!("laporan-{scope}-{day}.xlsx"), &bytes)
}

/// A chart as the page drew it: PNG bytes raw, its name in the `file-name` header (only a
/// plain name ending in `.png` is written).
#[tauri::command]
pub fn report_save_png(request: tauri::ipc::Request<'_>) -> CmdResult<String> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError::new("report.body", "the picture must be sent raw"));
    };
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(CommandError::new("report.png", "not a PNG picture"));
    }
    let name = request
        .headers()
        .get("file-name")
        .and_then(|v| v.to_str().ok())
        .map(crate::views::percent_decode)
        .filter(|n| n.ends_with(".png") && !n.contains(['/', '\\']) && !n.starts_with('.'))
        .ok_or_else(|| CommandError::new("report.name", "a plain file name ending in .png"))?;
    write_export(&name, bytes)
}
