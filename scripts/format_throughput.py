#!/usr/bin/env python3
"""Indexing throughput per document format: the same text as TXT, Markdown, HTML, DOCX and PDF,
each indexed from scratch by `quotebot index`, timed, and printed as a Markdown table.

The source text is corpus/*.txt (UTF-8, one paragraph a line). For every format in
txt, md, html, docx, pdf the script writes <scratch>/<format>/corpus/ with each source file
converted to that format and copied --copies times under distinct names
(c07_000_f9f094dc64e52354.pdf: copy 7 of 000_f9f094dc64e52354.txt), so every folder holds the
same text in a different container:

    txt   the file byte for byte.
    md    the first line as `# heading`, paragraphs apart by blank lines, a `## ` subheading
          every 5 paragraphs.
    html  a saved page: <head> with <title> and og:site_name, a <nav> of links, the text in
          <article> (<h1> title, a <p> a paragraph, an <h2> every 5 paragraphs), a comments
          div and a footer.
    docx  python-docx: Heading 1 for the first line, the paragraphs, a Heading 2 every 5.
    pdf   reportlab canvas, the TrueType font --font (first face of a .ttc), 12 pt on A4, text
          wrapped to the text width without adding or dropping characters, a new page when one
          is full, a running header line and a page number on every page.

A paragraph is a non-blank line of the source, stripped. A subheading (md, html, docx) comes
after every 5 paragraphs, at the first paragraph end that ends a sentence (the source has lines
cut mid-sentence, 全国第 / 三。, and a heading must not split one); it is the next paragraph
itself when that one is short and reads as a heading (2-20 characters, no sentence end, not
just digits), moved and not repeated, else the inserted text "第N部分". So md/html/docx hold
the text plus a few "第N部分" lines. The txt reader joins lines cut mid-sentence; the md, html
and docx readers take every paragraph as given, so those formats count somewhat more
(shorter) sentences than txt.

Then, for each format, it writes <scratch>/<format>/q.toml:

    corpus_dir = "<abs scratch>/<format>/corpus"
    index_dir = "<abs scratch>/<format>/index"

and runs, from the repository root, `/usr/bin/time -v target/release/quotebot --config q.toml
index` --runs times (default 3), the index folder deleted before every run so each run builds
from scratch. One untimed warm-up run (of the first format) comes first, so the first timed run
does not pay for reading the 300 MB binary from disk. Reported per format: the median wall time
(`Elapsed (wall clock)` of /usr/bin/time, i.e. the whole process: start-up, reading and
extracting the documents, analysis, indexing, commit), quotebot's own summary line (files,
paragraphs, sentences, skipped files, its internal build seconds, peak heap) and /usr/bin/time's
`Maximum resident set size` (median of the runs).

Units: MB = 10^6 bytes for "MB on disk" and "text MB" (the UTF-8 bytes of the source .txt files
times --copies, the same for every format); peak RSS in MiB (/usr/bin/time's KiB / 1024).
text MB/s = text MB / build s; files/s = files / build s.

How to run (from the repository root; needs target/release/quotebot already built):

    apt-get install -y fonts-wqy-zenhei
    python3 -m venv /tmp/fixvenv && /tmp/fixvenv/bin/pip install reportlab python-docx
    /tmp/fixvenv/bin/python scripts/format_throughput.py \\
        [--copies 40] [--runs 3] [--scratch /tmp/format-bench] [--formats txt,md,html,docx,pdf] \\
        [--font /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc] [--binary target/release/quotebot] \
        [--wait-idle MINUTES] [--no-warmup]

Keep the machine otherwise idle while it times: the script prints the load average, warns when
a cargo/rustc process runs at the start or after a run, and with --wait-idle waits (up to that
many minutes) for no cargo/rustc process to run for 30 s before it starts timing. The scratch folder is reused: each format folder is
deleted and rewritten on every run of the script.
"""

import argparse
import datetime as dt
import glob
import html
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, ".."))
sys.path.insert(0, HERE)

FORMATS = ["txt", "md", "html", "docx", "pdf"]
SECTION_EVERY = 5

PDF_FONT = "WQYZenHei"
PDF_HEADER = "大同市新闻与政务资料汇编"
PDF_MARGIN_X = 90.0
PDF_TOP = 100.0          # first body baseline below the page top
PDF_BOTTOM = 70.0        # lowest body baseline above the page bottom
PDF_SIZE = 12.0
PDF_LEADING = 20.0
PDF_PARAGRAPH_GAP = 8.0
PDF_HEADER_SIZE = 10.5
PDF_NUMBER_SIZE = 10.5

SUMMARY_RE = re.compile(
    r"indexed (\d+) files, (\d+) paragraphs, (\d+) sentences in ([\d.]+) s; "
    r"skipped (\d+) files; peak heap ([\d.]+) MB")
RSS_RE = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
WALL_RE = re.compile(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)")


# --- source text ------------------------------------------------------------------------------

class Source:
    def __init__(self, path):
        self.path = path
        self.stem = os.path.splitext(os.path.basename(path))[0]
        with open(path, "rb") as f:
            self.raw = f.read()
        text = self.raw.decode("utf-8-sig")
        self.paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
        self.title = self.paragraphs[0]
        self.body = self.paragraphs[1:]

    def sections(self):
        """The body as [(heading or None, [paragraphs])]: a new section after every
        SECTION_EVERY paragraphs (at the first paragraph end that ends a sentence), headed by
        the next paragraph when it reads as a heading (moved, not repeated), else by
        "第N部分"."""
        out = [(None, [])]
        rest = list(self.body)
        number = 1
        while rest:
            current = out[-1][1]
            if len(current) >= SECTION_EVERY and ends_sentence(current[-1]):
                number += 1
                if looks_like_heading(rest[0]):
                    out.append((rest.pop(0), []))
                else:
                    out.append(("第%d部分" % number, []))
                continue
            out[-1][1].append(rest.pop(0))
        return out


def ends_sentence(paragraph):
    """Whether a heading may follow this paragraph: the source has lines cut mid-sentence
    (全国第 / 三。), and a heading must not fall inside a sentence."""
    return bool(re.search(r"[。！？!?；;…”」』）)]$", paragraph)) or looks_like_heading(paragraph)


def looks_like_heading(paragraph):
    return (2 <= len(paragraph) <= 20 and not re.search(r"[。！？!?；;]", paragraph)
            and not paragraph.isdigit())


# --- writers ----------------------------------------------------------------------------------

def write_txt(src, path):
    with open(path, "wb") as f:
        f.write(src.raw)


def md_escape(paragraph):
    # A line that Markdown would read as a heading, list item, quote or ordered list stays text.
    if re.match(r"^(#|>|[-*+] |\d+[.)] )", paragraph):
        return "\\" + paragraph if not paragraph[0].isdigit() else \
            re.sub(r"^(\d+)([.)])", r"\1\\\2", paragraph)
    return paragraph


def write_md(src, path):
    parts = ["# " + src.title]
    for heading, paragraphs in src.sections():
        if heading is not None:
            parts.append("## " + heading)
        parts.extend(md_escape(p) for p in paragraphs)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n\n".join(parts) + "\n")


def write_html(src, path):
    e = html.escape
    lines = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        "<title>%s_大同新闻网</title>" % e(src.title),
        '<meta property="og:site_name" content="大同新闻网">',
        '<meta property="og:title" content="%s">' % e(src.title),
        "<style>body { font-family: sans-serif; } nav a { margin-right: 12px; }</style>",
        "</head>",
        "<body>",
        "<header>",
        "<nav>",
        '<a href="/">首页</a>',
        '<a href="/news/">新闻</a>',
        '<a href="/gov/">政务</a>',
        '<a href="/economy/">经济</a>',
        '<a href="/culture/">文化</a>',
        "</nav>",
        "</header>",
        "<article>",
        "<h1>%s</h1>" % e(src.title),
    ]
    for heading, paragraphs in src.sections():
        if heading is not None:
            lines.append("<h2>%s</h2>" % e(heading))
        lines.extend("<p>%s</p>" % e(p) for p in paragraphs)
    lines += [
        "</article>",
        '<div id="comments" class="comments"><h3>网友评论</h3>'
        "<p>写得很好，为家乡点赞！</p><p>希望多报道一些区县的情况。</p></div>",
        "<footer>版权所有 © 大同新闻网 备案号00000000</footer>",
        "</body>",
        "</html>",
    ]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


def write_docx(src, path):
    import docx

    d = docx.Document()
    d.core_properties.title = src.title
    d.add_heading(src.title, level=1)
    for heading, paragraphs in src.sections():
        if heading is not None:
            d.add_heading(heading, level=2)
        for p in paragraphs:
            d.add_paragraph(p)
    d.save(path)


def wrap(text, width):
    """make_format_fixtures.wrap_line (breaks never inside an ASCII word nor before closing
    punctuation), with a hard cut at the last character that fits when no such break exists
    (a long URL or digit run). Never adds or drops a character."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from make_format_fixtures import wrap_line

    try:
        return wrap_line(text, width, PDF_FONT, PDF_SIZE)
    except ValueError:
        pass
    lines, rest = [], text
    while stringWidth(rest, PDF_FONT, PDF_SIZE) > width:
        cut = 1
        while cut < len(rest) and stringWidth(rest[:cut + 1], PDF_FONT, PDF_SIZE) <= width:
            cut += 1
        lines.append(rest[:cut])
        rest = rest[cut:]
    lines.append(rest)
    assert "".join(lines) == text
    return lines


def write_pdf(src, path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    page_w, page_h = A4
    text_w = page_w - 2 * PDF_MARGIN_X
    c = canvas.Canvas(path, pagesize=A4, invariant=1, initialFontName=PDF_FONT,
                      initialFontSize=PDF_SIZE)
    c.setTitle(src.title)
    c.setCreator("format_throughput.py")
    state = {"page": 0, "y": 0.0}

    def new_page():
        if state["page"]:
            c.showPage()
        state["page"] += 1
        c.setFont(PDF_FONT, PDF_HEADER_SIZE)
        c.drawCentredString(page_w / 2, page_h - 50, PDF_HEADER)
        c.setLineWidth(0.5)
        c.line(PDF_MARGIN_X, page_h - 56, page_w - PDF_MARGIN_X, page_h - 56)
        c.setFont(PDF_FONT, PDF_NUMBER_SIZE)
        c.drawCentredString(page_w / 2, 40, str(state["page"]))
        c.setFont(PDF_FONT, PDF_SIZE)
        state["y"] = page_h - PDF_TOP

    new_page()
    for paragraph in src.paragraphs:
        for line in wrap(paragraph, text_w):
            if state["y"] < PDF_BOTTOM:
                new_page()
            c.drawString(PDF_MARGIN_X, state["y"], line)
            state["y"] -= PDF_LEADING
        state["y"] -= PDF_PARAGRAPH_GAP
    c.showPage()
    c.save()
    return state["page"]


WRITERS = {"txt": write_txt, "md": write_md, "html": write_html, "docx": write_docx,
           "pdf": write_pdf}


def build_corpus(fmt, sources, corpus_dir, copies):
    """One converted file per source, then copies-1 byte copies of it under other names."""
    os.makedirs(corpus_dir)
    total = 0
    for src in sources:
        first = os.path.join(corpus_dir, "c00_%s.%s" % (src.stem, fmt))
        WRITERS[fmt](src, first)
        for k in range(1, copies):
            shutil.copyfile(first, os.path.join(corpus_dir, "c%02d_%s.%s" % (k, src.stem, fmt)))
        total += os.path.getsize(first) * copies
    return total


# --- timing -----------------------------------------------------------------------------------

def busy_processes():
    """cargo/rustc processes running now (to warn that timings would be disturbed)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/comm" % pid) as f:
                comm = f.read().strip()
        except OSError:
            continue
        if comm in ("cargo", "rustc", "cc", "ld", "rust-lld") or comm.startswith("rustc"):
            found.append("%s(%s)" % (comm, pid))
    return found


def wait_until_idle(minutes):
    deadline = time.monotonic() + minutes * 60
    quiet_since = None
    while time.monotonic() < deadline:
        if busy_processes():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 30:
            return True
        time.sleep(2)
    print("WARNING: still not idle after %.0f min; timing anyway" % minutes, file=sys.stderr)
    return False


def wait_for_binary(binary):
    for attempt in range(30):
        if os.path.isfile(binary) and os.access(binary, os.X_OK):
            size = os.path.getsize(binary)
            time.sleep(2)
            if os.path.getsize(binary) == size:
                return
        print("waiting for %s (missing or being written)..." % binary, file=sys.stderr)
        time.sleep(60)
    sys.exit("%s not available" % binary)


def run_index(binary, config):
    cmd = ["/usr/bin/time", "-v", binary, "--config", config, "index"]
    p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("failed (%d): %s\n%s\n%s" % (p.returncode, shlex.join(cmd), p.stdout,
                                              p.stderr[-3000:]))
    m = SUMMARY_RE.search(p.stdout)
    if not m:
        sys.exit("no summary line in the output of %s:\n%s" % (shlex.join(cmd), p.stdout))
    rss = RSS_RE.search(p.stderr)
    wall = WALL_RE.search(p.stderr)
    h, mnt, s = wall.groups()
    return {
        "files": int(m.group(1)), "paragraphs": int(m.group(2)), "sentences": int(m.group(3)),
        "internal_s": float(m.group(4)), "skipped": int(m.group(5)),
        "heap_mb": float(m.group(6)),
        "wall_s": int(h or 0) * 3600 + int(mnt) * 60 + float(s),
        "rss_mib": int(rss.group(1)) / 1024,
        "skipped_lines": [l.strip() for l in p.stdout.splitlines() if l.strip().startswith("skipped ")],
        "warnings": [l for l in p.stderr.splitlines() if "WARN" in l or "ERROR" in l][:5],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scratch", default="/tmp/format-bench")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--font", default="/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
    parser.add_argument("--binary", default="target/release/quotebot",
                        help="relative to the repository root, or absolute")
    parser.add_argument("--no-warmup", action="store_true")
    parser.add_argument("--wait-idle", type=float, default=0, metavar="MINUTES",
                        help="before timing, wait up to MINUTES for no cargo/rustc process to "
                             "run for 30 s in a row (0: do not wait, only warn)")
    args = parser.parse_args()

    command = shlex.join([sys.executable] + sys.argv)
    started = dt.datetime.now(dt.timezone.utc)
    formats = [f for f in args.formats.split(",") if f]
    for f in formats:
        if f not in WRITERS:
            sys.exit("unknown format %r (known: %s)" % (f, ", ".join(FORMATS)))
    scratch = os.path.abspath(args.scratch)
    binary = args.binary if os.path.isabs(args.binary) else os.path.join(REPO, args.binary)

    if "pdf" in formats:
        if not os.path.isfile(args.font):
            sys.exit("font not found: %s (apt-get install fonts-wqy-zenhei, or pass --font)"
                     % args.font)
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        pdfmetrics.registerFont(TTFont(PDF_FONT, args.font, subfontIndex=0))

    sources = [Source(p) for p in sorted(glob.glob(os.path.join(REPO, "corpus", "*.txt")))]
    if not sources:
        sys.exit("no corpus/*.txt")
    text_bytes = sum(len(s.raw) for s in sources) * args.copies

    configs = {}
    disk = {}
    for fmt in formats:
        base = os.path.join(scratch, fmt)
        if os.path.exists(base):
            shutil.rmtree(base)
        corpus_dir = os.path.join(base, "corpus")
        t0 = time.monotonic()
        disk[fmt] = build_corpus(fmt, sources, corpus_dir, args.copies)
        config = os.path.join(base, "q.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write('corpus_dir = "%s"\nindex_dir = "%s"\n'
                    % (corpus_dir, os.path.join(base, "index")))
        configs[fmt] = config
        print("wrote %-4s %4d files, %.2f MB in %.1f s: %s"
              % (fmt, len(sources) * args.copies, disk[fmt] / 1e6, time.monotonic() - t0,
                 corpus_dir), file=sys.stderr)

    if args.wait_idle:
        wait_until_idle(args.wait_idle)
    wait_for_binary(binary)
    binary_stat = os.stat(binary)
    busy = busy_processes()
    if busy:
        print("WARNING: build processes running while timing: %s" % " ".join(busy[:8]),
              file=sys.stderr)
    load_before = os.getloadavg()

    if not args.no_warmup:
        shutil.rmtree(os.path.join(scratch, formats[0], "index"), ignore_errors=True)
        run_index(binary, configs[formats[0]])

    results = {}
    for fmt in formats:
        runs = []
        for i in range(args.runs):
            shutil.rmtree(os.path.join(scratch, fmt, "index"), ignore_errors=True)
            r = run_index(binary, configs[fmt])
            r["busy"] = busy_processes()
            print("%-4s run %d: wall %.2f s (quotebot %.2f s), %d sentences, RSS %.0f MiB%s"
                  % (fmt, i + 1, r["wall_s"], r["internal_s"], r["sentences"], r["rss_mib"],
                     "  [cargo/rustc running]" if r["busy"] else ""), file=sys.stderr)
            runs.append(r)
        results[fmt] = runs
    busy_after = sorted({p for runs in results.values() for r in runs for p in r["busy"]})
    load_after = os.getloadavg()
    after_stat = os.stat(binary)

    print()
    print("Indexing throughput per format (%d source files x %d copies; median of %d runs, "
          "index deleted before each)" % (len(sources), args.copies, args.runs))
    print()
    print("| format | files | MB on disk | text MB | sentences | skipped | build s | "
          "text MB/s | files/s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for fmt in formats:
        runs = results[fmt]
        wall = statistics.median(r["wall_s"] for r in runs)
        rss = statistics.median(r["rss_mib"] for r in runs)
        last = runs[-1]
        print("| %s | %d | %.2f | %.2f | %d | %d | %.2f | %.2f | %.0f | %.0f |"
              % (fmt, last["files"], disk[fmt] / 1e6, text_bytes / 1e6, last["sentences"],
                 last["skipped"], wall, text_bytes / 1e6 / wall, last["files"] / wall, rss))
    print()
    print("build s: median wall time of the whole `quotebot index` process (/usr/bin/time); "
          "peak RSS: median of the runs' maximum resident set size, MiB.")
    print()
    ref = results.get("txt", results[formats[0]])[-1]
    print("Per format, quotebot's own figures (last run) and the spread of the runs:")
    for fmt in formats:
        runs = results[fmt]
        last = runs[-1]
        ratio = last["sentences"] / ref["sentences"] if ref["sentences"] else float("nan")
        print("  %-4s paragraphs %d, sentences %d (%.3f x txt), quotebot build s %s, wall s %s, "
              "peak heap %.0f MB"
              % (fmt, last["paragraphs"], last["sentences"], ratio,
                 " ".join("%.2f" % r["internal_s"] for r in runs),
                 " ".join("%.2f" % r["wall_s"] for r in runs), last["heap_mb"]))
        if abs(ratio - 1) > 0.10:
            print("       ^ sentence count differs from txt by %+.0f %%" % ((ratio - 1) * 100))
        if len({r["sentences"] for r in runs}) > 1:
            print("       ^ sentence count differs between runs: %s"
                  % [r["sentences"] for r in runs])
        for line in last["skipped_lines"][:5]:
            print("       %s" % line)
        for line in last["warnings"][:3]:
            print("       stderr: %s" % line[:200])
    print()
    print("Command: %s" % command)
    print("Working directory of quotebot: %s; binary %s (%.0f MB, modified %s UTC)"
          % (REPO, binary, binary_stat.st_size / 1e6,
             dt.datetime.fromtimestamp(binary_stat.st_mtime, dt.timezone.utc)
             .strftime("%Y-%m-%d %H:%M:%S")))
    print("Started %s UTC, finished %s UTC; load average before %.2f/%.2f/%.2f, after "
          "%.2f/%.2f/%.2f on %d CPUs"
          % (started.strftime("%Y-%m-%d %H:%M:%S"),
             dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
             *load_before, *load_after, os.cpu_count()))
    if busy or busy_after:
        print("WARNING: cargo/rustc were running during the timing (at the start: %s; after "
              "some runs: %s)" % (" ".join(busy[:5]) or "-", " ".join(busy_after[:5]) or "-"))
    if (after_stat.st_mtime, after_stat.st_size) != (binary_stat.st_mtime, binary_stat.st_size):
        print("WARNING: %s changed while the script ran" % binary)


if __name__ == "__main__":
    main()
