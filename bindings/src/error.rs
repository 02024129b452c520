//! One error type across the boundary, with core's stable code (`profile.wrong_key`,
//! `auth.invalid_credentials`, `sync.network` ...) for the app to localise.

use berkas_core::display::Lang;
use berkas_core::Error;

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum BerkasError {
    #[error("{code}: {detail}")]
    Failed {
        /// Stable machine code; the UI chooses its words by it.
        code: String,
        /// English detail for logs and support; never personal data.
        detail: String,
        /// For bad input: the fields at fault as `field: code`.
        fields: Vec<String>,
        /// The error as a person reads it, in Bahasa Indonesia (core's one wording, which may
        /// name figures such as the hub's document limit).
        message_id: String,
        /// The same in English.
        message_en: String,
    },
}

impl From<Error> for BerkasError {
    fn from(e: Error) -> BerkasError {
        let fields = match &e {
            Error::Invalid(f) => f.iter().map(|f| format!("{}: {}", f.field, f.code)).collect(),
            _ => Vec::new(),
        };
        let code = match &e {
            Error::Hub { code, .. } => code.clone(),
            other => other.code().to_string(),
        };
        let message_id = berkas_core::display::error_text(&e, Lang::Id);
        let message_en = berkas_core::display::error_text(&e, Lang::En);
        BerkasError::Failed { code, detail: e.to_string(), fields, message_id, message_en }
    }
}

pub type Result<T> = std::result::Result<T, BerkasError>;
