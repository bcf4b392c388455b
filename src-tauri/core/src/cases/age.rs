//! Ages from dates of birth, and the age bands the filters and rules use.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// A person's age on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Age {
    /// Whole years.
    pub years: u32,
    /// Whole months (for babies and toddlers the UI shows months).
    pub months: u32,
}

/// The age on `today` of someone born on `born` (none if born after `today`).
pub fn age_on(born: NaiveDate, today: NaiveDate) -> Option<Age> {
    if born > today {
        return None;
    }
    let mut months = (today.year() - born.year()) * 12 + today.month() as i32 - born.month() as i32;
    if today.day() < born.day() {
        months -= 1;
    }
    let months = u32::try_from(months.max(0)).ok()?;
    Some(Age { years: months / 12, months })
}

/// The last birth date at which someone is at least `years` old on `today`.
pub fn born_on_or_before(today: NaiveDate, years: u32) -> NaiveDate {
    today.checked_sub_months(Months::new(years * 12)).unwrap_or(NaiveDate::MIN)
}

/// Age bands for filters and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgeBand {
    /// Under 12 months.
    Baby,
    /// 1 to 4 years.
    Toddler,
    /// 5 to 11 years.
    Child,
    /// 12 to 17 years.
    Teenager,
    /// Under 18.
    Minor,
    /// 18 and over.
    Adult,
}

impl AgeBand {
    /// Birth dates in the band on `today`: (born after, born on or before), either side open.
    pub fn birth_range(self, today: NaiveDate) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let at_least = |y| born_on_or_before(today, y);
        match self {
            AgeBand::Baby => (Some(at_least(1)), None),
            AgeBand::Toddler => (Some(at_least(5)), Some(at_least(1))),
            AgeBand::Child => (Some(at_least(12)), Some(at_least(5))),
            AgeBand::Teenager => (Some(at_least(18)), Some(at_least(12))),
            AgeBand::Minor => (Some(at_least(18)), None),
            AgeBand::Adult => (None, Some(at_least(18))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn age_turns_on_the_birthday_not_the_day_before() {
        assert_eq!(age_on(d(2008, 11, 27), d(2026, 11, 26)).map(|a| a.years), Some(17));
        assert_eq!(age_on(d(2008, 11, 27), d(2026, 11, 27)).map(|a| a.years), Some(18));
        assert_eq!(age_on(d(2026, 1, 31), d(2026, 3, 1)).map(|a| a.months), Some(1));
        assert_eq!(age_on(d(2027, 1, 1), d(2026, 3, 1)), None);
    }

    #[test]
    fn bands_split_at_birthdays() {
        let today = d(2026, 11, 27);
        let (after, by) = AgeBand::Baby.birth_range(today);
        assert_eq!((after, by), (Some(d(2025, 11, 27)), None), "a baby was born after 27/11/2025");
        let (after, by) = AgeBand::Adult.birth_range(today);
        assert_eq!((after, by), (None, Some(d(2008, 11, 27))));
    }
}
