//! Who is asking and what they may see: a session cookie (`radar_session`,
//! HttpOnly, SameSite=Strict, its SHA-256 kept in the store with the
//! session's CSRF token) or an `Authorization: Bearer` token; an enterprise
//! user's `Scope` is its enterprise and that enterprise's subsidiaries.
//! Login (with a double-submit CSRF cookie before there is a session),
//! throttling, logout.
//!
//! Sign-in is hardened against an attacker without an account: every field
//! is bounded before anything is stored; an attempt is counted (reserved)
//! before its password is checked, atomically, per (account, client
//! address) and per client address, so concurrent guesses never get more
//! checks than the limit and an attacker elsewhere cannot lock the real
//! user out; an unknown or disabled user is checked against a dummy hash
//! so the answer takes as long. The client address is the peer, or the
//! `X-Forwarded-For` of a proxy `radar.toml` names in `[web]
//! trusted_proxies`.

use super::accounts::{random_secret, secret_hash, verify_against_dummy, verify_password};
use super::pages::{error_page, login_page};
use super::{AppState, Shared, WebError, blocking};
use crate::model::Registry;
use crate::store::{AuditRecord, LoginReservation, UserRole, UserRow};
use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Form, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};

pub const SESSION_COOKIE: &str = "radar_session";
const LOGIN_COOKIE: &str = "radar_login";
/// Password checks of one account from one client address within the
/// window; further attempts are refused without a check.
pub const MAX_FAILURES: u64 = 5;
/// Password checks from one client address (any account) within the window.
pub const MAX_CLIENT_FAILURES: u64 = 20;
/// The largest login form body (bytes): a name, a password and a token.
pub const MAX_LOGIN_BODY: usize = 8 * 1024;
/// The longest user name tried at sign-in (bytes; names are at most 64).
pub const MAX_LOGIN_NAME_BYTES: usize = 256;
/// The longest CSRF token (ours are 64 hex digits).
const MAX_TOKEN_BYTES: usize = 128;
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
        if token.len() > MAX_TOKEN_BYTES {
            return Err(WebError::Unauthorized);
        }
        let user = state
            .read(|s| Ok(s.user_by_token(&secret_hash(token), &now_utc())?))?
            .filter(|u| !u.is_disabled())
            .ok_or(WebError::Unauthorized)?;
        let scope = Scope::of(&user, &state.registry);
        return Ok(Authed {
            user,
            scope,
            csrf: None,
        });
    }
    let id = cookie(headers, SESSION_COOKIE)
        .filter(|id| id.len() <= MAX_TOKEN_BYTES)
        .ok_or(WebError::Unauthorized)?;
    let (session, user) = state.read(|s| {
        let Some(session) = s.session(&secret_hash(&id), &now_utc())? else {
            return Ok((None, None));
        };
        let user = s.user(&session.user)?;
        Ok((Some(session), user))
    })?;
    let (Some(session), Some(user)) = (session, user.filter(|u| !u.is_disabled())) else {
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
        .route(
            "/login",
            get(login_form)
                .post(login)
                .layer(DefaultBodyLimit::max(MAX_LOGIN_BODY)),
        )
        .route("/logout", post(logout))
}

/// Who is on the other end: the peer's address, or, when the peer is a
/// trusted proxy, the address it forwards; and whether the browser spoke
/// HTTPS (to the trusted proxy: `X-Forwarded-Proto: https`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    pub ip: IpAddr,
    pub https: bool,
}

impl Client {
    /// From the peer and the request's headers.
    pub fn of(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> Client {
        if !trusted.contains(&peer) {
            return Client {
                ip: peer,
                https: false,
            };
        }
        // The rightmost address not itself a trusted proxy: what the
        // nearest trusted proxy saw (earlier entries are the client's word).
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        let ip = forwarded
            .iter()
            .rev()
            .filter_map(|a| a.parse::<IpAddr>().ok())
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer);
        let https = headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
        Client { ip, https }
    }
}

impl FromRequestParts<Shared> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Shared,
    ) -> Result<Client, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
        let mut client = Client::of(peer, &parts.headers, &state.trusted_proxies);
        // Served over TLS directly (not today, but a scheme in the URI says so).
        if parts.uri.scheme_str() == Some("https") {
            client.https = true;
        }
        Ok(client)
    }
}

/// The attributes of our cookies: `Secure` whenever the browser speaks HTTPS.
pub fn cookie_attrs(path: &str, https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("HttpOnly; SameSite=Strict; Path={path}{secure}")
}

fn set_cookie(res: &mut Response, value: String) {
    if let Ok(v) = HeaderValue::from_str(&value) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

async fn login_form(client: Client) -> Response {
    let token = random_secret();
    let mut res = Html(login_page(&token, None).into_string()).into_response();
    set_cookie(
        &mut res,
        format!(
            "{LOGIN_COOKIE}={token}; {}",
            cookie_attrs("/login", client.https)
        ),
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

fn too_many() -> WebError {
    WebError::TooManyRequests(format!(
        "登录失败次数过多，请 {FAILURE_WINDOW_MINUTES} 分钟后再试"
    ))
}

/// Check a sign-in: reserve the attempt (or refuse), check the password
/// (against a dummy hash when the user is unknown or disabled), record it.
fn check_login(
    s: &AppState,
    name: &str,
    password: &str,
    client: &str,
) -> Result<LoginOutcome, WebError> {
    let account = secret_hash(name);
    let since = at(-chrono::Duration::minutes(FAILURE_WINDOW_MINUTES));
    let reserved = s.with_store(|st| {
        Ok(st.reserve_login_attempt(&account, client, &since, MAX_FAILURES, MAX_CLIENT_FAILURES)?)
    })?;
    match reserved {
        LoginReservation::Reserved(_) => {}
        LoginReservation::AccountLimited | LoginReservation::ClientLimited => {
            tracing::warn!(client, ?reserved, "sign-in refused: too many attempts");
            return Err(too_many());
        }
    }
    let user = s.read(|st| Ok(st.user(name)?))?;
    let ok = match &user {
        Some(u) => verify_password(password, &u.password_hash) && !u.is_disabled(),
        None => {
            verify_against_dummy(password);
            false
        }
    };
    // What the trail keeps of a name tried: at most 64 bytes of it.
    let shown = crate::model::names::truncate_bytes(name, crate::model::names::MAX_ID_BYTES);
    if !ok {
        s.with_store(|st| {
            let mut rec = AuditRecord::new(shown, "login.failed");
            rec.note = Some(client.to_string());
            Ok(st.audit(&rec)?)
        })?;
        return Ok(LoginOutcome::Failed);
    }
    let id = random_secret();
    let csrf = random_secret();
    s.with_store(|st| {
        st.forget_before(&now_utc())?;
        st.login_succeeded(&account, client)?;
        st.add_session(
            &secret_hash(&id),
            name,
            &csrf,
            &at(chrono::Duration::hours(SESSION_HOURS)),
        )?;
        let mut rec = AuditRecord::new(name, "login");
        rec.note = Some(client.to_string());
        st.audit(&rec)?;
        Ok(())
    })?;
    Ok(LoginOutcome::Session(id))
}

/// A field of the login form over its bound: refused before anything is stored.
fn login_field_problem(f: &LoginForm) -> Option<&'static str> {
    if f.name.len() > MAX_LOGIN_NAME_BYTES {
        Some("用户名过长")
    } else if f.password.len() > super::accounts::MAX_PASSWORD_BYTES {
        Some("密码过长")
    } else if f.csrf.len() > MAX_TOKEN_BYTES {
        Some("登录表单无效")
    } else {
        None
    }
}

fn login_failed_page(https: bool, status: StatusCode, message: &str) -> Response {
    let token = random_secret();
    let mut res = (
        status,
        Html(login_page(&token, Some(message)).into_string()),
    )
        .into_response();
    set_cookie(
        &mut res,
        format!("{LOGIN_COOKIE}={token}; {}", cookie_attrs("/login", https)),
    );
    res
}

async fn login(
    State(state): State<Shared>,
    client: Client,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    if let Some(problem) = login_field_problem(&f) {
        return login_failed_page(client.https, StatusCode::BAD_REQUEST, problem);
    }
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if f.csrf.is_empty() || !constant_eq(&expected, &f.csrf) {
        return error_page(&WebError::Forbidden(
            "登录表单已失效（CSRF 校验失败），请重新打开登录页".into(),
        ));
    }
    let name = f.name.trim().to_string();
    if name.is_empty() || f.password.is_empty() {
        return login_failed_page(client.https, StatusCode::UNAUTHORIZED, "用户名或密码错误");
    }
    let password = f.password;
    let address = client.ip.to_string();
    let outcome = blocking(&state, move |s| check_login(s, &name, &password, &address)).await;
    match outcome {
        Ok(LoginOutcome::Session(id)) => {
            let mut res = Redirect::to("/candidates").into_response();
            set_cookie(
                &mut res,
                format!("{SESSION_COOKIE}={id}; {}", cookie_attrs("/", client.https)),
            );
            set_cookie(
                &mut res,
                format!(
                    "{LOGIN_COOKIE}=; {}; Max-Age=0",
                    cookie_attrs("/login", client.https)
                ),
            );
            res
        }
        Ok(LoginOutcome::Failed) => {
            login_failed_page(client.https, StatusCode::UNAUTHORIZED, "用户名或密码错误")
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
    client: Client,
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
                format!(
                    "{SESSION_COOKIE}=; {}; Max-Age=0",
                    cookie_attrs("/", client.https)
                ),
            );
            res
        }
        Err(e) => error_page(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).expect("name"),
                HeaderValue::from_str(v).expect("value"),
            );
        }
        h
    }

    #[test]
    fn forwarded_headers_count_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "127.0.0.1".parse().expect("ip");
        let other: IpAddr = "127.0.0.9".parse().expect("ip");
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6, 10.0.0.7"),
            ("x-forwarded-proto", "https"),
        ]);
        // Not trusted: the peer, plain HTTP.
        assert_eq!(
            Client::of(other, &h, &[proxy]),
            Client {
                ip: other,
                https: false
            }
        );
        // Trusted: the address the proxy saw (the rightmost), HTTPS.
        assert_eq!(
            Client::of(proxy, &h, &[proxy]),
            Client {
                ip: "10.0.0.7".parse().expect("ip"),
                https: true
            }
        );
        // A trusted proxy without the header: the proxy itself.
        assert_eq!(
            Client::of(proxy, &HeaderMap::new(), &[proxy]),
            Client {
                ip: proxy,
                https: false
            }
        );
        assert!(cookie_attrs("/", true).ends_with("; Secure"));
        assert!(!cookie_attrs("/", false).contains("Secure"));
    }
}
