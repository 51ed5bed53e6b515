//! Who is asking and what they may see: a session cookie (`radar_session`,
//! HttpOnly, SameSite=Strict, its SHA-256 kept in the store with the
//! session's CSRF token) or an `Authorization: Bearer` token; an enterprise
//! user's `Scope` is its enterprise and that enterprise's subsidiaries.
//! Login (with a double-submit CSRF cookie before there is a session),
//! throttling after repeated failures, logout.

use super::accounts::{random_secret, secret_hash, verify_password};
use super::pages::{error_page, login_page};
use super::{AppState, Shared, WebError, blocking};
use crate::model::Registry;
use crate::store::{UserRole, UserRow};
use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use std::collections::BTreeSet;

pub const SESSION_COOKIE: &str = "radar_session";
const LOGIN_COOKIE: &str = "radar_login";
/// Failed logins of one user within the window before logins are refused.
pub const MAX_FAILURES: u64 = 5;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;
const SESSION_HOURS: i64 = 12;

/// What a user may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    /// An enterprise user: its enterprise and every enterprise under it.
    Enterprise {
        id: String,
        ids: BTreeSet<String>,
    },
}

impl Scope {
    pub fn of(user: &UserRow, registry: &Registry) -> Scope {
        let Some(id) = user
            .enterprise
            .as_deref()
            .filter(|_| user.role == UserRole::Enterprise)
        else {
            return Scope::All;
        };
        let mut ids = BTreeSet::new();
        for e in &registry.enterprises {
            let mut current = Some(e.id.as_str());
            for _ in 0..16 {
                let Some(c) = current else { break };
                if c == id {
                    ids.insert(e.id.clone());
                    break;
                }
                current = registry.get(c).and_then(|p| p.parent.as_deref());
            }
        }
        ids.insert(id.to_string());
        Scope::Enterprise {
            id: id.to_string(),
            ids,
        }
    }

    /// May see what names this enterprise.
    pub fn allows(&self, enterprise: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Enterprise { ids, .. } => ids.contains(enterprise),
        }
    }

    /// The enterprise an enterprise user is limited to.
    pub fn enterprise(&self) -> Option<&str> {
        match self {
            Scope::All => None,
            Scope::Enterprise { id, .. } => Some(id),
        }
    }

    /// An enterprise asked for in a query: refused outside the scope;
    /// without one, an enterprise user gets its own.
    pub fn narrow(&self, asked: Option<String>) -> Result<Option<String>, WebError> {
        match (asked.filter(|a| !a.is_empty()), self.enterprise()) {
            (Some(a), _) if !self.allows(&a) => {
                Err(WebError::Forbidden(format!("无权查看企业 {a} 的数据")))
            }
            (Some(a), _) => Ok(Some(a)),
            (None, own) => Ok(own.map(str::to_string)),
        }
    }
}

/// The user behind a request.
#[derive(Debug, Clone)]
pub struct Authed {
    pub user: UserRow,
    pub scope: Scope,
    /// With a session cookie: the CSRF token its forms and API writes carry.
    pub csrf: Option<String>,
}

impl Authed {
    pub fn require_reviewer(&self) -> Result<(), WebError> {
        if self.user.role.can_review() {
            Ok(())
        } else {
            Err(WebError::Forbidden("企业用户只能查看，不能审核".into()))
        }
    }

    /// A form's `csrf` field must be the session's token.
    pub fn check_form_csrf(&self, given: &str) -> Result<(), WebError> {
        match &self.csrf {
            Some(t) if !given.is_empty() && constant_eq(t, given) => Ok(()),
            Some(_) => Err(WebError::Forbidden(
                "表单已失效（CSRF 校验失败），请刷新页面后重试".into(),
            )),
            // A bearer token is not sent by a browser on its own.
            None => Ok(()),
        }
    }

    /// An API write with a session cookie needs the `X-CSRF-Token` header.
    pub fn check_header_csrf(&self, headers: &HeaderMap) -> Result<(), WebError> {
        let given = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        self.check_form_csrf(given)
    }
}

fn constant_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn now_utc() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn at(offset: chrono::Duration) -> String {
    (chrono::Utc::now() + offset).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Who sent this request (blocking: reads the store).
pub fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Authed, WebError> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(WebError::Unauthorized)?;
        let user = state
            .read(|s| Ok(s.user_by_token(&secret_hash(token))?))?
            .ok_or(WebError::Unauthorized)?;
        let scope = Scope::of(&user, &state.registry);
        return Ok(Authed {
            user,
            scope,
            csrf: None,
        });
    }
    let id = cookie(headers, SESSION_COOKIE).ok_or(WebError::Unauthorized)?;
    let (session, user) = state.read(|s| {
        let Some(session) = s.session(&secret_hash(&id), &now_utc())? else {
            return Ok((None, None));
        };
        let user = s.user(&session.user)?;
        Ok((Some(session), user))
    })?;
    let (Some(session), Some(user)) = (session, user) else {
        return Err(WebError::Unauthorized);
    };
    let scope = Scope::of(&user, &state.registry);
    Ok(Authed {
        user,
        scope,
        csrf: Some(session.csrf),
    })
}

/// `authenticate` off the async threads.
pub async fn user(state: &Shared, headers: &HeaderMap) -> Result<Authed, WebError> {
    let headers = headers.clone();
    blocking(state, move |s| authenticate(s, &headers)).await
}

/// The user behind a reviewer's form: signed in, the form's CSRF token the
/// session's, and allowed to decide (reviewer or admin).
pub async fn form_reviewer(
    state: &Shared,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<Authed, WebError> {
    let who = user(state, headers).await?;
    who.check_form_csrf(csrf)?;
    who.require_reviewer()?;
    Ok(who)
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
}

fn set_cookie(res: &mut Response, value: String) {
    if let Ok(v) = HeaderValue::from_str(&value) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

async fn login_form() -> Response {
    let token = random_secret();
    let mut res = Html(login_page(&token, None).into_string()).into_response();
    set_cookie(
        &mut res,
        format!("{LOGIN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/login"),
    );
    res
}

#[derive(Debug, serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

enum LoginOutcome {
    Session(String),
    Failed,
}

async fn login(
    State(state): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if f.csrf.is_empty() || !constant_eq(&expected, &f.csrf) {
        return error_page(&WebError::Forbidden(
            "登录表单已失效（CSRF 校验失败），请重新打开登录页".into(),
        ));
    }
    let name = f.name.trim().to_string();
    let password = f.password;
    let outcome = blocking(&state, move |s| {
        let since = at(-chrono::Duration::minutes(FAILURE_WINDOW_MINUTES));
        let failures = s.with_store(|st| {
            st.forget_before(&since)?;
            Ok(st.login_failures_since(&name, &since)?)
        })?;
        if failures >= MAX_FAILURES {
            return Err(WebError::TooManyRequests(format!(
                "登录失败次数过多，请 {FAILURE_WINDOW_MINUTES} 分钟后再试"
            )));
        }
        let user = s.read(|st| Ok(st.user(&name)?))?;
        let ok = user
            .as_ref()
            .is_some_and(|u| verify_password(&password, &u.password_hash));
        if !ok {
            s.with_store(|st| Ok(st.add_login_failure(&name)?))?;
            return Ok(LoginOutcome::Failed);
        }
        let id = random_secret();
        let csrf = random_secret();
        s.with_store(|st| {
            st.clear_login_failures(&name)?;
            st.add_session(
                &secret_hash(&id),
                &name,
                &csrf,
                &at(chrono::Duration::hours(SESSION_HOURS)),
            )?;
            st.audit(&crate::store::AuditRecord::new(&name, "login"))?;
            Ok(())
        })?;
        Ok(LoginOutcome::Session(id))
    })
    .await;
    match outcome {
        Ok(LoginOutcome::Session(id)) => {
            let mut res = Redirect::to("/candidates").into_response();
            set_cookie(
                &mut res,
                format!("{SESSION_COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/"),
            );
            set_cookie(
                &mut res,
                format!("{LOGIN_COOKIE}=; HttpOnly; SameSite=Strict; Path=/login; Max-Age=0"),
            );
            res
        }
        Ok(LoginOutcome::Failed) => {
            let token = random_secret();
            let mut res = (
                StatusCode::UNAUTHORIZED,
                Html(login_page(&token, Some("用户名或密码错误")).into_string()),
            )
                .into_response();
            set_cookie(
                &mut res,
                format!("{LOGIN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/login"),
            );
            res
        }
        Err(e) => error_page(&e),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(state): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    let result = async {
        let who = user(&state, &headers).await?;
        who.check_form_csrf(&f.csrf)?;
        if let Some(id) = cookie(&headers, SESSION_COOKIE) {
            blocking(&state, move |s| {
                s.with_store(|st| Ok(st.end_session(&secret_hash(&id), &now_utc())?))
            })
            .await?;
        }
        Ok::<_, WebError>(())
    }
    .await;
    match result {
        Ok(()) | Err(WebError::Unauthorized) => {
            let mut res = Redirect::to("/login").into_response();
            set_cookie(
                &mut res,
                format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
            );
            res
        }
        Err(e) => error_page(&e),
    }
}
