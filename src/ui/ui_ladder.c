/*
 * ui_ladder: the noise ladder of large screens, the image on screen at
 * every scale of the shown table with the kept model's prediction of each.
 */
#include "ui/ui_priv.h"

#include <stdio.h>
#include <string.h>

#include "data/corrupt.h"

void
ui_draw_ladder(ui *u, ui_rect r)
{
	const worker_status *st = &u->snap->st;
	const sweep_table   *t = st->state != WORKER_IDLE &&
	    u->snap->table.n > 0 ? &u->snap->table : u->plan;
	const dataset_split *sp = ui_cur_split(u);
	static float imgs[SWEEP_MAX_SCALES][DATASET_NPIX];
	chart_ladder_item it[SWEEP_MAX_SCALES];
	char  cap0[SWEEP_MAX_SCALES][32], cap1[SWEEP_MAX_SCALES][32];
	char  err[256];
	size_t i = u->samples.index[u->samples.split];
	int   n = 0, drawn, label = i < sp->n ? sp->label[i] : -1;
	int   preds = st->ladder_valid && st->ladder_split == u->img.split &&
	    st->ladder_index == u->img.index;

	char  title[256], lim[96];

	/* A loaded run's scales and model say so, with its limits. */
	snprintf(title, sizeof title, "Noise ladder: this image at every "
	    "scale, with the selected model's prediction%s%s%s",
	    st->state == WORKER_LOADED ? " (loaded run, " : "",
	    st->state == WORKER_LOADED ? ui_limits(u, lim, sizeof lim) : "",
	    st->state == WORKER_LOADED ? ")" : "");
	ui_rule(u, r.y, r.x, r.w, ui_cells(title) <= r.w - 4 ? title :
	    "Noise ladder");
	u->hits.ladder_n = 0;
	if (!u->img.valid || i >= sp->n)
		return;
	for (int k = 0; k < t->n && n < SWEEP_MAX_SCALES; k++) {
		int dup = 0;

		for (int j = 0; j < k; j++)
			dup |= t->rows[j].scale == t->rows[k].scale;
		if (dup)
			continue;
		if (sweep_corrupt(ui_ladder_family(u), t->rows[k].scale,
		    u->o->cfg.seed, sp, u->samples.split, i, 1, 0, imgs[n], err,
		    sizeof err) != 0)
			continue;
		snprintf(cap0[n], sizeof cap0[n], "%g", (double)t->rows[k].scale);
		it[n].img = imgs[n];
		it[n].caption[0] = cap0[n];
		it[n].caption[1] = NULL;
		it[n].verdict = CHART_TAG_PLAIN;
		for (int j = 0; preds && j < st->ladder_n; j++)
			if (st->ladder_scale[j] == t->rows[k].scale &&
			    st->ladder_pred[j] < 10) {
				int         p = st->ladder_pred[j];
				/* ASCII: a caption is as wide as its bytes. */
				const char *name = dataset_class_text(u->ds, p,
				    0, NULL, 0);

				snprintf(cap1[n], sizeof cap1[n], "pred %d%s%s %s",
				    p, *name ? " " : "", name,
				    p == label ? "ok" : "MISS");
				it[n].caption[1] = cap1[n];
				it[n].verdict = p == label ? CHART_TAG_OK :
				    CHART_TAG_MISS;
			}
		u->hits.ladder_row[n] = k;
		n++;
	}
	{
		chart_grid g = ui_grid_of(r.w - 1, r.h - 1);

		drawn = chart_ladder(it, n, DATASET_SIDE, 1, u->look.cs, &g,
		    u->hits.ladder_x);
		if (drawn <= 0)
			return;
		ui_grid(u, r.y + 1, r.x + 1, &g);
		/* Grey half blocks over the glyphs where the terminal has
		 * them. */
		for (int k = 0; u->look.grey && k < drawn; k++)
			ui_digit(u, imgs[k], r.y + 1, r.x + 1 + u->hits.ladder_x[k]);
	}
	u->hits.ladder_n = drawn;
	u->hits.ladder_w = DATASET_SIDE;
	u->hits.ladder = (ui_hit){ r.y + 1, r.x + 1, r.w - 1, r.h - 1 };
}
