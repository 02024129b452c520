//! One error type across the boundary, with core's stable code (`profile.wrong_key`,
//! `auth.invalid_credentials`, `sync.network` ...) for the app to localise.

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
        BerkasError::Failed { code, detail: e.to_string(), fields }
    }
}

pub type Result<T> = std::result::Result<T, BerkasError>;
