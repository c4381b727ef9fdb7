/*
 * ui: the dashboard's one context and what it knows: the browsing state,
 * the status message, the images on screen and the UI's copy of the
 * worker's snapshot.  The terminal (ui_term.c), the keys (ui_keys.c), the
 * panes (ui_pane.c) and the loop (ui_loop.c) sit on it, behind ui_priv.h.
 */
#include "ui_priv.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "noise.h"

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

const dataset_split *
ui_cur_split(const ui *u)
{
	return u->split ? &u->ds->test : &u->ds->train;
}

int
ui_is_miss(const ui *u, size_t i)
{
	return u->snap->test_pred != NULL && i < u->snap->test_n &&
	    u->snap->test_pred[i] != u->ds->test.label[i];
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
	size_t i = u->index[u->split];

	if (!(u->img_valid && u->img_split == u->split &&
	    u->img_index == i && u->img_scale == u->scale)) {
		u->img_valid = 0;
		u->asked_predict = 0;
		if (i >= sp->n)
			return;
		noise_clean(sp->pix + i * DATASET_NPIX, 1, DATASET_NPIX,
		    u->clean);
		/* The trainer's own draws for this image: the same function
		 * of (seed, split, image, pixel) that sweep_run uses. */
		noise_apply(sp->pix, i, 1, DATASET_NPIX, u->scale,
		    u->o->cfg.seed, u->split, u->noisy);
		u->img_split = u->split;
		u->img_index = i;
		u->img_scale = u->scale;
		u->img_valid = 1;
	}
	if (u->img_valid && !u->asked_predict && u->snap->st.have_model) {
		worker_predict(u->w, u->img_split, u->img_index, u->img_scale,
		    u->o->cfg.seed);
		u->asked_predict = 1;
	}
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
	if (s->pred_gen != u->seen_pred_gen) {
		u->seen_pred_gen = s->pred_gen;
		u->asked_predict = 0;
		u->misc_only = 0;
	}
}

void
ui_free(ui *u)
{
	if (u == NULL)
		return;
	worker_snapshot_free(u->snap);
	free(u->snap);
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
	u->err_saved = -1;
	sweep_plan_default(&grid, o->nscales > 0 ? o->scales :
	    sweep_default_scales, o->nscales > 0 ? o->nscales : 6);
	if (sweep_table_init(u->plan, &o->cfg, &grid, err, errlen) != 0) {
		ui_free(u);
		return NULL;
	}
	u->scale = o->cfg.noise > 0.0f ? o->cfg.noise : 0.5f;
	u->split = o->ds->train.n == 0 && o->ds->test.n > 0;
	return u;
}

