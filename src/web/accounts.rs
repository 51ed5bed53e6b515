//! Accounts: adding users (an enterprise user must name an enterprise of the
//! registry), argon2 password hashes as PHC strings, random bearer tokens
//! and session ids of which only the SHA-256 is stored.

use super::WebError;
use crate::model::Registry;
use crate::store::{Store, UserRole, UserRow};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The shortest password `users add` accepts.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// An argon2id PHC string (`$argon2id$v=19$…`) with a random salt.
pub fn hash_password(password: &str) -> Result<String, WebError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| WebError::Internal(format!("hashing the password: {e}")))
}

/// Whether `password` matches a stored PHC string (a damaged one never matches).
pub fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// 32 random bytes, hex: bearer tokens, session ids, CSRF tokens.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The SHA-256 (hex) under which a token or session id is stored.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A user name: 1 to 64 characters, no spaces or control characters.
fn check_name(name: &str) -> Result<(), WebError> {
    let n = name.chars().count();
    if n == 0 || n > 64 || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(WebError::BadRequest(format!(
            "user name `{name}`: 1 to 64 characters without spaces"
        )));
    }
    Ok(())
}

/// Add a user with a password.
pub fn add_user(
    store: &Store,
    registry: &Registry,
    name: &str,
    role: UserRole,
    enterprise: Option<&str>,
    password: &str,
) -> Result<UserRow, WebError> {
    check_name(name)?;
    let enterprise = match (role, enterprise) {
        (UserRole::Enterprise, None) => {
            return Err(WebError::BadRequest(
                "an enterprise user needs --enterprise ID (an enterprise of the registry)".into(),
            ));
        }
        (UserRole::Enterprise, Some(id)) => {
            if registry.get(id).is_none() {
                return Err(WebError::BadRequest(format!(
                    "--enterprise `{id}` is not in the registry (see `radar enterprises list`)"
                )));
            }
            Some(id)
        }
        (_, Some(_)) => {
            return Err(WebError::BadRequest(
                "--enterprise is for enterprise users only".into(),
            ));
        }
        (_, None) => None,
    };
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(WebError::BadRequest(format!(
            "the password needs at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    let hash = hash_password(password)?;
    if !store.add_user(name, role, enterprise, &hash)? {
        return Err(WebError::Conflict(format!("user `{name}` exists already")));
    }
    store
        .user(name)?
        .ok_or_else(|| WebError::Internal(format!("user `{name}` was not stored")))
}

/// A new bearer token for a user: printed once, stored only as its SHA-256.
pub fn new_token(store: &Store, name: &str) -> Result<String, WebError> {
    if store.user(name)?.is_none() {
        return Err(WebError::NotFound(format!("no user `{name}`")));
    }
    let token = random_secret();
    store.add_token(name, &secret_hash(&token))?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_hash_is_a_phc_string_that_verifies() {
        let h = hash_password("correct horse").expect("hash");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("correct horse", "not a phc string"));
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let (a, b) = (random_secret(), random_secret());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(secret_hash(&a).len(), 64);
        assert_ne!(secret_hash(&a), a);
    }
}
