//! One problem of a form (its field, its code and values, and its English text) and the
//! filling of a code's template with the values.

use serde::Serialize;
use serde_json::Value;

use serde_json::Map;

use super::Code;

/// The values an error's text needs, by name (`{"code": "CAL"}`).
pub type Params = Map<String, Value>;

/// One problem of a form: the field at fault, what is wrong and the English text.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Problem {
    /// The input field at fault (`"date_of_birth"`, `"other_names[1]"`).
    pub field: String,
    /// What is wrong, as a stable name (`person.date_of_birth.in_future`).
    #[schemars(with = "String")]
    pub code: Code,
    /// The values the code's text needs.
    pub params: Params,
    /// The problem in English.
    pub message: String,
}

impl Problem {
    /// A problem at `field` with the values its code's text needs (an object).
    pub fn new(field: impl Into<String>, code: Code, params: Value) -> Self {
        let params = into_params(params);
        Problem { field: field.into(), message: fill(code.template(), &params), code, params }
    }
}

pub(super) fn into_params(params: Value) -> Params {
    match params {
        Value::Object(map) => map,
        _ => Params::new(),
    }
}

/// Fills `{name}` placeholders from `params` (a string as it is, any other value as JSON); a
/// placeholder with no value stays as written. A calendar date (`2026-11-27`, as errors carry
/// dates) is written out, `27 Nov 2026`, as the window writes it in the UI's language. The
/// window's `t(key, vars)` reads the same format.
pub fn fill(template: &str, params: &Params) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name = after.find('}').map(|close| &after[..close]);
        match name.filter(|n| !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_')) {
            Some(name) => {
                match params.get(name) {
                    Some(Value::String(s)) => match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                        Ok(d) if s.len() == 10 => out.push_str(&d.format("%-d %b %Y").to_string()),
                        _ => out.push_str(s),
                    },
                    Some(v) => out.push_str(&v.to_string()),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[name.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
