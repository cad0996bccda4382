#!/usr/bin/env python3
"""Writes the document-format test fixtures into tests/fixtures/formats/: one small document of
each input format the bot reads, each holding a few known Chinese sentences for tests to ask
about.

    report.pdf   A4, 3 pages, text drawn with reportlab in an embedded TrueType CJK font
                 (a subset with a ToUnicode map, as Word/LibreOffice exports are); a running
                 header and a lone page number on every page; metadata title/author set.
    scanned.pdf  one A4 page of drawn rectangles and lines only, no text at all (what a scan
                 without OCR looks like to a text extractor).
    report.docx  headings, paragraphs and a 3x2 table, made with python-docx.
    news.html    a saved news page: the article amid scripts, styles, navigation, breadcrumb,
                 comments, related links, an aside and a footer.
    notes.md     a short Markdown brief.

How to run (from the repository root):

    apt-get install -y fonts-wqy-zenhei poppler-utils   # the CJK font; pdftotext to check
    python3 -m venv /tmp/fixvenv
    /tmp/fixvenv/bin/pip install reportlab python-docx
    /tmp/fixvenv/bin/python scripts/make_format_fixtures.py \\
        [--font /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc] [--out tests/fixtures/formats]

--font is the TrueType font (.ttf, or .ttc whose first face is used) drawn in the PDF; the
default is the one fonts-wqy-zenhei installs (WenQuanYi Zen Hei). --out defaults to
tests/fixtures/formats next to this script's parent directory.

The output is deterministic for given versions of reportlab, python-docx, zlib and the font:
the PDFs are written in reportlab's invariant mode (fixed document /ID) with a fixed date
(2024-01-15 00:00:00 +08:00 as both CreationDate and ModDate); the .docx has fixed core
properties (created = modified = 2024-03-01 00:00:00 UTC) and its zip members are rewritten
with a fixed timestamp (python-docx stamps them with the current time); the text files are
written byte for byte.

Check the PDFs with `pdftotext -layout report.pdf -` (the sentences must come out as Chinese
text), `pdftotext scanned.pdf -` (nothing), `pdfinfo report.pdf` and `pdffonts report.pdf`.
"""

import argparse
import datetime as dt
import io
import os
import sys
import zipfile

PDF_FONT = "WQYZenHei"

# --- report.pdf -------------------------------------------------------------------------------

PDF_TITLE = "云海市2024年政府工作报告"
PDF_AUTHOR = "云海市人民政府"
PDF_HEADER = "云海市人民政府公报"
# 2024-01-15 00:00:00 China Standard Time, as a PDF date string.
PDF_DATE = "D:20240115000000+08'00'"

# One list of body lines per page; the first line of page 1 is the title.
PDF_PAGES = [
    [
        "2023年，云海市地区生产总值完成512亿元，同比增长6.1%。",
        "全市一般公共预算收入达到48.3亿元。",
        "全年规模以上工业增加值增长7.2%，其中高技术制造业增加值增长15.6%，占规模以上工业比重提高到18.3%。",
    ],
    [
        "全年新增城镇就业2.3万人，城镇登记失业率控制在4.5%以内。",
        "云海港货物吞吐量达到8600万吨，比上年增长12%。",
        "全市新能源装机容量达到320万千瓦，",
    ],
    [
        "占全部装机的比重超过四成。",
        "2024年，全市计划新建5G基站1200个。",
        "力争全年接待游客突破3500万人次。",
    ],
]

# Page geometry, in points. Margins are Word's default for A4 (3.17 cm left and right).
MARGIN_X = 90.0
HEADER_SIZE = 10.5
TITLE_SIZE = 22.0
BODY_SIZE = 12.0
BODY_LEADING = 22.0      # line spacing inside a paragraph
PARAGRAPH_GAP = 10.0     # extra space between paragraphs
PAGE_NUMBER_SIZE = 10.5

# Characters that must not begin a line, and places where a break is good.
NO_LINE_START = set("，。、；：？！）》」』”’%.,;:!?)")
GOOD_BREAK_AFTER = set("，、；：")


def _ascii_word(ch):
    return ch.isascii() and (ch.isalnum() or ch in ".%")


def wrap_line(text, width, font, size):
    """Splits `text` into lines no wider than `width`, without adding or dropping characters.

    A break never falls inside a run of ASCII letters/digits (so "6.1%" stays whole) nor
    before closing punctuation; among the allowed breaks that fit, the last one right after
    a Chinese comma or similar is preferred when it fills at least half the line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines = []
    rest = text
    while stringWidth(rest, font, size) > width:
        allowed = [
            i for i in range(1, len(rest))
            if not (_ascii_word(rest[i - 1]) and _ascii_word(rest[i]))
            and rest[i] not in NO_LINE_START
            and stringWidth(rest[:i], font, size) <= width
        ]
        if not allowed:
            raise ValueError("cannot wrap %r into %.1f pt" % (rest, width))
        good = [i for i in allowed
                if rest[i - 1] in GOOD_BREAK_AFTER
                and stringWidth(rest[:i], font, size) >= width / 2]
        cut = good[-1] if good else allowed[-1]
        lines.append(rest[:cut])
        rest = rest[cut:]
    lines.append(rest)
    assert "".join(lines) == text
    return lines


def write_report_pdf(path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    page_w, page_h = A4
    text_w = page_w - 2 * MARGIN_X
    c = canvas.Canvas(path, pagesize=A4, invariant=1, initialFontName=PDF_FONT,
                      initialFontSize=BODY_SIZE)
    c.setTitle(PDF_TITLE)
    c.setAuthor(PDF_AUTHOR)
    c.setSubject("")
    c.setKeywords("")
    c.setCreator("make_format_fixtures.py")
    # reportlab writes one date for both CreationDate and ModDate; the formatter fixes it.
    c.setDateFormatter(lambda *_ymdhms: PDF_DATE)

    wrapped = []
    for number, lines in enumerate(PDF_PAGES, start=1):
        # Running header, with a rule under it.
        c.setFont(PDF_FONT, HEADER_SIZE)
        c.drawCentredString(page_w / 2, page_h - 50, PDF_HEADER)
        c.setLineWidth(0.5)
        c.line(MARGIN_X, page_h - 56, page_w - MARGIN_X, page_h - 56)

        y = page_h - 100
        if number == 1:
            c.setFont(PDF_FONT, TITLE_SIZE)
            c.drawCentredString(page_w / 2, y, PDF_TITLE)
            y -= TITLE_SIZE + 2 * PARAGRAPH_GAP + BODY_LEADING

        c.setFont(PDF_FONT, BODY_SIZE)
        for paragraph in lines:
            parts = wrap_line(paragraph, text_w, PDF_FONT, BODY_SIZE)
            if len(parts) > 1:
                wrapped.append(parts)
            for part in parts:
                c.drawString(MARGIN_X, y, part)
                y -= BODY_LEADING
            y -= PARAGRAPH_GAP

        # Lone page number at the bottom.
        c.setFont(PDF_FONT, PAGE_NUMBER_SIZE)
        c.drawCentredString(page_w / 2, 40, str(number))
        c.showPage()
    c.save()
    return wrapped


# --- scanned.pdf ------------------------------------------------------------------------------

def write_scanned_pdf(path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    page_w, page_h = A4
    # initialFontName: a TrueType font sets no initial font, so the page has no font at all.
    c = canvas.Canvas(path, pagesize=A4, invariant=1, initialFontName=PDF_FONT)
    c.setTitle("")
    c.setAuthor("")
    c.setSubject("")
    c.setKeywords("")
    c.setCreator("make_format_fixtures.py")
    c.setDateFormatter(lambda *_ymdhms: PDF_DATE)

    # A slightly grey sheet, a dark header band, and grey bars where text lines would be.
    c.setFillGray(0.96)
    c.rect(0, 0, page_w, page_h, stroke=0, fill=1)
    c.setFillGray(0.35)
    c.rect(MARGIN_X + 80, page_h - 70, page_w - 2 * MARGIN_X - 160, 14, stroke=0, fill=1)
    c.setStrokeGray(0.2)
    c.setLineWidth(0.6)
    c.line(MARGIN_X, page_h - 80, page_w - MARGIN_X, page_h - 80)
    c.setFillGray(0.55)
    y = page_h - 130
    for row in range(24):
        width = page_w - 2 * MARGIN_X - (0 if row % 5 != 4 else 150) - (row * 37) % 23
        c.rect(MARGIN_X, y, width, 8, stroke=0, fill=1)
        y -= 22 if row % 5 != 4 else 34
    # A stamp-like circle and a signature stroke.
    c.setStrokeColorRGB(0.75, 0.2, 0.2)
    c.setLineWidth(2)
    c.circle(page_w - MARGIN_X - 60, 110, 40, stroke=1, fill=0)
    c.setStrokeGray(0.3)
    c.setLineWidth(1)
    c.bezier(MARGIN_X, 100, MARGIN_X + 40, 130, MARGIN_X + 80, 80, MARGIN_X + 130, 110)
    c.showPage()
    c.save()


# --- report.docx ------------------------------------------------------------------------------

DOCX_TITLE = "云海市文化旅游发展报告"
DOCX_AUTHOR = "云海市文化和旅游局"
DOCX_DATE = dt.datetime(2024, 3, 1, 0, 0, 0)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def write_report_docx(path):
    import docx

    d = docx.Document()
    props = d.core_properties
    props.title = DOCX_TITLE
    props.author = DOCX_AUTHOR
    props.last_modified_by = DOCX_AUTHOR
    props.created = DOCX_DATE
    props.modified = DOCX_DATE
    props.revision = 1
    props.subject = ""
    props.keywords = ""
    props.comments = ""
    props.category = ""

    d.add_heading("一、旅游市场", level=1)
    d.add_paragraph("2023年全市接待游客3260万人次，实现旅游收入298亿元。")
    d.add_paragraph("其中过夜游客达到1150万人次。")
    d.add_heading("二、重点项目", level=1)
    d.add_paragraph("云海古城保护工程总投资45亿元，计划2025年完工。")
    rows = [("景区", "游客（万人次）"), ("云海古城", "860"), ("白沙湾", "540")]
    table = d.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for col, text in enumerate(row):
            table.cell(r, col).text = text
    d.add_heading("（一）智慧旅游", level=2)
    d.add_paragraph("全市A级景区实现在线预约全覆盖。")

    # python-docx stamps every zip member with the current time; rewrite them with a fixed
    # one, keeping the members' order and contents.
    raw = io.BytesIO()
    d.save(raw)
    raw.seek(0)
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 0
            fixed.external_attr = 0
            dst.writestr(fixed, src.read(info.filename))


# --- news.html --------------------------------------------------------------------------------

NEWS_HTML = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>云海港吞吐量创新高_云海日报</title>
<meta name="keywords" content="云海港,吞吐量,集装箱">
<meta name="description" content="云海港2023年集装箱吞吐量达到215万标箱。">
<meta property="og:site_name" content="云海日报">
<meta property="og:title" content="云海港吞吐量创新高">
<meta property="og:type" content="article">
<meta property="article:published_time" content="2024-02-20T08:00:00+08:00">
<link rel="canonical" href="https://news.example.cn/2024/02/20/port.html">
<link rel="stylesheet" href="/static/css/main.css">
<style>
body { font-family: "Microsoft YaHei", sans-serif; margin: 0; color: #333; }
.header-bar { background: #0b4f8a; color: #fff; padding: 8px 16px; }
nav a { margin-right: 12px; color: #fff; text-decoration: none; }
.breadcrumb { font-size: 12px; color: #888; margin: 8px 16px; }
article { max-width: 720px; margin: 0 auto; line-height: 1.8; }
.byline { color: #999; font-size: 13px; }
.comments, .related-articles { max-width: 720px; margin: 24px auto; }
aside { float: right; width: 240px; }
footer { text-align: center; font-size: 12px; color: #aaa; }
</style>
<script>
var msg="脚本里的文字不应被引用";
window.dataLayer = window.dataLayer || [];
function track(ev) { window.dataLayer.push({event: ev, page: "云海港吞吐量创新高"}); }
document.addEventListener("DOMContentLoaded", function () { track("view"); });
</script>
</head>
<body>
<header class="header-bar">
<div class="logo"><a href="/">云海日报</a></div>
<nav>
<a href="/">首页</a>
<a href="/news/">新闻</a>
<a href="/sports/">体育</a>
<a href="/finance/">财经</a>
</nav>
</header>
<div class="breadcrumb">首页 &gt; 新闻 &gt; 本地</div>
<div class="main">
<article>
<h1>云海港吞吐量创新高</h1>
<p class="byline">2024-02-20 08:00 来源：云海日报</p>
<p>云海港2023年集装箱吞吐量达到215万标箱，同比增长9.4%。</p>
<p>港口货物吞吐量首次突破1亿吨。</p>
<h2>绿色港口</h2>
<p>港区岸电覆盖率提高到85%，全年减少碳排放3.2万吨。</p>
</article>
<div id="comments" class="comments"><h3>网友评论</h3><p>这个数据太假了，吞吐量其实只有100万标箱。</p></div>
<div class="related-articles"><h3>相关推荐</h3><ul><li><a href="/a">云海机场旅客吞吐量突破900万人次</a></li><li><a href="/b">云海地铁2号线开通</a></li></ul></div>
</div>
<aside class="sidebar">
<h3>热门排行</h3>
<ol>
<li><a href="/c">云海市发布春季旅游线路</a></li>
<li><a href="/d">白沙湾海滩下月开放</a></li>
</ol>
</aside>
<footer>版权所有 © 云海日报社 备案号12345</footer>
<script>
(function () { var s = document.createElement("script"); s.src = "/static/js/stat.js"; document.body.appendChild(s); })();
</script>
</body>
</html>
"""

# --- notes.md ---------------------------------------------------------------------------------

NOTES_MD = """# 云海市科技创新简报

## 研发投入

2023年全社会研发经费投入**18.6亿元**，占地区生产总值比重达到[3.6%](https://example.cn/rd)。

## 专利

- 全年授权发明专利1320件。
- 高新技术企业达到415家。
"""


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--font", default="/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                        help="TrueType font (.ttf or .ttc, first face) for the PDF text")
    parser.add_argument("--out", default=os.path.join(here, "..", "tests", "fixtures", "formats"),
                        help="output directory")
    args = parser.parse_args()

    if not os.path.isfile(args.font):
        sys.exit("font not found: %s (apt-get install fonts-wqy-zenhei, or pass --font)"
                 % args.font)
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    pdfmetrics.registerFont(TTFont(PDF_FONT, args.font, subfontIndex=0))

    out = os.path.normpath(args.out)
    os.makedirs(out, exist_ok=True)
    wrapped = write_report_pdf(os.path.join(out, "report.pdf"))
    write_scanned_pdf(os.path.join(out, "scanned.pdf"))
    write_report_docx(os.path.join(out, "report.docx"))
    write_text(os.path.join(out, "news.html"), NEWS_HTML)
    write_text(os.path.join(out, "notes.md"), NOTES_MD)

    for name in ("report.pdf", "scanned.pdf", "report.docx", "news.html", "notes.md"):
        print("%-12s %7d bytes" % (name, os.path.getsize(os.path.join(out, name))))
    for parts in wrapped:
        print("report.pdf: wrapped %s" % " / ".join(parts))
    if not wrapped:
        print("report.pdf: every body line fits the text width; none wrapped")


if __name__ == "__main__":
    main()
