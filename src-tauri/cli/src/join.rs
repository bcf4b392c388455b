//! `invite` and `join`: a lead's join file for a new computer, and a fresh data folder joining
//! the centre with it.

use std::path::{Path, PathBuf};

use haven_core::{api, db_path, exchange, Db, Session};

/// `haven-cli invite --site CODE --out FILE [--json]`: writes the join file as the signed-in
/// lead and prints its one-time code.
pub fn invite(db: &Db, session: &Session, site: &str, out: &Path, json: bool) -> anyhow::Result<()> {
    let input = serde_json::json!({"site": site, "path": out.display().to_string()});
    let made: exchange::Invite = serde_json::from_value(api::call(db, session, "create_invite", input)?)?;
    if json {
        say!("{}", serde_json::json!({"file": made.file, "code": made.code}));
    } else {
        say!("Join file for a new computer at {}: {}", made.site, made.file);
        say!("One-time code (give it in person, never with the file): {}", made.code);
        say!("People registered on that computer will have codes like {}-{}0001.", made.site, made.code_tag);
    }
    Ok(())
}

/// `haven-cli --data-dir NEW join FILE --code CODE [--user NAME]`: makes the empty data folder
/// a replica of the centre; `passphrase` becomes the user's passphrase on this computer.
pub fn join(
    data_dir: PathBuf,
    file: &Path,
    code: &str,
    user: Option<&str>,
    passphrase: &str,
) -> anyhow::Result<()> {
    let joined = exchange::join(&db_path(&data_dir), file, code, user, passphrase)?;
    say!(
        "This computer is now \"{}\", a replica of the centre at {}. {} signs in here with the passphrase given.",
        joined.replica.name,
        joined.replica.site.as_deref().unwrap_or("its site"),
        joined.session.username
    );
    say!("Other users sign in here once a lead on this computer gives them a passphrase (reset_passphrase).");
    say!(
        "This computer's recovery key (print it and keep it in the centre's safe): {}",
        joined.recovery_key.to_hex()
    );
    Ok(())
}
