//! The tamper-evident score ledger, the pure part: entries and their
//! canonical bytes, the RFC 6962 Merkle tree over them, signed C2SP
//! checkpoints with the home's Ed25519 key, and the verification that
//! names exactly which entry or checkpoint is wrong. The store keeps the
//! rows (append-only, enforced by triggers); `pipeline` wires the two.

pub mod checkpoint;
pub mod entry;
pub mod keys;
pub mod merkle;
mod verify;

pub use checkpoint::Checkpoint;
pub use entry::{Action, Entry, Evidence, Leaf, entry_sha256};
pub use keys::{LedgerKey, PublicKey};
pub use merkle::Hash;
pub use verify::{Problem, StoredCheckpoint, StoredEntry, extends, recompute_leaves, verify};

/// What can go wrong with keys and checkpoints.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("ledger key: {0}")]
    Key(String),
    #[error("checkpoint: {0}")]
    Checkpoint(String),
}
