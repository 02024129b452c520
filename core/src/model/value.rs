//! Field values as records carry them: text, integer, date, boolean or empty. Dates are
//! `YYYY-MM-DD` in JSON and in SQLite; SIASN's `dd-mm-yyyy` is converted at its border.

use chrono::NaiveDate;
use rusqlite::types::{ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Text(String),
}

/// Read straight from the JSON token (a derived `untagged` enum buffers every value first, which
/// made sync pages twice as slow to read). Accepts null, booleans, integers and strings.
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("text, an integer, a boolean or null")
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
                Value::deserialize(d)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
                Ok(Value::Int(i))
            }
            fn visit_u64<E: serde::de::Error>(self, u: u64) -> Result<Value, E> {
                i64::try_from(u).map(Value::Int).map_err(|_| E::custom("integer is too large"))
            }
            fn visit_str<E>(self, s: &str) -> Result<Value, E> {
                Ok(Value::Text(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Value, E> {
                Ok(Value::Text(s))
            }
        }
        d.deserialize_any(V)
    }
}

/// Field name -> value, ordered so that output is stable.
pub type FieldMap = BTreeMap<String, Value>;

/// A field's text, if it holds text.
pub fn field_text(v: &FieldMap, f: &str) -> Option<String> {
    v.get(f).and_then(Value::as_str).map(str::to_string)
}

/// A field's whole number, if it holds one.
pub fn field_int(v: &FieldMap, f: &str) -> Option<i64> {
    v.get(f).and_then(Value::as_int)
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null) || matches!(self, Value::Text(s) if s.is_empty())
    }

    /// The value as text an app can show and send back (`true`/`false` for yes/no, empty for
    /// null): what the bindings hand across.
    pub fn to_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Text(t) => t.clone(),
            Value::Int(i) => i.to_string(),
            Value::Bool(b) => b.to_string(),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Text(s) => s.parse().ok(),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<NaiveDate> {
        self.as_str().and_then(|s| super::parse_date(s).flatten())
    }

    pub fn date(d: NaiveDate) -> Value {
        use chrono::Datelike;
        Value::Text(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
    }

    pub(crate) fn from_sql(v: ValueRef<'_>) -> Value {
        match v {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Int(i),
            ValueRef::Real(r) => Value::Text(r.to_string()),
            ValueRef::Text(t) | ValueRef::Blob(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            // The display rule's default language (`display::yes_no`): one rule, not two.
            Value::Bool(b) => f.write_str(crate::display::yes_no(*b, crate::display::Lang::Id)),
            Value::Int(i) => write!(f, "{i}"),
            Value::Text(s) => f.write_str(s),
        }
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Owned(rusqlite::types::Value::Null),
            Value::Bool(b) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(i64::from(*b))),
            Value::Int(i) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(*i)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}
