//! Page furniture at the edges of a body, removed by rules on what a line
//! *is* rather than by per-site strings: a leading 原标题 line (often
//! hidden), trailing editor lines （责编：…）, share and follow prompts
//! (分享让更多人看到, 关注公众号：…, 扫码下载客户端), and page-tool tokens
//! (+1, 图集, 【纠错】, 返回顶部). Used by the selector path and the
//! generic one alike. A line is furniture only when it is short and holds
//! no sentence of its own.

use regex::Regex;
use std::sync::LazyLock;

/// A line naming the editors (or the producers) of the item.
static EDITOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\[【（(]?\s*(?:责任编辑|责编|本版编辑|值班编辑|实习编辑|网络编辑|编辑|校对|审核|审校|终审|初审|监制|出品人|出品|策划|制作|统筹|主编|编审|文字编辑|视频编辑|海报设计|设计)\s*[：:｜|]")
        .expect("static regex")
});
/// An editor tail glued to the end of the last paragraph: …增长。（责编：张三）
static EDITOR_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s*[\[【（(]\s*(?:责任编辑|责编|编辑)\s*[：:][^\]】）)]{1,30}[\]】）)]\s*$")
        .expect("static regex")
});
/// Share, follow and download prompts.
static PROMPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"分享让更多人看到|分享到|分享至|一键分享|转发到|关注(?:微信)?公众号|关注我们|欢迎关注|点击关注|扫码关注|扫一扫|扫描二维码|长按(?:识别)?二维码|长按识别|下载客户端|下载.{0,6}APP|点击阅读原文|阅读原文|点个赞|点赞|在看|原文链接|本文来自|版权所有|未经授权|未经许可|禁止转载|不得转载|转载请注明|举报电话|违法和不良信息")
        .expect("static regex")
});
/// Page-tool tokens that stand alone on a line.
static TOOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[+＋]\s*1|图集|【?纠错】?|\[?纠错\]?|返回顶部|返回首页|返回|顶部|上一页|下一页|首页|尾页|末页|\d{1,3}|打印|关闭|收藏|分享|评论|举报|点赞|相关新闻|相关阅读|推荐阅读|延伸阅读|更多精彩|扫码|字号|大|中|小|[|｜/\s·]+)+$")
        .expect("static regex")
});
/// A line that is nothing but a control of the page or of a media player
/// (播报, 编辑, 收起, 倍速, 高清, 00:00/01:45, 1.5X, 480P) or a player's
/// message (正在为您切换…, 很抱歉，当前视频播放失败, 错误代码：…): never text,
/// wherever it stands.
static CONTROL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:播报|编辑|\[编辑\]|收起|展开|展开全文|全屏|退出全屏|画中画|静音|倍速|高清|超清|标清|流畅|蓝光|原画|自动|直播|循环播放|跳过片头|设置成功|重播|播放|暂停|\d{1,2}:\d{2}(?::\d{2})?(?:\s*/\s*\d{1,2}:\d{2}(?::\d{2})?)?|\d(?:\.\d{1,2})?\s*[Xx倍]|\d{3,4}[Pp]|\d{1,3}%)\s*)+$|^(?:正在为您切换|很抱歉，当前视频播放失败|错误代码[：:]|播放速度[：:]|时长[：:]\s*\d|建议(?:在)?WIFI下|您的浏览器不支持|视频加载中)")
        .expect("static regex")
});

/// A leading 原标题 line: 原标题：… , 【原标题：…】.
static ORIGINAL_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\[【（(]?\s*原(?:标)?题\s*[：:]").expect("static regex"));

/// Furniture lines are at most this long (characters).
const SHORT: usize = 60;

fn short(l: &str) -> bool {
    l.chars().count() <= SHORT
}

/// Whether a trailing line is furniture.
pub fn is_trailing_furniture(line: &str) -> bool {
    let l = line.trim().trim_matches('\u{3000}');
    if l.is_empty() {
        return true;
    }
    if TOOL.is_match(l) {
        return true;
    }
    if !short(l) {
        return false;
    }
    // Tool tokens before an editor line on the same line: +1 责任编辑：…
    let rest = LEADING_TOOLS.replace(l, "");
    EDITOR.is_match(l)
        || PROMPT.is_match(l)
        || EDITOR.is_match(&rest)
        || (rest != l && EDITOR_TAIL.is_match(l))
}

/// Tool tokens at the start of a line (+1, 图集, 【纠错】).
static LEADING_TOOLS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:[+＋]\s*1|图集|【纠错】|\[纠错\]|纠错|分享|收藏|打印)\s*)+")
        .expect("static regex")
});

/// Remove furniture from the edges of a body.
pub fn strip_furniture(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let mut start = 0;
    while start < lines.len().min(3) {
        let l = lines[start].trim().trim_matches('\u{3000}');
        if l.is_empty() || (ORIGINAL_TITLE.is_match(l) && l.chars().count() <= 80) {
            start += 1;
        } else {
            break;
        }
    }
    let mut end = lines.len();
    while end > start && is_trailing_furniture(lines[end - 1]) {
        end -= 1;
    }
    let mut out: Vec<String> = lines[start..end]
        .iter()
        .filter(|l| {
            let t = l.trim().trim_matches('\u{3000}');
            t.chars().count() > 40 || !CONTROL.is_match(t)
        })
        .map(|l| l.to_string())
        .collect();
    if let Some(last) = out.last_mut() {
        let cut = EDITOR_TAIL.replace(last, "").trim_end().to_string();
        if !cut.is_empty() {
            *last = cut;
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_share_follow_and_editor_lines_go() {
        let body = "万州区推进国企改革。\n改革成效明显。\n分享让更多人看到\n关注公众号：万州发布\n（责编：胡永秋、杨光宇）";
        assert_eq!(
            strip_furniture(body),
            "万州区推进国企改革。\n改革成效明显。"
        );
        let body = "正文一段。\n图集\n+1\n【纠错】\n[责任编辑: 王某]";
        assert_eq!(strip_furniture(body), "正文一段。");
        let body = "正文一段。\n+1 【责任编辑：王某】";
        assert_eq!(strip_furniture(body), "正文一段。");
        let body = "正文一段。\n图集\n+1 责任编辑：王某\n上一页 1 2 下一页";
        assert_eq!(strip_furniture(body), "正文一段。");
        let body = "正文最后一段，营收增长百分之十二。（责编：张三）";
        assert_eq!(strip_furniture(body), "正文最后一段，营收增长百分之十二。");
        let body = "正文。\n责任编辑：李四\n扫一扫在手机打开当前页";
        assert_eq!(strip_furniture(body), "正文。");
    }

    #[test]
    fn page_and_player_controls_go_wherever_they_stand() {
        let body = "历史沿革\n播报\n编辑\n2023年12月，省政府批复设立开发区。\n正在为您切换到高清 480P,请稍候...\n00:00/01:45\n倍速\n1.5X\n高清\n很抱歉，当前视频播放失败\n5月20日起，栏目推出系列访谈节目。";
        assert_eq!(
            strip_furniture(body),
            "历史沿革\n2023年12月，省政府批复设立开发区。\n5月20日起，栏目推出系列访谈节目。"
        );
        // A sentence about a player is text.
        let body = "正文。\n编辑部介绍，新版播放器支持倍速和高清播放，用户反映良好。";
        assert_eq!(strip_furniture(body), body);
    }

    #[test]
    fn a_leading_original_title_goes() {
        let body = "原标题：老码头焕发新活力\n春日的长江万州段，货轮往来穿梭。";
        assert_eq!(strip_furniture(body), "春日的长江万州段，货轮往来穿梭。");
        let body = "【原标题：老码头焕发新活力】\n正文。";
        assert_eq!(strip_furniture(body), "正文。");
    }

    #[test]
    fn text_that_mentions_the_words_stays() {
        // A closing paragraph that talks about sharing is text.
        let body = "正文。\n据介绍，该平台上线后，职工可以把改革经验分享到各个班组，也可以通过关注公众号了解最新政策，目前已有三千多人使用，反响良好。";
        assert_eq!(strip_furniture(body), body);
        // An editor named in a sentence stays.
        let body = "正文。\n编辑部主任王某说，改革让报社焕发活力。";
        assert_eq!(strip_furniture(body), body);
        // The print citation of a reprint stays (it dates the print report).
        let body = "正文。\n《 人民日报 》（ 2024年05月10日 04 版）";
        assert_eq!(strip_furniture(body), body);
    }
}
