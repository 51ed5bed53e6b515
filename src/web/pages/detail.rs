//! 证据详情: one candidate with its mentions highlighted, its depth signals
//! and copies, and the archived original as fetched (sandboxed).

use super::decided::{Decided, banner, recent};
use super::passages::{Passages, names_of, passages, verdict};
use super::queue::{decision_forms, queue_position, reject_fields, story_candidates};
use super::{
    ARCHIVE_CSP, PageResult, beijing_time, csrf_field, item_label, name_of, outlet_label, page,
    safe_href, status_label, status_text,
};
use crate::model::DepthSignals;
use crate::pipeline::review;
use crate::pipeline::review::archived_images;
use crate::store::{CandidateFilter, CandidateStatus};
use crate::web::api::{copy_candidates, visible_candidate};
use crate::web::auth::user;
use crate::web::{Shared, WebError, blocking};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use maud::{Markup, html};

/// Text split where any of `names` occurs: (is a mention, text).
pub(super) fn highlight<'a>(text: &'a str, names: &[String]) -> Vec<(bool, &'a str)> {
    let mut out = Vec::new();
    let mut plain_from = 0;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if let Some(n) = names
            .iter()
            .find(|n| !n.is_empty() && rest.starts_with(n.as_str()))
        {
            if plain_from < i {
                out.push((false, &text[plain_from..i]));
            }
            out.push((true, &text[i..i + n.len()]));
            i += n.len();
            plain_from = i;
            continue;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    if plain_from < text.len() {
        out.push((false, &text[plain_from..]));
    }
    out
}

pub(super) async fn detail(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(d): Query<Decided>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let w = who.clone();
    let loaded = blocking(&state, move |s| {
        s.read(|store| {
            let recent = recent(store, &w, &d)?;
            let c = visible_candidate(store, &w, &id)?;
            let copy_cands = copy_candidates(store, &w, &c)?;
            let story = story_candidates(store, &w, &c)?;
            let article = store.article(&c.article_id)?;
            let history = store.candidate_history(c.id)?;
            let mentions = store.mentions_of(&c.article_id, &c.named_enterprise)?;
            let thread = super::thread::Thread {
                comments: store.comments(c.id)?,
                appeal: store.appeals()?.remove(&c.id),
                rejection: store.rejection_reasons()?.remove(&c.id),
            };
            let mut copies = Vec::new();
            for a in store.syndicated_copies(&crate::model::ArticleId(c.article_id.clone()))? {
                if let Some(row) = store.article(&a.0)? {
                    copies.push((row.article.outlet, row.article.title, row.article.published));
                }
            }
            let position = queue_position(store, &w, c.id)?;
            let images = archived_images(&s.home, store, &c.article_id).unwrap_or_default();
            Ok(Loaded {
                c,
                article,
                history,
                copies,
                copy_cands,
                story,
                recent,
                mentions,
                position,
                images,
                thread,
            })
        })
    })
    .await?;
    let Loaded {
        c,
        article,
        history,
        copies,
        copy_cands,
        story,
        recent,
        mentions,
        position,
        images,
        thread,
    } = loaded;
    let reg = &state.registry;
    let names = names_of(reg, &[c.named_enterprise.as_str(), c.enterprise.as_str()]);
    let signals = serde_json::from_value::<DepthSignals>(c.signals.clone()).ok();
    let body_text = article.as_ref().map_or("", |a| a.article.body.as_str());
    let found = passages(&c.title, body_text, &mentions, &names);
    let (deep, verdict_line) = verdict(&state.rules.depth, &found, signals.as_ref());
    let page_label = article
        .as_ref()
        .and_then(|a| a.article.page.clone())
        .or_else(|| signals.as_ref().and_then(|d| d.page.clone()));
    let reviewer = who.user.role.can_review();
    // After a decision here, the next pending candidate opens at once.
    let next = format!("/candidates/{}/next", c.id);
    let can_review = who.user.role.can_review();
    const SHOWN_PASSAGES: usize = 4;
    let body = html! {
        section.decide {
            // Taking back the last decision returns to the candidate it was on.
            @if let Some(r) = &recent { (banner(&who, r, &format!("/candidates/{}", r.id()))) }
            (super::thread::banner(&c, &thread))
            p.position {
                "候选证据 #" (c.id) " · " (status_label(c.status))
                @if let Some((n, total)) = position { " · 待审第 " span.pos { (n) "/" (total) } " 条" }
                @if c.confidence == "manual" { " · " span.manual { "人工发现" } }
                @if who.user.role.can_review() { " · 按 ? 查看快捷键" }
            }
            h2.title { @for (m, t) in highlight(&c.title, &names) { @if m { mark { (t) } } @else { (t) } } }
            p.facts {
                span { "企业：" (name_of(reg, &c.named_enterprise)) @if c.named_enterprise != c.enterprise { "（计入 " (name_of(reg, &c.enterprise)) "）" } }
                span { "条目：" (item_label(&state.rules, &c.item)) "（" (c.points) " 分）" }
                span { "媒体：" (outlet_label(&c.outlet)) }
                span { "日期：" (c.published.as_deref().unwrap_or("无日期")) @if let Some(p) = &page_label { " " (p) } }
            }
            p class=(if deep { "verdict deep" } else { "verdict shallow" }) { (verdict_line) }
            @if found.passages.is_empty() {
                p.no-passage { "正文中没有找到本企业的名称，请对照下方正文和存档原网页判断。" }
            } @else {
                ol.passages {
                    @for p in found.passages.iter().take(SHOWN_PASSAGES) {
                        li { span.para { "第 " (p.paragraph) " 段" }
                            @for (m, t) in &p.parts { @if *m { mark { (t) } } @else { (t) } } }
                    }
                }
                @if found.passages.len() > SHOWN_PASSAGES {
                    p.more { "另有 " (found.passages.len() - SHOWN_PASSAGES) " 句提及，见下方正文。" }
                }
            }
            @if can_review {
                @match c.status {
                    CandidateStatus::Pending => {
                        div.decision-bar {
                            (decision_forms(&who, c.id, &next, Some((&state.rules.item, &c.item, c.published.as_deref()))))
                        }
                    },
                    CandidateStatus::Rejected | CandidateStatus::Withdrawn => {
                        div.decision-bar { (reopen_form(&who, c.id)) }
                    },
                    CandidateStatus::Lead => {
                        div.decision-bar { (lead_forms(&who, &state.rules.item, &c)) }
                    },
                    CandidateStatus::Confirmed => {},
                }
            }
        }
        section.below {
        h2 { "判断理由" }
        ul { @for r in &c.reasons { li { (r) } } }
        @if reviewer {
            h2 { "深度信号" }
            @match &signals {
                Some(d) => (depth_table(d, &found)),
                None => p { "没有记录深度信号。" },
            }
        }
        @if !copy_cands.is_empty() || (c.status == CandidateStatus::Pending && !story.is_empty()) {
            h2 { "同一报道的待审候选证据" }
            ul { @for o in story.iter().chain(copy_cands.iter().filter(|o| !story.iter().any(|x| x.id == o.id))) {
                li { a href=(format!("/candidates/{}", o.id)) { "#" (o.id) " " (name_of(reg, &o.named_enterprise)) " · " (o.outlet) " 《" (o.title) "》" } " " (item_label(&state.rules, &o.item)) }
            } }
            @if can_review && !copy_cands.is_empty() {
                form.confirm-copies method="post" action=(format!("/candidates/{}/confirm-copies", c.id)) {
                    (csrf_field(&who))
                    button type="submit" {
                        @if c.status == CandidateStatus::Pending { "一并确认本条及本企业在其他媒体的 " } @else { "确认本企业在其他媒体的 " }
                        (copy_cands.len()) " 条转载"
                    }
                }
            }
            @if can_review && c.status == CandidateStatus::Pending && !story.is_empty() {
                form.reject-story method="post" action=(format!("/candidates/{}/reject-story", c.id)) {
                    (csrf_field(&who))
                    (reject_fields())
                    button type="submit" { "一并驳回本条及以上 " (story.len()) " 条" }
                }
            }
        }
        @if !copies.is_empty() {
            h2 { "其他媒体转载" }
            ul { @for (outlet, title, date) in &copies {
                li { (outlet) " 《" (title) "》 " (date.map(|d| d.to_string()).unwrap_or_default()) }
            } }
        }
        h2 { "文章正文（提及处高亮，段落编号）" }
        @match &article {
            Some(a) => {
                article.text {
                    @for (i, para) in a.article.body.split('\n').enumerate().filter(|(_, p)| !p.trim().is_empty()) {
                        p { span.para { (i + 1) } @for (m, t) in highlight(para, &names) { @if m { mark { (t) } } @else { (t) } } }
                    }
                }
            },
            None => p { "文章不在库中。" },
        }
        h2 { "原文地址" }
        p { @match safe_href(&c.url) {
            Some(h) => a href=(h) rel="noreferrer noopener" target="_blank" { (c.url) },
            None => span { (c.url) },
        } }
        h2 { "存档原网页（抓取时的原样，不执行脚本，图片取自存档）" }
        (images_note(&images))
        iframe.archive sandbox="" src=(format!("/archive/{}", c.article_id)) title="存档原网页" {}
        (super::thread::section(&who, &c, &thread))
        h2 { "状态记录" }
        table.history {
            thead { tr { th { "时间" } th { "操作人" } th { "从" } th { "到" } th { "说明" } } }
            tbody { @for e in &history {
                tr {
                    td { (beijing_time(&e.at)) }
                    td { (e.reviewer.as_deref().unwrap_or("系统（自动匹配）")) }
                    td { (e.from.as_deref().map_or("—", status_text)) }
                    td { (status_text(&e.to)) }
                    td { (history_note(e.reason.as_deref(), e.note.as_deref().unwrap_or(""))) }
                }
            } }
        }
        }
    };
    page("证据详情", &who, body)
}

/// What the detail page reads in one go.
struct Loaded {
    c: crate::store::CandidateRow,
    article: Option<crate::store::ArticleRow>,
    history: Vec<crate::store::CandidateEvent>,
    copies: Vec<(String, String, Option<chrono::NaiveDate>)>,
    copy_cands: Vec<crate::store::CandidateRow>,
    story: Vec<crate::store::CandidateRow>,
    recent: Option<super::decided::Recent>,
    mentions: Vec<crate::store::StoredMention>,
    position: Option<(usize, usize)>,
    images: Vec<review::ArchivedImage>,
    thread: super::thread::Thread,
}

/// Which of the original's images the archive holds, in words.
fn images_note(images: &[review::ArchivedImage]) -> Markup {
    let missing: Vec<&review::ArchivedImage> = images.iter().filter(|i| !i.archived).collect();
    html! {
        @if images.is_empty() {
            p.images { "原网页没有图片。" }
        } @else if missing.is_empty() {
            p.images { "原网页的 " (images.len()) " 张图片均已存档，下方照原样显示。" }
        } @else {
            p.images { "原网页有 " (images.len()) " 张图片，已存档并显示 " (images.len() - missing.len()) " 张；以下 " (missing.len()) " 张抓取时未存档，下方显示为空白框：" }
            ul.missing-images { @for i in missing.iter().take(20) { li { (i.url) } } }
        }
    }
}

/// Reopen a rejected or withdrawn candidate, with a reason.
fn reopen_form(who: &crate::web::auth::Authed, id: i64) -> Markup {
    html! {
        form.reopen method="post" action=(format!("/candidates/{id}/reopen")) {
            (csrf_field(who))
            label { "重新打开的理由 " input name="reason" required placeholder="例如：误驳回，应为深度报道"; }
            button type="submit" { "重新打开" }
        }
    }
}

/// A lead: dismiss it, or promote it to a candidate with a date and an item.
fn lead_forms(
    who: &crate::web::auth::Authed,
    items: &[crate::model::Item],
    c: &crate::store::CandidateRow,
) -> Markup {
    html! {
        form.promote method="post" action=(format!("/candidates/{}/promote", c.id)) {
            (csrf_field(who))
            label { "计分条目 "
                select name="item" required {
                    @for i in items { option value=(i.code) selected[i.code == c.item] { (i.code) " " (i.name) } }
                }
            }
            label { "刊播日期 " input name="date" type="date" required value=(c.published.as_deref().unwrap_or("")); }
            label { "说明 " input name="note" placeholder="例如：见人民日报 5 版"; }
            button type="submit" { "转为候选证据" }
        }
        form.dismiss method="post" action=(format!("/candidates/{}/dismiss", c.id)) {
            (csrf_field(who))
            label { "不予采用的理由 " input name="reason" required; }
            button type="submit" { "不予采用" }
        }
    }
}

pub(super) async fn archived(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(article): Path<String>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let page = blocking(&state, move |s| {
        s.read(|store| {
            if who.scope.enterprise().is_some() {
                let mine = store
                    .candidates(&CandidateFilter::default())?
                    .iter()
                    .any(|c| c.article_id == article && who.scope.allows(&c.named_enterprise));
                if !mine {
                    return Err(WebError::NotFound(format!("没有存档 {article}")));
                }
            }
            review::archived_page_with_images(&s.home, store, &article)
                .map_err(WebError::from)?
                .ok_or_else(|| WebError::NotFound(format!("没有存档 {article}")))
        })
    })
    .await?;
    let content_type = page
        .content_type
        .filter(|t| t.to_ascii_lowercase().starts_with("text/"))
        .unwrap_or_else(|| "application/octet-stream".into());
    let mut res = (StatusCode::OK, page.body).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(ARCHIVE_CSP),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Some(v) = page
        .content_encoding
        .and_then(|e| HeaderValue::from_str(&e).ok())
    {
        h.insert(header::CONTENT_ENCODING, v);
    }
    if !page.verified {
        // Altered bytes are never shown as the original: a red warning instead.
        let mut res = (
            StatusCode::CONFLICT,
            maud::html! {
                (maud::DOCTYPE)
                html lang="zh-CN" { head { meta charset="utf-8"; title { "证据已被改动" } }
                body { p style="color:#c00;font-weight:bold" { "证据已被改动" }
                       p { "存档记录的字节与抓取时记录的摘要不符，不予显示。" } } }
            }
            .into_string(),
        )
            .into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(ARCHIVE_CSP),
        );
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        h.insert("x-radar-verified", HeaderValue::from_static("no"));
        return Ok(res);
    }
    Ok(res)
}

/// The depth signals in a reviewer's words; the counts are the passages'
/// (the same the verdict line and the reasons give).
fn depth_table(d: &DepthSignals, p: &Passages) -> Markup {
    let yes_no = |b: bool| if b { "是" } else { "否" };
    html! {
        table.signals { tbody {
            tr { th { "标题提及" } td { (yes_no(p.in_title)) } }
            tr { th { "正文提及次数" } td { (p.body_mentions) " 处" } }
            tr { th { "提及段落" } td { (p.paragraphs_with) "/" (p.paragraphs) " 段（" (format!("{:.0}%", if p.paragraphs == 0 { 0.0 } else { p.paragraphs_with as f64 * 100.0 / p.paragraphs as f64 })) "）" } }
            tr { th { "改革词汇密度" } td { (format!("{:.1} 次/千字", d.reform_density)) } }
            tr { th { "正文字数" } td { (d.length) } }
            tr { th { "版面" } td { (d.page.as_deref().unwrap_or("—")) } }
        } }
    }
}

/// A candidate event's note as the store keeps it (shared with the CLI), in
/// a reviewer's words.
fn history_note(reason: Option<&str>, note: &str) -> String {
    if note == crate::store::APPEAL_NOTE {
        return "企业申请复核".to_string();
    }
    let what = match reason {
        Some("reopen") => "重新打开：",
        Some("undo") => "撤销确认：",
        Some("dismiss") => "不予采用：",
        Some("propose") => "",
        _ => "",
    };
    let note = if let Some(change) = note.strip_prefix("reclassified ") {
        format!("改归条目 {change}")
    } else if note == "proposed by matching" {
        "自动匹配提出".to_string()
    } else if note == "matched again" {
        "再次匹配".to_string()
    } else if let Some(why) = note.strip_prefix("match lost: ") {
        format!("匹配已失效（{why}）")
    } else {
        note.to_string()
    };
    format!("{what}{note}")
}
