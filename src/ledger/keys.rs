//! The home's Ed25519 signing key, stored as PKCS#8 PEM (private, mode 0600)
//! and SubjectPublicKeyInfo PEM (public), the forms `openssl pkeyutl` reads.
//! The DER prefixes are the fixed ones of RFC 8410 for Ed25519.

use super::LedgerError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

const PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// A signing key with the name its signatures carry.
pub struct LedgerKey {
    signing: SigningKey,
}

impl LedgerKey {
    /// A new random key.
    pub fn generate() -> LedgerKey {
        let seed: [u8; 32] = rand::random();
        LedgerKey {
            signing: SigningKey::from_bytes(&seed),
        }
    }

    /// Read a key from its PKCS#8 PEM.
    pub fn from_pem(pem: &str) -> Result<LedgerKey, LedgerError> {
        let der = pem_body(pem, "PRIVATE KEY")?;
        let seed = der
            .strip_prefix(&PKCS8_PREFIX[..])
            .and_then(|s| <[u8; 32]>::try_from(s).ok())
            .ok_or_else(|| LedgerError::Key("not an Ed25519 PKCS#8 private key".into()))?;
        Ok(LedgerKey {
            signing: SigningKey::from_bytes(&seed),
        })
    }

    pub fn to_pem(&self) -> String {
        let mut der = PKCS8_PREFIX.to_vec();
        der.extend_from_slice(&self.signing.to_bytes());
        pem("PRIVATE KEY", &der)
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.signing.verifying_key())
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }
}

/// A verifying key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    pub fn from_pem(pem: &str) -> Result<PublicKey, LedgerError> {
        let der = pem_body(pem, "PUBLIC KEY")?;
        let raw = der
            .strip_prefix(&SPKI_PREFIX[..])
            .and_then(|s| <[u8; 32]>::try_from(s).ok())
            .ok_or_else(|| LedgerError::Key("not an Ed25519 public key".into()))?;
        VerifyingKey::from_bytes(&raw)
            .map(PublicKey)
            .map_err(|e| LedgerError::Key(format!("not a valid Ed25519 point: {e}")))
    }

    pub fn to_pem(&self) -> String {
        let mut der = SPKI_PREFIX.to_vec();
        der.extend_from_slice(self.0.as_bytes());
        pem("PUBLIC KEY", &der)
    }

    pub fn bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// A short stable name for this key: the first 8 bytes of SHA-256 of it, in hex.
    pub fn fingerprint(&self) -> String {
        hex::encode(&Sha256::digest(self.0.as_bytes())[..8])
    }

    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        self.0
            .verify(message, &Signature::from_bytes(signature))
            .is_ok()
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        STANDARD.encode(der)
    )
}

fn pem_body(text: &str, label: &str) -> Result<Vec<u8>, LedgerError> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text
        .find(&begin)
        .ok_or_else(|| LedgerError::Key(format!("no {begin} line")))?;
    let rest = &text[start + begin.len()..];
    let stop = rest
        .find(&end)
        .ok_or_else(|| LedgerError::Key(format!("no {end} line")))?;
    let b64: String = rest[..stop].split_whitespace().collect();
    STANDARD
        .decode(b64)
        .map_err(|e| LedgerError::Key(format!("bad base64 in PEM: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_pem_and_sign() {
        let key = LedgerKey::generate();
        let again = LedgerKey::from_pem(&key.to_pem()).expect("private PEM");
        let public = PublicKey::from_pem(&key.public().to_pem()).expect("public PEM");
        assert_eq!(again.public(), key.public());
        let sig = again.sign(b"checkpoint");
        assert!(public.verify(b"checkpoint", &sig));
        assert!(!public.verify(b"checkpoinT", &sig));
        assert!(PublicKey::from_pem(&key.to_pem()).is_err());
    }
}
