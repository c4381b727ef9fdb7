/*
 * ui: the ncurses dashboard.  The only module that includes curses.
 *
 * One thread draws: it sleeps in poll() on the terminal and the worker's
 * self-pipe, reads keys, copies the worker's snapshot when it changed, and
 * redraws at most ~20 times a second (keys redraw at once).  Everything on
 * screen is drawn from the UI's own copy of the snapshot; the model is
 * never touched here.  Signals only set flags that the loop acts on.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1

#include "ui.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <omp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "noise.h"
#include "render.h"
#include "results.h"
#include "run.h"
#include "worker.h"

#define MIN_COLS 80
#define MIN_LINES 24
#define FRAME_SECONDS 0.05     /* at most ~20 redraws a second */
#define MESSAGE_SECONDS 8.0    /* how long a status message stays */
#define DIGIT_ROWS (DATASET_SIDE / 2)

/* Colour pairs; the grey ramp for the half blocks starts at PAIR_GREY. */
enum {
	PAIR_TITLE = 1, PAIR_HEAD, PAIR_TRAIN, PAIR_VAL, PAIR_RUN, PAIR_BAD,
	PAIR_GOOD, PAIR_GREY = 16,
};

enum { MODE_NORMAL, MODE_GOTO, MODE_CONFIRM_QUIT };

/* The noise scales Up/Down step through. */
static const float preview_steps[] = { 0.0f, 0.05f, 0.1f, 0.2f, 0.3f, 0.5f,
	0.75f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f };
#define NSTEPS ((int)(sizeof preview_steps / sizeof preview_steps[0]))

/* Signals only set these; the loop acts on them.  got_quit_signal holds
 * the number of the SIGINT, SIGTERM or SIGHUP that arrived. */
static volatile sig_atomic_t got_quit_signal, got_cont;

typedef struct {
	const ui_options *o;
	const dataset    *ds;
	worker           *w;
	worker_snapshot  *snap;     /* the UI's copy */
	sweep_table      *plan;     /* the s key's scales, pending: shown
	                               until a sweep starts */

	render_charset cs;
	int            color;       /* colour pairs in use */
	int            grey;        /* half blocks on the grey ramp */
	int            levels;      /* grey levels when grey */

	int    split;               /* 0 train, 1 test */
	size_t index[2];            /* current image of each split */
	float  scale;               /* preview noise */
	int    misc_only;           /* browse misclassified test images */
	int    help;
	int    mode;
	char   prompt[24];
	char   status[512];
	double status_until;
	char   last_worker_msg[512];
	uint64_t seen_pred_gen;
	int    quit;

	/* The images on screen, recomputed when split/index/scale change. */
	float  clean[DATASET_NPIX], noisy[DATASET_NPIX];
	int    img_split;
	size_t img_index;
	float  img_scale;
	int    img_valid;
	int    asked_predict;       /* worker_predict sent for this image */
} ui;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
on_quit_signal(int sig)
{
	got_quit_signal = sig;
}

static void
on_cont(int sig)
{
	(void)sig;
	got_cont = 1;
}

__attribute__((format(printf, 2, 3))) static void
say(ui *u, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->status, sizeof u->status, fmt, ap);
	va_end(ap);
	u->status_until = now() + MESSAGE_SECONDS;
}

/* ---------------------------------------------------------------- text */

/* Bytes of the first cells of s (every glyph we draw is one cell). */
static size_t
cells_to_bytes(const char *s, int cells)
{
	size_t i = 0;

	while (s[i] != '\0' && cells > 0) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
		cells--;
	}
	return i;
}

static int
cell_count(const char *s)
{
	int n = 0;

	for (; *s; s++)
		if ((*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Draw s at (y, x), cut to maxw cells and to the screen; returns cells. */
static int
put(int y, int x, int maxw, attr_t attr, const char *s)
{
	size_t n;
	int    c;

	if (y < 0 || y >= LINES || x < 0 || x >= COLS || maxw <= 0)
		return 0;
	if (maxw > COLS - x)
		maxw = COLS - x;
	/* ncurses cannot write the bottom-right cell without scrolling. */
	if (y == LINES - 1 && x + maxw >= COLS)
		maxw = COLS - 1 - x;
	n = cells_to_bytes(s, maxw);
	c = cell_count(s);
	attron(attr);
	mvaddnstr(y, x, s, (int)n);
	attroff(attr);
	return c < maxw ? c : maxw;
}

__attribute__((format(printf, 5, 6))) static int
putf(int y, int x, int maxw, attr_t attr, const char *fmt, ...)
{
	char    buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return put(y, x, maxw, attr, buf);
}

static attr_t
pair_attr(const ui *u, int pair, attr_t mono)
{
	return u->color ? COLOR_PAIR(pair) : mono;
}

/* A pane title: "─ Title ─────" across w cells. */
static void
rule(ui *u, int y, int x, int w, const char *title)
{
	const char *h = u->cs == RENDER_UTF8 ? "─" : "-";
	char        line[1024];
	size_t      len = 0, hl = strlen(h);
	int         i;

	for (i = 0; i < w && len + hl < sizeof line; i++) {
		memcpy(line + len, h, hl);
		len += hl;
	}
	line[len] = '\0';
	put(y, x, w, pair_attr(u, PAIR_HEAD, A_DIM), line);
	if (title != NULL && w > 4)
		putf(y, x + 1, w - 2, pair_attr(u, PAIR_HEAD, A_BOLD) | A_BOLD,
		    " %s ", title);
}

static const char *
fmt_scale(float s, char *buf, size_t len)
{
	snprintf(buf, len, "%g", (double)s);
	return buf;
}

/* ------------------------------------------------------------- images */

static const dataset_split *
cur_split(const ui *u)
{
	return u->split ? &u->ds->test : &u->ds->train;
}

static void
update_images(ui *u)
{
	const dataset_split *sp = cur_split(u);
	size_t i = u->index[u->split];

	if (u->img_valid && u->img_split == u->split && u->img_index == i &&
	    u->img_scale == u->scale)
		return;
	u->img_valid = 0;
	u->asked_predict = 0;
	if (i >= sp->n)
		return;
	noise_clean(sp->pix + i * DATASET_NPIX, 1, DATASET_NPIX, u->clean);
	/* The trainer's own draws for this image: the same function of
	 * (seed, split, image, pixel) that sweep_run uses. */
	noise_apply(sp->pix, i, 1, DATASET_NPIX, u->scale, u->o->cfg.seed,
	    u->split, u->noisy);
	u->img_split = u->split;
	u->img_index = i;
	u->img_scale = u->scale;
	u->img_valid = 1;
}

static void
ask_predict(ui *u)
{
	if (u->img_valid && !u->asked_predict && u->snap->st.have_model) {
		worker_predict(u->w, u->img_split, u->img_index, u->img_scale,
		    u->o->cfg.seed);
		u->asked_predict = 1;
	}
}

static void
draw_digit(ui *u, const float *img, int y, int x)
{
	char buf[256];
	int  r, c;

	if (u->grey) {
		unsigned char top[DIGIT_ROWS * DATASET_SIDE];
		unsigned char bot[DIGIT_ROWS * DATASET_SIDE];
		wchar_t       half[2] = { 0x2580, 0 };

		render_digit_halves(img, DATASET_SIDE, u->levels, top, bot);
		for (r = 0; r < DIGIT_ROWS && y + r < LINES; r++)
			for (c = 0; c < DATASET_SIDE && x + c < COLS; c++) {
				cchar_t cc;
				int     k = r * DATASET_SIDE + c;
				short   pair = (short)(PAIR_GREY +
				    top[k] * u->levels + bot[k]);

				setcchar(&cc, half, A_NORMAL, pair, NULL);
				mvadd_wch(y + r, x + c, &cc);
			}
		return;
	}
	for (r = 0; r < DIGIT_ROWS; r++) {
		render_digit_row(img, DATASET_SIDE, r, u->cs, buf, sizeof buf);
		put(y + r, x, DATASET_SIDE, A_NORMAL, buf);
	}
}

/* Is test image i misclassified by the kept model (at its own scale)? */
static int
is_miss(const ui *u, size_t i)
{
	return u->snap->test_pred != NULL && i < u->snap->test_n &&
	    u->snap->test_pred[i] != u->ds->test.label[i];
}

static size_t
count_misses(const ui *u, size_t upto, size_t *pos)
{
	size_t n = 0, p = 0;

	for (size_t i = 0; i < u->snap->test_n; i++)
		if (is_miss(u, i)) {
			if (i < upto)
				p++;
			n++;
		}
	if (pos != NULL)
		*pos = p;
	return n;
}

static void
draw_samples(ui *u, int y, int w)
{
	const dataset_split *sp = cur_split(u);
	size_t i = u->index[u->split];
	char   s1[32], s2[32], buf[256];
	int    ix = 61, iw = w - ix;
	int    yy = y + 1;

	update_images(u);
	ask_predict(u);
	rule(u, y, 0, w, NULL);
	putf(y, 1, 30, pair_attr(u, PAIR_HEAD, A_BOLD) | A_BOLD,
	    " Samples: original ");
	putf(y, 31, 30, pair_attr(u, PAIR_HEAD, A_BOLD) | A_BOLD,
	    " noisy, scale %s ", fmt_scale(u->scale, s1, sizeof s1));
	if (!u->img_valid) {
		putf(yy, 1, w - 2, A_NORMAL, "no %s images loaded",
		    u->split ? "test" : "train");
		return;
	}
	draw_digit(u, u->clean, yy, 1);
	draw_digit(u, u->noisy, yy, 31);

	putf(yy, ix, iw, A_BOLD, "%s #%zu", u->split ? "test" : "train", i);
	putf(yy + 1, ix, iw, A_DIM, "of %zu", sp->n);
	/* Fashion-MNIST and the like name their classes. */
	if (u->ds->class_name[sp->label[i]] != NULL)
		putf(yy + 2, ix, iw, A_NORMAL, "label  %d %s", sp->label[i],
		    u->ds->class_name[sp->label[i]]);
	else
		putf(yy + 2, ix, iw, A_NORMAL, "label  %d", sp->label[i]);
	putf(yy + 3, ix, iw, A_NORMAL, "noise  %s",
	    fmt_scale(u->scale, s1, sizeof s1));
	if (!u->snap->st.have_model) {
		put(yy + 5, ix, iw, A_DIM, "no model yet:");
		put(yy + 6, ix, iw, A_DIM, "t trains one");
	} else {
		const worker_snapshot *s = u->snap;

		putf(yy + 5, ix, iw, A_NORMAL, "model %s@%s",
		    worker_job_name(s->st.model_job),
		    fmt_scale(s->st.model_scale, s2, sizeof s2));
		if (s->st.probs_valid && s->st.probs_split == u->img_split &&
		    s->st.probs_index == u->img_index &&
		    s->st.probs_scale == u->img_scale) {
			int arg = 0;

			for (int c = 1; c < WORKER_NCLASS; c++)
				if (s->st.probs[c] > s->st.probs[arg])
					arg = c;
			putf(yy + 6, ix, iw, arg == sp->label[i] ?
			    pair_attr(u, PAIR_GOOD, A_BOLD) :
			    pair_attr(u, PAIR_BAD, A_REVERSE) | A_BOLD,
			    "pred   %d %5.1f%% %s", arg, s->st.probs[arg] * 100.0,
			    arg == sp->label[i] ? "ok" : "MISS");
			render_probs(s->st.probs, WORKER_NCLASS, u->cs, buf,
			    sizeof buf);
			put(yy + 7, ix + 7, iw - 7, pair_attr(u, PAIR_VAL,
			    A_NORMAL), buf);
			put(yy + 8, ix + 7, iw - 7, A_DIM, "0123456789");
		} else
			put(yy + 6, ix, iw, A_DIM, "pred   ...");
		putf(yy + 10, ix, iw, A_DIM, "test acc %.2f%%",
		    s->st.model_acc * 100.0);
	}
	if (u->misc_only) {
		size_t pos, n = count_misses(u, u->index[1], &pos);

		putf(yy + 12, ix, iw, pair_attr(u, PAIR_BAD, A_BOLD) | A_BOLD,
		    "misclassified");
		putf(yy + 13, ix, iw, A_NORMAL, "%zu of %zu", pos + 1, n);
	}
}

/* ----------------------------------------------------------- training */

static double
metric(const train_epoch *e, int m)
{
	switch (m) {
	case 0:  return e->acc;
	case 1:  return e->val_acc;
	case 2:  return e->loss;
	default: return e->val_loss;
	}
}

static const char *const metric_name[4] = { "acc", "val", "loss", "vloss" };

/* One curve line: label, sparkline (shared lo..hi), latest value. */
static void
draw_curve(ui *u, int y, int x, int w, const char *label, const sweep_row *r,
    int m, double lo, double hi)
{
	double v[TRAIN_MAX_EPOCHS];
	char   buf[4 * 512];
	int    lw = 10, vw = 7, sw = w - lw - vw, n = r->nhist;

	for (int e = 0; e < n; e++)
		v[e] = metric(&r->hist[e], m);
	putf(y, x, lw, m < 2 ? pair_attr(u, m == 0 ? PAIR_TRAIN : PAIR_VAL,
	    A_NORMAL) : A_NORMAL, "%s", label);
	if (sw > 0 && n > 0) {
		render_sparkline(v, n, lo, hi, sw > 512 ? 512 : sw, u->cs, buf,
		    sizeof buf);
		put(y, x + lw, sw, m == 0 ? pair_attr(u, PAIR_TRAIN,
		    A_NORMAL) : m == 1 ? pair_attr(u, PAIR_VAL, A_NORMAL) :
		    A_NORMAL, buf);
	}
	if (n > 0)
		putf(y, x + w - vw + 1, vw - 1, A_BOLD,
		    m < 2 ? "%5.2f%%" : "%6.4f", m < 2 ? v[n - 1] * 100.0 :
		    v[n - 1]);
	else
		put(y, x + w - vw + 1, vw - 1, A_DIM, "   -");
}

static void
draw_training(ui *u, int y, int x, int w, int h)
{
	const worker_snapshot *s = u->snap;
	const sweep_table     *t = &s->table;
	char  title[320], buf[512], a[32], b[32], sc[32];
	int   show[2], nshow = 0, avail, per;

	/* The run's id in the title (its name ends with the job's kind):
	 * a longer form when the pane is wide enough. */
	if (s->st.state == WORKER_IDLE)
		snprintf(title, sizeof title, "Training: no job yet");
	else if (s->st.state == WORKER_LOADED)
		snprintf(title, sizeof title, "%s %s", w >= 50 ?
		    "Training: loaded run" : "Loaded run", s->st.run_id);
	else if (s->st.run_id[0] != '\0' && w >= 50)
		snprintf(title, sizeof title, "Training: %s  run %s",
		    worker_job_name(s->st.job), s->st.run_id);
	else
		snprintf(title, sizeof title, "Training: %s", s->st.run_id[0] ?
		    s->st.run_id : worker_job_name(s->st.job));
	rule(u, y, x, w, title);
	if (s->st.state == WORKER_IDLE || t->n == 0) {
		put(y + 1, x + 1, w - 1, A_DIM, "t train at the preview scale");
		put(y + 2, x + 1, w - 1, A_DIM, "c clean vs noisy, s sweep");
		return;
	}

	/* Line 1: what runs and how fast. */
	if (s->st.state == WORKER_LOADED) {
		/* A run from disk: what it was and where it stopped. */
		put(y + 1, x + 1, w - 1, s->st.run_resumable ? pair_attr(u,
		    PAIR_RUN, A_BOLD) | A_BOLD : A_BOLD, s->st.run_note);
		render_duration(s->st.sec_per_epoch, b, sizeof b);
		putf(y + 2, x + 1, w - 1, A_DIM, "%d row%s x %d epochs, %s/epoch%s",
		    t->n, t->n == 1 ? "" : "s", t->cfg.epochs, b,
		    s->st.run_resumable ? "  r resumes" : "");
	} else if (s->st.state == WORKER_RUNNING) {
		int row = t->current >= 0 ? t->current : 0;

		render_duration(s->st.eta, a, sizeof a);
		putf(y + 1, x + 1, w - 1, A_BOLD, "%s%s %d/%d  scale %s  "
		    "epoch %d/%d  ETA %s", s->st.paused ? "PAUSED " : "",
		    s->st.cancelling ? "stopping" : "row", row + 1, t->n,
		    fmt_scale(t->rows[row].scale, sc, sizeof sc),
		    s->st.epoch, s->st.epochs, a);
		/* Line 2: batch progress bar, then timings. */
		render_duration(s->st.sec_per_epoch, b, sizeof b);
		snprintf(buf, sizeof buf, " %d/%d %s/ep", s->st.batch,
		    s->st.batches, b);
		{
			int  tail = cell_count(buf), bw = w - 3 - tail;
			char bar[4 * 512];
			double f = s->st.batches > 0 ? (double)s->st.batch /
			    s->st.batches : 0.0;

			if (bw > 512)
				bw = 512;
			if (bw > 3) {
				render_bar(f, bw, u->cs, bar, sizeof bar);
				put(y + 2, x + 1, bw, pair_attr(u, PAIR_RUN,
				    A_REVERSE), bar);
				put(y + 2, x + 1 + bw, tail + 1, A_NORMAL, buf);
			} else
				put(y + 2, x + 1, w - 1, A_NORMAL, buf);
		}
	} else {
		render_duration(s->st.elapsed, a, sizeof a);
		putf(y + 1, x + 1, w - 1, s->st.state == WORKER_DONE ? A_BOLD :
		    pair_attr(u, PAIR_BAD, A_BOLD), "%s %s after %s",
		    worker_job_name(s->st.job), s->st.state == WORKER_DONE ? "done" :
		    s->st.state == WORKER_CANCELLED ? "cancelled" : "failed", a);
		render_duration(s->st.sec_per_epoch, b, sizeof b);
		putf(y + 2, x + 1, w - 1, A_DIM, "%d row%s x %d epochs, %s/epoch",
		    t->n, t->n == 1 ? "" : "s", t->cfg.epochs, b);
	}

	/* Which runs' curves: both of a comparison, else the current (or
	 * last) row. */
	if (s->st.job == WORKER_JOB_COMPARE && t->n >= 2) {
		show[nshow++] = 0;
		show[nshow++] = 1;
	} else {
		int r = t->current >= 0 ? t->current : t->n - 1;

		/* After a cancelled sweep, the last row with epochs. */
		while (r > 0 && t->rows[r].nhist == 0 &&
		    t->rows[r].state != SWEEP_RUNNING)
			r--;
		show[nshow++] = r;
	}
	avail = h - 3;
	per = avail / nshow;
	if (per > 4)
		per = 4;
	if (per < 1)
		per = 1, nshow = avail >= 1 ? 1 : 0;
	for (int m = 0; m < per; m++) {
		/* One range per metric over the runs shown, so two runs'
		 * curves compare; accuracy never stretched past [0,1]. */
		double lo = INFINITY, hi = -INFINITY;

		for (int k = 0; k < nshow; k++) {
			const sweep_row *r = &t->rows[show[k]];

			for (int e = 0; e < r->nhist; e++) {
				double v = metric(&r->hist[e], m);

				lo = v < lo ? v : lo;
				hi = v > hi ? v : hi;
			}
		}
		if (!(lo < hi))
			lo = hi = 0.0;  /* render_sparkline: auto */
		for (int k = 0; k < nshow; k++) {
			const sweep_row *r = &t->rows[show[k]];
			char label[64];
			int  line = per * k + m;

			if (nshow > 1)
				snprintf(label, sizeof label, "%s %s",
				    fmt_scale(r->scale, sc, sizeof sc),
				    metric_name[m]);
			else
				snprintf(label, sizeof label, "%s",
				    metric_name[m]);
			draw_curve(u, y + 3 + line, x + 1, w - 2, label, r, m,
			    lo, hi);
		}
	}
}

/* -------------------------------------------------------------- sweep */

static void
draw_sweep(ui *u, int y, int x, int w, int h)
{
	const worker_snapshot *s = u->snap;
	const sweep_table *t = s->st.have_sweep ? &s->sweep : u->plan;
	int   two, bw, n;
	char  bar[4 * 512], sc[32];

	n = t->n;
	two = h - 1 >= 2 * n;
	rule(u, y, x, w, two ? (s->st.state == WORKER_LOADED ?
	    "Sweep: final accuracy vs noise (loaded)" :
	    "Sweep: final accuracy vs noise") : "Sweep: train | val accuracy");
	for (int i = 0; i < n && i < h - 1; i++) {
		const sweep_row *r = &t->rows[i];
		double tr = NAN, va = NAN;
		int    running = r->state == SWEEP_RUNNING && s->st.state ==
		    WORKER_RUNNING;
		const char *mark = running ? ">" : r->state ==
		    SWEEP_CANCELLED ? "x" : " ";
		attr_t dim = r->state == SWEEP_DONE ? A_NORMAL : A_DIM;
		int    yy = y + 1 + (two ? 2 * i : i);

		if (!two && yy >= y + h)
			break;
		if (r->nhist > 0) {
			tr = r->hist[r->nhist - 1].acc;
			va = r->hist[r->nhist - 1].val_acc;
		}
		put(yy, x, 1, pair_attr(u, PAIR_RUN, A_BOLD) | A_BOLD, mark);
		putf(yy, x + 1, 5, running ? A_BOLD : A_NORMAL, "%4s",
		    fmt_scale(r->scale, sc, sizeof sc));
		if (two) {
			/* "0.5 train ███████ 97.12" / "    val   █████ 95.20" */
			bw = w - 1 - 5 - 6 - 7;
			if (bw > 512)
				bw = 512;
			for (int k = 0; k < 2; k++) {
				double v = k == 0 ? tr : va;

				put(yy + k, x + 6, 6, A_DIM, k ? "val" : "train");
				render_bar(isnan(v) ? 0.0 : v, bw, u->cs, bar,
				    sizeof bar);
				put(yy + k, x + 12, bw, pair_attr(u, k ? PAIR_VAL :
				    PAIR_TRAIN, A_NORMAL) | dim, bar);
				if (isnan(v))
					put(yy + k, x + 12 + bw, 7, A_DIM, "     -");
				else
					putf(yy + k, x + 12 + bw, 7, dim | A_BOLD,
					    " %6.2f", v * 100.0);
			}
		} else {
			/* "0.5 ██████ 97.1 █████ 95.2" */
			bw = (w - 1 - 5 - 2 * 6) / 2;
			if (bw > 512)
				bw = 512;
			for (int k = 0; k < 2; k++) {
				double v = k == 0 ? tr : va;
				int    xx = x + 6 + k * (bw + 6);

				render_bar(isnan(v) ? 0.0 : v, bw, u->cs, bar,
				    sizeof bar);
				put(yy, xx, bw, pair_attr(u, k ? PAIR_VAL :
				    PAIR_TRAIN, A_NORMAL) | dim, bar);
				if (isnan(v))
					put(yy, xx + bw, 6, A_DIM, "    -");
				else
					putf(yy, xx + bw, 6, dim | A_BOLD,
					    " %5.1f", v * 100.0);
			}
		}
	}
}

/* ----------------------------------------------------- title, status */

static void
draw_title(ui *u)
{
	const worker_snapshot *s = u->snap;
	char right[128], left[4400];
	attr_t a = pair_attr(u, PAIR_TITLE, A_REVERSE);
	int    rw;

	move(0, 0);
	attron(a);
	hline(' ', COLS);
	attroff(a);
	snprintf(left, sizeof left, " noisetop %s %s  train %zu  test %zu",
	    u->cs == RENDER_UTF8 ? "│" : "|", u->ds->source, u->ds->train.n,
	    u->ds->test.n);
	if (s->st.state == WORKER_RUNNING)
		snprintf(right, sizeof right, "%s %s %d/%d ", s->st.paused ?
		    "PAUSED" : s->st.cancelling ? "stopping" : "training",
		    worker_job_name(s->st.job), s->table.current + 1, s->table.n);
	else
		snprintf(right, sizeof right, "%s ", s->st.state == WORKER_IDLE ?
		    "idle" : s->st.state == WORKER_LOADED ? "idle, run loaded" :
		    s->st.state == WORKER_DONE ? "done" :
		    s->st.state == WORKER_CANCELLED ? "cancelled" : "failed");
	rw = cell_count(right);
	put(0, 0, COLS - rw - 1, a | A_BOLD, left);
	put(0, COLS - rw, rw, a | A_BOLD, right);
}

static void
draw_status(ui *u)
{
	int y = LINES - 1;
	/* m stays in the help only when 80 columns cannot hold it all. */
	const char *keys = COLS > 84 ? "t:train c:compare s:sweep r:resume "
	    "x:cancel p:pause e:export m:misses ?:help q:quit" :
	    "t:train c:compare s:sweep r:resume x:cancel p:pause e:export "
	    "?:help q:quit";

	move(y, 0);
	clrtoeol();
	if (u->mode == MODE_GOTO)
		putf(y, 0, COLS, A_BOLD, "go to %s index (0-%zu, Enter, Esc): %s_",
		    u->split ? "test" : "train", cur_split(u)->n ?
		    cur_split(u)->n - 1 : 0, u->prompt);
	else if (u->mode == MODE_CONFIRM_QUIT)
		put(y, 0, COLS, pair_attr(u, PAIR_BAD, A_REVERSE) | A_BOLD,
		    "a job is running: quit and cancel it? (y/n; r resumes it "
		    "next time)");
	else if (u->status[0] != '\0' && now() < u->status_until)
		put(y, 0, COLS, A_BOLD, u->status);
	else
		put(y, 0, COLS, A_DIM, keys);
}

static void
draw_help(void)
{
	static const char *const lines[] = {
		"noisetop keys",
		"",
		"Left/Right h/l  previous / next sample",
		"PgUp/PgDn       10 back / forward",
		"Home/End        first / last sample",
		"g               go to an index",
		"0-9             next sample with that label",
		"Tab             train / test split",
		"Up/Down +/-     preview noise scale",
		"t               train one model at the preview scale",
		"c               compare clean (0) vs the preview scale",
		"s               sweep every scale (--scales)",
		"r               resume an interrupted run (shown/newest)",
		"x               cancel the running job",
		"p               pause / resume",
		"e               export results (CSV + JSON)",
		"m               browse misclassified test images",
		"Ctrl-L          redraw",
		"q               quit (asks while a job runs)",
		"",
		"any key closes this help",
	};
	int n = (int)(sizeof lines / sizeof lines[0]), w = 60;
	int y0 = (LINES - n - 2) / 2, x0 = (COLS - w) / 2;

	if (y0 < 0)
		y0 = 0;
	if (x0 < 0)
		x0 = 0;
	for (int i = 0; i < n + 2; i++) {
		move(y0 + i, x0);
		attron(A_REVERSE);
		for (int k = 0; k < w && x0 + k < COLS; k++)
			addch(' ');
		attroff(A_REVERSE);
	}
	for (int i = 0; i < n; i++)
		put(y0 + 1 + i, x0 + 2, w - 4, A_REVERSE | (i == 0 ? A_BOLD : 0),
		    lines[i]);
}

static void
draw(ui *u)
{
	int hb, tw;

	erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		/* Short enough for any width a terminal can shrink to. */
		put(0, 0, COLS, A_BOLD, "enlarge the terminal");
		if (LINES > 1)
			putf(1, 0, COLS, A_NORMAL, "%dx%d < %dx%d", COLS, LINES,
			    MIN_COLS, MIN_LINES);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	draw_title(u);
	draw_samples(u, 1, COLS);
	hb = LINES - 1 - (2 + DIGIT_ROWS);  /* rows between samples and status */
	tw = COLS / 2;
	draw_training(u, 2 + DIGIT_ROWS, 0, tw, hb);
	for (int i = 1; i < hb; i++)
		put(2 + DIGIT_ROWS + i, tw, 1, pair_attr(u, PAIR_HEAD, A_DIM),
		    u->cs == RENDER_UTF8 ? "│" : "|");
	draw_sweep(u, 2 + DIGIT_ROWS, tw + 1, COLS - tw - 1, hb);
	draw_status(u);
	if (u->help)
		draw_help();
	wnoutrefresh(stdscr);
	doupdate();
}

/* --------------------------------------------------------------- keys */

static void
move_to(ui *u, long long i)
{
	size_t n = cur_split(u)->n;

	if (n == 0)
		return;
	if (i < 0)
		i = 0;
	if ((size_t)i >= n)
		i = (long long)n - 1;
	u->index[u->split] = (size_t)i;
}

/* Step through misclassified test images: dir +1/-1, count steps. */
static void
step_miss(ui *u, int dir, int count)
{
	size_t n = u->snap->test_n;
	long long i = (long long)u->index[1];

	while (count-- > 0) {
		long long j = i + dir;

		while (j >= 0 && (size_t)j < n && !is_miss(u, (size_t)j))
			j += dir;
		if (j < 0 || (size_t)j >= n)
			break;
		i = j;
	}
	u->index[1] = (size_t)i;
}

static void
step(ui *u, int dir, int count)
{
	if (u->misc_only)
		step_miss(u, dir, count);
	else
		move_to(u, (long long)u->index[u->split] + (long long)dir * count);
}

static void
jump_label(ui *u, int label)
{
	const dataset_split *sp = cur_split(u);
	size_t i = u->index[u->split];

	for (size_t k = 1; k <= sp->n; k++) {
		size_t j = (i + k) % sp->n;

		if (sp->label[j] == label && (!u->misc_only || is_miss(u, j))) {
			u->index[u->split] = j;
			return;
		}
	}
	say(u, "no %s image with label %d", u->misc_only ? "misclassified" :
	    u->split ? "test" : "train", label);
}

static void
change_scale(ui *u, int dir)
{
	int k;

	if (dir > 0) {
		for (k = 0; k < NSTEPS; k++)
			if (preview_steps[k] > u->scale + 1e-6f)
				break;
		if (k < NSTEPS)
			u->scale = preview_steps[k];
	} else {
		for (k = NSTEPS - 1; k >= 0; k--)
			if (preview_steps[k] < u->scale - 1e-6f)
				break;
		if (k >= 0)
			u->scale = preview_steps[k];
	}
}

static void
start_job(ui *u, worker_job kind)
{
	char   msg[256], sc[32];
	float  one = u->scale;
	const float *scales = &one;
	int    n = 1;

	if (kind == WORKER_JOB_COMPARE && u->scale <= 0.0f) {
		say(u, "compare needs a noise scale above 0: press Up first");
		return;
	}
	if (kind == WORKER_JOB_SWEEP) {
		scales = u->o->nscales > 0 ? u->o->scales : sweep_default_scales;
		n = u->o->nscales > 0 ? u->o->nscales : 6;
	}
	if (worker_start(u->w, kind, &u->o->cfg, scales, n, msg,
	    sizeof msg) != 0)
		say(u, "%s", msg);
	else if (kind == WORKER_JOB_SWEEP)
		say(u, "sweep of %d scales started (%d epochs each)", n,
		    u->o->cfg.epochs);
	else
		say(u, "%s at scale %s started (%d epochs)",
		    worker_job_name(kind), fmt_scale(u->scale, sc, sizeof sc),
		    u->o->cfg.epochs);
}

/* Continue the run on screen when it can be, else the newest interrupted
 * one; the worker reports the outcome. */
static void
resume_run(ui *u)
{
	const worker_snapshot *s = u->snap;
	char msg[512];

	worker_resume(u->w, s->st.state == WORKER_LOADED && s->st.run_resumable ?
	    s->st.run_id : NULL, msg, sizeof msg);
	say(u, "%s", msg);
}

static void
export_results(ui *u)
{
	const worker_snapshot *s = u->snap;
	const char *dir = u->o->export_dir != NULL && u->o->export_dir[0] ?
	    u->o->export_dir : ".";
	char csv[4200], json[4200], err[512];

	if (s->st.state == WORKER_IDLE || s->table.n == 0) {
		say(u, "nothing to export yet: t, c or s starts a job");
		return;
	}
	snprintf(csv, sizeof csv, "%s/noisetop-%s.csv", dir,
	    worker_job_name(s->st.job));
	snprintf(json, sizeof json, "%s/noisetop-%s.json", dir,
	    worker_job_name(s->st.job));
	if (results_write_csv(csv, &s->table, u->ds->source, err,
	    sizeof err) != 0 || results_write_json(json, &s->table,
	    u->ds->source, err, sizeof err) != 0)
		say(u, "export failed: %s", err);
	else
		say(u, "exported %s and %s%s", csv, json,
		    s->st.state == WORKER_RUNNING ? " (so far)" : "");
}

static void
toggle_misses(ui *u)
{
	char sc[32];

	if (u->misc_only) {
		u->misc_only = 0;
		say(u, "browsing all images");
		return;
	}
	if (u->snap->test_pred == NULL) {
		say(u, "no model yet: t trains one, then m shows its misses");
		return;
	}
	if (count_misses(u, 0, NULL) == 0) {
		say(u, "the model classifies every test image correctly");
		return;
	}
	u->misc_only = 1;
	u->split = 1;
	u->scale = u->snap->st.model_scale;
	if (!is_miss(u, u->index[1])) {
		step_miss(u, 1, 1);
		if (!is_miss(u, u->index[1]))
			step_miss(u, -1, 1);
	}
	say(u, "misclassified test images at the model's scale %s "
	    "(m: all images)", fmt_scale(u->scale, sc, sizeof sc));
}

static void
key_goto(ui *u, int ch)
{
	size_t len = strlen(u->prompt);

	if (ch >= '0' && ch <= '9' && len + 1 < sizeof u->prompt) {
		u->prompt[len] = (char)ch;
		u->prompt[len + 1] = '\0';
	} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len > 0)
		u->prompt[len - 1] = '\0';
	else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		if (len > 0) {
			u->misc_only = 0;
			move_to(u, atoll(u->prompt));
		}
		u->mode = MODE_NORMAL;
	} else if (ch == 27 || ch == 7)
		u->mode = MODE_NORMAL;
}

static void
key(ui *u, int ch)
{
	if (ch == KEY_RESIZE)
		return;
	if (ch == 12) {  /* Ctrl-L */
		clearok(curscr, TRUE);
		return;
	}
	if (u->help) {
		u->help = 0;
		return;
	}
	if (u->mode == MODE_GOTO) {
		key_goto(u, ch);
		return;
	}
	if (u->mode == MODE_CONFIRM_QUIT) {
		u->mode = MODE_NORMAL;
		if (ch == 'y' || ch == 'Y' || ch == 'q')
			u->quit = 1;
		return;
	}
	switch (ch) {
	case KEY_LEFT: case 'h':  step(u, -1, 1); break;
	case KEY_RIGHT: case 'l': step(u, 1, 1); break;
	case KEY_PPAGE:           step(u, -1, 10); break;
	case KEY_NPAGE:           step(u, 1, 10); break;
	case KEY_HOME:
		if (u->misc_only) {
			u->index[1] = 0;
			if (!is_miss(u, 0))
				step_miss(u, 1, 1);
		} else
			move_to(u, 0);
		break;
	case KEY_END:
		if (u->misc_only) {
			u->index[1] = u->snap->test_n ? u->snap->test_n - 1 : 0;
			if (!is_miss(u, u->index[1]))
				step_miss(u, -1, 1);
		} else
			move_to(u, (long long)cur_split(u)->n - 1);
		break;
	case 'g':
		u->mode = MODE_GOTO;
		u->prompt[0] = '\0';
		break;
	case '\t':
		if (u->misc_only) {
			u->misc_only = 0;
			say(u, "browsing all images");
		}
		u->split = !u->split;
		break;
	case KEY_UP: case '+': case '=':   change_scale(u, 1); break;
	case KEY_DOWN: case '-': case '_': change_scale(u, -1); break;
	case 't': start_job(u, WORKER_JOB_TRAIN); break;
	case 'c': start_job(u, WORKER_JOB_COMPARE); break;
	case 's': start_job(u, WORKER_JOB_SWEEP); break;
	case 'r': resume_run(u); break;
	case 'x':
		if (worker_busy(u->w))
			worker_cancel(u->w);
		else
			say(u, "no job is running");
		break;
	case 'p':
		if (worker_busy(u->w))
			worker_toggle_pause(u->w);
		else
			say(u, "no job is running");
		break;
	case 'e': export_results(u); break;
	case 'm': toggle_misses(u); break;
	case '?': u->help = 1; break;
	case 'q': case 'Q':
		if (worker_busy(u->w))
			u->mode = MODE_CONFIRM_QUIT;
		else
			u->quit = 1;
		break;
	default:
		if (ch >= '0' && ch <= '9')
			jump_label(u, ch - '0');
		break;
	}
}

/* ----------------------------------------------------------- terminal */

/* Colours and glyphs the terminal and the options allow. */
static void
setup_look(ui *u)
{
	const char *cs = nl_langinfo(CODESET);
	const char *term = getenv("TERM");

	u->cs = RENDER_ASCII;
	if (!u->o->ascii && cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0) && term != NULL &&
	    strncmp(term, "vt", 2) != 0 && strcmp(term, "dumb") != 0)
		u->cs = RENDER_UTF8;

	u->color = 0;
	u->grey = 0;
	if (u->o->no_color || getenv("NO_COLOR") != NULL || !has_colors())
		return;
	if (start_color() != OK)
		return;
	use_default_colors();
	u->color = 1;
	init_pair(PAIR_TITLE, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_HEAD, COLOR_CYAN, -1);
	init_pair(PAIR_TRAIN, COLOR_GREEN, -1);
	init_pair(PAIR_VAL, COLOR_CYAN, -1);
	init_pair(PAIR_RUN, COLOR_YELLOW, -1);
	init_pair(PAIR_BAD, COLOR_RED, -1);
	init_pair(PAIR_GOOD, COLOR_GREEN, -1);

	/* Half blocks need the 256-colour ramp and one pair per
	 * (top, bottom) grey: as many levels as the pairs allow. */
	if (u->cs == RENDER_UTF8 && COLORS >= 256) {
		int pairs = COLOR_PAIRS < 32767 ? COLOR_PAIRS : 32767;
		int l = (int)floor(sqrt((double)(pairs - PAIR_GREY)));

		if (l > RENDER_GREY_STEPS)
			l = RENDER_GREY_STEPS;
		if (l >= 8) {
			u->levels = l;
			u->grey = 1;
			for (int t = 0; t < l; t++)
				for (int b = 0; b < l; b++)
					init_pair((short)(PAIR_GREY + t * l + b),
					    (short)render_grey256(t, l),
					    (short)render_grey256(b, l));
		}
	}
}

/* stderr goes to a temporary file while curses owns the terminal. */
typedef struct {
	FILE *tmp;
	int   saved;
} err_capture;

static void
capture_stderr(err_capture *c)
{
	c->saved = -1;
	c->tmp = tmpfile();
	if (c->tmp == NULL)
		return;
	fflush(stderr);
	c->saved = dup(STDERR_FILENO);
	if (c->saved < 0 || dup2(fileno(c->tmp), STDERR_FILENO) < 0) {
		if (c->saved >= 0)
			close(c->saved);
		c->saved = -1;
		fclose(c->tmp);
		c->tmp = NULL;
	}
}

static void
replay_stderr(err_capture *c)
{
	char   buf[4096];
	size_t n;

	if (c->tmp == NULL)
		return;
	fflush(stderr);
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	rewind(c->tmp);
	while ((n = fread(buf, 1, sizeof buf, c->tmp)) > 0)
		if (fwrite(buf, 1, n, stderr) != n)
			break;
	fflush(stderr);
	fclose(c->tmp);
	c->tmp = NULL;
}

static void
loop(ui *u)
{
	double last_draw = 0.0;
	int    dirty = 1, keyed = 1;

	while (!u->quit) {
		struct pollfd pfd[2] = {
			{ STDIN_FILENO, POLLIN, 0 },
			{ worker_fd(u->w), POLLIN, 0 },
		};
		double t, wait;
		int    ch, timeout;

		if (got_quit_signal)
			break;
		if (got_cont) {
			got_cont = 0;
			clearok(curscr, TRUE);
			keyed = 1;
		}
		while ((ch = getch()) != ERR) {
			key(u, ch);
			keyed = 1;
			if (u->quit)
				break;
		}
		if (u->quit)
			break;
		if (worker_snapshot_copy(u->w, u->snap)) {
			const worker_snapshot *s = u->snap;

			dirty = 1;
			if (strcmp(s->st.message, u->last_worker_msg) != 0) {
				memcpy(u->last_worker_msg, s->st.message,
				    sizeof u->last_worker_msg);
				say(u, "%s", s->st.message);
			}
			if (s->pred_gen != u->seen_pred_gen) {
				/* A new model: ask again for the image on
				 * screen. */
				u->seen_pred_gen = s->pred_gen;
				u->asked_predict = 0;
				if (u->misc_only)
					u->misc_only = 0;
			}
		}
		t = now();
		if (u->status[0] != '\0' && t >= u->status_until) {
			u->status[0] = '\0';
			dirty = 1;
		}
		if (keyed || (dirty && t - last_draw >= FRAME_SECONDS)) {
			draw(u);
			last_draw = t;
			dirty = keyed = 0;
		}
		/* Sleep until a key, a snapshot, the next allowed frame or
		 * the status message's expiry. */
		wait = dirty ? last_draw + FRAME_SECONDS - t : 1.0;
		if (u->status[0] != '\0' && u->status_until - t < wait)
			wait = u->status_until - t;
		timeout = wait <= 0.0 ? 0 : (int)(wait * 1000.0) + 1;
		if (poll(pfd, 2, timeout) > 0 && (pfd[1].revents & POLLIN))
			worker_drain(u->w);
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;  /* the terminal went away */
	}
}

int
ui_run(const ui_options *o, char *err, size_t errlen)
{
	static const int quit_sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old_quit[3], old_cont;
	err_capture      cap;
	SCREEN          *scr;
	ui              *u;
	const char      *term = getenv("TERM");
	char             root[4096], rerr[512];
	int              rc = 0;

	if (o == NULL || o->ds == NULL) {
		snprintf(err, errlen, "no dataset");
		return 1;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "the dashboard needs a terminal on stdin "
		    "and stdout; without one use 'noisetop train', "
		    "'noisetop sweep' or 'noisetop show'");
		return 1;
	}
	if (term == NULL || term[0] == '\0') {
		snprintf(err, errlen, "TERM is not set: try TERM=xterm-256color "
		    "(or xterm, vt100), or use 'noisetop train|sweep|show'");
		return 1;
	}
	u = calloc(1, sizeof *u);
	if (u != NULL) {
		u->snap = calloc(1, sizeof *u->snap);
		u->plan = malloc(sizeof *u->plan);
	}
	if (u == NULL || u->snap == NULL || u->plan == NULL) {
		if (u != NULL) {
			free(u->snap);
			free(u->plan);
		}
		free(u);
		snprintf(err, errlen, "out of memory for the dashboard");
		return 1;
	}
	u->o = o;
	u->ds = o->ds;
	if (sweep_table_init(u->plan, &o->cfg, o->nscales > 0 ? o->scales :
	    sweep_default_scales, o->nscales > 0 ? o->nscales : 6, err,
	    errlen) != 0) {
		free(u->snap);
		free(u->plan);
		free(u);
		return 1;
	}
	u->scale = o->cfg.noise > 0.0f ? o->cfg.noise : 0.5f;
	u->split = o->ds->train.n == 0 && o->ds->test.n > 0;
	setlocale(LC_ALL, "");
	/* The preview's noise_apply runs here on one image: keep it to this
	 * thread rather than waking a second OpenMP team next to the
	 * trainer's (the setting is this thread's own). */
	omp_set_num_threads(1);

	/* Our handlers first, so ncurses leaves SIGINT/SIGTERM to us (it
	 * only takes signals still at their defaults); it keeps SIGTSTP
	 * and SIGWINCH, which it handles well. */
	got_quit_signal = got_cont = 0;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit_signal;
	for (int i = 0; i < 3; i++)
		sigaction(quit_sigs[i], &sa, &old_quit[i]);
	sa.sa_handler = on_cont;
	sigaction(SIGCONT, &sa, &old_cont);

	capture_stderr(&cap);
	scr = newterm(NULL, stdout, stdin);
	if (scr == NULL) {
		replay_stderr(&cap);
		snprintf(err, errlen, "cannot use terminal type '%s': try "
		    "TERM=xterm-256color (or xterm, vt100), or use "
		    "'noisetop train|sweep|show' without a screen", term);
		rc = 1;
		goto restore_signals;
	}
	set_term(scr);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	/* Home and End arrive in several encodings (xterm, VT220, rxvt,
	 * tmux and screen differ, and TERM often names another terminal
	 * than the one in use): accept them all rather than take an
	 * unknown sequence as ESC, '[', a digit... */
	define_key("\033[1~", KEY_HOME);
	define_key("\033[7~", KEY_HOME);
	define_key("\033[H", KEY_HOME);
	define_key("\033OH", KEY_HOME);
	define_key("\033[4~", KEY_END);
	define_key("\033[8~", KEY_END);
	define_key("\033[F", KEY_END);
	define_key("\033OF", KEY_END);
	mousemask(0, NULL);
	curs_set(0);
	setup_look(u);

	/* The runs root: without one, jobs still run, unrecorded. */
	if (run_root(o->runs_dir, root, sizeof root, rerr, sizeof rerr) != 0) {
		say(u, "runs are not saved: %s", rerr);
		root[0] = '\0';
	}

	/* The worker starts after curses so no thread outlives the screen:
	 * it is freed (cancelled and joined) before endwin. */
	u->w = worker_new(u->ds, root[0] ? root : NULL, err, errlen);
	if (u->w == NULL)
		rc = 1;
	else {
		/* Read on the worker thread: checkpoints are megabytes. */
		worker_load_latest(u->w);
		loop(u);
		worker_free(u->w);
		/* Killed, not quit: the shell's convention, 128 + signal. */
		if (got_quit_signal)
			rc = 128 + (int)got_quit_signal;
	}
	endwin();
	delscreen(scr);
	replay_stderr(&cap);

restore_signals:
	for (int i = 0; i < 3; i++)
		sigaction(quit_sigs[i], &old_quit[i], NULL);
	sigaction(SIGCONT, &old_cont, NULL);
	worker_snapshot_free(u->snap);
	free(u->snap);
	sweep_table_free(u->plan);
	free(u->plan);
	free(u);
	return rc;
}
