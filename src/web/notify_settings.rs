//! 通知设置: each user's own e-mail and which events they want mailed (sent
//! through the `[[notify]]` smtp channel by `radar serve`). An enterprise
//! user may choose only the events of their own enterprise (new candidates,
//! decisions, submissions); the scoping is applied again at delivery.

use super::auth::{Authed, user};
use super::pages::{PageResult, csrf_field};
use super::{Shared, WebError, blocking};
use crate::store::{AuditRecord, UserRole};
use axum::Router;
use axum::extract::{Form, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use maud::html;

pub fn routes() -> Router<Shared> {
    Router::new().route("/settings/notify", get(show).post(save))
}

/// The topics a user may choose, with their Chinese names.
fn choices(who: &Authed) -> Vec<(&'static str, &'static str)> {
    let mut all = vec![
        ("candidates", "新候选证据"),
        ("decisions", "审核决定"),
        ("submissions", "企业报送与申诉"),
    ];
    if who.user.role != UserRole::Enterprise {
        all.extend([
            ("alarms", "信息源告警与采集失败"),
            ("checkpoints", "台账签名检查点"),
            ("daily", "每日简报"),
        ]);
    }
    all
}

async fn show(State(state): State<Shared>, headers: HeaderMap) -> PageResult {
    let who = user(&state, &headers).await?;
    let name = who.user.name.clone();
    let mine = blocking(&state, move |s| {
        s.read(|store| {
            Ok(store
                .notify_prefs()?
                .into_iter()
                .find(|(u, _, _)| *u == name))
        })
    })
    .await?;
    let (email, topics) = mine.map(|(_, e, t)| (e, t)).unwrap_or_default();
    let body = html! {
        p { "通知将发送到您填写的邮箱。" @if who.user.role == UserRole::Enterprise { "您只会收到本企业的通知。" } }
        form method="post" action="/settings/notify" {
            (csrf_field(&who))
            label { "邮箱 " input type="email" name="email" value=(email) maxlength="254"; }
            fieldset {
                legend { "希望收到的通知" }
                @for (code, label) in choices(&who) {
                    label.choice {
                        input type="checkbox" name="events" value=(code) checked[topics.iter().any(|t| t == code)];
                        " " (label)
                    }
                }
            }
            button type="submit" { "保存" }
        }
    };
    super::pages::page_for("通知设置", &who, body)
}

/// The form: `events` repeats, so it is read as pairs.
async fn save(
    State(state): State<Shared>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
    };
    who.check_form_csrf(&get("csrf").unwrap_or_default())?;
    let email = get("email").unwrap_or_default();
    let ok = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.'))
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',');
    if !ok {
        return Err(WebError::BadRequest("请填写正确的邮箱地址".into()).into());
    }
    let allowed = choices(&who);
    let topics: Vec<String> = pairs
        .iter()
        .filter(|(n, v)| n == "events" && allowed.iter().any(|(c, _)| c == v))
        .map(|(_, v)| v.clone())
        .collect();
    blocking(&state, move |s| {
        s.with_store(|store| {
            store.set_notify_prefs(&who.user.name, &email, &topics)?;
            let mut rec = AuditRecord::new(&who.user.name, "notify.settings");
            rec.note = Some(format!("{email}: {}", topics.join(",")));
            store.audit(&rec)?;
            Ok(())
        })
    })
    .await?;
    Ok(Redirect::to("/settings/notify").into_response())
}
