//! Berkas for facilitators and administrators: a Tauri v2 app over berkas-core. The builder
//! is generic over the runtime, so the command tests run on Tauri's mock runtime without a
//! display; no Tauri type reaches core.

pub mod admin;
pub mod commands;
pub mod dto;
pub mod error;
pub mod helpdesk;
mod prefs;
pub mod presensi;
pub mod rekon;
pub mod reports;
pub mod state;
mod syncing;
mod views;

use tauri::{Builder, Runtime};

pub use state::Desktop;

/// The app: its state, the background sync, and every command.
pub fn app<R: Runtime>(builder: Builder<R>, desktop: Desktop) -> Builder<R> {
    builder
        .manage(desktop)
        .setup(|app| {
            syncing::start_background(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::login,
            commands::sync_now,
            commands::cancel_sync,
            commands::logout,
            commands::sync_status,
            commands::pegawai_list,
            commands::pegawai_search,
            commands::pegawai_detail,
            commands::pegawai_hub_audit,
            commands::pegawai_marks,
            commands::verification_queue,
            commands::verification_lines,
            commands::request_papers,
            commands::outbox_retry,
            commands::outbox_discard,
            commands::conflict_dismiss,
            commands::verify_field,
            commands::decide_request,
            commands::verify_document,
            commands::document_content,
            commands::due_list,
            commands::proposals_draft,
            commands::proposals_list,
            commands::proposal_send,
            commands::proposal_answer,
            commands::report_progress,
            commands::export_nominatif,
            commands::verify_signed,
            commands::proposal_letter,
            commands::get_settings,
            commands::set_language,
            commands::set_sync_interval,
            commands::proposal_attach,
            admin::admin_accounts,
            admin::admin_create_account,
            admin::admin_change_account,
            admin::admin_reset_code,
            admin::admin_catalog,
            admin::admin_switch_layanan,
            admin::admin_referensi,
            admin::admin_publish_referensi,
            admin::admin_backups,
            admin::admin_backup_now,
            admin::login_with_code,
            reports::report_units,
            reports::report_due_outlook,
            reports::report_export_xlsx,
            reports::report_save_png,
            rekon::rekon_preview,
            rekon::rekon_batches,
            rekon::rekon_items,
            rekon::rekon_apply,
            rekon::rekon_export_preview,
            rekon::rekon_template,
            rekon::rekon_report,
            rekon::rekon_progress,
            rekon::rekon_set_deadline,
            helpdesk::tiket_categories,
            helpdesk::tiket_list,
            helpdesk::tiket_get,
            helpdesk::tiket_create,
            helpdesk::tiket_reply,
            helpdesk::tiket_reassign,
            helpdesk::tiket_send_code,
            helpdesk::tiket_report,
            presensi::presensi_rekap,
            presensi::presensi_rekap_bkd,
            presensi::presensi_export_bkd,
            presensi::presensi_export,
            presensi::presensi_confirm_place,
        ])
}
