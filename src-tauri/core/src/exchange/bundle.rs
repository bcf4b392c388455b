//! Bundle files: a clear header and the changes they carry.
//!
//! A bundle is written by one replica (its origin) and holds changes of any origin that the
//! folder's other replicas have not acknowledged. [`frame`] and [`unframe`] are the only way a
//! bundle's bytes are made and read, so sealing (encryption and signature) replaces them in one
//! place.

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

/// The first bytes of every framed bundle.
const MAGIC: &[u8] = b"HAVEN-BUNDLE-1\n";

/// The most a header may take (it is a few hundred bytes).
const MAX_HEADER: usize = 64 * 1024;

/// Frames a header and its payload as the bytes of one bundle file.
pub fn frame(header: &BundleHeader, payload: &[u8]) -> Vec<u8> {
    // A header is plain numbers and ids: encoding it cannot fail.
    let head = serde_json::to_vec(header).unwrap_or_default();
    let mut out = Vec::with_capacity(MAGIC.len() + 4 + head.len() + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&u32::try_from(head.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(&head);
    out.extend_from_slice(payload);
    out
}

/// Reads the header and payload of a bundle file.
pub fn unframe(bytes: &[u8]) -> Result<(BundleHeader, Vec<u8>)> {
    let not_bundle = || Error::invalid("bundle", "This file is not a Haven exchange bundle.");
    let rest = bytes.strip_prefix(MAGIC).ok_or_else(not_bundle)?;
    let (len, rest) = rest.split_first_chunk::<4>().ok_or_else(not_bundle)?;
    let len = u32::from_le_bytes(*len) as usize;
    if len > MAX_HEADER || len > rest.len() {
        return Err(not_bundle());
    }
    let (head, payload) = rest.split_at(len);
    let header: BundleHeader = serde_json::from_slice(head).map_err(|_| not_bundle())?;
    Ok((header, payload.to_vec()))
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
    Error::invalid("bundle", "The bundle's changes are damaged.")
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
    fn a_framed_bundle_reads_back_and_a_cut_one_is_refused() -> Result<()> {
        let header = BundleHeader {
            centre: Uuid::nil(),
            origin: Uuid::nil(),
            first_seq: 1,
            last_seq: 3,
            schema: 8,
            prev_hash: [7; 32],
        };
        let changes =
            vec![Change { origin: "a".into(), seq: 1, hlc: 99, deps: "{}".into(), changeset: vec![1, 2, 3] }];
        let bytes = frame(&header, &encode_changes(&changes));
        let (h, payload) = unframe(&bytes)?;
        assert_eq!(h, header);
        assert_eq!(decode_changes(&payload)?, changes);
        assert!(decode_changes(&payload[..payload.len() - 1]).is_err());
        assert!(unframe(&bytes[..10]).is_err());
        Ok(())
    }
}
