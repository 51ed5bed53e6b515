#!/usr/bin/env python3
"""Regenerate the bundled sample: sample/<source-id>/{manifest.toml,expected.toml,*.html}.

The article texts live in sample/articles.txt (written for this sample, not copied).
Run from anywhere: `python3 sample/gen.py`. Output is deterministic.

articles.txt format: one block per article, starting with
    @ <source-id> <YYYY-MM-DD> [page=<label>] [col=<column>] [flags...]
then `# title`, optional `^ pre-title`, `~ subtitle`, `= author`, and one paragraph a
line. Flags: gbk-header, gbk-wrongmeta, broken, generic, nodate, spm-twin, c521, cite.
"""
import hashlib
import html
import json
import os
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
IND = "\u3000\u3000"  # the full-width paragraph indent of Founder pages
DATES = ["2026-03-02", "2026-03-03", "2026-03-04"]
WEEK = {"2026-03-02": "星期一", "2026-03-03": "星期二", "2026-03-04": "星期三"}


# ---------------------------------------------------------------- articles.txt
def load_articles():
    arts, cur = [], None
    for raw in open(os.path.join(HERE, "articles.txt"), encoding="utf-8"):
        line = raw.rstrip("\n").strip()
        if not line or line.startswith("//"):
            continue
        if line.startswith("@"):
            parts = line[1:].split()
            cur = {"source": parts[0], "date": parts[1], "paras": [], "flags": set(), "opts": {}}
            for p in parts[2:]:
                if "=" in p:
                    k, v = p.split("=", 1)
                    cur["opts"][k] = v
                else:
                    cur["flags"].add(p)
            arts.append(cur)
        elif line.startswith("# "):
            cur["title"] = line[2:].strip()
        elif line.startswith("^ "):
            cur["pretitle"] = line[2:].strip()
        elif line.startswith("~ "):
            cur["subtitle"] = line[2:].strip()
        elif line.startswith("= "):
            cur["author"] = line[2:].strip()
        else:
            cur["paras"].append(line)
    for a in arts:
        assert a["flags"] & {"c521", "stale"} or 3 <= len(a["paras"]) <= 8, (a["source"], a.get("title"))
    return arts


def uid(*parts, digits=8):
    h = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return str(10 ** (digits - 1) + int(h[:15], 16) % (9 * 10 ** (digits - 1)))


def hexid(*parts):
    return hashlib.md5("|".join(map(str, parts)).encode()).hexdigest()


def alnum(*parts, n=20):
    h = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(chars[b % len(chars)] for b in h[:n])


def e(s):
    return html.escape(s, quote=True)


def ymd(d):
    return d.replace("-", "")


def cn_date(d):
    y, m, dd = d.split("-")
    return f"{y}年{m}月{dd}日"


# ---------------------------------------------------------------- output
class Source:
    def __init__(self, sid):
        self.sid = sid
        self.pages = []
        self.expected = []
        self.files = {}

    def add(self, url, body=None, status=200, ctype=None, headers=None, fname=None, encoding="utf-8"):
        entry = {"url": url}
        if body is not None:
            if fname is None:
                fname = re.sub(r"^https?://[^/]+/", "", url)
                fname = re.sub(r"[^A-Za-z0-9._-]+", "-", fname).strip("-") or "index"
                if not re.search(r"\.(html?|shtml|jsonp|json|txt)$", fname):
                    fname += ".html"
            assert fname not in self.files, (self.sid, fname)
            self.files[fname] = body.encode(encoding) if isinstance(body, str) else body
            entry["file"] = fname
        if status != 200:
            entry["status"] = status
        if ctype is not None:
            entry["content_type"] = ctype
        if headers:
            entry["headers"] = headers
        self.pages.append(entry)

    def expect(self, a, url, page=None):
        paras = a["paras"]
        x = {"url": url, "title": a["title"]}
        for k in ("pretitle", "subtitle", "author"):
            if k == "author" and self.sid in NO_BYLINE:
                continue  # these skins print no byline (the `= author` line is kept as data)
            if a.get(k):
                x[k] = a[k]
        x["published"] = a["date"]
        if page:
            x["page"] = page
        first = paras[0]
        for p in BODY_PREFIXES:
            if first.startswith(p):
                first = first[len(p):]
        x["body_start"] = clip_start(first)
        x["body_end"] = clip_end(paras[-1])
        self.expected.append(x)

    def write(self):
        d = os.path.join(HERE, self.sid)
        if os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d)
        for f, b in self.files.items():
            with open(os.path.join(d, f), "wb") as fh:
                fh.write(b)
        with open(os.path.join(d, "manifest.toml"), "w", encoding="utf-8") as fh:
            fh.write(f"# Replay manifest for source `{self.sid}` (generated by sample/gen.py)\n")
            for p in self.pages:
                fh.write("\n[[page]]\n")
                for k in ("url", "file", "status", "content_type"):
                    if k in p:
                        fh.write(f"{k} = {tv(p[k])}\n")
                if "headers" in p:
                    inner = ", ".join(f"{k} = {tv(v)}" for k, v in p["headers"].items())
                    fh.write(f"headers = {{ {inner} }}\n")
        with open(os.path.join(d, "expected.toml"), "w", encoding="utf-8") as fh:
            fh.write(f"# Articles the replay crawl of `{self.sid}` must produce (generated by sample/gen.py)\n")
            for x in self.expected:
                fh.write("\n[[article]]\n")
                for k in ("url", "title", "pretitle", "subtitle", "author", "published", "page",
                          "body_start", "body_end"):
                    if k in x:
                        fh.write(f"{k} = {tv(x[k])}\n")


def tv(v):
    if isinstance(v, int):
        return str(v)
    return json.dumps(v, ensure_ascii=False)


def clip_start(p, n=18):
    p = p.strip()
    return (p[:n] if len(p) > n else p).strip()


def clip_end(p, n=18):
    p = p.strip()
    return (p[-n:] if len(p) > n else p).strip()


def by(arts, sid):
    return [a for a in arts if a["source"] == sid]


def group(arts, key):
    out = {}
    for a in arts:
        out.setdefault(key(a), []).append(a)
    return out


def founder_paras(a):
    return "".join(f"<p>{IND}{e(p)}</p>\n" for p in a["paras"])


def plain_paras(a, style=' style="text-indent: 2em;"'):
    return "".join(f"<p{style}>{e(p)}</p>\n" for p in a["paras"])


def norm_label(label):
    """`A01：要闻` → `A01版：要闻`, as the extractor normalises page labels."""
    return label if "版" in label else label.replace("：", "版：", 1)


def page_no(label):
    return re.match(r"[A-Z]?(\d+)", label).group(1)


# Broadcaster datelines the extractor removes from the start of the body.
BODY_PREFIXES = ["央视网消息（新闻联播）："]

# Skins without any byline on the article page.
NO_BYLINE = {"cqrb", "sxdsb", "wzsb"}



# ---------------------------------------------------------------- 人民日报
def enp(a, d, prefix="", p_wrap=True):
    w = (lambda s: f"<p>{e(s)}</p>") if p_wrap else e
    t = lambda k: prefix + k
    return (f"<!--enpproperty <{t('articleid')}>{a['_id']}</{t('articleid')}>"
            f"<{t('date')}>{d} 00:00:00.0</{t('date')}><{t('author')}>{e(a.get('author', ''))}</{t('author')}>"
            f"<{t('subtitle')}>{w(a.get('subtitle', '')) if a.get('subtitle') else ''}</{t('subtitle')}>"
            f"<{t('introtitle')}>{w(a.get('pretitle', '')) if a.get('pretitle') else ''}</{t('introtitle')}>"
            f"<{t('siteid')}>1</{t('siteid')}><{t('nodeid')}>{a['_node']}</{t('nodeid')}>"
            f"<{t('nodename')}>{e(a['_label'])}</{t('nodename')}>"
            f"<{t('title')}>{w(a['title'])}</{t('title')}><{t('keyword')}></{t('keyword')}>"
            f"/enpproperty-->")


def people_daily(arts, S):
    base = "http://paper.people.com.cn/rmrb/pc"
    extra_skips = {("2026-03-03", "01"): "图片报道", ("2026-03-03", "02"): "广告",
                   ("2026-03-04", "02"): "本版责编：王 浩 张 悦"}
    for d, day in group(arts, lambda a: a["date"]).items():
        ym, dd = d[:7].replace("-", ""), d[8:]
        pages = group(day, lambda a: a["opts"]["page"])
        labels = sorted(pages, key=page_no)
        slides = "".join(
            f'<div class="swiper-slide"><a id="pageLink" href="node_{page_no(l)}.html">{e(l)}</a></div>\n'
            for l in labels)
        for l in labels:
            nn = page_no(l)
            items, areas = [], []
            for a in pages[l]:
                a["_id"] = uid("rmrb", d, a["title"])
                a["_node"], a["_label"] = nn, l
                a["_url"] = f"{base}/content/{ym}/{dd}/content_{a['_id']}.html"
                rel = f"../../../content/{ym}/{dd}/content_{a['_id']}.html"
                items.append(f'<li><span>·</span><a href="{rel}"> {e(a["title"])} </a></li>')
                areas.append(f'<Area coords="10,20,390,{100 + 60 * len(areas)}" shape="polygon" href="{rel}">')
            if (d, nn) in extra_skips:
                rel = f"../../../content/{ym}/{dd}/content_{uid('rmrb-skip', d, nn)}.html"
                items.append(f'<li><span>·</span><a href="{rel}"> {extra_skips[(d, nn)]} </a></li>')
            shell_top = f'''<!DOCTYPE html><html lang="en"><head>
<meta http-equiv="Content-Type" content="text/html;charset=utf-8">
<title>人民日报-人民网</title>
<META name="catalogs" content="XTW_0009002">
<link href="../../../../../../testx/template/amucsite/projectPaper/rmPaper/files/default.css" rel="stylesheet">
<script src="../../../../../../testx/template/amucsite/projectPaper/rmPaper/files/swiper.min.js"></script>
</head>
<body onLoad="initialize();initMPPage();">
<div class="top"><div class="w1000"><a href="http://www.people.com.cn/"><img class="left" src="logo.png"></a>
<ul class="right nav"><li id="ribao">日报<ul class="ribao" id="ribaobox"><li><a href="http://paper.people.com.cn/rmrb/pc/layout/index.html">人民日报</a></li></ul></li></ul></div></div>
<div class="main w1000">
<div class="left paper-box">
<div class="paper">
<MAP NAME="PagePicMap">
{chr(10).join(areas)}
</MAP>
<img width="400" height="575" src="../../../pic/{ym}/{dd}/{hexid('pic', d, nn)}.jpg.2" USEMAP=#PagePicMap>
</div>
<div class="paper-bot">
<p class="left ban">第{e(l)}</p>
<p class="right btn"><a href="../../../attachement/{ym}/{dd}/{hexid('pdf', d, nn)}.pdf">PDF下载</a></p>
</div>
</div>
<div class="right right-main">
<p class="title"><a href="http://data.people.com.cn/">人民日报图文数据库(1946-2026)</a></p>
<div class="date-box">
<p class="date left">人民日报 <span class="newstime">{cn_date(d)} {WEEK[d]}</span><span><img onClick="autoShowDate();" src="date.png"></span></p>
<p class="right"><span class="prev" onClick="goPrePeriod()">上一期</span><span class="next" onClick="goNextPeriod();">下一期</span></p>
</div>
<div class="swiper-box"><div class="swiper-container">
{slides}</div></div>
'''
            layout = shell_top + f'''<div class="news"><ul class="news-list">
{chr(10).join(items)}
</ul></div>
</div>
</div>
<div class="bottom"><div class="w1000"><p class="copy-cont">版权声明：凡注明来源为“人民日报”的所有作品，版权均属于人民日报社。</p><p class="copy-text">人民日报社概况 关于人民网 报社招聘 招聘英才 广告服务 合作加盟 供稿服务 网站声明 网站律师 信息保护 联系我们</p></div></div>
<div class="tiaozhuan" id="tiaozhuan" style="display:none"><a id="tiaozhuanurl" href="http://paper.people.com.cn/rmrb/pad/layout/{ym}/{dd}/node_01.html">手机版</a></div>
<input type="hidden" id="paperID" value="1,921"><input type="hidden" id="siteID" value="1">
</body></html>
'''
            S.add(f"{base}/layout/{ym}/{dd}/node_{nn}.html", layout)
            for a in pages[l]:
                sec = f'{e(a["author"])} ' if a.get("author") else ""
                art = shell_top + f'''<div class="article-box">
<div class="article">
<h3>{e(a.get("pretitle", ""))}</h3>
<h1><p>{e(a["title"])}</p></h1>
<h2>{"<p>" + e(a["subtitle"]) + "</p>" if a.get("subtitle") else ""}</h2>
<p class="sec">{sec}<span class="newstime">{d}</span></p>
<div id="ozoom">
{enp(a, d)}
<!--enpcontent-->{founder_paras(a)}<!--/enpcontent-->
</div>
</div>
</div>
<ul class="news-list">{"".join(f'<li><a href="content_{b["_id"]}.html">{e(b["title"])}</a></li>' for b in pages[l])}</ul>
</div>
</div>
</body></html>
'''
                S.add(a["_url"], art)
                S.expect(a, a["_url"], page=l)
    S.add(f"{base}/layout/index.html",
          '<html><head><meta http-equiv="Content-Type" content="text/html;charset=utf-8">'
          '<meta http-equiv="refresh" content="0; URL=202603/04/node_01.html"></head>'
          '<body>正在跳转到最新一期……</body></html>\n', fname="layout-index.html")


# ---------------------------------------------------------------- 光明日报
def guangming(arts, S):
    base = "https://epaper.gmw.cn/gmrb/html"
    for d, day in group(arts, lambda a: a["date"]).items():
        ym, dd = d[:7].replace("-", ""), d[8:]
        pages = group(day, lambda a: a["opts"]["page"])
        labels = sorted(pages, key=page_no)
        strip = "".join(f'<li><a href="node_{page_no(l)}.html"><span>{e(l.replace("：", ":"))}</span></a></li>' for l in labels)
        for l in labels:
            nn = page_no(l)
            num, name = l.split("：")
            lis = []
            for a in pages[l]:
                a["_id"] = uid("gmrb", d, a["title"], digits=5)
                a["_url"] = f"{base}/content/{ym}/{dd}/content_{a['_id']}.html"
                sub = f"<p>{e(a['subtitle'])}</p>" if a.get("subtitle") else ""
                lis.append(f'<li><a href="../../../content/{ym}/{dd}/content_{a["_id"]}.html"><p>{e(a["title"])}</p>{sub}</a></li>')
            layout = f'''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>光明日报</title>
<link rel="stylesheet" href="../../../static/css/main.css"></head>
<body>
<div class="m-header"><div class="m-logo"><img src="../../../static/img/logo.png" alt="光明日报"></div>
<div class="m-date">{cn_date(d)} {WEEK[d]}</div></div>
<div class="m-main">
<div class="m-left"><div class="m-paper"><img src="../../../images/{ym}/{dd}/{nn}/b{nn}.jpg"></div>
<ul class="m-paper-nav">{strip}</ul></div>
<div class="m-right">
<div class="m-title-list">
<div class="m-type"><span>{e(num)}:</span><span>{e(name)}</span></div>
<div class="m-list-wrap"><ul>
{chr(10).join(lis)}
</ul></div>
</div>
</div>
</div>
<div class="m-footer"><p>光明日报社版权所有 Copyright © 2026</p></div>
</body></html>
'''
            S.add(f"{base}/layout/{ym}/{dd}/node_{nn}.html", layout)
            for a in pages[l]:
                au = f'<span class="m-article-author">作者：{e(a["author"])}</span>' if a.get("author") else ""
                art = f'''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{e(a["title"])} - 光明日报</title></head>
<body>
<div class="m-header"><div class="m-logo"><img src="../../../static/img/logo.png" alt="光明日报"></div></div>
<div class="m-main"><div class="m-article">
<h3>{e(a.get("pretitle", ""))}</h3>
<h1>{e(a["title"])}</h1>
<h2>{e(a.get("subtitle", ""))}</h2>
<div class="m-article-info">{au}<span class="m-article-date">{cn_date(d)}</span></div>
<div class="m-article-main"><div id="ozoom">
{founder_paras(a)}</div></div>
</div>
<div class="m-back"><a href="../../../layout/{ym}/{dd}/node_{nn}.html">返回版面</a></div>
</div>
<div class="m-footer"><p>光明日报社版权所有 Copyright © 2026</p></div>
</body></html>
'''
                S.add(a["_url"], art)
                S.expect(a, a["_url"], page=l)
    S.add(f"{base}/layout/index.html",
          '<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; URL=202603/04/node_01.html">'
          '</head><body></body></html>\n', fname="layout-index.html")


# ---------------------------------------------------------------- 经济日报
def economic(arts, S):
    base = "http://paper.ce.cn/pc"
    for d, day in group(arts, lambda a: a["date"]).items():
        ym, dd = d[:7].replace("-", ""), d[8:]
        pages = group(day, lambda a: a["opts"]["page"])
        labels = sorted(pages, key=page_no)
        nav = "".join(
            f'<li class="posRelative"><a href="node_{page_no(l)}.html">{e(l)}</a></li>\n' for l in labels)
        for l in labels:
            nn = page_no(l)
            lis = []
            for a in pages[l]:
                a["_id"] = uid("ce", d, a["title"], digits=6)
                a["_node"], a["_label"] = nn, l
                a["_url"] = f"{base}/content/{ym}/{dd}/content_{a['_id']}.html"
                lis.append(f'<li class="clearfix"><a href="../../../content/{ym}/{dd}/content_{a["_id"]}.html">{e(a["title"])}</a></li>')
            lis.append(f'<li class="clearfix"><a href="../../../content/{ym}/{dd}/content_{uid("ce-ad", d, nn, digits=6)}.html">广告</a></li>')
            head = f'''<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>经济日报</title>
<link rel="stylesheet" href="../../../../pc/static/css/style.css"></head>
<body>
<div class="header"><div class="logo"><img src="../../../static/img/logo.png" alt="经济日报"></div>
<div class="date">{cn_date(d)} {WEEK[d]}</div></div>
<div class="wrap">
<div class="left"><ul id="layoutlist">
{nav}</ul>
<ul class="page-num"><li><input type="hidden" value="attachment/{ym}/{dd}/{hexid('cepdf', d, nn)}.pdf"></li></ul></div>
'''
            S.add(f"{base}/layout/{ym}/{dd}/node_{nn}.html", head + f'''<div class="right"><ul id="articlelist">
{chr(10).join(lis)}
</ul></div></div>
<div class="footer">经济日报社 版权所有 Copyright © 2026</div>
</body></html>
''')
            for a in pages[l]:
                S.add(a["_url"], f'''<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{e(a["title"])}</title></head>
<body>
<div class="header"><div class="logo"><img src="../../../static/img/logo.png" alt="经济日报"></div></div>
<div class="wrap"><div class="article">
<div class="article-nav">经济日报 {cn_date(d)} {e(l)}</div>
<div id="ozoom">
{enp(a, d, prefix="", p_wrap=False)}
<!--enpcontent-->{founder_paras(a)}<!--/enpcontent-->
</div></div></div>
<div class="footer">经济日报社 版权所有 Copyright © 2026</div>
</body></html>
''')
                S.expect(a, a["_url"], page=l)
    S.add(f"{base}/layout/index.html",
          '<html><head><meta http-equiv="refresh" content="0; URL=202603/04/node_01.html"></head><body></body></html>\n',
          fname="layout-index.html")


# ---------------------------------------------------------------- 重庆日报
def cqrb(arts, S):
    base = "https://epaper.cqrb.cn/cqrb"
    for d, day in group(arts, lambda a: a["date"]).items():
        ymd_ = f"{d[:7]}/{d[8:]}"
        pages = group(day, lambda a: a["opts"]["page"])
        labels = sorted(pages, key=page_no)
        nav = "".join(
            f'<tr><td class="default" align="left"><span class="default">{page_no(l).zfill(3)}</span>：'
            f'<a href="../{page_no(l).zfill(3)}/node.htm">{e(l.split("：")[1])}</a></td>'
            f'<td align="right"><a href="../../../../pdf/{ymd_}/{page_no(l).zfill(3)}/cqrb{ymd(d)}{page_no(l)}.pdf">PDF</a></td></tr>\n'
            for l in labels)
        for l in labels:
            nnn = page_no(l).zfill(3)
            rows, areas = [], []
            for a in pages[l]:
                a["_id"] = uid("cqrb", d, a["title"], digits=6)
                a["_url"] = f"{base}/{ymd_}/{nnn}/content_rb_{a['_id']}.htm"
                areas.append(f'<area shape="rect" coords="0,{len(areas) * 90},360,{len(areas) * 90 + 80}" href="content_rb_{a["_id"]}.htm">')
                rows.append(f'<tr><td class="px12" valign="top"><img src="../../../../image/dot.gif"></td>'
                            f'<td class="px12"><a href="content_rb_{a["_id"]}.htm"><div style="display:inline">{e(a["title"])}</div></a></td></tr>')
            top = f'''<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>重庆日报</title>
<link href="../../../../style/css.css" rel="stylesheet" type="text/css">
</head>
<body>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td height="60" background="../../../../image/top_bg.jpg"><img src="../../../../image/logo.gif"></td>
<td align="right" class="date">{cn_date(d)} {WEEK[d]}</td></tr>
</table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
<tr>
<td width="180" valign="top">
<table width="100%" border="0" cellspacing="0" cellpadding="2">
{nav}</table>
</td>
'''
            S.add(f"{base}/{ymd_}/{nnn}/node.htm", top + f'''<td width="420" valign="top">
<table width="100%" border="0" cellspacing="0" cellpadding="0">
<tr><td class="px12" height="25">第{e(l)}</td><td class="px12" valign="center"><a href="../../../../pdf/{ymd_}/{nnn}/cqrb{ymd(d)}{page_no(l)}.pdf">PDF版</a></td></tr>
</table>
<map name="PagePicMap">
{chr(10).join(areas)}
</map>
<img src="../../../../page/{ymd_}/{nnn}/rb{ymd(d)}{nnn}.jpg" border="0" usemap="#PagePicMap" width="400">
</td>
<td valign="top">
<table width="100%" border="0" cellspacing="0" cellpadding="3">
{chr(10).join(rows)}
</table>
</td>
</tr>
</table>
<table width="1000" align="center"><tr><td align="center" class="px12">重庆日报报业集团 版权所有 Copyright © 2026</td></tr></table>
</body>
</html>
''')
            for a in pages[l]:
                S.add(a["_url"], top + f'''<td valign="top">
<table width="100%" border="0" cellpadding="5" cellspacing="0">
<tr><td class="px12" height="25">第{e(l)}</td></tr>
<tr><td align="center" class="font01"><span class="font02">{e(a.get("pretitle", ""))}</span><br>
<strong>{e(a["title"])}</strong><br>
<span class="font02">{e(a.get("subtitle", ""))}</span></td></tr>
<tr><td><div id="ozoom" class="font6">
<!--enpcontent-->{founder_paras(a)}<!--/enpcontent-->
</div></td></tr>
</table>
</td>
</tr>
</table>
<table width="1000" align="center"><tr><td align="center" class="px12">重庆日报报业集团 版权所有 Copyright © 2026</td></tr></table>
</body>
</html>
''')
                S.expect(a, a["_url"], page=l)
    S.add("https://epaper.cqrb.cn/html/cqrb",
          '<html><head><meta http-equiv="refresh" content="0; URL=https://epaper.cqrb.cn/cqrb/2026-03/04/001/node.htm">'
          '</head><body></body></html>\n', fname="html-cqrb-entry.html")


# ---------------------------------------------------------------- 三峡都市报 / 万州时报
def sxcm(arts, S, paper, paper_name):
    base = f"http://dpaper.sxcm.net/{paper}/html"
    for d, day in group(arts, lambda a: a["date"]).items():
        ym, dd = d[:7].replace("-", ""), d[8:]
        pages = group(day, lambda a: a["opts"]["page"])
        labels = sorted(pages, key=page_no)
        chunk = "".join(
            f'<p><a href="node_{page_no(l)}.html">{e(l)}</a><a href="../../../pdf/{ym}/{dd}/{l.split("：")[0]}.pdf"><img src="../../../images/pdf.png"/></a></p>\n'
            for l in labels)
        for i, l in enumerate(labels):
            nn = page_no(l)
            lis, areas = [], []
            for a in pages[l]:
                a["_id"] = uid(paper, d, a["title"], digits=6)
                a["_url"] = f"{base}/{ym}/{dd}/content_{a['_id']}.html"
                lis.append(f'<li><h3><a href="content_{a["_id"]}.html">{e(a["title"])}</a></h3></li>')
                areas.append(f'<area shape="rect" coords="0,{len(areas) * 100},300,{len(areas) * 100 + 90}" href="content_{a["_id"]}.html">')
            nxt = f'<a href="node_{page_no(labels[i + 1])}.html">下一版</a>' if i + 1 < len(labels) else ""
            head = f'''<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{paper_name}</title>
<link rel="stylesheet" href="../../../css/style.css"></head>
<body>
<div class="header"><div class="logo"><img src="../../../images/logo_{paper}.png"></div><div class="date">{cn_date(d)} {WEEK[d]}</div></div>
'''
            S.add(f"{base}/{ym}/{dd}/node_{nn}.html", head + f'''<div class="Newslistbox"><div class="Newsmain"><div class="newscon clearfix">
<div class="newsside"><ul><li class="oneclick1"><div><div class="Chunkiconlist">
{chunk}</div></div></li></ul></div>
<div id="ScroLeft">
<div class="newslisttit"><em>{e(l)}</em></div>
<div class="newslist"><ul>{"".join(lis)}</ul></div>
<div class="newsnext">{nxt}</div>
</div>
<map name="PagePicMap">{"".join(areas)}</map><img usemap="#PagePicMap" src="../../../images/{ym}/{dd}/{nn}.jpg">
</div></div></div>
<div class="footer">三峡传媒 版权所有 Copyright © 2026</div>
</body></html>
''')
            for a in pages[l]:
                if "broken" in a["flags"]:
                    # unclosed <p>, <font> and <li>, no </body></html>
                    paras = "".join(f"<p>{IND}{e(p)}" for p in a["paras"])
                    body = (head.replace("</head>", "") + f'''<div id="ScroLeft"><div class="newsdetatit"><p id="PreTitle">{e(a.get("pretitle", ""))}
<h3 id="Title">{e(a["title"])}</h3><p id="SubTitle"><font color="#666">{e(a.get("subtitle", ""))}</div>
<div class="newsdetatext"><founder-content>{paras}</founder-content></div>
<ul class="relate"><li><a href="node_{nn}.html">返回版面<li><a href="../../../index.html">往期回顾</ul>
</div>
<div class="footer">三峡传媒 版权所有 Copyright © 2026
''')
                else:
                    body = head + f'''<div class="Newslistbox"><div class="Newsmain"><div class="newscon clearfix">
<div id="ScroLeft"><div class="newsdetatit"><p id="PreTitle">{e(a.get("pretitle", ""))}</p><h3 id="Title">{e(a["title"])}</h3><p id="SubTitle">{e(a.get("subtitle", ""))}</p>
<div class="newsdetatime">{paper_name} {cn_date(d)} {e(l)}</div></div>
<div class="newsdetatext"><founder-content>{founder_paras(a)}</founder-content></div></div>
</div></div></div>
<div class="footer">三峡传媒 版权所有 Copyright © 2026</div>
</body></html>
'''
                if "gbk-header" in a["flags"]:
                    body = body.replace('charset=utf-8"', 'charset=gbk"').replace("©", "(C)")
                    S.add(a["_url"], body, ctype="text/html; charset=gbk", encoding="gbk")
                else:
                    S.add(a["_url"], body)
                S.expect(a, a["_url"], page=norm_label(l))
    S.add(f"{base}/",
          f'<html><head><meta charset="utf-8"><title>{paper_name}</title></head><body><ul><li><a href="202603/04/node_01.html">{cn_date("2026-03-04")}</a></li></ul>'
          '<script>window.location.href="202603/04/node_01.html";</script></body></html>\n', fname="html-entry.html")


# ---------------------------------------------------------------- 新闻联播
def xwlb(arts, S):
    for d, day in group(arts, lambda a: a["date"]).items():
        y, m, dd = d.split("-")
        full = f"https://tv.cctv.com/{y}/{m}/{dd}/VIDE{alnum('xwlb-full', d)}{ymd(d)[2:]}.shtml"
        lis = [f'<li>\n<a href="{full}" title="[视频]《新闻联播》 {ymd(d)} 19:00" target="_blank">'
               f'<div class="image"><img src="//p1.img.cctvpic.com/photoworkspace/contentimg/{y}/{m}/{dd}/full.jpg"></div>'
               f'<div class="title">[视频]《新闻联播》 {ymd(d)} 19:00</div></a>\n<span class="time">00:38:12</span>\n</li>']
        for i, a in enumerate(day):
            a["_url"] = f"https://tv.cctv.com/{y}/{m}/{dd}/VIDE{alnum('xwlb', d, a['title'])}{ymd(d)[2:]}.shtml"
            lis.append(f'<li>\n<a href="{a["_url"]}" title="[视频]{e(a["title"])}" target="_blank">'
                       f'<div class="image"><img src="//p1.img.cctvpic.com/photoworkspace/contentimg/{y}/{m}/{dd}/{i}.jpg"></div>'
                       f'<div class="title">[视频]{e(a["title"])}</div></a>\n<span class="time">00:0{2 + i}:{17 + 7 * i}</span>\n</li>')
            S.add(a["_url"], f'''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>[视频]{e(a["title"])}_新闻频道_央视网(cctv.com)</title>
<meta name="keywords" content="新闻联播"></head>
<body>
<div class="header_nav"><a href="https://tv.cctv.com/">央视网</a> &gt; <a href="https://tv.cctv.com/lm/xwlb/">新闻联播</a></div>
<div class="video"><div id="myFlash"></div></div>
<div class="playingVideo">
<div class="tit">[视频]{e(a["title"])}</div>
<h3>{e(a["title"])}</h3>
<div class="info"><span class="time">{d} 19:{10 + 3 * i}</span> 来源：央视网</div>
<div class="content_area" id="content_area">
{"".join(f"<p>{e(p)}</p>" for p in a["paras"])}
</div>
</div>
<div class="footer">央视网 版权所有 Copyright © 1996-2026 China Central Television. All Rights Reserved</div>
</body></html>
''')
            S.expect(a, a["_url"])
        S.add(f"https://tv.cctv.com/lm/xwlb/day/{ymd(d)}.shtml", "\n".join(lis) + "\n")


# ---------------------------------------------------------------- listings
def banyuetan(arts, S):
    slug = {"jicengzhili": "jczl", "jinritan": "jrt"}
    for col, items in group(arts, lambda a: a["opts"]["col"]).items():
        lis = []
        for a in items:
            stale = "stale" in a["flags"]
            a["_url"] = f"http://www.banyuetan.org/{slug[col]}/detail/{ymd(a['date'])}/1000200033{uid('byt', a['title'], digits=18)}_1.html"
            summary = a["paras"][0][:40] + "……"
            lis.append(f'<li><div class="bty_tbtj_img"><a href="{a["_url"]}"><img src="http://www.banyuetan.org/img/{col}.jpg"></a></div>'
                       f'<h3><a href="{a["_url"]}" target="_blank">{e(a["title"])}</a></h3><p>{e(summary)}</p>'
                       f'<span class="tag3">{a["date"]}</span></li>')
            if stale:
                continue
            S.add(a["_url"], f'''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{e(a["title"])}-半月谈网</title>
<meta name="keywords" content="半月谈,基层,改革">
<meta name="author" content="{e(a.get("author", ""))}">
<meta name="source" content="半月谈网">
<meta property="og:title" content="{e(a["title"])}">
<meta property="og:release_date" content="{a["date"]} 09:{len(lis):02d}:00">
</head>
<body>
<div class="header"><a href="http://www.banyuetan.org/">半月谈网</a></div>
<div class="detail_wrap">
<div class="detail_tit"><h1>{e(a["title"])}</h1><div class="detail_tit_source">来源：半月谈网 {a["date"]}</div></div>
<div id="detail_content">
{plain_paras(a, "")}</div>
<div class="detail_editor">责任编辑：刘洋</div>
</div>
<div class="footer">半月谈杂志社 版权所有 Copyright © 2026</div>
</body></html>
''')
            S.expect(a, a["_url"])
        S.add(f"http://www.banyuetan.org/byt/{col}/index.html", f'''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>半月谈网</title></head>
<body>
<div class="header"><a href="http://www.banyuetan.org/">半月谈网</a></div>
<div class="bty_tbtj_list"><ul class="clearFix">
{chr(10).join(lis)}
</ul></div>
<div class="footer">半月谈杂志社 版权所有 Copyright © 2026</div>
</body></html>
''')


def news_cn(a, channel):
    """A news.cn-style article page; with `nodate` not a single date on it."""
    dt = "" if "nodate" in a["flags"] else (
        f'<div class="header-time left"><span class="year"><em> {a["date"][:4]}</em></span>'
        f'<span class="day"><em> {a["date"][5:7]}</em>/<em>{a["date"][8:]}</em></span><span class="time"> 10:21:36</span></div>')
    return f'''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{e(a["title"])}-{channel}</title>
<meta name="keywords" content="改革"></head>
<body>
<div class="header"><div class="logo"><a href="/">{channel}</a></div></div>
<div class="header-cont clearfix">{dt}<div class="source">来源：{channel}</div></div>
<div class="head-line clearfix"><h1><span class="title">{e(a["title"])}</span></h1></div>
<div class="main clearfix"><div class="main-left left">
<div id="detail">
{plain_paras(a, "")}</div>
<div id="articleEdit"><span class="editor">【责任编辑:吴静】</span></div>
</div></div>
<div class="foot">Copyright © 2000-2026 XINHUANET.com All Rights Reserved.</div>
</body></html>
'''


def home_listing(arts, S, host, url_of, channel, article_page):
    links = []
    for a in arts:
        a["_url"] = url_of(a)
        links.append(f'<li><a href="{a["_url"]}" target="_blank">{e(a["title"])}</a></li>')
        S.add(a["_url"], article_page(a, channel))
        S.expect(a, a["_url"])
    S.add(f"http://{host}/", f'''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{channel}</title></head>
<body>
<div class="nav"><a href="http://{host}/">首页</a> <a href="http://{host}/about.html">关于我们</a> <a href="http://www.news.cn/">新华网</a></div>
<div class="focus"><ul>
{chr(10).join(links)}
</ul></div>
<div class="foot">Copyright © 2000-2026 版权所有</div>
</body></html>
''', fname="index.html")


def people_page(a, channel):
    t = {"2026-03-02": "08:16", "2026-03-03": "09:42", "2026-03-04": "07:55"}[a["date"]]
    cite = ""
    paras = a["paras"]
    return f'''<!DOCTYPE html>
<html><head><meta http-equiv="content-type" content="text/html;charset=UTF-8">
<title>{e(a["title"])}--重庆频道--人民网</title>
<meta name="keywords" content="重庆"><meta name="publishdate" content="{a["date"]}">
</head>
<body>
<div class="header"><a href="http://cq.people.com.cn/">人民网 重庆频道</a></div>
<div class="route">人民网&gt;&gt;重庆频道&gt;&gt;原创稿</div>
<div class="layout rm_txt cf">
<div class="col col-1 fl">
<h1>{e(a["title"])}</h1>
<div class="col-1-1 fl">{a["date"][:4]}年{a["date"][5:7]}月{a["date"][8:]}日{t} | 来源：人民网－重庆频道</div>
<div class="rm_txt_con cf">
{"".join(f"<p>{IND}{e(p)}</p>" for p in paras)}
<div class="edit cf">(责编：陈玲、王瑶)</div>
</div>
</div>
</div>
<div class="footer">人民日报社概况 | 关于人民网 | 人民网版权所有，未经书面授权禁止使用 Copyright © 1997-2026 by www.people.com.cn. all rights reserved</div>
</body></html>
'''


def cctv_news(arts, S):
    items = []
    for i, a in enumerate(arts):
        y, m, dd = a["date"].split("-")
        a["_url"] = f"https://news.cctv.com/{y}/{m}/{dd}/ARTI{alnum('cctv', a['title'])}{ymd(a['date'])[2:]}.shtml"
        fd = f"{a['date']} {8 + i:02d}:{12 + 5 * i:02d}:00"
        items.append({"id": "ARTI" + alnum('cctv', a['title']) + ymd(a['date'])[2:], "title": a["title"],
                      "url": a["_url"], "focus_date": fd, "image": "", "brief": a["paras"][0][:50],
                      "ext_field": "", "keywords": "", "count": "0"})
        if "stale" in a["flags"]:
            continue
        page = f'''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{e(a["title"])}_新闻频道_央视网(cctv.com)</title></head>
<body>
<div class="nav_top"><a href="https://news.cctv.com/">新闻频道</a></div>
<div class="title_area"><h1>{e(a["title"])}</h1>
<div class="info1">来源：央视新闻客户端 | {a["date"][:4]}年{a["date"][5:7]}月{a["date"][8:]}日 {fd[11:16]}</div></div>
<div class="content_area" id="content_area">
{"".join(f"<p>{IND}{e(p)}</p>" for p in a["paras"])}
</div>
<div class="zebian"><p>编辑：李丹</p></div>
<div class="footer">央视网 版权所有 Copyright © 1996-2026 China Central Television</div>
</body></html>
'''
        S.add(a["_url"], page)
        if "spm-twin" in a["flags"]:
            twin = a["_url"] + "?spm=C94212.P4YnMod9m2uD.ENPMkWvfnaiV.4"
            items.append(dict(items[-1], url=twin))
            S.add(twin, page, fname=re.sub(r"[^A-Za-z0-9._-]+", "-", twin.split("cctv.com/")[1]) + ".html")
        S.expect(a, a["_url"])
    # the recommended twin (with ?spm=) comes after the plain URL in the list
    data = {"data": {"total": len(items), "list": items}}
    S.add("https://news.cctv.com/2019/07/gaiban/cmsdatainterface/page/china_1.jsonp?cb=china",
          "china(" + json.dumps(data, ensure_ascii=False) + ")", ctype="application/javascript",
          fname="china_1.jsonp")


def sasac_title_block(a, i):
    """The real skin puts the headline as bare text in div.zsy_cotitle, followed by a
    <p> with 文章来源 / 发布时间 (some pages add 字号 and 打印 / 关闭); older pages
    have an <h1> and the source line in a separate div. The title is the headline only."""
    t, d = e(a["title"]), a["date"]
    if i % 3 == 0:
        return (f'<div class="zsy_cotitle">\n{t}\n'
                f'<p>文章来源：国资委网站&nbsp;&nbsp;&nbsp;&nbsp;发布时间：{d}</p>\n</div>')
    if i % 3 == 1:
        return (f'<div class="zsy_cotitle">\n{t}\n'
                f'<p><span>文章来源：国资委网站</span>&nbsp;&nbsp;<span>发布时间：{d}</span>&nbsp;&nbsp;'
                f'<span class="zh">字号：<a href="javascript:void(0)">大</a> <a href="javascript:void(0)">中</a> '
                f'<a href="javascript:void(0)">小</a></span> '
                f'<span><a href="javascript:window.print()">打印</a> <a href="javascript:window.close()">关闭</a></span></p>\n</div>')
    return (f'<div class="zsy_cotitle"><h1>{t}</h1></div>\n'
            f'<div class="zsy_coinfo">文章来源：国资委网站 发布时间：{d}</div>')


def sasac(arts, S, col, colname):
    lis = []
    for i, a in enumerate(sorted(arts, key=lambda a: a["date"], reverse=True)):
        cid = "c" + uid("sasac", a["title"], digits=8)
        a["_url"] = f"http://www.sasac.gov.cn/n2588025/{col}/{cid}/content.html"
        if i == 2:
            lis.append('<li style="height:20px;border-bottom:1px dashed #ccc"></li>')
        short = a["title"] if len(a["title"]) <= 24 else a["title"][:23] + "…"
        lis.append(f'<li><a href="../../n2588025/{col}/{cid}/content.html" target="_blank" title="{e(a["title"])}">{e(short)}</a>'
                   f'<span>[{a["date"]}]</span></li>')
        S.add(a["_url"], f'''<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{e(a["title"])}</title>
<meta name="firstpublishedtime" content="{a["date"]}-10:3{i}:00">
<meta name="publishdate" content="{a["date"]}">
</head>
<body>
<div class="zsy_top"><a href="http://www.sasac.gov.cn/">国务院国有资产监督管理委员会</a></div>
<div class="zsy_position">当前位置：<a href="../../../index.html">首页</a> &gt; <a href="../../index.html">新闻发布</a> &gt; <a href="../index.html">{colname}</a></div>
<div class="zsy_content">
{sasac_title_block(a, i)}
<div class="zsy_comain">
<style>.zsy_comain p{{text-indent:2em}}</style>
{plain_paras(a, "")}<div id="qr_container">扫一扫在手机打开当前页</div>
<div class="jiathis_style"><a class="jiathis_button_weixin">分享到微信</a></div>
</div>
</div>
<div class="zsy_footer">国务院国有资产监督管理委员会 版权所有 Copyright © 2026</div>
</body></html>
''')
        S.expect(a, a["_url"])
    # Two list pages: SASAC numbers further pages downward from maxPageNum,
    # so with two pages the second is index_{pagID}_1.html.
    pag = col[1:]
    pages = [lis[:-2], lis[-2:]]
    for k, items in enumerate(pages):
        url = (f"http://www.sasac.gov.cn/n2588025/{col}/index.html" if k == 0
               else f"http://www.sasac.gov.cn/n2588025/{col}/index_{pag}_{len(pages) - k}.html")
        S.add(url, f'''<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{colname}</title></head>
<body>
<div class="zsy_top"><a href="http://www.sasac.gov.cn/">国务院国有资产监督管理委员会</a></div>
<div class="zsy_conlist"><ul><span>
{chr(10).join(items)}
</span></ul></div>
<table><tr><td class="pages" id="pag_{pag}"></td></tr></table>
<script>var maxPageNum = {len(pages)};</script>
<div class="zsy_footer">国务院国有资产监督管理委员会 版权所有 Copyright © 2026</div>
</body></html>
''')


def trs_article(a, url_title_block, site, column, source="", extra_head="", charset_meta="utf-8", body_html=None):
    t = "10:{:02d}".format(int(uid("t", a["title"], digits=2)) % 60)
    body = body_html if body_html is not None else (
        f'<div class="view TRS_UEDITOR trs_paper_default trs_web">\n{plain_paras(a)}</div>')
    return f'''<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">
<title>{e(a["title"])}_{site}</title>
<meta name="SiteName" content="{site}">
<meta name="ColumnName" content="{column}">
<meta name="ArticleTitle" content="{e(a["title"])}">
<meta name="PubDate" content="{a["date"]} {t}">
<meta name="ContentSource" content="{source or site}">
<meta name="Keywords" content="国企改革;国有企业">
{extra_head}</head>
<body>
<div class="header"><div class="logo"><a href="/">{site}</a></div></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; {column}</div>
{url_title_block}
{body}
<div class="footer"><p>主办：{site} 版权所有 Copyright © 2026</p><p>网站标识码 5000000095 渝ICP备05003300号</p></div>
</body></html>
'''


def cq_gov_docs(arts, S):
    base = "https://www.cq.gov.cn/zwgk/zfxxgkml/szfwj"
    names = {"xzgfxwj/szf": "市政府文件", "xzgfxwj/szfbgt": "市政府办公厅文件", "qtgw": "其他公文"}
    for col in names:
        lis = []
        for a in [a for a in arts if a["opts"]["col"] == col]:
            docid = uid("cqgov", a["title"], digits=8)
            a["_url"] = f"{base}/{col}/{ymd(a['date'])[:6]}/t{ymd(a['date'])}_{docid}.html"
            rel = f"./{ymd(a['date'])[:6]}/t{ymd(a['date'])}_{docid}.html"
            lis.append(f'<li><a href="{rel}" target="_blank" title="{e(a["title"])}">{e(a["title"])}</a><span>{a["date"]}</span></li>')
            if "c521" in a["flags"]:
                S.add(a["_url"], '<script>document.cookie="__jsl_clearance_s=1772525013.402|0|'
                      'ZbFxqPrGtLNE%2BbFOl9%2B2H3bbHmQ%3D;max-age=3600;path=/";location.href=location.pathname+location.search</script>',
                      status=521, ctype="text/html", headers={"Set-Cookie": "__jsluid_s=7d3f0c1e9b2a4c5d8e6f; max-age=31536000; path=/; HttpOnly"},
                      fname=f"t{ymd(a['date'])}_{docid}-521.html")
                continue
            S.add(a["_url"], trs_article(a, f'<div class="document mt-1 mt-12"><h1 class="title">{e(a["title"])}</h1></div>',
                                         "重庆市人民政府网", names[col], source="重庆市人民政府办公厅"))
            S.expect(a, a["_url"])
        S.add(f"{base}/{col}/index.html", f'''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{names[col]}_重庆市人民政府网</title></head>
<body>
<div class="header"><a href="https://www.cq.gov.cn/">重庆市人民政府网</a></div>
<div class="zcwjk-list"><ul class="clearfix">
{chr(10).join(lis)}
</ul></div>
<div class="page"><script>createPage(1, 0, 20, "index", "html");</script></div>
<div class="footer">主办：重庆市人民政府办公厅 Copyright © 2026</div>
</body></html>
''', fname=f"{col.replace('/', '-')}-index.html")


def cq_gazette(arts, S):
    # Root (latest issue's first items + year links) -> year page (issue links)
    # -> issue page (every article of the issue): the year -> issue -> article walk.
    root = "https://www.cq.gov.cn/zwgk/zfxxgkml/zfgb/"
    base = root + "2026/d5q_435001"
    lis = []
    for a in arts:
        docid = uid("zfgb", a["title"], digits=8)
        a["_url"] = f"{base}/{ymd(a['date'])[:6]}/t{ymd(a['date'])}_{docid}.html"
        lis.append((f'./{ymd(a["date"])[:6]}/t{ymd(a["date"])}_{docid}.html', a["title"]))
        S.add(a["_url"], trs_article(a, f'<div class="document mt-1 mt-12"><h1 class="title">{e(a["title"])}</h1></div>',
                                     "重庆市人民政府网", "2026年第5期", source="重庆市人民政府公报"))
        S.expect(a, a["_url"])
    root_items = "\n".join(f'<li><a href="./2026/d5q_435001/{h[2:]}" target="_blank">{e(t)}</a></li>' for h, t in lis[:2])
    S.add(root, f'''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>政府公报_重庆市人民政府网</title></head>
<body>
<div class="header"><a href="https://www.cq.gov.cn/">重庆市人民政府网</a></div>
<div class="gb-year"><a href="./2026/">2026年</a> <a href="./2025/">2025年</a></div>
<div class="gb-issue"><p class="gb-tit">重庆市人民政府公报 2026年第5期（总第857期）</p>
<ul>
{root_items}
</ul><a class="more" href="./2026/d5q_435001/">本期目录</a></div>
<div class="footer">主办：重庆市人民政府办公厅 Copyright © 2026</div>
</body></html>
''', fname="zfgb-index.html")
    S.add(root + "2026/", f'''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>2026年政府公报_重庆市人民政府网</title></head>
<body>
<div class="gb-qs"><ul>
<li><a href="./d5q_435001/">2026年第5期</a></li>
<li><a href="./d4q_434870/">2026年第4期</a></li>
</ul></div>
</body></html>
''', fname="zfgb-2026.html")
    issue_items = "\n".join(f'<li><a href="{h}" target="_blank">{e(t)}</a></li>' for h, t in lis)
    S.add(base + "/", f'''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>2026年第5期_重庆市人民政府公报</title></head>
<body>
<div class="gb-issue"><p class="gb-tit">重庆市人民政府公报 2026年第5期（总第857期）</p>
<ul>
{issue_items}
</ul></div>
</body></html>
''', fname="zfgb-2026-d5q.html")


CQ_SASAC_COLUMNS = {"tzgg_191": "通知公告", "gqdj": "国企资讯"}


def cq_sasac(arts, S):
    # one list per column (`col=`, default tzgg_191), paginated by `pg=` like wz-gov:
    # index.html, index_1.html, … with createPage(N, …)
    for col, cname in CQ_SASAC_COLUMNS.items():
        base = f"https://gzw.cq.gov.cn/{col}"
        mine = [a for a in arts if a["opts"].get("col", "tzgg_191") == col]
        assert mine, col
        npages = max(int(a["opts"].get("pg", "1")) for a in mine)
        for pg in range(1, npages + 1):
            lis = []
            for a in sorted([a for a in mine if int(a["opts"].get("pg", "1")) == pg],
                            key=lambda a: a["date"], reverse=True):
                docid = uid("gzw", a["title"], digits=8)
                a["_url"] = f"{base}/{ymd(a['date'])[:6]}/t{ymd(a['date'])}_{docid}.html"
                lis.append(f'<li class="clearfix"><a href="./{ymd(a["date"])[:6]}/t{ymd(a["date"])}_{docid}.html" target="_blank" title="{e(a["title"])}">{e(a["title"])}</a><span>{a["date"]}</span></li>')
                S.add(a["_url"], trs_article(a, f'<div class="zwxl-title"><p class="tit">{e(a["title"])}</p></div>',
                                             "重庆市国有资产监督管理委员会", cname))
                S.expect(a, a["_url"])
            listing = f'''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{cname}_重庆市国有资产监督管理委员会</title></head>
<body>
<div class="header"><a href="https://gzw.cq.gov.cn/">重庆市国有资产监督管理委员会</a></div>
<div class="tab-con"><ul class="tab-item">
{chr(10).join(lis)}
</ul></div>
<div class="page"><script>createPage({npages}, {pg - 1}, 15, "index", "html", 12);</script></div>
<div class="footer">重庆市国有资产监督管理委员会 版权所有 Copyright © 2026</div>
</body></html>
'''
            if pg == 1:
                S.add(f"{base}/", listing, fname=f"{col}-index.html")
            else:
                S.add(f"{base}/index_{pg - 1}.html", listing, fname=f"{col}-index_{pg - 1}.html")


def wz_gov(arts, S):
    cols = {"jdtp": ("https://www.wz.gov.cn/zwxx_266/jdtp/", "焦点图片"),
            "xzgfxwjk": ("https://www.wz.gov.cn/zwgk_266/zfxxgkml_3393/zcwj_147297/xzgfxwjk/", "行政规范性文件")}
    for col, (base, cname) in cols.items():
        mine = [a for a in arts if a["opts"]["col"] == col]
        npages = max(int(a["opts"].get("pg", "1")) for a in mine)
        for pg in range(1, npages + 1):
            lis = []
            for a in sorted([a for a in mine if int(a["opts"].get("pg", "1")) == pg], key=lambda a: a["date"], reverse=True):
                docid = uid("wz", a["title"], digits=8)
                a["_url"] = f"{base}{ymd(a['date'])[:6]}/t{ymd(a['date'])}_{docid}.html"
                lis.append(f'<li class="clearfix"><a class="lf" href="./{ymd(a["date"])[:6]}/t{ymd(a["date"])}_{docid}.html" target="_blank" title="{e(a["title"])}">{e(a["title"])}</a><span class="rt">{a["date"]}</span></li>')
                title_block = (f'<div class="zwxl-title"><p class="tit">{e(a["title"])}</p>'
                               f'<div class="zwxl-bar"><span>发布日期：{a["date"]}</span>'
                               f'<script>var source="万州区融媒体中心";if(source!=""){{document.write(\'<span class="con">来源：\'+source+\'</span>\');}}</script></div></div>')
                if "generic" in a["flags"]:
                    # special-topic skin: no zwxl-title, no trs_paper_default / div.view
                    page = trs_article(a, f'<div class="zt-banner"><img src="../../images/zt_banner.jpg"></div>'
                                          f'<div class="zt-nav"><a href="#">专题首页</a> <a href="#">改革动态</a> <a href="#">典型案例</a> <a href="#">媒体聚焦</a></div>',
                                       "重庆市万州区人民政府", cname, body_html=(
                                           f'<div class="zt-main"><div class="zt-article"><h1>{e(a["title"])}</h1>\n'
                                           f'<div class="zt-info">万州区国资委 {a["date"]}</div>\n<div class="zt-txt">\n'
                                           + "".join(f"<p>{e(p)}</p>\n" for p in a["paras"]) +
                                           '</div></div>\n<div class="zt-side"><h4>相关链接</h4><ul><li><a href="#">万州区国企改革三年行动</a></li>'
                                           '<li><a href="#">区属国有企业名录</a></li><li><a href="#">政策文件</a></li></ul></div></div>'))
                else:
                    page = trs_article(a, title_block, "重庆市万州区人民政府", cname)
                if "gbk-wrongmeta" in a["flags"]:
                    # bytes are GBK, the meta tag says utf-8, the header names no charset
                    S.add(a["_url"], page.replace("©", "(C)"), ctype="text/html", encoding="gbk")
                else:
                    S.add(a["_url"], page)
                S.expect(a, a["_url"])
            listing = f'''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{cname}_重庆市万州区人民政府</title></head>
<body>
<div class="header"><a href="https://www.wz.gov.cn/">重庆市万州区人民政府</a></div>
<div class="right"><p class="right-title">{cname}</p>
<ul class="right-list">
{chr(10).join(lis)}
</ul>
<div class="page"><script>createPage({npages}, {pg - 1}, 20, "index", "html", 6);</script></div></div>
<div class="footer">主办：重庆市万州区人民政府办公室 版权所有 Copyright © 2026</div>
</body></html>
'''
            if pg == 1:
                S.add(base, listing, fname=f"{col}-index.html")
            else:
                S.add(f"{base}index_{pg - 1}.html", listing, fname=f"{col}-index_{pg - 1}.html")


def main():
    arts = load_articles()
    out = []
    for sid, fn in [
        ("people-daily", people_daily), ("guangming-daily", guangming), ("economic-daily", economic),
        ("cqrb", cqrb), ("sxdsb", lambda a, S: sxcm(a, S, "sxdsb", "三峡都市报")),
        ("wzsb", lambda a, S: sxcm(a, S, "wzsb", "万州时报")), ("xwlb", xwlb), ("banyuetan", banyuetan),
        ("liaowang", lambda a, S: home_listing(a, S, "lw.news.cn",
                                               lambda x: f"http://lw.news.cn/{ymd(x['date'])}/{hexid('lw', x['title'])}/c.html",
                                               "瞭望", news_cn)),
        ("xinhua-cq", lambda a, S: home_listing(a, S, "cq.news.cn",
                                                lambda x: f"http://cq.news.cn/{ymd(x['date'])}/{hexid('xhcq', x['title'])}/c.html",
                                                "新华网重庆频道", news_cn)),
        ("people-cq", lambda a, S: home_listing(a, S, "cq.people.com.cn",
                                                lambda x: f"http://cq.people.com.cn/n2/{x['date'][:4]}/{x['date'][5:7]}{x['date'][8:]}/c365401-{uid('pcq', x['title'], digits=8)}.html",
                                                "人民网重庆频道", people_page)),
        ("cctv-news", cctv_news),
        ("sasac-local", lambda a, S: sasac(a, S, "n2588129", "地方扫描")),
        ("sasac-news", lambda a, S: sasac(a, S, "n2588119", "国资委要闻")),
        ("cq-gov-docs", cq_gov_docs), ("cq-gov-gazette", cq_gazette), ("cq-sasac", cq_sasac), ("wz-gov", wz_gov),
    ]:
        S = Source(sid)
        mine = by(arts, sid)
        if not mine:
            print(f"warning: no articles for {sid}")
            continue
        fn(mine, S)
        S.write()
        out.append((sid, len(S.expected), len(S.pages)))
    known = {s for s, _, _ in out}
    for a in arts:
        assert a["source"] in known, a["source"]
    for sid, n, p in out:
        print(f"{sid:16} {n:3} articles {p:3} responses")


if __name__ == "__main__":
    main()
