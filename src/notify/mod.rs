//! Notifications: events written to the store's outbox in the transaction
//! of what happened (`Tx::enqueue_event`), routed to the `[[notify]]` channels
//! and users' own e-mail, rendered in Chinese (`render`) and delivered with
//! retries (`deliver`) by the senders (`send`: SMTP, 企业微信, 钉钉, 飞书,
//! webhook). Depends on `model`, `config`, `registry` and `store`.

mod alarm_zh;
mod deliver;
pub mod hmac;
pub mod render;
pub mod send;

pub use alarm_zh::alarm_zh;
pub use deliver::{
    DeliverySummary, Mode, Notifier, NotifyError, Target, carries, channel_key, public_url, targets,
};
