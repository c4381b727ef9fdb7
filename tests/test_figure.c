/*
 * SVG figures: each is written, is a complete document with the parts a
 * figure needs, escapes its text, and fails cleanly on bad input.  The
 * figures go to $NOISETOP_PLOT_DIR when it is set (tests/plot.t parses and
 * renders them there), else to a temporary directory removed at the end.
 *
 * sweep-readme.svg is the README's published sweep (seed 42, 20 epochs):
 * docs/sweep-example.svg is a copy of it.
 */
#include "render/figure.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

static const double scales[6] = { 0, 0.1, 0.5, 1, 2, 4 };

/* README.md, "The notebook's sweep": final train and val accuracy. */
static const double readme_train[6] = {
	0.9949, 0.9954, 0.9892, 0.9455, 0.6336, 0.2693 };
static const double readme_val[6] = {
	0.9843, 0.9806, 0.9275, 0.7159, 0.3678, 0.2025 };

/* Count non-overlapping occurrences of needle in hay. */
static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL;
	    p += strlen(needle))
		n++;
	return n;
}

static int
any_finite_n(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i]))
			return 1;
	return 0;
}

/* A figure into a malloc'd string (open_memstream), or NULL on failure. */
typedef int figure_fn(FILE *, const void *, char *, size_t);

static int
scales_fn(FILE *f, const void *c, char *err, size_t errlen)
{
	return figure_scales_svg(f, c, err, errlen);
}

static int
epochs_fn(FILE *f, const void *c, char *err, size_t errlen)
{
	return figure_epochs_svg(f, c, err, errlen);
}

static int
matrix_fn(FILE *f, const void *c, char *err, size_t errlen)
{
	return figure_matrix_svg(f, c, err, errlen);
}

static int
panels_fn(FILE *f, const void *c, char *err, size_t errlen)
{
	return figure_panels_svg(f, c, err, errlen);
}

static int
reliability_fn(FILE *f, const void *c, char *err, size_t errlen)
{
	return figure_reliability_svg(f, c, err, errlen);
}

static int
fields_fn(FILE *f, const void *c, char *err, size_t errlen)
{
	return figure_fields_svg(f, c, err, errlen);
}

static char *
render(figure_fn *fn, const void *c, int *rc, char *err, size_t errlen)
{
	char  *buf = NULL;
	size_t len = 0;
	FILE  *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	*rc = fn(f, c, err, errlen);
	fclose(f);
	return buf;
}

/* Write the figure to dir/name too, for plot.t. */
static int
save(const char *dir, const char *name, const char *svg)
{
	char  path[4096];
	FILE *f;
	int   good;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return 0;
	good = fputs(svg, f) >= 0;
	return fclose(f) == 0 && good;
}

/* The parts every figure must have. */
static void
check_doc(const char *name, const char *svg, int rc)
{
	const char *head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\"";
	size_t      len = svg ? strlen(svg) : 0;

	ok(rc == 0 && svg && strncmp(svg, head, strlen(head)) == 0
	    && strstr(svg, "viewBox=\"0 0 ") && strstr(svg, " width=\"") &&
	    strstr(svg, " height=\"") && len > 7 &&
	    strcmp(svg + len - 7, "</svg>\n") == 0 &&
	    count(svg, "<svg") == 1,
	    "%s: one standalone SVG document (xmlns, viewBox, size)", name);
	ok(svg && strstr(svg, "<title>") && count(svg, "<text") >= 10,
	    "%s: a title and at least 10 text labels (%d)", name,
	    svg ? count(svg, "<text") : 0);
}

int
main(void)
{
	const char *keep = getenv("NOISETOP_PLOT_DIR");
	char        tmpl[] = "/tmp/test_plot.XXXXXX", err[256];
	const char *dir = keep && *keep ? keep : mkdtemp(tmpl);
	char       *svg;
	int         rc = -1;

	if (dir == NULL)
		return skip_all("no temporary directory");

	/* 1. The README's sweep, one seed: plain points, no whiskers. */
	{
		figure_series      s[2] = { { "train", readme_train, NULL },
			                  { "val", readme_val, NULL } };
		figure_scale_chart c = { .title = "Final accuracy against noise "
			"scale", .subtitle = "MNIST, 20 epochs, seed 42 "
			"(README, commit c422fe4)", .n = 6, .scale = scales,
			.nseries = 2, .series = s, .nseeds = 1,
			.ymin = 0, .ymax = 1 };

		svg = render(scales_fn, &c, &rc, err, sizeof err);
		check_doc("sweep, 1 seed", svg, rc);
		ok(svg && count(svg, "class=\"point\"") == 12 &&
		    count(svg, "class=\"whisker\"") == 0 &&
		    count(svg, "class=\"line\"") == 2,
		    "sweep, 1 seed: 12 points on 2 lines, no whiskers");
		ok(svg && strstr(svg, ">0.1</text>") && strstr(svg, ">4</text>")
		    && strstr(svg, ">noise scale</text>") &&
		    strstr(svg, ">accuracy</text>") &&
		    strstr(svg, ">train</text>") && strstr(svg, ">val</text>") &&
		    strstr(svg, "one seed: no error bars"),
		    "sweep: scale ticks, axis labels and the legend");
		ok(svg && strstr(svg, ">0.0</text>") &&
		    strstr(svg, ">1.0</text>"), "sweep: fixed y range 0 to 1");
		ok(svg && save(dir, "sweep-readme.svg", svg),
		    "wrote %s/sweep-readme.svg", dir);
		free(svg);
	}

	/* 1b. Three seeds: mean +- sd whiskers, a missing value. */
	{
		double tr[6] = { 0.9950, 0.9951, 0.9890, 0.9460, 0.6300, 0.2700 };
		double va[6] = { 0.9840, 0.9810, 0.9280, 0.7150, NAN, 0.2000 };
		double ts[6] = { 0.0003, 0.0004, 0.0010, 0.0040, 0.0150, 0.0200 };
		double vs[6] = { 0.0010, 0.0012, 0.0030, 0.0120, 0.0200, 0.0150 };
		figure_series      s[2] = { { "train", tr, ts }, { "val", va, vs } };
		figure_scale_chart c = { .n = 6, .scale = scales, .nseries = 2,
			.series = s, .nseeds = 3 };

		svg = render(scales_fn, &c, &rc, err, sizeof err);
		check_doc("sweep, 3 seeds", svg, rc);
		ok(svg && count(svg, "class=\"whisker\"") == 11 &&
		    count(svg, "class=\"point\"") == 11,
		    "sweep, 3 seeds: a whisker on each of the 11 finite points");
		ok(svg && count(svg, "M") > 0 && strstr(svg, "3 seeds") &&
		    strstr(svg, "\u00b1"), "sweep, 3 seeds: the legend says "
		    "mean \u00b1 sd over 3 seeds");
		ok(svg && strstr(svg, ">Accuracy against noise scale</text>"),
		    "sweep: default title");
		ok(svg && save(dir, "sweep-seeds.svg", svg),
		    "wrote sweep-seeds.svg");
		free(svg);
	}

	/* 2. Epoch curves: three runs, train and val, accuracy and loss. */
	{
		enum { E = 20 };
		double     acc[3][2][E], loss[3][2][E];
		figure_curve cv[3];
		const char *lab[3] = { "scale 0", "scale 0.5", "scale 1" };

		for (int r = 0; r < 3; r++) {
			for (int e = 0; e < E; e++) {
				double t = 1 - exp(-(e + 1) / 2.5);

				acc[r][0][e] = 0.6 + (0.39 - 0.05 * r) * t;
				acc[r][1][e] = 0.6 + (0.38 - 0.13 * r) * t -
				    0.002 * r * e;
				loss[r][0][e] = 1.2 * exp(-(e + 1) / 3.0) +
				    0.02 + 0.05 * r;
				loss[r][1][e] = 1.1 * exp(-(e + 1) / 3.0) +
				    0.08 + 0.3 * r + 0.02 * r * e;
			}
			cv[r] = (figure_curve){ lab[r], E, acc[r][0], acc[r][1],
				loss[r][0], loss[r][1] };
		}
		figure_epoch_chart c = { .title = NULL, .subtitle = "synthetic "
			"curves (test data)", .ncurves = 3, .curves = cv };

		svg = render(epochs_fn, &c, &rc, err, sizeof err);
		check_doc("epochs", svg, rc);
		ok(svg && count(svg, "class=\"line\"") == 12 &&
		    count(svg, "stroke-dasharray=\"6 4\"") == 7,
		    "epochs: 12 lines (3 runs x train/val x acc/loss), val "
		    "dashed (6 + 1 in the legend)");
		ok(svg && strstr(svg, ">Accuracy</text>") &&
		    strstr(svg, ">Loss</text>") && count(svg, ">epoch</text>")
		    == 2 && strstr(svg, ">scale 0.5</text>") &&
		    strstr(svg, ">20</text>"),
		    "epochs: panel titles, epoch axes to 20, legend");
		ok(svg && save(dir, "epochs.svg", svg), "wrote epochs.svg");
		free(svg);
	}

	/* 3. The 6x6 train x test matrix with sd. */
	{
		double mean[36], sd[36];

		for (int r = 0; r < 6; r++)
			for (int c = 0; c < 6; c++) {
				double d = fabs(log1p(scales[r] * 4) -
				    log1p(scales[c] * 4));

				mean[r * 6 + c] = 0.1 + 0.88 * exp(-0.4 * d -
				    0.25 * scales[c]);
				sd[r * 6 + c] = 0.002 + 0.01 * scales[c];
			}
		figure_matrix m = { .subtitle = "synthetic values (test data)",
			.nrows = 6, .ncols = 6, .row_value = scales,
			.col_value = scales, .mean = mean, .sd = sd,
			.nseeds = 3, .percent = 1 };
		char want[32];

		svg = render(matrix_fn, &m, &rc, err, sizeof err);
		check_doc("matrix", svg, rc);
		snprintf(want, sizeof want, ">%.1f</text>", mean[0] * 100);
		ok(svg && count(svg, "class=\"cell\"") == 36 &&
		    strstr(svg, want) && count(svg, ">\u00b1") == 36,
		    "matrix: 36 shaded cells, each with its value (%s) and sd",
		    want);
		ok(svg && count(svg, "stroke=\"#d00000\"") == 6,
		    "matrix: the 6 diagonal cells (test = train) outlined");
		ok(svg && strstr(svg, ">train scale \u2192</text>") &&
		    strstr(svg, ">test scale \u2192</text>") &&
		    strstr(svg, "url(#viridis)"),
		    "matrix: row and column labels and a colour bar");
		ok(svg && save(dir, "matrix.svg", svg), "wrote matrix.svg");
		free(svg);

		/* One seed: no sd line even with sd given. */
		m.nseeds = 1;
		svg = render(matrix_fn, &m, &rc, err, sizeof err);
		ok(rc == 0 && svg && count(svg, ">\u00b1") == 0,
		    "matrix, 1 seed: no sd printed");
		free(svg);
	}

	/* Text is escaped; bad bytes cannot break the document. */
	{
		figure_series      s = { "a<b & \"c\" 'd'", readme_val, NULL };
		figure_scale_chart c = { .title = "x < y & z > w \x01\xff end",
			.n = 6, .scale = scales, .nseries = 1, .series = &s,
			.nseeds = 1 };

		svg = render(scales_fn, &c, &rc, err, sizeof err);
		ok(rc == 0 && svg && strstr(svg, ">x &lt; y &amp; z &gt; w ? "
		    "end</text>") && strstr(svg, "<title>x &lt; y &amp; z "
		    "&gt; w ? end</title>") && strstr(svg,
		    ">a&lt;b &amp; &quot;c&quot; &apos;d&apos;</text>") &&
		    !strchr(svg, '\x01') && !strchr(svg, '\xff'),
		    "text escaped, control byte dropped, bad UTF-8 as '?'");
		free(svg);
	}

	/*
	 * Awkward data never puts a NaN or an infinity into a coordinate:
	 * one point, all equal, negative, huge, tiny ranges, gaps.
	 */
	{
		static const double sets[][4] = {
			{ 0.5, 0.5, 0.5, 0.5 }, { -3, -2, -1, 0 },
			{ 1e6, 2e6, NAN, 5e6 }, { 0.3, 0.3 + 1e-12, 0.3, 0.3 },
			{ NAN, 0.7, NAN, NAN }, { 0, 0, 0, 0 },
			{ INFINITY, 0.2, -INFINITY, 0.4 },
		};
		static const double sds[4] = { 0.1, NAN, 0, 1e9 };
		int clean = 1, rcs = 0;

		for (size_t k = 0; k < sizeof sets / sizeof *sets; k++) {
			for (size_t n = 1; n <= 4; n++) {
				figure_series      s = { "s", sets[k], sds };
				figure_scale_chart c = { .n = n, .scale = scales,
					.nseries = 1, .series = &s, .nseeds = 2 };
				figure_curve       cv = { "c", n, sets[k], NULL,
					sets[k], sets[k] };
				figure_epoch_chart e = { .ncurves = 1,
					.curves = &cv };
				figure_matrix      m = { .nrows = 1, .ncols = n,
					.row_value = scales, .col_value = scales,
					.mean = sets[k], .sd = sds, .nseeds = 2 };
				const void      *figs[3] = { &c, &e, &m };
				figure_fn       *fns[3] = { scales_fn, epochs_fn,
					matrix_fn };

				for (int j = 0; j < 3; j++) {
					svg = render(fns[j], figs[j], &rc, err,
					    sizeof err);
					if (rc == 0) {
						rcs++;
						clean &= !strstr(svg, "nan") &&
						    !strstr(svg, "inf") &&
						    !strstr(svg, "NaN");
					} else {
						/* only sets with no finite
						 * value in the first n */
						clean &= !any_finite_n(sets[k],
						    n);
					}
					free(svg);
				}
			}
		}
		ok(clean && rcs > 60, "awkward data: %d figures, no NaN or "
		    "inf written, refusals only when nothing is finite", rcs);
	}

	/* 4. Sensitivity panels: four probes, two decays, three seeds, one
	 * value missing. */
	{
		double        m[4][2][3], sd[4][2][3], x[3] = { 0, 0.5, 1 };
		figure_series ser[4][2];
		figure_panel  pan[4];
		const char   *lab[2] = { "decay 0", "decay 0.001" };
		figure_panel_chart c = { .subtitle = "synthetic <digits> & co",
			.n = 3, .scale = x, .npanels = 4, .panels = pan,
			.nseries = 2, .nseeds = 3 };

		for (int q = 0; q < 4; q++) {
			for (int d = 0; d < 2; d++) {
				for (int i = 0; i < 3; i++) {
					m[q][d][i] = (q + 1) * (1.0 - 0.2 * i) -
					    0.1 * d;
					sd[q][d][i] = 0.01 * (q + 1);
				}
				ser[q][d] = (figure_series){ lab[d], m[q][d],
				    sd[q][d] };
			}
			pan[q] = (figure_panel){ "Probe", "value", ser[q] };
		}
		m[3][1][2] = NAN;
		svg = render(panels_fn, &c, &rc, err, sizeof err);
		check_doc("sensitivity", svg, rc);
		ok(svg && count(svg, "class=\"point\"") == 23 &&
		    count(svg, "class=\"whisker\"") == 23 &&
		    count(svg, "class=\"key\"") == 2,
		    "sensitivity: 23 points with whiskers, 2 legend keys");
		ok(svg && count(svg, ">Probe</text>") == 4 &&
		    count(svg, ">training scale</text>") == 4 &&
		    strstr(svg, ">decay 0.001</text>") &&
		    strstr(svg, "&lt;digits&gt; &amp; co") &&
		    strstr(svg, "3 seeds"),
		    "sensitivity: 4 titled panels, legend, escaped subtitle");
		ok(svg && save(dir, "sensitivity.svg", svg),
		    "wrote sensitivity.svg");
		free(svg);
		c.npanels = 5;
		svg = render(panels_fn, &c, &rc, err, sizeof err);
		ok(rc == -1 && strstr(err, "panels"), "5 panels: %s", err);
		free(svg);
	}

	/* 5. A reliability diagram: 15 bins, 4 of them empty. */
	{
		size_t             cnt[15];
		double             acc[15], conf[15];
		figure_reliability r = { .subtitle = "row 2 & <test>",
			.nbins = 15, .count = cnt, .acc = acc, .conf = conf,
			.ece = 0.0421 };

		for (int b = 0; b < 15; b++) {
			cnt[b] = b < 4 ? 0 : (size_t)(10 * b);
			conf[b] = (b + 0.5) / 15.0;
			acc[b] = conf[b] * 0.9;
		}
		svg = render(reliability_fn, &r, &rc, err, sizeof err);
		check_doc("reliability", svg, rc);
		ok(svg && count(svg, "class=\"bar\"") == 11 &&
		    count(svg, "class=\"gap\"") == 11 &&
		    count(svg, "class=\"diagonal\"") == 1,
		    "reliability: 11 bars and gaps for 11 used bins, a diagonal");
		ok(svg && strstr(svg, "<title>Reliability diagram: ECE "
		    "0.0421</title>") && strstr(svg, "row 2 &amp; &lt;test&gt;")
		    && strstr(svg, ">990 predictions</text>") &&
		    strstr(svg, ">11 of 15 bins used</text>"),
		    "reliability: ECE in the title, escaped subtitle, counts");
		ok(svg && save(dir, "reliability.svg", svg),
		    "wrote reliability.svg");
		free(svg);
		memset(cnt, 0, sizeof cnt);
		svg = render(reliability_fn, &r, &rc, err, sizeof err);
		ok(rc == -1 && strstr(err, "no prediction"), "no predictions: "
		    "%s", err);
		free(svg);
	}

	/* 6. Receptive fields: two sets of four 3x3 fields, one NaN. */
	{
		float            w[2][4 * 9];
		int              unit[4] = { 7, 3, 12, 0 };
		figure_field_set set[2] = { { "clean <0>", w[0], unit },
			{ "noisy", w[1], unit } };
		figure_fields    c = { .subtitle = "units & more", .side = 3,
			.nunits = 4, .nsets = 2, .sets = set };

		for (int i = 0; i < 4 * 9; i++) {
			w[0][i] = (float)(i % 9 - 4) / 4.0f;  /* -1 .. 1 */
			w[1][i] = (float)(i % 9 - 4) / 8.0f;
		}
		w[1][5] = NAN;
		svg = render(fields_fn, &c, &rc, err, sizeof err);
		check_doc("fields", svg, rc);
		/* On the scale to 1, w[0] is at levels +-12, +-9, +-6, +-3 and
		 * 0 (white, not drawn); w[1] adds +-5 and +-2 (4.5 and 1.5
		 * round away from 0): 12 paths, and one grey for the NaN.
		 * 72 pixels less the 8 zeros are drawn. */
		ok(svg && count(svg, "class=\"field\"") == 8 &&
		    count(svg, ">unit 12</text>") == 2 &&
		    count(svg, "class=\"colour-bar\"") == 1 &&
		    count(svg, "class=\"level\"") == 13 &&
		    count(svg, "fill=\"#888888\"") == 1 &&
		    count(svg, "M") == 64,
		    "fields: 8 framed fields, unit labels, a colour bar, 13 "
		    "colour levels, 64 pixels drawn, the missing one grey");
		ok(svg && strstr(svg, ">+1</text>") && strstr(svg, ">-1</text>")
		    && strstr(svg, ">0</text>") &&
		    strstr(svg, "clean &lt;0&gt;") &&
		    strstr(svg, "fill=\"#b2182b\"") &&
		    strstr(svg, "fill=\"#2166ac\""),
		    "fields: a symmetric scale -1 .. +1, red and blue ends, "
		    "escaped labels");
		ok(svg && save(dir, "fields.svg", svg), "wrote fields.svg");
		free(svg);
		memset(w, 0, sizeof w);
		svg = render(fields_fn, &c, &rc, err, sizeof err);
		ok(rc == -1 && strstr(err, "nonzero"), "all zero: %s", err);
		free(svg);
		c.nsets = 3;
		svg = render(fields_fn, &c, &rc, err, sizeof err);
		ok(rc == -1 && strstr(err, "sets"), "3 sets: %s", err);
		free(svg);
	}

	/* 7. figure_parse's six names, and the sensitivity figure of a
	 * sweep table: three scales, two seeds, probed or not. */
	{
		const char  *names[6] = { "scales", "epochs", "matrix",
			"sensitivity", "calibration", "weights" };
		figure_kind  kind;
		int          parsed = 0;
		train_config cfg;
		sweep_plan   p;
		sweep_table  t;
		const float  sc[3] = { 0.0f, 0.5f, 1.0f };
		char        *buf = NULL;
		size_t       len = 0;
		FILE        *f;

		for (int i = 0; i < 6; i++)
			parsed += figure_parse(names[i], &kind, err,
			    sizeof err) == 0 && (int)kind == i;
		ok(parsed == 6 && figure_parse("weight", &kind, err,
		    sizeof err) == -1 && strstr(err, "sensitivity"),
		    "figure_parse: the six kinds; a bad one is refused: %s",
		    err);
		train_config_default(&cfg);
		cfg.epochs = 1;
		sweep_plan_default(&p, sc, 3);
		p.nseeds = 2;
		p.probes = 1;
		if (sweep_table_init(&t, &cfg, &p, err, sizeof err) != 0) {
			ok(0, "sweep_table_init: %s", err);
		} else {
			for (int i = 0; i < t.n; i++) {
				sweep_row *r = &t.rows[i];

				r->state = SWEEP_DONE;
				r->sens = (probe_sens){ 1 + r->scale +
				    0.1 * r->seed_index, 0.2, 24.0, 0.9, NAN };
			}
			f = open_memstream(&buf, &len);
			rc = figure_write(f, &t, FIGURE_SENSITIVITY, 0, "sub",
			    err, sizeof err);
			fclose(f);
			ok(rc == 0 && buf && count(buf, "class=\"point\"") ==
			    12 && count(buf, "class=\"whisker\"") == 12 &&
			    strstr(buf, ">Jacobian Frobenius norm</text>") &&
			    strstr(buf, ">mean over seeds</text>"),
			    "sensitivity of a table: 4 panels x 3 scales, "
			    "whiskers over 2 seeds (%s)", rc ? err : "ok");
			free(buf);
			buf = NULL;
			t.plan.probes = 0;
			f = open_memstream(&buf, &len);
			rc = figure_write(f, &t, FIGURE_SENSITIVITY, 0, NULL,
			    err, sizeof err);
			fclose(f);
			ok(rc == -1 && strstr(err, "no probes: sweep with "
			    "--probes"), "an unprobed table: %s", err);
			free(buf);
			buf = NULL;
			f = open_memstream(&buf, &len);
			rc = figure_write(f, &t, FIGURE_WEIGHTS, 0, NULL, err,
			    sizeof err);
			fclose(f);
			ok(rc == -1 && strstr(err, "models"), "weights need "
			    "the models: %s", err);
			free(buf);
			sweep_table_free(&t);
		}
	}

	/* Numbers in the C locale whatever LC_NUMERIC says. */
	if (setlocale(LC_NUMERIC, "de_DE.UTF-8") ||
	    setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
		figure_series      s = { "val", readme_val, NULL };
		figure_scale_chart c = { .n = 6, .scale = scales, .nseries = 1,
			.series = &s, .nseeds = 1 };

		svg = render(scales_fn, &c, &rc, err, sizeof err);
		ok(rc == 0 && svg && strstr(svg, ">0.5</text>") &&
		    !strstr(svg, "0,5"), "decimal points under a comma locale");
		free(svg);
		setlocale(LC_NUMERIC, "C");
	} else {
		printf("ok %d # SKIP no comma-decimal locale installed\n",
		    ++tap_n);
	}

	/* Bad input and write errors fail with a message. */
	{
		double           nan6[6] = { NAN, NAN, NAN, NAN, NAN, NAN };
		figure_series      s = { "val", nan6, NULL };
		figure_scale_chart c = { .n = 6, .scale = scales, .nseries = 1,
			.series = &s, .nseeds = 1 };
		figure_epoch_chart e = { .ncurves = 0 };
		figure_matrix      m = { .nrows = 0 };
		FILE            *full;

		svg = render(scales_fn, &c, &rc, err, sizeof err);
		ok(rc == -1 && strstr(err, "no finite value"),
		    "all values missing: %s", err);
		free(svg);
		c.n = 0;
		svg = render(scales_fn, &c, &rc, err, sizeof err);
		ok(rc == -1 && strstr(err, "scales"), "no scales: %s", err);
		free(svg);
		svg = render(epochs_fn, &e, &rc, err, sizeof err);
		ok(rc == -1 && strstr(err, "curves"), "no curves: %s", err);
		free(svg);
		svg = render(matrix_fn, &m, &rc, err, sizeof err);
		ok(rc == -1 && strstr(err, "matrix"), "empty matrix: %s", err);
		free(svg);
		s.mean = readme_val;
		c.n = 6;
		if ((full = fopen("/dev/full", "w")) != NULL) {
			rc = figure_scales_svg(full, &c, err, sizeof err);
			fclose(full);
			ok(rc == -1 && strstr(err, "write error"),
			    "a full disk is reported: %s", err);
		} else {
			printf("ok %d # SKIP no /dev/full\n", ++tap_n);
		}
	}

	if (!(keep && *keep)) {
		const char *names[] = { "sweep-readme.svg", "sweep-seeds.svg",
			"epochs.svg", "matrix.svg", "sensitivity.svg",
			"reliability.svg", "fields.svg" };
		char        path[4096];

		for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
			snprintf(path, sizeof path, "%s/%s", dir, names[i]);
			unlink(path);
		}
		rmdir(dir);
	}
	return tap_done();
}
