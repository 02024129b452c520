//! Account recovery without anyone seeing a password. "Lupa password" from the sign-in screen
//! needs no account: NIP, date of birth and NIK, rate-limited, and the same answer whether the
//! NIP exists or the data match or not; when they match, a ticket opens on the ASN's record.
//! The facilitator or the BKD checks the identity against the record and has the hub send a
//! one-time code to the ASN's registered go.id e-mail or phone: the code goes to the ASN
//! alone, the helpdesk learns only where it went (masked). Signing in with the code forces a
//! new password (`auth.rs`). Every step is audited.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use berkas_core::authz::{self, Action, Target};
use berkas_core::helpdesk::{self, NewStep};
use berkas_core::model::{Entity, FieldMap, Value};
pub use berkas_core::sync::admin::{CodeSent, ForgotAnswer, ForgotPassword};
use serde_json::json;

use crate::auth::Caller;
use crate::delivery::Recipient;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::state::AppState;
use crate::store::{now_text, BatchItem};

/// Requests per NIP in an hour, and across all NIPs in a minute, before "lupa password" waits.
pub const PER_NIP_PER_HOUR: u32 = 5;
pub const ALL_PER_MINUTE: u32 = 30;

const ANSWER: &str = "Permintaan diterima. Jika NIP, tanggal lahir dan NIK cocok dengan data kepegawaian, \
    helpdesk akan memeriksanya dan mengirim kode sekali pakai ke email go.id atau nomor HP yang terdaftar \
    dalam 2x24 jam.";

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn too_many() -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "auth.rate_limited",
        "terlalu banyak permintaan lupa password; coba lagi setelah satu jam (too many requests; wait an hour)",
    )
}

#[utoipa::path(post, path = "/v1/auth/lupa-password", tag = "auth", request_body = ForgotPassword,
    responses((status = 202, body = ForgotAnswer, description = "the same answer whether the data match or not"),
        (status = 400, body = crate::openapi::ErrorBody), (status = 429, body = crate::openapi::ErrorBody)))]
pub async fn forgot_password(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ForgotPassword>,
) -> Result<(StatusCode, Json<ForgotAnswer>), ApiError> {
    let (nip, nik) = (digits(&req.nip), digits(&req.nik));
    let born = berkas_core::model::parse_date(req.tanggal_lahir.trim()).flatten();
    if nip.len() != 18 || nik.len() != 16 || born.is_none() {
        return Err(ApiError::bad_request(
            "recovery.input",
            "NIP has 18 digits, NIK 16, and the date of birth is YYYY-MM-DD",
        ));
    }
    let t = chrono::Utc::now().timestamp();
    let (key, all) = (format!("lupa:{nip}"), "lupa:*".to_string());
    if state.store.login_failures_since(&key, t - 3600).await? >= PER_NIP_PER_HOUR
        || state.store.login_failures_since(&all, t - 60).await? >= ALL_PER_MINUTE
    {
        return Err(too_many());
    }
    state.store.add_login_failure(&key, t).await?;
    state.store.add_login_failure(&all, t).await?;
    let matched = match state.store.pegawai_by_nip(&nip).await? {
        Some(entry) => {
            let rows = state.store.rows_of(&entry.id).await?;
            let du = rows.iter().find(|(e, id, r)| *e == Entity::DataUtama && *id == entry.id && r.is_live());
            let field = |f: &str| du.and_then(|(_, _, r)| r.values.get(f).and_then(Value::as_str)).map(str::to_string);
            let same = field("tgl_lahir").and_then(|d| berkas_core::model::parse_date(&d).flatten()) == born
                && field("nik").map(|n| digits(&n)) == Some(nik.clone());
            let account = state.store.user_of_pegawai(&entry.id).await?;
            match account {
                Some(_) if same => Some(entry),
                _ => None,
            }
        }
        None => None,
    };
    match matched {
        Some(entry) => {
            let ticket = open_recovery_ticket(&state, &entry.id).await?;
            state
                .store
                .audit(
                    "lupa-password",
                    "account.recovery_request",
                    Some(&entry.id),
                    Some(json!({ "tiket": ticket })),
                    None,
                )
                .await?;
        }
        None => state.store.audit("lupa-password", "account.recovery_unmatched", None, None, None).await?,
    }
    Ok((StatusCode::ACCEPTED, Json(ForgotAnswer { message: ANSWER.into() })))
}

/// A step the hub writes has arrived when it is written.
fn arrived(mut step: FieldMap, at: &str) -> FieldMap {
    step.insert("diterima".into(), Value::Text(at.into()));
    step
}

/// A "lupa password" ticket on the ASN's record, opened by the hub on their behalf.
async fn open_recovery_ticket(state: &AppState, pegawai: &str) -> Result<String, ApiError> {
    let id = uuid::Uuid::now_v7().to_string();
    let at = now_text();
    let ticket = helpdesk::ticket_row(&id, "LUPA_PASSWORD", "Lupa password", &at, None);
    let step = arrived(
        helpdesk::step_row(&NewStep {
            tiket_id: &id,
            peran: "PEMOHON",
            oleh: "lupa-password",
            isi: Some("Permintaan dari layar masuk: NIP, tanggal lahir dan NIK cocok dengan data. Periksa identitas, lalu kirim kode sekali pakai.".into()),
            status: Some("BARU"),
            pada: &at,
            ..NewStep::default()
        }),
        &at,
    );
    let items = vec![
        BatchItem::Apply(crate::service::hub_change(Entity::Tiket, &id, pegawai, ticket)),
        BatchItem::Apply(crate::service::hub_change(
            Entity::TiketPesan,
            &uuid::Uuid::now_v7().to_string(),
            pegawai,
            step,
        )),
    ];
    state.store.apply_batch(items, "lupa-password").await?;
    Ok(id)
}

#[utoipa::path(post, path = "/v1/tiket/{id}/kode-reset", tag = "helpdesk", security(("bearer" = [])),
    params(("id" = String, Path, description = "the account ticket")),
    responses((status = 200, body = CodeSent, description = "sent to the ASN; the code is never in the answer"),
        (status = 400, body = crate::openapi::ErrorBody), (status = 403, body = crate::openapi::ErrorBody),
        (status = 404, body = crate::openapi::ErrorBody), (status = 409, body = crate::openapi::ErrorBody),
        (status = 502, body = crate::openapi::ErrorBody), (status = 503, body = crate::openapi::ErrorBody)))]
pub async fn send_reset_code(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<CodeSent>, ApiError> {
    let not_found = || ApiError::new(StatusCode::NOT_FOUND, "tiket.not_found", "no such ticket");
    let ctx = state.store.batch_context(vec![], vec![], vec![(Entity::Tiket, id.clone())]).await?;
    let pegawai = ctx.row_owners.get(&(Entity::Tiket, id.clone())).cloned().ok_or_else(not_found)?;
    let rows = state.store.rows_of(&pegawai).await?;
    let value = |entity: Entity, row: &str, f: &str| {
        rows.iter()
            .find(|(e, r, s)| *e == entity && r == row && s.is_live())
            .and_then(|(_, _, s)| s.values.get(f).and_then(Value::as_str))
            .map(str::to_string)
    };
    let unit = value(Entity::DataUtama, &pegawai, "unit");
    // The same answer for a ticket out of scope as for one that does not exist.
    if !caller.principal.may(Action::SendResetCode, Target { pegawai_id: &pegawai, unit: unit.as_deref() }) {
        return match authz::scope(caller.principal.role, Action::SendResetCode) {
            authz::Scope::None => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden.role",
                "only the helpdesk (a facilitator or the BKD) has a code sent",
            )),
            _ => Err(not_found()),
        };
    }
    let kategori = value(Entity::Tiket, &id, "kategori").unwrap_or_default();
    if !helpdesk::category(&kategori).is_some_and(|k| k.akun) {
        return Err(ApiError::bad_request("tiket.not_account", "a reset code is sent on an account ticket only"));
    }
    let user = state.store.user_of_pegawai(&pegawai).await?;
    let user =
        user.ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "account.not_found", "this ASN has no account"))?;
    let recipient = match (value(Entity::DataUtama, &pegawai, "email_gov"), value(Entity::DataUtama, &pegawai, "no_hp"))
    {
        (Some(e), _) if !e.trim().is_empty() => Recipient::Email(e),
        (_, Some(p)) if !p.trim().is_empty() => Recipient::Phone(p),
        _ => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "recovery.no_contact",
                "the record has no registered go.id e-mail or phone number; reconcile the contact data first",
            ))
        }
    };
    let delivery = state.deliveries.for_recipient(&recipient).ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "recovery.no_delivery",
            format!("the hub has no way to send {} (start it with --smtp-url for e-mail)", recipient.channel()),
        )
    })?;
    let issued = crate::accounts::issue_reset_code_for(
        state.store.as_ref(),
        &user.username,
        &caller.user.username,
        state.reset_code_ttl,
    )
    .await?;
    if let Err(e) = delivery.send(&recipient, &issued.code, &issued.expires_at).await {
        // Nobody knows the code that was not delivered: it is replaced when one is sent again.
        return Err(ApiError::new(StatusCode::BAD_GATEWAY, "recovery.delivery_failed", e.to_string()));
    }
    let at = now_text();
    let isi = format!(
        "Identitas diperiksa. Kode sekali pakai dikirim ke {} ({}); berlaku 24 jam. Masuk dengan kode itu lalu buat password baru.",
        recipient.masked(),
        recipient.channel()
    );
    let step = arrived(
        helpdesk::step_row(&NewStep {
            tiket_id: &id,
            peran: "PETUGAS",
            oleh: &caller.user.username,
            isi: Some(isi),
            status: Some("MENUNGGU_PEMOHON"),
            pada: &at,
            ..NewStep::default()
        }),
        &at,
    );
    let change = crate::service::hub_change(Entity::TiketPesan, &uuid::Uuid::now_v7().to_string(), &pegawai, step);
    state.store.apply_batch(vec![BatchItem::Apply(change)], &caller.user.username).await?;
    let detail = json!({ "tiket": id, "channel": recipient.channel() });
    state
        .store
        .audit(&caller.user.username, "account.reset_code_sent", Some(&pegawai), Some(detail), caller.remote.as_deref())
        .await?;
    Ok(Json(CodeSent {
        channel: recipient.channel().into(),
        sent_to: recipient.masked(),
        expires_at: issued.expires_at,
    }))
}
