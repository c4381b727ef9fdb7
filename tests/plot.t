#!/bin/sh
# The SVG figures parse as XML and draw: test_figure writes them, python3's
# XML parser (and xmllint when present) reads each, and rsvg-convert renders
# each to a PNG that must have the SVG's size and not be blank.  Only the
# rendering is skipped, and only when rsvg-convert is missing (Debian:
# apt-get install librsvg2-bin).
cd "$(dirname "$0")/.." || exit 1
BIN=${B:-build}/tests/test_figure
FIGS="sweep-readme sweep-seeds epochs matrix sensitivity reliability fields"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "1..39"
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }

# noisetop plot on a run of its own: a tiny two-seed sweep on the
# synthetic digits, drawn as each of its three figures.
NT=$(realpath "${NOISETOP:-./noisetop}")
if (cd "$tmp" && HOME=$tmp NOISETOP_DATA= XDG_CACHE_HOME= "$NT" sweep \
    --train-limit 600 --test-limit 200 --hidden 32 --epochs 2 \
    --scales 0,1 --seeds 2 --runs "$tmp/runs" --no-progress \
    >"$tmp/run.log" 2>&1) &&
    "$NT" plot --runs "$tmp/runs" --svg "$tmp/run-scales.svg" >/dev/null &&
    "$NT" plot --runs "$tmp/runs" --figure epochs \
    --svg "$tmp/run-epochs.svg" >/dev/null &&
    "$NT" plot --runs "$tmp/runs" --figure matrix \
    --svg "$tmp/run-matrix.svg" >"$tmp/plot.log" 2>&1; then
	ok "noisetop plot writes the three figures of a run"
	FIGS="$FIGS run-scales run-epochs run-matrix"
else
	nok "noisetop plot writes the three figures of a run"
	sed 's/^/# /' "$tmp/run.log" "$tmp/plot.log" 2>/dev/null | tail -10
fi
if grep -q "mean ± sd, 2 seeds" "$tmp/run-scales.svg" 2>/dev/null; then
	ok "the run's scales figure has error bars over its 2 seeds"
else
	nok "the run's scales figure has error bars over its 2 seeds"
fi

# The probes' figures: a tiny probed sweep (two decays, two seeds, scales
# 0 and 0.5), and the run above, which has no probes.
if (cd "$tmp" && HOME=$tmp NOISETOP_DATA= XDG_CACHE_HOME= "$NT" sweep \
    --train-limit 300 --test-limit 100 --hidden 32 --epochs 1 \
    --scales 0,0.5 --seeds 2 --weight-decay 0,1e-3 --probes \
    --runs "$tmp/probed" --no-progress >"$tmp/probed.log" 2>&1) &&
    "$NT" plot --runs "$tmp/probed" --figure sensitivity \
    --svg "$tmp/run-sensitivity.svg" >"$tmp/plot.log" 2>&1; then
	ok "noisetop plot draws a probed run's sensitivity figure"
	FIGS="$FIGS run-sensitivity"
else
	nok "noisetop plot draws a probed run's sensitivity figure"
	sed 's/^/# /' "$tmp/probed.log" "$tmp/plot.log" 2>/dev/null | tail -10
fi
# Calibration: the default row (the first done row of scale 0.5, row 2)
# at its own scale, whose ECE the sweep recorded in row-2.txt; then row 0
# at test scale 0.5.
if "$NT" plot --runs "$tmp/probed" --figure calibration \
    --svg "$tmp/run-calibration.svg" >"$tmp/plot.log" 2>&1 &&
    "$NT" plot --runs "$tmp/probed" --figure calibration --row 0 \
    --test-scale 0.5 --svg "$tmp/run-calibration0.svg" >>"$tmp/plot.log" \
    2>&1 && python3 - "$tmp/run-calibration.svg" "$tmp"/probed/*/row-2.txt \
    >>"$tmp/plot.log" 2>&1 <<'EOF'
import re, sys, xml.dom.minidom
svg = xml.dom.minidom.parse(sys.argv[1]).documentElement
title = svg.getElementsByTagName("title")[0].firstChild.data
ece = float(re.search(r"ECE ([0-9.]+)", title).group(1))
row = dict(l.split(" = ", 1) for l in open(sys.argv[2]).read().splitlines()
           if " = " in l)
want = float(row["test_ece"].split(",")[1])
assert abs(ece - want) < 1e-4, (ece, want)
bars = [r for r in svg.getElementsByTagName("rect")
        if r.getAttribute("class") == "bar"]
assert 1 <= len(bars) <= 15, len(bars)
EOF
then
	ok "calibration: row 2's reliability diagram has the ECE the sweep recorded"
	FIGS="$FIGS run-calibration run-calibration0"
else
	nok "calibration: row 2's reliability diagram has the ECE the sweep recorded"
	sed 's/^/# /' "$tmp/plot.log" | tail -10
fi
# Weights: row 2 (scale 0.5) beside row 0, its clean twin (same seed and
# decay); row 0 itself has no clean twin but itself: one set.
if "$NT" plot --runs "$tmp/probed" --figure weights \
    --svg "$tmp/run-weights.svg" >"$tmp/plot.log" 2>&1 &&
    "$NT" plot --runs "$tmp/probed" --figure weights --row 0 \
    --svg "$tmp/run-weights0.svg" >>"$tmp/plot.log" 2>&1 &&
    "$NT" plot --runs "$tmp/probed" --figure weights --from-init \
    --svg "$tmp/run-weights-init.svg" >>"$tmp/plot.log" 2>&1 &&
    grep -q "<title>First-layer receptive fields: the change from" \
    "$tmp/run-weights-init.svg" &&
    python3 - "$tmp/run-weights.svg" "$tmp/run-weights0.svg" \
    >>"$tmp/plot.log" 2>&1 <<'EOF'
import sys, xml.dom.minidom
for path, sets in zip(sys.argv[1:], (2, 1)):
    svg = xml.dom.minidom.parse(path).documentElement
    fields = [r for r in svg.getElementsByTagName("rect")
              if r.getAttribute("class") == "field"]
    assert len(fields) == 16 * sets, (path, len(fields))
    texts = [t.firstChild.data for t in svg.getElementsByTagName("text")
             if t.firstChild]
    assert sum(t.startswith("unit ") for t in texts) == 16 * sets
    assert any(t.startswith("row 0: gaussian scale 0,") for t in texts)
    if sets == 2:
        assert any(t.startswith("row 2: gaussian scale 0.5,")
                   for t in texts)
        units = [t for t in texts if t.startswith("unit ")]
        assert units[:16] == units[16:], "the same units side by side"
EOF
then
	ok "weights: row 2's 16 fields beside its clean twin's, row 0 alone"
	FIGS="$FIGS run-weights run-weights-init"
else
	nok "weights: row 2's 16 fields beside its clean twin's, row 0 alone"
	sed 's/^/# /' "$tmp/plot.log" | tail -10
fi
if ! "$NT" plot --runs "$tmp/runs" --figure sensitivity \
    --svg "$tmp/none.svg" >"$tmp/none.log" 2>&1 &&
    grep -q "^noisetop: run .* has no probes: sweep with --probes$" \
    "$tmp/none.log" && [ ! -e "$tmp/none.svg" ]; then
	ok "a run without probes: a one-line error, no figure"
else
	nok "a run without probes: a one-line error, no figure"
	sed 's/^/# /' "$tmp/none.log"
fi

if [ -x "$BIN" ] && NOISETOP_PLOT_DIR=$tmp "$BIN" >"$tmp/log" 2>&1; then
	ok "test_figure wrote the figures"
else
	nok "test_figure wrote the figures ($BIN missing or failed)"
	sed 's/^/# /' "$tmp/log" 2>/dev/null | grep -v '^# ok' | tail -20
fi

# docs/sweep-example.svg is this figure: regenerate it after changing plot.c
# (NOISETOP_PLOT_DIR=docs/x build/tests/test_plot, then copy
# sweep-readme.svg; rsvg-convert it to docs/sweep-example.png).
if cmp -s docs/sweep-example.svg "$tmp/sweep-readme.svg"; then
	ok "docs/sweep-example.svg is up to date"
else
	nok "docs/sweep-example.svg differs from test_plot's sweep-readme.svg"
fi

# XML: a well-formed document whose root is an SVG element with its
# namespace, a size and a matching viewBox, and some text in it.
for f in $FIGS; do
	if out=$(python3 - "$tmp/$f.svg" 2>&1 <<'EOF'
import sys, xml.dom.minidom
doc = xml.dom.minidom.parse(sys.argv[1])
svg = doc.documentElement
assert svg.tagName == "svg", svg.tagName
assert svg.getAttribute("xmlns") == "http://www.w3.org/2000/svg"
w, h = int(svg.getAttribute("width")), int(svg.getAttribute("height"))
assert svg.getAttribute("viewBox") == "0 0 %d %d" % (w, h)
texts = svg.getElementsByTagName("text")
assert len(texts) >= 10, len(texts)
assert svg.getElementsByTagName("title")[0].firstChild.data.strip()
print("%dx%d, %d text elements" % (w, h, len(texts)))
EOF
	); then
		ok "$f.svg parses as SVG: $out"
	else
		nok "$f.svg parses as SVG"
		echo "$out" | sed 's/^/# /' | tail -5
	fi
done

if command -v xmllint >/dev/null 2>&1; then
	if xmllint --noout $(for f in $FIGS; do echo "$tmp/$f.svg"; done) \
	    2>"$tmp/xmllint"; then
		ok "xmllint: all well-formed"
	else
		nok "xmllint: all well-formed"
		sed 's/^/# /' "$tmp/xmllint" | head
	fi
else
	skip "xmllint not installed"
fi

if ! command -v rsvg-convert >/dev/null 2>&1; then
	for f in $FIGS; do
		skip "rsvg-convert not installed (librsvg2-bin)"
	done
	exit 0
fi

# Render, then decode the PNG with python3's zlib alone: its size must be
# the SVG's, and it must hold many colours, with between 1% and 60% of
# the pixels not white (a blank or all-black render fails).
for f in $FIGS; do
	if rsvg-convert -o "$tmp/$f.png" "$tmp/$f.svg" 2>"$tmp/rsvg" &&
	    out=$(python3 - "$tmp/$f.png" "$tmp/$f.svg" 2>&1 <<'EOF'
import struct, sys, zlib, xml.dom.minidom
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, ihdr = 8, b"", None
while pos < len(data):
    ln, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + ln]
    if kind == b"IHDR":
        ihdr = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + ln
w, h, depth, ctype, _, _, interlace = ihdr
assert depth == 8 and ctype in (2, 6) and interlace == 0, ihdr
svg = xml.dom.minidom.parse(sys.argv[2]).documentElement
assert (w, h) == (int(svg.getAttribute("width")),
                  int(svg.getAttribute("height"))), (w, h)
bpp = 4 if ctype == 6 else 3
raw, stride = zlib.decompress(idat), w * bpp
prev, colours, inked = bytearray(stride), set(), 0
for y in range(h):
    ft = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if ft == 1: line[i] = (line[i] + a) & 255
        elif ft == 2: line[i] = (line[i] + b) & 255
        elif ft == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif ft == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
            line[i] = (line[i] + pr) & 255
    for x in range(0, stride, bpp):
        px = bytes(line[x:x + 3])
        colours.add(px)
        inked += px != b"\xff\xff\xff"
    prev = line
frac = inked / float(w * h)
assert len(colours) >= 16, "%d colours" % len(colours)
assert 0.01 <= frac <= 0.6, "%.3f of pixels inked" % frac
print("%dx%d PNG, %d bytes, %d colours, %.1f%% inked"
      % (w, h, len(data), len(colours), 100 * frac))
EOF
	); then
		ok "$f renders: $out"
	else
		nok "$f renders"
		sed 's/^/# /' "$tmp/rsvg"
		echo "$out" | sed 's/^/# /' | tail -5
	fi
done
