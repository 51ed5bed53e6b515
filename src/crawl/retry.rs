//! When to retry and how long to wait: exponential backoff with jitter, and
//! Retry-After (seconds or an HTTP date) honoured up to a cap.

use rand::Rng;
use std::time::{Duration, SystemTime};

/// Statuses worth another try.
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// Backoff before retry `attempt` (1-based): base * 2^(attempt-1), plus up to
/// one base of jitter.
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << (attempt.saturating_sub(1)).min(10));
    let jitter = rand::rng().random_range(0..=base.as_millis().max(1) as u64);
    exp + Duration::from_millis(jitter)
}

/// Parse a Retry-After value.
pub fn retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// How a fetch retries: attempts, backoff base, and the longest Retry-After
/// waited for.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub retries: u32,
    pub base: Duration,
    pub max_retry_after: Duration,
}

/// What to do after an attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum NextStep {
    /// Use this answer (success, or a status not worth retrying).
    Accept,
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Out of attempts, or the server asked for too long a pause.
    GiveUp(RetryFailure),
}

#[derive(Debug, Clone, PartialEq)]
pub enum RetryFailure {
    /// The last answer's status.
    Status(u16),
    /// The last attempt had no answer (keep its transport error).
    NoAnswer,
    /// Retry-After (seconds) above the cap.
    RetryAfterTooLong(u64),
}

impl RetryPolicy {
    /// Decide after attempt number `attempt` (1-based). `answer` is the
    /// status and Retry-After header of the response, or None when the
    /// attempt had no response (timeout, refused).
    pub fn after(&self, attempt: u32, answer: Option<(u16, Option<&str>)>) -> NextStep {
        let wait = match answer {
            Some((status, header)) if retryable_status(status) => {
                match header.and_then(retry_after) {
                    Some(d) if d > self.max_retry_after => {
                        return NextStep::GiveUp(RetryFailure::RetryAfterTooLong(d.as_secs()));
                    }
                    // At least what the server asked for; the backoff (capped
                    // one base above it) adds jitter so retries do not align.
                    Some(d) => d.max(backoff(self.base, attempt).min(d + self.base)),
                    None => backoff(self.base, attempt),
                }
            }
            Some(_) => return NextStep::Accept,
            None => backoff(self.base, attempt),
        };
        if attempt > self.retries {
            return NextStep::GiveUp(match answer {
                Some((status, _)) => RetryFailure::Status(status),
                None => RetryFailure::NoAnswer,
            });
        }
        NextStep::RetryAfter(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(retry_after("3"), Some(Duration::from_secs(3)));
        let later = SystemTime::now() + Duration::from_secs(120);
        let d = retry_after(&httpdate::fmt_http_date(later)).expect("date");
        assert!(
            d > Duration::from_secs(100) && d <= Duration::from_secs(120),
            "{d:?}"
        );
        assert_eq!(retry_after("soon"), None);
    }

    #[test]
    fn backoff_grows() {
        let base = Duration::from_millis(100);
        assert!(backoff(base, 1) >= base && backoff(base, 1) <= base * 2);
        assert!(backoff(base, 3) >= base * 4);
    }

    fn policy() -> RetryPolicy {
        RetryPolicy {
            retries: 2,
            base: Duration::from_millis(100),
            max_retry_after: Duration::from_secs(60),
        }
    }

    #[test]
    fn retries_5xx_and_timeouts_then_gives_up() {
        let p = policy();
        assert_eq!(p.after(1, Some((200, None))), NextStep::Accept);
        assert_eq!(p.after(1, Some((404, None))), NextStep::Accept);
        assert!(matches!(
            p.after(1, Some((503, None))),
            NextStep::RetryAfter(_)
        ));
        assert!(matches!(p.after(2, None), NextStep::RetryAfter(_)));
        assert_eq!(
            p.after(3, Some((503, None))),
            NextStep::GiveUp(RetryFailure::Status(503))
        );
        assert_eq!(p.after(3, None), NextStep::GiveUp(RetryFailure::NoAnswer));
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let p = policy();
        match p.after(1, Some((429, Some("2")))) {
            NextStep::RetryAfter(d) => {
                assert!(d >= Duration::from_secs(2) && d <= Duration::from_millis(2100))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            p.after(1, Some((503, Some("3600")))),
            NextStep::GiveUp(RetryFailure::RetryAfterTooLong(3600))
        );
    }
}
