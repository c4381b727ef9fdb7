/*
 * The files inside a run directory: config.txt, state.txt (state-K.txt for
 * a shard), the results and the rows' matrix files; how they are written
 * (atomically, file_write_atomic) and read back.  Part of the run module
 * (run.h).
 */
#include "runs/run.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data/corrupt.h"
#include "data/dataset.h"
#include "base/err.h"
#include "base/file.h"
#include "base/kv.h"
#include "runs/results.h"
#include "runs/run_priv.h"

int
run_write_file(const char *dir, const char *name, const char *text, char *err,
    size_t errlen)
{
	char path[4400];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return file_write_atomic(path, text, strlen(text), err, errlen);
}

/* config.txt's text for r into text (len bytes).  Returns 0, or -1. */
int
run_format_config(const run *r, char *text, size_t len, char *err,
    size_t errlen)
{
	const run_config *c = &r->conf;
	char              *p = text, f[32];
	size_t            left = len;
	int               n;

#define ADD(...)                                                           \
	do {                                                               \
		n = snprintf(p, left, __VA_ARGS__);                        \
		if (n < 0 || (size_t)n >= left)                            \
			return err_set(err, errlen, "%s: configuration too "  \
			    "long", r->dir);                               \
		p += n;                                                    \
		left -= (size_t)n;                                         \
	} while (0)

	ADD("# noisetop run configuration\n");
	ADD("kind = %s\nversion = %s\n", c->kind, c->version);
	ADD("data_dir = %s\nsource = %s\nsynthetic = %d\n", c->data_dir,
	    c->source, c->synthetic);
	if (c->dataset[0] != '\0')
		ADD("dataset = %s\n", c->dataset);
	ADD("data_crc = %08x\n", c->data_crc);
	ADD("train_limit = %zu\ntest_limit = %zu\n", c->train_limit,
	    c->test_limit);
	ADD("layers = ");
	for (int l = 0; l <= c->cfg.nlayer; l++)
		ADD("%s%d", l ? "," : "", c->cfg.size[l]);
	/* Floats as the shortest text that reads back exactly (0.2, not
	 * 0.200000003): the same run, and readable. */
	ADD("\ndropout = %s\n", kv_float(f, c->cfg.dropout));
	ADD("lr = %s\nbatch = %d\nepochs = %d\n", kv_float(f, c->cfg.lr),
	    c->cfg.batch, c->cfg.epochs);
	ADD("seed = %llu\nthreads = %d\nnoise = %s\nscales = ",
	    (unsigned long long)c->cfg.seed, c->cfg.threads,
	    kv_float(f, c->cfg.noise));
	for (int i = 0; i < c->plan.nscales; i++)
		ADD("%s%s", i ? "," : "", kv_float(f, c->plan.scales[i]));
	ADD("\nseeds = %d\ncorruption = ", c->plan.nseeds);
	for (int i = 0; i < c->plan.ncorruptions; i++)
		ADD("%s%s", i ? "," : "", corrupt_name(c->plan.corruptions[i]));
	ADD("\ntest_scales = ");
	for (int i = 0; i < c->plan.ntest; i++)
		ADD("%s%s", i ? "," : "", kv_float(f, c->plan.test_scales[i]));
	ADD("\nnoise_mode = %s\n", sweep_mode_name(c->plan.mode));
	ADD("precision = %s\n", train_precision_name(c->cfg.precision));
	/* Keys from the probes and the decay axis only where they are used,
	 * so that other runs' files read as they always did. */
	if (c->cfg.weight_decay != 0.0f)
		ADD("weight_decay = %s\n", kv_float(f, c->cfg.weight_decay));
	if (c->plan.ndecays > 0) {
		ADD("weight_decays = ");
		for (int i = 0; i < c->plan.ndecays; i++)
			ADD("%s%s", i ? "," : "", kv_float(f, c->plan.decays[i]));
		ADD("\n");
	}
	if (c->plan.probes)
		ADD("probes = 1\n");
	if (c->plan.nattacks > 0) {
		ADD("attacks = ");
		for (int i = 0; i < c->plan.nattacks; i++) {
			char lab[64];

			ADD("%s%s", i ? "," : "", probe_attack_label(
			    &c->plan.attacks[i], lab, sizeof lab));
		}
		ADD("\n");
	}
	if ((n = run_format_data(c, p, left)) < 0)
		return err_set(err, errlen, "%s: configuration too long",
		    r->dir);
#undef ADD
	return 0;
}

int
run_write_config(const run *r, char *err, size_t errlen)
{
	char text[16384];

	if (run_format_config(r, text, sizeof text, err, errlen) != 0)
		return -1;
	return run_write_file(r->dir, "config.txt", text, err, errlen);
}

/*
 * The state file this process writes: state.txt, or state-K.txt for shard
 * K of N, so that shards on other machines never rewrite each other's.
 * The host is recorded so that a pid is only checked on its own machine.
 */
int
run_write_state(const run *r, const char *state, int row, int nrows, int epoch,
    int epochs, char *err, size_t errlen)
{
	char text[768], host[256] = "", name[64];

	if (gethostname(host, sizeof host - 1) != 0)
		host[0] = '\0';
	snprintf(text, sizeof text, "state = %s\nrow = %d\nnrows = %d\n"
	    "epoch = %d\nepochs = %d\npid = %ld\nhost = %s\n", state, row,
	    nrows, epoch, epochs, (long)getpid(), host);
	if (r->nshards > 1) {
		snprintf(text + strlen(text), sizeof text - strlen(text),
		    "shard = %d\nshards = %d\n", r->shard, r->nshards);
		snprintf(name, sizeof name, "state-%d.txt", r->shard);
	} else
		snprintf(name, sizeof name, "state.txt");
	return run_write_file(r->dir, name, text, err, errlen);
}

/* config.txt's keys of the data and the run itself.  Returns 0, -1 with a message, or 1: not
 * one of these keys. */
static int
config_data_key(run_config *c, const char *k, const char *v, char *err, size_t errlen)
{
	double d = 0;

	if (strcmp(k, "kind") == 0) {
		if (strcmp(v, "train") && strcmp(v, "compare") &&
		    strcmp(v, "sweep"))
			return err_set(err, errlen, "kind '%s' unknown", v);
		snprintf(c->kind, sizeof c->kind, "%s", v);
	} else if (strcmp(k, "version") == 0)
		snprintf(c->version, sizeof c->version, "%s", v);
	else if (strcmp(k, "data_dir") == 0)
		snprintf(c->data_dir, sizeof c->data_dir, "%s", v);
	else if (strcmp(k, "source") == 0)
		snprintf(c->source, sizeof c->source, "%s", v);
	else if (strcmp(k, "dataset") == 0) {
		if (dataset_info_parse(v) == NULL)
			return err_set(err, errlen, "dataset '%s': must be %s",
			    v, dataset_keys());
		snprintf(c->dataset, sizeof c->dataset, "%s", v);
	}
	else if (strcmp(k, "synthetic") == 0) {
		if (kv_num(k, v, 0, 1, &d, err, errlen))
			return -1;
		c->synthetic = (int)d;
	} else if (strcmp(k, "data_crc") == 0) {
		char *end;
		unsigned long x = strtoul(v, &end, 16);

		if (end == v || *end != '\0' || x > 0xffffffffUL)
			return err_set(err, errlen, "data_crc '%s' is not hex", v);
		c->data_crc = (uint32_t)x;
	} else if (strcmp(k, "train_limit") == 0) {
		if (kv_num(k, v, 0, 1e8, &d, err, errlen))
			return -1;
		c->train_limit = (size_t)d;
	} else if (strcmp(k, "test_limit") == 0) {
		if (kv_num(k, v, 0, 1e8, &d, err, errlen))
			return -1;
		c->test_limit = (size_t)d;
	} else
		return 1;
	return 0;
}

/* config.txt's keys of the training configuration.  Returns 0, -1 with a message, or 1: not
 * one of these keys. */
static int
config_train_key(run_config *c, const char *k, const char *v, char *err, size_t errlen)
{
	double d = 0;
	int    n;

	if (strcmp(k, "layers") == 0) {
		if (kv_int_list(k, v, 1, TRAIN_MAX_HIDDEN, c->cfg.size, MLP_MAX_LAYERS + 1,
		    &n, err, errlen))
			return -1;
		if (n < 2)
			return err_set(err, errlen, "layers: need at least two "
			    "sizes");
		c->cfg.nlayer = n - 1;
	} else if (strcmp(k, "dropout") == 0) {
		if (kv_num(k, v, 0, TRAIN_MAX_DROPOUT, &d, err, errlen))
			return -1;
		c->cfg.dropout = (float)d;
	} else if (strcmp(k, "lr") == 0) {
		if (kv_num(k, v, 1e-12, TRAIN_MAX_LR, &d, err, errlen))
			return -1;
		c->cfg.lr = (float)d;
	} else if (strcmp(k, "batch") == 0) {
		if (kv_num(k, v, 1, TRAIN_MAX_BATCH, &d, err, errlen))
			return -1;
		c->cfg.batch = (int)d;
	} else if (strcmp(k, "epochs") == 0) {
		if (kv_num(k, v, 1, TRAIN_MAX_EPOCHS, &d, err, errlen))
			return -1;
		c->cfg.epochs = (int)d;
	} else if (strcmp(k, "seed") == 0) {
		if (kv_num(k, v, 0, 2147483647.0, &d, err, errlen))
			return -1;
		c->cfg.seed = (uint64_t)d;
	} else if (strcmp(k, "threads") == 0) {
		if (kv_num(k, v, 0, TRAIN_MAX_THREADS, &d, err, errlen))
			return -1;
		c->cfg.threads = (int)d;
	} else if (strcmp(k, "noise") == 0) {
		if (kv_num(k, v, 0, 100, &d, err, errlen))
			return -1;
		c->cfg.noise = (float)d;
	} else if (strcmp(k, "precision") == 0) {
		/* absent in runs from before it: fp32, the default */
		if (strcmp(v, "fp32") == 0)
			c->cfg.precision = TRAIN_FP32;
		else if (strcmp(v, "bf16") == 0)
			c->cfg.precision = TRAIN_BF16;
		else
			return err_set(err, errlen, "precision '%s': must be "
			    "fp32 or bf16", v);
	} else if (strcmp(k, "weight_decay") == 0) {
		if (kv_num(k, v, 0, TRAIN_MAX_WEIGHT_DECAY, &d, err, errlen))
			return -1;
		c->cfg.weight_decay = (float)d;
	} else
		return 1;
	return 0;
}

/* config.txt's keys of the grid: scales, seeds, corruptions, decays, probes.  Returns 0, -1 with a message, or 1: not
 * one of these keys. */
static int
config_grid_key(run_config *c, const char *k, const char *v, char *err, size_t errlen)
{
	double d = 0;

	if (strcmp(k, "scales") == 0) {
		if ((c->plan.nscales = sweep_parse_scales(v, c->plan.scales, err,
		    errlen)) < 0)
			return -1;
	} else if (strcmp(k, "test_scales") == 0) {
		c->plan.ntest = 0;
		if (*v != '\0' && (c->plan.ntest = sweep_parse_scales(v,
		    c->plan.test_scales, err, errlen)) < 0)
			return -1;
	} else if (strcmp(k, "seeds") == 0) {
		if (kv_num(k, v, 1, SWEEP_MAX_SEEDS, &d, err, errlen))
			return -1;
		c->plan.nseeds = (int)d;
	} else if (strcmp(k, "corruption") == 0) {
		if ((c->plan.ncorruptions = corrupt_parse_list(v,
		    c->plan.corruptions, SWEEP_MAX_CORRUPTIONS, err,
		    errlen)) < 0)
			return -1;
	} else if (strcmp(k, "weight_decays") == 0) {
		if ((c->plan.ndecays = sweep_parse_decays(v, c->plan.decays, err,
		    errlen)) < 0)
			return -1;
	} else if (strcmp(k, "probes") == 0) {
		if (kv_num(k, v, 0, 1, &d, err, errlen))
			return -1;
		c->plan.probes = (int)d;
	} else if (strcmp(k, "attacks") == 0) {
		c->plan.nattacks = 0;
		if (probe_attack_parse(v, c->plan.attacks, &c->plan.nattacks,
		    PROBE_MAX_ATTACKS, err, errlen) != 0)
			return -1;
	} else if (strcmp(k, "noise_mode") == 0) {
		if (sweep_parse_mode(v, &c->plan.mode, err, errlen) != 0)
			return -1;
	} else
		return 1;
	return 0;
}

static int
config_key(void *arg, const char *k, const char *v, char *err, size_t errlen)
{
	run_config *c = arg;
	int         rc;

	if ((rc = config_data_key(c, k, v, err, errlen)) == 1 &&
	    (rc = config_train_key(c, k, v, err, errlen)) == 1 &&
	    (rc = config_grid_key(c, k, v, err, errlen)) == 1 &&
	    (rc = run_data_key(c, k, v, err, errlen)) == 1)
		return err_set(err, errlen, "unknown key '%s'", k);
	return rc;
}

int
run_read_config(run *r, char *err, size_t errlen)
{
	char  path[4400], *text, msg[512];
	int   rc;

	snprintf(path, sizeof path, "%s/config.txt", r->dir);
	if ((text = kv_read(path, RUN_FILE_MAX, err, errlen)) == NULL)
		return -1;
	memset(&r->conf, 0, sizeof r->conf);
	train_config_default(&r->conf.cfg);
	/* What runs made before seeds, corruptions and the matrix had. */
	sweep_plan_default(&r->conf.plan, NULL, 0);
	r->conf.plan.ntest = -1;
	rc = kv_parse(path, text, config_key, &r->conf, err, errlen);
	free(text);
	if (rc != 0)
		return -1;
	if (r->conf.kind[0] == '\0' || r->conf.plan.nscales == 0)
		return err_set(err, errlen, "%s: kind or scales missing", path);
	/* Runs from before the matrix wrote no test_scales and no row files. */
	r->conf.matrix = r->conf.plan.ntest >= 0;
	if (r->conf.plan.ntest < 0) {
		memcpy(r->conf.plan.test_scales, r->conf.plan.scales,
		    sizeof r->conf.plan.scales);
		r->conf.plan.ntest = r->conf.plan.nscales;
	}
	if (sweep_plan_check(&r->conf.plan, msg, sizeof msg) != 0)
		return err_set(err, errlen, "%s: %s", path, msg);
	for (int d = 0; d < r->conf.plan.ndatasets; d++)
		if (r->conf.data_of[r->conf.plan.datasets[d]].source[0] == '\0')
			return err_set(err, errlen, "%s: no source.%s for data "
			    "set %d", path, dataset_info_of(
			    r->conf.plan.datasets[d])->key, d + 1);
	if (train_config_check(&r->conf.cfg, msg, sizeof msg) != 0)
		return err_set(err, errlen, "%s: %s", path, msg);
	if (r->conf.cfg.size[0] != DATASET_NPIX ||
	    r->conf.cfg.size[r->conf.cfg.nlayer] != 10)
		return err_set(err, errlen, "%s: layers must run from 784 to 10",
		    path);
	return 0;
}

static int
state_key(void *arg, const char *k, const char *v, char *err, size_t errlen)
{
	run_state *s = arg;
	double     d = 0;

	if (strcmp(k, "state") == 0) {
		if (strcmp(v, "running") && strcmp(v, "interrupted") &&
		    strcmp(v, "finished"))
			return err_set(err, errlen, "state '%s' unknown", v);
		snprintf(s->state, sizeof s->state, "%s", v);
		return 0;
	}
	if (strcmp(k, "host") == 0) {
		snprintf(s->host, sizeof s->host, "%s", v);
		return 0;
	}
	if (kv_num(k, v, 0, 1e12, &d, err, errlen) != 0)
		return -1;
	if (strcmp(k, "shard") == 0)
		s->shard = (int)d;
	else if (strcmp(k, "shards") == 0)
		s->nshards = (int)d;
	else if (strcmp(k, "row") == 0)
		s->row = (int)d;
	else if (strcmp(k, "nrows") == 0)
		s->nrows = (int)d;
	else if (strcmp(k, "epoch") == 0)
		s->epoch = (int)d;
	else if (strcmp(k, "epochs") == 0)
		s->epochs = (int)d;
	else if (strcmp(k, "pid") == 0)
		s->pid = (long)d;
	else
		return err_set(err, errlen, "unknown key '%s'", k);
	return 0;
}

/*
 * One state file, state.txt (shard 0) or state-K.txt, and whether its
 * writer is at work: its claim says so, live on this host or with a fresh
 * lease on another one.
 */
static int
read_state_file(const char *dir, int shard, run_state *st, char *err,
    size_t errlen)
{
	char *text, host[256] = "", path[NT_PATH_LEN + 64];
	int   rc, running, away;

	if (shard > 0)
		snprintf(path, sizeof path, "%s/state-%d.txt", dir, shard);
	else
		snprintf(path, sizeof path, "%s/state.txt", dir);
	memset(st, 0, sizeof *st);
	if ((text = kv_read(path, RUN_FILE_MAX, err, errlen)) == NULL)
		return -1;
	rc = kv_parse(path, text, state_key, st, err, errlen);
	free(text);
	if (rc != 0)
		return -1;
	if (st->state[0] == '\0')
		return err_set(err, errlen, "%s: no state", path);
	running = strcmp(st->state, "running") == 0;
	claim_read(dir, shard, &st->claim);
	if (st->claim.status != CLAIM_NONE) {
		st->alive = running && st->claim.status == CLAIM_HERE;
		st->elsewhere = running && st->claim.status == CLAIM_AWAY;
		return 0;
	}
	/* No claim: a run written before claims were.  As then, its pid
	 * tells on its own host; from another, it may be running. */
	gethostname(host, sizeof host - 1);
	away = st->host[0] != '\0' && strcmp(st->host, host) != 0;
	st->elsewhere = running && away;
	st->alive = st->pid > 0 && running && !away &&
	    (kill((pid_t)st->pid, 0) == 0 || errno == EPERM);
	return 0;
}

int
run_read_state(const char *dir, run_state *st, char *err, size_t errlen)
{
	char path[4400];

	snprintf(path, sizeof path, "%s/state.txt", dir);
	/* A sharded run has no state.txt until it is merged: its state is
	 * that of its shards. */
	if (access(path, F_OK) != 0) {
		run_state sh[SWEEP_MAX_ROWS > 64 ? 64 : SWEEP_MAX_ROWS];
		int       n = run_read_shards(dir, sh, 64, err, errlen);

		if (n > 0) {
			memset(st, 0, sizeof *st);
			st->nshards = sh[0].nshards;
			snprintf(st->state, sizeof st->state, "finished");
			for (int i = 0; i < n; i++) {
				if (sh[i].alive || sh[i].elsewhere) {
					*st = sh[i];
					st->nshards = sh[0].nshards;
					break;
				}
				if (strcmp(sh[i].state, "finished") != 0) {
					*st = sh[i];
					st->nshards = sh[0].nshards;
				}
			}
			/* All shards finished and none merged yet. */
			if (strcmp(st->state, "finished") == 0)
				snprintf(st->state, sizeof st->state,
				    "interrupted");
			st->shard = 0;
			return 0;
		}
	}
	return read_state_file(dir, 0, st, err, errlen);
}

int
run_read_shards(const char *dir, run_state *st, int max, char *err,
    size_t errlen)
{
	int n = 0;

	for (int k = 1; k <= SWEEP_MAX_ROWS && n < max; k++) {
		char path[4400];

		snprintf(path, sizeof path, "%s/state-%d.txt", dir, k);
		if (access(path, F_OK) != 0) {
			/* Shards are numbered 1..N; stop past the last. */
			if (n > 0 && k > st[0].nshards)
				break;
			if (n == 0 && k > 64)
				break;
			continue;
		}
		if (read_state_file(dir, k, &st[n], err, errlen) != 0)
			return -1;
		n++;
	}
	return n;
}

int
run_write_results(const run *r, const sweep_table *t, const char *source,
    char *err, size_t errlen)
{
	char path[4400];

	snprintf(path, sizeof path, "%s/results.csv", r->dir);
	if (results_write_csv(path, t, source, err, errlen) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/summary.csv", r->dir);
	if (results_write_summary_csv(path, t, source, err, errlen) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/matrix.csv", r->dir);
	if (results_write_matrix_csv(path, t, source, err, errlen) != 0)
		return -1;
	/* probes.csv only for a run that probes: others keep their files */
	snprintf(path, sizeof path, "%s/probes.csv", r->dir);
	if (sweep_plan_probes(&t->plan) && results_write_probes_csv(path, t,
	    source, err, errlen) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/results.json", r->dir);
	return results_write_json(path, t, source, err, errlen);
}

/* "key = v0,v1,...\n" of n doubles, exactly, at text + *len. */
static void
row_list(char *text, size_t size, size_t *len, const char *key,
    const double *v, int n)
{
	*len += (size_t)snprintf(text + *len, size - *len, "%s = ", key);
	for (int j = 0; j < n; j++)
		*len += (size_t)snprintf(text + *len, size - *len, "%s%.17g",
		    j ? "," : "", v[j]);
	*len += (size_t)snprintf(text + *len, size - *len, "\n");
}

/*
 * A done row's matrix row, row-R.txt: its test accuracy and loss at every
 * test scale, written exactly (%.17g reads back to the same double), so a
 * resumed or merged run reports what the uninterrupted one would.  With the
 * plan's probes, also each cell's ECE and confidence, the sensitivity
 * (grad_norm, jac_frob, w1_norm, rf_rough, rf_rough_delta) and the
 * attacks' accuracies.
 */
int
run_write_matrix_row(const run *r, const sweep_table *t, int i, char *err,
    size_t errlen)
{
	const sweep_row *row = &t->rows[i];
	char             name[64];
	char             text[(4 * SWEEP_MAX_SCALES + PROBE_MAX_ATTACKS + 5) *
	    26 + 128];
	size_t           len = 0;
	int              nt = t->plan.ntest;

	row_list(text, sizeof text, &len, "test_acc", row->test_acc, nt);
	row_list(text, sizeof text, &len, "test_loss", row->test_loss, nt);
	if (sweep_plan_probes(&t->plan)) {
		double sens[5] = { row->sens.grad_norm, row->sens.jac_frob,
		    row->sens.w1_norm, row->sens.rf_rough,
		    row->sens.rf_rough_delta };

		row_list(text, sizeof text, &len, "test_ece", row->test_ece,
		    nt);
		row_list(text, sizeof text, &len, "test_conf", row->test_conf,
		    nt);
		row_list(text, sizeof text, &len, "sensitivity", sens, 5);
		if (t->plan.nattacks > 0)
			row_list(text, sizeof text, &len, "attack_acc",
			    row->attack_acc, t->plan.nattacks);
	}
	snprintf(name, sizeof name, "row-%d.txt", i);
	return run_write_file(r->dir, name, text, err, errlen);
}

struct matrix_row {
	const sweep_table *t;
	sweep_row         *row;
};

static int
matrix_key(void *arg, const char *k, const char *v, char *err, size_t errlen)
{
	struct matrix_row *m = arg;
	double            *out, sens[5];
	const char        *p = v;
	char              *end;
	int                n = m->t->plan.ntest;

	if (strcmp(k, "test_acc") == 0)
		out = m->row->test_acc;
	else if (strcmp(k, "test_loss") == 0)
		out = m->row->test_loss;
	else if (strcmp(k, "test_ece") == 0)
		out = m->row->test_ece;
	else if (strcmp(k, "test_conf") == 0)
		out = m->row->test_conf;
	else if (strcmp(k, "sensitivity") == 0) {
		out = sens;
		n = 5;
	} else if (strcmp(k, "attack_acc") == 0) {
		out = m->row->attack_acc;
		n = m->t->plan.nattacks;
	} else
		return err_set(err, errlen, "unknown key '%s'", k);
	for (int j = 0; j < n; j++) {
		/* rows probed before rf_rough_delta have four figures */
		if (out == sens && j == 4 && *p == '\0' && p > v &&
		    p[-1] != ',') {
			sens[4] = NAN;
			break;
		}
		out[j] = strtod(p, &end);
		if (end == p || (*end != ',' && *end != '\0'))
			return err_set(err, errlen, "%s: not %d numbers", k, n);
		p = *end == ',' ? end + 1 : end;
	}
	if (*p != '\0')
		return err_set(err, errlen, "%s: more than %d numbers", k, n);
	if (out == sens) {
		m->row->sens.grad_norm = sens[0];
		m->row->sens.jac_frob = sens[1];
		m->row->sens.w1_norm = sens[2];
		m->row->sens.rf_rough = sens[3];
		m->row->sens.rf_rough_delta = sens[4];
	}
	return 0;
}

/* Read row-R.txt into a done row; a run from before the matrix has none,
 * and its row keeps NANs. */
int
run_read_matrix_row(const run *r, sweep_table *t, int i, char *err,
    size_t errlen)
{
	char              path[NT_PATH_LEN + 64], *text;
	struct matrix_row m = { t, &t->rows[i] };
	int               rc;

	snprintf(path, sizeof path, "%s/row-%d.txt", r->dir, i);
	if (access(path, F_OK) != 0)
		return 0;
	if ((text = kv_read(path, RUN_FILE_MAX, err, errlen)) == NULL)
		return -1;
	rc = kv_parse(path, text, matrix_key, &m, err, errlen);
	free(text);
	return rc;
}
