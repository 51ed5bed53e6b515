//! Matching throughput on one core: a deterministic 100 MB corpus of
//! Chinese news-like text (sentences drawn from a word list, paragraphs,
//! titles, and a few alias hits sprinkled in) matched with
//! (a) 60 enterprises × 6 aliases and (b) 5,000 enterprises × 6 aliases
//! (generated names). Prints MB/s per registry, the hits found, and the
//! peak resident memory (VmHWM). Timings are the best of three passes
//! (the machine is shared); run (a) and (b) as separate processes so each
//! peak is its own: `match_bench 100 a`, `match_bench 100 b`.
//!
//! `cargo run --release --example match_bench [-- MB [a|b]]` (default 100, both).
//!
//! With `MATCH_BENCH_PROFILE=N` only the timed passes run, N of them (for `perf`).
//!
//! `match_bench MB check` matches a noisier corpus instead (spaces, line
//! breaks, full widths, Traditional forms, quotes, brackets, anchors, lists,
//! article-local names, foreign places and business words around the
//! names) with both registries and prints a digest of every result; with
//! `MATCH_BENCH_DUMP=FILE` it writes each article's results there too, so
//! two builds can be compared (a speed change must not change a result).

use reform_radar::matching::{MatchContext, Matcher, normalise_str};
use reform_radar::model::{
    Alias, AliasKind, Article, ArticleId, Enterprise, ExtractorKind, Registry, SourceId,
};
use std::hint::black_box;
use std::time::Instant;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "改革",
    "发展",
    "企业",
    "国有",
    "经济",
    "推进",
    "深化",
    "创新",
    "建设",
    "项目",
    "工作",
    "全面",
    "加快",
    "提升",
    "服务",
    "管理",
    "制度",
    "市场",
    "体系",
    "能力",
    "质量",
    "效益",
    "转型",
    "升级",
    "产业",
    "园区",
    "城市",
    "乡村",
    "振兴",
    "民生",
    "保障",
    "投资",
    "融资",
    "资金",
    "资产",
    "资本",
    "运营",
    "平台",
    "机制",
    "监管",
    "考核",
    "薪酬",
    "人才",
    "队伍",
    "党建",
    "引领",
    "基层",
    "治理",
    "社会",
    "群众",
    "生态",
    "环境",
    "绿色",
    "低碳",
    "交通",
    "物流",
    "港口",
    "航运",
    "水利",
    "供水",
    "能源",
    "电力",
    "数字",
    "智能",
    "科技",
    "研发",
    "成果",
    "转化",
    "合作",
    "开放",
    "区域",
    "协调",
    "长江",
    "经济带",
    "成渝",
    "双城",
    "经济圈",
    "三峡",
    "库区",
    "移民",
    "安置",
    "就业",
    "收入",
    "同比",
    "增长",
    "百分之",
    "亿元",
    "万元",
    "今年",
    "以来",
    "目前",
    "已经",
    "累计",
    "完成",
    "实现",
    "形成",
    "打造",
    "构建",
    "健全",
    "完善",
    "落实",
    "部署",
    "要求",
    "强调",
    "指出",
    "表示",
    "介绍",
    "记者",
    "了解",
    "获悉",
    "会议",
    "召开",
    "举行",
    "负责人",
    "干部",
    "职工",
    "员工",
    "岗位",
    "竞聘",
    "考察",
    "调研",
    "走访",
    "现场",
    "一线",
    "车间",
    "码头",
    "工地",
    "设备",
    "技术",
    "标准",
    "规范",
    "政策",
    "文件",
    "方案",
    "措施",
    "任务",
    "目标",
    "责任",
    "落地",
    "见效",
    "突破",
    "亮点",
    "特色",
    "经验",
    "做法",
    "模式",
    "路径",
    "典型",
    "示范",
    "推广",
    "复制",
    "带动",
    "辐射",
    "引导",
    "支持",
];
const PUNCT: &[&str] = &["，", "，", "，", "。", "、", "；", "。"];

fn sentence(rng: &mut Rng, out: &mut String, hits: &[String], hit_rate: usize) {
    let n = 8 + rng.below(14);
    for i in 0..n {
        if hit_rate > 0 && rng.below(hit_rate) == 0 && !hits.is_empty() {
            out.push_str(&hits[rng.below(hits.len())]);
        } else {
            out.push_str(WORDS[rng.below(WORDS.len())]);
        }
        if i + 1 < n && rng.below(5) == 0 {
            out.push_str(PUNCT[rng.below(PUNCT.len())]);
        }
    }
    out.push('。');
}

fn corpus(bytes: usize, hits: &[String]) -> Vec<Article> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = Vec::new();
    let mut total = 0;
    let mut n = 0u64;
    while total < bytes {
        let mut title = String::new();
        sentence(&mut rng, &mut title, hits, 40);
        title.truncate(title.char_indices().nth(24).map_or(title.len(), |(i, _)| i));
        let mut body = String::new();
        let paragraphs = 4 + rng.below(10);
        for p in 0..paragraphs {
            if p > 0 {
                body.push('\n');
            }
            for _ in 0..(2 + rng.below(5)) {
                // About one alias per 600 words.
                sentence(&mut rng, &mut body, hits, 600);
            }
        }
        total += title.len() + body.len();
        n += 1;
        out.push(Article {
            id: ArticleId(format!("{n:016x}")),
            url: String::new(),
            canonical_url: String::new(),
            source: SourceId("people-daily".into()),
            outlet: "人民日报".into(),
            item: "B1".into(),
            title,
            pretitle: None,
            subtitle: None,
            author: None,
            published: chrono::NaiveDate::from_ymd_opt(2023, 6, 1),
            page: Some("01版：要闻".into()),
            body,
            extractor: ExtractorKind::Selectors,
            citation: None,
            warnings: vec![],
        });
    }
    out
}

const SYLLABLES: &str = "安宝昌诚达德丰福港国海和恒宏华汇佳江金锦峻凯康利隆龙茂美明南鹏平庆瑞润三盛顺泰天通万伟鑫信兴旭扬益永裕远悦云泽长兆正志中州";
const TRADES: &[&str] = &[
    "城市建设",
    "交通投资",
    "水务",
    "港口",
    "文化旅游",
    "农业发展",
    "产业投资",
    "能源",
    "物流",
    "生态环境",
    "医药",
    "建工",
    "资产经营",
    "粮食",
    "供销",
    "林业",
    "商贸",
    "数字科技",
    "担保",
    "园区开发",
];

fn alias(text: String, kind: AliasKind, ambiguous: bool) -> Alias {
    Alias {
        text,
        kind,
        ambiguous,
        valid_until: None,
        distinctive: false,
    }
}

fn registry(n: usize) -> Registry {
    let syl: Vec<char> = SYLLABLES.chars().collect();
    let mut enterprises = Vec::with_capacity(n);
    for i in 0..n {
        let a = syl[i % syl.len()];
        let b = syl[(i / syl.len()) % syl.len()];
        let c = syl[(i / (syl.len() * syl.len())) % syl.len()];
        let trade = TRADES[(i * 7) % TRADES.len()];
        let stem = format!("{c}{a}{b}");
        let mut former = alias(
            format!("{stem}{trade}开发公司"),
            AliasKind::FormerName,
            false,
        );
        former.valid_until = chrono::NaiveDate::from_ymd_opt(2021, 6, 30);
        enterprises.push(Enterprise {
            id: format!("e{i}"),
            name: format!("重庆市{stem}{trade}集团有限公司"),
            aliases: vec![
                alias(format!("{stem}{trade}集团"), AliasKind::ShortName, false),
                alias(
                    format!("{stem}{}", trade.chars().take(2).collect::<String>()),
                    AliasKind::ShortName,
                    false,
                ),
                alias(format!("{stem}集团"), AliasKind::ShortName, i % 10 == 0),
                former,
                alias(format!("{stem}智谷"), AliasKind::Brand, false),
            ],
            parent: None,
        });
    }
    Registry {
        anchors: vec!["万州".into(), "万州区".into()],
        former_name_grace_days: 90,
        home_sources: vec![],
        enterprises,
        homonyms: vec![],
    }
}

/// This thread's CPU time: on a shared machine it moves less than the
/// wall clock (the best of three passes is taken for both).
fn thread_cpu_secs() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    if rc != 0 {
        return f64::NAN;
    }
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn run(label: &str, n: usize, mb: usize) {
    let reg = registry(n);
    let started = Instant::now();
    let matcher = Matcher::new(&reg);
    let build = started.elapsed();
    let hits: Vec<String> = reg
        .enterprises
        .iter()
        .step_by((n / 50).max(1))
        .flat_map(|e| e.all_aliases().into_iter().map(|a| a.text))
        .collect();
    let articles = corpus(mb * 1_000_000, &hits);
    let bytes: usize = articles.iter().map(|a| a.title.len() + a.body.len()).sum();
    let ctx = MatchContext::default();
    let mut found = 0usize;
    let mut evidence = 0usize;
    // Warm-up on a slice, then the timed pass.
    for a in articles.iter().take(200) {
        black_box(matcher.match_article(a, &ctx));
    }
    // Best of three passes (the machine is shared); MATCH_BENCH_PROFILE=N
    // runs N.
    let passes: usize = std::env::var("MATCH_BENCH_PROFILE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let mut secs = f64::INFINITY;
    let mut cpu = f64::INFINITY;
    for _ in 0..passes {
        found = 0;
        evidence = 0;
        let started = Instant::now();
        let cpu_started = thread_cpu_secs();
        for a in &articles {
            let out = matcher.match_article(black_box(a), &ctx);
            found += out.iter().map(|m| m.mentions.len()).sum::<usize>();
            evidence += out.iter().filter(|m| m.evidence).count();
        }
        secs = secs.min(started.elapsed().as_secs_f64());
        cpu = cpu.min(thread_cpu_secs() - cpu_started);
    }
    if std::env::var_os("MATCH_BENCH_PROFILE").is_some() {
        // Only the matching passes (for a profiler).
        println!(
            "{label}: {:.0} MB/s ({:.0} MB/s of CPU time), {found} mentions, {evidence} evidence verdicts",
            bytes as f64 / 1e6 / secs,
            bytes as f64 / 1e6 / cpu
        );
        return;
    }
    // A digest of every result (outside the timing), to compare builds.
    let mut digest: u64 = 0xcbf2_9ce4_8422_2325;
    for a in &articles {
        let text = format!("{:?}", matcher.match_article(a, &ctx));
        for b in text.bytes() {
            digest = (digest ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    println!("    results digest {digest:016x}");
    // Floors: the normaliser alone, and a bare automaton over the raw text.
    let mut sink = 0usize;
    let mut norm_secs = f64::INFINITY;
    for _ in 0..3 {
        let started = Instant::now();
        for a in &articles {
            sink += normalise_str(black_box(&a.body)).len();
        }
        norm_secs = norm_secs.min(started.elapsed().as_secs_f64());
    }
    let pats: Vec<String> = reg
        .enterprises
        .iter()
        .flat_map(|e| e.all_aliases().into_iter().map(|a| normalise_str(&a.text)))
        .collect();
    let bare = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(&pats)
        .map_err(|e| e.to_string());
    let mut ac_secs = f64::INFINITY;
    if let Ok(bare) = bare {
        for _ in 0..3 {
            let started = Instant::now();
            for a in &articles {
                sink += bare.find_iter(black_box(&a.body)).count();
            }
            ac_secs = ac_secs.min(started.elapsed().as_secs_f64());
        }
    }
    black_box(sink);
    println!(
        "    floors: normalisation alone {:.0} MB/s, bare automaton alone {:.0} MB/s",
        bytes as f64 / 1e6 / norm_secs,
        bytes as f64 / 1e6 / ac_secs
    );
    println!(
        "{label}: {n} enterprises × 6 aliases, automaton built in {:.2}s ({:.1} MB); {} articles, {:.1} MB in {:.2}s = {:.0} MB/s ({:.0} MB/s of this thread's CPU time); {found} mentions, {evidence} evidence verdicts; peak RSS {} MB",
        build.as_secs_f64(),
        matcher.automaton_bytes() as f64 / 1e6,
        articles.len(),
        bytes as f64 / 1e6,
        secs,
        bytes as f64 / 1e6 / secs,
        bytes as f64 / 1e6 / cpu,
        peak_kb() / 1024
    );
}

/// One alias occurrence written the ways articles write it.
fn noisy_hit(rng: &mut Rng, hit: &str, out: &mut String) {
    const TRAD: &[(char, char)] = &[
        ('万', '萬'),
        ('团', '團'),
        ('区', '區'),
        ('发', '發'),
        ('华', '華'),
        ('长', '長'),
        ('龙', '龍'),
        ('兴', '興'),
        ('设', '設'),
        ('资', '資'),
    ];
    const BEFORE: &[&str] = &[
        "万州",
        "万州区",
        "重庆",
        "重庆市",
        "湖北",
        "武汉江",
        "我区",
        "区属",
        "记者走进",
        "与",
        "某某县",
        "“",
        "「",
        "（",
        " ",
        "\n",
        "、",
        "1.",
    ];
    const AFTER: &[&str] = &[
        "置业",
        "物业",
        "务局",
        "有限公司",
        "（以下简称“安城”）",
        "（简称“宝集”）",
        "，以下简称安港，",
        "”",
        "」",
        "）",
        "等30家企业",
        "等十二家单位",
        "、",
        "\n",
        " ",
        "的",
        "局",
        "公司",
    ];
    if rng.below(3) == 0 {
        out.push_str(BEFORE[rng.below(BEFORE.len())]);
    }
    let chars: Vec<char> = hit.chars().collect();
    let cut = if chars.len() > 1 && rng.below(6) == 0 {
        1 + rng.below(chars.len() - 1)
    } else {
        usize::MAX
    };
    let trad = rng.below(6) == 0;
    for (i, &c) in chars.iter().enumerate() {
        if i == cut {
            out.push_str([" ", "\u{3000}", "\n", "\u{200b}", "\r\n"][rng.below(5)]);
        }
        let c = if trad {
            TRAD.iter().find(|(s, _)| *s == c).map_or(c, |&(_, t)| t)
        } else {
            c
        };
        out.push(c);
    }
    if out.ends_with("集团") && rng.below(4) == 0 {
        out.truncate(out.len() - "集团".len());
        out.push_str(["（集团）", "(集团)", "【集团】", "[集团]"][rng.below(4)]);
    }
    if rng.below(3) == 0 {
        out.push_str(AFTER[rng.below(AFTER.len())]);
    }
}

/// A sentence with noise between the words: Latin, digits in both widths,
/// quotes, brackets, spaces, list numbers, anchors and reform words.
fn noisy_sentence(rng: &mut Rng, out: &mut String, hits: &[String], hit_rate: usize) {
    const NOISE: &[&str] = &[
        "ABC",
        "ＡＢＣ",
        "２０２３年",
        "2023年",
        "“双百企业”",
        "（一）",
        "(2)",
        "①",
        " ",
        "\u{3000}",
        "\t",
        "：",
        "！",
        "？",
        "万州",
        "万州区",
        "国企改革",
        "混合所有制",
        "名单",
        "附件：",
        "参会单位：",
        "集团",
        "有限公司",
        "【",
        "】",
        "〔2023〕",
        "Ｗｉ-Ｆｉ",
        "\u{feff}",
    ];
    let n = 4 + rng.below(14);
    for i in 0..n {
        let r = rng.below(100);
        if hit_rate > 0 && rng.below(hit_rate) == 0 && !hits.is_empty() {
            let h = &hits[rng.below(hits.len())];
            noisy_hit(rng, h, out);
        } else if r < 15 {
            out.push_str(NOISE[rng.below(NOISE.len())]);
        } else {
            out.push_str(WORDS[rng.below(WORDS.len())]);
        }
        if i + 1 < n && rng.below(4) == 0 {
            out.push_str(PUNCT[rng.below(PUNCT.len())]);
        }
    }
    out.push(['。', '；', '\n'][rng.below(3)]);
}

fn noisy_corpus(bytes: usize, hits: &[String], seed: u64) -> Vec<(Article, MatchContext)> {
    let mut rng = Rng(seed);
    let mut out = Vec::new();
    let mut total = 0;
    let mut n = 0u64;
    while total < bytes {
        let field = |rng: &mut Rng, rate: usize| {
            let mut s = String::new();
            noisy_sentence(rng, &mut s, hits, rate);
            s
        };
        let title = field(&mut rng, 6);
        let pretitle = (rng.below(5) == 0).then(|| field(&mut rng, 6));
        let subtitle = (rng.below(5) == 0).then(|| field(&mut rng, 6));
        let mut body = String::new();
        for p in 0..(1 + rng.below(8)) {
            if p > 0 {
                body.push_str(["\n", "\n\n", "\r\n", "\n \n"][rng.below(4)]);
            }
            for _ in 0..(1 + rng.below(4)) {
                noisy_sentence(&mut rng, &mut body, hits, 12);
            }
        }
        total += title.len() + body.len();
        n += 1;
        let published = match rng.below(4) {
            0 => None,
            1 => chrono::NaiveDate::from_ymd_opt(2021, 8, 1),
            2 => chrono::NaiveDate::from_ymd_opt(2021, 10, 30),
            _ => chrono::NaiveDate::from_ymd_opt(2023, 6, 1),
        };
        let ctx = MatchContext {
            home_source: rng.below(5) == 0,
        };
        out.push((
            Article {
                id: ArticleId(format!("{n:016x}")),
                url: String::new(),
                canonical_url: String::new(),
                source: SourceId("people-daily".into()),
                outlet: "人民日报".into(),
                item: "B1".into(),
                title,
                pretitle,
                subtitle,
                author: None,
                published,
                page: Some("01版：要闻".into()),
                body,
                extractor: ExtractorKind::Selectors,
                citation: None,
                warnings: vec![],
            },
            ctx,
        ));
    }
    out
}

/// FNV-1a over every result of the noisy corpus, for both registries.
fn check(mb: usize) {
    let mut dump = std::env::var_os("MATCH_BENCH_DUMP")
        .and_then(|p| std::fs::File::create(p).ok())
        .map(std::io::BufWriter::new);
    for (label, n) in [("(a)", 60), ("(b)", 5_000)] {
        let reg = registry(n);
        let matcher = Matcher::new(&reg);
        let mut hits: Vec<String> = reg
            .enterprises
            .iter()
            .step_by((n / 50).max(1))
            .flat_map(|e| e.all_aliases().into_iter().map(|a| a.text))
            .collect();
        hits.extend(["安城", "宝集", "安港"].map(String::from));
        let articles = noisy_corpus(mb * 1_000_000, &hits, 0x51_7cc1_b727_220a + n as u64);
        let mut digest: u64 = 0xcbf2_9ce4_8422_2325;
        let (mut found, mut evidence) = (0usize, 0usize);
        let started = Instant::now();
        for (a, ctx) in &articles {
            let out = matcher.match_article(a, ctx);
            found += out.iter().map(|m| m.mentions.len()).sum::<usize>();
            evidence += out.iter().filter(|m| m.evidence).count();
            let text = format!("{} {:?}\n", a.id.0, out);
            for b in text.bytes() {
                digest = (digest ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
            }
            if let Some(d) = dump.as_mut() {
                use std::io::Write;
                let _ = d.write_all(text.as_bytes());
            }
        }
        println!(
            "check {label}: {} noisy articles, {found} mentions, {evidence} evidence verdicts, digest {digest:016x} ({:.2}s)",
            articles.len(),
            started.elapsed().as_secs_f64()
        );
    }
}

fn main() {
    let mb: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let which = std::env::args().nth(2).unwrap_or_default();
    if which == "check" {
        check(mb);
        return;
    }
    if which.is_empty() || which == "a" {
        run("(a)", 60, mb);
    }
    if which.is_empty() || which == "b" {
        run("(b)", 5_000, mb);
    }
}
