/*
 * svg: the drawing primitives of the SVG figures (figure_draw.c): the
 * document, escaped text, axes, frames, markers, lines, legends and the
 * colour scales, behind svg.h.
 */
#include "render/svg.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "base/err.h"

#define SVG_FONT "DejaVu Sans, Helvetica, Arial, sans-serif"

/* Okabe-Ito: told apart with the common colour-vision deficiencies. */
const char *const svg_palette[SVG_MAXSERIES] = {
	"#0072B2", "#D55E00", "#009E73", "#CC79A7",
	"#E69F00", "#56B4E9", "#000000", "#B8A200",
};

/* Viridis at 0, 1/8, ..., 1: perceptually even, dark to yellow. */
static const unsigned char svg_viridis[9][3] = {
	{ 0x44, 0x01, 0x54 }, { 0x47, 0x2d, 0x7b }, { 0x3b, 0x52, 0x8b },
	{ 0x2c, 0x72, 0x8e }, { 0x21, 0x91, 0x8c }, { 0x28, 0xae, 0x80 },
	{ 0x5e, 0xc9, 0x62 }, { 0xad, 0xdc, 0x30 }, { 0xfd, 0xe7, 0x25 },
};

void
svg_locale_enter(svg_locale *l)
{
	l->c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	l->old = l->c ? uselocale(l->c) : (locale_t)0;
}

void
svg_locale_leave(svg_locale *l)
{
	if (l->c) {
		uselocale(l->old);
		freelocale(l->c);
	}
}

int
svg_utf8_len(const unsigned char *p)
{
	unsigned c = *p;
	int      len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 :
	    (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;

	if (len == 0 || (len == 2 && c < 0xc2) || (len == 4 && c > 0xf4))
		return 0;
	for (int i = 1; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/*
 * Write s as XML character data: & < > " ' escaped, control bytes (not
 * allowed in XML 1.0) dropped, and each byte that does not start a valid
 * UTF-8 sequence written as '?', so any input string gives a parseable
 * document.
 */
void
svg_put_escaped(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		unsigned c = *p;
		int      len = svg_utf8_len(p);

		if (len == 0) {
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
void
svg_text(FILE *f, double x, double y, const char *attrs,
    const char *fmt, ...)
{
	char    buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
	svg_put_escaped(f, buf);
	fputs("</text>\n", f);
}

void
svg_begin(FILE *f, int w, int h, const char *title,
    const char *subtitle)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "font-family=\"%s\" font-size=\"13\">\n", w, h, w, h, SVG_FONT);
	fputs("<title>", f);
	svg_put_escaped(f, title);
	fputs("</title>\n", f);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
	    "fill=\"#ffffff\"/>\n", w, h);
	svg_text(f, w / 2.0, 24, "text-anchor=\"middle\" font-size=\"16\" "
	    "font-weight=\"bold\" fill=\"#111111\"", "%s", title);
	if (subtitle && *subtitle)
		svg_text(f, w / 2.0, 42, "text-anchor=\"middle\" "
		    "font-size=\"12\" fill=\"#555555\"", "%s", subtitle);
}

int
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
svg_axis
svg_axis_fit(double lo, double hi, double p_lo, double p_hi,
    int target)
{
	svg_axis a;

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
svg_axis
svg_axis_fixed(double lo, double hi, double p_lo, double p_hi,
    int target)
{
	svg_axis a = { lo, hi, nice_step(hi - lo, target), p_lo, p_hi };

	return a;
}

double
svg_axis_px(const svg_axis *a, double v)
{
	return a->p_lo + (v - a->lo) / (a->hi - a->lo) * (a->p_hi - a->p_lo);
}

/* Decimals that show a tick step exactly (0.05 -> 2, 5 -> 0). */
int
svg_step_decimals(double step)
{
	int d = (int)-floor(log10(step) + 1e-9);

	return d < 0 ? 0 : d > 6 ? 6 : d;
}

/*
 * Horizontal grid lines and tick labels of a y axis on the left of the
 * frame x0 .. x1, with its label rotated beside them.
 */
void
svg_y_axis(FILE *f, const svg_axis *a, double x0, double x1,
    const char *label)
{
	int    d = svg_step_decimals(a->step);
	double mid = (a->p_lo + a->p_hi) / 2;

	for (double v = a->lo; v <= a->hi + a->step * 1e-6; v += a->step) {
		double y = svg_axis_px(a, v);
		double vv = fabs(v) < a->step * 1e-9 ? 0 : v;

		svg_line(f, x0, y, x1, y, GRID_COLOUR);
		svg_line(f, x0 - 5, y, x0, y, AXIS_COLOUR);
		svg_text(f, x0 - 8, y + 4, "text-anchor=\"end\" "
		    "font-size=\"11\"", "%.*f", d, vv);
	}
	fprintf(f, "<text x=\"0\" y=\"0\" text-anchor=\"middle\" "
	    "transform=\"translate(%.1f %.1f) rotate(-90)\">", x0 - 48, mid);
	svg_put_escaped(f, label);
	fputs("</text>\n", f);
}

void
svg_line(FILE *f, double x1, double y1, double x2, double y2,
    const char *colour)
{
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"%s\"/>\n", x1, y1, x2, y2, colour);
}

void
svg_frame(FILE *f, double x0, double y0, double x1, double y1)
{
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
	    "fill=\"none\" stroke=\"%s\"/>\n", x0, y0, x1 - x0, y1 - y0,
	    AXIS_COLOUR);
}

/*
 * A marker of shape k (circle, square, triangle, diamond) at (x, y), of
 * class cls ("point" on the plot, "key" in the legend).
 */
void
svg_marker(FILE *f, int k, double x, double y, const char *colour,
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
void
svg_polyline(FILE *f, const double *xs, const double *ys, size_t n,
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
void
svg_legend_box(FILE *f, double x, double y, double w, size_t rows)
{
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
	    "fill=\"#ffffff\" stroke=\"#bbbbbb\"/>\n", x, y, w,
	    20.0 * (double)rows + 10);
}

void
svg_key_line(FILE *f, double x0, double x1, double y, const char *colour,
    int width, const char *dash)
{
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"%s\" stroke-width=\"%d\"%s%s%s/>\n", x0, y, x1, y, colour,
	    width, dash ? " stroke-dasharray=\"" : "", dash ? dash : "",
	    dash ? "\"" : "");
}

int
svg_any_finite(const double *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		if (isfinite(v[i]))
			return 1;
	return 0;
}

/* Widen [*lo, *hi] to hold the finite values of v (and v +- sd). */
void
svg_extend(double *lo, double *hi, const double *v, const double *sd,
    size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		double s = sd && isfinite(sd[i]) ? fabs(sd[i]) : 0;

		if (!isfinite(v[i]))
			continue;
		*lo = fmin(*lo, v[i] - s);
		*hi = fmax(*hi, v[i] + s);
	}
}


void
svg_viridis_colour(double t, char out[8], int *dark_text)
{
	double u = (t < 0 ? 0 : t > 1 ? 1 : t) * 8;
	int    i = u >= 8 ? 7 : (int)u;
	double r = u - i, c[3];

	for (int j = 0; j < 3; j++)
		c[j] = svg_viridis[i][j] +
		    r * (svg_viridis[i + 1][j] - svg_viridis[i][j]);
	snprintf(out, 8, "#%02x%02x%02x", (unsigned)lround(c[0]),
	    (unsigned)lround(c[1]), (unsigned)lround(c[2]));
	*dark_text = (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) > 140;
}

void
svg_viridis_gradient(FILE *f, const char *id)
{
	fprintf(f, "<defs><linearGradient id=\"%s\" x1=\"0\" y1=\"1\" "
	    "x2=\"0\" y2=\"0\">\n", id);
	for (int i = 0; i < 9; i++)
		fprintf(f, "<stop offset=\"%.3f\" stop-color=\"#%02x%02x"
		    "%02x\"/>\n", i / 8.0, svg_viridis[i][0],
		    svg_viridis[i][1], svg_viridis[i][2]);
	fputs("</linearGradient></defs>\n", f);
}

void
svg_series(FILE *f, const svg_axis *ya, const double *mean, const double *sd,
    size_t n, double x0, double slot, double dx, int k, int bars,
    double *xs, double *ys)
{
	const char *col = svg_palette[k];

	for (size_t i = 0; i < n; i++) {
		xs[i] = x0 + ((double)i + 0.5) * slot + dx;
		ys[i] = isfinite(mean[i]) ? svg_axis_px(ya, mean[i]) : NAN;
	}
	svg_polyline(f, xs, ys, n, col, NULL);
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(ys[i]))
			continue;
		if (bars && sd != NULL && isfinite(sd[i])) {
			double a = svg_axis_px(ya, mean[i] - sd[i]);
			double b = svg_axis_px(ya, mean[i] + sd[i]);

			fprintf(f, "<path class=\"whisker\" d=\"M%.1f %.1fV%.1f"
			    "M%.1f %.1fH%.1fM%.1f %.1fH%.1f\" stroke=\"%s\" "
			    "stroke-width=\"1.5\" fill=\"none\"/>\n", xs[i], a,
			    b, xs[i] - 4, a, xs[i] + 4, xs[i] - 4, b, xs[i] + 4,
			    col);
		}
		svg_marker(f, k, xs[i], ys[i], col, "point");
	}
}
