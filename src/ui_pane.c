/*
 * ui_pane: where every pane sits (one layout function) and what each
 * draws inside its rectangle, from the UI's copy of the snapshot.  The
 * panes draw through the terminal layer's primitives and know nothing of
 * curses or of where they are placed.
 */
#include "ui_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

#define HEAD_BOLD UI_STYLE(UI_C_HEAD, UI_A_BOLD, UI_A_BOLD)

void
ui_layout_compute(ui_layout *l, int cols, int lines)
{
	int top = 2 + UI_DIGIT_ROWS;   /* title, samples' rule, digits */
	int hb = lines - 1 - top;      /* rows between samples and status */
	int tw = cols / 2;

	memset(l, 0, sizeof *l);
	l->cols = cols;
	l->lines = lines;
	l->too_small = cols < UI_MIN_COLS || lines < UI_MIN_LINES;
	l->title = (ui_rect){ 0, 0, cols, 1 };
	l->samples = (ui_rect){ 1, 0, cols, 1 + UI_DIGIT_ROWS };
	l->training = (ui_rect){ top, 0, tw, hb };
	l->divider = (ui_rect){ top, tw, 1, hb };
	l->sweep = (ui_rect){ top, tw + 1, cols - tw - 1, hb };
	l->status = (ui_rect){ lines - 1, 0, cols, 1 };
}

/* ------------------------------------------------------------ samples */

static void
draw_samples(ui *u, ui_rect r)
{
	const dataset_split *sp = ui_cur_split(u);
	const worker_status *st = &u->snap->st;
	size_t i = u->index[u->split];
	char   s1[32], s2[32], buf[256];
	int    x = r.x, ix = x + 61, iw = r.w - 61, yy = r.y + 1;

	ui_rule(u, r.y, x, r.w, NULL);
	ui_putf(u, r.y, x + 1, 30, HEAD_BOLD, " Samples: original ");
	ui_putf(u, r.y, x + 31, 30, HEAD_BOLD, " noisy, scale %s ",
	    ui_fmt_scale(u->scale, s1, sizeof s1));
	if (!u->img_valid) {
		ui_putf(u, yy, x + 1, r.w - 2, UI_PLAIN(0), "no %s images "
		    "loaded", u->split ? "test" : "train");
		return;
	}
	ui_digit(u, u->clean, yy, x + 1);
	ui_digit(u, u->noisy, yy, x + 31);

	ui_putf(u, yy, ix, iw, UI_PLAIN(UI_A_BOLD), "%s #%zu",
	    u->split ? "test" : "train", i);
	ui_putf(u, yy + 1, ix, iw, UI_PLAIN(UI_A_DIM), "of %zu", sp->n);
	/* Fashion-MNIST and the like name their classes. */
	if (u->ds->class_name[sp->label[i]] != NULL)
		ui_putf(u, yy + 2, ix, iw, UI_PLAIN(0), "label  %d %s",
		    sp->label[i], u->ds->class_name[sp->label[i]]);
	else
		ui_putf(u, yy + 2, ix, iw, UI_PLAIN(0), "label  %d",
		    sp->label[i]);
	ui_putf(u, yy + 3, ix, iw, UI_PLAIN(0), "noise  %s",
	    ui_fmt_scale(u->scale, s1, sizeof s1));
	if (!st->have_model) {
		ui_put(u, yy + 5, ix, iw, UI_PLAIN(UI_A_DIM), "no model yet:");
		ui_put(u, yy + 6, ix, iw, UI_PLAIN(UI_A_DIM), "t trains one");
	} else {
		ui_putf(u, yy + 5, ix, iw, UI_PLAIN(0), "model %s@%s",
		    worker_job_name(st->model_job),
		    ui_fmt_scale(st->model_scale, s2, sizeof s2));
		if (st->probs_valid && st->probs_split == u->img_split &&
		    st->probs_index == u->img_index &&
		    st->probs_scale == u->img_scale) {
			int arg = 0;

			for (int c = 1; c < WORKER_NCLASS; c++)
				if (st->probs[c] > st->probs[arg])
					arg = c;
			ui_putf(u, yy + 6, ix, iw, arg == sp->label[i] ?
			    UI_STYLE(UI_C_GOOD, UI_A_BOLD, 0) :
			    UI_STYLE(UI_C_BAD, UI_A_REVERSE, UI_A_BOLD),
			    "pred   %d %5.1f%% %s", arg, st->probs[arg] * 100.0,
			    arg == sp->label[i] ? "ok" : "MISS");
			render_probs(st->probs, WORKER_NCLASS, u->cs, buf,
			    sizeof buf);
			ui_put(u, yy + 7, ix + 7, iw - 7,
			    UI_STYLE(UI_C_VAL, 0, 0), buf);
			ui_put(u, yy + 8, ix + 7, iw - 7, UI_PLAIN(UI_A_DIM),
			    "0123456789");
		} else
			ui_put(u, yy + 6, ix, iw, UI_PLAIN(UI_A_DIM),
			    "pred   ...");
		ui_putf(u, yy + 10, ix, iw, UI_PLAIN(UI_A_DIM),
		    "test acc %.2f%%", st->model_acc * 100.0);
	}
	if (u->misc_only) {
		size_t pos, n = ui_count_misses(u, u->index[1], &pos);

		ui_put(u, yy + 12, ix, iw, UI_STYLE(UI_C_BAD, UI_A_BOLD,
		    UI_A_BOLD), "misclassified");
		ui_putf(u, yy + 13, ix, iw, UI_PLAIN(0), "%zu of %zu", pos + 1,
		    n);
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

static int
metric_style(int m)
{
	return m == 0 ? UI_STYLE(UI_C_TRAIN, 0, 0) : m == 1 ?
	    UI_STYLE(UI_C_VAL, 0, 0) : UI_PLAIN(0);
}

/* One curve line: label, sparkline (shared lo..hi), latest value. */
static void
draw_curve(ui *u, int y, int x, int w, const char *label, const sweep_row *r,
    int m, double lo, double hi)
{
	double *v = malloc((size_t)(r->nhist > 0 ? r->nhist : 1) * sizeof *v);
	char    buf[4 * 512];
	int     lw = 10, vw = 7, sw = w - lw - vw, n = v != NULL ? r->nhist : 0;

	for (int e = 0; e < n; e++)
		v[e] = metric(&r->hist[e], m);
	ui_putf(u, y, x, lw, metric_style(m), "%s", label);
	if (sw > 0 && n > 0) {
		render_sparkline(v, n, lo, hi, sw > 512 ? 512 : sw, u->cs, buf,
		    sizeof buf);
		ui_put(u, y, x + lw, sw, metric_style(m), buf);
	}
	if (n > 0)
		ui_putf(u, y, x + w - vw + 1, vw - 1, UI_PLAIN(UI_A_BOLD),
		    m < 2 ? "%5.2f%%" : "%6.4f", m < 2 ? v[n - 1] * 100.0 :
		    v[n - 1]);
	else
		ui_put(u, y, x + w - vw + 1, vw - 1, UI_PLAIN(UI_A_DIM), "   -");
	free(v);
}

/* Lines 1 and 2 of the training pane: what runs and how fast. */
static void
draw_progress(ui *u, int y, int x, int w)
{
	const worker_status *s = &u->snap->st;
	const sweep_table   *t = &u->snap->table;
	char a[32], b[32], sc[32], buf[512];

	if (s->state == WORKER_LOADED) {
		/* A run from disk: what it was and where it stopped. */
		ui_put(u, y, x, w, s->run_resumable ? UI_STYLE(UI_C_RUN,
		    UI_A_BOLD, UI_A_BOLD) : UI_PLAIN(UI_A_BOLD), s->run_note);
		render_duration(s->sec_per_epoch, b, sizeof b);
		ui_putf(u, y + 1, x, w, UI_PLAIN(UI_A_DIM), "%d row%s x %d "
		    "epochs, %s/epoch%s", t->n, t->n == 1 ? "" : "s",
		    t->cfg.epochs, b, s->run_resumable ? "  r resumes" : "");
	} else if (s->state == WORKER_RUNNING) {
		int    row = t->current >= 0 ? t->current : 0;
		int    tail, bw;
		char   bar[4 * 512];
		double f = s->batches > 0 ? (double)s->batch / s->batches : 0.0;

		render_duration(s->eta, a, sizeof a);
		ui_putf(u, y, x, w, UI_PLAIN(UI_A_BOLD), "%s%s %d/%d  scale %s"
		    "  epoch %d/%d  ETA %s", s->paused ? "PAUSED " : "",
		    s->cancelling ? "stopping" : "row", row + 1, t->n,
		    ui_fmt_scale(t->rows[row].scale, sc, sizeof sc),
		    s->epoch, s->epochs, a);
		/* Line 2: batch progress bar, then timings. */
		render_duration(s->sec_per_epoch, b, sizeof b);
		snprintf(buf, sizeof buf, " %d/%d %s/ep", s->batch,
		    s->batches, b);
		tail = ui_cells(buf);
		bw = w - 2 - tail;
		if (bw > 512)
			bw = 512;
		if (bw > 3) {
			render_bar(f, bw, u->cs, bar, sizeof bar);
			ui_put(u, y + 1, x, bw, UI_STYLE(UI_C_RUN, UI_A_REVERSE,
			    0), bar);
			ui_put(u, y + 1, x + bw, tail + 1, UI_PLAIN(0), buf);
		} else
			ui_put(u, y + 1, x, w, UI_PLAIN(0), buf);
	} else {
		render_duration(s->elapsed, a, sizeof a);
		ui_putf(u, y, x, w, s->state == WORKER_DONE ?
		    UI_PLAIN(UI_A_BOLD) : UI_STYLE(UI_C_BAD, UI_A_BOLD, 0),
		    "%s %s after %s", worker_job_name(s->job),
		    s->state == WORKER_DONE ? "done" :
		    s->state == WORKER_CANCELLED ? "cancelled" : "failed", a);
		render_duration(s->sec_per_epoch, b, sizeof b);
		ui_putf(u, y + 1, x, w, UI_PLAIN(UI_A_DIM), "%d row%s x %d "
		    "epochs, %s/epoch", t->n, t->n == 1 ? "" : "s",
		    t->cfg.epochs, b);
	}
}

static void
draw_training(ui *u, ui_rect r)
{
	const worker_status *s = &u->snap->st;
	const sweep_table   *t = &u->snap->table;
	char title[320], sc[32];
	int  show[2], nshow = 0, avail, per, y = r.y, x = r.x, w = r.w;

	/* The run's id in the title (its name ends with the job's kind):
	 * a longer form when the pane is wide enough. */
	if (s->state == WORKER_IDLE)
		snprintf(title, sizeof title, "Training: no job yet");
	else if (s->state == WORKER_LOADED)
		snprintf(title, sizeof title, "%s %s", w >= 50 ?
		    "Training: loaded run" : "Loaded run", s->run_id);
	else if (s->run_id[0] != '\0' && w >= 50)
		snprintf(title, sizeof title, "Training: %s  run %s",
		    worker_job_name(s->job), s->run_id);
	else
		snprintf(title, sizeof title, "Training: %s", s->run_id[0] ?
		    s->run_id : worker_job_name(s->job));
	ui_rule(u, y, x, w, title);
	if (s->state == WORKER_IDLE || t->n == 0) {
		ui_put(u, y + 1, x + 1, w - 1, UI_PLAIN(UI_A_DIM),
		    "t train at the preview scale");
		ui_put(u, y + 2, x + 1, w - 1, UI_PLAIN(UI_A_DIM),
		    "c clean vs noisy, s sweep");
		return;
	}
	draw_progress(u, y + 1, x + 1, w - 1);

	/* Which runs' curves: both of a comparison, else the current (or
	 * last) row. */
	if (s->job == WORKER_JOB_COMPARE && t->n >= 2) {
		show[nshow++] = 0;
		show[nshow++] = 1;
	} else {
		int k = t->current >= 0 ? t->current : t->n - 1;

		/* After a cancelled sweep, the last row with epochs. */
		while (k > 0 && t->rows[k].nhist == 0 &&
		    t->rows[k].state != SWEEP_RUNNING)
			k--;
		show[nshow++] = k;
	}
	avail = r.h - 3;
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
			const sweep_row *row = &t->rows[show[k]];

			for (int e = 0; e < row->nhist; e++) {
				double v = metric(&row->hist[e], m);

				lo = v < lo ? v : lo;
				hi = v > hi ? v : hi;
			}
		}
		if (!(lo < hi))
			lo = hi = 0.0;  /* render_sparkline: auto */
		for (int k = 0; k < nshow; k++) {
			const sweep_row *row = &t->rows[show[k]];
			char label[64];
			int  line = per * k + m;

			if (nshow > 1)
				snprintf(label, sizeof label, "%s %s",
				    ui_fmt_scale(row->scale, sc, sizeof sc),
				    metric_name[m]);
			else
				snprintf(label, sizeof label, "%s",
				    metric_name[m]);
			draw_curve(u, y + 3 + line, x + 1, w - 2, label, row, m,
			    lo, hi);
		}
	}
}

/* -------------------------------------------------------------- sweep */

/* One bar with its value: v in [0,1], NAN for none yet. */
static void
draw_bar(ui *u, int y, int x, int bw, int vw, int role, int dim, double v)
{
	char bar[4 * 512];

	render_bar(isnan(v) ? 0.0 : v, bw, u->cs, bar, sizeof bar);
	ui_put(u, y, x, bw, UI_STYLE(role, 0, dim), bar);
	if (isnan(v))
		ui_put(u, y, x + bw, vw, UI_PLAIN(UI_A_DIM), vw == 7 ?
		    "     -" : "    -");
	else
		ui_putf(u, y, x + bw, vw, UI_PLAIN(dim | UI_A_BOLD), vw == 7 ?
		    " %6.2f" : " %5.1f", v * 100.0);
}

static void
draw_sweep(ui *u, ui_rect r)
{
	const worker_status *s = &u->snap->st;
	const sweep_table *t = s->have_sweep ? &u->snap->sweep : u->plan;
	int   two, bw, n = t->n, y = r.y, x = r.x, w = r.w, h = r.h;
	char  sc[32];

	two = h - 1 >= 2 * n;
	ui_rule(u, y, x, w, two ? (s->state == WORKER_LOADED ?
	    "Sweep: final accuracy vs noise (loaded)" :
	    "Sweep: final accuracy vs noise") : "Sweep: train | val accuracy");
	for (int i = 0; i < n && i < h - 1; i++) {
		const sweep_row *row = &t->rows[i];
		double tr = NAN, va = NAN;
		int    running = row->state == SWEEP_RUNNING && s->state ==
		    WORKER_RUNNING;
		const char *mark = running ? ">" : row->state ==
		    SWEEP_CANCELLED ? "x" : " ";
		int    dim = row->state == SWEEP_DONE ? 0 : UI_A_DIM;
		int    yy = y + 1 + (two ? 2 * i : i);

		if (!two && yy >= y + h)
			break;
		if (row->nhist > 0) {
			tr = row->hist[row->nhist - 1].acc;
			va = row->hist[row->nhist - 1].val_acc;
		}
		ui_put(u, yy, x, 1, UI_STYLE(UI_C_RUN, UI_A_BOLD, UI_A_BOLD),
		    mark);
		ui_putf(u, yy, x + 1, 5, UI_PLAIN(running ? UI_A_BOLD : 0),
		    "%4s", ui_fmt_scale(row->scale, sc, sizeof sc));
		if (two) {
			/* "0.5 train ███████ 97.12" / "    val   █████ 95.20" */
			bw = w - 1 - 5 - 6 - 7;
			if (bw > 512)
				bw = 512;
			for (int k = 0; k < 2; k++) {
				ui_put(u, yy + k, x + 6, 6, UI_PLAIN(UI_A_DIM),
				    k ? "val" : "train");
				draw_bar(u, yy + k, x + 12, bw, 7, k ? UI_C_VAL :
				    UI_C_TRAIN, dim, k ? va : tr);
			}
		} else {
			/* "0.5 ██████ 97.1 █████ 95.2" */
			bw = (w - 1 - 5 - 2 * 6) / 2;
			if (bw > 512)
				bw = 512;
			for (int k = 0; k < 2; k++)
				draw_bar(u, yy, x + 6 + k * (bw + 6), bw, 6,
				    k ? UI_C_VAL : UI_C_TRAIN, dim, k ? va : tr);
		}
	}
}

/* ----------------------------------------------------- title, status */

static void
draw_title(ui *u, ui_rect r)
{
	const worker_status *s = &u->snap->st;
	char right[128], left[4400];
	int  a = UI_STYLE(UI_C_TITLE, UI_A_REVERSE, 0);
	int  ab = UI_STYLE(UI_C_TITLE, UI_A_REVERSE, UI_A_BOLD);
	int  rw;

	ui_fill(u, r.y, r.x, r.w, a);
	snprintf(left, sizeof left, " noisetop %s %s  train %zu  test %zu",
	    u->cs == RENDER_UTF8 ? "│" : "|", u->ds->source, u->ds->train.n,
	    u->ds->test.n);
	if (s->state == WORKER_RUNNING)
		snprintf(right, sizeof right, "%s %s %d/%d ", s->paused ?
		    "PAUSED" : s->cancelling ? "stopping" : "training",
		    worker_job_name(s->job), u->snap->table.current + 1,
		    u->snap->table.n);
	else
		snprintf(right, sizeof right, "%s ", s->state == WORKER_IDLE ?
		    "idle" : s->state == WORKER_LOADED ? "idle, run loaded" :
		    s->state == WORKER_DONE ? "done" :
		    s->state == WORKER_CANCELLED ? "cancelled" : "failed");
	rw = ui_cells(right);
	ui_put(u, r.y, r.x, r.w - rw - 1, ab, left);
	ui_put(u, r.y, r.x + r.w - rw, rw, ab, right);
}

static void
draw_status(ui *u, ui_rect r)
{
	const dataset_split *sp = ui_cur_split(u);
	char keys[512];

	if (u->mode == UI_MODE_GOTO)
		ui_putf(u, r.y, r.x, r.w, UI_PLAIN(UI_A_BOLD), "go to %s index "
		    "(0-%zu, Enter, Esc): %s_", u->split ? "test" : "train",
		    sp->n ? sp->n - 1 : 0, u->prompt);
	else if (u->mode == UI_MODE_CONFIRM_QUIT)
		ui_put(u, r.y, r.x, r.w, UI_STYLE(UI_C_BAD, UI_A_REVERSE,
		    UI_A_BOLD), "a job is running: quit and cancel it? (y/n; "
		    "r resumes it next time)");
	else if (u->status[0] != '\0' && clock_now() < u->status_until)
		ui_put(u, r.y, r.x, r.w, UI_PLAIN(UI_A_BOLD), u->status);
	else {
		ui_key_hints(u, r.w, keys, sizeof keys);
		ui_put(u, r.y, r.x, r.w, UI_PLAIN(UI_A_DIM), keys);
	}
}

/* The help overlay, from the key table, centred; on a short terminal
 * without its frame and blank lines. */
static void
draw_help(ui *u, const ui_layout *l)
{
	char line[128];
	int  n = 0, blank = 0, w = 60, pad = 1, y, x0;

	for (; ui_key_help(n, line, sizeof line); n++)
		blank += line[0] == '\0';
	if (n + 2 > l->lines) {
		pad = 0;
		n -= blank;
	}
	y = (l->lines - n - 2 * pad) / 2;
	x0 = (l->cols - w) / 2;
	if (y < 0)
		y = 0;
	if (x0 < 0)
		x0 = 0;
	for (int i = 0; i < n + 2 * pad; i++)
		ui_fill(u, y + i, x0, w, UI_PLAIN(UI_A_REVERSE));
	y += pad;
	for (int i = 0; ui_key_help(i, line, sizeof line); i++) {
		if (line[0] == '\0' && pad == 0)
			continue;
		ui_put(u, y++, x0 + 2, w - 4, UI_PLAIN(UI_A_REVERSE |
		    (i == 0 ? UI_A_BOLD : 0)), line);
	}
}

void
ui_draw(ui *u)
{
	ui_layout l;
	int       cols, lines;

	ui_term_size(&cols, &lines);
	ui_layout_compute(&l, cols, lines);
	ui_term_begin();
	if (l.too_small) {
		/* Short enough for any width a terminal can shrink to. */
		ui_put(u, 0, 0, cols, UI_PLAIN(UI_A_BOLD),
		    "enlarge the terminal");
		if (lines > 1)
			ui_putf(u, 1, 0, cols, UI_PLAIN(0), "%dx%d < %dx%d",
			    cols, lines, UI_MIN_COLS, UI_MIN_LINES);
		ui_term_end();
		return;
	}
	draw_title(u, l.title);
	draw_samples(u, l.samples);
	draw_training(u, l.training);
	for (int i = 1; i < l.divider.h; i++)
		ui_put(u, l.divider.y + i, l.divider.x, 1, UI_STYLE(UI_C_HEAD,
		    UI_A_DIM, 0), u->cs == RENDER_UTF8 ? "│" : "|");
	draw_sweep(u, l.sweep);
	draw_status(u, l.status);
	if (u->help)
		draw_help(u, &l);
	ui_term_end();
}
