/* Synthetic handwritten digits from stroke templates, for offline runs. */
#include "data/synth.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "kernels/rng.h"

#define SIDE        28
#define NPIX        (SIDE * SIDE)
#define MAX_GLYPHS  64   /* templates in a font */
#define MAX_STROKES 256
#define MAX_POINTS  4096
#define MAX_PER_STROKE 64
#define MAX_SAMPLES 2048 /* curve points of one rendered digit */

/*
 * The built-in templates: byte for byte assets/digits.strokes, so the
 * binary runs from any directory.  The build generates the header from
 * the asset (scripts/embed-text; tests/test_synth.c holds them equal).
 */
static const char builtin_strokes[] =
#include "digits_strokes.h"
	;

typedef struct {
	int first, npt;  /* into synth_font.pt */
	int closed;      /* ends where it began: wrap the tangents */
} stroke;

typedef struct {
	int first, nstroke;  /* into synth_font.st */
} glyph;

struct synth_font {
	float  pt[MAX_POINTS][2];   /* control points, box units 0-1 */
	int    npt;
	stroke st[MAX_STROKES];
	int    nst;
	glyph  gl[MAX_GLYPHS];
	int    ngl;
	int    of[10][MAX_GLYPHS];  /* the templates of each digit */
	int    nof[10];
};

const char *
synth_builtin_strokes(void)
{
	return builtin_strokes;
}

void
synth_font_free(synth_font *f)
{
	free(f);
}

/* Parse one "stroke x,y x,y ..." line (after the keyword) into f. */
static int
parse_stroke(synth_font *f, const char *s, int line, char *err,
    size_t errlen)
{
	stroke *st = &f->st[f->nst];
	char   *end;

	if (f->nst == MAX_STROKES)
		return err_set(err, errlen, "line %d: more than %d strokes", line,
		    MAX_STROKES);
	st->first = f->npt;
	st->npt = 0;
	for (;;) {
		float x, y;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '\n')
			break;
		x = strtof(s, &end);
		if (end == s || *end != ',')
			return err_set(err, errlen, "line %d: point %d is not "
			    "x,y", line, st->npt + 1);
		s = end + 1;
		y = strtof(s, &end);
		if (end == s || (*end != ' ' && *end != '\t' && *end != '\n' &&
		    *end != '\0'))
			return err_set(err, errlen, "line %d: point %d is not "
			    "x,y", line, st->npt + 1);
		s = end;
		if (!(x >= 0 && x <= 100 && y >= 0 && y <= 100))
			return err_set(err, errlen, "line %d: point %g,%g outside "
			    "the 0-100 box", line, (double)x, (double)y);
		if (f->npt == MAX_POINTS || st->npt == MAX_PER_STROKE)
			return err_set(err, errlen, "line %d: too many points",
			    line);
		f->pt[f->npt][0] = x / 100.0f;
		f->pt[f->npt][1] = y / 100.0f;
		f->npt++;
		st->npt++;
	}
	if (st->npt < 2)
		return err_set(err, errlen, "line %d: a stroke needs at least two "
		    "points", line);
	st->closed = st->npt > 3 &&
	    f->pt[st->first][0] == f->pt[f->npt - 1][0] &&
	    f->pt[st->first][1] == f->pt[f->npt - 1][1];
	f->nst++;
	f->gl[f->ngl - 1].nstroke++;
	return 0;
}

int
synth_font_parse(const char *text, synth_font **out, char *err,
    size_t errlen)
{
	synth_font *f = calloc(1, sizeof *f);
	const char *p = text;
	int         line = 0;

	*out = NULL;
	if (f == NULL)
		return err_set(err, errlen, "out of memory");
	while (*p != '\0') {
		const char *eol = strchr(p, '\n');
		size_t      len = eol ? (size_t)(eol - p) : strlen(p);
		char        buf[1024];
		char       *s = buf;
		int         d;

		line++;
		if (len >= sizeof buf) {
			free(f);
			return err_set(err, errlen, "line %d: too long", line);
		}
		memcpy(buf, p, len);
		buf[len] = '\0';
		p += len + (eol != NULL);
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			continue;
		if (strncmp(s, "digit", 5) == 0 && (s[5] == ' ' ||
		    s[5] == '\t')) {
			char *end;

			d = (int)strtol(s + 6, &end, 10);
			while (*end == ' ' || *end == '\t')
				end++;
			if (end == s + 6 || *end != '\0' || d < 0 || d > 9) {
				free(f);
				return err_set(err, errlen, "line %d: 'digit' "
				    "needs one digit 0-9", line);
			}
			if (f->ngl == MAX_GLYPHS) {
				free(f);
				return err_set(err, errlen, "line %d: more than "
				    "%d templates", line, MAX_GLYPHS);
			}
			f->gl[f->ngl].first = f->nst;
			f->gl[f->ngl].nstroke = 0;
			f->of[d][f->nof[d]++] = f->ngl;
			f->ngl++;
		} else if (strncmp(s, "stroke", 6) == 0 && (s[6] == ' ' ||
		    s[6] == '\t')) {
			if (f->ngl == 0) {
				free(f);
				return err_set(err, errlen, "line %d: a stroke "
				    "before any 'digit'", line);
			}
			if (parse_stroke(f, s + 7, line, err, errlen) != 0) {
				free(f);
				return -1;
			}
		} else {
			free(f);
			return err_set(err, errlen, "line %d: expected 'digit', "
			    "'stroke' or a # comment", line);
		}
	}
	for (int i = 0; i < f->ngl; i++)
		if (f->gl[i].nstroke == 0) {
			free(f);
			return err_set(err, errlen, "template %d has no strokes",
			    i + 1);
		}
	for (int d = 0; d < 10; d++)
		if (f->nof[d] == 0) {
			free(f);
			return err_set(err, errlen, "digit %d has no template", d);
		}
	*out = f;
	return 0;
}

uint8_t
synth_label(uint64_t seed, int split, size_t index)
{
	uint64_t key = rng_key(seed, RNG_SYNTH, 16 + (uint64_t)split);
	uint64_t block = index / 10;
	uint8_t  perm[10];
	size_t   pos = index % 10;

	/* Fisher-Yates over the block, drawn from the block's counters. */
	for (int i = 0; i < 10; i++)
		perm[i] = (uint8_t)i;
	for (int i = 9; i > 0; i--) {
		int     j = (int)(rng_hash(key, block * 16 + (uint64_t)i) %
		    (uint64_t)(i + 1));
		uint8_t t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	return perm[pos];
}

/*
 * The random numbers of one sample: uniform k is counter index * 256 + k,
 * normal pair k is counter index * 256 + 128 + k.  256 counters a sample
 * leave room for templates of up to 64 control points.
 */
typedef struct {
	uint64_t key, base;
} draws;

static float
uni(const draws *d, int k, float lo, float hi)
{
	return lo + (hi - lo) * rng_uniform(d->key, d->base + (uint64_t)k);
}

static void
normal2(const draws *d, int k, float *a, float *b)
{
	rng_normal2(d->key, d->base + 128 + (uint64_t)k, a, b);
}

/* Catmull-Rom point at t in [0,1] between p1 and p2. */
static void
catmull(const float *p0, const float *p1, const float *p2, const float *p3,
    float t, float *out)
{
	float t2 = t * t, t3 = t2 * t;

	for (int c = 0; c < 2; c++)
		out[c] = 0.5f * (2 * p1[c] + (-p0[c] + p2[c]) * t +
		    (2 * p0[c] - 5 * p1[c] + 4 * p2[c] - p3[c]) * t2 +
		    (-p0[c] + 3 * p1[c] - 3 * p2[c] + p3[c]) * t3);
}

/* A polyline: curve points and where each stroke starts. */
typedef struct {
	float xy[MAX_SAMPLES][2];
	int   n;
	int   start[MAX_STROKES + 1];
	int   nstroke;
} polyline;

/*
 * Sample a stroke's curve through its (already deformed) points, about
 * every three pixels once fitted (the glyph spans about px_per_unit).
 */
static void
sample_stroke(float (*p)[2], int npt, int closed, float px_per_unit,
    polyline *pl)
{
	int spans = npt - 1;

	pl->start[pl->nstroke++] = pl->n;
	for (int i = 0; i < spans; i++) {
		int   i0 = i - 1, i3 = i + 2, sub;
		float cx = p[i + 1][0] - p[i][0], cy = p[i + 1][1] - p[i][1];

		if (closed) {
			/* The last point repeats the first: skip it. */
			i0 = i0 < 0 ? npt - 2 : i0;
			i3 = i3 > npt - 1 ? i3 - (npt - 1) : i3;
		} else {
			i0 = i0 < 0 ? 0 : i0;
			i3 = i3 > npt - 1 ? npt - 1 : i3;
		}
		sub = (int)ceilf(sqrtf(cx * cx + cy * cy) * px_per_unit / 3.0f);
		sub = sub < 2 ? 2 : sub > 16 ? 16 : sub;
		for (int s = 0; s < sub + (i == spans - 1); s++) {
			if (pl->n == MAX_SAMPLES)
				return;
			catmull(p[i0], p[i], p[i + 1], p[i3], (float)s / sub,
			    pl->xy[pl->n]);
			pl->n++;
		}
	}
}

/*
 * Lower the squared distance field q with segment a-b of a stroke whose
 * pen is m times the sample's: q stores (distance / m)^2, so one sqrt per
 * pixel at the end turns it into ink.  Only pixels within reach (in
 * pixels, already divided by m) of the segment are touched.
 */
static void
ink_segment(float *q, const float *a, const float *b, float inv_m2,
    float reach)
{
	float dx = b[0] - a[0], dy = b[1] - a[1];
	float len2 = dx * dx + dy * dy;
	float inv = len2 > 1e-12f ? 1.0f / len2 : 0.0f;
	float lo_x = a[0] < b[0] ? a[0] : b[0], hi_x = a[0] < b[0] ? b[0] : a[0];
	float lo_y = a[1] < b[1] ? a[1] : b[1], hi_y = a[1] < b[1] ? b[1] : a[1];
	/* Pixel centres are whole coordinates: only those within reach. */
	int   x0 = (int)ceilf(lo_x - reach), x1 = (int)floorf(hi_x + reach);
	int   y0 = (int)ceilf(lo_y - reach), y1 = (int)floorf(hi_y + reach);

	x0 = x0 < 0 ? 0 : x0;
	y0 = y0 < 0 ? 0 : y0;
	x1 = x1 > SIDE - 1 ? SIDE - 1 : x1;
	y1 = y1 > SIDE - 1 ? SIDE - 1 : y1;
	for (int y = y0; y <= y1; y++) {
		float  py = (float)y - a[1];
		float *row = q + y * SIDE;

		/* Branch-free (max(v, 0) = (v + |v|) / 2) so the compiler
		 * vectorises along the row. */
		for (int x = x0; x <= x1; x++) {
			float px = (float)x - a[0];
			float t = (px * dx + py * dy) * inv;
			float ex, ey, d2, r = row[x];

			t = 0.5f * (t + fabsf(t));
			t = 1.0f - 0.5f * ((1.0f - t) + fabsf(1.0f - t));
			ex = px - t * dx;
			ey = py - t * dy;
			d2 = (ex * ex + ey * ey) * inv_m2;
			row[x] = 0.5f * ((d2 + r) - fabsf(d2 - r));
		}
	}
}

/* One sample's handwriting, drawn before any of its strokes. */
typedef struct {
	float rot, slant, aspect;  /* the glyph's pose */
	float box, radius, soft;   /* ink box, pen radius, edge, in px */
	float jit, amp;            /* point jitter, smooth bend amplitude */
	float fx[2], fy[2], ph[4]; /* the bend's frequencies and phases */
	float c, s;                /* cos and sin of rot */
} style;

/* Per-sample style: the ranges set how hard the set is to learn. */
static void
draw_style(const draws *d, style *sty)
{
	sty->rot = uni(d, 1, -0.30f, 0.30f);    /* +-17 degrees */
	sty->slant = uni(d, 2, -0.35f, 0.55f);  /* x += slant * height */
	sty->aspect = uni(d, 3, 0.60f, 1.30f);  /* width / height */
	sty->box = uni(d, 4, 17.0f, 20.0f);     /* the inked box, px */
	sty->radius = uni(d, 5, 0.8f, 2.1f);    /* pen radius, px */
	sty->soft = uni(d, 6, 0.45f, 0.8f);     /* edge half-width, px */
	sty->jit = uni(d, 7, 0.02f, 0.065f);    /* control point jitter */
	sty->amp = uni(d, 8, 0.0f, 0.08f);      /* smooth bend amplitude */
	for (int k = 0; k < 2; k++) {
		sty->fx[k] = uni(d, 9 + k, 2.0f, 7.0f);
		sty->fy[k] = uni(d, 11 + k, 2.0f, 7.0f);
	}
	for (int k = 0; k < 4; k++)
		sty->ph[k] = uni(d, 13 + k, 0, 6.2831853f);
	sty->c = cosf(sty->rot);
	sty->s = sinf(sty->rot);
}

/*
 * One template point (box units, centred) jittered by (z0, z1), bent by
 * the elastic field, slanted, stretched and rotated into out.
 */
static void
warp_point(const style *sty, float x, float y, float z0, float z1,
    float out[2])
{
	float u, v;

	x += sty->jit * z0;
	y += sty->jit * z1;
	/* Elastic: a smooth random displacement field. */
	u = x + sty->amp * sinf(sty->fx[0] * y + sty->ph[0]) *
	    cosf(sty->fx[1] * x + sty->ph[1]);
	v = y + sty->amp * sinf(sty->fy[0] * x + sty->ph[2]) *
	    cosf(sty->fy[1] * y + sty->ph[3]);
	u = (u + sty->slant * -v) * sty->aspect;
	out[0] = sty->c * u - sty->s * v;
	out[1] = sty->s * u + sty->c * v;
}

/* Glyph g's strokes, each point warped, sampled as curves into pl. */
static void
trace_glyph(const synth_font *f, const glyph *g, const draws *d,
    const style *sty, polyline *pl)
{
	float pts[MAX_PER_STROKE][2];
	int   nrm = 0;

	pl->n = 0;
	pl->nstroke = 0;
	for (int si = 0; si < g->nstroke; si++) {
		const stroke *st = &f->st[g->first + si];

		for (int i = 0; i < st->npt; i++) {
			const float *p = f->pt[st->first + i];
			float        z0, z1;

			/* A closed stroke's last point is its first: same
			 * jitter, or the loop would not close. */
			if (st->closed && i == st->npt - 1) {
				pts[i][0] = pts[0][0];
				pts[i][1] = pts[0][1];
				continue;
			}
			normal2(d, nrm++, &z0, &z1);
			/* Free ends wander more than points held by the curve:
			 * tails overshoot or stop short. */
			if (!st->closed && (i == 0 || i == st->npt - 1)) {
				z0 *= 1.6f;
				z1 *= 1.6f;
			}
			warp_point(sty, p[0] - 0.5f, p[1] - 0.5f, z0, z1, pts[i]);
		}
		sample_stroke(pts, st->npt, st->closed, sty->box, pl);
	}
	pl->start[pl->nstroke] = pl->n;
}

/* Fit the curve and the pen into a box x box square (aspect kept), in
 * pixels, centred near (14, 14). */
static void
fit_box(const draws *d, const style *sty, polyline *pl)
{
	float minx = 1e9f, maxx = -1e9f, miny = 1e9f, maxy = -1e9f;
	float scale, ox, oy;

	for (int i = 0; i < pl->n; i++) {
		float x = pl->xy[i][0], y = pl->xy[i][1];

		minx = x < minx ? x : minx;
		maxx = x > maxx ? x : maxx;
		miny = y < miny ? y : miny;
		maxy = y > maxy ? y : maxy;
	}
	scale = maxx - minx > maxy - miny ? maxx - minx : maxy - miny;
	scale = (sty->box - 2 * sty->radius) / (scale > 1e-3f ? scale : 1e-3f);
	ox = 14.0f - scale * 0.5f * (minx + maxx) + uni(d, 17, -0.5f, 0.5f);
	oy = 14.0f - scale * 0.5f * (miny + maxy) + uni(d, 18, -0.5f, 0.5f);
	for (int i = 0; i < pl->n; i++) {
		pl->xy[i][0] = ox + scale * pl->xy[i][0];
		pl->xy[i][1] = oy + scale * pl->xy[i][1];
	}
}

/* The pen along pl as ink in [0, 1], cv[NPIX]. */
static void
ink_polyline(const draws *d, const style *sty, const polyline *pl, float *cv)
{
	/* "Far": past any pen's reach, yet small enough that the min in
	 * ink_segment keeps the precision of d2. */
	for (int i = 0; i < NPIX; i++)
		cv[i] = 64.0f;
	for (int k = 0; k < pl->nstroke; k++) {
		/* Pressure varies a little from stroke to stroke. */
		float m = uni(d, 20 + k % 40, 0.85f, 1.15f);

		for (int i = pl->start[k]; i + 1 < pl->start[k + 1]; i++)
			ink_segment(cv, pl->xy[i], pl->xy[i + 1],
			    1.0f / (m * m), (sty->radius + sty->soft) * m);
	}
	/* Full ink inside radius - soft, then a linear edge 2 * soft wide:
	 * the anti-aliasing of MNIST's downscaled scans. */
	for (int i = 0; i < NPIX; i++) {
		float ink = (sty->radius + sty->soft - sqrtf(cv[i])) /
		    (2 * sty->soft);

		ink = ink > 1.0f ? 1.0f : ink;
		cv[i] = ink < 0.0f ? 0.0f : ink;
	}
}

/* cv centred by mass at (14, 14), as MNIST (whole-pixel moves), as bytes
 * into out[NPIX]. */
static void
centre_by_mass(const float *cv, uint8_t *out)
{
	float shifted[NPIX], mass = 0, mx = 0, my = 0;
	int   sx = 0, sy = 0;

	for (int y = 0; y < SIDE; y++)
		for (int x = 0; x < SIDE; x++) {
			float v = cv[y * SIDE + x];

			mass += v;
			mx += v * (float)x;
			my += v * (float)y;
		}
	if (mass > 0) {
		sx = (int)lrintf(14.0f - mx / mass);
		sy = (int)lrintf(14.0f - my / mass);
	}
	memset(shifted, 0, sizeof shifted);
	for (int y = 0; y < SIDE; y++)
		for (int x = 0; x < SIDE; x++) {
			int tx = x + sx, ty = y + sy;

			if (tx >= 0 && tx < SIDE && ty >= 0 && ty < SIDE)
				shifted[ty * SIDE + tx] = cv[y * SIDE + x];
		}
	for (int i = 0; i < NPIX; i++)
		out[i] = (uint8_t)lrintf(shifted[i] * 255.0f);
}

/* Draw sample index of a split (label given) into out[784]. */
static void
render(const synth_font *f, uint64_t key, size_t index, int label,
    uint8_t *out)
{
	draws        d = { key, (uint64_t)index * 256 };
	polyline     pl;
	style        sty;
	float        cv[NPIX];
	const glyph *g;

	g = &f->gl[f->of[label][(int)(uni(&d, 0, 0, 1) * f->nof[label]) %
	    f->nof[label]]];
	draw_style(&d, &sty);
	trace_glyph(f, g, &d, &sty, &pl);
	fit_box(&d, &sty, &pl);
	ink_polyline(&d, &sty, &pl, cv);
	centre_by_mass(cv, out);
}

int
synth_generate(const synth_font *font, uint64_t seed, int split,
    size_t first, size_t n, uint8_t *pix, uint8_t *label, char *err,
    size_t errlen)
{
	synth_font *own = NULL;
	uint64_t    key = rng_key(seed, RNG_SYNTH, (uint64_t)split);

	if (font == NULL) {
		if (synth_font_parse(builtin_strokes, &own, err, errlen) != 0)
			return -1;
		font = own;
	}
	/* Samples are independent: any split of the loop gives the same
	 * bytes. */
#pragma omp parallel for schedule(static)
	for (size_t i = 0; i < n; i++) {
		int lab = synth_label(seed, split, first + i);

		label[i] = (uint8_t)lab;
		render(font, key, first + i, lab, pix + i * NPIX);
	}
	synth_font_free(own);
	return 0;
}
