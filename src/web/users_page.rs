//! 用户管理 (administrators): the users with their role, state and tokens;
//! add a user, disable or enable one (disabling ends its sessions at once
//! and its tokens are refused), reset a password, revoke every token,
//! remove a user. 修改密码 (everyone): change one's own password (the other
//! sessions end). Every change goes through `accounts`, which records it
//! in the audit trail with the administrator as the actor.

use super::accounts::{self, password_problem_zh, secret_hash};
use super::auth::{Authed, SESSION_COOKIE, cookie, user};
use super::pages::{PageResult, beijing_time, csrf_field, page, role_label};
use super::{Shared, WebError, blocking};
use crate::store::UserRole;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use maud::{Markup, html};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/users", get(users_page).post(add_form))
        .route("/users/{name}/{action}", post(change_form))
        .route(
            "/account/password",
            get(own_password_page).post(own_password_form),
        )
}

fn require_admin(who: &Authed) -> Result<(), WebError> {
    if who.user.role == UserRole::Admin {
        Ok(())
    } else {
        Err(WebError::Forbidden("只有管理员可以管理用户".into()))
    }
}

fn role_options(selected: Option<&str>) -> Markup {
    html! {
        @for r in [UserRole::Reviewer, UserRole::Enterprise, UserRole::Admin] {
            option value=(r.as_str()) selected[selected == Some(r.as_str())] { (role_label(r)) }
        }
    }
}

async fn users_page(State(state): State<Shared>, headers: HeaderMap) -> PageResult {
    let who = user(&state, &headers).await?;
    require_admin(&who)?;
    render(&state, &who, None, None).await
}

async fn render(
    state: &Shared,
    who: &Authed,
    done: Option<String>,
    problem: Option<String>,
) -> PageResult {
    let (users, tokens) = blocking(state, |s| s.read(|st| Ok((st.users()?, st.tokens()?)))).await?;
    let now = super::auth::now_utc();
    let body = html! {
        @if let Some(m) = &done { p.ok { (m) } }
        @if let Some(m) = &problem { p.error { (m) } }
        table.users {
            thead { tr { th { "用户名" } th { "角色" } th { "企业" } th { "状态" } th { "有效令牌" } th { "创建时间" } th { "操作" } } }
            tbody {
                @for u in &users {
                    @let live = tokens.iter().filter(|t| t.user == u.name && t.expires_at.as_deref().is_none_or(|e| e > now.as_str())).collect::<Vec<_>>();
                    tr {
                        td { (u.name) }
                        td { (role_label(u.role)) }
                        td { (u.enterprise.as_deref().map(|e| super::pages::name_of(&state.registry, e)).unwrap_or("—")) }
                        td { @if u.is_disabled() { "已停用" } @else { "正常" } }
                        td {
                            (live.len())
                            @if let Some(last) = live.iter().filter_map(|t| t.expires_at.as_deref()).max() {
                                "（最晚到期 " (beijing_time(last)) "）"
                            }
                        }
                        td { (beijing_time(&u.created_at)) }
                        td.actions {
                            @if u.name != who.user.name {
                                form.inline method="post" action=(format!("/users/{}/{}", u.name, if u.is_disabled() { "enable" } else { "disable" })) {
                                    (csrf_field(who))
                                    button type="submit" { @if u.is_disabled() { "启用" } @else { "停用" } }
                                }
                            }
                            form.inline method="post" action=(format!("/users/{}/revoke", u.name)) {
                                (csrf_field(who))
                                button type="submit" { "吊销全部令牌" }
                            }
                            form.inline method="post" action=(format!("/users/{}/password", u.name)) {
                                (csrf_field(who))
                                input name="password" type="password" autocomplete="new-password" placeholder="新密码" required;
                                button type="submit" { "重置密码" }
                            }
                            @if u.name != who.user.name {
                                form.inline method="post" action=(format!("/users/{}/remove", u.name)) {
                                    (csrf_field(who))
                                    button type="submit" { "删除" }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { "添加用户" }
        form.add-user method="post" action="/users" {
            (csrf_field(who))
            label { "用户名 " input name="name" required pattern="[A-Za-z0-9_-]{1,64}" title="字母、数字、- 或 _，最多 64 个"; }
            label { "角色 " select name="role" { (role_options(None)) } }
            label { "企业（仅企业用户） "
                select name="enterprise" {
                    option value="" { "—" }
                    @for e in &state.registry.enterprises { option value=(e.id) { (e.name) } }
                }
            }
            label { "密码 " input name="password" type="password" autocomplete="new-password" required; }
            button type="submit" { "添加" }
        }
        p { "密码至少 " (accounts::MIN_PASSWORD_CHARS) " 个字符，不能由同一字符重复组成，不能与用户名相同。API 令牌用命令 "
            code { "radar users token 用户名 --days 90" } " 生成。" }
    };
    page("用户管理", who, body)
}

#[derive(Debug, serde::Deserialize)]
struct AddForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    enterprise: String,
    #[serde(default)]
    password: String,
}

async fn add_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<AddForm>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    who.check_form_csrf(&f.csrf)?;
    require_admin(&who)?;
    let name = f.name.trim().to_string();
    let problem = if let Some(p) = crate::model::names::id_problem(&name) {
        Some(format!(
            "用户名不合规：只能用字母、数字、- 和 _，最多 64 个（{p}）"
        ))
    } else if let Some(p) = password_problem_zh(&name, &f.password) {
        Some(p)
    } else {
        None
    };
    let Some(role) = UserRole::parse(&f.role) else {
        return render(&state, &who, None, Some("请选择角色".into())).await;
    };
    if let Some(p) = problem {
        return render(&state, &who, None, Some(p)).await;
    }
    let enterprise = Some(f.enterprise.trim().to_string()).filter(|e| !e.is_empty());
    let actor = who.user.name.clone();
    let added = blocking(&state, move |s| {
        s.with_store(|st| {
            if st.user(&name)?.is_some() {
                return Ok(Err(format!("用户 {name} 已存在")));
            }
            let enterprise = if role == UserRole::Enterprise {
                enterprise
            } else {
                None
            };
            if role == UserRole::Enterprise && enterprise.is_none() {
                return Ok(Err("企业用户需要选择所属企业".into()));
            }
            match accounts::add_user(
                st,
                &actor,
                &s.registry,
                &name,
                role,
                enterprise.as_deref(),
                &f.password,
            ) {
                Ok(u) => Ok(Ok(format!(
                    "已添加用户 {}（{}）",
                    u.name,
                    role_label(u.role)
                ))),
                Err(WebError::BadRequest(m) | WebError::Conflict(m)) => {
                    Ok(Err(format!("未能添加：{m}")))
                }
                Err(e) => Err(e),
            }
        })
    })
    .await?;
    match added {
        Ok(done) => render(&state, &who, Some(done), None).await,
        Err(problem) => render(&state, &who, None, Some(problem)).await,
    }
}

#[derive(Debug, serde::Deserialize)]
struct ChangeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

async fn change_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((name, action)): Path<(String, String)>,
    Form(f): Form<ChangeForm>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    who.check_form_csrf(&f.csrf)?;
    require_admin(&who)?;
    if (action == "disable" || action == "remove") && name == who.user.name {
        return render(&state, &who, None, Some("不能停用或删除自己的账号".into())).await;
    }
    if action == "password"
        && let Some(p) = password_problem_zh(&name, &f.password)
    {
        return render(&state, &who, None, Some(p)).await;
    }
    let actor = who.user.name.clone();
    let done = blocking(&state, move |s| {
        s.with_store(|st| {
            if st.user(&name)?.is_none() {
                return Err(WebError::NotFound(format!("没有用户 {name}")));
            }
            Ok(match action.as_str() {
                "disable" => {
                    accounts::set_disabled(st, &actor, &name, true)?;
                    format!("已停用 {name}：其会话已结束，令牌不再有效")
                }
                "enable" => {
                    accounts::set_disabled(st, &actor, &name, false)?;
                    format!("已启用 {name}")
                }
                "password" => {
                    accounts::set_password(st, &actor, &name, &f.password, None)?;
                    format!("已重置 {name} 的密码，其会话已结束")
                }
                "revoke" => {
                    let n = accounts::revoke_tokens(st, &actor, &name)?;
                    format!("已吊销 {name} 的 {n} 个令牌")
                }
                "remove" => {
                    accounts::remove_user(st, &actor, &name)?;
                    format!("已删除用户 {name}（台账和操作记录中的署名保留）")
                }
                other => return Err(WebError::NotFound(format!("没有操作 {other}"))),
            })
        })
    })
    .await?;
    render(&state, &who, Some(done), None).await
}

fn own_password_body(who: &Authed, done: Option<&str>, problem: Option<&str>) -> Markup {
    html! {
        @if let Some(m) = done { p.ok { (m) } }
        @if let Some(m) = problem { p.error { (m) } }
        form.password method="post" action="/account/password" {
            (csrf_field(who))
            label { "当前密码 " input name="current" type="password" autocomplete="current-password" required; }
            label { "新密码 " input name="password" type="password" autocomplete="new-password" required; }
            label { "再输入一次 " input name="again" type="password" autocomplete="new-password" required; }
            button type="submit" { "修改密码" }
        }
        p { "密码至少 " (accounts::MIN_PASSWORD_CHARS) " 个字符，不能由同一字符重复组成，不能与用户名相同。修改后，您在其他设备上的登录将失效。" }
    }
}

async fn own_password_page(State(state): State<Shared>, headers: HeaderMap) -> PageResult {
    let who = user(&state, &headers).await?;
    page("修改密码", &who, own_password_body(&who, None, None))
}

#[derive(Debug, serde::Deserialize)]
struct OwnPasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    again: String,
}

async fn own_password_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<OwnPasswordForm>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    who.check_form_csrf(&f.csrf)?;
    let Some(session) = cookie(&headers, SESSION_COOKIE) else {
        return Err(
            WebError::Forbidden("请在网页登录后修改密码（API 令牌不能修改密码）".into()).into(),
        );
    };
    let name = who.user.name.clone();
    let hash = who.user.password_hash.clone();
    let keep = secret_hash(&session);
    let problem = blocking(&state, move |s| {
        let problem = if f.current.len() > accounts::MAX_PASSWORD_BYTES
            || !accounts::verify_password(&f.current, &hash)
        {
            Some("当前密码不正确".to_string())
        } else if f.password != f.again {
            Some("两次输入的新密码不一致".into())
        } else {
            password_problem_zh(&name, &f.password)
        };
        if problem.is_none() {
            s.with_store(|st| accounts::set_password(st, &name, &name, &f.password, Some(&keep)))?;
        }
        Ok(problem)
    })
    .await?;
    if let Some(p) = problem {
        let mut res = page("修改密码", &who, own_password_body(&who, None, Some(&p)))?;
        *res.status_mut() = axum::http::StatusCode::BAD_REQUEST;
        return Ok(res);
    }
    page(
        "修改密码",
        &who,
        own_password_body(&who, Some("密码已修改，其他设备上的登录已失效"), None),
    )
}
