//! A bundle on disk: encrypted under the centre's exchange key and signed by its origin.
//!
//! The file is `nonce (24 bytes) | XChaCha20-Poly1305 ciphertext`, and nothing else: the header
//! is encrypted with the payload, so a file found on a stick tells an outsider nothing but its
//! size (not the centre, the replica, the sequence numbers or that it is Haven's). Inside:
//! `header length (u32, little-endian) | header (JSON) | payload | Ed25519 signature (64)`, the
//! signature by the origin replica over everything before it. The exchange key is shared by
//! the centre's replicas, so the signature, not the encryption, is what proves the origin.
//!
//! [`open`] refuses, changing nothing (it only reads): a file that does not open under this
//! centre's key (damaged, tampered with, or another centre's), a header naming another centre,
//! an unknown or removed replica, a bad signature, a newer schema (kept, to apply after an
//! update), a bundle already accepted (a replay), one that leaves a gap, and a broken chain
//! (its `prev_hash` is not the hash of the last file accepted from its origin).

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signature, Signer, Verifier};
use sha2::{Digest, Sha256};

use rusqlite::Connection;

use super::replicas::{self, Directory, SealKeys};
use super::BundleHeader;
use crate::{Error, Result};

/// Bound into every bundle's encryption and signature: a bundle is never taken for another
/// kind of file (a join file), nor a later format for this one.
const DOMAIN: &[u8] = b"haven-bundle-v1";

const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const SIGNATURE_LEN: usize = 64;

/// Where a bundle stands against what this replica already accepted from its origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The next one: it may be applied.
    Next,
    /// Every sequence number it covers was already accepted: nothing to do.
    AlreadyApplied,
    /// Bundles before it are missing: it waits for `missing_from`.
    Gap {
        /// The first sequence number not yet accepted from its origin.
        missing_from: u64,
    },
}

/// The SHA-256 of a sealed bundle file: what the next bundle from its origin names as its
/// `prev_hash`, and what [`super::replicas::note_bundle`] records.
pub fn file_hash(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Seals `payload` under `header` with this replica's keys: the bytes of a bundle file.
pub fn seal(header: &BundleHeader, payload: &[u8], keys: &SealKeys) -> Result<Vec<u8>> {
    if header.centre != keys.centre || header.origin != keys.replica {
        return Err(Error::new(crate::Code::BundleSealNotOwn, serde_json::json!({})));
    }
    if header.first_seq == 0 || header.last_seq < header.first_seq {
        return Err(Error::new(crate::Code::BundleSealBadNumbers, serde_json::json!({})));
    }
    let header_json = serde_json::to_vec(header).map_err(|e| {
        Error::new(crate::Code::BundleHeaderNotEncoded, serde_json::json!({"detail": e.to_string()}))
    })?;
    let header_len = u32::try_from(header_json.len())
        .map_err(|_| Error::new(crate::Code::BundleHeaderTooLong, serde_json::json!({})))?;
    let mut inner = Vec::with_capacity(4 + header_json.len() + payload.len() + SIGNATURE_LEN);
    inner.extend_from_slice(&header_len.to_le_bytes());
    inner.extend_from_slice(&header_json);
    inner.extend_from_slice(payload);
    let signature = keys.signing.sign(&signed_message(&inner));
    inner.extend_from_slice(&signature.to_bytes());

    let nonce_bytes = super::replicas::random_32();
    let nonce = XNonce::from_slice(&nonce_bytes[..NONCE_LEN]);
    let cipher = XChaCha20Poly1305::new(keys.exchange_key.as_slice().into());
    let sealed = cipher
        .encrypt(nonce, Payload { msg: &inner, aad: DOMAIN })
        .map_err(|_| Error::new(crate::Code::BundleNotEncrypted, serde_json::json!({})))?;
    let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
    out.extend_from_slice(nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

fn signed_message(inner: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(DOMAIN.len() + inner.len());
    m.extend_from_slice(DOMAIN);
    m.extend_from_slice(inner);
    m
}

fn refused(code: crate::Code, params: serde_json::Value) -> Error {
    Error::at("bundle", code, params)
}

/// Opens a bundle file: decrypts it with the centre's exchange key, checks its origin's
/// signature against the directory and its place in the origin's chain, and returns its header
/// and payload. Every refusal is a typed error, and nothing is written (see the module's
/// documentation for the list).
pub fn open(bytes: &[u8], keys: &SealKeys, replicas: &Directory) -> Result<(BundleHeader, Vec<u8>)> {
    let (header, payload) = open_signed(bytes, keys, replicas)?;
    match standing(&header, replicas) {
        Standing::Next => Ok((header, payload)),
        Standing::AlreadyApplied => Err(Error::new(
            crate::Code::BundleAlreadyApplied,
            serde_json::json!({
                "name": origin_name(&header, replicas),
                "first": header.first_seq,
                "last": header.last_seq,
            }),
        )),
        Standing::Gap { missing_from } => Err(Error::new(
            crate::Code::BundleWaits,
            serde_json::json!({"name": origin_name(&header, replicas), "missing": missing_from}),
        )),
    }
}

/// [`open`] without the chain's order: a bundle that is authentic (this centre, a replica of
/// the directory not removed, a good signature, a schema this Haven knows), whatever its
/// [`standing`]. The exchange engine uses it to sort what a folder holds; a broken chain is
/// still refused here, since it can be told from a gap only for the next bundle.
pub fn open_signed(bytes: &[u8], keys: &SealKeys, replicas: &Directory) -> Result<(BundleHeader, Vec<u8>)> {
    if bytes.len() < NONCE_LEN + TAG_LEN + 4 + SIGNATURE_LEN {
        return Err(refused(crate::Code::BundleTooShort, serde_json::json!({})));
    }
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    let cipher = XChaCha20Poly1305::new(keys.exchange_key.as_slice().into());
    let inner = cipher
        .decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad: DOMAIN })
        .map_err(|_| refused(crate::Code::BundleNotOurs, serde_json::json!({})))?;
    // From here on the bytes were sealed with this centre's key: what follows checks who wrote
    // them and when, not whether an outsider did.
    let (signed, signature) = inner.split_at(inner.len() - SIGNATURE_LEN);
    let header_len = u32::from_le_bytes([signed[0], signed[1], signed[2], signed[3]]) as usize;
    let rest = &signed[4..];
    if header_len > rest.len() {
        return Err(refused(crate::Code::BundleHeaderCutShort, serde_json::json!({})));
    }
    let header: BundleHeader = serde_json::from_slice(&rest[..header_len])
        .map_err(|_| refused(crate::Code::BundleHeaderUnreadable, serde_json::json!({})))?;
    if header.centre != replicas.centre || header.centre != keys.centre {
        return Err(refused(crate::Code::BundleOtherCentre, serde_json::json!({})));
    }
    let Some(origin) = replicas.replicas.get(&header.origin) else {
        return Err(refused(crate::Code::BundleUnknownReplica, serde_json::json!({})));
    };
    if origin.removed {
        return Err(refused(crate::Code::BundleRemovedReplica, serde_json::json!({"name": origin.name})));
    }
    let signature = Signature::from_slice(signature)
        .map_err(|_| refused(crate::Code::BundleSignatureUnreadable, serde_json::json!({})))?;
    origin
        .public_key
        .verify(&signed_message(signed), &signature)
        .map_err(|_| refused(crate::Code::BundleSignatureWrong, serde_json::json!({"name": origin.name})))?;
    let ours = crate::db::latest_version();
    if usize::try_from(header.schema).map_or(true, |s| s > ours) {
        return Err(Error::new(
            crate::Code::BundleNewer,
            serde_json::json!({"name": origin.name.to_string(), "schema": header.schema, "ours": ours}),
        ));
    }
    if header.first_seq == 0 || header.last_seq < header.first_seq {
        return Err(refused(crate::Code::BundleOutOfOrder, serde_json::json!({})));
    }
    if let Some((last_seq, last_hash)) = replicas.chain.get(&header.origin) {
        if header.first_seq == last_seq + 1 && header.prev_hash != *last_hash {
            return Err(refused(crate::Code::BundleChainBroken, serde_json::json!({"name": origin.name})));
        }
    } else if header.first_seq == 1 && header.prev_hash != [0u8; 32] {
        return Err(refused(crate::Code::BundleChainBeforeFirst, serde_json::json!({"name": origin.name})));
    }
    Ok((header, rest[header_len..].to_vec()))
}

/// Where `header` stands against the last bundle accepted from its origin.
pub fn standing(header: &BundleHeader, replicas: &Directory) -> Standing {
    let last = replicas.chain.get(&header.origin).map_or(0, |(seq, _)| *seq);
    if header.last_seq <= last {
        Standing::AlreadyApplied
    } else if header.first_seq > last + 1 {
        Standing::Gap { missing_from: last + 1 }
    } else {
        Standing::Next
    }
}

fn origin_name(header: &BundleHeader, replicas: &Directory) -> String {
    replicas
        .replicas
        .get(&header.origin)
        .map_or_else(|| header.origin.to_string(), |r| format!("\"{}\"", r.name))
}

/// The header of this replica's next bundle, covering its sequence numbers up to `last_seq`:
/// it starts after the last bundle this replica recorded writing ([`replicas::note_bundle`]) and names
/// that bundle's file hash (zeros before the first).
pub fn next_header(conn: &Connection, last_seq: u64) -> Result<BundleHeader> {
    let (centre, replica) = replicas::identity(conn)?;
    let (done, prev_hash) = replicas::directory(conn)?.chain.get(&replica).copied().unwrap_or((0, [0u8; 32]));
    if last_seq <= done {
        return Err(Error::new(crate::Code::BundleAlreadyWritten, serde_json::json!({"done": done})));
    }
    Ok(BundleHeader {
        centre,
        origin: replica,
        first_seq: done + 1,
        last_seq,
        schema: u32::try_from(crate::db::latest_version()).unwrap_or(u32::MAX),
        prev_hash,
    })
}
