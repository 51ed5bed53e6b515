//! Near-duplicate detection across outlets: a 64-bit SimHash over character
//! 3-shingles of the body. Copies of one story in two outlets are linked as
//! syndicated, never merged: each outlet's copy is its own potential item.

/// Bodies at most this many bits apart are the same story.
pub const SYNDICATION_DISTANCE: u32 = 9;

/// Band widths splitting the 64 bits into ten bands: two hashes at most nine
/// bits apart agree exactly on at least one band (pigeonhole), so candidates
/// are found by exact band lookups instead of a scan.
const BANDS: [u32; 10] = [7, 7, 7, 7, 6, 6, 6, 6, 6, 6];

/// The (band number, band value) pairs of a hash.
pub fn bands(hash: u64) -> Vec<(u32, u32)> {
    let mut shift = 0;
    BANDS
        .iter()
        .enumerate()
        .map(|(i, width)| {
            let v = (hash >> shift) & ((1u64 << width) - 1);
            shift += width;
            (i as u32, v as u32)
        })
        .collect()
}

/// Bodies shorter than this (in characters) are too short to compare.
pub const MIN_CHARS: usize = 80;

/// FNV-1a over the shingle's characters, then a SplitMix64 finaliser so that
/// every bit is well mixed (SimHash needs uniform bits, not cryptography).
fn shingle_hash(s: &[char]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in s {
        h ^= *c as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// Whether a character counts for SimHash: letters and digits. The CJK
/// Unified Ideographs block (most of a Chinese text) is all alphabetic, so
/// it skips the Unicode table lookup.
fn counted(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}') || c.is_alphanumeric()
}

/// A byte's eight bits spread one per byte lane (bit `i` to lane `i`): adding
/// these counts eight bits of a hash at once, up to 255 times per lane.
const SPREAD: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut i = 0;
        while i < 8 {
            if (b >> i) & 1 == 1 {
                t[b] |= 1 << (8 * i);
            }
            i += 1;
        }
        b += 1;
    }
    t
};

/// Move the per-lane counts into `ones` (bit `8k + i` is lane `i` of `lanes[k]`).
fn flush(lanes: &mut [u64; 8], ones: &mut [u32; 64]) {
    for (k, lane) in lanes.iter_mut().enumerate() {
        for i in 0..8 {
            ones[8 * k + i] += ((*lane >> (8 * i)) & 0xff) as u32;
        }
        *lane = 0;
    }
}

/// SimHash of a text's non-whitespace, non-punctuation characters; 0 for
/// short texts. A bit is set when more shingle hashes have it set than not.
pub fn simhash(text: &str) -> u64 {
    let chars: Vec<char> = text.chars().filter(|c| counted(*c)).collect();
    if chars.len() < MIN_CHARS {
        return 0;
    }
    // Bits counted in byte lanes, eight at a time, flushed before a lane
    // can overflow.
    let mut ones = [0u32; 64];
    let mut lanes = [0u64; 8];
    let mut pending = 0;
    for w in chars.windows(3) {
        let h = shingle_hash(w);
        for (k, lane) in lanes.iter_mut().enumerate() {
            *lane += SPREAD[((h >> (8 * k)) & 0xff) as usize];
        }
        pending += 1;
        if pending == 255 {
            flush(&mut lanes, &mut ones);
            pending = 0;
        }
    }
    flush(&mut lanes, &mut ones);
    let shingles = (chars.len() - 2) as u64;
    ones.iter().enumerate().fold(0u64, |acc, (bit, n)| {
        if 2 * u64::from(*n) > shingles {
            acc | 1 << bit
        } else {
            acc
        }
    })
}

pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "万州城投集团坚持以改革促发展，深入推进三项制度改革，全面推行经理层成员任期制和契约化管理，建立健全市场化选人用人机制，企业活力和效率显著提升。集团还积极稳妥推进混合所有制改革，引入战略投资者，完善现代企业制度，推动国有资本做强做优做大。";

    #[test]
    fn same_story_with_small_edits_is_near() {
        let copy = format!("新华社重庆电 {STORY}（记者 李明）");
        assert!(distance(simhash(STORY), simhash(&copy)) <= SYNDICATION_DISTANCE);
    }

    #[test]
    fn different_stories_are_far() {
        let other = "今天白天到夜间，万州区多云转小雨，气温12到18摄氏度，偏北风二到三级。气象部门提醒市民注意添衣保暖，出行携带雨具，注意交通安全。明天阴天有小雨，后天转晴，气温回升，空气质量良好，适宜户外活动和晨练。";
        assert!(distance(simhash(STORY), simhash(other)) > SYNDICATION_DISTANCE + 6);
    }

    #[test]
    fn near_hashes_share_a_band() {
        let a = simhash(STORY);
        let b = a ^ 0b1_0000_0000_0100_0000_0001_0000_0000_0010_0000_0000_0001;
        assert!(distance(a, b) <= SYNDICATION_DISTANCE);
        let (ba, bb) = (bands(a), bands(b));
        assert!(ba.iter().zip(&bb).any(|(x, y)| x == y));
        assert_eq!(ba.len(), 10);
    }

    /// The SimHash as first written: one signed weight per bit.
    fn reference(text: &str) -> u64 {
        let chars: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).collect();
        if chars.len() < MIN_CHARS {
            return 0;
        }
        let mut weights = [0i32; 64];
        for w in chars.windows(3) {
            let h = shingle_hash(w);
            for (bit, weight) in weights.iter_mut().enumerate() {
                if h >> bit & 1 == 1 {
                    *weight += 1;
                } else {
                    *weight -= 1;
                }
            }
        }
        weights.iter().enumerate().fold(
            0u64,
            |acc, (bit, w)| if *w > 0 { acc | 1 << bit } else { acc },
        )
    }

    #[test]
    fn lane_counting_gives_the_reference_hash() {
        let mixed = "SASAC 2026年第3季度：Q3营收12.5亿元，同比+8%；ＡＢＣ集团 ǅ ½ Ⅻ ① 𠀀𠀁 ";
        let texts = [
            STORY.to_string(),
            STORY.repeat(7),
            format!("{mixed}{}", STORY.repeat(3)),
            mixed.repeat(20),
            "a".repeat(1000),
            "万".repeat(257),
            STORY.chars().take(MIN_CHARS + 1).collect(),
        ];
        for t in &texts {
            assert_eq!(simhash(t), reference(t), "{t}");
        }
    }

    #[test]
    fn every_cjk_unified_ideograph_is_alphanumeric() {
        assert!(('\u{4e00}'..='\u{9fff}').all(char::is_alphanumeric));
    }

    #[test]
    fn short_texts_are_not_compared() {
        assert_eq!(simhash("国企改革"), 0);
    }
}
