/* The job layer: a run configuration, its directory and its resume. */
#include "runs/job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/version.h"


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

int
job_record(job *j, const char *root, const dataset *ds, uint32_t crc,
    char *err, size_t errlen)
{
	run_config *c = calloc(1, sizeof *c);
	int         rc;

	if (c == NULL)
		return err_set(err, errlen, "out of memory");
	snprintf(c->kind, sizeof c->kind, "%s", job_kind_name(j->kind));
	snprintf(c->version, sizeof c->version, "%s", version_string());
	/* Absolute, so that resume works from any directory. */
	if (ds->dir[0] == '\0' || realpath(ds->dir, c->data_dir) == NULL)
		snprintf(c->data_dir, sizeof c->data_dir, "%s", ds->dir);
	snprintf(c->source, sizeof c->source, "%s", ds->source);
	/* Resume regenerates the synthetic digits instead of reading. */
	c->synthetic = ds->synthetic || strncmp(ds->name, "SYNTHETIC", 9) == 0;
	c->train_limit = ds->train.n;
	c->test_limit = ds->test.n;
	c->cfg = j->table.cfg;
	c->plan = j->table.plan;
	c->matrix = 1;
	c->data_crc = crc;
	if (j->run_id[0] != '\0' || j->nshards > 1)
		rc = run_create_named(&j->rec, root, j->run_id[0] != '\0' ?
		    j->run_id : "run", c, j->shard, j->nshards, err, errlen);
	else
		rc = run_create(&j->rec, root, c, err, errlen);
	free(c);
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

int
job_restore(job *j, char *err, size_t errlen)
{
	sweep_table_free(&j->table);
	checkpoint_free(&j->ck);
	j->resuming = 0;
	if (run_restore(&j->rec, &j->table, j->nshards > 1 ? j->shard : 1,
	    j->nshards > 1 ? j->nshards : 1, &j->ck, err, errlen) != 0)
		return -1;
	if (j->ck.param != NULL) {
		checkpoint_resume(&j->ck, &j->from);
		j->resuming = 1;
	}
	return 0;
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

int
job_load_data(const run *r, dataset *ds, char *err, size_t errlen)
{
	const run_config *c = &r->conf;
	char              msg[1024];
	uint32_t          crc;

	if ((c->synthetic ? dataset_synthetic(ds, c->cfg.seed,
	    c->train_limit, c->test_limit, msg, sizeof msg) :
	    dataset_load(ds, c->data_dir, c->train_limit, c->test_limit, msg,
	    sizeof msg)) != 0)
		return err_set(err, errlen, "run %s: %s", r->id, msg);
	crc = run_data_crc(ds);
	if (crc != c->data_crc)
		return err_set(err, errlen, "run %s: the data in %s has changed "
		    "since the run started (checksum %08x, run has %08x)",
		    r->id, c->data_dir, crc, c->data_crc);
	snprintf(ds->source, sizeof ds->source, "%s", c->source);
	return 0;
}

void
job_stopped_at(const sweep_table *t, char *out, size_t outlen)
{
	int i = 0;

	while (i < t->n - 1 && t->rows[i].state == SWEEP_DONE)
		i++;
	snprintf(out, outlen, "scale %g (%d of %d), epoch %d/%d",
	    t->n > 0 ? (double)t->rows[i].scale : 0.0, i + 1, t->n,
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

void
job_free(job *j)
{
	if (j == NULL)
		return;
	sweep_table_free(&j->table);
	checkpoint_free(&j->ck);
	run_release(&j->rec);
	j->resuming = 0;
	j->recording = 0;
}
