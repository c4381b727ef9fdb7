/* Standalone SVG figures: accuracy against scale, epoch curves, heat map. */
#include "plot.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "err.h"

#define PLOT_MAXSERIES 8
#define PLOT_MAXCELLS 64

/* Okabe-Ito: told apart with the common colour-vision deficiencies. */
static const char *const plot_palette[PLOT_MAXSERIES] = {
	"#0072B2", "#D55E00", "#009E73", "#CC79A7",
	"#E69F00", "#56B4E9", "#000000", "#B8A200",
};

/* Viridis at 0, 1/8, ..., 1: perceptually even, dark to yellow. */
static const unsigned char plot_viridis[9][3] = {
	{ 0x44, 0x01, 0x54 }, { 0x47, 0x2d, 0x7b }, { 0x3b, 0x52, 0x8b },
	{ 0x2c, 0x72, 0x8e }, { 0x21, 0x91, 0x8c }, { 0x28, 0xae, 0x80 },
	{ 0x5e, 0xc9, 0x62 }, { 0xad, 0xdc, 0x30 }, { 0xfd, 0xe7, 0x25 },
};

#define PLOT_FONT "DejaVu Sans, Helvetica, Arial, sans-serif"
#define GRID_COLOUR "#e3e3e3"
#define AXIS_COLOUR "#333333"

/* A numeric axis: data lo .. hi mapped to pixels p_lo .. p_hi. */
typedef struct {
	double lo, hi, step;
	double p_lo, p_hi;
} plot_axis;

/*
 * The C locale for the duration of one figure, so "%.1f" never writes a
 * decimal comma (main() calls setlocale(LC_ALL, "") for ncurses).  Per
 * thread: uselocale() leaves other threads alone.
 */
typedef struct {
	locale_t c, old;
} plot_locale;

static void
locale_enter(plot_locale *l)
{
	l->c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	l->old = l->c ? uselocale(l->c) : (locale_t)0;
}

static void
locale_leave(plot_locale *l)
{
	if (l->c) {
		uselocale(l->old);
		freelocale(l->c);
	}
}

/*
 * Write s as XML character data: & < > " ' escaped, control bytes (not
 * allowed in XML 1.0) dropped, and each byte that does not start a valid
 * UTF-8 sequence written as '?', so any input string gives a parseable
 * document.
 */
static void
put_escaped(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		unsigned c = *p;
		int      len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 :
		    (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		int      good = len > 0 && !(len == 2 && c < 0xc2) &&
		    !(len == 4 && c > 0xf4);

		for (int i = 1; good && i < len; i++)
			good = (p[i] & 0xc0) == 0x80;
		if (!good) {
			fputc('?', f);
			p++;
			continue;
		}
		if (len > 1) {
			fwrite(p, 1, (size_t)len, f);
			p += len;
			continue;
		}
		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if (c >= 0x20 || c == '\t')
				fputc((int)c, f);
			break;
		}
		p++;
	}
}

/* <text x y attrs>escaped printf text</text> */
__attribute__((format(printf, 5, 6))) static void
text(FILE *f, double x, double y, const char *attrs, const char *fmt, ...)
{
	char    buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
	put_escaped(f, buf);
	fputs("</text>\n", f);
}

static void
svg_begin(FILE *f, int w, int h, const char *title, const char *subtitle)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "font-family=\"%s\" font-size=\"13\">\n", w, h, w, h, PLOT_FONT);
	fputs("<title>", f);
	put_escaped(f, title);
	fputs("</title>\n", f);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
	    "fill=\"#ffffff\"/>\n", w, h);
	text(f, w / 2.0, 24, "text-anchor=\"middle\" font-size=\"16\" "
	    "font-weight=\"bold\" fill=\"#111111\"", "%s", title);
	if (subtitle && *subtitle)
		text(f, w / 2.0, 42, "text-anchor=\"middle\" font-size=\"12\" "
		    "fill=\"#555555\"", "%s", subtitle);
}

static int
svg_end(FILE *f, char *err, size_t errlen)
{
	fputs("</svg>\n", f);
	if (fflush(f) != 0 || ferror(f))
		return err_set(err, errlen, "plot: write error");
	return 0;
}

/* 1, 2 or 5 times a power of ten, near range / target. */
static double
nice_step(double range, int target)
{
	double raw = range / target, p = pow(10.0, floor(log10(raw)));
	double m = raw / p;

	return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * p;
}

/* An axis over data lo .. hi (finite, lo <= hi) ending on whole ticks. */
static plot_axis
axis_fit(double lo, double hi, double p_lo, double p_hi, int target)
{
	plot_axis a;

	if (hi - lo < 1e-12 * (fabs(lo) + fabs(hi)) || hi == lo) {
		double pad = fabs(lo) > 0 ? fabs(lo) * 0.1 : 0.5;

		lo -= pad;
		hi += pad;
	}
	a.step = nice_step(hi - lo, target);
	a.lo = floor(lo / a.step + 1e-9) * a.step;
	a.hi = ceil(hi / a.step - 1e-9) * a.step;
	a.p_lo = p_lo;
	a.p_hi = p_hi;
	return a;
}

/* A fixed axis lo .. hi with about target ticks. */
static plot_axis
axis_fixed(double lo, double hi, double p_lo, double p_hi, int target)
{
	plot_axis a = { lo, hi, nice_step(hi - lo, target), p_lo, p_hi };

	return a;
}

static double
axis_px(const plot_axis *a, double v)
{
	return a->p_lo + (v - a->lo) / (a->hi - a->lo) * (a->p_hi - a->p_lo);
}

/* Decimals that show a tick step exactly (0.05 -> 2, 5 -> 0). */
static int
step_decimals(double step)
{
	int d = (int)-floor(log10(step) + 1e-9);

	return d < 0 ? 0 : d > 6 ? 6 : d;
}

/*
 * Horizontal grid lines and tick labels of a y axis on the left of the
 * frame x0 .. x1, with its label rotated beside them.
 */
static void
y_axis(FILE *f, const plot_axis *a, double x0, double x1, const char *label)
{
	int    d = step_decimals(a->step);
	double mid = (a->p_lo + a->p_hi) / 2;

	for (double v = a->lo; v <= a->hi + a->step * 1e-6; v += a->step) {
		double y = axis_px(a, v), vv = fabs(v) < a->step * 1e-9 ? 0 : v;

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"%s\"/>\n", x0, y, x1, y, GRID_COLOUR);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"%s\"/>\n", x0 - 5, y, x0, y,
		    AXIS_COLOUR);
		text(f, x0 - 8, y + 4, "text-anchor=\"end\" font-size=\"11\"",
		    "%.*f", d, vv);
	}
	fprintf(f, "<text x=\"0\" y=\"0\" text-anchor=\"middle\" "
	    "transform=\"translate(%.1f %.1f) rotate(-90)\">", x0 - 48, mid);
	put_escaped(f, label);
	fputs("</text>\n", f);
}

static void
frame(FILE *f, double x0, double y0, double x1, double y1)
{
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
	    "fill=\"none\" stroke=\"%s\"/>\n", x0, y0, x1 - x0, y1 - y0,
	    AXIS_COLOUR);
}

/*
 * A marker of shape k (circle, square, triangle, diamond) at (x, y), of
 * class cls ("point" on the plot, "key" in the legend).
 */
static void
marker(FILE *f, int k, double x, double y, const char *colour,
    const char *cls)
{
	switch (k % 4) {
	case 0:
		fprintf(f, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
		    "fill=\"%s\"/>\n", cls, x, y, colour);
		break;
	case 1:
		fprintf(f, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"7\" "
		    "height=\"7\" fill=\"%s\"/>\n", cls, x - 3.5, y - 3.5,
		    colour);
		break;
	case 2:
		fprintf(f, "<path class=\"%s\" d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\" "
		    "fill=\"%s\"/>\n", cls, x, y - 4.5, x + 4.5, y + 3.5,
		    x - 4.5, y + 3.5, colour);
		break;
	default:
		fprintf(f, "<path class=\"%s\" d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f "
		    "%.1fZ\" fill=\"%s\"/>\n", cls, x, y - 5, x + 5, y, x,
		    y + 5, x - 5, y, colour);
		break;
	}
}

/*
 * A line through (xs[i], ys[i]) as one path, lifting the pen at NaN so a
 * missing value leaves a gap.  dash is a stroke-dasharray or NULL.
 */
static void
polyline(FILE *f, const double *xs, const double *ys, size_t n,
    const char *colour, const char *dash)
{
	int pen = 0, any = 0;

	for (size_t i = 0; i < n; i++)
		any += isfinite(ys[i]) != 0;
	if (any < 2)
		return;
	fputs("<path class=\"line\" d=\"", f);
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(ys[i])) {
			pen = 0;
			continue;
		}
		fprintf(f, "%s%.1f %.1f", pen ? "L" : "M", xs[i], ys[i]);
		pen = 1;
	}
	fprintf(f, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s%s%s/>\n",
	    colour, dash ? " stroke-dasharray=\"" : "", dash ? dash : "",
	    dash ? "\"" : "");
}

/* The legend's frame: n rows of 20 px from (x, y), w wide. */
static void
legend_box(FILE *f, double x, double y, double w, size_t rows)
{
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
	    "fill=\"#ffffff\" stroke=\"#bbbbbb\"/>\n", x, y, w,
	    20.0 * (double)rows + 10);
}

static int
any_finite(const double *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		if (isfinite(v[i]))
			return 1;
	return 0;
}

/* Widen [*lo, *hi] to hold the finite values of v (and v +- sd). */
static void
extend(double *lo, double *hi, const double *v, const double *sd, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		double s = sd && isfinite(sd[i]) ? fabs(sd[i]) : 0;

		if (!isfinite(v[i]))
			continue;
		*lo = fmin(*lo, v[i] - s);
		*hi = fmax(*hi, v[i] + s);
	}
}

int
plot_scales_svg(FILE *f, const plot_scale_chart *c, char *err, size_t errlen)
{
	const int   W = 760, H = 470;
	double      x0 = 90, x1 = W - 200, y0 = 64, y1 = H - 70;
	const char *title = c->title ? c->title : "Accuracy against noise scale";
	double      lo = INFINITY, hi = -INFINITY, slot, nudge;
	int         bars = c->nseeds > 1;
	plot_axis   ya;
	plot_locale loc;
	double      xs[PLOT_MAXCELLS * 4], ys[PLOT_MAXCELLS * 4];

	if (c->n < 1 || c->n > PLOT_MAXCELLS * 4 || c->scale == NULL)
		return err_set(err, errlen, "plot: %zu scales (1 to %d)", c->n,
		    PLOT_MAXCELLS * 4);
	if (c->nseries < 1 || c->nseries > PLOT_MAXSERIES || !c->series)
		return err_set(err, errlen, "plot: %zu series (1 to %d)",
		    c->nseries, PLOT_MAXSERIES);
	for (size_t k = 0; k < c->nseries; k++)
		extend(&lo, &hi, c->series[k].mean, bars ? c->series[k].sd :
		    NULL, c->n);
	if (!(lo <= hi))
		return err_set(err, errlen, "plot: no finite value to draw");
	if (!isfinite(c->ymin) || !isfinite(c->ymax))
		return err_set(err, errlen, "plot: y range not finite");
	locale_enter(&loc);
	if (c->ymin < c->ymax)
		ya = axis_fixed(c->ymin, c->ymax, y1, y0, 5);
	else
		ya = axis_fit(lo, hi, y1, y0, 5);
	slot = (x1 - x0) / (double)c->n;
	nudge = fmin(7.0, slot / (3.0 * (double)c->nseries));

	svg_begin(f, W, H, title, c->subtitle);
	y_axis(f, &ya, x0, x1, c->ylabel ? c->ylabel : "accuracy");
	for (size_t i = 0; i < c->n; i++) {
		double x = x0 + (i + 0.5) * slot;

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"%s\"/>\n", x, y1, x, y1 + 5,
		    AXIS_COLOUR);
		text(f, x, y1 + 20, "text-anchor=\"middle\" font-size=\"12\"",
		    "%g", c->scale[i]);
	}
	text(f, (x0 + x1) / 2, y1 + 46, "text-anchor=\"middle\"", "%s",
	    c->xlabel ? c->xlabel : "noise scale");
	frame(f, x0, y0, x1, y1);
	/* Values outside a fixed y range are cut at the frame (with room
	 * for a marker on its edge), not drawn over the labels. */
	fprintf(f, "<defs><clipPath id=\"area\"><rect x=\"%.1f\" y=\"%.1f\" "
	    "width=\"%.1f\" height=\"%.1f\"/></clipPath></defs>\n", x0,
	    y0 - 6, x1 - x0, y1 - y0 + 12);

	for (size_t k = 0; k < c->nseries; k++) {
		const plot_series *s = &c->series[k];
		const char        *col = plot_palette[k];
		double             dx = ((double)k - (c->nseries - 1) / 2.0) *
		    nudge;

		if (!s->mean)
			continue;
		fprintf(f, "<g clip-path=\"url(#area)\">\n");
		for (size_t i = 0; i < c->n; i++) {
			xs[i] = x0 + (i + 0.5) * slot + dx;
			ys[i] = isfinite(s->mean[i]) ?
			    axis_px(&ya, s->mean[i]) : NAN;
		}
		polyline(f, xs, ys, c->n, col, NULL);
		for (size_t i = 0; i < c->n; i++) {
			if (!isfinite(ys[i]))
				continue;
			if (bars && s->sd && isfinite(s->sd[i])) {
				double a = axis_px(&ya, s->mean[i] - s->sd[i]);
				double b = axis_px(&ya, s->mean[i] + s->sd[i]);

				fprintf(f, "<path class=\"whisker\" d=\"M%.1f %.1fV%.1fM%.1f "
				    "%.1fH%.1fM%.1f %.1fH%.1f\" stroke=\"%s\" "
				    "stroke-width=\"1.5\" fill=\"none\"/>\n",
				    xs[i], a, b, xs[i] - 4, a, xs[i] + 4,
				    xs[i] - 4, b, xs[i] + 4, col);
			}
			marker(f, (int)k, xs[i], ys[i], col, "point");
		}
		fprintf(f, "</g>\n");
	}

	/* Legend: one row per series, then what the whiskers mean. */
	{
		double lx = x1 + 16, ly = y0;

		legend_box(f, lx, ly, W - lx - 10, c->nseries + 1);
		for (size_t k = 0; k < c->nseries; k++) {
			double y = ly + 18 + 20.0 * (double)k;

			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>\n",
			    lx + 8, y, lx + 34, y, plot_palette[k]);
			marker(f, (int)k, lx + 21, y, plot_palette[k], "key");
			text(f, lx + 42, y + 4, "font-size=\"12\"", "%s",
			    c->series[k].label ? c->series[k].label : "");
		}
		if (bars)
			text(f, lx + 8, ly + 22 + 20.0 * (double)c->nseries,
			    "font-size=\"11\" fill=\"#555555\"",
			    "mean \u00b1 sd, %d seeds", c->nseeds);
		else
			text(f, lx + 8, ly + 22 + 20.0 * (double)c->nseries,
			    "font-size=\"11\" fill=\"#555555\"",
			    "one seed: no error bars");
	}
	locale_leave(&loc);
	return svg_end(f, err, errlen);
}

/* One panel of the epoch chart: which = 0 accuracy, 1 loss. */
static void
epoch_panel(FILE *f, const plot_epoch_chart *c, int which, size_t nmax,
    double x0, double y0, double x1, double y1)
{
	double    lo = INFINITY, hi = -INFINITY;
	plot_axis xa, ya;
	double    xs[4096], ys[4096];
	int       d;

	for (size_t k = 0; k < c->ncurves; k++) {
		const plot_curve *cv = &c->curves[k];

		extend(&lo, &hi, which ? cv->train_loss : cv->train_acc, NULL,
		    cv->n);
		extend(&lo, &hi, which ? cv->val_loss : cv->val_acc, NULL,
		    cv->n);
	}
	if (!(lo <= hi)) {
		lo = 0;
		hi = 1;
		text(f, (x0 + x1) / 2, (y0 + y1) / 2, "text-anchor=\"middle\" "
		    "fill=\"#888888\"", "no data");
	}
	ya = axis_fit(lo, hi, y1, y0, 5);
	if (nmax > 1)
		xa = axis_fit(1, (double)nmax, x0 + 8, x1 - 8, 6);
	else
		xa = axis_fixed(0.5, 1.5, x0, x1, 1);
	if (xa.step < 1)
		xa.step = 1;
	xa.lo = fmax(xa.lo, nmax > 1 ? 1 : 0.5);
	xa.hi = fmax(xa.hi, (double)nmax);
	y_axis(f, &ya, x0, x1, which ? "loss" : "accuracy");
	d = step_decimals(xa.step);
	for (double v = ceil(xa.lo / xa.step) * xa.step; v <= xa.hi + 1e-9;
	    v += xa.step) {
		double x = axis_px(&xa, v);

		if (v < 1)
			continue;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"%s\"/>\n", x, y1, x, y1 + 5,
		    AXIS_COLOUR);
		text(f, x, y1 + 19, "text-anchor=\"middle\" font-size=\"11\"",
		    "%.*f", d, v);
	}
	text(f, (x0 + x1) / 2, y1 + 40, "text-anchor=\"middle\"", "epoch");
	text(f, (x0 + x1) / 2, y0 - 8, "text-anchor=\"middle\" "
	    "font-weight=\"bold\" font-size=\"13\"", "%s",
	    which ? "Loss" : "Accuracy");
	frame(f, x0, y0, x1, y1);
	for (size_t k = 0; k < c->ncurves; k++) {
		const plot_curve *cv = &c->curves[k];
		const double     *tr = which ? cv->train_loss : cv->train_acc;
		const double     *va = which ? cv->val_loss : cv->val_acc;
		size_t            n = cv->n < 4096 ? cv->n : 4096;

		for (int pass = 0; pass < 2; pass++) {
			const double *v = pass ? va : tr;

			if (!v)
				continue;
			for (size_t i = 0; i < n; i++) {
				xs[i] = axis_px(&xa, (double)(i + 1));
				ys[i] = isfinite(v[i]) ? axis_px(&ya, v[i]) :
				    NAN;
			}
			polyline(f, xs, ys, n, plot_palette[k],
			    pass ? "6 4" : NULL);
			/* A lone epoch or isolated point still shows. */
			for (size_t i = 0; i < n; i++)
				if (isfinite(ys[i]) && (n == 1 ||
				    ((i == 0 || !isfinite(ys[i - 1])) &&
				    (i + 1 == n || !isfinite(ys[i + 1])))))
					marker(f, 0, xs[i], ys[i],
					    plot_palette[k], "point");
		}
	}
}

int
plot_epochs_svg(FILE *f, const plot_epoch_chart *c, char *err, size_t errlen)
{
	const int   W = 960, H = 440;
	const char *title = c->title ? c->title : "Training curves";
	size_t      nmax = 0;
	int         data = 0;
	plot_locale loc;

	if (c->ncurves < 1 || c->ncurves > PLOT_MAXSERIES || !c->curves)
		return err_set(err, errlen, "plot: %zu curves (1 to %d)",
		    c->ncurves, PLOT_MAXSERIES);
	for (size_t k = 0; k < c->ncurves; k++) {
		const plot_curve *cv = &c->curves[k];

		if (cv->n > 4096)
			return err_set(err, errlen, "plot: %zu epochs (at most "
			    "4096)", cv->n);
		nmax = cv->n > nmax ? cv->n : nmax;
		data |= any_finite(cv->train_acc, cv->n) |
		    any_finite(cv->val_acc, cv->n) |
		    any_finite(cv->train_loss, cv->n) |
		    any_finite(cv->val_loss, cv->n);
	}
	if (!data)
		return err_set(err, errlen, "plot: no finite value to draw");
	locale_enter(&loc);
	svg_begin(f, W, H, title, c->subtitle);
	epoch_panel(f, c, 0, nmax, 80, 76, 400, H - 64);
	epoch_panel(f, c, 1, nmax, 480, 76, 800, H - 64);

	/* Legend: a colour per curve, then the two line styles. */
	{
		double lx = 818, ly = 76;

		legend_box(f, lx, ly, W - lx - 8, c->ncurves + 2);
		for (size_t k = 0; k < c->ncurves; k++) {
			double y = ly + 18 + 20.0 * (double)k;

			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>\n",
			    lx + 8, y, lx + 30, y, plot_palette[k]);
			text(f, lx + 38, y + 4, "font-size=\"12\"", "%s",
			    c->curves[k].label ? c->curves[k].label : "");
		}
		for (int s = 0; s < 2; s++) {
			double y = ly + 18 + 20.0 * (double)(c->ncurves + s);

			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"#555555\" stroke-width=\"2\""
			    "%s/>\n", lx + 8, y, lx + 30, y,
			    s ? " stroke-dasharray=\"6 4\"" : "");
			text(f, lx + 38, y + 4, "font-size=\"12\" "
			    "fill=\"#555555\"", "%s", s ? "val" : "train");
		}
	}
	locale_leave(&loc);
	return svg_end(f, err, errlen);
}

/* The viridis colour of t in [0, 1], and whether dark text reads on it. */
static void
viridis(double t, char out[8], int *dark_text)
{
	double u = (t < 0 ? 0 : t > 1 ? 1 : t) * 8;
	int    i = u >= 8 ? 7 : (int)u;
	double r = u - i, c[3];

	for (int j = 0; j < 3; j++)
		c[j] = plot_viridis[i][j] +
		    r * (plot_viridis[i + 1][j] - plot_viridis[i][j]);
	snprintf(out, 8, "#%02x%02x%02x", (unsigned)lround(c[0]),
	    (unsigned)lround(c[1]), (unsigned)lround(c[2]));
	*dark_text = (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) > 140;
}

int
plot_matrix_svg(FILE *f, const plot_matrix *m, char *err, size_t errlen)
{
	const char *title = m->title ? m->title :
	    "Accuracy: train scale \u00d7 test scale";
	double      cw, ch, x0 = 100, y0 = 76, lo = INFINITY, hi = -INFINITY;
	double      mul = m->percent ? 100.0 : 1.0;
	int         W, H, bars = m->sd && m->nseeds > 1, dec = m->percent ? 1 :
	    3;
	plot_axis   ca;
	plot_locale loc;

	if (m->nrows < 1 || m->ncols < 1 || m->nrows > PLOT_MAXCELLS ||
	    m->ncols > PLOT_MAXCELLS || !m->row_value || !m->col_value ||
	    !m->mean)
		return err_set(err, errlen, "plot: matrix %zux%zu (1 to %d "
		    "each, values needed)", m->nrows, m->ncols, PLOT_MAXCELLS);
	extend(&lo, &hi, m->mean, NULL, m->nrows * m->ncols);
	if (!(lo <= hi))
		return err_set(err, errlen, "plot: no finite value to draw");
	if (!isfinite(m->vmin) || !isfinite(m->vmax))
		return err_set(err, errlen, "plot: colour range not finite");
	if (m->vmin < m->vmax) {
		lo = m->vmin;
		hi = m->vmax;
	} else if (hi - lo < 1e-9) {
		lo -= 0.01;
		hi += 0.01;
	}
	cw = fmin(84.0, 640.0 / (double)m->ncols);
	ch = fmin(bars ? 46.0 : 36.0, 480.0 / (double)m->nrows);
	W = (int)ceil(x0 + cw * (double)m->ncols + 120);
	H = (int)ceil(y0 + ch * (double)m->nrows + 70);
	if (W < 480)
		W = 480;
	locale_enter(&loc);
	svg_begin(f, W, H, title, m->subtitle);

	for (size_t r = 0; r < m->nrows; r++) {
		double y = y0 + ch * (double)r;

		text(f, x0 - 8, y + ch / 2 + 4, "text-anchor=\"end\" "
		    "font-size=\"12\"", "%g", m->row_value[r]);
		for (size_t c = 0; c < m->ncols; c++) {
			double v = m->mean[r * m->ncols + c];
			double x = x0 + cw * (double)c;
			char   col[8];
			int    dark;
			int    big = cw >= 56 && ch >= 30;

			if (!isfinite(v)) {
				fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" "
				    "width=\"%.1f\" height=\"%.1f\" "
				    "fill=\"#f4f4f4\" stroke=\"#ffffff\"/>\n",
				    x, y, cw, ch);
				continue;
			}
			viridis((v - lo) / (hi - lo), col, &dark);
			fprintf(f, "<rect class=\"cell\" x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
			    "stroke=\"#ffffff\"/>"
			    "\n", x, y, cw, ch, col);
			text(f, x + cw / 2, y + ch / 2 + (bars ? 0 : 4),
			    dark ? "text-anchor=\"middle\" fill=\"#000000\" "
			    "font-size=\"12\"" : "text-anchor=\"middle\" "
			    "fill=\"#ffffff\" font-size=\"12\"", "%.*f",
			    big ? dec : dec - 1 < 0 ? 0 : dec - 1, v * mul);
			if (bars && isfinite(m->sd[r * m->ncols + c]))
				text(f, x + cw / 2, y + ch / 2 + 15, dark ?
				    "text-anchor=\"middle\" fill=\"#000000\" "
				    "font-size=\"10\"" : "text-anchor=\"middle\" "
				    "fill=\"#ffffff\" font-size=\"10\"",
				    "\u00b1%.*f", big ? dec : dec - 1 < 0 ? 0 :
				    dec - 1, m->sd[r * m->ncols + c] * mul);
		}
	}
	/* Outline the cells where the test scale is the training scale. */
	for (size_t r = 0; r < m->nrows; r++)
		for (size_t c = 0; c < m->ncols; c++)
			if (m->row_value[r] == m->col_value[c])
				fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" "
				    "width=\"%.1f\" height=\"%.1f\" fill=\"none\""
				    " stroke=\"#d00000\" stroke-width=\"2\"/>\n",
				    x0 + cw * (double)c + 1, y0 + ch * (double)r
				    + 1, cw - 2, ch - 2);
	for (size_t c = 0; c < m->ncols; c++)
		text(f, x0 + cw * ((double)c + 0.5), y0 + ch *
		    (double)m->nrows + 18, "text-anchor=\"middle\" "
		    "font-size=\"12\"", "%g", m->col_value[c]);
	text(f, x0 + cw * (double)m->ncols / 2, y0 + ch * (double)m->nrows +
	    40, "text-anchor=\"middle\"", "%s \u2192",
	    m->col_label ? m->col_label : "test scale");
	fprintf(f, "<text x=\"0\" y=\"0\" text-anchor=\"middle\" "
	    "transform=\"translate(%.1f %.1f) rotate(-90)\">", x0 - 56,
	    y0 + ch * (double)m->nrows / 2);
	put_escaped(f, m->row_label ? m->row_label : "train scale");
	fputs(" \u2192</text>\n", f);
	text(f, x0, y0 + ch * (double)m->nrows + 58, "font-size=\"11\" "
	    "fill=\"#555555\"", "%s%s", "red outline: test scale = train scale",
	    bars ? "; cells: mean \u00b1 sd over seeds" : "");

	/* The colour bar: a vertical gradient with ticks in the cells' units. */
	{
		double bx = x0 + cw * (double)m->ncols + 24, bw = 16;
		double by0 = y0, by1 = y0 + fmin(ch * (double)m->nrows, 260);
		int    d;

		fputs("<defs><linearGradient id=\"viridis\" x1=\"0\" y1=\"1\" "
		    "x2=\"0\" y2=\"0\">\n", f);
		for (int i = 0; i < 9; i++)
			fprintf(f, "<stop offset=\"%.3f\" stop-color=\"#%02x%02x"
			    "%02x\"/>\n", i / 8.0, plot_viridis[i][0],
			    plot_viridis[i][1], plot_viridis[i][2]);
		fputs("</linearGradient></defs>\n", f);
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"url(#viridis)\" stroke=\"%s\"/>\n",
		    bx, by0, bw, by1 - by0, AXIS_COLOUR);
		ca = axis_fixed(lo * mul, hi * mul, by1, by0, 4);
		d = step_decimals(ca.step);
		for (double v = ceil(ca.lo / ca.step - 1e-9) * ca.step;
		    v <= ca.hi + ca.step * 1e-6; v += ca.step) {
			double y = axis_px(&ca, v);

			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"%s\"/>\n", bx + bw, y,
			    bx + bw + 4, y, AXIS_COLOUR);
			text(f, bx + bw + 7, y + 4, "font-size=\"11\"", "%.*f",
			    d, fabs(v) < ca.step * 1e-9 ? 0 : v);
		}
		text(f, bx, by0 - 8, "font-size=\"11\" fill=\"#555555\"", "%s",
		    m->percent ? "%" : "value");
	}
	locale_leave(&loc);
	return svg_end(f, err, errlen);
}
