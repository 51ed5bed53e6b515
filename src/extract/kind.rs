//! What a stored item is: a report, or something a page carries that is
//! not one (an advertisement, a 版务 notice, a picture with its caption).
//! Only reports become candidates or leads. Pure: reads the fields an
//! article already has (page label, title, body).
//!
//! - **Advertisement**: any item of a page labelled 广告 (人民日报 `13版：广告`);
//!   an item marked 广告 in its title or by a line of its own (（广告）, 广告,
//!   本版广告); an advertorial, a short text with contact lines (电话, 热线,
//!   地址, 网址) and nothing a report has (a dateline, a reporter, a source).
//! - **Notice**: 版务 (本版责编、版式设计、责任编辑 lines and nothing else),
//!   corrections (更正), notices to readers (启事, 休刊, 订阅).
//! - **Picture**: 图片报道/摄影报道 items, or bodies that are only captions
//!   (图为…, …摄) and short.

use crate::model::ArticleKind;
use regex::Regex;
use std::sync::LazyLock;

/// The page label's name part is an advertisement page.
static AD_PAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[：:\s版])(?:广告|专版广告|广告专版|公告广告)\s*$").expect("static regex")
});
/// A title or a line that says it is an advertisement.
static AD_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\[【（(]?\s*(?:广告|本版广告|商业广告|广告专版|企业形象广告|形象广告|推广|赞助)\s*[\]】）)]?$")
        .expect("static regex")
});
/// Contact lines of an advertisement.
static CONTACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:电话|热线|咨询|联系|服务|招商|订购|预订|客服)[^\n]{0,6}[：:]?\s*[0-9０-９（(][0-9０-９\-－—（）() ]{6,}|(?:地址|网址|官网)[：:]|www\.|\b400[\-－ ]?\d{3}[\-－ ]?\d{4}\b",
    )
    .expect("static regex")
});
/// What a report has: a dateline, a reporter, a source, a byline.
static REPORTING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"本报讯|本报[^\n]{0,8}电|新华社[^\n]{0,8}电|记者|通讯员|日电|来源[：:]|据[^\n]{1,10}(?:报道|介绍|了解)|表示|介绍|说")
        .expect("static regex")
});
/// 版务 lines: editors, designers, proof-readers of the page.
static EDITORIAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\[【（(]?\s*(?:本版责编|本版编辑|责任编辑|责编|编辑|版式设计|美术编辑|美编|图片编辑|校对|本版统筹|统筹|版面设计|制图)\s*[：:]")
        .expect("static regex")
});
/// Notices to readers.
static NOTICE_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:本版责编|版式设计|更正|更正启事|更正声明|启事|休刊启事|征订启事|订阅启事|读者来信须知|本报声明|声明)|(?:休刊|征订|更正)启事$")
        .expect("static regex")
});
/// Titles of picture items.
static PICTURE_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"图片报道|摄影报道|图片新闻|^图说|^组图|^\[组图\]|^【组图】|^图集|影像|^视觉")
        .expect("static regex")
});
/// A caption line: 图为…, …（新华社记者 某某摄）, 某某摄.
static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^图[为①②③④⑤⑥1-9：:]|^上图|^下图|^左图|^右图|[（(][^（）()]{0,20}摄[）)]\s*$|摄\s*$|摄影[：:]")
        .expect("static regex")
});

/// Bodies at most this long can be an advertorial or a picture item.
const SHORT: usize = 300;

fn chars(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

/// What the item is, from its page label, title and body.
pub fn classify(page: Option<&str>, title: &str, body: &str) -> ArticleKind {
    let title = title.trim();
    let lines: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let len: usize = lines.iter().map(|l| chars(l)).sum();

    if page.is_some_and(|p| AD_PAGE.is_match(p.trim())) {
        return ArticleKind::Advertisement;
    }
    if AD_MARK.is_match(title) || lines.iter().any(|l| AD_MARK.is_match(l)) {
        return ArticleKind::Advertisement;
    }
    // 版务: the title or every line names the page's editors.
    if NOTICE_TITLE.is_match(title)
        || EDITORIAL.is_match(title)
        || (!lines.is_empty() && lines.iter().all(|l| EDITORIAL.is_match(l)) && len < SHORT)
    {
        return ArticleKind::Notice;
    }
    let reporting = REPORTING.is_match(body);
    if len <= SHORT && !reporting && lines.iter().any(|l| CONTACT.is_match(l)) {
        return ArticleKind::Advertisement;
    }
    let captions = lines.iter().filter(|l| CAPTION.is_match(l)).count();
    if PICTURE_TITLE.is_match(title) && len <= SHORT * 2 {
        return ArticleKind::Picture;
    }
    if lines.is_empty() {
        return ArticleKind::Picture;
    }
    if captions > 0 && len <= SHORT && captions * 2 >= lines.len() {
        return ArticleKind::Picture;
    }
    ArticleKind::Report
}

#[cfg(test)]
mod tests {
    use super::*;
    use ArticleKind::*;

    #[test]
    fn items_of_an_advertisement_page() {
        // The title has no 广告; the text is a name, a slogan and a phone.
        let body =
            "重庆市万州区城市建设投资（集团）有限公司\n匠心筑城 品质万州\n联系电话：023-58888888";
        assert_eq!(
            classify(Some("13版：广告"), "匠心筑城", body),
            Advertisement
        );
        assert_eq!(
            classify(Some("第13版 广告"), "一座城的温度", body),
            Advertisement
        );
        // A report on a normal page is a report.
        let report = "本报重庆6月11日电（记者 王明）走进重庆市万州区城市建设投资（集团）有限公司，墙上的公示栏格外醒目。";
        assert_eq!(
            classify(Some("10版：经济"), "三项制度改革激发活力", report),
            Report
        );
        // 广告 in a page name that is not an ad page.
        assert_eq!(classify(Some("05版：广告与市场"), "某某", report), Report);
    }

    #[test]
    fn advertorials_and_marked_advertisements() {
        let body = "万州城投集团 匠心筑城\n品质生活 从这里开始\n招商热线：023-58888888\n地址：重庆市万州区某某路1号";
        assert_eq!(
            classify(Some("07版：专题"), "品质万州", body),
            Advertisement
        );
        assert_eq!(
            classify(None, "品质万州", "（广告）\n万州城投集团祝全区人民新春快乐"),
            Advertisement
        );
        // A report that quotes a hotline stays a report.
        let report = "本报讯（记者 李华）万州区开通国企改革咨询热线，电话：023-58123456。区国资委表示，热线将解答职工关切。";
        assert_eq!(
            classify(Some("03版：要闻"), "国企改革咨询热线开通", report),
            Report
        );
    }

    #[test]
    fn banwu_items() {
        assert_eq!(
            classify(Some("10版：经济"), "本版责编：张三 李四 版式设计：王五", ""),
            Notice
        );
        assert_eq!(
            classify(Some("10版：经济"), "图片", "本版责编：张三\n版式设计：王五"),
            Notice
        );
        assert_eq!(
            classify(None, "更正启事", "本报3月2日第5版……特此更正。"),
            Notice
        );
        // An article about editors is a report.
        assert_eq!(
            classify(
                None,
                "编辑部的故事",
                "本报记者 王明\n责任编辑这个岗位，在改革中也在变化。记者走访了多家报社，了解编辑们的日常工作与新挑战。"
            ),
            Report
        );
    }

    #[test]
    fn picture_items() {
        assert_eq!(
            classify(
                Some("04版：要闻"),
                "图片报道",
                "图为万州新田港作业区一派繁忙景象。\n本报记者 王明摄"
            ),
            Picture
        );
        assert_eq!(
            classify(
                None,
                "长江岸边",
                "图为万州新田港集装箱码头。（新华社记者 刘某摄）"
            ),
            Picture
        );
        assert_eq!(classify(Some("04版：要闻"), "江畔新景", ""), Picture);
        // A report with a photo caption inside is a report.
        let body = "本报记者 王明\n图为新田港。\n近年来，万州港口集团以混合所有制改革为突破口，引入战略投资者，组建专业化运营公司，港口吞吐量连续三年保持两位数增长。集团负责人介绍，改革让老码头焕发新活力。";
        assert_eq!(
            classify(Some("04版：要闻"), "老码头焕发新活力", body),
            Report
        );
    }
}
