//! Checks and conversions that every area uses on the fields it stores: free-text length,
//! phone numbers, trimmed optional text, and enums stored as their text names. They sit below
//! all areas so that no area has to import another one to check a field.

use crate::{Error, Result};

macro_rules! text_enum {
    ($t:ty, $($v:ident => $s:literal),+ $(,)?) => {
        impl $t {
            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),+ }
            }
            /// Parses the stored name.
            pub fn parse(s: &str) -> Result<Self> {
                match s {
                    $($s => Ok(Self::$v),)+
                    _ => Err(Error::validation(format!("Unknown value \"{s}\"."))),
                }
            }
        }
        impl rusqlite::types::FromSql for $t {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                Self::parse(s).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
        impl rusqlite::types::ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }
    };
}

pub(crate) use text_enum;

/// Trims a free-text field; empty becomes `None`.
pub(crate) fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Checks a phone number as people write it: digits with spaces, `+`, `-`, `.` or brackets,
/// 6 to 15 digits in all.
pub(crate) fn check_phone(field: &str, phone: &str) -> Result<()> {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if allowed && (6..=15).contains(&digits) {
        Ok(())
    } else {
        Err(Error::invalid(field, "Enter the phone number with 6 to 15 digits, like +33 6 12 34 56 78."))
    }
}

/// Checks a free-text field's length.
pub(crate) fn check_len(field: &str, label: &str, value: &str, max: usize) -> Result<()> {
    if value.chars().count() > max {
        return Err(Error::invalid(field, format!("{label} is too long (at most {max} characters).")));
    }
    Ok(())
}

/// The most units one receipt, transfer, adjustment, count or allowance rule may name. A
/// million is far beyond any delivery the centre sees, and keeps every sum of quantities far
/// from the limits of a 64-bit integer, so no total, value or chart can overflow.
pub const MAX_QUANTITY: i64 = 1_000_000;

/// The most units one shelf may hold of one item, size and batch (a thousand of the largest
/// receipts).
pub const MAX_STOCK: i64 = 1_000_000_000;

/// The most one unit may cost, in pence (£100,000).
pub const MAX_UNIT_COST: i64 = 10_000_000;

/// Checks a quantity typed by a user: `min` (0 or 1) up to [`MAX_QUANTITY`]. `what` says what
/// is counted in the refusal ("how many arrived").
pub(crate) fn check_quantity(field: &str, what: &str, quantity: i64, min: i64) -> Result<i64> {
    if quantity < min {
        let floor = if min > 0 { "more than 0" } else { "0 or more" };
        return Err(Error::invalid(field, format!("Enter {what} ({floor}).")));
    }
    if quantity > MAX_QUANTITY {
        return Err(Error::invalid(
            field,
            format!("Enter {what}: at most {MAX_QUANTITY} at a time ({quantity} is more than any delivery)."),
        ));
    }
    Ok(quantity)
}

/// Adds quantities without overflowing: a total too large to hold stays at the largest number.
pub(crate) fn total(quantities: impl IntoIterator<Item = i64>) -> i64 {
    quantities.into_iter().fold(0, i64::saturating_add)
}
