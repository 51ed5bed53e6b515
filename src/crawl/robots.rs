//! robots.txt policy after RFC 9309: what an answer means for a host. 2xx is
//! parsed (leniently: invalid lines are dropped, the rest still binds), 4xx
//! (and a redirect chain longer than five) allows everything, 5xx or no
//! answer disallows the host for this run only. At least the first 512 KiB
//! are parsed.

use super::body::decode_content;
use texting_robots::Robot;

/// Bytes of a robots.txt that are parsed (RFC 9309 asks for at least 500 KiB).
pub const MAX_ROBOTS_BYTES: usize = 512 * 1024;
/// Redirects followed when fetching robots.txt (RFC 9309 §2.3.1.2).
pub const MAX_ROBOTS_REDIRECTS: u32 = 5;

/// A host's robots.txt as understood.
pub enum RobotsRules {
    /// No usable robots.txt (404 and other 4xx): everything allowed.
    AllowAll,
    /// robots.txt answered 5xx, not at all, or could not be made sense of:
    /// nothing allowed this run; asked again on the next.
    DisallowAll(String),
    Parsed(Box<Robot>),
}

impl RobotsRules {
    /// Whether this verdict may be trusted beyond the current run.
    pub fn is_definitive(&self) -> bool {
        !matches!(self, RobotsRules::DisallowAll(_))
    }
}

/// The product token robots.txt groups are matched against.
pub fn agent_token(user_agent: &str) -> &str {
    user_agent
        .split(['/', ' '])
        .find(|s| !s.is_empty())
        .unwrap_or("reform-radar")
}

/// What a final robots.txt answer (after redirects) means.
pub fn rules_from_answer(
    agent: &str,
    status: u16,
    raw: &[u8],
    content_encoding: Option<&str>,
) -> RobotsRules {
    match status {
        200..=299 => {
            // A body too large to decode whole is still parsed up to the limit.
            let body = decode_content(raw, content_encoding, MAX_ROBOTS_BYTES as u64 * 4)
                .unwrap_or_else(|_| raw.to_vec());
            parse(agent, &body)
        }
        // Redirects beyond the limit: "unavailable", like a 4xx.
        300..=499 => RobotsRules::AllowAll,
        s => RobotsRules::DisallowAll(format!("HTTP {s}")),
    }
}

/// Parse a robots.txt body: the first [`MAX_ROBOTS_BYTES`] (cut at a line
/// end); a line the parser rejects is dropped and the others still apply.
pub fn parse(agent: &str, body: &[u8]) -> RobotsRules {
    let body = head_lines(body, MAX_ROBOTS_BYTES);
    if let Ok(robot) = Robot::new(agent, body) {
        return RobotsRules::Parsed(Box::new(robot));
    }
    let kept: Vec<&[u8]> = body
        .split(|b| *b == b'\n')
        .filter(|line| line_is_valid(line))
        .collect();
    match Robot::new(agent, &kept.join(&b'\n')) {
        Ok(robot) => {
            tracing::warn!(
                dropped = body.split(|b| *b == b'\n').count() - kept.len(),
                "robots.txt has lines that cannot be parsed; they are ignored"
            );
            RobotsRules::Parsed(Box::new(robot))
        }
        Err(e) => RobotsRules::DisallowAll(format!("robots.txt cannot be parsed: {e}")),
    }
}

fn head_lines(body: &[u8], max: usize) -> &[u8] {
    if body.len() <= max {
        return body;
    }
    let cut = &body[..max];
    match cut.iter().rposition(|b| *b == b'\n') {
        Some(i) => &cut[..=i],
        None => cut,
    }
}

/// A line the parser accepts on its own (inside a group for any agent).
fn line_is_valid(line: &[u8]) -> bool {
    let mut probe = b"User-agent: *\n".to_vec();
    probe.extend_from_slice(line);
    Robot::new("probe", &probe).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(rules: &RobotsRules, url: &str) -> Option<bool> {
        match rules {
            RobotsRules::Parsed(r) => Some(r.allowed(url)),
            RobotsRules::AllowAll => Some(true),
            RobotsRules::DisallowAll(_) => None,
        }
    }

    #[test]
    fn statuses_follow_rfc_9309() {
        assert!(matches!(
            rules_from_answer("radar", 404, b"", None),
            RobotsRules::AllowAll
        ));
        assert!(matches!(
            rules_from_answer("radar", 503, b"", None),
            RobotsRules::DisallowAll(_)
        ));
        assert!(!rules_from_answer("radar", 500, b"", None).is_definitive());
        let r = rules_from_answer("radar", 200, b"User-agent: *\nDisallow: /private/\n", None);
        assert_eq!(allowed(&r, "http://h/private/x.html"), Some(false));
        assert_eq!(allowed(&r, "http://h/public/x.html"), Some(true));
    }

    #[test]
    fn rules_far_into_a_large_file_still_bind() {
        let mut body = b"User-agent: *\n".to_vec();
        while body.len() < 450 * 1024 {
            body.extend_from_slice(b"# padding comment line for a large robots file\n");
        }
        body.extend_from_slice(b"Disallow: /deep/\n");
        let r = parse("radar", &body);
        assert_eq!(allowed(&r, "http://h/deep/a.html"), Some(false));
    }

    #[test]
    fn the_agent_token_is_the_product_name() {
        assert_eq!(
            agent_token("reform-radar/0.1 (+mailto:a@b)"),
            "reform-radar"
        );
        assert_eq!(agent_token(""), "reform-radar");
    }
}
