use thiserror::Error;

/// Why a signed document does not check out (or could not be signed). Each names what is
/// wrong, never the document's content.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignatureError {
    #[error(
        "the file carries no Berkas signature: no signature block at its end (for a CSV or XLSX, give its .sig file)"
    )]
    NotSigned,
    #[error("the signature block is damaged: {0}")]
    Malformed(String),
    #[error("not a usable public key: {0}")]
    BadKey(String),
    #[error("signed with key {signed_with}, not with the given key {given}: check it with the key of the hub that issued it")]
    OtherKey { signed_with: String, given: String },
    #[error("the signature does not match its statement: the signature block was changed, or not made by this key")]
    Invalid,
    #[error("the document was changed after it was signed: its SHA-256 is not the signed one")]
    ContentChanged,
    #[error("something was added after the signature block (a PDF update could change what a reader shows)")]
    Appended,
    #[error("the signed PDF does not show its verification code")]
    CodeNotShown,
    #[error("this profile holds no hub key yet: sync once (or fetch the key), or give the key")]
    NoKey,
}

impl SignatureError {
    pub fn code(&self) -> &'static str {
        match self {
            SignatureError::NotSigned => "signature.none",
            SignatureError::Malformed(_) => "signature.malformed",
            SignatureError::BadKey(_) => "signature.bad_key",
            SignatureError::OtherKey { .. } => "signature.other_key",
            SignatureError::Invalid => "signature.invalid",
            SignatureError::ContentChanged => "signature.content_changed",
            SignatureError::Appended => "signature.appended",
            SignatureError::CodeNotShown => "signature.code_not_shown",
            SignatureError::NoKey => "signature.no_key",
        }
    }
}
