//! Source alarms in a reviewer's words: the one wording that the 信息源
//! page (`web::sources`) and the notifications share.

use crate::store::Alarm;

/// An alarm in a reviewer's words (Chinese).
pub fn alarm_zh(alarm: &Alarm) -> String {
    match alarm {
        Alarm::NoLinks { pages, earlier } => format!(
            "网页改版？最近一次运行有 {pages} 个目录页没有找到任何文章链接，此前的运行找到过 {earlier} 个"
        ),
        Alarm::PatternFallback { pages } => format!(
            "网页改版？{pages} 个目录页上的选择器没有找到链接，已改按网址规律取链接（请修正该信息源的选择器）"
        ),
        Alarm::Blocked { pages } => {
            format!("被拦截？{pages} 个页面返回脚本验证（521/412 反爬虫页面），未保存任何内容")
        }
        Alarm::NeedsBrowser { pages } => format!(
            "被拦截：{pages} 个页面返回脚本验证（反爬虫页面），需要用浏览器抓取，但无法启动无头 Chromium 浏览器；请安装 Debian 软件包 chromium 和 chromium-driver（或在 radar.toml 的 [browser] 中设置 chromium），这些页面未保存任何内容"
        ),
        Alarm::ChallengeUnsolved { pages } => format!(
            "被拦截：浏览器未能通过 {pages} 个页面的脚本验证（验证方式可能已变化），这些页面未保存任何内容"
        ),
        Alarm::NotArticles { links } => format!(
            "不是文章？{links} 个文章链接打开后没有文章（空白页面或 PDF 等非网页文件），未保存任何内容"
        ),
        Alarm::EmptyField { field, articles } => format!(
            "网页改版？字段“{}”的选择器在全部 {articles} 篇文章上都取不到内容，此前的运行取到过",
            field_zh(field)
        ),
    }
}

/// A field of a source's selectors, in a reviewer's words.
fn field_zh(field: &str) -> &str {
    match field {
        "title" => "标题",
        "date" | "published" => "日期",
        "author" => "作者",
        "body" => "正文",
        "page" => "版面",
        "section" => "栏目",
        other => other,
    }
}
