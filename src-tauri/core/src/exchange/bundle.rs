//! Bundle files: a header and the changes they carry.
//!
//! A bundle is written by one replica (its origin) and holds changes of any origin that the
//! folder's other replicas have not acknowledged. On disk the header and the changes are
//! sealed together ([`super::seal`]): nothing of them is readable without the centre's key.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{Error, Result};

/// The clear header of a bundle, covered by its origin's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleHeader {
    /// The centre all replicas belong to.
    pub centre: Uuid,
    /// The replica that wrote (and signs) this bundle.
    pub origin: Uuid,
    /// Origin's bundle sequence numbers covered, inclusive.
    pub first_seq: u64,
    /// Origin's bundle sequence numbers covered, inclusive.
    pub last_seq: u64,
    /// `migrations::latest_version()` of the writer.
    pub schema: u32,
    /// Hash of the previous bundle file from this origin, zeros first.
    pub prev_hash: [u8; 32],
}

/// One change a bundle carries: its origin, that origin's sequence number, its clock, what it
/// depends on, and the changeset itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The replica where the change was made.
    pub origin: String,
    /// The origin's sequence number of the change (1, 2, ...).
    pub seq: i64,
    /// The origin's hybrid logical clock when it made the change.
    pub hlc: i64,
    /// JSON object: origin -> last sequence number applied there when the change was made.
    pub deps: String,
    /// The full changeset (SQLite session format).
    pub changeset: Vec<u8>,
}

/// Encodes changes as a bundle's payload.
pub fn encode_changes(changes: &[Change]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&(changes.len() as u64).to_le_bytes());
    for c in changes {
        put_bytes(&mut out, c.origin.as_bytes());
        out.extend_from_slice(&c.seq.to_le_bytes());
        out.extend_from_slice(&c.hlc.to_le_bytes());
        put_bytes(&mut out, c.deps.as_bytes());
        put_bytes(&mut out, &c.changeset);
    }
    out
}

/// Decodes a bundle's payload; a payload cut short or malformed is refused whole.
pub fn decode_changes(payload: &[u8]) -> Result<Vec<Change>> {
    let mut r = Reader(payload);
    let count = r.u64()?;
    let mut changes = Vec::new();
    for _ in 0..count {
        let origin = String::from_utf8(r.bytes()?.to_vec()).map_err(|_| broken())?;
        let seq = r.u64()? as i64;
        let hlc = r.u64()? as i64;
        let deps = String::from_utf8(r.bytes()?.to_vec()).map_err(|_| broken())?;
        let changeset = r.bytes()?.to_vec();
        changes.push(Change { origin, seq, hlc, deps, changeset });
    }
    if !r.0.is_empty() {
        return Err(broken());
    }
    Ok(changes)
}

fn broken() -> Error {
    Error::at("bundle", crate::Code::ExchangeBundleChangesDamaged, serde_json::json!({}))
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn u64(&mut self) -> Result<u64> {
        let (n, rest) = self.0.split_first_chunk::<8>().ok_or_else(broken)?;
        self.0 = rest;
        Ok(u64::from_le_bytes(*n))
    }

    fn bytes(&mut self) -> Result<&'a [u8]> {
        let len = usize::try_from(self.u64()?).map_err(|_| broken())?;
        if len > self.0.len() {
            return Err(broken());
        }
        let (b, rest) = self.0.split_at(len);
        self.0 = rest;
        Ok(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_changes_read_back_and_cut_ones_are_refused() -> Result<()> {
        let changes =
            vec![Change { origin: "a".into(), seq: 1, hlc: 99, deps: "{}".into(), changeset: vec![1, 2, 3] }];
        let payload = encode_changes(&changes);
        assert_eq!(decode_changes(&payload)?, changes);
        assert!(decode_changes(&payload[..payload.len() - 1]).is_err());
        Ok(())
    }
}
