//! Identifier checks the UI runs as the user types.

use berkas_core::model::Nip;

use crate::error::{BerkasError, Result};

#[derive(Debug, Clone, uniffi::Record)]
pub struct NipFacts {
    /// `pns`, `pppk` or `nip_lama`.
    pub kind: String,
    pub birth_date: Option<String>,
    pub sex: Option<String>,
    pub warnings: Vec<String>,
}

/// Decodes a NIP; a malformed one is `nip.*` with the wrong part named.
#[uniffi::export]
pub fn parse_nip(nip: String) -> Result<NipFacts> {
    let n = Nip::parse(&nip).map_err(|e| {
        let field = berkas_core::model::FieldError::new("nip", e.code(), e.to_string());
        let words = |lang| berkas_core::display::field_error_text(&field, Some("NIP"), lang);
        BerkasError::Failed {
            code: e.code().to_string(),
            detail: e.to_string(),
            fields: vec![format!("nip: {}", e.code())],
            message_id: words(berkas_core::display::Lang::Id),
            message_en: words(berkas_core::display::Lang::En),
        }
    })?;
    let facts = n.facts();
    Ok(NipFacts {
        kind: serde_json::to_value(n.kind()).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
        birth_date: facts.as_ref().map(|f| f.birth_date.to_string()),
        sex: facts.as_ref().map(|f| f.sex.to_string()),
        warnings: n.warnings().iter().map(|w| w.to_string()).collect(),
    })
}
