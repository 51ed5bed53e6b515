//! Shared domain types: ids, articles, source definitions, the scorecard rules
//! and Beijing-time dates.
//! This module does no I/O; every stage takes and returns these types.

mod article;
mod enterprise;
mod ids;
mod mention;
pub mod names;
mod notify;
mod rules;
mod source;
mod task;
mod time;

pub use article::{Article, ArticleKind, ExtractorKind, PrintCitation};
pub use enterprise::{Alias, AliasKind, Enterprise, Homonym, Registry};
pub use ids::{ArticleId, SourceId};
pub use mention::{Confidence, DepthSignals, EnterpriseMatch, Mention, MentionField};
pub use notify::{EventKind, NotifyEvent, TOPICS};
pub use rules::{
    Category, DepthThresholds, Item, ItemKind, Lead, Outlet, Rules, Scheme, TypicalCase, Validity,
    outlet_key, short_of,
};
pub use source::{
    BroadcastSpec, BrowserUse, DateTemplate, EpaperSpec, FeedSpec, FieldSelectors, JsonItems,
    ListingFormat, ListingSpec, ScoringItem, SourceDef, SourceKind, fill_date_template,
    split_alternatives,
};
pub use task::{NewTask, Role, Validators};
pub use time::{BEIJING, beijing_now, beijing_today};
