//! The one error every command returns: a stable `code` the UI words (in Indonesian or
//! English) and an English `message` for support; `fields` names the inputs at fault.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
pub struct CommandError {
    pub code: String,
    pub message: String,
    pub fields: Vec<FieldProblem>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl From<berkas_core::Error> for CommandError {
    fn from(e: berkas_core::Error) -> CommandError {
        let fields = match &e {
            berkas_core::Error::Invalid(list) => list
                .iter()
                .map(|f| FieldProblem { field: f.field.clone(), code: f.code.clone(), message: f.message.clone() })
                .collect(),
            _ => vec![],
        };
        let code = match &e {
            berkas_core::Error::Hub { code, .. } => code.clone(),
            other => other.code().to_string(),
        };
        CommandError { code, message: e.to_string(), fields }
    }
}

impl CommandError {
    pub fn new(code: &str, message: impl Into<String>) -> CommandError {
        CommandError { code: code.into(), message: message.into(), fields: vec![] }
    }
}

pub type CmdResult<T> = Result<T, CommandError>;
