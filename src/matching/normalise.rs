//! Normalisation before matching, applied alike to aliases and to article
//! text: full-width letters, digits and brackets to half width (the
//! full-width ，。：；！？ of Chinese text stay), Latin letters to lower case,
//! whitespace and zero-width characters dropped (so 万州 城投 集团 matches),
//! every quotation mark to `"`, every bracket to `(` `)`, a bracketed
//! （集团）/(控股)/(股份) reduced to its word (so the registered
//! 城市建设投资（集团）有限公司 and a written 城市建设投资集团有限公司 are
//! one name), and common Traditional characters to Simplified.
//!
//! The normalised text keeps a way back: a short table of deletions from
//! which the original character offset of any normalised character follows
//! (most text deletes nothing, so the table stays tiny and the hot path
//! stays a single pass).

/// Normalised text with the way back to original character offsets.
#[derive(Debug, Default, Clone)]
pub struct Normalised {
    pub text: String,
    /// `(normalised char index, characters deleted before it)`, increasing.
    shifts: Vec<(u32, u32)>,
    /// Characters written so far.
    chars: u32,
    /// Total characters deleted so far.
    deleted: u32,
    /// Original characters read so far.
    read: u32,
    /// Normalised byte offsets of each kept line break (body text only).
    pub breaks: Vec<usize>,
    /// Original character offsets of each line start (body text only).
    pub line_starts: Vec<usize>,
    /// Lines (body text only) finished so far holding something other
    /// than whitespace, and the first of them.
    nonblank: usize,
    first_nonblank: Option<usize>,
    /// The current line holds something other than whitespace.
    line_text: bool,
}

/// Told where each character of the normalised text starts, as it is
/// written (`cp` its code point, `at` its byte offset), and of a byte
/// removed again (the `(` of `(集团)`: every later offset moves back one).
pub trait Marker {
    fn mark(&mut self, cp: u32, at: usize);
    fn removed(&mut self, at: usize);
}

/// No marks: plain normalisation.
struct NoMarks;

impl Marker for NoMarks {
    #[inline(always)]
    fn mark(&mut self, _: u32, _: usize) {}
    #[inline(always)]
    fn removed(&mut self, _: usize) {}
}

/// Bracketed words that are dropped to their content: （集团）.
const BRACKETED: &[&str] = &["集团", "控股", "股份"];

impl Normalised {
    /// Original characters read so far.
    pub fn read_chars(&self) -> usize {
        self.read as usize
    }

    /// Lines (with `keep_lines`) holding something other than whitespace:
    /// `src.split('\n').filter(|l| !l.trim().is_empty()).count()`.
    pub fn nonblank_lines(&self) -> usize {
        self.nonblank + usize::from(self.line_text)
    }

    /// The first such line: `src.split('\n').position(|l| !l.trim().is_empty())`.
    pub fn first_nonblank_line(&self) -> Option<usize> {
        self.first_nonblank
            .or_else(|| self.line_text.then_some(self.breaks.len()))
    }

    /// The original character offset of the normalised character `n`.
    pub fn original(&self, n: usize) -> usize {
        let n = n as u32;
        let i = self.shifts.partition_point(|&(at, _)| at <= n);
        let shift = if i == 0 { 0 } else { self.shifts[i - 1].1 };
        (n + shift) as usize
    }

    fn delete_one(&mut self) {
        self.deleted += 1;
        let at = self.chars;
        match self.shifts.last_mut() {
            Some(last) if last.0 == at => last.1 = self.deleted,
            _ => self.shifts.push((at, self.deleted)),
        }
    }

    fn push(&mut self, c: char) {
        self.text.push(c);
        self.chars += 1;
    }

    /// `)` closes a bracket holding only 集团 (or 控股, 股份): drop both
    /// (then the byte offset the `(` had).
    fn close_bracket(&mut self) -> Option<usize> {
        for word in BRACKETED {
            let wlen = word.len();
            let t = self.text.as_bytes();
            if t.len() > wlen && t[t.len() - wlen - 1] == b'(' && self.text.ends_with(word) {
                let open_char = self.chars - word.chars().count() as u32 - 1;
                // Only when no deletion was recorded inside the bracket.
                if self.shifts.last().is_some_and(|&(at, _)| at > open_char) {
                    break;
                }
                let pos = self.text.len() - wlen - 1;
                self.text.remove(pos);
                self.chars -= 1;
                self.deleted += 1;
                match self.shifts.last_mut() {
                    Some(last) if last.0 == open_char => last.1 = self.deleted,
                    _ => self.shifts.push((open_char, self.deleted)),
                }
                self.delete_one();
                return Some(pos);
            }
        }
        self.push(')');
        None
    }

    /// Appends `src` normalised. With `keep_lines`, a `\n` is kept (a hard
    /// boundary: paragraphs) and recorded; otherwise it is whitespace.
    /// Runs of unchanged characters are copied in one piece.
    pub fn extend(&mut self, src: &str, keep_lines: bool) {
        self.extend_marking(src, keep_lines, &mut NoMarks);
    }

    /// `extend`, telling `marker` where each written character starts.
    pub fn extend_marking(&mut self, src: &str, keep_lines: bool, marker: &mut impl Marker) {
        if keep_lines && self.line_starts.is_empty() {
            self.line_starts.push(self.read as usize);
        }
        self.text.reserve(src.len());
        let b = src.as_bytes();
        let mut run = 0usize;
        let mut run_chars = 0u32;
        let mut i = 0usize;
        while i < b.len() {
            let x = b[i];
            // The common cases decided on bytes: ASCII by a table, two- and
            // three-byte characters (CJK, its punctuation) by one bit each.
            // An unchanged character is written at `self.text.len() + i - run`
            // once its run is copied.
            if x < 0x80 {
                if !ASCII_SPECIAL[x as usize] {
                    marker.mark(u32::from(x), self.text.len() + i - run);
                    i += 1;
                    run_chars += 1;
                    continue;
                }
            } else if (0xe0..0xf0).contains(&x) && i + 2 < b.len() {
                let cp = ((u32::from(x) & 0x0f) << 12)
                    | ((u32::from(b[i + 1]) & 0x3f) << 6)
                    | (u32::from(b[i + 2]) & 0x3f);
                if !changes_cp(cp) {
                    marker.mark(cp, self.text.len() + i - run);
                    i += 3;
                    run_chars += 1;
                    continue;
                }
            } else if (0xc2..0xe0).contains(&x) && i + 1 < b.len() {
                let cp = ((u32::from(x) & 0x1f) << 6) | (u32::from(b[i + 1]) & 0x3f);
                if !changes_cp(cp) {
                    marker.mark(cp, self.text.len() + i - run);
                    i += 2;
                    run_chars += 1;
                    continue;
                }
            }
            let Some(c) = src.get(i..).and_then(|t| t.chars().next()) else {
                break;
            };
            let len = c.len_utf8();
            if x >= 0x80 && !changes(c) {
                marker.mark(c as u32, self.text.len() + i - run);
                i += len;
                run_chars += 1;
                continue;
            }
            if i > run {
                // A run holds no whitespace (whitespace always changes).
                self.line_text = true;
            }
            self.text.push_str(&src[run..i]);
            self.chars += run_chars;
            self.read += run_chars + 1;
            run_chars = 0;
            i += len;
            run = i;
            let before = self.text.len();
            let removed = self.one(c, keep_lines);
            if let Some(at) = removed {
                marker.removed(at);
            } else if let Some(w) = self.text.get(before..).and_then(|t| t.chars().next()) {
                marker.mark(w as u32, before);
            }
        }
        if b.len() > run {
            self.line_text = true;
        }
        self.text.push_str(&src[run..]);
        self.chars += run_chars;
        self.read += run_chars;
    }

    /// One character that may change (already counted as read); the byte
    /// offset of a byte removed again, if one was.
    fn one(&mut self, c: char, keep_lines: bool) -> Option<usize> {
        if !c.is_whitespace() {
            self.line_text = true;
        }
        if c.is_ascii() {
            match c {
                '\n' if keep_lines => {
                    if self.line_text {
                        self.nonblank += 1;
                        self.first_nonblank.get_or_insert(self.breaks.len());
                    }
                    self.line_text = false;
                    self.breaks.push(self.text.len());
                    self.push('\n');
                    self.line_starts.push(self.read as usize);
                }
                'A'..='Z' => self.push(c.to_ascii_lowercase()),
                '[' | '{' | '(' => self.push('('),
                ']' | '}' | ')' => return self.close_bracket(),
                '\'' | '"' | '`' => self.push('"'),
                c if c.is_ascii_whitespace() || c.is_ascii_control() => self.delete_one(),
                c => self.push(c),
            }
            return None;
        }
        if (CJK_FIRST..=CJK_LAST).contains(&(c as u32)) {
            self.push(simplified(c));
            return None;
        }
        match c {
            '\u{ff01}'..='\u{ff5e}' => {
                let half = char::from_u32(c as u32 - 0xfee0).unwrap_or(c);
                // The ASCII rules on the half-width form.
                match half {
                    'A'..='Z' => self.push(half.to_ascii_lowercase()),
                    '[' | '{' | '(' => self.push('('),
                    ']' | '}' | ')' => return self.close_bracket(),
                    '\'' | '"' | '`' => self.push('"'),
                    h => self.push(h),
                }
            }
            '“' | '”' | '„' | '‟' | '「' | '」' | '『' | '』' | '‘' | '’' | '‚' | '‛' | '〝'
            | '〞' | '″' | '′' => self.push('"'),
            '【' | '〔' | '〖' | '〈' => self.push('('),
            '】' | '〕' | '〗' | '〉' => return self.close_bracket(),
            '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}' | '\u{00ad}' => self.delete_one(),
            c if c.is_whitespace() => self.delete_one(),
            c => self.push(c),
        }
        None
    }
}

/// Normalises a short string (an alias, a word) on its own.
pub fn normalise_str(s: &str) -> String {
    let mut n = Normalised::default();
    n.extend(s, false);
    n.text
}

/// Common Traditional characters in organisation names, with their
/// Simplified forms.
const TRADITIONAL: &[(char, char)] = &[
    ('萬', '万'),
    ('區', '区'),
    ('團', '团'),
    ('資', '资'),
    ('設', '设'),
    ('務', '务'),
    ('開', '开'),
    ('發', '发'),
    ('國', '国'),
    ('慶', '庆'),
    ('縣', '县'),
    ('華', '华'),
    ('廣', '广'),
    ('電', '电'),
    ('業', '业'),
    ('實', '实'),
    ('場', '场'),
    ('東', '东'),
    ('產', '产'),
    ('經', '经'),
    ('濟', '济'),
    ('運', '运'),
    ('輸', '输'),
    ('鐵', '铁'),
    ('營', '营'),
    ('貿', '贸'),
    ('農', '农'),
    ('銀', '银'),
    ('險', '险'),
    ('證', '证'),
    ('環', '环'),
    ('線', '线'),
    ('號', '号'),
    ('長', '长'),
    ('門', '门'),
    ('車', '车'),
    ('龍', '龙'),
    ('灣', '湾'),
    ('碼', '码'),
    ('頭', '头'),
    ('園', '园'),
    ('進', '进'),
    ('遠', '远'),
    ('達', '达'),
    ('來', '来'),
    ('際', '际'),
    ('機', '机'),
    ('構', '构'),
    ('對', '对'),
    ('與', '与'),
    ('為', '为'),
    ('貨', '货'),
    ('幣', '币'),
    ('稅', '税'),
    ('權', '权'),
    ('會', '会'),
    ('計', '计'),
    ('劃', '划'),
    ('鄉', '乡'),
    ('鎮', '镇'),
    ('陽', '阳'),
    ('溝', '沟'),
    ('橋', '桥'),
    ('壩', '坝'),
    ('灘', '滩'),
    ('嶺', '岭'),
    ('峽', '峡'),
    ('雲', '云'),
    ('豐', '丰'),
    ('墊', '垫'),
    ('銅', '铜'),
    ('壽', '寿'),
    ('衛', '卫'),
    ('聯', '联'),
    ('總', '总'),
    ('興', '兴'),
    ('倉', '仓'),
    ('儲', '储'),
    ('紡', '纺'),
    ('織', '织'),
    ('氣', '气'),
    ('礦', '矿'),
    ('藥', '药'),
    ('醫', '医'),
    ('禮', '礼'),
    ('書', '书'),
    ('報', '报'),
    ('萊', '莱'),
];

const CJK_FIRST: u32 = 0x4e00;
const CJK_LAST: u32 = 0x9fff;

/// One bit per CJK ideograph: set for the Traditional characters above.
const TRADITIONAL_BITS: [u64; 328] = {
    let mut bits = [0u64; 328];
    let mut i = 0;
    while i < TRADITIONAL.len() {
        let cp = TRADITIONAL[i].0 as u32 - CJK_FIRST;
        bits[(cp / 64) as usize] |= 1 << (cp % 64);
        i += 1;
    }
    bits
};

/// Does a CJK ideograph (by code point) need mapping (a Traditional form)?
const fn is_traditional_cp(cp: u32) -> bool {
    if cp < CJK_FIRST || cp > CJK_LAST {
        return false;
    }
    let cp = cp - CJK_FIRST;
    TRADITIONAL_BITS[(cp / 64) as usize] & (1 << (cp % 64)) != 0
}

/// One bit per code point of the Basic Multilingual Plane from U+0080: set
/// when normalisation may change the character (`unchanged` says no, or it
/// is a Traditional form).
static CHANGES_BMP: [u64; 1024] = {
    let mut bits = [0u64; 1024];
    let mut cp = 0x80u32;
    while cp < 0x1_0000 {
        if let Some(c) = char::from_u32(cp)
            && (!unchanged(c) || is_traditional_cp(cp))
        {
            bits[(cp / 64) as usize] |= 1 << (cp % 64);
        }
        cp += 1;
    }
    bits
};

/// May normalisation change the non-ASCII character `cp` (below U+10000)?
#[inline]
fn changes_cp(cp: u32) -> bool {
    CHANGES_BMP[(cp as usize / 64) & 1023] & (1 << (cp % 64)) != 0
}

/// May normalisation change the non-ASCII character `c`?
fn changes(c: char) -> bool {
    let cp = c as u32;
    if cp < 0x1_0000 {
        changes_cp(cp)
    } else {
        !unchanged(c)
    }
}

/// ASCII bytes that change: upper case, brackets other than `(`, quotes
/// other than `"`, whitespace and control characters.
static ASCII_SPECIAL: [bool; 128] = {
    let mut t = [false; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = c.is_ascii_uppercase()
            || matches!(c, b'[' | b'{' | b']' | b'}' | b')' | b'\'' | b'`')
            || c.is_ascii_whitespace()
            || c.is_ascii_control();
        i += 1;
    }
    t
};

/// The Simplified form of a Traditional character in the table.
fn simplified(c: char) -> char {
    TRADITIONAL
        .iter()
        .find(|(t, _)| *t == c)
        .map_or(c, |&(_, s)| s)
}

/// Non-ASCII, non-ideograph characters written as they are (most
/// punctuation, including the full-width ，。：；！？ of Chinese text).
/// Changed: full-width letters, digits, brackets, quotes and the dot;
/// quotation marks and brackets of every kind; zero-width characters and
/// whitespace.
const fn unchanged(c: char) -> bool {
    !matches!(c,
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '（' | '）' | '［' | '］' | '｛' | '｝' | '＂' | '＇' | '．'
        | '“' | '”' | '„' | '‟' | '「' | '」' | '『' | '』' | '‘' | '’' | '‚' | '‛' | '〝' | '〞' | '″' | '′'
        | '【' | '〔' | '〖' | '〈' | '】' | '〕' | '〗' | '〉'
        | '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}' | '\u{00ad}')
        && !c.is_whitespace()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> Normalised {
        let mut n = Normalised::default();
        n.extend(s, true);
        n
    }

    #[test]
    fn widths_spaces_quotes_and_brackets() {
        assert_eq!(normalise_str("ＡＢＣ１２３"), "abc123");
        assert_eq!(normalise_str("万州 城投\u{3000}集团"), "万州城投集团");
        assert_eq!(
            normalise_str("“城投”「城投」‘城投’\"城投\""),
            "\"城投\"\"城投\"\"城投\"\"城投\""
        );
        assert_eq!(normalise_str("投资（集团）有限"), "投资集团有限");
        assert_eq!(normalise_str("投资(集团)有限"), "投资集团有限");
        assert_eq!(normalise_str("投资[集团]有限"), "投资集团有限");
        assert_eq!(normalise_str("投资【集团】有限"), "投资集团有限");
        assert_eq!(normalise_str("（以下简称“城投”）"), "(以下简称\"城投\")");
        assert_eq!(normalise_str("萬州區城投集團"), "万州区城投集团");
    }

    #[test]
    fn offsets_point_back_into_the_original() {
        let src = "记者  走进 万州城投（集团）有限公司";
        let n = norm(src);
        assert_eq!(n.text, "记者走进万州城投集团有限公司");
        let orig: Vec<char> = src.chars().collect();
        for (i, c) in n.text.chars().enumerate() {
            let o = n.original(i);
            assert_eq!(orig[o], c, "char {i} -> {o}");
        }
    }

    #[test]
    fn lines_are_kept_and_counted() {
        let n = norm("第一段\n\n第 三段");
        assert_eq!(n.text, "第一段\n\n第三段");
        assert_eq!(n.breaks, vec![9, 10]);
        assert_eq!(n.line_starts, vec![0, 4, 5]);
        assert_eq!(n.original(6), 7);
        assert_eq!(n.original(5), 5);
    }
}
