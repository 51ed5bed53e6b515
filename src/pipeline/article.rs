//! From an extraction to a stored article: the stable id from the canonical
//! URL, the source's outlet and scoring item, the context's page and date.

use crate::discover::{TaskContext, canonical_url};
use crate::extract::{Extracted, Hints, PageInput, extract_article};
use crate::model::{Article, ArticleId, SourceDef, SourceId, SourceKind};
use url::Url;

/// Extract the article on a page and give it its identity.
pub fn build_article(
    source: &SourceDef,
    ctx: &TaskContext,
    url: &Url,
    html: &str,
) -> (Article, Extracted) {
    let hints = Hints {
        title: ctx.title.clone(),
        date: ctx.date,
        page: ctx.page.clone(),
        prefer_url_date: source.kind == SourceKind::Epaper,
    };
    let ex = extract_article(&PageInput { url, html }, &source.fields, &hints);
    let canonical = canonical_url(url);
    let article = Article {
        id: ArticleId::from_canonical_url(&canonical),
        url: url.to_string(),
        canonical_url: canonical,
        source: SourceId(source.id.clone()),
        outlet: source.outlet.clone(),
        item: source.item.clone(),
        title: ex.title.clone(),
        pretitle: ex.pretitle.clone(),
        subtitle: ex.subtitle.clone(),
        author: ex.author.clone(),
        // A broadcast item's date is the broadcast's, whatever its page says.
        published: match source.kind {
            SourceKind::Broadcast => ctx.date.or(ex.published),
            _ => ex.published.or(ctx.date),
        },
        page: ex
            .page
            .clone()
            .or_else(|| ctx.page.clone())
            .or_else(|| crate::discover::page_label_of(source, html)),
        body: ex.body.clone(),
        extractor: ex.extractor,
        citation: ex.citation.clone(),
        warnings: ex.warnings.clone(),
    };
    (article, ex)
}
