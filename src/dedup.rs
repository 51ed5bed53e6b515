//! Near-duplicate detection across outlets: a 64-bit SimHash over character
//! 3-shingles of the body. Copies of one story in two outlets are linked as
//! syndicated, never merged: each outlet's copy is its own potential item.

use sha2::{Digest, Sha256};

/// Bodies at most this many bits apart are the same story.
pub const SYNDICATION_DISTANCE: u32 = 6;

/// Bodies shorter than this (in characters) are too short to compare.
pub const MIN_CHARS: usize = 80;

fn shingle_hash(s: &[char]) -> u64 {
    let text: String = s.iter().collect();
    let d = Sha256::digest(text.as_bytes());
    u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

/// SimHash of a text's non-whitespace, non-punctuation characters; 0 for short texts.
pub fn simhash(text: &str) -> u64 {
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
        assert!(distance(simhash(STORY), simhash(other)) > SYNDICATION_DISTANCE * 2);
    }

    #[test]
    fn short_texts_are_not_compared() {
        assert_eq!(simhash("国企改革"), 0);
    }
}
