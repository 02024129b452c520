//! Output and errors: JSON for scripts, text for people; errors carry a stable code and, for
//! bad input, the fields at fault.

use berkas_core::display::{error_text, field_error_text, Lang};
use berkas_core::model::FieldError;
use serde::Serialize;
use std::process::ExitCode;

/// Writes a line to standard output. A reader that went away (`berkas ... | head -5`) ends
/// the program quietly: what it wanted was read, and a panic's backtrace helps nobody.
pub(crate) fn print_line(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}").and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
    }
}

pub(crate) struct Out {
    pub json: bool,
}

impl Out {
    pub fn emit<T: Serialize>(&self, value: &T, human: impl FnOnce() -> String) {
        if self.json {
            match serde_json::to_string_pretty(value) {
                Ok(s) => print_line(&s),
                Err(e) => eprintln!("error: cannot write JSON: {e}"),
            }
        } else {
            let text = human();
            if !text.is_empty() {
                print_line(&text);
            }
        }
    }
}

pub(crate) struct CliError {
    pub code: String,
    pub message: String,
    pub fields: Vec<FieldError>,
    /// Bad input exits 2; everything else 1.
    pub bad_input: bool,
    /// The core error, worded in the run's language when reported.
    pub core: Option<Box<berkas_core::Error>>,
    /// The output already says what failed (a check's verdict): only the exit status remains.
    pub quiet: bool,
}

/// A field's label in `lang`, found by its name (data utama first, then every group).
fn label_of(field: &str, lang: Lang) -> Option<&'static str> {
    use berkas_core::model::Entity;
    std::iter::once(Entity::DataUtama)
        .chain(Entity::ALL)
        .find_map(|e| e.def().field(field))
        .map(|f| berkas_core::display::field_label(f, lang))
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError::invalid("usage", message)
    }

    pub fn invalid(code: &str, message: impl Into<String>) -> CliError {
        CliError {
            code: code.into(),
            message: message.into(),
            fields: Vec::new(),
            bad_input: true,
            core: None,
            quiet: false,
        }
    }

    /// A check whose verdict the output already gave did not pass: exit 2, nothing more said.
    pub fn already_reported(code: &str) -> CliError {
        CliError { quiet: true, ..CliError::invalid(code, "") }
    }

    pub fn report(self, json: bool, lang: Lang) -> ExitCode {
        if self.quiet {
            return ExitCode::from(2);
        }
        if json {
            let v =
                serde_json::json!({ "error": { "code": self.code, "message": self.message, "fields": self.fields } });
            print_line(&serde_json::to_string_pretty(&v).unwrap_or_default());
        } else {
            let message = self.core.as_deref().map_or(self.message, |e| error_text(e, lang));
            eprintln!("{}: {message}", lang.pick("galat", "error"));
            for f in &self.fields {
                let label = label_of(&f.field, lang).map(|l| format!("{l} ({})", f.field));
                eprintln!("  - {} [{}]", field_error_text(f, label.as_deref(), lang), f.code);
            }
        }
        ExitCode::from(if self.bad_input { 2 } else { 1 })
    }
}

impl From<berkas_core::Error> for CliError {
    fn from(e: berkas_core::Error) -> CliError {
        let bad_input = matches!(
            e,
            berkas_core::Error::Invalid(_)
                | berkas_core::Error::DuplicateNip
                | berkas_core::Error::BadDocument(_)
                | berkas_core::Error::Document { .. }
                | berkas_core::Error::Signature(_)
                | berkas_core::Error::NotFound(_)
        );
        let fields = match &e {
            berkas_core::Error::Invalid(f) => f.clone(),
            _ => Vec::new(),
        };
        let message = match &e {
            berkas_core::Error::Invalid(_) => "invalid input".to_string(),
            other => other.to_string(),
        };
        // The hub's own code is the useful one (auth.invalid_credentials, forbidden.scope ...).
        let code = match &e {
            berkas_core::Error::Hub { code, .. } => code.clone(),
            other => other.code().to_string(),
        };
        CliError { code, message, fields, bad_input, core: Some(Box::new(e)), quiet: false }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            // The reader of our standard output went away (`| head`): nothing left to say.
            std::process::exit(0);
        }
        CliError {
            code: "io".into(),
            message: e.to_string(),
            fields: Vec::new(),
            bad_input: false,
            core: None,
            quiet: false,
        }
    }
}
