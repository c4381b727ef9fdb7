#!/usr/bin/env python3
# noisetop report: a tiny real sweep (two scales, two seeds, two
# corruption families, a run name with markup in it), its report folder,
# report.html parsed with python3's html.parser (nesting, no script, no
# network resource, escaped text) and its tables checked number by number
# against summary.csv and matrix.csv, README.md's links and images all
# resolving, a second report beside the first, and the errors: a missing
# run, a directory that is no run, an --out that cannot be made or already
# has files (and --force), rm of a run with its reports.
import csv
import html.parser
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

NT = os.path.realpath(os.environ.get("NOISETOP", "./noisetop"))
n = 0


def ok(cond, name, diag=None):
    global n
    n += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, name))
    if not cond and diag:
        for line in str(diag).splitlines()[-12:]:
            print("# " + line)
    return cond


tmp = tempfile.mkdtemp(prefix="report-t.")
env = dict(os.environ, HOME=tmp, NOISETOP_DATA="", XDG_CACHE_HOME="",
           XDG_DATA_HOME=os.path.join(tmp, "data"))
runs = os.path.join(tmp, "runs")


def nt(*args):
    p = subprocess.run([NT] + list(args), cwd=tmp, env=env,
                       capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


RUN = "tiny<b>&x"
rc, out, err = nt("sweep", "--train-limit", "300", "--test-limit", "100",
                  "--hidden", "16", "--epochs", "1", "--seeds", "2",
                  "--scales", "0,0.5", "--corruption", "gaussian,impulse",
                  "--run-id", RUN, "--runs", runs, "--no-progress")
ok(rc == 0, "a tiny sweep (2 scales, 2 seeds, 2 families) trains", err)
rundir = os.path.join(runs, RUN)

rc, out, err = nt("report", "--runs", runs, RUN)
rep = os.path.join(rundir, "report")
ok(rc == 0 and rep in out and err == "",
   "noisetop report RUN writes RUN/report and says where", out + err)
want = ["README.md", "report.html", "scales.svg", "epochs-gaussian.svg",
        "epochs-impulse.svg", "matrix-gaussian.svg", "matrix-impulse.svg",
        "summary.csv", "matrix.csv"]
have = sorted(os.listdir(rep)) if os.path.isdir(rep) else []
ok(sorted(want) == have, "the folder holds the two pages, 5 figures and "
   "the 2 CSV files", "have: %s" % have)
for f in ("summary.csv", "matrix.csv"):
    ok(os.path.exists(os.path.join(rep, f)) and
       open(os.path.join(rep, f), "rb").read() ==
       open(os.path.join(rundir, f), "rb").read(),
       "%s is the run's own, copied" % f)


# ---- report.html, parsed
class Page(html.parser.HTMLParser):
    VOID = {"meta", "br", "img", "hr", "link", "input", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.tags = [], [], {}
        self.doctype, self.refs, self.ids, self.events = None, [], [], []
        self.tables, self.title, self.meta_charset = [], "", False
        self.lang = None
        self.cell = None
        self.svgs = 0

    def handle_decl(self, decl):
        self.doctype = decl

    def _attrs(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for k, v in attrs:
            if k in ("src", "href", "xlink:href", "action", "data",
                     "poster", "srcset"):
                self.refs.append((tag, k, v or ""))
            if k == "id":
                self.ids.append(v)
            if k.startswith("on"):
                self.events.append((tag, k))
            if k == "style" and v and "url(" in v:
                self.refs.append((tag, "style", v))
        if tag == "meta" and ("charset", "utf-8") in attrs:
            self.meta_charset = True
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag == "svg":
            self.svgs += 1
        if tag == "table":
            self.tables.append({"class": dict(attrs).get("class"),
                                "rows": []})
        if tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        if tag in ("td", "th"):
            self.cell = ""

    def handle_starttag(self, tag, attrs):
        self._attrs(tag, attrs)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self._attrs(tag, attrs)   # <rect/> in SVG: no end tag to wait for

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.tables and self.cell is not None:
            self.tables[-1]["rows"][-1].append(self.cell.strip())
            self.cell = None
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s>" %
                               (tag, self.stack[-1] if self.stack else ""))
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        if self.stack and self.stack[-1] == "title" and \
                "svg" not in self.stack:
            self.title += data


page = Page()
text = open(os.path.join(rep, "report.html"), encoding="utf-8").read()
page.feed(text)
page.close()
ok(page.doctype is not None and page.doctype.lower() == "doctype html" and
   text.startswith("<!DOCTYPE html>"), "report.html is HTML5 (<!DOCTYPE "
   "html> first)")
ok(not page.errors and not page.stack, "every element is closed in order",
   "\n".join(page.errors[:5]) + " open: %s" % page.stack)
ok(page.lang == "en" and page.meta_charset and page.tags.get("main") == 1 and
   page.tags.get("title", 0) >= 1, "it has lang, meta charset, one <main> "
   "and a title")
ok(len(page.ids) == len(set(page.ids)),
   "no id twice, the two heat maps' gradients included",
   sorted(i for i in page.ids if page.ids.count(i) > 1))
ok("script" not in page.tags and not page.events and
   "<script" not in text.lower(), "no <script> and no on* handler")
net = [r for r in page.refs
       if re.match(r"\s*(https?:|//|ftp:)", r[2], re.I) or
       (r[1] == "style")]
ok(page.refs and not net, "no src or href fetches anything from a network "
   "(%d references, all in the folder)" % len(page.refs), net)
broken = [r for r in page.refs if r[2].startswith("#") is False and
          not os.path.exists(os.path.join(rep, r[2]))]
ok(not broken, "every href in report.html names a file of the folder",
   broken)
ok(page.svgs == 5 and "<?xml" not in text,
   "the 5 figures are inline SVG, without their XML declarations")
ok(RUN in page.title and "<b>" not in text and "tiny&lt;b&gt;&amp;x" in text,
   "the run's name '%s' is escaped text, not markup" % RUN, page.title)


def num_pm(s):
    """'0.1200 ± 0.0141' or '0.1200' into (mean, sd or None)."""
    m = re.fullmatch(r"(-?[0-9.]+)(?: ± (-?[0-9.]+))?", s)
    if not m:
        return None
    return float(m.group(1)), (float(m.group(2)) if m.group(2) else None)


def close(a, b):
    return abs(a - b) <= 0.5e-4 + 1e-9


summary = list(csv.DictReader(
    l for l in open(os.path.join(rundir, "summary.csv")) if l[0] != "#"))
tabs = [t for t in page.tables if t["class"] == "summary"]
bad = []
if len(tabs) == 1:
    head, rows = tabs[0]["rows"][0], tabs[0]["rows"][1:]
    if len(rows) != len(summary):
        bad.append("%d rows, summary.csv %d" % (len(rows), len(summary)))
    for row, s in zip(rows, summary):
        for h, cell in zip(head, row):
            if h + "_mean" in s:
                v = num_pm(cell)
                if v is None or not close(v[0], float(s[h + "_mean"])) or \
                        v[1] is None or not close(v[1], float(s[h + "_sd"])):
                    bad.append("%s: %s, csv %s +- %s" % (h, cell,
                               s[h + "_mean"], s[h + "_sd"]))
            elif h not in s or s[h] != cell:
                bad.append("%s: '%s', csv '%s'" % (h, cell, s.get(h)))
    # every plain column and every metric of the CSV has its column
    for k in summary[0]:
        base = re.sub(r"_(mean|sd|min|max)$", "", k)
        if base not in head:
            bad.append("no column for %s" % k)
ok(len(tabs) == 1 and not bad and len(summary) == 4,
   "the summary table is summary.csv, every mean ± sd to 4 decimals "
   "(%d rows)" % len(summary), "\n".join(bad[:10]))

cells = {}
for r in csv.DictReader(l for l in open(os.path.join(rundir, "matrix.csv"))
                        if l[0] != "#"):
    key = (r["corruption"], r["train_scale"], r["test_scale"])
    cells.setdefault(key, []).append(float(r["test_accuracy"]))
mats = [t for t in page.tables if t["class"] == "matrix"]
bad, checked = [], 0
fams = ["gaussian", "impulse"]
for fam, t in zip(fams, mats):
    cols = t["rows"][0][1:]
    for row in t["rows"][1:]:
        for ts, cell in zip(cols, row[1:]):
            v = cells.get((fam, row[0], ts))
            got = num_pm(cell)
            if not v or got is None:
                bad.append("%s %s %s: %s" % (fam, row[0], ts, cell))
                continue
            m = sum(v) / len(v)
            sd = math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1))
            if not close(got[0], m) or got[1] is None or \
                    not close(got[1], sd):
                bad.append("%s %s %s: %s, csv %.6f +- %.6f" %
                           (fam, row[0], ts, cell, m, sd))
            checked += 1
ok(len(mats) == 2 and checked == len(cells) == 8 and not bad,
   "each family's train x test matrix is matrix.csv's mean ± sd over "
   "seeds (%d cells)" % checked, "\n".join(bad[:10]))

# ---- README.md
md = open(os.path.join(rep, "README.md"), encoding="utf-8").read()
links = re.findall(r"!?\[[^\]]*\]\(([^)\s]+)\)", md)
links += re.findall(r"<(?:img|a)\b[^>]*(?:src|href)=\"([^\"]+)\"", md)
bad = [l for l in links
       if re.match(r"[a-z]+:", l, re.I) or l.startswith("/") or
       not os.path.exists(os.path.join(rep, l.split("#")[0]))]
imgs = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", md)
ok(links and not bad and len(imgs) == 5,
   "every link and image of README.md (%d, 5 images) names a file of the "
   "folder" % len(links), bad)
conf = dict(l.split(" = ", 1) for l in
            open(os.path.join(rundir, "config.txt")).read().splitlines()
            if " = " in l)
facts = ["--run-id 'tiny<b>&x'", conf["version"], conf["data_crc"],
         "**Machine**", "GEMM ", "OpenMP thread", "**Training time**",
         "**Wall clock**"]
ok(all(f in md for f in facts) and "tiny\\<b\\>\\&x" in md,
   "README.md says what was run: command, version, data checksum, "
   "machine, kernel, threads, time; markup in names escaped",
   [f for f in facts if f not in md])
mdrows = [l for l in md.splitlines() if l.startswith("| gaussian |") or
          l.startswith("| impulse |")]
ok(len(mdrows) == 4 and "±" in mdrows[0],
   "README.md's summary table has the 4 rows, mean ± sd", mdrows)
ok("## Train × test matrix" in md and md.count("| train \\\\ test |") == 2,
   "README.md has the two matrices")

# ---- a second report: a new folder, the first untouched
before = open(os.path.join(rep, "README.md"), "rb").read()
rc, out, err = nt("report", "--runs", runs, RUN)
ok(rc == 0 and os.path.isfile(os.path.join(rundir, "report-2",
   "report.html")) and os.path.join(rundir, "report-2") in out and
   open(os.path.join(rep, "README.md"), "rb").read() == before,
   "a second report goes to report-2; report/ is left as it was",
   out + err)

# ---- --out
o = os.path.join(tmp, "share")
rc, out, err = nt("report", "--runs", runs, RUN, "--out", o)
ok(rc == 0 and os.path.isfile(os.path.join(o, "README.md")) and o in out,
   "--out DIR writes the folder there", err)
rc, out, err = nt("report", "--runs", runs, RUN, "--out", o)
ok(rc == 1 and o in err and len(err.splitlines()) == 1 and
   "not empty" in err, "--out of a folder with files in it: refused, "
   "one line naming it, exit 1", err)
open(os.path.join(o, "mine.txt"), "w").write("keep")
os.unlink(os.path.join(o, "scales.svg"))
rc, out, err = nt("report", "--runs", runs, RUN, "--out", o, "--force")
ok(rc == 0 and os.path.isfile(os.path.join(o, "scales.svg")) and
   open(os.path.join(o, "mine.txt")).read() == "keep",
   "--force writes the report's files and leaves the others", err)

# ---- errors: one line naming the path, exit 1
for args, what, name in (
        (["nosuch"], "a run that does not exist", "nosuch"),
        ([tmp], "a directory that is no run", tmp),
        ([RUN, "--out", os.path.join(tmp, "no", "such", "dir")],
         "an --out whose parent is missing",
         os.path.join(tmp, "no", "such", "dir")),
        ([RUN, "--out", os.path.join(rundir, "config.txt")],
         "an --out that is a file", os.path.join(rundir, "config.txt"))):
    rc, out, err = nt("report", "--runs", runs, *args)
    ok(rc == 1 and len(err.splitlines()) == 1 and name in err and
       out == "", "%s: one line naming it, exit 1" % what, err)
if os.geteuid() != 0:
    ro = os.path.join(tmp, "ro")
    os.mkdir(ro, 0o555)
    rc, out, err = nt("report", "--runs", runs, RUN, "--out",
                      os.path.join(ro, "x"))
    ok(rc == 1 and len(err.splitlines()) == 1 and ro in err,
       "an --out in a read-only directory: one line naming it, exit 1", err)
    os.chmod(ro, 0o755)
else:
    n += 1
    print("ok %d # SKIP root writes into read-only directories" % n)

# ---- a run without a recorded command (the dashboard's): the command
# rebuilt from config.txt, which trains the same run again, bit for bit
orig = os.path.join(rundir, "origin.txt")
text = open(orig).read()
open(orig, "w").write(re.sub(r"(?m)^command = .*$", "command = ", text))
o2 = os.path.join(tmp, "rebuilt")
rc, out, err = nt("report", "--runs", runs, RUN, "--out", o2)
md2 = open(os.path.join(o2, "README.md")).read() if rc == 0 else ""
m = re.search(r"(?ms)^Command \(rebuilt[^\n]*\n\n```\n(noisetop [^\n]*)\n```", md2)
same = False
if m:
    words = m.group(1).split()[1:]
    rc2, out2, err2 = nt(*(words + ["--runs", os.path.join(tmp, "again"),
                                    "--no-progress"]))
    again = [os.path.join(tmp, "again", d)
             for d in os.listdir(os.path.join(tmp, "again"))] \
        if rc2 == 0 else []
    same = len(again) == 1 and all(
        open(os.path.join(rundir, f), "rb").read() ==
        open(os.path.join(again[0], f), "rb").read()
        for f in ("summary.csv", "matrix.csv"))
ok(m and same, "without a recorded command the report rebuilds one from "
   "config.txt, and it trains the same summary.csv and matrix.csv",
   m.group(1) if m else md2[:400])
open(orig, "w").write(text)

# ---- rm takes the run with its report folders
rc, out, err = nt("rm", "--runs", runs, RUN)
ok(rc == 0 and not os.path.exists(rundir),
   "rm removes the run with its report and report-2 folders", err)

print("1..%d" % n)
shutil.rmtree(tmp, ignore_errors=True)
