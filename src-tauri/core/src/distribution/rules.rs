//! Allowance rules: per distribution type, which item a person or a household gets and how
//! many, by flag and age band, with a minimum interval or "once". Leads and coordinators edit
//! them; [`ensure_defaults`] seeds a sensible set.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::db::update_or_insert;
use crate::stock::{self, Category, ItemInput, VariantBy};
use crate::{new_id, Error, Result};

/// Who a rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    /// Each matching person gets the quantity.
    Person,
    /// The household gets it once if anyone in it matches.
    Household,
}

/// The flag a rule needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleFlag {
    /// Under 12 months.
    Baby,
    /// Pregnant.
    Pregnant,
    /// Unaccompanied minor.
    UnaccompaniedMinor,
}

impl RuleFlag {
    fn as_str(self) -> &'static str {
        match self {
            RuleFlag::Baby => "baby",
            RuleFlag::Pregnant => "pregnant",
            RuleFlag::UnaccompaniedMinor => "unaccompanied_minor",
        }
    }

    fn parse(s: &str) -> Option<RuleFlag> {
        [RuleFlag::Baby, RuleFlag::Pregnant, RuleFlag::UnaccompaniedMinor]
            .into_iter()
            .find(|f| f.as_str() == s)
    }

    /// How it reads on a sheet.
    pub fn label(self) -> &'static str {
        match self {
            RuleFlag::Baby => "baby under 12 months",
            RuleFlag::Pregnant => "pregnant",
            RuleFlag::UnaccompaniedMinor => "unaccompanied minor",
        }
    }
}

/// "2-12 years", "under 12 months".
pub fn band_label(lo: Option<u32>, hi: Option<u32>) -> String {
    let unit =
        |m: u32| if m.is_multiple_of(12) { format!("{} years", m / 12) } else { format!("{m} months") };
    match (lo, hi) {
        (Some(lo), Some(hi)) if lo.is_multiple_of(12) && hi.is_multiple_of(12) => {
            format!("{}-{} years", lo / 12, hi / 12 - 1)
        }
        (Some(lo), Some(hi)) => format!("{} to under {}", unit(lo), unit(hi)),
        (Some(lo), None) => format!("{} and over", unit(lo)),
        (None, Some(hi)) => format!("under {}", unit(hi)),
        (None, None) => String::new(),
    }
}

/// An allowance rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Rule {
    /// Id.
    pub id: String,
    /// Distribution type ("weekly").
    pub dist_type: String,
    /// Item id.
    pub item_id: String,
    /// Item name.
    pub item: String,
    /// How many.
    pub quantity: i64,
    /// Per person or per household.
    pub per: Per,
    /// The flag needed.
    pub flag: Option<RuleFlag>,
    /// Youngest age, in months (inclusive).
    pub min_age_months: Option<u32>,
    /// Oldest age, in months (exclusive).
    pub max_age_months: Option<u32>,
    /// Only for people holding no centre phone.
    pub without_phone: bool,
    /// Days between two collections of the item (0: every time).
    pub interval_days: u32,
    /// Given once ever.
    pub once: bool,
    /// In use.
    pub active: bool,
    /// What the rule says, in words.
    pub description: String,
}

/// Input to add or change a rule.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    /// The rule to change; absent to add one.
    #[serde(default)]
    pub id: Option<String>,
    /// Distribution type.
    pub dist_type: String,
    /// Item id or name.
    pub item: String,
    /// How many.
    pub quantity: i64,
    /// Per person or household.
    pub per: Per,
    /// The flag needed.
    #[serde(default)]
    pub flag: Option<RuleFlag>,
    /// Youngest age in months.
    #[serde(default)]
    pub min_age_months: Option<u32>,
    /// Oldest age in months (exclusive).
    #[serde(default)]
    pub max_age_months: Option<u32>,
    /// Only people with no centre phone.
    #[serde(default)]
    pub without_phone: bool,
    /// Days between collections.
    #[serde(default)]
    pub interval_days: u32,
    /// Once ever.
    #[serde(default)]
    pub once: bool,
    /// In use (default yes).
    #[serde(default)]
    pub active: Option<bool>,
}

const SELECT: &str =
    "SELECT r.id, r.dist_type, r.item_id, i.name AS item, r.quantity, r.per, r.flag, r.min_age_months,
        r.max_age_months, r.without_phone, r.interval_days, r.once, r.active, i.unit
 FROM allowance_rules r JOIN stock_items i ON i.id = r.item_id";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Rule> {
    let per: String = r.get("per")?;
    let flag: Option<String> = r.get("flag")?;
    let mut rule = Rule {
        id: r.get("id")?,
        dist_type: r.get("dist_type")?,
        item_id: r.get("item_id")?,
        item: r.get("item")?,
        quantity: r.get("quantity")?,
        per: if per == "household" { Per::Household } else { Per::Person },
        flag: flag.as_deref().and_then(RuleFlag::parse),
        min_age_months: r.get("min_age_months")?,
        max_age_months: r.get("max_age_months")?,
        without_phone: r.get("without_phone")?,
        interval_days: r.get("interval_days")?,
        once: r.get("once")?,
        active: r.get("active")?,
        description: String::new(),
    };
    let unit: String = r.get("unit")?;
    rule.description = describe(&rule, &unit);
    Ok(rule)
}

fn describe(r: &Rule, unit: &str) -> String {
    let mut who = Vec::new();
    if let Some(f) = r.flag {
        who.push(f.label().to_string());
    }
    if r.min_age_months.is_some() || r.max_age_months.is_some() {
        who.push(band_label(r.min_age_months, r.max_age_months));
    }
    if r.without_phone {
        who.push("without a phone".into());
    }
    let subject = match (r.per, who.is_empty()) {
        (Per::Person, true) => "Everyone".to_string(),
        (Per::Person, false) => format!("Each person ({})", who.join(", ")),
        (Per::Household, true) => "Each household".to_string(),
        (Per::Household, false) => format!("Each household with someone {}", who.join(", ")),
    };
    let when = if r.once {
        ", once".to_string()
    } else if r.interval_days > 0 {
        format!(", at most every {} days", r.interval_days)
    } else {
        String::new()
    };
    format!("{subject}: {} {} {unit}{when}", r.item, r.quantity)
}

/// Every rule, by type and item.
pub fn list(conn: &Connection) -> Result<Vec<Rule>> {
    let mut stmt =
        conn.prepare_cached(&format!("{SELECT} ORDER BY r.dist_type, i.category, i.name, r.id"))?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The active rules of a distribution type.
pub fn for_type(conn: &Connection, dist_type: &str) -> Result<Vec<Rule>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE r.dist_type = ?1 AND r.active = 1 AND i.active = 1 ORDER BY i.category, i.name, r.id"
    ))?;
    let rows = stmt.query_map([dist_type], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The distribution types that have rules.
pub fn types(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare("SELECT DISTINCT dist_type FROM allowance_rules WHERE active = 1 ORDER BY 1")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A distribution type's name: a short word or two in letters (any script), digits, spaces and
/// hyphens, as it is printed in the title of the distribution's sheets. Markup, punctuation
/// and long text are refused.
fn check_type_name(t: &str) -> Result<()> {
    let fits = t.chars().count() <= 30
        && t.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
        && !t.contains("  ");
    if fits {
        Ok(())
    } else {
        Err(Error::at("dist_type", crate::Code::RuleDistTypeInvalid, serde_json::json!({})))
    }
}

/// Adds or changes a rule.
pub fn save(conn: &Connection, input: &RuleInput) -> Result<Rule> {
    let t = input.dist_type.trim();
    if t.is_empty() {
        return Err(Error::at("dist_type", crate::Code::AllowanceRuleDistTypeMissing, serde_json::json!({})));
    }
    check_type_name(t)?;
    crate::fields::check_quantity("quantity", "how many", input.quantity, 1)?;
    if let (Some(lo), Some(hi)) = (input.min_age_months, input.max_age_months) {
        if hi <= lo {
            return Err(Error::at(
                "max_age_months",
                crate::Code::AllowanceRuleMaxAgeMonthsBelowMin,
                serde_json::json!({}),
            ));
        }
    }
    if input.once && input.interval_days > 0 {
        return Err(Error::at(
            "interval_days",
            crate::Code::AllowanceRuleIntervalDaysOnce,
            serde_json::json!({}),
        ));
    }
    let item = stock::get_item(conn, &input.item)?;
    let flag = input.flag.map(RuleFlag::as_str);
    let per = if input.per == Per::Household { "household" } else { "person" };
    // The update and the insert share one parameter list (`?1` is the id; no `active` keeps
    // a rule's state, and a new rule is active).
    let id = input.id.clone().unwrap_or_else(new_id);
    let p = params![
        id,
        t,
        item.id,
        input.quantity,
        per,
        flag,
        input.min_age_months,
        input.max_age_months,
        input.without_phone,
        input.interval_days,
        input.once,
        input.active
    ];
    update_or_insert(
        conn,
        input.id.is_some(),
        "UPDATE allowance_rules SET dist_type = ?2, item_id = ?3, quantity = ?4, per = ?5, flag = ?6,
                min_age_months = ?7, max_age_months = ?8, without_phone = ?9, interval_days = ?10, once = ?11,
                active = coalesce(?12, active), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1",
        "INSERT INTO allowance_rules (id, dist_type, item_id, quantity, per, flag, min_age_months, max_age_months,
                without_phone, interval_days, once, active)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, coalesce(?12, 1))",
        p,
        crate::Code::AllowanceRuleNotFound,
    )?;
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE r.id = ?1"))?;
    stmt.query_row([&id], row)
        .optional()?
        .ok_or_else(|| Error::new(crate::Code::AllowanceRuleNotFound, serde_json::json!({})))
}

/// A default catalogue item: (name, category, unit, tracks expiry, sizes, size rule).
pub type DefaultItem = (&'static str, Category, &'static str, bool, &'static str, Option<VariantBy>);

/// The default catalogue.
pub const DEFAULT_ITEMS: &[DefaultItem] = &[
    ("Baby milk", Category::Baby, "tin", true, "", None),
    ("Nappies", Category::Baby, "pack", false, "1,2,3,4,5,6", Some(VariantBy::NappySize)),
    ("Baby wipes", Category::Baby, "pack", false, "", None),
    ("Protein food pack", Category::Food, "pack", true, "", None),
    ("Food parcel", Category::Food, "parcel", true, "", None),
    ("Hygiene kit", Category::Hygiene, "kit", false, "", None),
    ("Sanitary pads", Category::Hygiene, "pack", false, "", None),
    (
        "Clothing voucher",
        Category::Clothing,
        "voucher",
        false,
        "0-1,2-4,5-8,9-12,13-17,18+",
        Some(VariantBy::AgeYears),
    ),
    ("Phone", Category::Phone, "phone", false, "", None),
];

/// Adds the default catalogue and the weekly rules when the catalogue is empty.
pub fn ensure_defaults(conn: &Connection) -> Result<()> {
    let n: i64 = conn.query_row("SELECT count(*) FROM stock_items", [], |r| r.get(0))?;
    if n > 0 {
        return Ok(());
    }
    for &(name, category, unit, tracks_expiry, sizes, by) in DEFAULT_ITEMS {
        stock::save_item(
            conn,
            &ItemInput {
                id: None,
                name: name.into(),
                category,
                unit: Some(unit.into()),
                tracks_expiry,
                variants: sizes.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
                variant_by: by,
                active: None,
            },
        )?;
    }
    let rule =
        |item: &str, quantity: i64, per: Per, flag: Option<RuleFlag>, ages: (Option<u32>, Option<u32>)| {
            RuleInput {
                id: None,
                dist_type: "weekly".into(),
                item: item.into(),
                quantity,
                per,
                flag,
                min_age_months: ages.0,
                max_age_months: ages.1,
                without_phone: false,
                interval_days: 0,
                once: false,
                active: None,
            }
        };
    let defaults = [
        rule("Baby milk", 2, Per::Person, Some(RuleFlag::Baby), (None, None)),
        rule("Nappies", 1, Per::Person, None, (None, Some(36))),
        rule("Baby wipes", 1, Per::Household, None, (None, Some(36))),
        rule("Protein food pack", 1, Per::Person, Some(RuleFlag::Pregnant), (None, None)),
        rule("Food parcel", 1, Per::Household, None, (None, None)),
        RuleInput { interval_days: 28, ..rule("Hygiene kit", 1, Per::Household, None, (None, None)) },
        RuleInput {
            interval_days: 28,
            ..rule("Clothing voucher", 1, Per::Person, None, (Some(24), Some(13 * 12)))
        },
        RuleInput {
            once: true,
            without_phone: true,
            ..rule("Phone", 1, Per::Person, Some(RuleFlag::UnaccompaniedMinor), (None, None))
        },
    ];
    for r in &defaults {
        save(conn, r)?;
    }
    Ok(())
}
