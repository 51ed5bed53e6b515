//! Accounts of the web UI and API: users with a role (and, for an
//! enterprise's reform officer, its enterprise), bearer tokens and session
//! ids kept only as SHA-256 (tokens with an expiry), users disabled and
//! enabled, and sign-in attempts (the attempted name only as SHA-256) for
//! throttling. Hashing and
//! checking passwords is the web layer's; this file only stores.

use super::{Result, Store, StoreError, now_utc};
use rusqlite::{OptionalExtension, params};

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UserRole {
    /// Everything.
    Admin,
    /// Review, manual evidence, exports.
    Reviewer,
    /// Read-only, and only its own enterprise.
    Enterprise,
}

impl UserRole {
    pub fn as_str(self) -> &'static str {
        match self {
            UserRole::Admin => "admin",
            UserRole::Reviewer => "reviewer",
            UserRole::Enterprise => "enterprise",
        }
    }
    pub fn parse(s: &str) -> Option<UserRole> {
        Some(match s {
            "admin" => UserRole::Admin,
            "reviewer" => UserRole::Reviewer,
            "enterprise" => UserRole::Enterprise,
            _ => return None,
        })
    }
    /// May confirm, reject and undo.
    pub fn can_review(self) -> bool {
        matches!(self, UserRole::Admin | UserRole::Reviewer)
    }
}

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UserRow {
    pub name: String,
    pub role: UserRole,
    /// For the enterprise role: the registry id it may see.
    pub enterprise: Option<String>,
    #[serde(skip)]
    pub password_hash: String,
    pub created_at: String,
    /// When an administrator disabled it (UTC RFC 3339); a disabled user
    /// cannot sign in, and its sessions and tokens are refused.
    pub disabled_at: Option<String>,
}

impl UserRow {
    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }
}

/// A bearer token as `radar users list` shows it (never the token).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TokenRow {
    pub user: String,
    pub created_at: String,
    pub expires_at: Option<String>,
}

/// The outcome of asking to check a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginReservation {
    /// Checking may go ahead; the attempt is counted already (row id).
    Reserved(i64),
    /// Too many attempts at this account from this address.
    AccountLimited,
    /// Too many attempts from this address, whatever the account.
    ClientLimited,
}

/// A live session: who, and the CSRF token its forms carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub user: String,
    pub csrf: String,
    pub expires_at: String,
}

const USER_COLUMNS: &str = "name, role, enterprise, password_hash, created_at, disabled_at";

type RawUser = (
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
);

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawUser> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn to_user(
    (name, role, enterprise, password_hash, created_at, disabled_at): RawUser,
) -> Result<UserRow> {
    let role = UserRole::parse(&role)
        .ok_or_else(|| StoreError::Corrupt(format!("user {name}: role `{role}`")))?;
    Ok(UserRow {
        name,
        role,
        enterprise,
        password_hash,
        created_at,
        disabled_at,
    })
}

impl Store {
    /// Add a user; false when the name is taken (nothing changed).
    pub fn add_user(
        &self,
        name: &str,
        role: UserRole,
        enterprise: Option<&str>,
        password_hash: &str,
    ) -> Result<bool> {
        let n = self.conn.execute(
            "INSERT OR IGNORE INTO users (name, role, enterprise, password_hash, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![name, role.as_str(), enterprise, password_hash, now_utc()],
        )?;
        Ok(n == 1)
    }

    pub fn users(&self) -> Result<Vec<UserRow>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY name"))?;
        let rows = stmt.query_map([], user_row)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(to_user(r?)?);
        }
        Ok(out)
    }

    pub fn user(&self, name: &str) -> Result<Option<UserRow>> {
        let row = self
            .conn
            .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE name = ?1"))?
            .query_row(params![name], user_row)
            .optional()?;
        row.map(to_user).transpose()
    }

    /// Keep a bearer token's SHA-256 for a user, valid until `expires_at`.
    pub fn add_token(&self, user: &str, sha256: &str, expires_at: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO user_tokens (sha256, user, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![sha256, user, now_utc(), expires_at],
        )?;
        Ok(())
    }

    /// The user a bearer token (by its SHA-256) belongs to, while the token
    /// has not expired at `now` (RFC 3339, UTC). A disabled user is returned
    /// as such: the caller refuses it.
    pub fn user_by_token(&self, sha256: &str, now: &str) -> Result<Option<UserRow>> {
        let name: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT user FROM user_tokens WHERE sha256 = ?1 \
                 AND (expires_at IS NULL OR expires_at > ?2)",
            )?
            .query_row(params![sha256, now], |r| r.get(0))
            .optional()?;
        match name {
            Some(n) => self.user(&n),
            None => Ok(None),
        }
    }

    /// Every user's tokens (not the tokens: when made, until when).
    pub fn tokens(&self) -> Result<Vec<TokenRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT user, created_at, expires_at FROM user_tokens ORDER BY user, created_at",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(TokenRow {
                user: r.get(0)?,
                created_at: r.get(1)?,
                expires_at: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Revoke every token of a user; how many there were.
    pub fn revoke_tokens(&self, user: &str) -> Result<usize> {
        Ok(self
            .conn
            .execute("DELETE FROM user_tokens WHERE user = ?1", params![user])?)
    }

    /// Disable (with the time) or enable (`None`) a user; disabling ends
    /// its sessions in the same transaction. False when there is no such user.
    pub fn set_disabled(&mut self, user: &str, disabled_at: Option<&str>) -> Result<bool> {
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE users SET disabled_at = ?2 WHERE name = ?1",
            params![user, disabled_at],
        )?;
        if disabled_at.is_some() {
            tx.execute("DELETE FROM sessions WHERE user = ?1", params![user])?;
        }
        tx.commit()?;
        Ok(n == 1)
    }

    /// A new password hash; every session of the user ends except `keep`
    /// (the SHA-256 of the session that changed its own password).
    pub fn set_password(
        &mut self,
        user: &str,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<bool> {
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE users SET password_hash = ?2 WHERE name = ?1",
            params![user, password_hash],
        )?;
        tx.execute(
            "DELETE FROM sessions WHERE user = ?1 AND sha256 IS NOT ?2",
            params![user, keep],
        )?;
        tx.commit()?;
        Ok(n == 1)
    }

    /// Remove a user with its tokens and sessions (the ledger and the audit
    /// trail keep its name). False when there is no such user.
    pub fn remove_user(&mut self, user: &str) -> Result<bool> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM user_tokens WHERE user = ?1", params![user])?;
        tx.execute("DELETE FROM sessions WHERE user = ?1", params![user])?;
        let n = tx.execute("DELETE FROM users WHERE name = ?1", params![user])?;
        tx.commit()?;
        Ok(n == 1)
    }

    /// Start a session (by the SHA-256 of its id).
    pub fn add_session(
        &self,
        sha256: &str,
        user: &str,
        csrf: &str,
        expires_at: &str,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO sessions (sha256, user, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![sha256, user, csrf, now_utc(), expires_at],
        )?;
        Ok(())
    }

    /// A session that has not expired at `now` (RFC 3339, UTC).
    pub fn session(&self, sha256: &str, now: &str) -> Result<Option<SessionRow>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT user, csrf, expires_at FROM sessions WHERE sha256 = ?1 AND expires_at > ?2",
            )?
            .query_row(params![sha256, now], |r| {
                Ok(SessionRow {
                    user: r.get(0)?,
                    csrf: r.get(1)?,
                    expires_at: r.get(2)?,
                })
            })
            .optional()?)
    }

    /// End a session, and drop every expired one.
    pub fn end_session(&self, sha256: &str, now: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM sessions WHERE sha256 = ?1 OR expires_at <= ?2",
            params![sha256, now],
        )?;
        Ok(())
    }

    /// Count a sign-in attempt before its password is checked, atomically
    /// with the counting (`BEGIN IMMEDIATE`, so across processes too): at
    /// most `per_account` attempts at `account` from `client` and
    /// `per_client` from `client` since `since`. `account` is the SHA-256 of
    /// the name tried, never the name.
    pub fn reserve_login_attempt(
        &mut self,
        account: &str,
        client: &str,
        since: &str,
        per_account: u64,
        per_client: u64,
    ) -> Result<LoginReservation> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM login_attempts WHERE at <= ?1", params![since])?;
        let pair: i64 = tx.query_row(
            "SELECT COUNT(*) FROM login_attempts WHERE account = ?1 AND client = ?2 AND at > ?3",
            params![account, client, since],
            |r| r.get(0),
        )?;
        let from_client: i64 = tx.query_row(
            "SELECT COUNT(*) FROM login_attempts WHERE client = ?1 AND at > ?2",
            params![client, since],
            |r| r.get(0),
        )?;
        let out = if pair.max(0) as u64 >= per_account {
            LoginReservation::AccountLimited
        } else if from_client.max(0) as u64 >= per_client {
            LoginReservation::ClientLimited
        } else {
            tx.execute(
                "INSERT INTO login_attempts (account, client, at) VALUES (?1, ?2, ?3)",
                params![account, client, now_utc()],
            )?;
            LoginReservation::Reserved(tx.last_insert_rowid())
        };
        tx.commit()?;
        Ok(out)
    }

    /// A sign-in that succeeded forgets the attempts at that account from
    /// that address (its own reservation included).
    pub fn login_succeeded(&self, account: &str, client: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM login_attempts WHERE account = ?1 AND client = ?2",
            params![account, client],
        )?;
        Ok(())
    }

    /// Attempts counted now (for tests and metrics).
    pub fn login_attempt_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM login_attempts", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// Forget attempts older than `before`, and sessions expired by then.
    pub fn forget_before(&self, before: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM login_attempts WHERE at <= ?1", params![before])?;
        self.conn.execute(
            "DELETE FROM sessions WHERE expires_at <= ?1",
            params![before],
        )?;
        Ok(())
    }
}
