//! 信息源: every source with its health over the last ten runs (as `radar
//! sources --health` shows it: runs, last run, last success, yield, error
//! rate, layout-change alarms), its next run from its cron in Beijing time,
//! and its coverage by day for the last 14 days (as `radar coverage`). Admins
//! get a 立即运行 button that queues the source for the scheduler loop of
//! `radar serve` (`super::RunQueue`); a server without a scheduler says so.

use super::auth::user;
use super::pages::{PageResult, csrf_field, page};
use super::{Shared, WebError, blocking};
use crate::schedule::SourceSchedule;
use crate::store::{DayCoverage, SourceHealth, UserRole};
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use maud::html;

/// Days of coverage shown.
pub const COVERAGE_DAYS: i64 = 14;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/sources", get(sources_page))
        .route("/sources/{id}/run", post(run_now))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct SourcesQuery {
    queued: Option<String>,
}

fn day_label(d: &DayCoverage) -> &'static str {
    match d.status() {
        "fetched" => "已抓取",
        "none" => "无版面",
        "open" => "未完成",
        _ => "—",
    }
}

fn next_run(expr: &str, id: &str) -> String {
    match SourceSchedule::new(id, expr) {
        Ok(s) => s
            .next_after(chrono::Utc::now())
            .map(|t| {
                t.with_timezone(&crate::model::BEIJING)
                    .format("%Y-%m-%d %H:%M（北京时间）")
                    .to_string()
            })
            .unwrap_or_else(|| "无".into()),
        Err(e) => format!("调度表达式有误：{}", e.message),
    }
}

async fn sources_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<SourcesQuery>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    // Source internals (schedules, health, coverage) are the operators'.
    if who.scope.enterprise().is_some() {
        let body = maud::html! {
            p { "信息源由管理员维护。本系统每天抓取人民日报、光明日报、经济日报、中央广播电视总台及市、区政府网站等，发现提及本企业的报道后交审核员审核。" }
            p { "网上查不到的材料（如领导批示、会议纪要、内部简报）请在 " a href="/submissions" { "报送材料" } " 中上传。" }
        };
        return page("信息源", &who, body);
    }
    let to = crate::model::beijing_today();
    let from = to - chrono::Duration::days(COVERAGE_DAYS - 1);
    let rows: Vec<(SourceHealth, Vec<DayCoverage>)> = blocking(&state, move |s| {
        s.read(|store| {
            s.sources
                .iter()
                .map(|src| {
                    Ok((
                        store.source_health(&src.id, 10)?,
                        store.coverage(&src.id, from, to)?,
                    ))
                })
                .collect::<Result<Vec<_>, WebError>>()
        })
    })
    .await?;
    let admin = who.user.role == UserRole::Admin;
    let days: Vec<String> = from
        .iter_days()
        .take(COVERAGE_DAYS as usize)
        .map(|d| d.format("%m-%d").to_string())
        .collect();
    let body = html! {
        @if let Some(id) = q.queued.as_deref() {
            p.ok { "已排队立即运行信息源 " (id) "：调度器将在半秒内开始抓取，结果见下方“最近运行”。" }
        }
        @if state.run_queue.is_none() {
            p.note { "此服务未运行调度器（单独启动的网页服务）：“立即运行”不可用。请用 radar serve --listen 同时启动调度器和网页。" }
        }
        p { (state.sources.len()) " 个信息源，" (state.sources.iter().filter(|s| s.enabled).count()) " 个启用；告警 "
            (rows.iter().map(|(h, _)| h.alarms.len()).sum::<usize>()) " 条" }
        table.sources {
            thead { tr {
                th { "信息源" } th { "类型" } th { "媒体" } th { "条目" } th { "调度" } th { "下次运行" }
                th { "最近运行（北京时间）" } th { "最近成功（北京时间）" } th { "运行次数" } th { "篇/次" } th { "错误率" } th { "浏览器抓取" } th { "告警" }
                @if admin { th { "操作" } }
            } }
            tbody { @for (src, (h, _)) in state.sources.iter().zip(&rows) {
                @let expr = src.schedule.as_deref().unwrap_or(&state.default_schedule);
                tr.source id=(format!("source-{}", src.id)) {
                    td { (src.name) br; code { (src.id) } @if !src.enabled { " （已停用）" } }
                    td { (kind_zh(src.kind)) }
                    td { (src.outlet) }
                    td { @if src.item == "lead" { "线索" } @else { (src.item) } }
                    td { code { (expr) } }
                    td { @if src.enabled { (next_run(expr, &src.id)) } @else { "已停用" } }
                    td { (h.last_run.as_deref().map_or_else(|| "从未运行".into(), super::pages::beijing_time)) }
                    td { (h.last_success.as_deref().map_or_else(|| "从未成功".into(), super::pages::beijing_time)) }
                    td { (h.runs) }
                    td { (format!("{:.1}", h.articles_per_run)) }
                    td { (format!("{:.0}%", h.error_rate * 100.0)) }
                    td.browser { (browser_zh(h)) }
                    td.alarms { @if h.alarms.is_empty() { "无" } @else {
                        ul { @for a in &h.alarms { li.alarm { "告警：" (crate::notify::alarm_zh(a)) } } }
                    } }
                    @if admin { td {
                        @if src.enabled && state.run_queue.is_some() {
                            form.run method="post" action=(format!("/sources/{}/run", src.id)) {
                                (csrf_field(&who))
                                button type="submit" { "立即运行" }
                            }
                        } @else if !src.enabled { "已停用" } @else { "无调度器" }
                    } }
                }
            } }
        }
        h2 { "近 " (COVERAGE_DAYS) " 天覆盖情况" }
        p.note { "已抓取：当天版面或日列表已抓取；无版面：当天没有出版；未完成：仍待抓取；—：非按日信息源或未抓取。数字为文章数。" }
        table.coverage {
            thead { tr { th { "信息源" } @for d in &days { th { (d) } } } }
            tbody { @for (src, (_, cov)) in state.sources.iter().zip(&rows) {
                tr { td { (src.id) } @for d in cov {
                    td class=(format!("cov-{}", d.status())) title=(d.date) {
                        (day_label(d)) @if d.articles > 0 { br; (d.articles) " 篇" }
                    }
                } }
            } }
        }
    };
    page("信息源", &who, body)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct RunForm {
    #[serde(default)]
    csrf: String,
}

async fn run_now(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<RunForm>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    who.check_form_csrf(&f.csrf)?;
    if who.user.role != UserRole::Admin {
        return Err(WebError::Forbidden("只有管理员可以立即运行信息源".into()).into());
    }
    let Some(src) = state.sources.iter().find(|s| s.id == id) else {
        return Err(WebError::NotFound(format!("没有信息源 {id}")).into());
    };
    if !src.enabled {
        return Err(WebError::Conflict(format!("信息源 {id} 已停用，不能运行")).into());
    }
    let Some(queue) = &state.run_queue else {
        return Ok((
            StatusCode::SERVICE_UNAVAILABLE,
            super::pages::page(
                "信息源",
                &who,
                html! { p.error { "此服务未运行调度器：请用 radar serve --listen 启动后再立即运行。" } },
            )?,
        )
            .into_response());
    };
    queue.push(&src.id);
    tracing::info!(source = %src.id, by = %who.user.name, "run now queued");
    let to = format!(
        "/sources{}",
        super::pages::query_string(&[("queued", Some(&src.id))])
    );
    Ok(Redirect::to(&to).into_response())
}

/// A source's kind in a reviewer's words.
fn kind_zh(kind: crate::model::SourceKind) -> &'static str {
    use crate::model::SourceKind;
    match kind {
        SourceKind::Feed => "订阅源",
        SourceKind::Listing => "栏目列表",
        SourceKind::Epaper => "电子报",
        SourceKind::Broadcast => "广播电视",
    }
}

/// The latest run's pages through the browser and script challenges.
fn browser_zh(h: &SourceHealth) -> String {
    if h.browser_pages == 0 && h.challenges_met == 0 {
        return "无".into();
    }
    format!(
        "浏览器抓取 {} 页；遇到脚本验证 {} 页，通过 {} 页",
        h.browser_pages, h.challenges_met, h.challenges_solved
    )
}
