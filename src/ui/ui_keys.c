/*
 * ui_keys: the dashboard's keys as one table.  Each row binds keys to an
 * action and says when the action is useful, how the status line offers
 * it and how the help overlay explains it; the dispatch, the hints and
 * the help are all read from the table, so a new key is one new row.
 * Actions return reaction flags (UI_REDRAW, UI_QUIT, ...) and the loop
 * alone decides what to redraw (htop's Action.c).
 */
#include "ui/ui_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_CTRL_L 12
#define KEY_ESC 27
#define HINT_SECONDS 2.0  /* how long "? for help" stays */

/* The noise scales Up/Down step through. */
static const float preview_steps[] = { 0.0f, 0.05f, 0.1f, 0.2f, 0.3f, 0.5f,
	0.75f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f };
#define NSTEPS ((int)(sizeof preview_steps / sizeof preview_steps[0]))

/* ------------------------------------------------------------ actions */

static void
move_to(ui *u, long long i)
{
	size_t n = ui_cur_split(u)->n;

	if (n == 0)
		return;
	if (i < 0)
		i = 0;
	if ((size_t)i >= n)
		i = (long long)n - 1;
	u->samples.index[u->samples.split] = (size_t)i;
}

/* Step through misclassified test images: dir +1/-1, count steps. */
static void
step_miss(ui *u, int dir, int count)
{
	size_t    n = u->snap->test_n;
	long long i = (long long)u->samples.index[1];

	while (count-- > 0) {
		long long j = i + dir;

		while (j >= 0 && (size_t)j < n && !ui_is_miss(u, (size_t)j))
			j += dir;
		if (j < 0 || (size_t)j >= n)
			break;
		i = j;
	}
	u->samples.index[1] = (size_t)i;
}

/* arg: signed steps (+-1, +-10). */
static int
act_step(ui *u, int arg, int key)
{
	int dir = arg < 0 ? -1 : 1, count = arg < 0 ? -arg : arg;

	(void)key;
	if (u->samples.misc_only)
		step_miss(u, dir, count);
	else
		move_to(u, (long long)u->samples.index[u->samples.split] + (long long)arg);
	return UI_REDRAW;
}

/* arg: -1 first, +1 last. */
static int
act_end(ui *u, int arg, int key)
{
	(void)key;
	if (u->samples.misc_only) {
		u->samples.index[1] = arg < 0 || u->snap->test_n == 0 ? 0 :
		    u->snap->test_n - 1;
		if (!ui_is_miss(u, u->samples.index[1]))
			step_miss(u, -arg, 1);
	} else
		move_to(u, arg < 0 ? 0 : (long long)ui_cur_split(u)->n - 1);
	return UI_REDRAW;
}

static int
act_goto(ui *u, int arg, int key)
{
	(void)arg;
	(void)key;
	u->mode = UI_MODE_GOTO;
	u->prompt[0] = '\0';
	return UI_REDRAW;
}

/* The next image with the key's label. */
static int
act_label(ui *u, int arg, int key)
{
	const dataset_split *sp = ui_cur_split(u);
	size_t i = u->samples.index[u->samples.split];
	int    label = key - '0';

	(void)arg;
	for (size_t k = 1; k <= sp->n; k++) {
		size_t j = (i + k) % sp->n;

		if (sp->label[j] == label && (!u->samples.misc_only ||
		    ui_is_miss(u, j))) {
			u->samples.index[u->samples.split] = j;
			return UI_REDRAW;
		}
	}
	ui_say(u, "no %s image with label %d", u->samples.misc_only ?
	    "misclassified" : u->samples.split ? "test" : "train", label);
	return UI_REDRAW;
}

static int
act_split(ui *u, int arg, int key)
{
	(void)arg;
	(void)key;
	if (u->samples.misc_only) {
		u->samples.misc_only = 0;
		ui_say(u, "browsing all images");
	}
	u->samples.split = !u->samples.split;
	return UI_REDRAW;
}

/* arg: +1 up the preview steps, -1 down. */
static int
act_scale(ui *u, int arg, int key)
{
	int k;

	(void)key;
	if (arg > 0) {
		for (k = 0; k < NSTEPS; k++)
			if (preview_steps[k] > u->samples.scale + 1e-6f)
				break;
		if (k < NSTEPS)
			u->samples.scale = preview_steps[k];
	} else {
		for (k = NSTEPS - 1; k >= 0; k--)
			if (preview_steps[k] < u->samples.scale - 1e-6f)
				break;
		if (k >= 0)
			u->samples.scale = preview_steps[k];
	}
	/* The selection follows the preview scale again. */
	u->res.follow = 1;
	ui_sync_selection(u);
	return UI_REDRAW;
}

/* arg: the job_kind whose form opens (Enter there starts it). */
static int
act_start(ui *u, int arg, int key)
{
	(void)key;
	ui_form_open(u, arg);
	return UI_REDRAW;
}

/* Continue the run on screen when it can be, else the newest interrupted
 * one; the worker reports the outcome. */
static int
act_resume(ui *u, int arg, int key)
{
	const worker_status *s = &u->snap->st;
	char msg[512];

	(void)arg;
	(void)key;
	worker_resume(u->w, s->state == WORKER_LOADED && s->run_resumable ?
	    s->run_id : NULL, msg, sizeof msg);
	ui_say(u, "%s", msg);
	return UI_REDRAW;
}

static int
act_cancel(ui *u, int arg, int key)
{
	(void)arg;
	(void)key;
	if (worker_busy(u->w))
		worker_cancel(u->w);
	else
		ui_say(u, "no job is running");
	return UI_REDRAW;
}

static int
act_pause(ui *u, int arg, int key)
{
	(void)arg;
	(void)key;
	if (worker_busy(u->w))
		worker_toggle_pause(u->w);
	else
		ui_say(u, "no job is running");
	return UI_REDRAW;
}

/* F6: the row table's next order. */
static int
act_sort(ui *u, int arg, int key)
{
	(void)arg;
	(void)key;
	u->res.sort = (u->res.sort + 1) % UI_NSORTS;
	ui_say(u, "rows by %s", ui_sort_name(u->res.sort));
	return UI_REDRAW;
}

static int
act_export(ui *u, int arg, int key)
{
	(void)arg;
	(void)key;
	return ui_export(u);
}

static int
act_misses(ui *u, int arg, int key)
{
	char sc[32];

	(void)arg;
	(void)key;
	if (u->samples.misc_only) {
		u->samples.misc_only = 0;
		ui_say(u, "browsing all images");
		return UI_REDRAW;
	}
	if (u->snap->test_pred == NULL) {
		ui_say(u, "no model yet: t trains one, then m shows its misses");
		return UI_REDRAW;
	}
	if (ui_count_misses(u, 0, NULL) == 0) {
		ui_say(u, "the model classifies every test image correctly");
		return UI_REDRAW;
	}
	/* In the matrix, a chosen off-diagonal cell narrows the misses to
	 * that (true, predicted) pair. */
	u->res.pair = u->res.view == UI_VIEW_CONFUSION && u->res.cell >= 0 &&
	    u->res.cell / 10 != u->res.cell % 10 ? u->res.cell : -1;
	if (ui_count_misses(u, 0, NULL) == 0) {
		ui_say(u, "no test image is true %d predicted %d", u->res.cell / 10,
		    u->res.cell % 10);
		u->res.pair = -1;
		return UI_REDRAW;
	}
	u->samples.misc_only = 1;
	u->samples.split = 1;
	if (u->res.view == UI_VIEW_CONFUSION)  /* the images need the screen */
		u->res.view = UI_VIEW_CURVES;
	u->samples.scale = u->snap->st.model_scale;
	if (!ui_is_miss(u, u->samples.index[1])) {
		step_miss(u, 1, 1);
		if (!ui_is_miss(u, u->samples.index[1]))
			step_miss(u, -1, 1);
	}
	if (u->res.pair >= 0)
		ui_say(u, "test images of %d taken for %d at scale %s (m: all "
		    "images)", u->res.pair / 10, u->res.pair % 10, ui_fmt_scale(u->samples.scale,
		    sc, sizeof sc));
	else
		ui_say(u, "misclassified test images at the model's scale %s "
		    "(m: all images)", ui_fmt_scale(u->samples.scale, sc, sizeof sc));
	return UI_REDRAW;
}

/* The matrix's cells in order of count, off the diagonal (the worst
 * confusions first); arg steps through them. */
static int
step_cell(ui *u, int arg)
{
	long counts[100];
	int  order[100], n = 0, at = -1;

	if (!ui_confusion(u, counts))
		return UI_REDRAW;
	for (int c = 0; c < 100; c++)
		if (c / 10 != c % 10 && counts[c] > 0)
			order[n++] = c;
	for (int i = 1; i < n; i++)  /* insertion sort, stable */
		for (int j = i; j > 0 && counts[order[j]] > counts[order[j - 1]];
		    j--) {
			int t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (int i = 0; i < n; i++)
		if (order[i] == u->res.cell)
			at = i;
	if (n == 0) {
		ui_say(u, "no confusions: every test image is right");
		return UI_REDRAW;
	}
	at = at < 0 ? 0 : (at + arg + n) % n;
	u->res.cell = order[at];
	return UI_REDRAW;
}

/* arg: -1 up a row (k), +1 down (j). */
static int
act_select(ui *u, int arg, int key)
{
	const sweep_table *t = &u->snap->table;

	(void)key;
	if (u->res.view == UI_VIEW_CONFUSION)
		return step_cell(u, arg);
	if (t->n == 0 || u->snap->st.state == WORKER_IDLE) {
		ui_say(u, "no results to select yet: s sweeps, o opens a run");
		return UI_REDRAW;
	}
	u->res.follow = 0;
	u->res.sel = u->res.sel < 0 ? 0 : u->res.sel + arg;
	if (u->res.sel < 0)
		u->res.sel = 0;
	if (u->res.sel >= t->n)
		u->res.sel = t->n - 1;
	ui_sync_selection(u);
	return UI_REDRAW;
}

static int
act_view(ui *u, int arg, int key)
{
	(void)arg;
	(void)key;
	u->res.view = (u->res.view + 1) % UI_NVIEWS;
	/* The train x test matrix needs a grid with several test scales. */
	if (u->res.view == UI_VIEW_GRID && u->snap->table.plan.ntest < 2)
		u->res.view = UI_VIEW_CURVES;
	if (u->res.view == UI_VIEW_CONFUSION && u->res.cell < 0)
		step_cell(u, 0);
	return UI_REDRAW;
}

static int
act_runs(ui *u, int arg, int key)
{
	(void)arg;
	(void)key;
	ui_runs_open(u);
	return UI_REDRAW;
}

/* A click selects what is under it (ui_click). */
static int
act_click(ui *u, int arg, int key)
{
	int y, x;

	(void)arg;
	(void)key;
	ui_term_mouse(&y, &x);
	return ui_click(u, y, x);
}

/* The wheel: over the chart it moves the selection, elsewhere it browses
 * the samples. arg: -1 up, +1 down. */
static int
act_wheel(ui *u, int arg, int key)
{
	int y, x;

	ui_term_mouse(&y, &x);
	if (ui_hit_test(&u->hits.sweep, y, x) || ui_hit_test(&u->hits.matrix, y,
	    x))
		return act_select(u, arg, key);
	return act_step(u, arg, key);
}

static int
act_redraw(ui *u, int arg, int key)
{
	(void)u;
	(void)arg;
	(void)key;
	return UI_REPAINT | UI_REDRAW;
}

static int
act_help(ui *u, int arg, int key)
{
	(void)arg;
	(void)key;
	u->help = 1;
	return UI_REDRAW;
}

/* Quit at once when idle; while a job runs, ask first. */
static int
act_quit(ui *u, int arg, int key)
{
	(void)arg;
	(void)key;
	if (!worker_busy(u->w))
		return UI_QUIT;
	u->mode = UI_MODE_CONFIRM_QUIT;
	return UI_REDRAW;
}

/* ------------------------------------------------- when keys are useful */

static int
when_idle(const ui *u)
{
	return u->snap->st.state != WORKER_RUNNING;
}

static int
when_running(const ui *u)
{
	return u->snap->st.state == WORKER_RUNNING;
}

static int
when_results(const ui *u)
{
	return u->snap->st.state != WORKER_IDLE && u->snap->table.n > 0;
}

static int
when_model(const ui *u)
{
	return u->snap->test_pred != NULL;
}

/* -------------------------------------------------------------- table */

typedef struct {
	int         keys[4];      /* the keys, 0-terminated */
	int         first, last;  /* and a range of keys (0, 0: none) */
	int         arg;          /* passed to act */
	int       (*act)(ui *u, int arg, int key);
	int       (*when)(const ui *u);  /* useful now; NULL: always */
	const char *hint;         /* on the status line when useful */
	const char *name;         /* the help's key column; NULL: the
	                             row above explains this one too */
	const char *help;
	const char *bar;          /* its label in the function-key bar
	                             (htop's "F10Quit"); NULL: none */
} ui_binding;

static const ui_binding bindings[] = {
	{ { UI_KEY_LEFT, 'h' }, 0, 0, -1, act_step, NULL, NULL,
	  "Left/Right", "prev / next sample (h l)", NULL },
	{ { UI_KEY_RIGHT, 'l' }, 0, 0, 1, act_step, NULL, NULL, NULL, NULL, NULL },
	{ { UI_KEY_PGUP }, 0, 0, -10, act_step, NULL, NULL,
	  "PgUp/PgDn", "10 back / forward", NULL },
	{ { UI_KEY_PGDN }, 0, 0, 10, act_step, NULL, NULL, NULL, NULL, NULL },
	{ { UI_KEY_HOME }, 0, 0, -1, act_end, NULL, NULL,
	  "Home/End", "first / last sample", NULL },
	{ { UI_KEY_END }, 0, 0, 1, act_end, NULL, NULL, NULL, NULL, NULL },
	{ { 'g', UI_KEY_F(3) }, 0, 0, 0, act_goto, NULL, NULL, "g F3",
	  "go to an index", "Goto" },
	{ { 0 }, '0', '9', 0, act_label, NULL, NULL,
	  "0-9", "next sample of that label", NULL },
	{ { '\t' }, 0, 0, 0, act_split, NULL, NULL, "Tab",
	  "train / test split", NULL },
	{ { UI_KEY_UP, '+', '=' }, 0, 0, 1, act_scale, NULL, NULL,
	  "Up/Down", "preview noise scale (+ -)", NULL },
	{ { UI_KEY_DOWN, '-', '_' }, 0, 0, -1, act_scale, NULL, NULL, NULL,
	  NULL, NULL },
	{ { 'j' }, 0, 0, 1, act_select, when_results, "j/k:select",
	  "j/k", "select row (matrix: cell)", NULL },
	{ { 'k' }, 0, 0, -1, act_select, NULL, NULL, NULL, NULL, NULL },
	{ { 'v', UI_KEY_F(4) }, 0, 0, 0, act_view, when_results, "v:view",
	  "v F4", "curves/tables/all rows", "View" },
	{ { 't' }, 0, 0, JOB_TRAIN, act_start, when_idle, "t:train",
	  "t", "train one model (a form)", NULL },
	{ { 'c' }, 0, 0, JOB_COMPARE, act_start, when_idle,
	  "c:compare", "c", "compare clean vs noisy", NULL },
	{ { 's', UI_KEY_F(2) }, 0, 0, JOB_SWEEP, act_start, when_idle,
	  "s:sweep", "s F2", "sweep noise scales (setup)", "Setup" },
	{ { 'o', UI_KEY_F(5) }, 0, 0, 0, act_runs, when_idle, "o:runs",
	  "o F5", "runs: load, resume, delete", "Runs" },
	{ { 'r' }, 0, 0, 0, act_resume, when_idle, "r:resume",
	  "r", "resume the interrupted run", NULL },
	{ { 'x', UI_KEY_F(9) }, 0, 0, 0, act_cancel, when_running,
	  "x:cancel", "x F9", "cancel the running job", "Cancel" },
	{ { 'p' }, 0, 0, 0, act_pause, when_running, "p:pause",
	  "p", "pause / resume the job", NULL },
	{ { UI_KEY_F(6) }, 0, 0, 0, act_sort, when_results, NULL,
	  "F6", "sort the row table (wide screens)", "Sort" },
	{ { 'e' }, 0, 0, 0, act_export, when_results, "e:export",
	  "e", "export, and a report, into the run's dir", NULL },
	{ { 'm' }, 0, 0, 0, act_misses, when_model, "m:misses",
	  "m", "misclassified (or a cell)", NULL },
	{ { UI_KEY_CLICK }, 0, 0, 0, act_click, NULL, NULL,
	  "mouse", "click selects, wheel moves", NULL },
	{ { UI_KEY_WHEEL_UP }, 0, 0, -1, act_wheel, NULL, NULL, NULL, NULL, NULL },
	{ { UI_KEY_WHEEL_DOWN }, 0, 0, 1, act_wheel, NULL, NULL, NULL, NULL, NULL },
	{ { KEY_CTRL_L }, 0, 0, 0, act_redraw, NULL, NULL,
	  "Ctrl-L", "redraw", NULL },
	{ { '?', UI_KEY_F(1) }, 0, 0, 0, act_help, NULL, NULL,
	  "? F1", "this help", "Help" },
	{ { 'q', 'Q' }, 0, 0, 0, act_quit, NULL, NULL,
	  "q", "quit (asks if a job runs)", NULL },
	/* htop's function keys: one row is all a new key takes. */
	{ { UI_KEY_F(10) }, 0, 0, 0, act_quit, NULL, NULL,
	  "F10", "quit, as in htop", "Quit" },
};
#define NBINDINGS ((int)(sizeof bindings / sizeof bindings[0]))

static const ui_binding *
binding_of(int key)
{
	for (int i = 0; i < NBINDINGS; i++) {
		const ui_binding *b = &bindings[i];

		if (b->last != 0 && key >= b->first && key <= b->last)
			return b;
		for (int k = 0; k < 4 && b->keys[k] != 0; k++)
			if (b->keys[k] == key)
				return b;
	}
	return NULL;
}

/* ----------------------------------------------------------- dispatch */

/* The index prompt of g: digits, Backspace, Enter, Esc. */
static int
key_goto(ui *u, int ch)
{
	size_t len = strlen(u->prompt);

	if (ch >= '0' && ch <= '9' && len + 1 < sizeof u->prompt) {
		u->prompt[len] = (char)ch;
		u->prompt[len + 1] = '\0';
	} else if ((ch == UI_KEY_BACKSPACE || ch == 127 || ch == 8) &&
	    len > 0)
		u->prompt[len - 1] = '\0';
	else if (ch == '\n' || ch == '\r' || ch == UI_KEY_ENTER) {
		if (len > 0) {
			u->samples.misc_only = 0;
			move_to(u, atoll(u->prompt));
		}
		u->mode = UI_MODE_NORMAL;
	} else if (ch == KEY_ESC || ch == 7)
		u->mode = UI_MODE_NORMAL;
	return UI_REDRAW;
}

int
ui_key(ui *u, int key)
{
	const ui_binding *b;

	if (key == UI_KEY_RESIZE)
		return UI_REDRAW;
	if (key == KEY_CTRL_L)  /* in every mode */
		return act_redraw(u, 0, key);
	if (u->help) {
		u->help = 0;
		return UI_REDRAW;
	}
	if (u->mode == UI_MODE_GOTO)
		return key_goto(u, key);
	if (u->mode == UI_MODE_FORM)
		return ui_form_key(u, key);
	if (u->mode == UI_MODE_RUNS || u->mode == UI_MODE_CONFIRM_DELETE)
		return ui_runs_key(u, key);
	if (u->mode == UI_MODE_CONFIRM_QUIT) {
		u->mode = UI_MODE_NORMAL;
		return key == 'y' || key == 'Y' || key == 'q' ? UI_QUIT :
		    UI_REDRAW;
	}
	if ((b = binding_of(key)) != NULL)
		return b->act(u, b->arg, key);
	ui_say_for(u, HINT_SECONDS, "? for help");
	return UI_REDRAW;
}

int
ui_key_bar(const ui *u, int i, int *fnum, const char **label)
{
	/* In the keys' order, F1 first, as htop draws it. */
	for (int f = 1; f <= 24; f++) {
		const ui_binding *b = binding_of(UI_KEY_F(f));

		if (b == NULL || b->bar == NULL || (b->when != NULL &&
		    !b->when(u)) || i-- > 0)
			continue;
		*fnum = f;
		*label = b->bar;
		return 1;
	}
	return 0;
}

void
ui_key_hints(const ui *u, int cols, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < NBINDINGS; i++) {
		const ui_binding *b = &bindings[i];
		size_t            hl;

		if (b->hint == NULL || (b->when != NULL && !b->when(u)))
			continue;
		/* A hint that does not fit is left out, not cut. */
		hl = strlen(b->hint) + (n > 0);
		if ((int)(n + hl) > cols || n + hl + 1 > len)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n > 0 ? " " : "",
		    b->hint);
	}
}

int
ui_key_help(int i, char *buf, size_t len)
{
	int line = 0;

	for (int k = 0; k < NBINDINGS; k++) {
		if (bindings[k].name == NULL)
			continue;
		if (line++ == i) {
			snprintf(buf, len, "%-10s %s", bindings[k].name,
			    bindings[k].help);
			return 1;
		}
	}
	return 0;
}

/* -------------------------------------------------------------- mouse */

int
ui_hit_test(const ui_hit *h, int y, int x)
{
	return h->w > 0 && y >= h->y && y < h->y + h->h && x >= h->x &&
	    x < h->x + h->w;
}

int
ui_click(ui *u, int y, int x)
{
	if (ui_hit_test(&u->hits.matrix, y, x)) {
		const chart_cells *c = &u->hits.matrix_cells;
		int r = y - u->hits.matrix.y - c->y0;
		int k = (x - u->hits.matrix.x - c->x0) / (c->cw > 0 ? c->cw : 1);

		if (r >= 0 && r < 10 && k >= 0 && k < 10 &&
		    x - u->hits.matrix.x >= c->x0)
			u->res.cell = r * 10 + k;
		return UI_REDRAW;
	}
	if (ui_hit_test(&u->hits.sweep, y, x)) {
		const sweep_table *t = &u->snap->table;
		int c = u->res.sel >= 0 && u->res.sel < t->n ?
		    t->rows[u->res.sel].corruption_index : 0;

		/* A group is a training scale: its first seed's row. */
		for (int j = SWEEP_MAX_SCALES - 1; j >= 0; j--)
			if (u->hits.sweep_row_y[j] >= 0 && y >= u->hits.sweep_row_y[j]) {
				int i = sweep_row_index(t, c, j, 0);

				if (i >= 0) {
					u->res.sel = i;
					u->res.follow = 0;
					ui_sync_selection(u);
				}
				break;
			}
		return UI_REDRAW;
	}
	if (ui_hit_test(&u->hits.ladder, y, x)) {
		for (int k = 0; k < u->hits.ladder_n; k++)
			if (x - u->hits.ladder.x >= u->hits.ladder_x[k] &&
			    x - u->hits.ladder.x < u->hits.ladder_x[k] + u->hits.ladder_w) {
				u->samples.scale = u->snap->table.n > 0 ?
				    u->snap->table.rows[u->hits.ladder_row[k]].scale :
				    u->samples.scale;
				u->res.follow = 1;
				ui_sync_selection(u);
			}
		return UI_REDRAW;
	}
	if (ui_hit_test(&u->hits.samples, y, x))
		return ui_key(u, UI_KEY_RIGHT);
	return UI_OK;
}
