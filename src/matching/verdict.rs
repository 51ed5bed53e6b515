//! One enterprise's verdict in one article: evidence when at least one
//! mention is anchored, outside any list and not excluded; a score (0–1)
//! from the best kind of name, the headline, the mention count, the share
//! of paragraphs and the reform vocabulary; a confidence; the depth
//! signals; and the reasons in words a reviewer reads (Simplified Chinese).

use crate::model::{
    AliasKind, Confidence, DepthSignals, Enterprise, EnterpriseMatch, Mention, MentionField,
};

/// How a mention got its anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorHow {
    /// A distinctive name needs none.
    Distinctive,
    /// The district's name attached: 万州城投集团.
    Attached,
    /// The district's name in the same paragraph.
    Paragraph,
    /// A distinctive name of the enterprise earlier in the article.
    Earlier,
    /// A home source.
    Home,
    /// An article-local name whose teacher was anchored.
    Local,
    Unanchored,
}

/// A mention with what the verdict needs beyond the model's fields.
#[derive(Debug, Clone)]
pub struct Found {
    pub mention: Mention,
    pub how: AnchorHow,
    pub ambiguous: bool,
    pub list_size: usize,
    pub former: Option<String>,
    /// Why the name here means someone else.
    pub not_ours: Option<String>,
    /// Whom else the name means (a known namesake), for the reason.
    pub namesake: Option<String>,
}

impl Found {
    fn counts(&self) -> bool {
        self.mention.anchored && self.mention.excluded.is_none()
    }
    fn evidence(&self) -> bool {
        self.counts() && !self.mention.in_list
    }
}

/// What the article's body gives every verdict.
#[derive(Debug, Clone)]
pub struct BodyStats {
    /// Non-empty body paragraphs.
    pub paragraphs: usize,
    pub length: usize,
    pub vocab: usize,
    pub page: Option<String>,
}

fn kind_weight(f: &Found) -> f64 {
    if f.ambiguous {
        return match f.how {
            AnchorHow::Attached => 0.4,
            AnchorHow::Earlier => 0.4,
            _ => 0.3,
        };
    }
    match f.mention.kind {
        AliasKind::FullName => 0.55,
        AliasKind::ShortName => 0.45,
        AliasKind::FormerName if f.former.as_deref().is_some_and(|n| n.contains("无日期")) => {
            0.3
        }
        AliasKind::FormerName => 0.4,
        AliasKind::Brand => 0.4,
        AliasKind::ArticleLocal => 0.4,
    }
}

fn name_label(f: &Found) -> String {
    let label = f.mention.kind.label_zh();
    if f.mention.kind == AliasKind::FullName {
        label.to_string()
    } else {
        format!("{label}“{}”", f.mention.alias)
    }
}

pub fn judge(
    ent: &Enterprise,
    parent: Option<&Enterprise>,
    found: Vec<Found>,
    body: &BodyStats,
    anchor: &str,
) -> EnterpriseMatch {
    let evidence = found.iter().any(Found::evidence);
    let counting: Vec<&Found> = found.iter().filter(|f| f.counts()).collect();
    let strong: Vec<&Found> = found.iter().filter(|f| f.evidence()).collect();

    let in_title = strong.iter().any(|f| f.mention.in_title);
    let mut paragraphs: Vec<usize> = counting
        .iter()
        .filter(|f| f.mention.field == MentionField::Body)
        .map(|f| f.mention.paragraph)
        .collect();
    paragraphs.sort_unstable();
    paragraphs.dedup();
    let share = if body.paragraphs == 0 {
        0.0
    } else {
        (paragraphs.len() as f64 / body.paragraphs as f64).min(1.0)
    };
    let density = if body.length == 0 {
        0.0
    } else {
        body.vocab as f64 * 1000.0 / body.length as f64
    };
    let signals = DepthSignals {
        in_title,
        mentions: counting.len(),
        paragraph_share: share,
        reform_density: density,
        length: body.length,
        page: body.page.clone(),
    };

    let mut reasons: Vec<String> = Vec::new();
    // The headline.
    for field in [
        MentionField::Pretitle,
        MentionField::Title,
        MentionField::Subtitle,
    ] {
        if let Some(f) = strong.iter().find(|f| f.mention.field == field) {
            reasons.push(format!("{}中出现{}", field.label_zh(), name_label(f)));
        }
    }
    // The body.
    let body_strong: Vec<&&Found> = strong
        .iter()
        .filter(|f| f.mention.field == MentionField::Body)
        .collect();
    if let Some(best) = body_strong
        .iter()
        .max_by(|a, b| kind_weight(a).total_cmp(&kind_weight(b)))
    {
        reasons.push(format!(
            "正文出现{}，共{}处，涉及{}/{}段",
            name_label(best),
            body_strong.len(),
            paragraphs.len(),
            body.paragraphs
        ));
    }
    // How generic names were anchored.
    let mut seen_how: Vec<(AnchorHow, String)> = Vec::new();
    for f in strong
        .iter()
        .filter(|f| f.ambiguous || f.how == AnchorHow::Local)
    {
        let alias = f.mention.alias.clone();
        if seen_how.iter().any(|(h, a)| *h == f.how && *a == alias) {
            continue;
        }
        let text = match f.how {
            AnchorHow::Attached => format!("简称“{alias}”前紧接“万州”等本区地名"),
            AnchorHow::Paragraph => format!("简称“{alias}”与“万州”等本区地名同段出现"),
            AnchorHow::Earlier => format!("简称“{alias}”前文已出现本企业全称或专有简称"),
            AnchorHow::Home => format!("简称“{alias}”见于本区官方来源"),
            AnchorHow::Local => format!("文中约定简称“{alias}”（以下简称）"),
            _ => continue,
        };
        seen_how.push((f.how, alias));
        reasons.push(text);
    }
    // Former names.
    let mut formers: Vec<String> = found
        .iter()
        .filter(|f| f.mention.anchored && f.not_ours.is_none())
        .filter_map(|f| f.mention.excluded.clone().or_else(|| f.former.clone()))
        .collect();
    formers.sort();
    formers.dedup();
    reasons.extend(formers);
    if let Some(p) = parent {
        reasons.push(format!("子公司，计入母公司“{}”", p.name));
    } else if let Some(p) = &ent.parent {
        reasons.push(format!("子公司，母公司“{p}”未登记"));
    }
    // Why not evidence.
    if !evidence {
        let listed: Vec<&Found> = counting
            .iter()
            .copied()
            .filter(|f| f.mention.in_list)
            .collect();
        if !listed.is_empty() {
            let n = listed.iter().map(|f| f.list_size).max().unwrap_or(0);
            reasons.push(format!("仅在{n}家单位的名单或列举中出现"));
        }
        // Names that mean someone else here, each reason once.
        let mut theirs: Vec<&str> = Vec::new();
        for f in &found {
            if let Some(r) = f.not_ours.as_deref()
                && !theirs.contains(&r)
            {
                theirs.push(r);
            }
        }
        reasons.extend(theirs.iter().map(|r| r.to_string()));
        let unanchored: Vec<&Found> = found
            .iter()
            .filter(|f| !f.mention.anchored && f.not_ours.is_none())
            .collect();
        if let Some(f) = unanchored.first() {
            reasons.push(match &f.namesake {
                Some(other) => format!(
                    "“{}”也是{}的名称，同段无“{anchor}”等限定，不计",
                    f.mention.alias, other
                ),
                None => format!(
                    "简称“{}”无“{anchor}”等限定，也无前文全称，不计",
                    f.mention.alias
                ),
            });
        }
    }
    if density > 0.0 {
        reasons.push(format!("改革词汇{density:.1}次/千字"));
    }

    // The score.
    let score = if evidence {
        let best = strong.iter().map(|f| kind_weight(f)).fold(0.0, f64::max);
        let extra = (strong.len().saturating_sub(1) as f64 / 4.0).min(1.0);
        let lead = strong.iter().any(|f| f.mention.in_lead);
        let s = best
            + if in_title { 0.2 } else { 0.0 }
            + 0.1 * extra
            + 0.1 * share
            + 0.1 * (density / 10.0).min(1.0)
            + if lead { 0.05 } else { 0.0 };
        s.min(1.0)
    } else if !counting.is_empty() {
        0.15
    } else {
        0.05
    };
    let undated_former_only = strong.iter().all(|f| {
        f.mention.kind == AliasKind::FormerName
            && f.former.as_deref().is_some_and(|n| n.contains("无日期"))
    });
    let confidence = if !evidence {
        Confidence::Low
    } else if score >= 0.75 && !undated_former_only {
        Confidence::High
    } else if score >= 0.45 {
        Confidence::Medium
    } else {
        Confidence::Low
    };
    EnterpriseMatch {
        enterprise: ent.id.clone(),
        confidence,
        score: (score * 1000.0).round() / 1000.0,
        reasons,
        signals,
        evidence,
        mentions: found.into_iter().map(|f| f.mention).collect(),
    }
}
