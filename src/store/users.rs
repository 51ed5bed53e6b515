//! Accounts of the web UI and API: users with a role (and, for an
//! enterprise's reform officer, its enterprise), bearer tokens and session
//! ids kept only as SHA-256, and login failures for throttling. Hashing and
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
}

/// A live session: who, and the CSRF token its forms carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub user: String,
    pub csrf: String,
    pub expires_at: String,
}

fn user_row(
    r: &rusqlite::Row<'_>,
) -> rusqlite::Result<(String, String, Option<String>, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn to_user(
    (name, role, enterprise, password_hash, created_at): (
        String,
        String,
        Option<String>,
        String,
        String,
    ),
) -> Result<UserRow> {
    let role = UserRole::parse(&role)
        .ok_or_else(|| StoreError::Corrupt(format!("user {name}: role `{role}`")))?;
    Ok(UserRow {
        name,
        role,
        enterprise,
        password_hash,
        created_at,
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
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, role, enterprise, password_hash, created_at FROM users ORDER BY name",
        )?;
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
            .prepare_cached(
                "SELECT name, role, enterprise, password_hash, created_at FROM users WHERE name = ?1",
            )?
            .query_row(params![name], user_row)
            .optional()?;
        row.map(to_user).transpose()
    }

    /// Keep a bearer token's SHA-256 for a user.
    pub fn add_token(&self, user: &str, sha256: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO user_tokens (sha256, user, created_at) VALUES (?1, ?2, ?3)",
            params![sha256, user, now_utc()],
        )?;
        Ok(())
    }

    /// The user a bearer token (by its SHA-256) belongs to.
    pub fn user_by_token(&self, sha256: &str) -> Result<Option<UserRow>> {
        let name: Option<String> = self
            .conn
            .prepare_cached("SELECT user FROM user_tokens WHERE sha256 = ?1")?
            .query_row(params![sha256], |r| r.get(0))
            .optional()?;
        match name {
            Some(n) => self.user(&n),
            None => Ok(None),
        }
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

    pub fn add_login_failure(&self, user: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO login_failures (user, at) VALUES (?1, ?2)",
            params![user, now_utc()],
        )?;
        Ok(())
    }

    /// Forget failures older than `before`, and sessions expired by then.
    pub fn forget_before(&self, before: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM login_failures WHERE at <= ?1", params![before])?;
        self.conn.execute(
            "DELETE FROM sessions WHERE expires_at <= ?1",
            params![before],
        )?;
        Ok(())
    }

    /// Failed logins of a user since `since` (RFC 3339, UTC).
    pub fn login_failures_since(&self, user: &str, since: &str) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM login_failures WHERE user = ?1 AND at > ?2",
            params![user, since],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// A successful login forgets the user's failures.
    pub fn clear_login_failures(&self, user: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM login_failures WHERE user = ?1", params![user])?;
        Ok(())
    }
}
