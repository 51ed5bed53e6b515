//! Accounts: adding users (an enterprise user must name an enterprise of the
//! registry), argon2 password hashes as PHC strings, random bearer tokens
//! and session ids of which only the SHA-256 is stored.

use super::WebError;
use crate::model::Registry;
use crate::store::{AuditRecord, Store, UserRole, UserRow};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The shortest password accepted (characters).
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest password accepted (bytes): argon2 hashes what it is given.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// How long a new bearer token lives unless told otherwise.
pub const DEFAULT_TOKEN_DAYS: u32 = 90;
/// The longest a token may be made to live.
pub const MAX_TOKEN_DAYS: u32 = 3650;

/// What is wrong with a password for `name`, if anything (English for the
/// CLI; the web pages show [`password_problem_zh`]).
pub fn password_problem(name: &str, password: &str) -> Option<String> {
    let chars: Vec<char> = password.chars().collect();
    if password.len() > MAX_PASSWORD_BYTES {
        return Some(format!(
            "the password is longer than {MAX_PASSWORD_BYTES} bytes"
        ));
    }
    if chars.len() < MIN_PASSWORD_CHARS {
        return Some(format!(
            "the password needs at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    if chars.iter().all(|c| *c == chars[0]) {
        return Some("the password must not be one character repeated".into());
    }
    if password.trim().to_lowercase() == name.to_lowercase() {
        return Some("the password must not be the user name".into());
    }
    None
}

/// The same problem, in Chinese for the pages.
pub fn password_problem_zh(name: &str, password: &str) -> Option<String> {
    let chars: Vec<char> = password.chars().collect();
    if password.len() > MAX_PASSWORD_BYTES {
        return Some(format!("密码过长（最多 {MAX_PASSWORD_BYTES} 字节）"));
    }
    if chars.len() < MIN_PASSWORD_CHARS {
        return Some(format!("密码至少需要 {MIN_PASSWORD_CHARS} 个字符"));
    }
    if chars.iter().all(|c| *c == chars[0]) {
        return Some("密码不能由同一个字符重复组成".into());
    }
    if password.trim().to_lowercase() == name.to_lowercase() {
        return Some("密码不能与用户名相同".into());
    }
    None
}

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

/// A hash no password matches in practice, checked when the user does
/// not exist or is disabled, so that the answer takes as long as for a user
/// who does (no user enumeration by timing).
pub fn verify_against_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash_password(&random_secret()).unwrap_or_default());
    let _ = verify_password(password, phc);
}

/// A user name: an id (ASCII letters, digits, `-`, `_`, at most 64).
pub fn check_name(name: &str) -> Result<(), WebError> {
    if let Some(p) = crate::model::names::id_problem(name) {
        return Err(WebError::BadRequest(format!("user name: {p}")));
    }
    Ok(())
}

/// Who makes an account change, for the audit trail: a signed-in
/// administrator, or the operator at the command line (`cli`).
pub const CLI_ACTOR: &str = "cli";

fn audit(
    store: &Store,
    actor: &str,
    action: &str,
    target: &str,
    note: Option<String>,
) -> Result<(), WebError> {
    let mut rec = AuditRecord::new(actor, action);
    rec.note = Some(match note {
        Some(n) => format!("{target}: {n}"),
        None => target.to_string(),
    });
    store.audit(&rec)?;
    Ok(())
}

fn existing(store: &Store, name: &str) -> Result<UserRow, WebError> {
    store
        .user(name)?
        .ok_or_else(|| WebError::NotFound(format!("no user `{name}`")))
}

/// Add a user with a password.
pub fn add_user(
    store: &Store,
    actor: &str,
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
    if let Some(p) = password_problem(name, password) {
        return Err(WebError::BadRequest(p));
    }
    let hash = hash_password(password)?;
    if !store.add_user(name, role, enterprise, &hash)? {
        return Err(WebError::Conflict(format!("user `{name}` exists already")));
    }
    audit(
        store,
        actor,
        "user.add",
        name,
        Some(role.as_str().to_string()),
    )?;
    store
        .user(name)?
        .ok_or_else(|| WebError::Internal(format!("user `{name}` was not stored")))
}

/// Disable a user (its sessions end at once, its tokens are refused) or
/// enable it again.
pub fn set_disabled(
    store: &mut Store,
    actor: &str,
    name: &str,
    disabled: bool,
) -> Result<UserRow, WebError> {
    existing(store, name)?;
    let at = disabled.then(super::auth::now_utc);
    store.set_disabled(name, at.as_deref())?;
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    audit(store, actor, action, name, None)?;
    existing(store, name)
}

/// A new password (the policy applies); every session of the user ends
/// except `keep` (the SHA-256 of the session that changed its own).
pub fn set_password(
    store: &mut Store,
    actor: &str,
    name: &str,
    password: &str,
    keep: Option<&str>,
) -> Result<(), WebError> {
    existing(store, name)?;
    if let Some(p) = password_problem(name, password) {
        return Err(WebError::BadRequest(p));
    }
    let hash = hash_password(password)?;
    store.set_password(name, &hash, keep)?;
    audit(store, actor, "user.passwd", name, None)
}

/// Revoke every bearer token of a user; how many.
pub fn revoke_tokens(store: &Store, actor: &str, name: &str) -> Result<usize, WebError> {
    existing(store, name)?;
    let n = store.revoke_tokens(name)?;
    audit(
        store,
        actor,
        "user.revoke",
        name,
        Some(format!("{n} token(s)")),
    )?;
    Ok(n)
}

/// Remove a user, its tokens and sessions (the ledger and the audit trail
/// keep its name). An administrator cannot remove itself.
pub fn remove_user(store: &mut Store, actor: &str, name: &str) -> Result<(), WebError> {
    existing(store, name)?;
    if actor == name {
        return Err(WebError::BadRequest("you cannot remove yourself".into()));
    }
    store.remove_user(name)?;
    audit(store, actor, "user.remove", name, None)
}

/// A new bearer token for a user, valid `days` days: printed once, stored
/// only as its SHA-256; with its expiry (UTC RFC 3339).
pub fn new_token(
    store: &Store,
    actor: &str,
    name: &str,
    days: u32,
) -> Result<(String, String), WebError> {
    let u = existing(store, name)?;
    if u.is_disabled() {
        return Err(WebError::Conflict(format!("user `{name}` is disabled")));
    }
    if days == 0 || days > MAX_TOKEN_DAYS {
        return Err(WebError::BadRequest(format!(
            "--days: 1 to {MAX_TOKEN_DAYS}"
        )));
    }
    let token = random_secret();
    let expires = (chrono::Utc::now() + chrono::Duration::days(i64::from(days)))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    store.add_token(name, &secret_hash(&token), &expires)?;
    audit(
        store,
        actor,
        "user.token",
        name,
        Some(format!("expires {expires}")),
    )?;
    Ok((token, expires))
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
    fn the_password_policy_refuses_short_repeated_and_the_name() {
        assert!(password_problem("ana", "        ").is_some());
        assert!(password_problem("ana", "aaaaaaaa").is_some());
        assert!(password_problem("ana", "aaaaaaaaaaaa").is_some());
        assert!(password_problem("administrator", "Administrator").is_some());
        assert!(password_problem("ana", &"ab".repeat(600)).is_some());
        assert_eq!(password_problem("ana", "审核密码-2026-10"), None);
        assert_eq!(password_problem_zh("ana", "审核密码-2026-10"), None);
        assert!(password_problem_zh("ana", "short").is_some());
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
