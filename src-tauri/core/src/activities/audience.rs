//! Who a session is for: the audience of each kind of activity, and the warnings of a sign-up
//! outside it (signed up all the same: a parent may come along with a toddler).

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::cases::Sex;
use crate::Warning;

/// Who a kind of session is for: the age rule the desk is warned by when it signs someone up
/// (a warning, not a refusal: a parent may come along with a toddler).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Audience {
    /// The oldest age (in whole years) the session is for.
    pub max_age: Option<u32>,
    /// Only women and girls (and small children with them).
    pub women: bool,
}

impl Audience {
    /// The warnings of signing `name` (`age` on the session's day, `sex`) up to the session
    /// `title` of this audience: none when they are in it.
    pub fn warnings(self, title: &str, name: &str, age: Option<u32>, sex: Sex) -> Vec<Warning> {
        let audience = self;
        let mut out = Vec::new();
        if let (Some(max), Some(age)) = (audience.max_age, age) {
            if age > max {
                out.push(Warning::new(
                    "session_audience_age",
                    json!({"name": name, "age": age, "title": title, "max_age": max}),
                    format!(
                        "{name} is {age}: \"{}\" is for children up to {max}. Signed up all the same.",
                        title
                    ),
                ));
            }
        }
        if audience.women && sex == Sex::Male && age.is_none_or(|a| a >= 13) {
            out.push(Warning::new(
                "session_audience_women",
                json!({"name": name, "title": title}),
                format!(
                    "{name} is recorded as a man: \"{}\" is a women's session. Signed up all the same.",
                    title
                ),
            ));
        }
        out
    }
}
