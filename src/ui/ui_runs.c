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

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "data/corrupt.h"
#include "base/err.h"
#include "base/file.h"
#include "runs/results.h"

#define KEY_ESC 27

/* Each run's grid, from its config.txt: corruption, noise mode, seeds. */
static void
read_grids(ui *u)
{
	run *r = malloc(sizeof *r);

	free(u->runs_grid);
	u->runs_grid = calloc((size_t)(u->nruns > 0 ? u->nruns : 1),
	    sizeof *u->runs_grid);
	if (r == NULL || u->runs_grid == NULL) {
		free(r);
		return;
	}
	for (int i = 0; i < u->nruns; i++) {
		const sweep_plan *p = &r->conf.plan;
		char err[256];
		int  n = 0;

		if (run_open(r, u->root, u->runs[i].id, err, sizeof err) != 0)
			continue;
		for (int k = 0; k < p->ncorruptions; k++)
			n += snprintf(u->runs_grid[i] + n, sizeof u->runs_grid[i] -
			    (size_t)n, "%s%s", k ? "+" : "",
			    corrupt_name(p->corruptions[k]));
		snprintf(u->runs_grid[i] + n, sizeof u->runs_grid[i] - (size_t)n,
		    " %s, %d seed%s", sweep_mode_name(p->mode), p->nseeds,
		    p->nseeds == 1 ? "" : "s");
	}
	free(r);
}

static void
reread(ui *u)
{
	char err[512];

	free(u->runs);
	u->runs = NULL;
	u->nruns = 0;
	if (u->root[0] == '\0')
		ui_say(u, "runs are not recorded here (no runs root)");
	else if (runlist_read(u->root, &u->runs, &u->nruns, err,
	    sizeof err) != 0)
		ui_say(u, "cannot list the runs: %s", err);
	read_grids(u);
	if (u->runs_cur >= u->nruns)
		u->runs_cur = u->nruns > 0 ? u->nruns - 1 : 0;
	u->mark[0] = u->mark[1] = -1;
	/* The marks follow the overlays' runs. */
	for (int k = 0; k < u->noverlay; k++)
		for (int i = 0; i < u->nruns; i++)
			if (strcmp(u->runs[i].id, u->overlay[k].id) == 0)
				u->mark[k] = i;
}

void
ui_runs_open(ui *u)
{
	u->runs_cur = 0;
	u->runs_top = 0;
	reread(u);
	u->mode = UI_MODE_RUNS;
}

void
ui_runs_close(ui *u)
{
	u->mode = UI_MODE_NORMAL;
}

int
ui_read_overlay(const char *root, const char *id, ui_overlay *ov, char *err,
    size_t errlen)
{
	char     path[4400];
	uint8_t *buf;
	size_t   len;
	int      cs = -1, ce = -1, cv = -1, maxep[SWEEP_MAX_SCALES] = { 0 };
	int      cnt[SWEEP_MAX_SCALES] = { 0 };
	char    *line, *save = NULL;

	snprintf(path, sizeof path, "%s/%s/results.csv", root, id);
	if (file_read(path, 1 << 24, &buf, &len, err, errlen) != 0)
		return -1;
	memset(ov, 0, sizeof *ov);
	snprintf(ov->id, sizeof ov->id, "%s", id);
	for (line = strtok_r((char *)buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char  *f[32], *tok, *s2 = NULL;
		int    nf = 0, k;
		double sc, ep, v;

		if (line[0] == '#')
			continue;
		for (tok = strtok_r(line, ",", &s2); tok != NULL && nf < 32;
		    tok = strtok_r(NULL, ",", &s2))
			f[nf++] = tok;
		if (cs < 0) {  /* the header names the columns */
			for (int i = 0; i < nf; i++) {
				cs = strcmp(f[i], "scale") == 0 ? i : cs;
				ce = strcmp(f[i], "epoch") == 0 ? i : ce;
				cv = strcmp(f[i], "val_accuracy") == 0 ? i : cv;
			}
			if (cs < 0 || ce < 0 || cv < 0) {
				free(buf);
				return err_set(err, errlen, "%s: no scale, epoch "
				    "and val_accuracy columns", path);
			}
			continue;
		}
		if (nf <= cs || nf <= ce || nf <= cv)
			continue;
		sc = atof(f[cs]);
		ep = atof(f[ce]);
		v = atof(f[cv]);
		for (k = 0; k < ov->n && fabs(ov->scale[k] - sc) > 1e-9; k++)
			;
		if (k == ov->n) {
			if (ov->n == SWEEP_MAX_SCALES)
				continue;
			ov->scale[ov->n++] = sc;
		}
		/* The last epoch of each scale (averaged over its rows). */
		if ((int)ep > maxep[k]) {
			maxep[k] = (int)ep;
			ov->val[k] = 0.0;
			cnt[k] = 0;
		}
		if ((int)ep == maxep[k]) {
			ov->val[k] = (ov->val[k] * cnt[k] + v) / (cnt[k] + 1);
			cnt[k]++;
		}
	}
	free(buf);
	if (ov->n == 0)
		return err_set(err, errlen, "%s: no epoch yet", path);
	return 0;
}

/* The overlays from the marks, in marking order. */
static void
apply_marks(ui *u)
{
	char err[512];

	u->noverlay = 0;
	for (int k = 0; k < 2; k++) {
		int i = u->mark[k];

		if (i < 0 || i >= u->nruns)
			continue;
		if (ui_read_overlay(u->root, u->runs[i].id,
		    &u->overlay[u->noverlay], err, sizeof err) == 0)
			u->noverlay++;
		else
			ui_say(u, "not overlaid: %s", err);
	}
	/* Keep the marks and overlays in step. */
	if (u->noverlay < 2 && u->mark[0] < 0) {
		u->mark[0] = u->mark[1];
		u->mark[1] = -1;
	}
}

static void
toggle_mark(ui *u, int i)
{
	if (u->mark[0] == i) {
		u->mark[0] = u->mark[1];
		u->mark[1] = -1;
	} else if (u->mark[1] == i)
		u->mark[1] = -1;
	else if (u->mark[0] < 0)
		u->mark[0] = i;
	else if (u->mark[1] < 0)
		u->mark[1] = i;
	else {  /* a third: the oldest mark goes */
		u->mark[0] = u->mark[1];
		u->mark[1] = i;
	}
	apply_marks(u);
	ui_say(u, u->noverlay ? "%d run%s overlaid in the chart (A, B)" :
	    "no run overlaid", u->noverlay, u->noverlay == 1 ? "" : "s");
}

int
ui_runs_key(ui *u, int key)
{
	const runlist_entry *e = u->runs_cur < u->nruns ?
	    &u->runs[u->runs_cur] : NULL;
	char msg[512];

	if (u->mode == UI_MODE_CONFIRM_DELETE) {
		u->mode = UI_MODE_RUNS;
		if ((key == 'y' || key == 'Y') && e != NULL) {
			char id[256];

			snprintf(id, sizeof id, "%s", e->id);
			if (runlist_remove(u->root, id, msg, sizeof msg) != 0)
				ui_say(u, "not deleted: %s", msg);
			else
				ui_say(u, "deleted run %s", id);
			u->noverlay = 0;
			reread(u);
			apply_marks(u);
		}
		return UI_REDRAW;
	}
	switch (key) {
	case 'j': case UI_KEY_DOWN: case UI_KEY_WHEEL_DOWN:
		if (u->runs_cur + 1 < u->nruns)
			u->runs_cur++;
		break;
	case 'k': case UI_KEY_UP: case UI_KEY_WHEEL_UP:
		if (u->runs_cur > 0)
			u->runs_cur--;
		break;
	case UI_KEY_HOME:
		u->runs_cur = 0;
		break;
	case UI_KEY_END:
		u->runs_cur = u->nruns > 0 ? u->nruns - 1 : 0;
		break;
	case ' ':
		if (e != NULL)
			toggle_mark(u, u->runs_cur);
		break;
	case '\n': case '\r': case UI_KEY_ENTER:
		if (e == NULL)
			break;
		if (worker_load(u->w, e->id) != 0)
			ui_say(u, "a job is running: x cancels it first");
		else {
			ui_say(u, "loading run %s...", e->id);
			u->sel_follow = 1;
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
		if (y >= u->hit_runs.y && y < u->hit_runs.y + u->hit_runs.h &&
		    u->runs_top + y - u->hit_runs.y < u->nruns)
			u->runs_cur = u->runs_top + y - u->hit_runs.y;
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

	snprintf(title, sizeof title, "Runs (%d): Enter loads, r resumes, d "
	    "deletes, Space marks", u->nruns);
	ui_frame(u, y, x, w, h, w >= 60 ? title : "Runs");
	ui_putf(u, y + 1, x + 2, w - 4, UI_PLAIN(UI_A_REVERSE | UI_A_BOLD),
	    "  %-21s %-9s %11s %6s %7s %-*s%s", "run", "data", "train/test",
	    "best", "time", gw, gw ? "grid" : "", "status");
	if (u->nruns == 0) {
		ui_put(u, y + 2, x + 2, w - 4, UI_PLAIN(UI_A_REVERSE),
		    "no runs yet: t, c and s record one");
		return;
	}
	if (u->runs_cur < u->runs_top)
		u->runs_top = u->runs_cur;
	if (u->runs_cur >= u->runs_top + rows)
		u->runs_top = u->runs_cur - rows + 1;
	u->hit_runs = (ui_hit){ y + 2, x + 1, w - 2, rows };
	for (int r = 0; r < rows && u->runs_top + r < u->nruns; r++) {
		int i = u->runs_top + r, fixed;
		const runlist_entry *e = &u->runs[i];
		char lim[40];

		if (e->best_val >= 0.0)
			snprintf(best, sizeof best, "%.2f", e->best_val * 100.0);
		else
			snprintf(best, sizeof best, "-");
		render_duration(e->seconds, dur, sizeof dur);
		snprintf(lim, sizeof lim, "%zu/%zu", e->train_limit,
		    e->test_limit);
		fixed = snprintf(line, sizeof line, "%c %-21s %-9s %11s %6s %7s "
		    "%-*.*s", u->mark[0] == i ? 'A' : u->mark[1] == i ? 'B' :
		    ' ', e->id, e->data, lim, best, dur, gw, gw > 0 ? gw - 1 : 0,
		    u->runs_grid != NULL ? u->runs_grid[i] : "");
		words(e->alive ? "running now" : e->status, w - 4 - fixed,
		    status, sizeof status);
		st = i == u->runs_cur ? UI_PLAIN(UI_A_BOLD) :
		    UI_PLAIN(UI_A_REVERSE);
		ui_fill(u, y + 2 + r, x + 1, w - 2, st);
		ui_putf(u, y + 2 + r, x + 2, w - 4, st, "%s%s", line, status);
	}
	/* The selected run's grid, whatever the width. */
	if (u->runs_grid != NULL && u->runs_cur < u->nruns)
		ui_putf(u, y + h - 2, x + 2, w - 4, UI_PLAIN(UI_A_REVERSE |
		    UI_A_BOLD), "%s: %s", u->runs[u->runs_cur].id,
		    u->runs_grid[u->runs_cur]);
}

/* ------------------------------------------------------------ export */

/* path := dir/export-STAMP[-k].EXT for the first k whose CSV and JSON
 * are both new: an export never replaces another.  Returns 0, or -1. */
static int
export_paths(const char *dir, char *csv, char *json, size_t len)
{
	char      stamp[32];
	time_t    now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	for (int k = 1; k < 100; k++) {
		char sfx[8] = "";

		if (k > 1)
			snprintf(sfx, sizeof sfx, "-%d", k);
		if (snprintf(csv, len, "%s/export-%s%s.csv", dir, stamp, sfx) >=
		    (int)len || snprintf(json, len, "%s/export-%s%s.json", dir,
		    stamp, sfx) >= (int)len)
			return -1;
		if (access(csv, F_OK) != 0 && access(json, F_OK) != 0)
			return 0;
	}
	return -1;
}

/* The shown results into the run's own directory (else --export-dir or
 * the current one), as new timestamped files recording the limits. */
int
ui_export(ui *u)
{
	const worker_snapshot *s = u->snap;
	const char *dir = s->st.run_dir[0] ? s->st.run_dir :
	    u->o->export_dir != NULL && u->o->export_dir[0] ?
	    u->o->export_dir : ".";
	char csv[4400], json[4400], err[512], lim[96], source[4400];

	if (s->st.state == WORKER_IDLE || s->table.n == 0) {
		ui_say(u, "nothing to export yet: t, c or s starts a job");
		return UI_REDRAW;
	}
	snprintf(source, sizeof source, "%s; %s", u->ds->source,
	    ui_limits(u, lim, sizeof lim));
	if (export_paths(dir, csv, json, sizeof csv) != 0)
		ui_say(u, "export failed: no free name in %s", dir);
	else if (results_write_csv(csv, &s->table, source, err,
	    sizeof err) != 0 || results_write_json(json, &s->table, source,
	    err, sizeof err) != 0)
		ui_say(u, "export failed: %s", err);
	else
		ui_say(u, "exported %s (and .json)%s", csv,
		    s->st.state == WORKER_RUNNING ? " so far" : "");
	return UI_REDRAW;
}
