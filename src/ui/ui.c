/*
 * ui: the dashboard's one context and what it knows: the browsing state,
 * the status message, the images on screen and the UI's copy of the
 * worker's snapshot.  The terminal (ui_term.c), the keys (ui_keys.c), the
 * panes (ui_pane.c) and the loop (ui_loop.c) sit on it, behind ui_priv.h.
 */
#include "ui/ui_priv.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "data/noise.h"

void
ui_say_for(ui *u, double seconds, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->status, sizeof u->status, fmt, ap);
	va_end(ap);
	u->status_until = clock_now() + seconds;
}

const char *
ui_fmt_scale(float s, char *buf, size_t len)
{
	snprintf(buf, len, "%g", (double)s);
	return buf;
}

const char *
ui_class(const ui *u, int c, char *buf, size_t len)
{
	char        glyph[64];
	const char *name = dataset_class_text(u->ds, c,
	    u->look.cs == RENDER_UTF8, glyph, sizeof glyph);

	snprintf(buf, len, "%d%s%s", c, *name ? " " : "", name);
	return buf;
}

const dataset_split *
ui_cur_split(const ui *u)
{
	return u->samples.split ? &u->ds->test : &u->ds->train;
}

int
ui_is_miss(const ui *u, size_t i)
{
	if (u->snap->test_pred == NULL || i >= u->snap->test_n ||
	    u->snap->test_pred[i] == u->ds->test.label[i])
		return 0;
	return u->res.pair < 0 || (u->ds->test.label[i] == u->res.pair / 10 &&
	    u->snap->test_pred[i] == u->res.pair % 10);
}

size_t
ui_count_misses(const ui *u, size_t upto, size_t *pos)
{
	size_t n = 0, p = 0;

	for (size_t i = 0; i < u->snap->test_n; i++)
		if (ui_is_miss(u, i)) {
			if (i < upto)
				p++;
			n++;
		}
	if (pos != NULL)
		*pos = p;
	return n;
}

void
ui_update_images(ui *u)
{
	const dataset_split *sp = ui_cur_split(u);
	size_t i = u->samples.index[u->samples.split];

	corrupt_family fam = ui_ladder_family(u);
	char           err[256];

	if (!(u->img.valid && u->img.split == u->samples.split &&
	    u->img.index == i && u->img.scale == u->samples.scale &&
	    u->img.family_key == (int)fam)) {
		u->img.valid = 0;
		u->img.asked_predict = 0;
		if (i >= sp->n)
			return;
		noise_clean(sp->pix + i * DATASET_NPIX, 1, DATASET_NPIX,
		    u->img.clean);
		/* The trainer's own draws for this image: the same function
		 * of (seed, split, image, pixel) that sweep_run uses; with
		 * the selected row's corruption when it is not Gaussian noise
		 * (Gaussian when the scale is out of that family's range). */
		u->img.family = u->img.family_key = fam;
		if (fam == CORRUPT_GAUSSIAN || sweep_corrupt(fam, u->samples.scale,
		    u->o->cfg.seed, sp, u->samples.split, i, 1, 0, u->img.noisy, err,
		    sizeof err) != 0) {
			u->img.family = fam == CORRUPT_GAUSSIAN ? fam :
			    CORRUPT_NFAMILY;  /* out of range: Gaussian */
			noise_apply(sp->pix, i, 1, DATASET_NPIX, u->samples.scale,
			    u->o->cfg.seed, u->samples.split, u->img.noisy);
		}
		u->img.split = u->samples.split;
		u->img.index = i;
		u->img.scale = u->samples.scale;
		u->img.valid = 1;
	}
	if (u->img.valid && !u->img.asked_predict && u->snap->st.have_model) {
		/* With the ladder's scales: the table's, once each. */
		const sweep_table *t = &u->snap->table;
		float sc[SWEEP_MAX_SCALES];
		int   n = 0;

		for (int k = 0; k < t->n && n < SWEEP_MAX_SCALES; k++) {
			int dup = 0;

			for (int j = 0; j < n; j++)
				dup |= sc[j] == t->rows[k].scale;
			if (!dup)
				sc[n++] = t->rows[k].scale;
		}
		worker_predict_ladder(u->w, u->img.split, u->img.index,
		    u->img.scale, u->o->cfg.seed, ui_ladder_family(u), sc, n);
		u->img.asked_predict = 1;
	}
}

int
ui_row_has_model(const ui *u, int i)
{
	const sweep_table *t = &u->snap->table;

	if (i < 0 || i >= t->n || t->rows[i].nhist == 0)
		return 0;
	return !(u->snap->st.state == WORKER_RUNNING &&
	    t->rows[i].state == SWEEP_RUNNING);
}

int
ui_curves_row(const ui *u)
{
	const sweep_table *t = &u->snap->table;

	if (t->n == 0)
		return -1;
	if (u->snap->st.state == WORKER_RUNNING && t->current >= 0 &&
	    (u->res.follow || u->res.sel < 0))
		return t->current;
	return u->res.sel >= 0 && u->res.sel < t->n ? u->res.sel : t->n - 1;
}

corrupt_family
ui_ladder_family(const ui *u)
{
	const sweep_table *t = &u->snap->table;

	return u->res.sel >= 0 && u->res.sel < t->n ? t->rows[u->res.sel].corruption :
	    t->n > 0 ? t->rows[0].corruption : CORRUPT_GAUSSIAN;
}

void
ui_sync_selection(ui *u)
{
	const worker_status *st = &u->snap->st;
	const sweep_table   *t = &u->snap->table;

	if (st->state == WORKER_IDLE || t->n == 0) {
		u->res.sel = -1;
		return;
	}
	if (u->res.follow) {
		/* The model trained at the preview scale, or the nearest. */
		double best = INFINITY;

		u->res.sel = -1;
		for (int i = 0; i < t->n; i++) {
			double d = fabs((double)t->rows[i].scale - u->samples.scale);

			if (ui_row_has_model(u, i) && d < best - 1e-9) {
				best = d;
				u->res.sel = i;
			}
		}
		if (u->res.sel < 0)
			u->res.sel = t->current >= 0 ? t->current : t->n - 1;
	}
	if (u->res.sel >= t->n)
		u->res.sel = t->n - 1;
	if (u->res.sel < 0)
		u->res.sel = 0;
	/* Ask for the selected row's model once; the worker says when it
	 * cannot (runs not recorded, a checkpoint missing). */
	if (ui_row_has_model(u, u->res.sel) && st->run_id[0] != '\0' &&
	    !(st->have_model && st->model_row == u->res.sel &&
	    strcmp(st->model_run, st->run_id) == 0) &&
	    (u->res.asked_row != u->res.sel || strcmp(u->res.asked_run, st->run_id) != 0)) {
		worker_select(u->w, u->res.sel);
		u->res.asked_row = u->res.sel;
		snprintf(u->res.asked_run, sizeof u->res.asked_run, "%s", st->run_id);
	}
}

const char *
ui_limits(const ui *u, char *buf, size_t len)
{
	const worker_status *st = &u->snap->st;

	snprintf(buf, len, "train %zu test %zu", st->train_n ? st->train_n :
	    u->ds->train.n, st->test_n ? st->test_n : u->ds->test.n);
	return buf;
}

void
ui_took_snapshot(ui *u)
{
	const worker_snapshot *s = u->snap;

	if (strcmp(s->st.message, u->last_worker_msg) != 0) {
		memcpy(u->last_worker_msg, s->st.message,
		    sizeof u->last_worker_msg);
		ui_say(u, "%s", s->st.message);
	}
	if (s->pred_gen != u->res.seen_pred_gen) {
		u->res.seen_pred_gen = s->pred_gen;
		u->img.asked_predict = 0;
		u->samples.misc_only = 0;
		u->res.pair = -1;
		/* Another model is kept now (a job's end keeps its last
		 * row): the selection may have to ask again. */
		u->res.asked_row = -1;
	}
	ui_sync_selection(u);
}

void
ui_free(ui *u)
{
	if (u == NULL)
		return;
	worker_snapshot_free(u->snap);
	free(u->snap);
	free(u->prefs);
	sweep_table_free(u->plan);
	free(u->plan);
	free(u);
}

ui *
ui_new(const ui_options *o, char *err, size_t errlen)
{
	ui        *u = calloc(1, sizeof *u);
	sweep_plan grid;

	if (u != NULL) {
		u->snap = calloc(1, sizeof *u->snap);
		u->plan = calloc(1, sizeof *u->plan);
	}
	if (u == NULL || u->snap == NULL || u->plan == NULL) {
		ui_free(u);
		err_set(err, errlen, "out of memory for the dashboard");
		return NULL;
	}
	u->o = o;
	u->ds = o->ds;
	u->term.err_saved = -1;
	if (o->prefs != NULL && (u->prefs = strdup(o->prefs)) == NULL) {
		ui_free(u);
		err_set(err, errlen, "out of memory for the dashboard");
		return NULL;
	}
	sweep_plan_default(&grid, o->nscales > 0 ? o->scales :
	    sweep_default_scales, o->nscales > 0 ? o->nscales : 6);
	if (sweep_table_init(u->plan, &o->cfg, &grid, err, errlen) != 0) {
		ui_free(u);
		return NULL;
	}
	u->samples.scale = o->cfg.noise > 0.0f ? o->cfg.noise : 0.5f;
	u->samples.split = o->ds->train.n == 0 && o->ds->test.n > 0;
	u->res.sel = u->res.asked_row = u->res.cell = u->res.pair = -1;
	u->res.follow = 1;
	return u;
}

