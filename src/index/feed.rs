//! Where the index reads articles from: the store, or anything else that
//! hands out articles by sequence number (the benchmark and tests use a
//! vector; the pipeline implements it for the store). Every insert or update of an article in the store gets a new,
//! larger sequence number, so "everything after seq N" is exactly what an
//! index committed at N is missing.

use crate::model::Article;

/// An error from the article source, kept as text.
pub type FeedError = Box<dyn std::error::Error + Send + Sync>;

/// A source of articles ordered by sequence number.
pub trait ArticleFeed {
    /// The highest sequence number (0 when empty).
    fn max_article_seq(&self) -> Result<i64, FeedError>;
    /// Up to `limit` articles with a sequence number above `after`, in order.
    fn articles_after_seq(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, Article)>, FeedError>;
    /// The enterprises each article names as evidence (by article id), for
    /// the index's `enterprise` field. None known by default.
    fn enterprises_of(
        &self,
        _articles: &[(i64, Article)],
    ) -> Result<std::collections::HashMap<String, Vec<String>>, FeedError> {
        Ok(Default::default())
    }
}

/// Articles held in memory, numbered 1, 2, … in order.
#[derive(Debug, Default, Clone)]
pub struct VecFeed {
    articles: Vec<(i64, Article)>,
}

impl VecFeed {
    /// Numbers the articles 1, 2, … in order.
    pub fn new(articles: Vec<Article>) -> VecFeed {
        VecFeed {
            articles: articles
                .into_iter()
                .enumerate()
                .map(|(i, a)| (i as i64 + 1, a))
                .collect(),
        }
    }
    /// Articles with their own sequence numbers.
    pub fn numbered(mut articles: Vec<(i64, Article)>) -> VecFeed {
        articles.sort_by_key(|(s, _)| *s);
        VecFeed { articles }
    }
    /// The articles, by sequence number.
    pub fn articles(&self) -> &[(i64, Article)] {
        &self.articles
    }
}

impl ArticleFeed for VecFeed {
    fn max_article_seq(&self) -> Result<i64, FeedError> {
        Ok(self.articles.iter().map(|(s, _)| *s).max().unwrap_or(0))
    }
    fn articles_after_seq(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, Article)>, FeedError> {
        let start = self.articles.partition_point(|(s, _)| *s <= after);
        let end = start.saturating_add(limit).min(self.articles.len());
        Ok(self.articles[start..end].to_vec())
    }
}
