//! Articles: upsert by stable id, duplicate detection by content within a
//! source, ordered change feed (`seq`) for the search index, syndication links.

use super::{Result, Store, StoreError, Tx, now_utc};
use crate::model::{Article, ArticleId, ExtractorKind, PrintCitation, SourceId};
use rusqlite::{OptionalExtension, Row, params};
use sha2::{Digest, Sha256};

/// What an upsert did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredArticle {
    /// A new article, with its change sequence number.
    New(i64),
    /// An existing article whose fields changed (re-processing), new seq.
    Updated(i64),
    /// Stored before with exactly these fields.
    Unchanged,
    /// The same article under another URL of the same source: not stored again.
    Duplicate(ArticleId),
}

/// An article with the archive record behind it.
#[derive(Debug, Clone)]
pub struct ArticleRow {
    pub article: Article,
    pub seq: i64,
    pub resource_id: Option<i64>,
    pub simhash: u64,
    pub first_seen: String,
}

/// Hash over every stored field, to tell an unchanged re-extraction apart.
fn content_hash(a: &Article) -> String {
    let mut h = Sha256::new();
    for part in [
        a.title.as_str(),
        a.pretitle.as_deref().unwrap_or(""),
        a.subtitle.as_deref().unwrap_or(""),
        a.author.as_deref().unwrap_or(""),
        a.page.as_deref().unwrap_or(""),
        a.body.as_str(),
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    if let Some(d) = a.published {
        h.update(d.to_string().as_bytes());
    }
    hex::encode(h.finalize())
}

const COLUMNS: &str = "id, seq, canonical_url, url, source, outlet, item, title, pretitle, subtitle, \
    author, published, page, body, extractor, citation_outlet, citation_date, citation_page, \
    warnings, resource_id, simhash, first_seen";

fn row_to_article(row: &Row<'_>) -> rusqlite::Result<std::result::Result<ArticleRow, String>> {
    let published: Option<String> = row.get(11)?;
    let extractor: String = row.get(14)?;
    let citation_outlet: Option<String> = row.get(15)?;
    let citation_date: Option<String> = row.get(16)?;
    let warnings: String = row.get(18)?;
    let simhash: i64 = row.get(20)?;
    let id: String = row.get(0)?;
    let build = || -> std::result::Result<ArticleRow, String> {
        let published = published
            .map(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d"))
            .transpose()
            .map_err(|e| format!("article {id}: published: {e}"))?;
        let citation = match (citation_outlet, citation_date) {
            (Some(outlet), Some(date)) => Some(PrintCitation {
                outlet,
                date: chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                    .map_err(|e| format!("article {id}: citation date: {e}"))?,
                page: row.get(17).map_err(|e| e.to_string())?,
            }),
            _ => None,
        };
        let g = |i: usize| -> std::result::Result<String, String> {
            row.get(i).map_err(|e| e.to_string())
        };
        let o = |i: usize| -> std::result::Result<Option<String>, String> {
            row.get(i).map_err(|e| e.to_string())
        };
        Ok(ArticleRow {
            article: Article {
                id: ArticleId(id.clone()),
                url: g(3)?,
                canonical_url: g(2)?,
                source: SourceId(g(4)?),
                outlet: g(5)?,
                item: g(6)?,
                title: g(7)?,
                pretitle: o(8)?,
                subtitle: o(9)?,
                author: o(10)?,
                published,
                page: o(12)?,
                body: g(13)?,
                extractor: ExtractorKind::parse(&extractor)
                    .ok_or_else(|| format!("article {id}: extractor `{extractor}`"))?,
                citation,
                warnings: serde_json::from_str(&warnings)
                    .map_err(|e| format!("article {id}: warnings: {e}"))?,
            },
            seq: row.get(1).map_err(|e| e.to_string())?,
            resource_id: row.get(19).map_err(|e| e.to_string())?,
            simhash: simhash as u64,
            first_seen: g(21)?,
        })
    };
    Ok(build())
}

fn collect(rows: Vec<std::result::Result<ArticleRow, String>>) -> Result<Vec<ArticleRow>> {
    rows.into_iter()
        .map(|r| r.map_err(StoreError::Corrupt))
        .collect()
}

impl Tx<'_> {
    pub fn article(&self, id: &str) -> Result<Option<ArticleRow>> {
        let mut stmt = self
            .tx
            .prepare_cached(&format!("SELECT {COLUMNS} FROM articles WHERE id = ?1"))?;
        let row = stmt.query_row(params![id], row_to_article).optional()?;
        row.map(|r| r.map_err(StoreError::Corrupt)).transpose()
    }

    /// Store an article (insert, update, or recognise it as unchanged or a duplicate).
    pub fn upsert_article(
        &self,
        a: &Article,
        resource_id: Option<i64>,
        simhash: u64,
    ) -> Result<StoredArticle> {
        let hash = content_hash(a);
        let existing: Option<(String, Option<i64>)> = self.query_opt(
            "SELECT content_sha256, resource_id FROM articles WHERE id = ?1",
            params![a.id.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let warnings =
            serde_json::to_string(&a.warnings).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let now = now_utc();
        let next_seq: i64 =
            self.query_one("SELECT COALESCE(MAX(seq), 0) + 1 FROM articles", [], |r| {
                r.get(0)
            })?;
        let (c_outlet, c_date, c_page) = match &a.citation {
            Some(c) => (
                Some(c.outlet.clone()),
                Some(c.date.to_string()),
                c.page.clone(),
            ),
            None => (None, None, None),
        };
        let published = a.published.map(|d| d.to_string());
        if let Some((old_hash, _)) = existing {
            if old_hash == hash {
                return Ok(StoredArticle::Unchanged);
            }
            self.exec(
                "UPDATE articles SET seq=?2, url=?3, outlet=?4, item=?5, title=?6, pretitle=?7, subtitle=?8, \
                 author=?9, published=?10, page=?11, body=?12, extractor=?13, citation_outlet=?14, \
                 citation_date=?15, citation_page=?16, warnings=?17, resource_id=COALESCE(?18, resource_id), \
                 content_sha256=?19, simhash=?20, updated_at=?21 WHERE id=?1",
                params![a.id.as_str(), next_seq, a.url, a.outlet, a.item, a.title, a.pretitle, a.subtitle,
                    a.author, published, a.page, a.body, a.extractor.as_str(), c_outlet, c_date, c_page,
                    warnings, resource_id, hash, simhash as i64, now],
            )?;
            return Ok(StoredArticle::Updated(next_seq));
        }
        // The same story reached by a URL that canonicalisation did not fold.
        let twin: Option<String> = self.query_opt(
            "SELECT id FROM articles WHERE source = ?1 AND title = ?2 AND body = ?3 AND id != ?4 LIMIT 1",
            params![a.source.as_str(), a.title, a.body, a.id.as_str()],
            |r| r.get(0),
        )?;
        if let Some(t) = twin {
            return Ok(StoredArticle::Duplicate(ArticleId(t)));
        }
        self.exec(
            "INSERT INTO articles (id, seq, canonical_url, url, source, outlet, item, title, pretitle, subtitle, \
             author, published, page, body, extractor, citation_outlet, citation_date, citation_page, warnings, \
             resource_id, content_sha256, simhash, first_seen, updated_at) \
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?23)",
            params![a.id.as_str(), next_seq, a.canonical_url, a.url, a.source.as_str(), a.outlet, a.item,
                a.title, a.pretitle, a.subtitle, a.author, published, a.page, a.body, a.extractor.as_str(),
                c_outlet, c_date, c_page, warnings, resource_id, hash, simhash as i64, now],
        )?;
        Ok(StoredArticle::New(next_seq))
    }

    /// Link two articles as syndicated copies of one story (never merged).
    pub fn link_syndicated(&self, a: &ArticleId, b: &ArticleId, distance: u32) -> Result<()> {
        let (x, y) = if a <= b { (a, b) } else { (b, a) };
        self.exec(
            "INSERT OR IGNORE INTO syndication (article_id, copy_id, distance) VALUES (?1, ?2, ?3)",
            params![x.as_str(), y.as_str(), distance],
        )?;
        Ok(())
    }

    /// Record an article's SimHash bands (for near-duplicate lookups).
    pub fn set_simhash_bands(&self, a: &Article, simhash: u64, bands: &[(u32, u32)]) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT OR REPLACE INTO simhash_bands (band, value, source, article_id, published, simhash) VALUES (?1,?2,?3,?4,?5,?6)",
        )?;
        let published = a.published.map(|d| d.to_string());
        for (band, value) in bands {
            stmt.execute(params![
                band,
                value,
                a.source.as_str(),
                a.id.as_str(),
                published,
                simhash as i64
            ])?;
        }
        Ok(())
    }

    /// Articles of other sources sharing a SimHash band with `bands`, published
    /// within `days` of `around`: (id, simhash) candidates for syndication.
    pub fn simhash_candidates(
        &self,
        source: &str,
        bands: &[(u32, u32)],
        around: Option<chrono::NaiveDate>,
        days: i64,
    ) -> Result<Vec<(ArticleId, u64)>> {
        // Two range scans around the article's own source (the primary key is
        // (band, value, source, …)), so a source's own articles cost nothing.
        let mut below = self.tx.prepare_cached(
            "SELECT article_id, simhash, published FROM simhash_bands WHERE band = ?1 AND value = ?2 AND source < ?3",
        )?;
        let mut above = self.tx.prepare_cached(
            "SELECT article_id, simhash, published FROM simhash_bands WHERE band = ?1 AND value = ?2 AND source > ?3",
        )?;
        let mut out: Vec<(ArticleId, u64)> = Vec::new();
        for (band, value) in bands {
            let mut rows: Vec<(String, u64, Option<String>)> = Vec::new();
            for stmt in [&mut below, &mut above] {
                let found = stmt.query_map(params![band, value, source], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)? as u64,
                        r.get::<_, Option<String>>(2)?,
                    ))
                })?;
                rows.extend(found.collect::<rusqlite::Result<Vec<_>>>()?);
            }
            for row in rows {
                let (id, hash, published) = row;
                let near_in_time = match (
                    around,
                    published.and_then(|p| chrono::NaiveDate::parse_from_str(&p, "%Y-%m-%d").ok()),
                ) {
                    (Some(a), Some(p)) => (a - p).num_days().abs() <= days,
                    _ => true,
                };
                if near_in_time && !out.iter().any(|(o, _)| o.as_str() == id) {
                    out.push((ArticleId(id), hash));
                }
            }
        }
        Ok(out)
    }
}

impl Store {
    /// Convenience for tests and tools: store one article in its own transaction.
    /// Returns its id and whether it was new.
    pub fn insert_or_update_article(
        &mut self,
        a: &Article,
        resource_id: Option<i64>,
    ) -> Result<(ArticleId, bool)> {
        let out = self.transaction(|tx| tx.upsert_article(a, resource_id, 0))?;
        Ok(match out {
            StoredArticle::Duplicate(id) => (id, false),
            StoredArticle::New(_) => (a.id.clone(), true),
            _ => (a.id.clone(), false),
        })
    }

    pub fn max_article_seq(&self) -> Result<i64> {
        Tx { tx: &self.conn }.query_one("SELECT COALESCE(MAX(seq), 0) FROM articles", [], |r| {
            r.get(0)
        })
    }

    pub fn article_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM articles", [], |r| r.get::<_, i64>(0))?
            as u64)
    }

    /// Articles changed after `after`, in seq order (the search index's feed).
    pub fn articles_after_seq(&self, after: i64, limit: usize) -> Result<Vec<(i64, Article)>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM articles WHERE seq > ?1 ORDER BY seq LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![after, limit as i64], row_to_article)?;
        let rows = collect(rows.collect::<rusqlite::Result<_>>()?)?;
        Ok(rows.into_iter().map(|r| (r.seq, r.article)).collect())
    }

    /// Article rows (with simhash and evidence) changed after `after`, in seq
    /// order: the matching stage's feed.
    pub fn article_rows_after_seq(&self, after: i64, limit: usize) -> Result<Vec<ArticleRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM articles WHERE seq > ?1 ORDER BY seq LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![after, limit as i64], row_to_article)?;
        collect(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Articles, optionally of some sources, newest first.
    pub fn articles(&self, sources: &[String]) -> Result<Vec<ArticleRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM articles ORDER BY published DESC, source, page, url"
        ))?;
        let rows = stmt.query_map([], row_to_article)?;
        let mut rows = collect(rows.collect::<rusqlite::Result<_>>()?)?;
        if !sources.is_empty() {
            rows.retain(|r| sources.iter().any(|s| s == r.article.source.as_str()));
        }
        Ok(rows)
    }

    pub fn article(&self, id: &str) -> Result<Option<ArticleRow>> {
        Tx { tx: &self.conn }.article(id)
    }

    /// Syndicated copies of an article (other outlets' copies of the story).
    pub fn syndicated_copies(&self, id: &ArticleId) -> Result<Vec<ArticleId>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT copy_id FROM syndication WHERE article_id = ?1 UNION SELECT article_id FROM syndication WHERE copy_id = ?1",
        )?;
        let rows = stmt.query_map(params![id.as_str()], |r| Ok(ArticleId(r.get(0)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Articles (as [`Store::articles`]) with their evidence location and
    /// syndicated copies, in three queries whatever the number of articles.
    pub fn article_listing(&self, sources: &[String]) -> Result<Vec<ArticleListing>> {
        let rows = self.articles(sources)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.url, r.status, r.warc_file, r.warc_offset, r.warc_length, r.payload_sha256, r.id \
             FROM resources r JOIN articles a ON a.resource_id = r.id",
        )?;
        let mut evidence: std::collections::HashMap<i64, super::ResourceLocation> =
            std::collections::HashMap::new();
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(6)?, super::location_row(r)?)))? {
            let (id, loc) = row?;
            evidence.insert(id, loc);
        }
        let mut copies: std::collections::HashMap<String, Vec<ArticleId>> =
            std::collections::HashMap::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT article_id, copy_id FROM syndication")?;
        for pair in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (a, b) = pair?;
            copies
                .entry(a.clone())
                .or_default()
                .push(ArticleId(b.clone()));
            copies.entry(b).or_default().push(ArticleId(a));
        }
        Ok(rows
            .into_iter()
            .map(|row| {
                let mut syndicated_with =
                    copies.remove(row.article.id.as_str()).unwrap_or_default();
                syndicated_with.sort_by(|a, b| a.0.cmp(&b.0));
                syndicated_with.dedup();
                ArticleListing {
                    evidence: row.resource_id.and_then(|id| evidence.get(&id).cloned()),
                    syndicated_with,
                    row,
                }
            })
            .collect())
    }
}

/// An article with what a listing shows beside it.
#[derive(Debug, Clone)]
pub struct ArticleListing {
    pub row: ArticleRow,
    pub evidence: Option<super::ResourceLocation>,
    pub syndicated_with: Vec<ArticleId>,
}

/// Items of a source that are not reports, by kind (health).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct NonReports {
    pub advertisements: u64,
    pub notices: u64,
    pub pictures: u64,
}

impl NonReports {
    pub fn total(&self) -> u64 {
        self.advertisements + self.notices + self.pictures
    }
}

impl Tx<'_> {
    /// Record what a stored item is.
    pub fn set_article_kind(&self, id: &ArticleId, kind: crate::model::ArticleKind) -> Result<()> {
        self.exec(
            "UPDATE articles SET kind = ?2 WHERE id = ?1 AND kind != ?2",
            params![id.as_str(), kind.as_str()],
        )?;
        Ok(())
    }

    /// What a stored item is (`None`: no such article).
    pub fn article_kind(&self, id: &ArticleId) -> Result<Option<crate::model::ArticleKind>> {
        let k: Option<String> = self.query_opt(
            "SELECT kind FROM articles WHERE id = ?1",
            params![id.as_str()],
            |r| r.get(0),
        )?;
        Ok(k.map(|k| {
            crate::model::ArticleKind::parse(&k).unwrap_or(crate::model::ArticleKind::Report)
        }))
    }

    /// A source's stored items that are not reports, by kind.
    pub fn non_reports(&self, source: &str) -> Result<NonReports> {
        let mut out = NonReports::default();
        let mut stmt = self.tx.prepare_cached(
            "SELECT kind, COUNT(*) FROM articles WHERE source = ?1 AND kind != 'report' GROUP BY kind",
        )?;
        let rows = stmt.query_map(params![source], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (k, n) = row?;
            let n = n.max(0) as u64;
            match crate::model::ArticleKind::parse(&k) {
                Some(crate::model::ArticleKind::Advertisement) => out.advertisements += n,
                Some(crate::model::ArticleKind::Notice) => out.notices += n,
                Some(crate::model::ArticleKind::Picture) => out.pictures += n,
                _ => {}
            }
        }
        Ok(out)
    }
}

impl Store {
    /// What a stored item is (`None`: no such article).
    pub fn article_kind(&self, id: &ArticleId) -> Result<Option<crate::model::ArticleKind>> {
        Tx { tx: &self.conn }.article_kind(id)
    }

    /// A source's stored items that are not reports, by kind.
    pub fn non_reports(&self, source: &str) -> Result<NonReports> {
        Tx { tx: &self.conn }.non_reports(source)
    }
}
