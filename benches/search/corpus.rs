//! A deterministic generator of realistic Chinese news articles (~2,000
//! characters) for the search benchmark: reform and economy vocabulary,
//! Chongqing districts and enterprises, concepts written in different
//! surface forms (国企 / 国有企业, 混改 / 混合所有制改革, …), distractors
//! (重庆 … 三峡银行 not adjacent), and about 3% of articles in Traditional
//! script. Article `n` is always the same text.

use chrono::NaiveDate;
use reform_radar::model::{Article, ArticleId, ExtractorKind, SourceId};
use std::collections::HashMap;

const T2S: &str = include_str!("../../index/t2s.txt");

/// A small deterministic PRNG (splitmix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len())]
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 1000 < percent * 10
    }
}

const OUTLETS: &[(&str, &str)] = &[
    ("人民日报", "people-daily"),
    ("经济日报", "economic-daily"),
    ("新华社", "xinhua"),
    ("重庆日报", "cqrb"),
    ("万州日报", "wzrb"),
    ("新闻联播", "xwlb"),
    ("中国青年报", "cyol"),
    ("光明日报", "gmrb"),
];
const ITEMS: &[&str] = &["B1", "B2", "B3", "B4", "C1", "C7", "lead"];
const DISTRICTS: &[&str] = &[
    "渝中区",
    "江北区",
    "沙坪坝区",
    "九龙坡区",
    "南岸区",
    "北碚区",
    "渝北区",
    "巴南区",
    "涪陵区",
    "长寿区",
    "江津区",
    "合川区",
    "永川区",
    "两江新区",
    "万州区",
    "黔江区",
    "璧山区",
    "铜梁区",
];
const TOPICS: &[&str] = &[
    "科技创新",
    "乡村振兴",
    "智能制造",
    "数字经济",
    "营商环境",
    "高质量发展",
    "生态保护",
    "城市更新",
    "现代物流",
    "文旅融合",
    "绿色低碳",
    "开放通道",
    "人才引进",
    "民生保障",
];
const FIRMS: &[&str] = &[
    "重庆机电",
    "重庆建工",
    "重庆港务物流集团",
    "重庆水务环境控股集团",
    "重庆交通开投集团",
    "重庆化医集团",
    "重庆能源集团",
    "重庆医药集团",
    "重庆农投集团",
    "重庆旅投集团",
];
const FILLER: &[&str] = &[
    "{d}坚持以{t}为引领，统筹推进各项重点工作，全年完成固定资产投资{n}亿元，同比增长{p}%。",
    "记者在{d}采访时看到，一批{t}项目正在加紧建设，工地上机器轰鸣、车辆往来，一派繁忙景象。",
    "据介绍，{f}今年以来聚焦主责主业，持续优化产业布局，营业收入达到{n}亿元。",
    "{d}有关负责人表示，下一步将围绕{t}出台更多务实举措，切实解决企业和群众的急难愁盼问题。",
    "专家认为，推动{t}需要政府、企业和社会多方协同，既要加强顶层设计，也要注重基层探索。",
    "在{f}的生产车间里，自动化生产线高效运转，工人们正在对新下线的产品进行质量检测。",
    "{y}年，{d}地区生产总值突破{n}亿元，城乡居民人均可支配收入稳步提高。",
    "会议强调，要深入学习贯彻党的二十大精神，把思想和行动统一到中央决策部署上来。",
    "近年来，{d}积极融入共建“一带一路”和长江经济带发展，对外开放水平不断提升。",
    "该项目总投资约{n}亿元，建成后预计年产值可达{p}0亿元，带动就业岗位两千余个。",
    "{f}相关负责人介绍，企业研发投入强度达到{p}%，拥有有效发明专利{n}件。",
    "群众普遍反映，家门口的变化看得见、摸得着，生活越来越方便，日子越过越红火。",
    "为进一步激发市场活力，{d}推出{n}条具体措施，涵盖融资支持、用地保障和人才服务等方面。",
    "从田间地头到工厂车间，从社区街巷到园区企业，{t}的成效正在不断显现。",
    "下一步，{d}将坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，奋力谱写新篇章。",
];

const OPENERS: &[&str] = &[
    "今年以来，",
    "近日，",
    "据了解，",
    "记者获悉，",
    "日前，",
    "去年，",
    "截至目前，",
    "与此同时，",
    "在此基础上，",
    "据统计，",
    "从{y}年起，",
    "上半年，",
    "一季度，",
    "近三年来，",
    "在调研中，",
    "",
];
const SUBJECTS: &[&str] = &[
    "{d}",
    "{f}",
    "当地政府",
    "相关部门",
    "园区企业",
    "村民们",
    "专家学者",
    "志愿者",
    "金融机构",
    "市场主体",
    "基层干部",
    "科研团队",
    "街道社区",
    "行业协会",
    "市场监管部门",
    "生态环境部门",
    "教育部门",
    "卫生健康部门",
    "交通运输部门",
    "商务部门",
    "农业农村部门",
    "一批龙头企业",
];
const VERBS: &[&str] = &[
    "持续推进",
    "加快建设",
    "着力打造",
    "深入实施",
    "不断完善",
    "积极探索",
    "全面落实",
    "稳步推进",
    "大力发展",
    "统筹推进",
    "扎实开展",
    "认真谋划",
    "全力保障",
    "创新开展",
    "优化提升",
    "规范管理",
];
const OBJECTS: &[&str] = &[
    "智慧交通体系",
    "农村人居环境整治",
    "职业技能培训",
    "跨境电商平台",
    "社区养老服务",
    "新能源汽车产业链",
    "中小学课后服务",
    "河湖长制",
    "老旧小区改造",
    "山地特色农业",
    "冷链物流基地",
    "数字政府建设",
    "基本医疗保障",
    "消费帮扶",
    "知识产权保护",
    "普惠金融服务",
    "产业链供应链",
    "工业互联网",
    "茶叶种植基地",
    "柑橘产业园",
    "防汛抗旱工作",
    "安全生产检查",
    "招商引资项目",
    "公共文化服务",
    "全民健身设施",
    "高标准农田建设",
    "污水管网改造",
    "电子信息产业",
    "生物医药产业",
    "口岸物流通道",
    "夜间经济",
    "楼宇经济",
    "总部经济",
    "家政服务",
    "托育服务",
    "食品安全监管",
    "信用体系建设",
    "政务服务一网通办",
    "林长制",
    "长江十年禁渔",
    "消防安全治理",
    "背街小巷整治",
    "现代职业教育",
    "科技成果转化",
    "首店经济",
    "会展经济",
    "氢能产业",
    "储能电站",
    "充电桩建设",
];
const TAILS: &[&str] = &[
    "，取得明显成效。",
    "，累计投入资金{n}亿元。",
    "，惠及群众{n}万人次。",
    "，同比增长{p}%。",
    "，群众满意度持续提升。",
    "，形成了一批可复制的经验做法。",
    "，各项指标好于预期。",
    "，为经济社会发展注入新动能。",
    "，受到广泛好评。",
    "，新增就业岗位{n}个。",
    "。",
];
const TOPIC_SENTENCES: &[&str] = &[
    "{d}把{t}作为今年的重点任务，成立专班统筹推进。",
    "围绕{t}，{f}制定了三年行动计划，明确了时间表和路线图。",
    "与会代表围绕{t}深入交流，提出了不少有针对性的意见建议。",
];

/// One sentence built from fragments.
fn sentence(r: &mut Rng) -> String {
    let s = [
        r.pick(OPENERS),
        r.pick(SUBJECTS),
        r.pick(VERBS),
        r.pick(OBJECTS),
        r.pick(TAILS),
    ]
    .concat();
    fill(&s, r, "")
}

/// Concepts planted in some articles, each in one of its surface forms.
const CONCEPTS: &[(u64, &[&str])] = &[
    (20, &["国企", "国有企业", "国企改革", "国有企业改革"]),
    (5, &["混改", "混合所有制改革"]),
    (3, &["央视", "中央广播电视总台", "CCTV", "中央电视台"]),
    (4, &["国资委", "国有资产监督管理委员会", "市国资委"]),
    (1, &["重庆三峡银行"]),
    (1, &["在重庆，多家金融机构加大投放，其中三峡银行"]),
    (1, &["万州城投集团"]),
    (1, &["重庆渝富控股集团", "渝富集团"]),
    (3, &["专精特新"]),
    (2, &["长安汽车", "重庆长安汽车股份有限公司"]),
    (2, &["煤和电", "电煤", "煤炭"]),
    (2, &["员工持股"]),
    (5, &["中国企业", "我国企业"]),
];
const CONCEPT_SENTENCE: &[&str] = &[
    "据悉，{c}相关工作取得积极进展，得到社会各界广泛关注。",
    "{d}有关部门负责人表示，将继续支持{c}发展，推动形成更多可复制可推广的经验。",
    "这次调研中，{c}成为与会人员讨论最多的话题之一。",
];

fn fill(template: &str, r: &mut Rng, c: &str) -> String {
    template
        .replace("{d}", r.pick(DISTRICTS))
        .replace("{t}", r.pick(TOPICS))
        .replace("{f}", r.pick(FIRMS))
        .replace("{n}", &(10 + r.below(990)).to_string())
        .replace("{p}", &(1 + r.below(30)).to_string())
        .replace("{y}", &(2019 + r.below(7)).to_string())
        .replace("{c}", c)
}

/// Generates article `n` (deterministic).
pub fn article(n: u64, s2t: &HashMap<char, char>) -> Article {
    let mut r = Rng::new(n.wrapping_mul(7919).wrapping_add(2026));
    let (outlet, source) = OUTLETS[r.below(OUTLETS.len())];
    let topic = r.pick(TOPICS);
    let district = r.pick(DISTRICTS);
    let mut concepts: Vec<&str> = Vec::new();
    for (percent, forms) in CONCEPTS {
        if r.chance(*percent) {
            concepts.push(forms[r.below(forms.len())]);
        }
    }
    let mut title = format!("{district}全力推进{topic}");
    if let Some(c) = concepts.first().filter(|_| r.chance(50)) {
        title = format!("{district}{c}工作综述");
    }
    let mut body = String::with_capacity(6400);
    let mut paragraph = 0;
    while body.chars().count() < 1950 {
        for _ in 0..5 {
            if r.chance(15) {
                body.push_str(&fill(r.pick(FILLER), &mut r, ""));
            } else {
                body.push_str(&sentence(&mut r));
            }
        }
        if paragraph < 3 && r.chance(60) {
            body.push_str(&fill(
                &r.pick(TOPIC_SENTENCES).replace("{t}", topic),
                &mut r,
                "",
            ));
        }
        if let Some(c) = concepts.get(paragraph) {
            body.push_str(&fill(r.pick(CONCEPT_SENTENCE), &mut r, c));
        }
        body.push('\n');
        paragraph += 1;
    }
    if r.chance(3) {
        title = title.chars().map(|c| *s2t.get(&c).unwrap_or(&c)).collect();
        body = body.chars().map(|c| *s2t.get(&c).unwrap_or(&c)).collect();
    }
    let date = NaiveDate::from_ymd_opt(
        2019 + r.below(8) as i32,
        1 + r.below(12) as u32,
        1 + r.below(28) as u32,
    );
    let url = format!("https://bench.example.cn/{source}/{n}.html");
    Article {
        id: ArticleId::from_canonical_url(&url),
        url: url.clone(),
        canonical_url: url,
        source: SourceId(source.into()),
        outlet: outlet.into(),
        item: r.pick(ITEMS).into(),
        title,
        pretitle: None,
        subtitle: None,
        author: None,
        published: date,
        page: Some(format!("{:02}版", 1 + r.below(16))),
        body,
        extractor: ExtractorKind::Selectors,
        citation: None,
        warnings: vec![],
    }
}

/// Simplified → Traditional map (first Traditional form of each character).
pub fn s2t() -> HashMap<char, char> {
    let mut m = HashMap::new();
    for line in T2S.lines() {
        let mut p = line.split_whitespace().filter_map(|w| w.chars().next());
        if let (Some(t), Some(s)) = (p.next(), p.next()) {
            m.entry(s).or_insert(t);
        }
    }
    m
}
