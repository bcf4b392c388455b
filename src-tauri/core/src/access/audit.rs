//! The append-only audit log: every change, and every read of sensitive records, is written
//! here in the same transaction as the work itself. The schema refuses updates and deletes.
//!
//! The log is a hash chain: each entry has a sequence number, the hash of the entry before it,
//! and its own SHA-256 over its fields and that previous hash; `audit_head` holds the newest.
//! [`verify`] walks the chain and names the first entry that was edited, removed or inserted
//! out of turn. (Someone holding the database key could rewrite the whole chain; a backup or a
//! printed head hash from before shows that too.)
//!
//! The log travels between the centre's replicas like the records it describes: each entry
//! names the replica that wrote it (`origin`), and each replica keeps its own chain (its own
//! numbers, each entry hashing the one before it in that chain). Entries arrive from other
//! replicas as they were written, so [`verify`] checks every replica's chain on every replica;
//! `audit_head` is this replica's own chain's newest entry. An entry is written in the same
//! transaction as the work it records, and is exchanged with it; where the exchange engine
//! works without capturing (an apply, an erasure, a merge), [`record`] captures the entry
//! alone, so that no replica's chain reaches the others with a gap.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::access::Session;
use crate::{new_id, Result};

/// The hash before the first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields an entry's hash covers, in order.
struct Fields<'a> {
    seq: i64,
    id: &'a str,
    created_at: &'a str,
    site_id: Option<&'a str>,
    user_id: Option<&'a str>,
    username: &'a str,
    action: &'a str,
    entity: &'a str,
    entity_id: Option<&'a str>,
    detail: Option<&'a str>,
    prev_hash: &'a str,
}

impl Fields<'_> {
    /// SHA-256 over every field, each length-prefixed (so no two entries hash alike by moving
    /// text from one field to the next); absent fields are marked apart from empty ones.
    fn hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"haven-audit-1");
        h.update(self.seq.to_be_bytes());
        for field in [
            Some(self.id),
            Some(self.created_at),
            self.site_id,
            self.user_id,
            Some(self.username),
            Some(self.action),
            Some(self.entity),
            self.entity_id,
            self.detail,
            Some(self.prev_hash),
        ] {
            match field {
                Some(text) => {
                    h.update([1u8]);
                    h.update((text.len() as u64).to_be_bytes());
                    h.update(text.as_bytes());
                }
                None => h.update([0u8]),
            }
        }
        hex::encode(h.finalize())
    }
}

/// The newest entry's number and hash (0 and the genesis hash for an empty log).
fn head(conn: &Connection) -> Result<(i64, String)> {
    Ok(conn
        .query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
            Ok((r.get("seq")?, r.get("hash")?))
        })
        .optional()?
        .unwrap_or((0, GENESIS.to_string())))
}

fn set_head(conn: &Connection, seq: i64, hash: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        params![seq, hash],
    )
}

/// This replica's id: the origin of the entries it writes ('' before the replica has keys,
/// which the schema makes at once).
fn this_replica(conn: &Connection) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT replica FROM exchange_secrets WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

fn now_utc() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// One audit entry as shown to a lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditEntry {
    /// Entry id (UUIDv7: sorts by time).
    pub id: String,
    /// Place in the chain (1 = the first entry).
    pub seq: Option<i64>,
    /// When, UTC.
    pub at: String,
    /// Who (user name at the time).
    pub username: String,
    /// What: `create`, `update`, `view`, `sign_in`, ...
    pub action: String,
    /// Kind of record: `site`, `user`, `person`, ...
    pub entity: String,
    /// The record's id, when there is one.
    pub entity_id: Option<String>,
    /// Extra facts as JSON text (never names of people or DBS content).
    pub detail: Option<String>,
    /// Whom or what the entry is about, as a lead would name it today ("CAL-0045 Hodan
    /// Diallo", "Nappies", "weekly 2026-11-30"): looked up when the log is read, never stored
    /// in it, so an erased person's entries name no one. `None` when the record is gone or the
    /// entry is about no one record.
    pub subject: Option<String>,
}

/// The SQL naming an entry's record by its kind (`a` is the audit row), for [`list`].
const SUBJECT: &str = "CASE a.entity
    WHEN 'person' THEN (SELECT trim(p.code || ' ' || p.given_name || ' ' || coalesce(p.family_name, ''))
                        FROM people p WHERE p.id = a.entity_id)
    WHEN 'household' THEN (SELECT h.name FROM households h WHERE h.id = a.entity_id)
    WHEN 'user' THEN (SELECT u.display_name || ' (' || u.username || ')' FROM users u WHERE u.id = a.entity_id)
    WHEN 'volunteer' THEN (SELECT trim(v.given_name || ' ' || coalesce(v.family_name, ''))
                           FROM volunteers v WHERE v.id = a.entity_id)
    WHEN 'dbs_check' THEN (SELECT trim(v.given_name || ' ' || coalesce(v.family_name, ''))
                           FROM dbs_checks d JOIN volunteers v ON v.id = d.volunteer_id WHERE d.id = a.entity_id)
    WHEN 'stock_item' THEN (SELECT i.name FROM stock_items i WHERE i.id = a.entity_id)
    WHEN 'stock_location' THEN (SELECT l.name FROM stock_locations l WHERE l.id = a.entity_id)
    WHEN 'stock_movement' THEN (SELECT i.name FROM stock_movements m JOIN stock_items i ON i.id = m.item_id
                                WHERE m.id = a.entity_id)
    WHEN 'distribution' THEN (SELECT d.dist_type || ' ' || d.held_on FROM distributions d WHERE d.id = a.entity_id)
    WHEN 'money_fund' THEN (SELECT f.name FROM money_funds f WHERE f.id = a.entity_id)
    WHEN 'money_donor' THEN (SELECT d.name FROM money_donors d WHERE d.id = a.entity_id)
    WHEN 'money_payment' THEN (SELECT p.payee || ' ' || p.paid_on FROM money_payments p WHERE p.id = a.entity_id)
    WHEN 'money_claim' THEN (SELECT u.display_name || ' ' || c.claimed_on FROM money_claims c
                             JOIN users u ON u.id = c.claimant_id WHERE c.id = a.entity_id)
    WHEN 'collection' THEN (SELECT coalesce(trim(p.code || ' ' || p.given_name || ' ' || coalesce(p.family_name, '')), h.name)
                            FROM collections c LEFT JOIN people p ON p.id = c.person_id
                            LEFT JOIN households h ON h.id = c.household_id WHERE c.id = a.entity_id)
    WHEN 'activity_session' THEN (SELECT s.title FROM activity_sessions s WHERE s.id = a.entity_id)
    WHEN 'shift' THEN (SELECT s.role || ' ' || s.on_date FROM shifts s WHERE s.id = a.entity_id)
    WHEN 'site' THEN (SELECT s.name FROM sites s WHERE s.id = a.entity_id)
    WHEN 'referral' THEN (SELECT trim(p.code || ' ' || p.given_name || ' ' || coalesce(p.family_name, ''))
                          FROM referrals r JOIN people p ON p.id = r.person_id WHERE r.id = a.entity_id)
    WHEN 'note' THEN (SELECT trim(p.code || ' ' || p.given_name || ' ' || coalesce(p.family_name, ''))
                      FROM notes n JOIN people p ON p.id = n.person_id WHERE n.id = a.entity_id)
    END";

/// Writes one audit entry for `session`. Inside a captured write (every [`crate::Db::write`]) the
/// transaction's capture carries it to the other replicas; where nothing captures (the exchange
/// engine's own transactions: an apply, an erasure, a merge), the entry is captured alone, so
/// this replica's chain never reaches the others with a gap.
pub fn record(
    conn: &Connection,
    session: &Session,
    action: &str,
    entity: &str,
    entity_id: Option<&str>,
    detail: Option<&serde_json::Value>,
) -> Result<()> {
    if crate::db::capture::capturing() {
        write_entry(conn, session, action, entity, entity_id, detail)
    } else {
        crate::db::capture::capture_on(conn, || write_entry(conn, session, action, entity, entity_id, detail))
    }
}

fn write_entry(
    conn: &Connection,
    session: &Session,
    action: &str,
    entity: &str,
    entity_id: Option<&str>,
    detail: Option<&serde_json::Value>,
) -> Result<()> {
    let (last, prev_hash) = head(conn)?;
    let id = new_id();
    let created_at = now_utc();
    let detail = detail.map(|d| d.to_string());
    let fields = Fields {
        seq: last + 1,
        id: &id,
        created_at: &created_at,
        site_id: Some(&session.site_id),
        user_id: Some(&session.user_id),
        username: &session.username,
        action,
        entity,
        entity_id,
        detail: detail.as_deref(),
        prev_hash: &prev_hash,
    };
    let hash = fields.hash();
    let origin = this_replica(conn)?;
    conn.prepare_cached(
        "INSERT INTO audit_log (id, site_id, user_id, username, action, entity, entity_id, detail,
                                created_at, updated_at, seq, prev_hash, hash, origin)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        id,
        session.site_id,
        session.user_id,
        session.username,
        action,
        entity,
        entity_id,
        detail,
        created_at,
        last + 1,
        prev_hash,
        hash,
        origin,
    ])?;
    set_head(conn, last + 1, &hash)?;
    Ok(())
}

/// Migration hook: numbers and hashes the entries written before the chain existed, oldest
/// first, then makes the log append-only again.
pub(crate) fn chain_existing_entries(tx: &Transaction<'_>) -> rusqlite_migration::HookResult {
    let rows: Vec<Row> = {
        let mut stmt = tx.prepare(&format!("SELECT {ROW_COLUMNS} FROM audit_log ORDER BY created_at, id"))?;
        let at = RowAt::of(&stmt)?;
        let rows = stmt.query_map([], |r| Row::read(r, &at))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut prev = GENESIS.to_string();
    for (i, row) in rows.iter().enumerate() {
        let seq = i as i64 + 1;
        let hash = row.fields(seq, &prev).hash();
        tx.execute(
            "UPDATE audit_log SET seq = ?2, prev_hash = ?3, hash = ?4 WHERE id = ?1",
            params![row.id, seq, prev, hash],
        )?;
        prev = hash;
    }
    if !rows.is_empty() {
        set_head(tx, rows.len() as i64, &prev)?;
    }
    tx.execute_batch(
        "CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
         CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
         BEGIN
             SELECT RAISE(ABORT, 'the audit log is append-only');
         END;",
    )?;
    Ok(())
}

const ROW_COLUMNS: &str =
    "id, created_at, site_id, user_id, username, action, entity, entity_id, detail, seq, prev_hash, hash";

/// An entry as stored, for hashing.
struct Row {
    id: String,
    created_at: String,
    site_id: Option<String>,
    user_id: Option<String>,
    username: String,
    action: String,
    entity: String,
    entity_id: Option<String>,
    detail: Option<String>,
    seq: Option<i64>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

/// Where each of [`ROW_COLUMNS`] is in a statement, found by name once per statement: the whole
/// log is read, and finding a column by name compares it with every name before it.
struct RowAt {
    id: usize,
    created_at: usize,
    site_id: usize,
    user_id: usize,
    username: usize,
    action: usize,
    entity: usize,
    entity_id: usize,
    detail: usize,
    seq: usize,
    prev_hash: usize,
    hash: usize,
}

impl RowAt {
    fn of(stmt: &rusqlite::Statement<'_>) -> rusqlite::Result<RowAt> {
        let at = |name: &str| stmt.column_index(name);
        Ok(RowAt {
            id: at("id")?,
            created_at: at("created_at")?,
            site_id: at("site_id")?,
            user_id: at("user_id")?,
            username: at("username")?,
            action: at("action")?,
            entity: at("entity")?,
            entity_id: at("entity_id")?,
            detail: at("detail")?,
            seq: at("seq")?,
            prev_hash: at("prev_hash")?,
            hash: at("hash")?,
        })
    }
}

impl Row {
    fn read(r: &rusqlite::Row<'_>, at: &RowAt) -> rusqlite::Result<Row> {
        Ok(Row {
            id: r.get(at.id)?,
            created_at: r.get(at.created_at)?,
            site_id: r.get(at.site_id)?,
            user_id: r.get(at.user_id)?,
            username: r.get(at.username)?,
            action: r.get(at.action)?,
            entity: r.get(at.entity)?,
            entity_id: r.get(at.entity_id)?,
            detail: r.get(at.detail)?,
            seq: r.get(at.seq)?,
            prev_hash: r.get(at.prev_hash)?,
            hash: r.get(at.hash)?,
        })
    }

    fn fields<'a>(&'a self, seq: i64, prev_hash: &'a str) -> Fields<'a> {
        Fields {
            seq,
            id: &self.id,
            created_at: &self.created_at,
            site_id: self.site_id.as_deref(),
            user_id: self.user_id.as_deref(),
            username: &self.username,
            action: &self.action,
            entity: &self.entity,
            entity_id: self.entity_id.as_deref(),
            detail: self.detail.as_deref(),
            prev_hash,
        }
    }
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChainReport {
    /// Whether every entry is as written.
    pub ok: bool,
    /// Entries checked (every replica's chain).
    pub entries: i64,
    /// The newest entry's hash in this replica's own chain (worth writing down: a later check
    /// can start from it).
    pub head_hash: String,
    /// The first problem, in plain words, with the entry's number.
    pub problem: Option<String>,
    /// The number of the first entry that is not as written (in the chain `problem_chain`).
    pub first_bad_seq: Option<i64>,
    /// The replica whose chain holds the first problem (`None` when there is none).
    #[serde(default)]
    pub problem_chain: Option<String>,
    /// Every replica's chain found here: this replica's own and those that arrived.
    #[serde(default)]
    pub chains: Vec<Chain>,
}

/// One replica's chain, as [`verify`] found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Chain {
    /// The replica that wrote it.
    pub origin: String,
    /// The replica's name in the centre's directory (its id when unknown).
    pub name: String,
    /// Whether it is this replica's own chain.
    pub own: bool,
    /// Entries checked in it.
    pub entries: i64,
    /// Its newest entry's hash.
    pub last_hash: String,
}

/// One chain being walked.
struct Walk {
    origin: String,
    prev: String,
    expected: i64,
}

/// Walks every replica's chain, oldest entry first, and reports the first entry that does not
/// match. This replica's own chain must also end where `audit_head` says it does.
pub fn verify(conn: &Connection) -> Result<ChainReport> {
    let (head_seq, head_hash) = head(conn)?;
    let me = this_replica(conn)?;
    let names: std::collections::BTreeMap<String, String> = {
        let mut stmt = conn.prepare("SELECT id, name FROM replicas")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let name_of = |origin: &str| names.get(origin).cloned().unwrap_or_else(|| origin.to_string());
    let mut stmt = conn.prepare(&format!(
        "SELECT {ROW_COLUMNS}, origin FROM audit_log ORDER BY origin, seq, created_at, id"
    ))?;
    let at = RowAt::of(&stmt)?;
    let origin_at = stmt.column_index("origin")?;
    let mut rows = stmt.query([])?;
    let mut chains: Vec<Chain> = Vec::new();
    let mut checked = 0i64;
    let mut walk: Option<Walk> = None;
    // A problem in another replica's chain is named by that replica.
    let bad = |origin: &str, seq: i64, problem: String, checked: i64, chains: Vec<Chain>| {
        let problem = if origin == me {
            problem
        } else {
            format!("In the log written on {}: {problem}", name_of(origin))
        };
        ChainReport {
            ok: false,
            entries: checked,
            head_hash: head_hash.clone(),
            problem: Some(problem),
            first_bad_seq: Some(seq),
            problem_chain: Some(origin.to_string()),
            chains,
        }
    };
    let finish = |walk: &Walk, chains: &mut Vec<Chain>| {
        chains.push(Chain {
            origin: walk.origin.clone(),
            name: name_of(&walk.origin),
            own: walk.origin == me,
            entries: walk.expected - 1,
            last_hash: walk.prev.clone(),
        })
    };
    while let Some(r) = rows.next()? {
        let row = Row::read(r, &at)?;
        let Some(origin) = r.get::<_, Option<String>>(origin_at)? else {
            return Ok(bad(
                "",
                1,
                format!("Entry {} names no computer that wrote it: it was added outside Haven.", row.id),
                checked,
                chains,
            ));
        };
        if walk.as_ref().is_none_or(|w| w.origin != origin) {
            if let Some(done) = walk.take() {
                finish(&done, &mut chains);
            }
            walk = Some(Walk { origin: origin.clone(), prev: GENESIS.to_string(), expected: 1 });
        }
        let Some(w) = walk.as_mut() else { continue };
        let expected = w.expected;
        let Some(seq) = row.seq else {
            return Ok(bad(
                &origin,
                expected,
                format!("Entry {} has no place in the chain: it was added outside Haven.", row.id),
                checked,
                chains,
            ));
        };
        if seq != expected {
            return Ok(bad(
                &origin,
                expected,
                format!("Entry {expected} is missing: it was deleted."),
                checked,
                chains,
            ));
        }
        if row.prev_hash.as_deref() != Some(w.prev.as_str()) {
            return Ok(bad(
                &origin,
                seq,
                format!("Entry {seq} does not follow entry {}: the chain was cut here.", seq - 1),
                checked,
                chains,
            ));
        }
        if row.hash.as_deref() != Some(row.fields(seq, &w.prev).hash().as_str()) {
            return Ok(bad(
                &origin,
                seq,
                format!("Entry {seq} was changed after it was written."),
                checked,
                chains,
            ));
        }
        w.prev = row.hash.unwrap_or_default();
        w.expected += 1;
        checked += 1;
    }
    if let Some(done) = walk.take() {
        finish(&done, &mut chains);
    }
    let (own_entries, own_last) =
        chains.iter().find(|c| c.own).map_or((0, GENESIS.to_string()), |c| (c.entries, c.last_hash.clone()));
    if head_seq != own_entries || head_hash != own_last {
        return Ok(bad(
            &me,
            own_entries + 1,
            format!(
                "The log ends at entry {own_entries}, but entry {head_seq} was written: newer entries were deleted."
            ),
            checked,
            chains,
        ));
    }
    if let Some((seq, detail)) = conn
        .query_row(
            "SELECT seq, detail FROM audit_log WHERE action = ?1 AND origin = ?2 ORDER BY seq LIMIT 1",
            params![COMMITS_LOST, me],
            |r| Ok((r.get::<_, i64>("seq")?, r.get::<_, Option<String>>("detail")?)),
        )
        .optional()?
    {
        let lost: Option<crate::LostCommits> = detail.and_then(|d| serde_json::from_str(&d).ok());
        let what = lost.map_or_else(
            || "The database lost its last commits".to_string(),
            |l| format!("Entries {} to {} were written and then lost", l.found_seq + 1, l.recorded_seq),
        );
        return Ok(ChainReport {
            ok: false,
            entries: checked,
            head_hash,
            problem: Some(format!(
                "{what} (the write-ahead log was missing after Haven stopped; noted at entry {seq}). \
                 The entries that remain are as written."
            )),
            first_bad_seq: Some(seq),
            problem_chain: Some(me.clone()),
            chains,
        });
    }
    Ok(ChainReport {
        ok: true,
        entries: checked,
        head_hash,
        problem: None,
        first_bad_seq: None,
        problem_chain: None,
        chains,
    })
}

/// The action of the entry that records commits found lost at open (see `Db::lost_commits`).
pub const COMMITS_LOST: &str = "commits_lost";

/// Which entries to list, newest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only entries about this kind of record.
    #[serde(default)]
    pub entity: Option<String>,
    /// Only entries about this record.
    #[serde(default)]
    pub entity_id: Option<String>,
    /// Only this user's entries (sign-in name).
    #[serde(default)]
    pub username: Option<String>,
    /// Only this action (`view`, `update`, `sign_in_failed`, ...).
    #[serde(default)]
    pub action: Option<String>,
    /// Only entries on or after this day (UTC, `YYYY-MM-DD`).
    #[serde(default)]
    pub from: Option<chrono::NaiveDate>,
    /// Only entries on or before this day (UTC, `YYYY-MM-DD`).
    #[serde(default)]
    pub to: Option<chrono::NaiveDate>,
    /// At most this many (default 100, at most 1000).
    #[serde(default)]
    pub limit: Option<u32>,
    /// Skip this many (for paging).
    #[serde(default)]
    pub offset: Option<u32>,
}

/// Lists audit entries, newest first.
pub fn list(conn: &Connection, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let blank =
        |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let mut stmt = conn.prepare(&format!(
        "SELECT a.id, a.created_at AS at, a.username, a.action, a.entity, a.entity_id, a.detail, a.seq,
                {SUBJECT} AS subject
         FROM audit_log a
         WHERE (?1 IS NULL OR a.entity = ?1) AND (?4 IS NULL OR a.entity_id = ?4)
           AND (?5 IS NULL OR a.username = ?5 COLLATE NOCASE) AND (?6 IS NULL OR a.action = ?6)
           AND (?7 IS NULL OR a.created_at >= ?7) AND (?8 IS NULL OR a.created_at < ?8)
         ORDER BY a.created_at DESC, a.seq DESC, a.id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let from = q.from.map(|d| d.format("%Y-%m-%d").to_string());
    let to = q.to.and_then(|d| d.succ_opt()).map(|d| d.format("%Y-%m-%d").to_string());
    let args = params![
        blank(&q.entity),
        limit,
        q.offset.unwrap_or(0),
        blank(&q.entity_id),
        blank(&q.username),
        blank(&q.action),
        from,
        to
    ];
    let rows = stmt.query_map(args, |r| {
        Ok(AuditEntry {
            id: r.get("id")?,
            at: r.get("at")?,
            username: r.get("username")?,
            action: r.get("action")?,
            entity: r.get("entity")?,
            entity_id: r.get("entity_id")?,
            detail: r.get("detail")?,
            seq: r.get("seq")?,
            subject: r.get("subject")?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
