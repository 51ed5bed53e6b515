//! Chinese dates in all the forms the target sites print them: `2026年3月4日`,
//! `2026-03-04 07:12`, `2026/3/4`, `[2026-03-04]`, `发布时间：…` labels, ISO
//! stamps with an offset (converted to Beijing), and the date in URL paths
//! (`/202603/04/`, `/2026-03/04/`, `t20260304_123.html`, `/20260304/`,
//! `/2026/03/04/`). Every date is a Beijing calendar date, and must lie between
//! 1990-01-01 and Beijing tomorrow; a year range such as `© 2008-2026` is never
//! a date, and text after `©`/`Copyright`/`版权` is ignored.

use crate::model::{BEIJING, beijing_today};
use chrono::{DateTime, Days, NaiveDate};
use regex::Regex;
use std::sync::LazyLock;
use url::Url;

static CN_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日").expect("static regex")
});
static NUM_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d])(\d{4})([-/.])(\d{1,2})([-/.])(\d{1,2})(?:[^\d]|$)")
        .expect("static regex")
});
static ISO_STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})")
        .expect("static regex")
});
static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:发布时间|发布日期|发表时间|发文日期|成文日期|印发日期|更新时间|时间|日期)\s*[：:]\s*",
    )
    .expect("static regex")
});
static COPYRIGHT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)©|&copy;|copyright|版权所有|版权").expect("static regex"));
static URL_PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"/(\d{4})(\d{2})/(\d{2})/",
        r"/(\d{4})-(\d{2})/(\d{2})/",
        r"/t(\d{4})(\d{2})(\d{2})_\d+",
        r"/(\d{4})-(\d{2})-(\d{2})/",
        r"/(\d{4})/(\d{2})/(\d{2})/",
        r"/(\d{4})(\d{2})(\d{2})/",
        r"_(\d{4})(\d{2})(\d{2})_\d+-\d+\.htm",
    ]
    .iter()
    .map(|p| Regex::new(p).expect("static regex"))
    .collect()
});

/// The latest date accepted: Beijing tomorrow.
fn upper_bound() -> NaiveDate {
    let today = beijing_today();
    today.checked_add_days(Days::new(1)).unwrap_or(today)
}

/// A date from numbers, if it is a real calendar date within the bounds.
pub(crate) fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    let date = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    let lower = NaiveDate::from_ymd_opt(1990, 1, 1)?;
    (date >= lower && date <= upper_bound()).then_some(date)
}

/// The date in a URL path (`/content/202603/04/`, `t20260304_1.html`, …).
pub fn date_from_url(url: &Url) -> Option<NaiveDate> {
    let path = url.path();
    URL_PATTERNS.iter().find_map(|re| {
        re.captures_iter(path)
            .find_map(|c| ymd(&c[1], &c[2], &c[3]))
    })
}

/// The first plausible date in `s`, as a Beijing calendar date. An ISO stamp
/// with an offset (`2026-03-03T23:30:00Z`) is converted to Beijing time.
/// Text from a `©`/`Copyright`/`版权` mark on is ignored.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = match COPYRIGHT.find(s) {
        Some(m) => &s[..m.start()],
        None => s,
    };
    let mut best: Option<(usize, NaiveDate)> = None;
    let mut consider = |pos: usize, d: Option<NaiveDate>| {
        if let Some(d) = d
            && best.is_none_or(|(p, _)| pos < p)
        {
            best = Some((pos, d));
        }
    };
    if let Some(m) = ISO_STAMP.find(s) {
        let stamp = m.as_str().replacen(' ', "T", 1);
        let d = DateTime::parse_from_rfc3339(&fix_offset(&stamp))
            .ok()
            .map(|dt| dt.with_timezone(&BEIJING).date_naive())
            .and_then(|d| {
                ymd(
                    &d.format("%Y").to_string(),
                    &d.format("%m").to_string(),
                    &d.format("%d").to_string(),
                )
            });
        consider(m.start(), d);
    }
    if let Some(c) = CN_DATE
        .captures_iter(s)
        .find(|c| ymd(&c[1], &c[2], &c[3]).is_some())
    {
        consider(c.get(0).map_or(0, |m| m.start()), ymd(&c[1], &c[2], &c[3]));
    }
    if let Some(c) = NUM_DATE
        .captures_iter(s)
        .find(|c| c[2] == c[4] && ymd(&c[1], &c[3], &c[5]).is_some())
    {
        consider(c.get(1).map_or(0, |m| m.start()), ymd(&c[1], &c[3], &c[5]));
    }
    best.map(|(_, d)| d)
}

/// `+0800` → `+08:00`, so RFC 3339 parsing accepts it.
fn fix_offset(stamp: &str) -> String {
    let b = stamp.as_bytes();
    let n = b.len();
    if n > 5 && (b[n - 5] == b'+' || b[n - 5] == b'-') && b[n - 4..].iter().all(u8::is_ascii_digit)
    {
        format!("{}:{}", &stamp[..n - 2], &stamp[n - 2..])
    } else {
        stamp.to_string()
    }
}

/// The date after a label such as `发布时间：` or `日期：`.
pub fn labelled_date(text: &str) -> Option<NaiveDate> {
    LABELLED.find_iter(text).find_map(|m| {
        let rest = &text[m.end()..];
        let end = rest.char_indices().nth(40).map_or(rest.len(), |(i, _)| i);
        parse_date(&rest[..end])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, dd)
    }

    #[test]
    fn chinese_and_numeric_forms() {
        assert_eq!(parse_date("2026年3月4日 星期三"), d(2026, 3, 4));
        assert_eq!(parse_date("2026 年 03 月 04 日"), d(2026, 3, 4));
        assert_eq!(parse_date("2026-03-04 07:12"), d(2026, 3, 4));
        assert_eq!(parse_date("2026/3/4"), d(2026, 3, 4));
        assert_eq!(parse_date("[2026-03-04]"), d(2026, 3, 4));
        assert_eq!(parse_date("2026.03.04"), d(2026, 3, 4));
        assert_eq!(
            parse_date("2026-03/04"),
            None,
            "mixed separators are not a date"
        );
    }

    #[test]
    fn iso_offset_converted_to_beijing() {
        assert_eq!(parse_date("2026-03-03T23:30:00Z"), d(2026, 3, 4));
        assert_eq!(parse_date("2026-03-03T23:30:00+08:00"), d(2026, 3, 3));
        assert_eq!(parse_date("2026-03-03 20:00:00+0000"), d(2026, 3, 4));
    }

    #[test]
    fn copyright_and_bounds() {
        assert_eq!(
            parse_date("Copyright © 2008-2026 版权所有 2026-01-01"),
            None
        );
        assert_eq!(parse_date("© 1997-2026 人民网"), None);
        assert_eq!(parse_date("1989-06-01"), None);
        assert_eq!(parse_date("2999-01-01"), None);
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("1999-12-31 与 2026-01-02"), d(1999, 12, 31));
    }

    #[test]
    fn labels() {
        assert_eq!(
            labelled_date("来源：重庆日报 发布时间：2026-03-04 09:30"),
            d(2026, 3, 4)
        );
        assert_eq!(labelled_date("日期: 2026年3月5日"), d(2026, 3, 5));
        assert_eq!(labelled_date("发布时间：不详"), None);
    }

    #[test]
    fn url_dates() {
        let u = |s: &str| date_from_url(&Url::parse(s).expect("test url"));
        assert_eq!(
            u("http://paper.people.com.cn/rmrb/pc/content/202603/04/content_30012345.html"),
            d(2026, 3, 4)
        );
        assert_eq!(
            u("https://epaper.cqrb.cn/cqrb/2026-03/04/001/content_rb_1.htm"),
            d(2026, 3, 4)
        );
        assert_eq!(
            u("https://gzw.cq.gov.cn/gqdj/202603/t20260304_1234567.html"),
            d(2026, 3, 4)
        );
        assert_eq!(
            u("http://www.banyuetan.org/jrt/detail/20260108/1000200033134991_1.html"),
            d(2026, 1, 8)
        );
        assert_eq!(
            u("https://tv.cctv.com/2026/03/04/VIDEabc.shtml"),
            d(2026, 3, 4)
        );
        assert_eq!(
            u("http://www.sasac.gov.cn/n2588025/n2588129/c12345678/content.html"),
            None
        );
    }
}
