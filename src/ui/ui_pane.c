/*
 * ui_pane: where every pane sits (one layout function) and what each
 * draws inside its rectangle, from the UI's copy of the snapshot.  The
 * panes draw through the terminal layer's primitives and know nothing of
 * curses or of where they are placed.
 */
#include "ui/ui_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "data/corrupt.h"

#define HEAD_BOLD UI_STYLE(UI_C_HEAD, UI_A_BOLD, UI_A_BOLD)

/* Below this the ladder is left out; above the other, digits double. */
#define LADDER_COLS 120
#define LADDER_ROWS (2 + UI_DIGIT_ROWS + 2)  /* rule, digits, captions */
#define ZOOM_COLS 150
#define ZOOM_LINES 72
#define PANES_MIN 14  /* lines the result panes keep before a ladder */
#define ASIDE_COLS 160  /* from here the samples and the ladder leave the
                           right to the heat map and the row table */
#define ASIDE_LINES 40
#define ASIDE_MIN_COLS 72  /* the heat map of 6 test scales with their sd,
                              the row table whole */
#define INFO_COLS 26     /* the samples' words, beside a third image */
#define CURVES_LINES 12  /* every row's curves: a plot and its legend */
#define SWEEP_COLS 48    /* the bars' least width beside the curves */
#define EPOCHS_LINES 4   /* an epoch table: rule, header, two epochs */

void
ui_layout_compute(ui_layout *l, int cols, int lines, int tall,
    int want_sweep)
{
	int top, hb, tw = cols / 2, aside, aw;

	memset(l, 0, sizeof *l);
	l->cols = cols;
	l->lines = lines;
	l->too_small = cols < UI_MIN_COLS || lines < UI_MIN_LINES;
	l->zoom = cols >= ZOOM_COLS && lines >= ZOOM_LINES ? 2 : 1;
	aside = cols >= ASIDE_COLS && lines >= ASIDE_LINES;
	aw = cols - LADDER_COLS > ASIDE_MIN_COLS ? cols - LADDER_COLS :
	    ASIDE_MIN_COLS;
	/* Digits twice as large only with their words beside them. */
	if (aside && cols - aw - 1 < 2 * 2 * DATASET_SIDE + 5 + INFO_COLS)
		l->zoom = 1;
	l->title = (ui_rect){ 0, 0, cols, 1 };
	l->status = (ui_rect){ lines - 1, 0, cols, 1 };
	if (tall) {
		/* A view that needs the height (the matrix on a small
		 * terminal): the training pane takes the whole screen. */
		l->training = (ui_rect){ 1, 0, cols, lines - 2 };
		return;
	}
	/* title, samples' rule, digits */
	top = 2 + UI_DIGIT_ROWS * l->zoom;
	l->samples = (ui_rect){ 1, 0, cols, 1 + UI_DIGIT_ROWS * l->zoom };
	if (cols >= LADDER_COLS && lines - 1 - top - LADDER_ROWS >= PANES_MIN) {
		l->ladder = (ui_rect){ top, 0, cols, LADDER_ROWS };
		top += LADDER_ROWS;
	}
	/* A wide screen: the samples and the ladder keep what they draw
	 * (two digits and their words; four ladder images), the rest of
	 * their band goes to the heat map and the row table, which come
	 * first: they keep what they need (the ladder then shows fewer
	 * images). */
	if (aside) {
		l->aside = (ui_rect){ 1, cols - aw, aw, top - 1 };
		l->samples.w = cols - aw - 1;
		if (l->ladder.h > 0)
			l->ladder.w = cols - aw - 1;
	}
	hb = lines - 1 - top;      /* rows between samples and status */
	if (l->aside.h > 0 && hb >= CURVES_LINES) {
		/* The wide screen's lower band in three: the selected row,
		 * every row (the widest), the accuracy against noise with,
		 * under it when it leaves room, the selected row's epochs. */
		int tw3 = (cols - 2) / 4;
		int sw = (cols - 2) / 4 > SWEEP_COLS ?
		    (cols - 2) / 4 : SWEEP_COLS;
		int cw = cols - 2 - tw3 - sw;

		l->training = (ui_rect){ top, 0, tw3, hb };
		l->curves = (ui_rect){ top, tw3 + 1, cw, hb };
		l->divider = (ui_rect){ top, tw3 + cw + 1, 1, hb };
		l->sweep = (ui_rect){ top, tw3 + cw + 2, sw, hb };
		if (want_sweep > 0 && hb - want_sweep >= EPOCHS_LINES) {
			l->sweep.h = want_sweep;
			l->epochs = (ui_rect){ top + want_sweep, l->sweep.x, sw,
			    hb - want_sweep };
		}
		return;
	}
	l->training = (ui_rect){ top, 0, tw, hb };
	l->divider = (ui_rect){ top, tw, 1, hb };
	l->sweep = (ui_rect){ top, tw + 1, cols - tw - 1, hb };
}

/* ------------------------------------------------------------ samples */

/* Is the selected row's model not the kept one yet (asked for, on its
 * way from the worker)?  Then the panes show the selected row, and the
 * prediction waits. */
static int
model_pending(const ui *u)
{
	const worker_status *st = &u->snap->st;

	return u->res.sel >= 0 && u->res.sel < u->snap->table.n &&
	    ui_row_has_model(u, u->res.sel) && (u->res.sel != st->model_row ||
	    strcmp(st->model_run, st->run_id) != 0);
}

/* The model as "model RUN @ 0.5 s43" (the row's corruption too when not
 * Gaussian: "@ impulse 0.2 s43") and its run, in the info column: the
 * selected row's from the frame it is selected in (dim until its model
 * arrives), else the kept one. */
static void
draw_model(ui *u, int y, int x, int w)
{
	const worker_status *st = &u->snap->st;
	int          pending = model_pending(u);
	const sweep_row *row = pending ? &u->snap->table.rows[u->res.sel] :
	    NULL;
	const char  *rid = pending ? st->run_id : st->model_run[0] ?
	    st->model_run : "(not saved)";
	const char  *dash = strchr(rid, '-');
	corrupt_family fam = row != NULL ? row->corruption :
	    st->model_corruption;
	char         sc[32];

	{
		/* The longest form that fits: with the run, the job's kind,
		 * or the row alone ("model @ 0.5 s43"); never cut. */
		char what[64], line[384];
		const char *who[3] = { rid, job_kind_name(pending ? st->job :
		    st->model_job), "" };

		snprintf(what, sizeof what, "%s%s%s s%llu",
		    fam != CORRUPT_GAUSSIAN ? corrupt_name(fam) : "",
		    fam != CORRUPT_GAUSSIAN ? " " : "",
		    ui_fmt_scale(row != NULL ? row->scale : st->model_scale, sc,
		    sizeof sc), (unsigned long long)(row != NULL ? row->seed :
		    st->model_seed));
		for (int k = 0; k < 3; k++) {
			snprintf(line, sizeof line, "model%s%s @ %s", who[k][0] ?
			    " " : "", who[k], what);
			if (ui_cells(line) <= w || k == 2)
				break;
		}
		ui_put(u, y, x, w, UI_PLAIN(pending ? UI_A_DIM : 0), line);
	}
	/* The run's id when narrow: whole, or from its time on (never
	 * a number cut). */
	if (w < 40)
		ui_put(u, y + 1, x, w, UI_PLAIN(UI_A_DIM), ui_cells(rid) <= w ||
		    dash == NULL ? rid : dash + 1);
}

/* Room to spare (a wide screen): what the noise changed at the right of
 * the samples, noisy - original on mid grey, every pixel its own draw.
 * Returns the image's column. */
static int
draw_difference(ui *u, ui_rect r, int y)
{
	float d[DATASET_NPIX];
	int   dx = r.x + r.w - DATASET_SIDE - 1;

	for (int p = 0; p < DATASET_NPIX; p++)
		d[p] = 0.5f + 0.5f * (u->img.noisy[p] - u->img.clean[p]);
	ui_put(u, r.y, dx - 1, DATASET_SIDE + 2, HEAD_BOLD,
	    " noisy - original ");
	ui_digit(u, d, y, dx);
	return dx;
}

static void
draw_samples(ui *u, ui_rect r, int zoom)
{
	const dataset_split *sp = ui_cur_split(u);
	const worker_status *st = &u->snap->st;
	size_t i = u->samples.index[u->samples.split];
	char   s1[32], buf[256], c1[80], c2[80];
	int    side = DATASET_SIDE * zoom, x = r.x, nx = x + side + 3;
	int    ix = x + 2 * side + 5, iw = r.w - (2 * side + 5),
	       yy = r.y + 1;

	ui_rule(u, r.y, x, r.w, NULL);
	ui_putf(u, r.y, x + 1, 30, HEAD_BOLD, " Samples: original ");
	/* The noise of the selected row's corruption (Gaussian noise
	 * beyond that family's range). */
	ui_putf(u, r.y, nx, side + 2, HEAD_BOLD, " %s, scale %s ",
	    u->img.family == CORRUPT_GAUSSIAN ? "noisy" :
	    u->img.family == CORRUPT_NFAMILY ? "noisy (gaussian)" :
	    corrupt_name((corrupt_family)u->img.family),
	    ui_fmt_scale(u->samples.scale, s1, sizeof s1));
	u->hits.samples = (ui_hit){ yy, x, 2 * side + 4, UI_DIGIT_ROWS * zoom };
	if (!u->img.valid) {
		ui_putf(u, yy, x + 1, r.w - 2, UI_PLAIN(0), "no %s images "
		    "loaded", u->samples.split ? "test" : "train");
		return;
	}
	if (zoom > 1) {
		static float big[CHART_ZOOM_MAX_SIDE * CHART_ZOOM_MAX_SIDE];

		chart_zoom(u->img.clean, DATASET_SIDE, zoom, big);
		ui_image(u, big, side, yy, x + 1);
		chart_zoom(u->img.noisy, DATASET_SIDE, zoom, big);
		ui_image(u, big, side, yy, nx);
	} else {
		ui_digit(u, u->img.clean, yy, x + 1);
		ui_digit(u, u->img.noisy, yy, nx);
		if (iw >= side + 2 + INFO_COLS)
			iw = draw_difference(u, r, yy) - ix - 2;
	}

	ui_putf(u, yy, ix, iw, UI_PLAIN(UI_A_BOLD), "%s #%zu",
	    u->samples.split ? "test" : "train", i);
	ui_putf(u, yy + 1, ix, iw, UI_PLAIN(UI_A_DIM), "of %zu", sp->n);
	/* Fashion-MNIST and KMNIST name their classes. */
	ui_putf(u, yy + 2, ix, iw, UI_PLAIN(0), "label  %s",
	    ui_class(u, sp->label[i], c1, sizeof c1));
	ui_putf(u, yy + 3, ix, iw, UI_PLAIN(0), "noise  %s",
	    ui_fmt_scale(u->samples.scale, s1, sizeof s1));
	if (!st->have_model) {
		ui_put(u, yy + 5, ix, iw, UI_PLAIN(UI_A_DIM), "no model yet:");
		ui_put(u, yy + 6, ix, iw, UI_PLAIN(UI_A_DIM), "t trains one");
	} else {
		draw_model(u, yy + 4, ix, iw);
		if (!model_pending(u) && st->probs_valid &&
		    st->probs_split == u->img.split &&
		    st->probs_index == u->img.index &&
		    st->probs_scale == u->img.scale) {
			int arg = 0;

			for (int c = 1; c < DATASET_NCLASS; c++)
				if (st->probs[c] > st->probs[arg])
					arg = c;
			ui_putf(u, yy + 6, ix, iw, arg == sp->label[i] ?
			    UI_STYLE(UI_C_GOOD, UI_A_BOLD, 0) :
			    UI_STYLE(UI_C_BAD, UI_A_REVERSE, UI_A_BOLD),
			    "pred %s %5.1f%% %s", ui_class(u, arg, c1, sizeof c1),
			    st->probs[arg] * 100.0,
			    arg == sp->label[i] ? "ok" : "MISS");
			render_probs(st->probs, DATASET_NCLASS, u->look.cs, buf,
			    sizeof buf);
			ui_put(u, yy + 7, ix + 7, iw - 7,
			    UI_STYLE(UI_C_VAL, 0, 0), buf);
			ui_put(u, yy + 8, ix + 7, iw - 7, UI_PLAIN(UI_A_DIM),
			    "0123456789");
		} else
			ui_put(u, yy + 6, ix, iw, UI_PLAIN(UI_A_DIM),
			    "pred ...");
		/* On the run's own test images: the row's last val
		 * accuracy, which the chart and the tables show. */
		/* On the run's own test images, and saying how many: on
		 * two lines when the column is narrow. */
		if (!model_pending(u) && iw >= 22)
			ui_putf(u, yy + 10, ix, iw, UI_PLAIN(UI_A_DIM),
			    "test acc %.2f%% of %zu", st->model_acc * 100.0,
			    u->snap->test_n);
		else if (!model_pending(u)) {
			ui_putf(u, yy + 10, ix, iw, UI_PLAIN(UI_A_DIM),
			    "test acc %.2f%%", st->model_acc * 100.0);
			ui_putf(u, yy + 11, ix, iw, UI_PLAIN(UI_A_DIM),
			    "  of %zu", u->snap->test_n);
		}
	}
	if (u->samples.misc_only) {
		size_t pos, n = ui_count_misses(u, u->samples.index[1], &pos);

		if (u->res.pair >= 0)
			ui_putf(u, yy + 12, ix, iw, UI_STYLE(UI_C_BAD, UI_A_BOLD,
			    UI_A_BOLD), "true %s as %s", ui_class(u,
			    u->res.pair / 10, c1, sizeof c1), ui_class(u,
			    u->res.pair % 10, c2, sizeof c2));
		else
			ui_put(u, yy + 12, ix, iw, UI_STYLE(UI_C_BAD, UI_A_BOLD,
			    UI_A_BOLD), "misclassified");
		ui_putf(u, yy + 13, ix, iw, UI_PLAIN(0), "%zu of %zu", pos + 1,
		    n);
	}
}

/* A question in a framed dialog over the panes (y or n answers it). */
static void
draw_confirm(ui *u, const ui_layout *l)
{
	char q[320], title[32];
	int  w, h = 5, y, x;

	if (u->mode == UI_MODE_CONFIRM_QUIT) {
		snprintf(title, sizeof title, "Quit?");
		snprintf(q, sizeof q, "a job is running: quit and cancel it? "
		    "(y/n; r resumes it next time)");
	} else {
		snprintf(title, sizeof title, "Delete?");
		snprintf(q, sizeof q, "delete run %s and its files? (y/n)",
		    u->browser.cur < u->snap->nruns ?
		    u->snap->runs[u->browser.cur].id : "?");
	}
	w = ui_cells(q) + 4 < l->cols ? ui_cells(q) + 4 : l->cols;
	y = (l->lines - h) / 2;
	x = (l->cols - w) / 2;
	ui_frame(u, y, x, w, h, title);
	ui_put(u, y + 2, x + 2, w - 4, UI_STYLE(UI_C_BAD, UI_A_REVERSE,
	    UI_A_BOLD), q);
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
	if (s->state == WORKER_RUNNING)
		snprintf(right, sizeof right, "%s %s %d/%d ", s->paused ?
		    "PAUSED" : s->cancelling ? "stopping" : "training",
		    job_kind_name(s->job), u->snap->table.current + 1,
		    u->snap->table.n);
	else
		snprintf(right, sizeof right, "%s ", s->state == WORKER_IDLE ?
		    "idle" : s->state == WORKER_LOADED ? "idle, run loaded" :
		    s->state == WORKER_DONE ? "done" :
		    s->state == WORKER_CANCELLED ? "cancelled" : "failed");
	/* The data's full source when it fits, else its name: the sizes
	 * are never cut. */
	for (int k = 0; k < 2; k++) {
		snprintf(left, sizeof left, " noisetop %s %s  train %zu  test %zu",
		    u->look.cs == RENDER_UTF8 ? "│" : "|", k ? u->ds->name :
		    u->ds->source, u->ds->train.n, u->ds->test.n);
		if (ui_cells(left) + ui_cells(right) + 1 <= r.w)
			break;
	}
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
		    "(0-%zu, Enter, Esc): %s_", u->samples.split ? "test" : "train",
		    sp->n ? sp->n - 1 : 0, u->prompt);
	else if (u->mode == UI_MODE_CONFIRM_DELETE ||
	    u->mode == UI_MODE_CONFIRM_QUIT)
		ui_put(u, r.y, r.x, r.w, UI_PLAIN(UI_A_BOLD), "y: yes   n, Esc: "
		    "no");
	else if (u->mode == UI_MODE_FORM)
		ui_put(u, r.y, r.x, r.w, UI_PLAIN(UI_A_DIM), "Up/Down/Tab field"
		    "  type to edit  Enter start  Esc cancel");
	else if (u->mode == UI_MODE_RUNS && !(u->status[0] != '\0' &&
	    clock_now() < u->status_until))
		ui_put(u, r.y, r.x, r.w, UI_PLAIN(UI_A_DIM), "j/k move  Enter "
		    "load  r resume  d delete  Space mark (2 overlay)  Esc "
		    "close");
	else if (u->status[0] != '\0' && clock_now() < u->status_until) {
		/* Paths give way first: the run id and the sentence's end
		 * stay. */
		char fit[sizeof u->status + 16];

		render_fit_message(u->status, r.w - 1, u->look.cs, fit,
		    sizeof fit);
		ui_put(u, r.y, r.x, r.w, UI_PLAIN(UI_A_BOLD), fit);
	} else {
		/* htop's bar: each function key's number, then its word in
		 * reverse; the letter keys in the room left. */
		int         x = r.x, f, i = 0;
		const char *label;

		while (ui_key_bar(u, i++, &f, &label)) {
			int lw = (f >= 10 ? 2 : 1) + 1 + (int)strlen(label);

			if (x + lw + 1 > r.x + r.w - 1)
				break;
			x += ui_putf(u, r.y, x, 3, UI_PLAIN(0), "F%d", f);
			x += ui_put(u, r.y, x, (int)strlen(label) + 1,
			    UI_STYLE(UI_C_HEAD, UI_A_REVERSE, UI_A_REVERSE), label);
			x++;
		}
		ui_key_hints(u, r.x + r.w - 1 - x, keys, sizeof keys);
		ui_put(u, r.y, x, r.x + r.w - x, UI_PLAIN(UI_A_DIM), keys);
	}
}

/* The help overlay, from the key table, framed and centred: one column
 * when it fits the height, else two. */
static void
draw_help(ui *u, const ui_layout *l)
{
	char line[128];
	int  n = 0, cols = 1, cw = 58, rows, w, h, y, x0;

	while (ui_key_help(n, line, sizeof line))
		n++;
	rows = n;
	if (rows + 3 > l->lines - 1) {
		cols = 2;
		cw = (l->cols - 4) / 2 < 48 ? (l->cols - 4) / 2 : 48;
		rows = (n + 1) / 2;
	}
	w = cols * cw + 4;
	h = rows + 3;
	if (h > l->lines)
		h = l->lines;
	y = (l->lines - h) / 2;
	x0 = (l->cols - w) / 2;
	if (x0 < 0)
		x0 = 0;
	ui_frame(u, y, x0, w, h, "noisetop keys");
	for (int i = 0; i < n; i++) {
		int c = i / rows, r = i % rows;

		ui_key_help(i, line, sizeof line);
		ui_put(u, y + 1 + r, x0 + 2 + c * cw, cw - 1,
		    UI_PLAIN(UI_A_REVERSE), line);
	}
	ui_put(u, y + h - 2, x0 + 2, w - 4, UI_PLAIN(UI_A_REVERSE | UI_A_BOLD),
	    "any key closes this help");
}

void
ui_draw(ui *u)
{
	ui_layout l;
	int       cols, lines, tall, want;

	ui_term_size(&cols, &lines);
	/* A matrix needs its lines below the progress: a small terminal
	 * gives it the whole screen. */
	want = ui_sweep_lines(u);
	ui_layout_compute(&l, cols, lines, 0, want);
	tall = !ui_view_fits(u, l.training);
	if (tall)
		ui_layout_compute(&l, cols, lines, 1, want);
	u->hits.samples = u->hits.sweep = u->hits.matrix = u->hits.ladder =
	    u->hits.runs = (ui_hit){ 0, 0, 0, 0 };
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
	if (l.samples.h > 0)
		draw_samples(u, l.samples, l.zoom);
	if (l.ladder.h > 0)
		ui_draw_ladder(u, l.ladder);
	if (l.aside.h > 0) {
		for (int i = 1; i < l.aside.h; i++)
			ui_put(u, l.aside.y + i, l.aside.x - 1, 1,
			    UI_STYLE(UI_C_HEAD, UI_A_DIM, 0),
			    u->look.cs == RENDER_UTF8 ? "│" : "|");
		ui_draw_aside(u, l.aside);
	}
	ui_draw_training(u, l.training);
	if (l.curves.h > 0) {
		for (int i = 1; i < l.curves.h; i++)
			ui_put(u, l.curves.y + i, l.curves.x - 1, 1,
			    UI_STYLE(UI_C_HEAD, UI_A_DIM, 0),
			    u->look.cs == RENDER_UTF8 ? "│" : "|");
		ui_draw_curves(u, l.curves);
	}
	for (int i = 1; i < l.divider.h; i++)
		ui_put(u, l.divider.y + i, l.divider.x, 1, UI_STYLE(UI_C_HEAD,
		    UI_A_DIM, 0), u->look.cs == RENDER_UTF8 ? "│" : "|");
	if (l.sweep.h > 0)
		ui_draw_sweep(u, l.sweep);
	if (l.epochs.h > 0)
		ui_draw_epochs(u, l.epochs);
	draw_status(u, l.status);
	if (u->mode == UI_MODE_RUNS || u->mode == UI_MODE_CONFIRM_DELETE)
		ui_draw_runs(u, &l);
	if (u->mode == UI_MODE_FORM)
		ui_draw_form(u, &l);
	if (u->mode == UI_MODE_CONFIRM_QUIT ||
	    u->mode == UI_MODE_CONFIRM_DELETE)
		draw_confirm(u, &l);
	if (u->help)
		draw_help(u, &l);
	ui_term_end();
}
