//! One enterprise's standing for a leader: the figures in words, a small
//! chart of its items per quarter (server-side SVG, no script), the
//! timeline of its items, and the checkpoint as a short fingerprint with a
//! page on how to verify it.

use super::score::{quarter_links, target_words};
use super::{PageResult, name_of, page};
use crate::report::{EnterpriseScore, ReportItem, fingerprint};
use crate::scoring::Quarter;
use crate::web::api::{ScoreQuery, sheet};
use crate::web::auth::user;
use crate::web::{Shared, WebError, blocking};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use maud::{Markup, PreEscaped, html};

/// The checkpoint as a fingerprint line with the link to how it is verified.
pub(super) fn fingerprint_line(note: &str) -> Markup {
    html! {
        @if let Some((size, fp)) = fingerprint(note) {
            p.checkpoint {
                "数据依据：台账检查点（共 " (size) " 条记录，指纹 " span.fingerprint { (fp) } "）。"
                a href="/score/checkpoint" { "如何核验" }
            }
        }
    }
}

/// Items per quarter per category, as a bar chart with its legend (SVG, 360 × 192).
pub(super) fn quarter_chart(items: &[ReportItem]) -> Markup {
    const CATS: [(&str, &str, &str); 4] = [
        ("A", "A 类", "#8b0000"),
        ("B", "B 类", "#d9822b"),
        ("C", "C 类", "#2f6f9f"),
        ("", "典型案例", "#6a8f3a"),
    ];
    let mut counts = [[0u32; 4]; 4];
    for i in items {
        let q = usize::from(Quarter::of(i.date).number() - 1);
        let c = CATS
            .iter()
            .position(|(id, _, _)| i.category.as_deref() == Some(*id))
            .unwrap_or(3);
        counts[q][c] += 1;
    }
    let max = counts
        .iter()
        .map(|q| q.iter().sum::<u32>())
        .max()
        .unwrap_or(0)
        .max(1);
    let (left, bottom, height, bar) = (30.0, 140.0, 110.0, 48.0);
    let mut svg = String::new();
    svg.push_str(&format!(
        r##"<svg class="chart" viewBox="0 0 360 192" width="360" height="192" role="img" aria-label="各季度计入项目数"><line x1="{left}" y1="{bottom}" x2="350" y2="{bottom}" stroke="#999"/>"##
    ));
    for (q, row) in counts.iter().enumerate() {
        let x = left + 10.0 + q as f64 * 80.0;
        let mut y = bottom;
        for (c, n) in row.iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let h = height * f64::from(*n) / f64::from(max);
            y -= h;
            svg.push_str(&format!(
                r#"<rect x="{x}" y="{y:.1}" width="{bar}" height="{h:.1}" fill="{}"><title>{} {n} 项</title></rect>"#,
                CATS[c].2, CATS[c].1
            ));
        }
        let total: u32 = row.iter().sum();
        svg.push_str(&format!(
            r##"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle" fill="#222">{total}</text><text x="{:.1}" y="158" font-size="12" text-anchor="middle" fill="#555">第{}季度</text>"##,
            x + bar / 2.0,
            y - 4.0,
            x + bar / 2.0,
            q + 1
        ));
    }
    // The legend inside the picture: the page's policy allows no inline style.
    for (k, (_, label, color)) in CATS.iter().enumerate() {
        let x = left + k as f64 * 80.0;
        svg.push_str(&format!(
            r##"<rect x="{x}" y="176" width="10" height="10" fill="{color}"/><text x="{:.1}" y="185" font-size="12" fill="#555">{label}</text>"##,
            x + 14.0
        ));
    }
    svg.push_str("</svg>");
    html! { figure.chart { (PreEscaped(svg)) } }
}

fn figures(e: &EnterpriseScore) -> Markup {
    html! {
        section.cards {
            div.card { div.big { (e.a) } div { "A 类（全国性肯定）" } }
            div.card { div.big { (e.b) } div { "B 类（中央媒体）" } }
            div class=(if e.c_missing > 0 { "card warn" } else { "card ok" }) {
                div.big { (e.c) " / " (e.c_target) } div { (target_words(e)) }
            }
            div.card { div.big { (e.pending) } div { "待审核（候选与报送）" } }
            div.card { div.big { (crate::report::signed_points(e.total)) } div { "合计得分" } }
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct YearQuery {
    year: Option<String>,
}

pub(super) async fn enterprise_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    if !who.scope.allows(&id) || state.registry.get(&id).is_none() {
        return Err(WebError::NotFound(format!("没有企业 {id}")).into());
    }
    let (w, i2) = (who.clone(), id.clone());
    let sheet = blocking(&state, move |s| {
        sheet(
            s,
            &w,
            &ScoreQuery {
                year: q.year,
                quarter: None,
                enterprise: Some(i2),
            },
        )
    })
    .await?;
    let Some(e) = sheet.enterprises.first() else {
        return Err(WebError::NotFound(format!("没有企业 {id}")).into());
    };
    let body = html! {
        p.lead { (sheet.commission) " · " (sheet.year) " 年全年"
            @if e.id != id { " · " (name_of(&state.registry, &id)) " 的得分计入 " (e.name) } }
        (figures(e))
        h2 { "各季度计入项目" }
        (quarter_chart(&e.items))
        p.downloads { "季度报送：" (quarter_links(e, sheet.year)) }
        p.downloads { "导出：" (crate::web::exports::buttons(&e.id, sheet.year, None)) }
        h2 { "项目时间线" }
        @if e.items.is_empty() { p { "本年度尚无计入台账的项目。" } }
        ol.timeline { @for i in &e.items {
            li {
                div.meta { (i.date) " · " (i.code) " " (i.item_short)
                    @if let Some(n) = &i.named_enterprise { " · " (n) } }
                div { (crate::report::citation::cite(i)) }
                div.sub { "审核：" (i.reviewer) " · " a href=(format!("/ledger/{}/evidence", i.entry)) { "查看证据" } }
            }
        } }
        @if let Some(cp) = &sheet.checkpoint { (fingerprint_line(cp)) }
    };
    page(&e.name.clone(), &who, body)
}

/// How to verify the checkpoint the figures come from, with its full text.
pub(super) async fn checkpoint_page(State(state): State<Shared>, headers: HeaderMap) -> PageResult {
    let who = user(&state, &headers).await?;
    let note = blocking(&state, |s| {
        s.read(|store| {
            crate::pipeline::scores::latest_checkpoint(store)
                .map_err(|e| WebError::Internal(e.to_string()))
        })
    })
    .await?;
    let body = html! {
        @match note.as_deref().and_then(|n| fingerprint(n).map(|f| (n, f))) {
            None => p { "台账尚无记录，还没有检查点。" },
            Some((n, (size, fp))) => {
                p { "记分、报送材料和证据包都依据台账的签名检查点生成。检查点记录台账共 " (size)
                    " 条记录时全部记录的哈希（默克尔树根），指纹为 " span.fingerprint { (fp) } "。" }
                p { (crate::report::citation::CHECKPOINT_PROOF) }
                h2 { "核验方法" }
                ol {
                    li { "比对指纹：报送材料附件中的检查点与本页指纹相同，即依据同一台账状态。" }
                    li { "在服务器上运行 " code { "radar ledger verify" } "：逐条重算台账记录和每个检查点，并核对签名。" }
                    li { "证据包中附有 " code { "verify.py" } "：无需本系统，用 Python 即可核验证据文件的摘要和检查点。" }
                    li { "签名可用 OpenSSL 独立核验：" code { "openssl pkeyutl -verify -pubin -inkey 公钥.pem -rawin -in 正文 -sigfile 签名" } "。" }
                }
                h2 { "检查点全文" }
                pre { (n) }
            },
        }
    };
    page("如何核验台账检查点", &who, body)
}
