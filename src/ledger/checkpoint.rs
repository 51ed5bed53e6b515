//! Checkpoints: the tree size and root hash of the ledger, as a C2SP
//! tlog-checkpoint (`<origin>\n<size>\n<base64 root>\n`) in a C2SP signed
//! note: the body, a blank line, and `— <key name> <base64(key id ‖ sig)>`,
//! the key id being the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key),
//! 0x01 the Ed25519 signature type. The signature is over the body's bytes,
//! so `openssl pkeyutl -verify -rawin` checks it with the body as the file.

use super::LedgerError;
use super::keys::{LedgerKey, PublicKey};
use super::merkle::Hash;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// One signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// The raw Ed25519 signature over [`Checkpoint::body`].
    pub signature: [u8; 64],
}

/// The origin line (and key name) for a key: unique per key, no spaces.
pub fn origin_for(key: &PublicKey) -> String {
    format!("reform-radar.ledger/{}", key.fingerprint())
}

fn key_id(name: &str, key: &PublicKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([0x0a, 0x01]);
    h.update(key.bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

impl Checkpoint {
    /// Sign the checkpoint of a tree.
    pub fn sign(key: &LedgerKey, size: u64, root: Hash) -> Checkpoint {
        let origin = origin_for(&key.public());
        let body = body(&origin, size, &root);
        Checkpoint {
            origin,
            size,
            root,
            signature: key.sign(body.as_bytes()),
        }
    }

    /// The signed text: origin, size and root, each ending with a newline.
    pub fn body(&self) -> String {
        body(&self.origin, self.size, &self.root)
    }

    /// The whole signed note.
    pub fn note(&self, key: &PublicKey) -> String {
        let mut sig = key_id(&self.origin, key).to_vec();
        sig.extend_from_slice(&self.signature);
        format!(
            "{}\n\u{2014} {} {}\n",
            self.body(),
            self.origin,
            STANDARD.encode(sig)
        )
    }

    /// Whether the signature is this key's over the body.
    pub fn verify(&self, key: &PublicKey) -> bool {
        key.verify(self.body().as_bytes(), &self.signature)
    }

    /// Read a signed note back (the first signature line by this origin).
    pub fn parse(note: &str) -> Result<Checkpoint, LedgerError> {
        let bad = |why: &str| LedgerError::Checkpoint(why.to_string());
        let (body, sigs) = note
            .split_once("\n\n")
            .ok_or_else(|| bad("no blank line between the body and the signatures"))?;
        let mut lines = body.lines();
        let origin = lines
            .next()
            .ok_or_else(|| bad("no origin line"))?
            .to_string();
        let size = lines
            .next()
            .and_then(|s| s.parse::<u64>().ok())
            .ok_or_else(|| bad("the second line is not a tree size"))?;
        let root: Hash = lines
            .next()
            .and_then(|s| STANDARD.decode(s).ok())
            .and_then(|b| <Hash>::try_from(b.as_slice()).ok())
            .ok_or_else(|| bad("the third line is not a base64 SHA-256 root"))?;
        let prefix = format!("\u{2014} {origin} ");
        let sig_b64 = sigs
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .ok_or_else(|| bad("no signature line by the origin's key"))?;
        let raw = STANDARD
            .decode(sig_b64.trim())
            .map_err(|_| bad("the signature is not base64"))?;
        let signature = raw
            .get(4..)
            .and_then(|s| <[u8; 64]>::try_from(s).ok())
            .ok_or_else(|| bad("the signature is not a key id and 64 bytes"))?;
        Ok(Checkpoint {
            origin,
            size,
            root,
            signature,
        })
    }
}

fn body(origin: &str, size: u64, root: &Hash) -> String {
    format!("{origin}\n{size}\n{}\n", STANDARD.encode(root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_note_reads_back_and_verifies_and_a_changed_size_does_not() {
        let key = LedgerKey::generate();
        let cp = Checkpoint::sign(&key, 7, [9u8; 32]);
        let note = cp.note(&key.public());
        let lines: Vec<&str> = note.lines().collect();
        assert_eq!(lines[1], "7");
        assert_eq!(lines[3], "");
        assert!(lines[4].starts_with("\u{2014} reform-radar.ledger/"));
        let back = Checkpoint::parse(&note).expect("parse");
        assert_eq!(back, cp);
        assert!(back.verify(&key.public()));
        let forged = Checkpoint { size: 8, ..back };
        assert!(!forged.verify(&key.public()));
        assert!(Checkpoint::parse("no blank line").is_err());
    }
}
