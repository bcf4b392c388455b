//! What every bundle says about itself: the header, read only after the bundle is opened
//! (see [`super::seal`]: on disk the header is encrypted with the rest).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The clear header of a bundle, covered by its origin's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleHeader {
    /// The centre all replicas belong to.
    pub centre: Uuid,
    /// The replica that wrote (and signs) this bundle.
    pub origin: Uuid,
    /// The first of the origin's bundle sequence numbers covered, inclusive.
    pub first_seq: u64,
    /// The last of the origin's bundle sequence numbers covered, inclusive.
    pub last_seq: u64,
    /// `migrations::latest_version()` of the writer.
    pub schema: u32,
    /// Hash of the previous bundle file from this origin, zeros first.
    pub prev_hash: [u8; 32],
}
