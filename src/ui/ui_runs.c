/*
 * ui_runs: the run browser of o.  A framed list of the runs under the runs
 * root (runlist.h: newest first, with kind and date in the id, data,
 * limits, best val accuracy, training time and status).  Enter loads the
 * selected run into the panes, r resumes it, d deletes it after a y, and
 * Space marks up to two runs whose accuracy against noise the chart
 * overlays (read from their results.csv).  And e: the shown results
 * exported into their run's directory.
 */
#include "ui/ui_priv.h"

#include <stdio.h>
#include <string.h>

#define KEY_ESC 27

/* The browser's list: the snapshot's, which the worker fills. */
#define RUNS(u)  ((u)->snap->runs)
#define NRUNS(u) ((u)->snap->nruns)

/* Is entry i marked: 'A', 'B', or ' '. */
static int
mark_of(const ui *u, int i)
{
	for (int k = 0; k < 2; k++)
		if (u->browser.mark[k][0] != '\0' &&
		    strcmp(u->browser.mark[k], RUNS(u)[i].id) == 0)
			return 'A' + k;
	return ' ';
}

void
ui_runs_open(ui *u)
{
	u->browser.cur = 0;
	u->browser.top = 0;
	if (u->root[0] == '\0')
		ui_say(u, "runs are not recorded here (no runs root)");
	worker_list_runs(u->w);
	u->mode = UI_MODE_RUNS;
}

void
ui_runs_close(ui *u)
{
	u->mode = UI_MODE_NORMAL;
}

/* The overlays from the marks, in marking order: the worker reads them.
 * The run on show is drawn already: marking it overlays nothing twice. */
static void
apply_marks(ui *u)
{
	const char *ids[2];
	int         n = 0;

	for (int k = 0; k < 2; k++)
		if (u->browser.mark[k][0] != '\0' && strcmp(u->browser.mark[k],
		    u->snap->st.run_id) != 0)
			ids[n++] = u->browser.mark[k];
	worker_overlay_runs(u->w, ids, n);
}

/* Space: mark the run, or unmark it; a third mark replaces the oldest. */
static void
toggle_mark(ui *u, const char *id)
{
	char (*m)[256] = u->browser.mark;

	if (strcmp(m[0], id) == 0) {
		memcpy(m[0], m[1], sizeof m[0]);
		m[1][0] = '\0';
	} else if (strcmp(m[1], id) == 0)
		m[1][0] = '\0';
	else if (m[0][0] == '\0')
		snprintf(m[0], sizeof m[0], "%s", id);
	else if (m[1][0] == '\0')
		snprintf(m[1], sizeof m[1], "%s", id);
	else {  /* a third: the oldest mark goes */
		memcpy(m[0], m[1], sizeof m[0]);
		snprintf(m[1], sizeof m[1], "%s", id);
	}
	apply_marks(u);
}

int
ui_runs_key(ui *u, int key)
{
	ui_browser          *b = &u->browser;
	const runlist_entry *e = b->cur < NRUNS(u) ? &RUNS(u)[b->cur] : NULL;
	char msg[512];

	if (u->mode == UI_MODE_CONFIRM_DELETE) {
		u->mode = UI_MODE_RUNS;
		if ((key == 'y' || key == 'Y') && e != NULL) {
			/* Its mark goes with it; the other mark stays. */
			for (int k = 0; k < 2; k++)
				if (strcmp(b->mark[k], e->id) == 0) {
					if (k == 0)
						memcpy(b->mark[0], b->mark[1],
						    sizeof b->mark[0]);
					b->mark[1][0] = '\0';
					apply_marks(u);
					break;
				}
			ui_say(u, "deleting run %s...", e->id);
			worker_delete_run(u->w, e->id);
		}
		return UI_REDRAW;
	}
	switch (key) {
	case 'j': case UI_KEY_DOWN: case UI_KEY_WHEEL_DOWN:
		if (b->cur + 1 < NRUNS(u))
			b->cur++;
		break;
	case 'k': case UI_KEY_UP: case UI_KEY_WHEEL_UP:
		if (b->cur > 0)
			b->cur--;
		break;
	case UI_KEY_HOME:
		b->cur = 0;
		break;
	case UI_KEY_END:
		b->cur = NRUNS(u) > 0 ? NRUNS(u) - 1 : 0;
		break;
	case ' ':
		if (e != NULL)
			toggle_mark(u, e->id);
		break;
	case '\n': case '\r': case UI_KEY_ENTER:
		if (e == NULL)
			break;
		if (worker_load(u->w, e->id) != 0)
			ui_say(u, "a job is running: x cancels it first");
		else {
			ui_say(u, "loading run %s...", e->id);
			u->res.follow = 1;
			ui_runs_close(u);
		}
		break;
	case 'r':
		if (e == NULL)
			break;
		worker_resume(u->w, e->id, msg, sizeof msg);
		ui_say(u, "%s", msg);
		ui_runs_close(u);
		break;
	case 'd':
		if (e != NULL)
			u->mode = UI_MODE_CONFIRM_DELETE;
		break;
	case UI_KEY_CLICK: {
		int y, x;

		ui_term_mouse(&y, &x);
		if (y >= u->hits.runs.y && y < u->hits.runs.y + u->hits.runs.h &&
		    b->top + y - u->hits.runs.y < NRUNS(u))
			b->cur = b->top + y - u->hits.runs.y;
		break;
	}
	case KEY_ESC: case 'q': case 'o': case 7:
		ui_runs_close(u);
		break;
	case UI_KEY_F(10):
		return UI_QUIT;
	default:
		break;
	}
	return UI_REDRAW;
}

/* s when it fits w cells, else its first word ("finished",
 * "interrupted"), else nothing: never a number cut. */
static void
words(const char *s, int w, char *out, size_t len)
{
	size_t n = 0;

	if ((int)strlen(s) <= w) {
		snprintf(out, len, "%s", s);
		return;
	}
	w = (int)strcspn(s, " ") <= w ? (int)strcspn(s, " ") : 0;

	out[0] = '\0';
	while (*s != '\0') {
		const char *e = strchr(s, ' ');
		size_t      wl = e != NULL ? (size_t)(e - s) : strlen(s);

		if ((int)(n + (n > 0) + wl) > w || n + wl + 2 > len)
			break;
		if (n > 0)
			out[n++] = ' ';
		memcpy(out + n, s, wl);
		n += wl;
		out[n] = '\0';
		s += wl;
		while (*s == ' ')
			s++;
	}
}

void
ui_draw_runs(ui *u, const ui_layout *l)
{
	int  w = l->cols - 2 < 150 ? l->cols - 2 : 150, h = l->lines - 4;
	int  y = 2, x = (l->cols - w) / 2, rows = h - 4, st;
	int  gw = w >= 110 ? 24 : 0;  /* the grid column, when wide */
	char title[128], line[512], status[256], best[16], dur[32];

	ui_browser *b = &u->browser;

	snprintf(title, sizeof title, "Runs (%d): Enter loads, r resumes, d "
	    "deletes, Space marks", NRUNS(u));
	ui_frame(u, y, x, w, h, w >= 60 ? title : "Runs");
	ui_putf(u, y + 1, x + 2, w - 4, UI_PLAIN(UI_A_REVERSE | UI_A_BOLD),
	    "  %-21s %-9s %11s %6s %7s %-*s%s", "run", "data", "train/test",
	    "best", "time", gw, gw ? "grid" : "", "status");
	if (NRUNS(u) == 0) {
		ui_put(u, y + 2, x + 2, w - 4, UI_PLAIN(UI_A_REVERSE),
		    "no runs yet: t, c and s record one");
		return;
	}
	if (b->cur >= NRUNS(u))
		b->cur = NRUNS(u) - 1;
	if (b->cur < b->top)
		b->top = b->cur;
	if (b->cur >= b->top + rows)
		b->top = b->cur - rows + 1;
	u->hits.runs = (ui_hit){ y + 2, x + 1, w - 2, rows };
	for (int r = 0; r < rows && b->top + r < NRUNS(u); r++) {
		int i = b->top + r, fixed;
		const runlist_entry *e = &RUNS(u)[i];
		char lim[40];

		if (e->best_val >= 0.0)
			snprintf(best, sizeof best, "%.2f", e->best_val * 100.0);
		else
			snprintf(best, sizeof best, "-");
		render_duration(e->seconds, dur, sizeof dur);
		snprintf(lim, sizeof lim, "%zu/%zu", e->train_limit,
		    e->test_limit);
		fixed = snprintf(line, sizeof line, "%c %-21s %-9s %11s %6s %7s "
		    "%-*.*s", mark_of(u, i), e->id, e->data, lim, best, dur, gw,
		    gw > 0 ? gw - 1 : 0, e->grid);
		words(e->alive ? "running now" : e->status, w - 4 - fixed,
		    status, sizeof status);
		st = i == b->cur ? UI_PLAIN(UI_A_BOLD) :
		    UI_PLAIN(UI_A_REVERSE);
		ui_fill(u, y + 2 + r, x + 1, w - 2, st);
		ui_putf(u, y + 2 + r, x + 2, w - 4, st, "%s%s", line, status);
	}
	/* The selected run's grid, whatever the width. */
	if (b->cur >= 0 && b->cur < NRUNS(u))
		ui_putf(u, y + h - 2, x + 2, w - 4, UI_PLAIN(UI_A_REVERSE |
		    UI_A_BOLD), "%s: %s", RUNS(u)[b->cur].id,
		    RUNS(u)[b->cur].grid);
}

/* ------------------------------------------------------------ export */

/* The view on screen into the run's own directory (else the export
 * directory or the current one), as new timestamped files recording the
 * limits: the worker writes them.  The confusion view exports the kept
 * model's counts, the matrix view the train x test matrix, the others
 * every row's epochs. */
int
ui_export(ui *u)
{
	const worker_snapshot *s = u->snap;
	long                 counts[DATASET_NCLASS * DATASET_NCLASS];
	results_export_kind  view = RESULTS_EXPORT_HISTORY;
	char lim[96], source[NT_PATH_LEN + 200];

	if (s->st.state == WORKER_IDLE || s->table.n == 0) {
		ui_say(u, "nothing to export yet: t, c or s starts a job");
		return UI_REDRAW;
	}
	if (u->res.view == UI_VIEW_CONFUSION) {
		if (!ui_confusion(u, counts)) {
			ui_say(u, "no confusion matrix to export: no model yet");
			return UI_REDRAW;
		}
		view = RESULTS_EXPORT_CONFUSION;
	} else if (u->res.view == UI_VIEW_GRID)
		view = RESULTS_EXPORT_MATRIX;
	snprintf(source, sizeof source, "%s; %s", u->ds->source,
	    ui_limits(u, lim, sizeof lim));
	worker_export(u->w, view, s->st.model_row, view ==
	    RESULTS_EXPORT_CONFUSION ? counts : NULL, source,
	    u->o->export_dir);
	ui_say(u, "exporting...");
	return UI_REDRAW;
}
