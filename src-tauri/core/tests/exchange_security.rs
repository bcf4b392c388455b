//! Bundle security, replicas, joining and human codes: a bundle sealed on one replica opens on
//! another of its centre and on nothing else; every refusal is typed and changes nothing; keys
//! stay in LOCAL tables; a lead's join file makes a fresh data folder a replica, once; two
//! replicas of one site never make the same human code.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;

use ed25519_dalek::SigningKey;
use haven_core::access::keyring;
use haven_core::db::{latest_version, version_of, MIGRATIONS};
use haven_core::exchange::replicas::{self, Directory, SealKeys};
use haven_core::exchange::{self, seal, BundleHeader};
use haven_core::setup::{self, SetupInput};
use haven_core::{api, db_path, sites, Db, Error, ErrorKind, Session};
use rusqlite::Connection;
use serde_json::{json, Value};
use tempfile::TempDir;
use uuid::Uuid;

const LEAD_PASS: &str = "river lantern seven";
const NEW_PASS: &str = "harbour window eleven";

/// A centre set up in its own folder: the first replica, with its lead signed in.
struct Replica {
    db: Db,
    lead: Session,
    dir: TempDir,
}

fn centre() -> Replica {
    let dir = tempfile::tempdir().unwrap();
    let input = SetupInput {
        centre_name: "Haven Centre".into(),
        sites: sites::default_sites(),
        lead_username: "sarah".into(),
        lead_display_name: "Sarah Okafor".into(),
        passphrase: LEAD_PASS.into(),
    };
    let new = setup::initialise(&db_path(dir.path()), &input).unwrap();
    Replica { db: new.db, lead: new.session, dir }
}

fn call(db: &Db, s: &Session, name: &str, input: Value) -> Value {
    api::call(db, s, name, input).unwrap_or_else(|e| panic!("{name} failed: {e}"))
}

/// A join file for `site` made on `from`, in `from`'s folder: (file, code).
fn invite(from: &Replica, site: &str) -> (PathBuf, String) {
    let file = from.dir.path().join(format!("join-{site}-{}.haven", Uuid::now_v7()));
    let out = call(
        &from.db,
        &from.lead,
        "create_invite",
        json!({"site": site, "path": file.display().to_string()}),
    );
    assert_eq!(out["file"], json!(file.display().to_string()));
    (file, out["code"].as_str().unwrap().to_string())
}

/// A new replica at `site`, joined from `from`.
fn joined(from: &Replica, site: &str) -> Replica {
    let (file, code) = invite(from, site);
    let dir = tempfile::tempdir().unwrap();
    let j = exchange::join(&db_path(dir.path()), &file, &code, None, NEW_PASS).unwrap();
    Replica { db: j.db, lead: j.session, dir }
}

fn keys(r: &Replica) -> SealKeys {
    r.db.read(replicas::seal_keys).unwrap()
}

fn directory(r: &Replica) -> Directory {
    r.db.read(replicas::directory).unwrap()
}

fn header(keys: &SealKeys, first: u64, last: u64, prev: [u8; 32]) -> BundleHeader {
    BundleHeader {
        centre: keys.centre,
        origin: keys.replica,
        first_seq: first,
        last_seq: last,
        schema: u32::try_from(latest_version()).unwrap(),
        prev_hash: prev,
    }
}

/// What a refusal must leave as it was: the directory and the chain of accepted bundles, and
/// the audit log's length.
fn state(r: &Replica) -> (Value, Value, i64) {
    r.db.read(|c| {
        let rows = |sql: &str| -> rusqlite::Result<Value> {
            let mut stmt = c.prepare(sql)?;
            let n = stmt.column_count();
            let rows = stmt.query_map([], |row| {
                (0..n)
                    .map(|i| row.get::<_, rusqlite::types::Value>(i).map(|v| json!(format!("{v:?}"))))
                    .collect::<rusqlite::Result<Vec<_>>>()
            })?;
            Ok(json!(rows.collect::<rusqlite::Result<Vec<_>>>()?))
        };
        Ok((
            rows("SELECT * FROM replicas ORDER BY id")?,
            rows("SELECT * FROM exchange_chain ORDER BY origin")?,
            c.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?,
        ))
    })
    .unwrap()
}

/// Opens `bytes` on `at`, which must refuse with `kind`, a message containing `says`, and no
/// change.
fn refused(at: &Replica, bytes: &[u8], kind: ErrorKind, says: &str) -> Error {
    let before = state(at);
    let err = seal::open(bytes, &keys(at), &directory(at)).expect_err("the bundle must be refused");
    assert_eq!(err.kind(), kind, "{err}");
    assert!(err.to_string().contains(says), "{err}");
    assert_eq!(state(at), before, "a refusal changes nothing");
    err
}

/// A centre with a second replica at Birmingham, and a first bundle sealed there.
fn two_replicas() -> (Replica, Replica) {
    let cal = centre();
    let bhm = joined(&cal, "BHM");
    (cal, bhm)
}

#[test]
fn a_bundle_opens_on_another_replica_of_its_centre_and_shows_nothing_but_its_size() {
    let (cal, bhm) = two_replicas();
    let k = keys(&bhm);
    let h = header(&k, 1, 3, [0; 32]);
    let payload = b"changeset: CAL-0001 Amina Yusuf".to_vec();
    let bytes = seal::seal(&h, &payload, &k).unwrap();
    let (opened, got) = seal::open(&bytes, &keys(&cal), &directory(&cal)).unwrap();
    assert_eq!(opened, h);
    assert_eq!(got, payload);

    // Nothing readable: not the payload, the centre, the origin, the numbers or a format name.
    let clear = [
        b"Amina".to_vec(),
        k.centre.to_string().into_bytes(),
        k.replica.to_string().into_bytes(),
        k.centre.as_bytes().to_vec(),
        k.replica.as_bytes().to_vec(),
        b"haven".to_vec(),
        b"first_seq".to_vec(),
    ];
    for needle in &clear {
        assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_slice()), "{needle:?} is readable");
    }
    // The same bundle sealed twice differs throughout (a new random nonce).
    let again = seal::seal(&h, &payload, &k).unwrap();
    assert_eq!(again.len(), bytes.len());
    assert_ne!(again[..24], bytes[..24]);
}

#[test]
fn a_tampered_byte_is_refused() {
    let (cal, bhm) = two_replicas();
    let k = keys(&bhm);
    let bytes = seal::seal(&header(&k, 1, 1, [0; 32]), b"payload", &k).unwrap();
    for at in [0, 30, bytes.len() / 2, bytes.len() - 1] {
        let mut bad = bytes.clone();
        bad[at] ^= 0x01;
        refused(&cal, &bad, ErrorKind::Validation, "changed or damaged");
    }
    refused(&cal, &bytes[..bytes.len() - 1], ErrorKind::Validation, "changed or damaged");
    refused(&cal, &bytes[..20], ErrorKind::Validation, "too short");
    // Untouched, it opens.
    seal::open(&bytes, &keys(&cal), &directory(&cal)).unwrap();
}

#[test]
fn a_bundle_of_another_centre_is_refused() {
    let (cal, _bhm) = two_replicas();
    // Another centre's replica: its own exchange key.
    let other = centre();
    let k = keys(&other);
    let bytes = seal::seal(&header(&k, 1, 1, [0; 32]), b"payload", &k).unwrap();
    refused(&cal, &bytes, ErrorKind::Validation, "not a bundle of this centre");
    // A header naming another centre, under this centre's key, is refused by its header.
    let mut k = keys(&cal);
    k.centre = Uuid::now_v7();
    let bytes = seal::seal(&header(&k, 1, 1, [0; 32]), b"payload", &k).unwrap();
    refused(&cal, &bytes, ErrorKind::Validation, "belongs to another centre");
}

#[test]
fn a_bundle_from_an_unknown_replica_is_refused() {
    let (cal, bhm) = two_replicas();
    let mut k = keys(&bhm);
    k.replica = Uuid::now_v7();
    k.signing = SigningKey::from_bytes(&[7u8; 32]);
    let bytes = seal::seal(&header(&k, 1, 1, [0; 32]), b"payload", &k).unwrap();
    refused(&cal, &bytes, ErrorKind::Validation, "does not know");
}

#[test]
fn a_bad_signature_is_refused() {
    let (cal, bhm) = two_replicas();
    // Birmingham's id, sealed under the centre's key, but signed with a key that is not its own.
    let mut k = keys(&bhm);
    k.signing = SigningKey::from_bytes(&[9u8; 32]);
    let bytes = seal::seal(&header(&k, 1, 1, [0; 32]), b"payload", &k).unwrap();
    refused(&cal, &bytes, ErrorKind::Validation, "not signed by");
}

#[test]
fn a_removed_replica_is_refused_and_removal_is_audited() {
    let (cal, bhm) = two_replicas();
    let k = keys(&bhm);
    let bytes = seal::seal(&header(&k, 1, 1, [0; 32]), b"payload", &k).unwrap();
    seal::open(&bytes, &keys(&cal), &directory(&cal)).unwrap();

    let bhm_id = k.replica.to_string();
    // Only a lead removes a replica, and never the computer it is working on.
    let coordinator = Session { role: haven_core::Role::Coordinator, ..cal.lead.clone() };
    let err = api::call(&cal.db, &coordinator, "remove_replica", json!({"replica": bhm_id})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    let own = keys(&cal).replica.to_string();
    let err = api::call(&cal.db, &cal.lead, "remove_replica", json!({"replica": own})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation, "{err}");

    let removed = call(&cal.db, &cal.lead, "remove_replica", json!({"replica": bhm_id}));
    assert!(removed["removed_at"].is_string());
    let audited: i64 = cal
        .db
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'remove' AND entity = 'replica' AND entity_id = ?1",
                [&bhm_id],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(audited, 1);
    refused(&cal, &bytes, ErrorKind::Validation, "removed");
    let err = api::call(&cal.db, &cal.lead, "remove_replica", json!({"replica": bhm_id})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "removed once only: {err}");
}

/// Accepts `bytes` on `at` as the engine does after applying it: records it in the chain.
fn accept(at: &Replica, bytes: &[u8]) -> BundleHeader {
    let (h, _) = seal::open(bytes, &keys(at), &directory(at)).unwrap();
    at.db.write(|tx| replicas::note_bundle(tx, &h, &seal::file_hash(bytes))).unwrap();
    h
}

#[test]
fn a_broken_chain_is_refused() {
    let (cal, bhm) = two_replicas();
    let k = keys(&bhm);
    // A first bundle that names a predecessor.
    let bytes = seal::seal(&header(&k, 1, 1, [5; 32]), b"one", &k).unwrap();
    refused(&cal, &bytes, ErrorKind::Validation, "chain is broken");
    let first = seal::seal(&header(&k, 1, 2, [0; 32]), b"one", &k).unwrap();
    accept(&cal, &first);
    // The next one must name the first file's hash.
    let wrong = seal::seal(&header(&k, 3, 3, seal::file_hash(b"another file")), b"two", &k).unwrap();
    refused(&cal, &wrong, ErrorKind::Validation, "chain is broken");
    let right = seal::seal(&header(&k, 3, 3, seal::file_hash(&first)), b"two", &k).unwrap();
    accept(&cal, &right);
}

#[test]
fn a_replayed_old_bundle_is_refused_and_a_gap_waits() {
    let (cal, bhm) = two_replicas();
    let k = keys(&bhm);
    let first = seal::seal(&header(&k, 1, 1, [0; 32]), b"one", &k).unwrap();
    accept(&cal, &first);
    let err = refused(&cal, &first, ErrorKind::Conflict, "already applied");
    assert!(err.to_string().contains(&format!("\"{}\"", bhm_name(&cal, &k))), "{err}");
    // Number 3 before number 2: it waits, naming what is missing.
    let third = seal::seal(&header(&k, 3, 3, [1; 32]), b"three", &k).unwrap();
    refused(&cal, &third, ErrorKind::Conflict, "bundle number 2");
    assert_eq!(
        seal::standing(&header(&k, 3, 3, [1; 32]), &directory(&cal)),
        seal::Standing::Gap { missing_from: 2 }
    );
}

fn bhm_name(at: &Replica, k: &SealKeys) -> String {
    at.db.read(|c| replicas::find(c, &k.replica.to_string())).unwrap().name
}

#[test]
fn a_bundle_from_a_newer_schema_is_refused_and_kept() {
    let (cal, bhm) = two_replicas();
    let k = keys(&bhm);
    let mut h = header(&k, 1, 1, [0; 32]);
    h.schema += 1;
    let bytes = seal::seal(&h, b"from the future", &k).unwrap();
    let file = cal.dir.path().join("bundle.bin");
    std::fs::write(&file, &bytes).unwrap();
    refused(&cal, &std::fs::read(&file).unwrap(), ErrorKind::Conflict, "update Haven on this computer");
    assert_eq!(std::fs::read(&file).unwrap(), bytes, "the bundle is kept as it was");
}

#[test]
fn keys_live_only_in_local_tables_and_each_replica_has_its_own_signing_key() {
    let (cal, bhm) = two_replicas();
    let (kc, kb) = (keys(&cal), keys(&bhm));
    assert_eq!(kc.centre, kb.centre, "one centre");
    assert_eq!(*kc.exchange_key, *kb.exchange_key, "one exchange key for the centre");
    assert_ne!(kc.replica, kb.replica);
    assert_ne!(kc.signing.to_bytes(), kb.signing.to_bytes(), "each replica signs with its own key");
    // The joined replica holds its own secrets only: nothing of Calais's local tables came
    // with the snapshot.
    bhm.db
        .read(|c| {
            let secrets: Vec<String> = c
                .prepare("SELECT replica FROM exchange_secrets")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            assert_eq!(secrets, vec![kb.replica.to_string()]);
            let counters: i64 = c.query_row("SELECT count(*) FROM person_code_counters", [], |r| r.get(0))?;
            assert_eq!(counters, 0, "Calais's code counters stay in Calais");
            // No replicated table has a column for a key or a passphrase.
            for table in ["replicas", "users", "sites", "settings"] {
                let cols: Vec<String> = c
                    .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                for col in &cols {
                    assert!(
                        !["secret", "signing", "exchange_key", "passphrase", "salt", "hash", "sealed"]
                            .iter()
                            .any(|w| col.contains(w)),
                        "{table}.{col} looks like key material"
                    );
                }
            }
            Ok(())
        })
        .unwrap();
    for table in replicas::LOCAL_TABLES {
        assert!(!["replicas", "users"].contains(table));
    }
    // Both replicas list each other, with their sites and code tags.
    let list = call(&cal.db, &cal.lead, "list_replicas", Value::Null);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!((list[0]["site"].clone(), list[0]["code_tag"].clone()), (json!("CAL"), json!("")));
    assert_eq!((list[1]["site"].clone(), list[1]["code_tag"].clone()), (json!("BHM"), json!("B")));
    assert_eq!(list[0]["this_computer"], json!(true));
    let on_bhm = call(&bhm.db, &bhm.lead, "list_replicas", Value::Null);
    assert_eq!(on_bhm[1]["this_computer"], json!(true));
}

#[test]
fn an_existing_database_gets_its_keys_and_keeps_its_codes_on_first_open() {
    let mut conn = Connection::open_in_memory().unwrap();
    let security = version_of("-- Haven schema: exchange security:").unwrap();
    MIGRATIONS.to_version(&mut conn, security - 1).unwrap();
    conn.execute_batch(
        "INSERT INTO sites (id, site_id, code, name, next_person_number) VALUES ('s1', 's1', 'CAL', 'Calais', 43);
         INSERT INTO users (id, site_id, username, display_name, role) VALUES ('u1', 's1', 'sarah', 'Sarah', 'lead');
         INSERT INTO people (id, site_id, code, given_name, family_name) VALUES ('p1', 's1', 'CAL-0042', 'Amina', 'Yusuf');",
    )
    .unwrap();
    MIGRATIONS.to_latest(&mut conn).unwrap();
    let keys = replicas::seal_keys(&conn).unwrap();
    let list = replicas::list(&conn).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, keys.replica.to_string());
    assert_eq!(list[0].site_id.as_deref(), Some("s1"), "the first lead's site");
    assert_eq!(list[0].public_key, hex::encode(keys.signing.verifying_key().as_bytes()));
    let code: String = conn.query_row("SELECT code FROM people WHERE id = 'p1'", [], |r| r.get(0)).unwrap();
    assert_eq!(code, "CAL-0042", "existing codes do not change");
    assert_eq!(sites::next_person_code(&conn, "s1").unwrap(), "CAL-0043", "the count goes on");
}

/// Registers someone at `site` on `r` and returns their code.
fn register(r: &Replica, site: &str, given: &str) -> String {
    let p = call(
        &r.db,
        &r.lead,
        "create_person",
        json!({"given_name": given, "family_name": "Test", "site": site, "confirm_not_duplicate": true}),
    );
    p["person"]["code"].as_str().unwrap().to_string()
}

#[test]
fn two_replicas_of_one_site_registering_at_once_never_make_the_same_code() {
    let cal = centre();
    let before = register(&cal, "BHM", "Early");
    let (pc1, pc2) = (joined(&cal, "BHM"), joined(&cal, "BHM"));
    // All three register at Birmingham between two exchanges.
    let mut codes = Vec::new();
    for i in 0..3 {
        codes.push(register(&cal, "BHM", &format!("Cal{i}")));
        codes.push(register(&pc1, "BHM", &format!("One{i}")));
        codes.push(register(&pc2, "BHM", &format!("Two{i}")));
    }
    assert_eq!(before, "BHM-0001");
    assert_eq!(codes[..3], ["BHM-0002", "BHM-B0001", "BHM-C0001"]);
    let mut unique = codes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), codes.len(), "{codes:?}");
    // The person registered before the joins kept their code on every replica.
    for r in [&pc1, &pc2] {
        let n: i64 =
            r.db.read(|c| {
                Ok(c.query_row("SELECT count(*) FROM people WHERE code = 'BHM-0001'", [], |r| r.get(0))?)
            })
            .unwrap();
        assert_eq!(n, 1);
    }
    // The desk finds a tagged code by its shape.
    let found = call(&pc1.db, &pc1.lead, "search_people", json!({"text": codes[1]}));
    assert!(found.to_string().contains(&codes[1]), "{found}");
}

#[test]
fn a_join_file_works_once_with_its_code_only() {
    let cal = centre();
    call(
        &cal.db,
        &cal.lead,
        "create_user",
        json!({"username": "priya", "display_name": "Priya", "role": "coordinator", "site": "BHM", "passphrase": "priya first words"}),
    );
    let (file, code) = invite(&cal, "BHM");
    let bytes = std::fs::read(&file).unwrap();
    assert!(!bytes.windows(5).any(|w| w.eq_ignore_ascii_case(b"haven")), "the join file says nothing");
    let target = tempfile::tempdir().unwrap();
    let path = db_path(target.path());

    // A wrong code: refused, nothing made.
    let wrong = if code.starts_with('2') { code.replacen('2', "3", 1) } else { format!("2{}", &code[1..]) };
    let err = exchange::join(&path, &file, &wrong, None, NEW_PASS).unwrap_err();
    assert_eq!(
        (err.kind(), err.to_payload().field.as_deref()),
        (ErrorKind::Validation, Some("code")),
        "{err}"
    );
    assert!(std::fs::read_dir(target.path()).unwrap().next().is_none(), "nothing left behind");
    // A passphrase that breaks the rules: refused before anything is opened.
    let err = exchange::join(&path, &file, &code, None, "short").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);

    // A user the centre does not have: refused after the file was opened, and the folder is
    // left empty and the file usable.
    let err = exchange::join(&path, &file, &code, Some("nobody"), NEW_PASS).unwrap_err();
    assert_eq!(
        (err.kind(), err.to_payload().field.as_deref()),
        (ErrorKind::Validation, Some("user")),
        "{err}"
    );
    assert!(std::fs::read_dir(target.path()).unwrap().next().is_none(), "nothing left behind");
    assert_eq!(std::fs::read(&file).unwrap(), bytes, "a join that failed leaves the file as it was");

    // The code in any case, with spaces: Priya joins and signs in with her passphrase here.
    let typed = code.to_lowercase().replace('-', " ");
    let j = exchange::join(&path, &file, &typed, Some("priya"), NEW_PASS).unwrap();
    assert_eq!(j.session.username, "priya");
    assert_eq!(j.replica.site.as_deref(), Some("BHM"));
    assert!(j.replica.this_computer);
    drop(j.db);
    assert_eq!(keyring::usernames(&path).unwrap(), vec!["priya".to_string()], "only her passphrase is here");
    let u = keyring::unlock(&path, Some("priya"), NEW_PASS).unwrap();
    assert_eq!(u.session.username, "priya");
    // Sarah's passphrase from Calais does not open this computer's file until a lead here gives
    // her access (passphrases never leave a replica).
    assert_eq!(keyring::unlock(&path, Some("sarah"), LEAD_PASS).unwrap_err().kind(), ErrorKind::Locked);
    drop(u);

    // The file was used: it is refused everywhere now, even with the right code.
    assert_ne!(std::fs::read(&file).unwrap(), bytes, "the file records its use");
    let again = tempfile::tempdir().unwrap();
    let err = exchange::join(&db_path(again.path()), &file, &code, None, NEW_PASS).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.to_string().contains("already used"), "{err}");
    assert!(!db_path(again.path()).exists());
    // A folder that holds a database does not join.
    let (file2, code2) = invite(&cal, "DUN");
    let err = exchange::join(&path, &file2, &code2, None, NEW_PASS).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
}

#[test]
fn a_joined_replica_holds_the_whole_centre_and_its_own_database_key() {
    let cal = centre();
    let code = register(&cal, "CAL", "Amina");
    let bhm = joined(&cal, "BHM");
    let found = call(&bhm.db, &bhm.lead, "search_people", json!({"text": code}));
    assert!(found.to_string().contains("Amina"), "{found}");
    assert_ne!(bhm.db.key(), cal.db.key(), "each replica's file has its own key");
    // The join is in the new replica's audit log, and the chain holds.
    let verified = call(&bhm.db, &bhm.lead, "verify_audit_log", Value::Null);
    assert_eq!(verified["ok"], json!(true), "{verified}");
    let audited: i64 = bhm
        .db
        .read(|c| Ok(c.query_row("SELECT count(*) FROM audit_log WHERE action = 'join'", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(audited, 1);
    // Only a lead makes a join file.
    let coordinator = Session { role: haven_core::Role::Coordinator, ..cal.lead.clone() };
    let out = cal.dir.path().join("nope.haven");
    let err = api::call(
        &cal.db,
        &coordinator,
        "create_invite",
        json!({"site": "BHM", "path": out.display().to_string()}),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert!(!out.exists());
}

#[test]
fn a_replicas_own_bundles_chain_from_one_to_the_next() {
    let (cal, bhm) = two_replicas();
    let k = keys(&bhm);
    let first_header = bhm.db.read(|c| seal::next_header(c, 4)).unwrap();
    assert_eq!(first_header, header(&k, 1, 4, [0; 32]));
    let first = seal::seal(&first_header, b"one to four", &k).unwrap();
    bhm.db.write(|tx| replicas::note_bundle(tx, &first_header, &seal::file_hash(&first))).unwrap();
    let second_header = bhm.db.read(|c| seal::next_header(c, 6)).unwrap();
    assert_eq!(second_header, header(&k, 5, 6, seal::file_hash(&first)));
    assert!(bhm.db.read(|c| seal::next_header(c, 4)).is_err(), "nothing new to cover");
    let second = seal::seal(&second_header, b"five and six", &k).unwrap();
    // Calais takes them in order only.
    refused(&cal, &second, ErrorKind::Conflict, "bundle number 1");
    accept(&cal, &first);
    let (h, payload) = seal::open(&second, &keys(&cal), &directory(&cal)).unwrap();
    assert_eq!((h, payload), (second_header, b"five and six".to_vec()));
}
