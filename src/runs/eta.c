/*
 * eta: the arithmetic of the estimates (eta.h): a probe scaled by a job's
 * work, a running job's measurements, and what is left of it on one or
 * several lanes.  The probe itself is eta_probe.c.
 */
#include "runs/eta.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"

/* Below this relative width a range is shown as one value. */
#define ETA_CLOSE 0.10

/* A part's measurements: how many, their sum and sum of squares. */
typedef struct {
	int    n;
	double sum, sumsq;
} part;

/* A part's estimate: its mean and relative uncertainty; n 0: none. */
typedef struct {
	double mean, rel;
	int    n;
} guess;

struct eta_tracker {
	part      head, epoch, tail, eval, rec;
	double   *start;     /* per row: its start event (-1: not seen) */
	double   *mark;      /* per row: the end of its last record */
	int      *trained;   /* per row: its training has been seen */
	int       n;
	double    t0, now;   /* the job's start; the last event */
	eta_probe probe;
	int       have_probe;
	eta_work  work;      /* ntr, nte, epochs, ncols, fresh */
};

static void
part_add(part *p, double x)
{
	if (!(x >= 0.0))  /* NaN or negative: a clock step, not a time */
		return;
	p->n++;
	p->sum += x;
	p->sumsq += x * x;
}

/* The mean of a part's measurements, and its relative uncertainty:
 * 0.2 / n, and twice the standard error of the mean once n >= 2. */
static guess
part_guess(const part *p)
{
	guess g = { 0.0, 0.0, p->n };

	if (p->n == 0)
		return g;
	g.mean = p->sum / p->n;
	g.rel = 0.2 / p->n;
	if (p->n >= 2 && g.mean > 0.0) {
		double var = (p->sumsq - p->sum * g.mean) / (p->n - 1);

		g.rel += 2.0 * sqrt(var > 0.0 ? var : 0.0) /
		    (g.mean * sqrt((double)p->n));
	}
	return g;
}

/* A guess from the probe's measurements. */
static guess
probe_guess(const eta_probe *p, double mean)
{
	guess g = { mean, p->spread, 1 };

	return g;
}

/* ---- the parts of a row ---- */

/* A row's parts from probe p for work w: head, epoch and tail. */
static void
probe_parts(const eta_probe *p, const eta_work *w, double *head,
    double *epoch, double *tail)
{
	double ntr = (double)w->ntr, nte = (double)w->nte;

	/* Its start and end write results and state (and, at the end, its
	 * matrix row); an epoch adds its checkpoint. */
	*head = p->noise_img * (w->fresh ? nte : ntr + nte) + 2.0 * p->small;
	*epoch = p->train_img * ntr + p->eval_img * nte + p->ckpt +
	    2.0 * p->small + (w->fresh ? p->noise_img * ntr : 0.0);
	*tail = w->ncols * (p->noise_img + p->eval_img) * nte + 3.0 * p->small;
}

void
eta_work_of(const sweep_table *t, int shard, int nshards, size_t ntr,
    size_t nte, int njobs, eta_work *w)
{
	memset(w, 0, sizeof *w);
	for (int i = 0; i < t->n; i++)
		w->rows += sweep_in_shard(i, shard, nshards);
	w->epochs = t->cfg.epochs;
	w->ncols = t->plan.ntest > 0 ? t->plan.ntest : t->plan.nscales;
	w->ntr = ntr;
	w->nte = nte;
	w->fresh = t->plan.mode == SWEEP_FRESH;
	w->njobs = njobs;
}

/* The range lo..hi closes to mid when narrow. */
static void
close_range(eta_range *r)
{
	if (r->mid >= 0.0 && r->hi - r->lo <= ETA_CLOSE * r->mid)
		r->lo = r->hi = r->mid;
}

void
eta_estimate(const eta_probe *p, const eta_work *w, eta_range *out)
{
	double head, epoch, tail, row;
	int    lanes = w->njobs > 1 ? w->njobs : 1;
	int    per = (w->rows + lanes - 1) / lanes;  /* the longest lane */

	probe_parts(p, w, &head, &epoch, &tail);
	row = head + w->epochs * epoch + tail;
	out->mid = per * row;
	out->lo = out->mid * (1.0 - p->spread);
	out->hi = out->mid * (1.0 + p->spread);
	out->elapsed = 0.0;
	close_range(out);
}

/* ---- a running job ---- */

eta_tracker *
eta_tracker_new(const sweep_table *t, size_t ntr, size_t nte,
    const eta_probe *probe)
{
	eta_tracker *k = calloc(1, sizeof *k);
	int          n = t->n > 0 ? t->n : 1;

	if (k == NULL)
		return NULL;
	k->start = malloc((size_t)n * sizeof *k->start);
	k->mark = malloc((size_t)n * sizeof *k->mark);
	k->trained = calloc((size_t)n, sizeof *k->trained);
	if (k->start == NULL || k->mark == NULL || k->trained == NULL) {
		eta_tracker_free(k);
		return NULL;
	}
	for (int i = 0; i < n; i++)
		k->start[i] = k->mark[i] = -1.0;
	k->n = t->n;
	eta_work_of(t, 0, 0, ntr, nte, 1, &k->work);
	if (probe != NULL) {
		k->probe = *probe;
		k->have_probe = 1;
	}
	k->t0 = k->now = clock_work();
	return k;
}

void
eta_tracker_free(eta_tracker *k)
{
	if (k == NULL)
		return;
	free(k->start);
	free(k->mark);
	free(k->trained);
	free(k);
}

void
eta_note(eta_tracker *k, const sweep_progress *p, double t_before,
    double t_after)
{
	const train_progress *tp = p->progress;
	int                   i = p->row;

	if (k == NULL || i < 0 || i >= k->n)
		return;
	k->now = t_after;
	if (tp == NULL) {
		int state = p->table->rows[i].state;

		if (state == SWEEP_RUNNING) {
			k->start[i] = t_before;
			k->mark[i] = t_after;
			k->trained[i] = 0;
		} else if (state == SWEEP_DONE && k->trained[i] &&
		    k->mark[i] >= 0.0)
			part_add(&k->tail, t_after - k->mark[i]);
		return;
	}
	/*
	 * The first report of a row's training says when it began: now less
	 * the seconds of the epoch so far (which leave out a pause).  Its
	 * head is what came before, from the row's start.
	 */
	if (!k->trained[i]) {
		k->trained[i] = 1;
		if (k->start[i] >= 0.0)
			part_add(&k->head, t_before - tp->epoch_seconds -
			    k->start[i]);
	}
	if (tp->event == TRAIN_EPOCH) {
		part_add(&k->epoch, tp->epoch_seconds + (t_after - t_before));
		part_add(&k->eval, tp->eval_seconds);
		part_add(&k->rec, t_after - t_before);
		k->mark[i] = t_after;
	}
}

/* A row's three parts as guesses: measured, else the probe's, else
 * derived from the other measurements; an unknown epoch has n < 0. */
static void
row_parts(const eta_tracker *k, const sweep_table *t, guess *head,
    guess *epoch, guess *tail)
{
	double     ph = 0.0, pe = 0.0, pt = 0.0;
	const eta_work *w = &k->work;

	if (k->have_probe)
		probe_parts(&k->probe, w, &ph, &pe, &pt);
	*head = part_guess(&k->head);
	*epoch = part_guess(&k->epoch);
	*tail = part_guess(&k->tail);
	if (epoch->n == 0 && k->have_probe)
		*epoch = probe_guess(&k->probe, pe);
	else if (epoch->n == 0) {
		/* No epoch yet: the first row's batches so far, projected. */
		epoch->n = -1;
		for (int i = 0; i < t->n; i++) {
			const sweep_live *l = &t->rows[i].live;

			if (t->rows[i].state == SWEEP_RUNNING && l->batch > 0 &&
			    l->batches > 0) {
				*epoch = (guess){ l->seconds * l->batches /
				    l->batch, 0.5, 0 };
				break;
			}
		}
	}
	if (head->n == 0 && k->have_probe)
		*head = probe_guess(&k->probe, ph);
	if (tail->n == 0 && k->have_probe)
		*tail = probe_guess(&k->probe, pt);
	else if (tail->n == 0) {
		/*
		 * No row has ended: its matrix from what is measured, each
		 * test scale's images drawn (at the head's cost per image)
		 * and evaluated (at the epochs' evaluation's), and its
		 * records (about an epoch's at most).
		 */
		guess  ev = part_guess(&k->eval), rc = part_guess(&k->rec);
		double drawn = (double)(w->fresh ? w->nte : w->ntr + w->nte);
		double per = drawn > 0.0 ? head->mean * w->nte / drawn : 0.0;

		*tail = (guess){ w->ncols * (per + ev.mean) + rc.mean, 0.5, 0 };
	}
	if (head->n == 0 && !k->have_probe)
		head->rel = 0.5;  /* not started yet: hardly known */
}

/* Seconds left of row i at relative offset f of every part (-1: the
 * low end, 0: the estimate, 1: the high end). */
static double
row_left(const eta_tracker *k, const sweep_row *r, int i, const guess *head,
    const guess *epoch, const guess *tail, int f)
{
	double h = head->mean * (1.0 + f * head->rel);
	double e = epoch->mean * (1.0 + f * epoch->rel);
	double tl = tail->mean * (1.0 + f * tail->rel);
	int    left = k->work.epochs - r->nhist;
	double sum;

	h = h > 0.0 ? h : 0.0;
	e = e > 0.0 ? e : 0.0;
	tl = tl > 0.0 ? tl : 0.0;
	if (r->state != SWEEP_RUNNING || i >= k->n)
		return h + (left > 0 ? left : 0) * e + tl;
	if (left <= 0) {
		/* In its matrix: its tail less what has passed. */
		sum = tl - (k->mark[i] >= 0.0 ? k->now - k->mark[i] : 0.0);
		return sum > 0.0 ? sum : 0.0;
	}
	sum = (left - 1) * e + tl;
	if (!k->trained[i]) {
		double since = k->start[i] >= 0.0 ? k->now - k->start[i] : 0.0;

		sum += (h > since ? h - since : 0.0) + e;
	} else {
		/* The epoch in progress, less the seconds it has run. */
		double in = r->live.epoch == r->nhist + 1 && r->live.batch > 0 ?
		    r->live.seconds : 0.0;

		sum += e > in ? e - in : 0.0;
	}
	return sum;
}

/* The longest of njobs lanes: running rows keep theirs, the others go in
 * grid order to the lane that frees first. */
static double
lanes(const eta_tracker *k, const sweep_table *t, int shard, int nshards,
    int njobs, const guess *head, const guess *epoch, const guess *tail,
    int f)
{
	double load[TRAIN_MAX_THREADS] = { 0 }, most = 0.0;
	int    n = 0;

	njobs = njobs < 1 ? 1 : njobs > TRAIN_MAX_THREADS ?
	    TRAIN_MAX_THREADS : njobs;
	for (int i = 0; i < t->n; i++)
		if (t->rows[i].state == SWEEP_RUNNING)
			load[n++ % njobs] += row_left(k, &t->rows[i], i, head,
			    epoch, tail, f);
	for (int i = 0; i < t->n; i++) {
		const sweep_row *r = &t->rows[i];
		int              low = 0;

		if (r->state == SWEEP_RUNNING || r->state == SWEEP_DONE ||
		    !sweep_in_shard(i, shard, nshards))
			continue;
		for (int l = 1; l < njobs; l++)
			if (load[l] < load[low])
				low = l;
		load[low] += row_left(k, r, i, head, epoch, tail, f);
	}
	for (int l = 0; l < njobs; l++)
		most = load[l] > most ? load[l] : most;
	return most;
}

void
eta_left(const eta_tracker *k, const sweep_table *t, int shard, int nshards,
    int njobs, eta_range *out)
{
	guess head, epoch, tail;

	out->lo = out->mid = out->hi = -1.0;
	out->elapsed = 0.0;
	if (k == NULL)
		return;
	out->elapsed = k->now - k->t0;
	row_parts(k, t, &head, &epoch, &tail);
	if (epoch.n < 0)
		return;
	out->lo = lanes(k, t, shard, nshards, njobs, &head, &epoch, &tail, -1);
	out->mid = lanes(k, t, shard, nshards, njobs, &head, &epoch, &tail, 0);
	out->hi = lanes(k, t, shard, nshards, njobs, &head, &epoch, &tail, 1);
	close_range(out);
}
