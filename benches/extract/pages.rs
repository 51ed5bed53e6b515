//! Generated benchmark pages: a 人民日报-like e-paper article page and a TRS
//! government article page, with Chinese text composed from sentence
//! templates written for this benchmark. Deterministic for a given seed.

use chrono::{Days, NaiveDate};

pub struct Page {
    pub kind: &'static str,
    pub url: String,
    pub html: String,
    pub title: String,
    pub date: NaiveDate,
    pub body: String,
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const PLACES: &[&str] = &[
    "万州区",
    "渝北区",
    "涪陵区",
    "江北区",
    "永川区",
    "黔江区",
    "綦江区",
    "开州区",
    "云阳县",
    "奉节县",
    "巫山县",
    "忠县",
    "石柱县",
    "梁平区",
    "垫江县",
    "璧山区",
];
const ORGS: &[&str] = &[
    "市国资委",
    "区属国有企业",
    "港务物流集团",
    "城投集团",
    "交通开投集团",
    "水务集团",
    "能源投资集团",
    "农业发展集团",
    "文旅集团",
    "产业投资公司",
];
const TOPICS: &[&str] = &[
    "国企改革深化提升行动",
    "现代企业制度建设",
    "战略性新兴产业布局",
    "科技创新",
    "营商环境优化",
    "乡村振兴",
    "数字化转型",
    "长江经济带绿色发展",
    "成渝地区双城经济圈建设",
    "国有资本布局优化",
];
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱",
];
const GIVEN: &[&str] = &[
    "晓峰", "静", "明", "海燕", "建国", "雪", "志强", "丽", "文博", "佳", "国庆", "磊",
];
const SENTENCES: &[&str] = &[
    "{m}月{d}日，{place}召开{topic}工作推进会，总结前一阶段进展，部署下一步重点任务。",
    "会议指出，要坚持稳中求进工作总基调，把{topic}作为推动高质量发展的重要抓手。",
    "据统计，今年以来{org}累计完成投资{n}亿元，同比增长{p}%。",
    "{org}有关负责人介绍，企业已建立任期制和契约化管理制度，经理层成员全部签订年度经营业绩责任书。",
    "在{place}的一处生产车间里，工人们正在调试新上线的智能化设备。",
    "“改革不是一阵风，而是要一步一个脚印往前走。”一位基层干部说。",
    "下一步，{place}将继续聚焦主责主业，推动国有资本向重要行业和关键领域集中。",
    "专家认为，{topic}的关键在于完善治理结构，激发企业内生动力。",
    "截至{m}月底，全市已有{n}家企业完成董事会应建尽建，外部董事占多数的比例达到{p}%。",
    "与此同时，{org}加快处置低效无效资产，累计盘活存量资产{n}亿元。",
    "不少企业反映，审批环节少了，办事效率明显提高。",
    "{place}还建立了改革任务台账，实行清单化管理、项目化推进。",
    "围绕{topic}，当地出台了{n}条具体措施，涵盖融资支持、人才引进和技术攻关等方面。",
    "数据显示，{m}月份{place}规模以上工业增加值同比增长{p}%，增速高于全市平均水平。",
    "记者在现场看到，码头上集装箱堆放整齐，货轮往来穿梭。",
    "这些举措为企业转型升级提供了有力支撑。",
    "业内人士表示，推进{topic}需要政府、企业和社会各方形成合力。",
    "今年，{org}计划实施重点项目{n}个，总投资超过{n}亿元。",
    "一些企业还探索建立了科技创新容错机制，鼓励技术人员大胆尝试。",
    "{place}有关部门表示，将加强跟踪问效，确保各项政策落地见效。",
];
const TITLES: &[&str] = &[
    "{place}{topic}取得新进展",
    "{org}：以改革激发发展新动能",
    "{place}推动{topic}走深走实",
    "聚焦{topic} {place}出实招",
    "{org}加快{topic}步伐",
    "{place}：{topic}跑出加速度",
];

fn fill(rng: &mut Rng, t: &str) -> String {
    let mut s = t.to_string();
    for (key, list) in [("{place}", PLACES), ("{org}", ORGS), ("{topic}", TOPICS)] {
        while s.contains(key) {
            let v = rng.pick(list);
            s = s.replacen(key, v, 1);
        }
    }
    while s.contains("{n}") {
        let v = (rng.below(900) + 3).to_string();
        s = s.replacen("{n}", &v, 1);
    }
    let p = format!("{}.{}", rng.below(30) + 1, rng.below(10));
    let m = (rng.below(12) + 1).to_string();
    let d = (rng.below(28) + 1).to_string();
    s.replace("{p}", &p).replace("{m}", &m).replace("{d}", &d)
}

fn paragraphs(rng: &mut Rng) -> Vec<String> {
    let n = 4 + rng.below(9);
    (0..n)
        .map(|_| {
            let k = 2 + rng.below(4);
            (0..k)
                .map(|_| {
                    let t = rng_sentence(rng);
                    fill(rng, t)
                })
                .collect::<String>()
        })
        .collect()
}

fn rng_sentence(rng: &mut Rng) -> &'static str {
    SENTENCES[rng.below(SENTENCES.len())]
}

fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

fn rmrb(rng: &mut Rng, date: NaiveDate, id: usize) -> Page {
    let t = rng.pick(TITLES);
    let title = fill(rng, t);
    let pre = fill(rng, "聚焦{topic}");
    let sub = fill(rng, "{place}推动{org}聚焦主业、提质增效");
    let author = format!("本报记者 {} {}", person(rng), person(rng));
    let paras = paragraphs(rng);
    let ym = date.format("%Y%m");
    let dd = date.format("%d");
    let cn = date.format("%Y年%m月%d日");
    let page_no = rng.below(20) + 1;
    let mut h = String::with_capacity(24_000);
    h.push_str("<!DOCTYPE html><html lang=\"en\"><head><meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"><title>人民日报-人民网</title><META name=\"catalogs\" content=\"XTW_0009002\">");
    for js in [
        "swiper.min.js",
        "app.js",
        "prototype.js",
        "mp.js",
        "lib.js",
        "dzbnews.js",
    ] {
        h.push_str(&format!("<script src=\"../../../../../../testx/template/amucsite/projectPaper/rmPaper/js/{js}\"></script>"));
    }
    h.push_str("</head><body onLoad=\"initialize();initMPPage();\"><div class=\"top\"><div class=\"w1000\"><a><img class=\"left\"></a><ul class=\"right nav\"><li id=\"ribao\">日报<ul class=\"ribao\">");
    for p in [
        "人民日报",
        "人民日报海外版",
        "环球时报",
        "证券时报",
        "中国能源报",
    ] {
        h.push_str(&format!("<li><a href=\"#\">{p}</a></li>"));
    }
    h.push_str("</ul></li></ul></div></div><div class=\"main w1000\"><div class=\"left paper-box\"><div class=\"paper\"><MAP NAME=\"PagePicMap\">");
    for k in 0..10 {
        h.push_str(&format!("<Area coords=\"{k},20,300,40,300,90,{k},90\" shape=\"polygon\" href=\"../../../content/{ym}/{dd}/content_{}.html\">", id + k));
    }
    h.push_str(&format!("</MAP><img width=\"400\" height=\"575\" src=\"../../../pic/{ym}/{dd}/a1b2.jpg.2\" USEMAP=#PagePicMap></div><div class=\"paper-bot\"><p class=\"left ban\">第{page_no:02}版：要闻</p><p class=\"right btn\"><a href=\"../../../attachement/{ym}/{dd}/c3d4.pdf\">PDF下载</a></p></div></div>"));
    h.push_str(&format!("<div class=\"right right-main\"><div class=\"date-box\"><p class=\"date left\">人民日报 <span class=\"newstime\">{cn} 星期三</span></p></div><div class=\"swiper-box\"><div class=\"swiper-container\">"));
    for k in 1..=20 {
        h.push_str(&format!("<div class=\"swiper-slide\"><a id=\"pageLink\" href=\"node_{k:02}.html\">{k:02}版：{}</a></div>", rng.pick(&["要闻", "评论", "经济", "社会", "国际", "文化", "广告"])));
    }
    h.push_str(&format!("</div></div><div class=\"article-box\"><div class=\"article\"><h3>{pre}</h3><h1><p>{title}</p></h1><h2><p>{sub}</p></h2><p class=\"sec\">{author} <span class=\"newstime\">{}</span></p><div id=\"ozoom\">", date.format("%Y-%m-%d")));
    h.push_str(&format!("<!--enpproperty <articleid>{id}</articleid><date>{} 00:00:00.0</date><author>{author}</author><title><p>{title}</p></title><keyword></keyword><subtitle><p>{sub}</p></subtitle><introtitle><p>{pre}</p></introtitle><siteid>1</siteid><nodeid>{page_no}</nodeid>/enpproperty--><!--enpcontent-->", date.format("%Y-%m-%d")));
    for p in &paras {
        h.push_str(&format!("<p>　　{p}</p>"));
    }
    h.push_str("<!--/enpcontent--></div></div></div><div class=\"news\"><ul class=\"news-list\">");
    for k in 0..8 {
        let tpl = rng.pick(TITLES);
        let t = fill(rng, tpl);
        h.push_str(&format!(
            "<li><span>·</span><a href=\"content_{}.html\">{t}</a></li>",
            id + k + 1
        ));
    }
    h.push_str("</ul></div></div></div><div class=\"bottom\"><div class=\"w1000\"><p class=\"copy-cont\">版权声明</p><p class=\"copy-text\">人民日报社概况 | 关于人民网 | 报社招聘 | 招聘英才 | 广告服务 | 合作加盟 | 供稿服务 | 网站声明 | 网站律师 | 信息保护 | 联系我们<br>Copyright © 1997-2026 by www.people.com.cn all rights reserved</p></div></div></body></html>");
    Page {
        kind: "rmrb",
        url: format!("http://paper.people.com.cn/rmrb/pc/content/{ym}/{dd}/content_{id}.html"),
        html: h,
        title,
        date,
        body: paras.join("\n"),
    }
}

fn trs(rng: &mut Rng, date: NaiveDate, id: usize) -> Page {
    let t = rng.pick(TITLES);
    let title = fill(rng, t);
    let source = rng.pick(&["重庆日报", "市国资委", "华龙网", "重庆市人民政府网"]);
    let paras = paragraphs(rng);
    let ymd = date.format("%Y%m%d");
    let ym = date.format("%Y%m");
    let mut h = String::with_capacity(20_000);
    h.push_str(&format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta name=\"SiteName\" content=\"重庆市人民政府网\"><meta name=\"ColumnName\" content=\"今日重庆\"><meta name=\"ArticleTitle\" content=\"{title}\"><meta name=\"PubDate\" content=\"{} 09:{:02}\"><meta name=\"ContentSource\" content=\"{source}\"><meta name=\"Keywords\" content=\"国有企业;改革\"><title>{title}_今日重庆_重庆市人民政府网</title>", date.format("%Y-%m-%d"), rng.below(60)));
    h.push_str("<link rel=\"stylesheet\" href=\"/images/common.css\"><script src=\"/images/jquery.min.js\"></script></head><body><div class=\"header\"><div class=\"logo\"><a href=\"/\">重庆市人民政府</a></div><ul class=\"nav\">");
    for n in [
        "首页",
        "要闻动态",
        "政务公开",
        "政务服务",
        "互动交流",
        "走进重庆",
        "政策文件",
        "政府公报",
        "数据发布",
        "新闻发布会",
    ] {
        h.push_str(&format!("<li><a href=\"/{}/\">{n}</a><ul class=\"sub\"><li><a href=\"#\">子栏目一</a></li><li><a href=\"#\">子栏目二</a></li></ul></li>", n.len()));
    }
    h.push_str("</ul></div><div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/ywdt/\">要闻动态</a> &gt; <a href=\"/ywdt/jrcq/\">今日重庆</a></div><div class=\"document mt-1 mt-12\">");
    h.push_str(&format!("<h1>{title}</h1><div class=\"info\"><span>日期：{}</span> <span>来源：{source}</span><script>document.write('<span class=\"con\">{source}</span>');</script><span class=\"fontsize\">字号：<a href=\"#\">大</a> <a href=\"#\">中</a> <a href=\"#\">小</a></span></div>", date.format("%Y-%m-%d")));
    h.push_str("<div class=\"view TRS_UEDITOR trs_paper_default trs_web\">");
    for p in &paras {
        h.push_str(&format!("<p style=\"text-indent:2em\">{p}</p>"));
    }
    h.push_str("</div><div class=\"share\">分享到：<a href=\"#\">微信</a> <a href=\"#\">微博</a></div></div><div class=\"related\"><h4>相关新闻</h4><ul>");
    for k in 0..6 {
        let tpl = rng.pick(TITLES);
        let t = fill(rng, tpl);
        h.push_str(&format!(
            "<li><a href=\"./{ym}/t{ymd}_{}.html\">{t}</a><span>{}</span></li>",
            id + k + 1,
            date.format("%Y-%m-%d")
        ));
    }
    h.push_str("</ul></div><div class=\"footer\"><p>主办：重庆市人民政府办公厅 承办：重庆市大数据应用发展管理局</p><p>版权所有 渝ICP备05003300号 渝公网安备 50010302000006号</p><script>var _hmt = _hmt || [];</script></div></body></html>");
    Page {
        kind: "trs",
        url: format!("https://www.cq.gov.cn/ywdt/jrcq/{ym}/t{ymd}_{id}.html"),
        html: h,
        title,
        date,
        body: paras.join("\n"),
    }
}

/// `n` pages, alternating the two skeletons.
pub fn generate(n: usize, seed: u64) -> Vec<Page> {
    let mut rng = Rng(seed | 1);
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
    (0..n)
        .map(|i| {
            let date = start
                .checked_add_days(Days::new(rng.below(690) as u64))
                .unwrap_or(start);
            let id = 30_000_000 + i * 10;
            if i % 2 == 0 {
                rmrb(&mut rng, date, id)
            } else {
                trs(&mut rng, date, id)
            }
        })
        .collect()
}
