//! ISO weeks as people write them: `2026-W48`.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::{Code, Error, Result};

/// An ISO week: Monday to Sunday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Week {
    /// Its Monday.
    pub monday: NaiveDate,
}

impl Week {
    /// Parses `YYYY-Www` (`2026-W48`); `field` names the input field in the error.
    pub fn parse(field: &str, s: &str) -> Result<Week> {
        let bad = || Error::at(field, Code::WeekInvalid, serde_json::json!({"week": s}));
        let s = s.trim();
        let (y, w) = s.split_once("-W").or_else(|| s.split_once("-w")).ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let week: u32 = w.parse().map_err(|_| bad())?;
        if w.len() != 2 || y.len() != 4 {
            return Err(bad());
        }
        let monday = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(bad)?;
        Ok(Week { monday })
    }

    /// The week a date is in.
    pub fn of(date: NaiveDate) -> Week {
        let back = u64::from(date.weekday().num_days_from_monday());
        Week { monday: date.checked_sub_days(Days::new(back)).unwrap_or(date) }
    }

    /// The 7 days, Monday first.
    pub fn days(&self) -> Vec<NaiveDate> {
        (0..7).filter_map(|i| self.monday.checked_add_days(Days::new(i))).collect()
    }

    /// Its Sunday.
    pub fn sunday(&self) -> NaiveDate {
        self.monday.checked_add_days(Days::new(6)).unwrap_or(self.monday)
    }

    /// The day with ISO weekday `n` (1 Monday .. 7 Sunday).
    pub fn day(&self, n: u32) -> NaiveDate {
        self.monday.checked_add_days(Days::new(u64::from(n.clamp(1, 7) - 1))).unwrap_or(self.monday)
    }

    /// `2026-W48`.
    pub fn label(&self) -> String {
        let w = self.monday.iso_week();
        format!("{}-W{:02}", w.year(), w.week())
    }

    /// "Week 48 · 23–29 Nov 2026".
    pub fn heading(&self) -> String {
        format!(
            "Week {} · {} – {}",
            self.monday.iso_week().week(),
            self.monday.format("%-d %b"),
            self.sunday().format("%-d %b %Y")
        )
    }
}

/// Checks a time of day written `HH:MM` (24-hour).
pub fn check_time(field: &str, s: &str) -> Result<String> {
    let s = s.trim();
    let ok = chrono::NaiveTime::parse_from_str(s, "%H:%M").is_ok() && s.len() == 5;
    if ok {
        Ok(s.to_string())
    } else {
        Err(Error::at(field, Code::TimeInvalid, serde_json::json!({})))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_parse_and_print_back() {
        let w = Week::parse("week", "2026-W48").ok();
        assert_eq!(w.map(|w| w.monday), NaiveDate::from_ymd_opt(2026, 11, 23));
        assert_eq!(w.map(|w| w.label()).as_deref(), Some("2026-W48"));
        assert!(Week::parse("week", "2026-48").is_err());
        assert!(Week::parse("week", "2026-W54").is_err());
        assert_eq!(check_time("t", "9:30").ok(), None);
        assert_eq!(check_time("t", "09:30").ok().as_deref(), Some("09:30"));
    }
}
