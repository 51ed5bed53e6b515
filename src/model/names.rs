//! Safe names, in one place: the ids people type (enterprises, sources,
//! users) and every file or folder name built from an id or a title.
//!
//! An id is 1 to 64 ASCII letters, digits, `-` and `_`: it goes into paths,
//! URLs, headers and file names as it is. A title becomes a file name only
//! through [`file_name`], which drops separators, control characters and
//! leading dots and caps the name in bytes (file systems count bytes).

/// The longest id, in bytes (ASCII: also characters).
pub const MAX_ID_BYTES: usize = 64;

/// The longest file name [`file_name`] makes, in bytes (most file systems
/// allow 255; a prefix and an extension must still fit).
pub const MAX_FILE_NAME_BYTES: usize = 120;

/// What is wrong with an id, if anything (English, for `file:line` problems).
pub fn id_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("empty".into());
    }
    if id.len() > MAX_ID_BYTES {
        return Some(format!(
            "`{}…` is longer than {MAX_ID_BYTES} characters",
            truncate_bytes(id, 32)
        ));
    }
    if let Some(c) = id.chars().find(|c| !is_id_char(*c)) {
        return Some(format!(
            "{:?} contains {c:?}: an id may hold only ASCII letters, digits, `-` and `_`",
            id
        ));
    }
    None
}

/// Whether `id` is a safe id.
pub fn is_safe_id(id: &str) -> bool {
    id_problem(id).is_none()
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character.
pub fn truncate_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A file or folder name (one path component) from an id or a title: CJK
/// kept; separators, control characters and `:*?"<>|` become `_`; no
/// leading or trailing dots or spaces; at most `MAX_FILE_NAME_BYTES` bytes;
/// `file` when nothing is left. Never `.` or `..`, never a path.
pub fn file_name(text: &str) -> String {
    file_name_within(text, MAX_FILE_NAME_BYTES)
}

/// As [`file_name`], at most `max` bytes (at least 8).
pub fn file_name_within(text: &str, max: usize) -> String {
    let s: String = text
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trim = |s: &str| -> String {
        s.trim_matches(|c: char| c == '.' || c.is_whitespace())
            .to_string()
    };
    let s = trim(&s);
    let s = trim(truncate_bytes(&s, max.max(8)));
    if s.is_empty() { "file".into() } else { s }
}

/// The last path component of a name a browser sent (`C:\证书\a.pdf`,
/// `../../x`), made a safe file name.
pub fn upload_file_name(sent: Option<&str>) -> String {
    let sent = sent.unwrap_or("");
    let base = sent.rsplit(['/', '\\']).next().unwrap_or(sent);
    file_name(base)
}

/// `Content-Disposition: attachment` for a file name: an ASCII fallback
/// (`filename="…"`, quotes and non-ASCII replaced) and the name itself as
/// RFC 5987 `filename*=UTF-8''…`. Always a valid header value.
pub fn content_disposition(name: &str) -> String {
    let name = file_name(name);
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' && c != '%' && c != ';' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// `rel` under `base` when it stays there: relative, no `..`, no root or
/// drive; `None` otherwise. Lexical: for names read from rows and entries.
pub fn join_inside(base: &std::path::Path, rel: &str) -> Option<std::path::PathBuf> {
    use std::path::Component;
    let p = std::path::Path::new(rel);
    if rel.is_empty() || rel.contains('\0') {
        return None;
    }
    p.components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        .then(|| base.join(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_ascii_letters_digits_dash_and_underscore() {
        for ok in ["wz-cityinvest", "A_1", "x", &"a".repeat(64)] {
            assert!(is_safe_id(ok), "{ok}");
        }
        for bad in [
            "",
            "../../../../../../tmp/x",
            "a/b",
            "a\\b",
            "a\"b",
            "a'b",
            "a\0b",
            "a b",
            "万州",
            "a.b",
            &"a".repeat(65),
        ] {
            assert!(!is_safe_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn file_names_stay_one_component_and_bounded_in_bytes() {
        assert_eq!(file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(file_name(".."), "file");
        assert_eq!(file_name("  .hidden. "), "hidden");
        assert_eq!(file_name("a\0b\nc"), "a_b_c");
        let long = "证".repeat(200);
        let n = file_name(&long);
        assert!(n.len() <= MAX_FILE_NAME_BYTES, "{}", n.len());
        assert!(n.starts_with("证证"));
        assert_eq!(upload_file_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(upload_file_name(Some("C:\\证书\\获奖.pdf")), "获奖.pdf");
        assert_eq!(upload_file_name(Some("..")), "file");
        assert_eq!(upload_file_name(None), "file");
    }

    #[test]
    fn joined_paths_stay_inside() {
        let base = std::path::Path::new("/home/radar/archive");
        assert_eq!(
            join_inside(base, "a/b.warc.gz"),
            Some(base.join("a/b.warc.gz"))
        );
        for bad in ["../x", "a/../../x", "/etc/passwd", "", "a\0b"] {
            assert_eq!(join_inside(base, bad), None, "{bad:?}");
        }
    }

    #[test]
    fn content_disposition_survives_quotes_and_cjk() {
        let h = content_disposition("bundle-a\"b-报告.zip");
        assert!(
            h.starts_with("attachment; filename=\"bundle-a_b-__.zip\""),
            "{h}"
        );
        assert!(
            h.contains("filename*=UTF-8''bundle-a_b-%E6%8A%A5%E5%91%8A.zip"),
            "{h}"
        );
        assert!(h.chars().all(|c| c.is_ascii() && !c.is_control()), "{h}");
    }
}
