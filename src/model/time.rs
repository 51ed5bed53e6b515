//! Beijing time. Every date the system shows or stores as a calendar date is a
//! Beijing (UTC+8) date; instants are stored in UTC with their offset.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

pub const BEIJING: Tz = chrono_tz::Asia::Shanghai;

pub fn beijing_now() -> DateTime<Tz> {
    Utc::now().with_timezone(&BEIJING)
}

pub fn beijing_today() -> NaiveDate {
    beijing_now().date_naive()
}
