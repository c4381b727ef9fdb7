/* The job layer: a run configuration, its directory and its resume. */
#include "runs/job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/version.h"
#include "runs/claim.h"
#include "runs/job_priv.h"
#include "runs/run_origin.h"


const char *
job_kind_name(job_kind kind)
{
	switch (kind) {
	case JOB_TRAIN:   return "train";
	case JOB_COMPARE: return "compare";
	case JOB_SWEEP:   return "sweep";
	default:          return "none";
	}
}

job_kind
job_kind_parse(const char *name)
{
	return strcmp(name, "train") == 0 ? JOB_TRAIN :
	    strcmp(name, "compare") == 0 ? JOB_COMPARE : JOB_SWEEP;
}

int
job_scales(job_kind kind, const float *scales, int n, float *rows,
    char *err, size_t errlen)
{
	if (n < 1 || (kind != JOB_SWEEP && n != 1))
		return err_set(err, errlen, "no noise scale to train");
	if (kind == JOB_COMPARE) {
		rows[0] = 0.0f;
		rows[1] = scales[0];
		return 2;
	}
	n = n < SWEEP_MAX_SCALES ? n : SWEEP_MAX_SCALES;
	memcpy(rows, scales, (size_t)n * sizeof *rows);
	return n;
}

int
job_new(job *j, job_kind kind, const train_config *cfg,
    const sweep_plan *grid, char *err, size_t errlen)
{
	sweep_plan plan = *grid;
	int        n;

	memset(j, 0, sizeof *j);
	j->kind = kind;
	j->table.current = -1;
	if ((n = job_scales(kind, grid->scales, grid->nscales, plan.scales, err,
	    errlen)) < 0)
		return -1;
	plan.nscales = n;
	/* The matrix's columns default to the rows' own scales. */
	if (grid->ntest == 0) {
		memcpy(plan.test_scales, plan.scales, sizeof plan.scales);
		plan.ntest = n;
	}
	return sweep_table_init(&j->table, cfg, &plan, err, errlen);
}

/* Set ds's place, name and limits into x; crc its checksum. */
static void
describe_data(const dataset *ds, uint32_t crc, run_data *x)
{
	/* Absolute, so that resume works from any directory. */
	if (ds->dir[0] == '\0' || realpath(ds->dir, x->dir) == NULL)
		snprintf(x->dir, sizeof x->dir, "%s", ds->dir);
	snprintf(x->source, sizeof x->source, "%s", ds->source);
	x->crc = crc;
	x->train_n = ds->train.n;
	x->test_n = ds->test.n;
}

int
job_record(job *j, const char *root, const dataset *ds, uint32_t crc,
    char *err, size_t errlen)
{
	run_config *c = calloc(1, sizeof *c);
	run_data   *x = malloc(sizeof *x);
	int         rc;

	if (c == NULL || x == NULL) {
		free(c);
		free(x);
		return err_set(err, errlen, "out of memory");
	}
	snprintf(c->kind, sizeof c->kind, "%s", job_kind_name(j->kind));
	snprintf(c->version, sizeof c->version, "%s", version_string());
	describe_data(ds, crc, x);
	snprintf(c->data_dir, sizeof c->data_dir, "%s", x->dir);
	snprintf(c->source, sizeof c->source, "%s", ds->source);
	snprintf(c->dataset, sizeof c->dataset, "%s",
	    dataset_info_of(ds->kind)->key);
	/* Resume regenerates the synthetic digits instead of reading. */
	c->synthetic = ds->synthetic || strncmp(ds->name, "SYNTHETIC", 9) == 0;
	c->train_limit = ds->train.n;
	c->test_limit = ds->test.n;
	c->cfg = j->table.cfg;
	c->plan = j->table.plan;
	c->matrix = 1;
	c->data_crc = crc;
	/* The data set axis: each set on its own, and a source naming all
	 * of them ("MNIST (/a) + Fashion-MNIST (/b)"). */
	for (int d = 0; d < c->plan.ndatasets && c->plan.ndatasets > 1; d++) {
		describe_data(&ds[d], d == 0 ? crc : run_data_crc(&ds[d]), x);
		c->data_of[c->plan.datasets[d]] = *x;
		if (d > 0)
			snprintf(c->source + strlen(c->source), sizeof c->source -
			    strlen(c->source), " + %s", ds[d].source);
	}
	free(x);
	if (j->run_id[0] != '\0' || j->nshards > 1)
		rc = run_create_named(&j->rec, root, j->run_id[0] != '\0' ?
		    j->run_id : "run", c, j->shard, j->nshards, err, errlen);
	else
		rc = run_create(&j->rec, root, c, err, errlen);
	free(c);
	if (rc == 0) {
		run_origin o;

		run_origin_here(&o, j->command, j->total_threads, j->njobs,
		    j->job_threads);
		if ((rc = run_write_origin(&j->rec, &o, err, errlen)) != 0)
			run_release(&j->rec);
	}
	j->recording = rc == 0;
	return rc;
}

int
job_open(job *j, const char *root, const char *name, char *err,
    size_t errlen)
{
	memset(j, 0, sizeof *j);
	j->table.current = -1;
	if (run_open(&j->rec, root, name, err, errlen) != 0)
		return -1;
	j->kind = job_kind_parse(j->rec.conf.kind);
	j->recording = 1;
	return 0;
}

int
job_open_resume(job *j, const char *root, const char *name, int shard,
    int nshards, char *err, size_t errlen)
{
	if (job_open(j, root, name, err, errlen) != 0)
		return -1;
	if (nshards > 1) {
		j->shard = shard;
		j->nshards = nshards;
	}
	return job_claim(j, err, errlen);
}

int
job_claim(job *j, char *err, size_t errlen)
{
	j->rec.shard = j->nshards > 1 ? j->shard : 0;
	j->rec.nshards = j->nshards > 1 ? j->nshards : 0;
	return run_claim(&j->rec, err, errlen);
}

/* Frees the part-trained rows' checkpoints of j. */
static void
free_rowck(job *j)
{
	if (j->rowck != NULL)
		for (int i = 0; i < j->table.n; i++)
			checkpoint_free(&j->rowck[i]);
	free(j->rowck);
	j->rowck = NULL;
}

int
job_restore(job *j, char *err, size_t errlen)
{
	free_rowck(j);
	sweep_table_free(&j->table);
	checkpoint_free(&j->ck);
	j->resuming = 0;
	j->resume_row = -1;
	if (run_restore_all(&j->rec, &j->table, j->nshards > 1 ? j->shard : 1,
	    j->nshards > 1 ? j->nshards : 1, &j->rowck, err, errlen) != 0)
		return -1;
	/* The first part-trained row's is j->ck, as it always was; the
	 * others' stay in j->rowck. */
	for (int i = 0; i < j->table.n; i++)
		if (j->rowck[i].param != NULL) {
			j->ck = j->rowck[i];
			memset(&j->rowck[i], 0, sizeof j->rowck[i]);
			checkpoint_resume(&j->ck, &j->from);
			j->resuming = 1;
			j->resume_row = i;
			break;
		}
	return 0;
}

const train_resume *
job_row_from(const job *j, int row, train_resume *buf)
{
	if (j->resuming && row == j->resume_row)
		return &j->from;
	if (j->rowck != NULL && row >= 0 && row < j->table.n &&
	    j->rowck[row].param != NULL) {
		checkpoint_resume(&j->rowck[row], buf);
		return buf;
	}
	return NULL;
}

int
job_shard_finished(const job *j)
{
	for (int i = 0; i < j->table.n; i++)
		if (j->table.rows[i].state != SWEEP_DONE &&
		    sweep_in_shard(i, j->shard, j->nshards))
			return 0;
	return 1;
}

int
job_finished(const job *j)
{
	return sweep_table_finished(&j->table);
}

/* Load set d of run r into ds (zeroed) and check its checksum. */
static int
load_one(const run *r, int d, dataset *ds, char *err, size_t errlen)
{
	const run_config   *c = &r->conf;
	const dataset_info *in = c->plan.ndatasets > 1 ?
	    dataset_info_of(c->plan.datasets[d]) : dataset_info_parse(c->dataset);
	run_data           *x = malloc(sizeof *x);
	char                msg[1024];
	uint32_t            crc;
	int                 rc = -1;

	if (x == NULL)
		return err_set(err, errlen, "out of memory");
	run_config_data(c, d, x);
	/* The same set again: a run from before --dataset is the set its
	 * directory names, as it was then. */
	if ((c->synthetic && c->plan.ndatasets < 2 ? dataset_synthetic(ds,
	    c->cfg.seed, x->train_n, x->test_n, msg, sizeof msg) :
	    dataset_load_kind(ds, in != NULL ? in->kind : DATASET_AUTO,
	    x->dir, x->train_n, x->test_n, msg, sizeof msg)) != 0)
		err_set(err, errlen, "run %s: %s", r->id, msg);
	else if ((crc = run_data_crc(ds)) != x->crc)
		err_set(err, errlen, "run %s: the data in %s has changed "
		    "since the run started (checksum %08x, run has %08x)",
		    r->id, x->dir, crc, x->crc);
	else {
		snprintf(ds->source, sizeof ds->source, "%s", x->source);
		rc = 0;
	}
	free(x);
	return rc;
}

int
job_load_data(const run *r, dataset *ds, char *err, size_t errlen)
{
	for (int d = 0; d < sweep_plan_ndatasets(&r->conf.plan); d++)
		if (load_one(r, d, &ds[d], err, errlen) != 0)
			return -1;
	return 0;
}

void
job_stopped_at(const sweep_table *t, char *out, size_t outlen)
{
	int i = 0;

	while (i < t->n - 1 && t->rows[i].state == SWEEP_DONE)
		i++;
	snprintf(out, outlen, "scale %g (%d of %d%s%s), epoch %d/%d",
	    t->n > 0 ? (double)t->rows[i].scale : 0.0, i + 1, t->n,
	    t->plan.ndatasets > 1 ? ", " : "", t->n > 0 ?
	    sweep_plan_dataset_name(&t->plan, t->rows[i].dataset_index) : "",
	    t->n > 0 ? t->rows[i].nhist : 0, t->cfg.epochs);
}

mlp *
job_model_row(const run *r, int row, float *scale, char *err, size_t errlen)
{
	const train_config *cfg = &r->conf.cfg;
	checkpoint ck;
	mlp       *m = NULL;
	char       path[4400];

	snprintf(path, sizeof path, "%s/ckpt-%d.bin", r->dir, row);
	if (checkpoint_load(path, &ck, err, errlen) != 0)
		return NULL;
	*scale = ck.scale;
	if (cfg->size[0] != DATASET_NPIX)
		err_set(err, errlen, "%s: not a model of %d inputs", path,
		    DATASET_NPIX);
	else if ((m = mlp_new(cfg->nlayer, cfg->size, cfg->batch,
	    cfg->dropout, err, errlen)) != NULL &&
	    checkpoint_into_model(&ck, m, err, errlen) != 0) {
		mlp_free(m);
		m = NULL;
	}
	checkpoint_free(&ck);
	return m;
}

mlp *
job_model(const run *r, const sweep_table *t, float *scale, char *err,
    size_t errlen)
{
	mlp  *m;
	float ck_scale = 0.0f;
	int   row = t->n - 1;

	while (row >= 0 && t->rows[row].nhist == 0)
		row--;
	if (row < 0) {
		err_set(err, errlen, "run %s: no finished epoch", r->id);
		return NULL;
	}
	*scale = t->rows[row].scale;
	m = job_model_row(r, row, &ck_scale, err, errlen);
	if (m != NULL && ck_scale != *scale) {
		err_set(err, errlen, "%s/ckpt-%d.bin: not this row's model",
		    r->dir, row);
		mlp_free(m);
		m = NULL;
	}
	return m;
}

int
job_reliability(const run *r, const sweep_table *t, int row,
    float test_scale, const dataset *ds, probe_reliability *out, char *err,
    size_t errlen)
{
	const sweep_row *w;
	size_t           n = ds->test.n;
	float           *x, *conf, ck_scale = 0.0f;
	uint8_t         *pred;
	mlp             *m;
	double           loss, acc;
	int              rc = -1;

	if (row < 0 || row >= t->n)
		return err_set(err, errlen, "run %s has no row %d (0 to %d)",
		    r->id, row, t->n - 1);
	w = &t->rows[row];
	if ((m = job_model_row(r, row, &ck_scale, err, errlen)) == NULL)
		return -1;
	x = malloc((n ? n : 1) * DATASET_NPIX * sizeof *x);
	conf = malloc((n ? n : 1) * sizeof *conf);
	pred = malloc(n ? n : 1);
	if (x == NULL || conf == NULL || pred == NULL)
		err_set(err, errlen, "out of memory for %zu test images", n);
	/* the test images as fill_matrix draws them for the row: its
	 * corruption, its seed, the fixed draw (epoch 0) */
	else if (sweep_corrupt(w->corruption, test_scale, w->seed, &ds->test,
	    1, 0, n, 0, x, err, errlen) == 0) {
		train_data te = { x, ds->test.label, n, DATASET_NPIX, NULL,
		    NULL };

		train_evaluate(m, &te, &loss, &acc, pred, conf);
		probe_reliability_bins(pred, conf, ds->test.label, n, out);
		rc = 0;
	}
	free(x);
	free(conf);
	free(pred);
	mlp_free(m);
	return rc;
}

void
job_free(job *j)
{
	if (j == NULL)
		return;
	free_rowck(j);
	sweep_table_free(&j->table);
	checkpoint_free(&j->ck);
	run_release(&j->rec);
	eta_tracker_free(j->eta);
	j->eta = NULL;
	j->resuming = 0;
	j->recording = 0;
}

/* ---- the lifecycle ---- */

/* What job_run's progress callback needs between events. */
struct recorder {
	job             *j;
	job_progress_fn  fn;
	void            *user;
	int              failed;   /* a record failed: the job stops */
	char             err[NT_ERR_LEN];
};

/*
 * Every progress event is recorded first (the checkpoint, results and
 * state at an epoch's end), so even a stop asked for during this epoch
 * keeps it; a run that cannot be recorded stops with its last complete
 * files, and nothing more is written after the failure.
 */
static int
record_progress(const sweep_progress *p, void *user)
{
	struct recorder *rc = user;
	double           t = clock_work();

	if (rc->failed)
		return 1;
	if (rc->j->recording && run_record(&rc->j->rec, p,
	    rc->j->rec.conf.source, rc->err, sizeof rc->err) != 0) {
		rc->failed = 1;
		return 1;
	}
	/* Each part of a row is measured with its records. */
	eta_note(rc->j->eta, p, t, clock_work());
	return rc->fn != NULL ? rc->fn(p, rc->user) : 0;
}

job_outcome
job_run(job *j, const dataset *ds, train_control *ctl, job_progress_fn fn,
    void *user, mlp **model, job_result *res)
{
	struct recorder rc = { j, fn, user, 0, "" };
	mlp            *m = NULL;
	int             failed;

	memset(res, 0, sizeof *res);
	eta_tracker_free(j->eta);
	j->eta = eta_tracker_new(&j->table, ds->train.n, ds->test.n,
	    j->probed ? &j->probe : NULL);
	failed = job_train_rows(j, ds, ctl, record_progress, &rc, &m, res->err,
	    sizeof res->err) != 0;
	if (failed)
		res->outcome = JOB_FAILED;
	else if (rc.failed) {
		res->outcome = JOB_UNSAVED;
		snprintf(res->err, sizeof res->err, "%s", rc.err);
		res->gone = run_lost(&j->rec, NULL, 0);
	} else if (!job_shard_finished(j))
		res->outcome = JOB_STOPPED;
	else
		res->outcome = JOB_DONE;

	/* The run is left finished, or interrupted where it can resume. */
	if (j->recording && res->outcome == JOB_UNSAVED) {
		if (!res->gone)
			run_interrupt(&j->rec, res->save_err,
			    sizeof res->save_err);
	} else if (j->recording && run_finish(&j->rec, &j->table,
	    j->rec.conf.source, res->outcome != JOB_DONE, res->save_err,
	    sizeof res->save_err) == 0)
		res->save_err[0] = '\0';

	if (model != NULL && res->outcome == JOB_DONE)
		*model = m;
	else
		mlp_free(m);
	return res->outcome;
}

void
job_eta(const job *j, eta_range *out)
{
	eta_left(j->eta, &j->table, j->shard, j->nshards, j->njobs, out);
}

void
job_keep_claim(job *j)
{
	char err[NT_ERR_LEN];

	if (j->recording)
		claim_renew(&j->rec.claim, 0, err, sizeof err);
}

void
job_data_view(const dataset *ds, size_t train_n, size_t test_n,
    dataset *view)
{
	*view = *ds;
	if (train_n > 0 && train_n < view->train.n)
		view->train.n = train_n;
	if (test_n > 0 && test_n < view->test.n)
		view->test.n = test_n;
}

int
job_data_fits(const run_config *c, const dataset *ds, uint32_t ds_crc,
    dataset *view)
{
	/* A run over several sets was trained on none of them alone. */
	if (c->plan.ndatasets > 1 || c->train_limit > ds->train.n ||
	    c->test_limit > ds->test.n)
		return 0;
	job_data_view(ds, c->train_limit, c->test_limit, view);
	if (view->train.n == ds->train.n && view->test.n == ds->test.n)
		return (ds_crc != 0 ? ds_crc : run_data_crc(ds)) == c->data_crc;
	return run_data_crc(view) == c->data_crc;
}

int
job_resume(job *j, const char *root, const char *name, int shard,
    int nshards, const dataset *have, uint32_t have_crc, dataset *ds,
    job_step *step, char *err, size_t errlen)
{
	*step = JOB_AT_OPEN;
	if (job_open(j, root, name, err, errlen) != 0)
		return -1;
	/* --shard K/N: this shard's rows, recorded in its own state file. */
	if (nshards > 1) {
		j->shard = shard;
		j->nshards = nshards;
	}
	/* One writer: the run (or shard) is claimed before anything of it
	 * is read for training; the dashboard checks its data first, so a
	 * refusal on other data leaves the run directory untouched. */
	*step = JOB_AT_DATA;
	if (have != NULL) {
		if (j->rec.conf.plan.ndatasets > 1)
			return err_set(err, errlen, "it was trained on several "
			    "data sets (%s): resume it with 'noisetop resume "
			    "%s'", j->rec.conf.source, j->rec.id);
		if (!job_data_fits(&j->rec.conf, have, have_crc, ds))
			return err_set(err, errlen, "it was trained on other "
			    "data (%s, checksum %08x; the dashboard has %08x)",
			    j->rec.conf.source, j->rec.conf.data_crc,
			    have_crc != 0 ? have_crc : run_data_crc(have));
		*step = JOB_AT_CLAIM;
		if (job_claim(j, err, errlen) != 0)
			return -1;
	} else {
		*step = JOB_AT_CLAIM;
		if (job_claim(j, err, errlen) != 0)
			return -1;
		*step = JOB_AT_DATA;
		if (job_load_data(&j->rec, ds, err, errlen) != 0)
			return -1;
	}
	*step = JOB_AT_RESTORE;
	if (job_restore(j, err, errlen) != 0)
		return -1;
	if (j->nshards > 1 && job_shard_finished(j))
		return run_merge(&j->rec, j->rec.conf.source, NULL, err,
		    errlen) == 0 ? 0 : -1;
	return job_finished(j) ? 0 : 1;
}
