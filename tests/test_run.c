/*
 * Run directories: create, record, state, finish, interrupt, restore from
 * the checkpoints, names newest first, and damaged files refused with one
 * line naming the file.
 */
#define _GNU_SOURCE  /* memmem */
#include "runs/run.h"
#include "runs/run_priv.h"

#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kernels/adam.h"
#include "base/file.h"
#include "engine/mlp.h"
#include "runs/job.h"
#include "runs/run_priv.h"  /* the row files' writer and reader */
#include "tap.h"

static char root[] = "/tmp/noisetop-run-XXXXXX";

/* A test's own file, written plainly (no fsync: make mutate runs this
 * test once a mutant, and the tests' files need no durability). */
static void
put_file(const char *dir, const char *name, const char *text)
{
	char  path[NT_PATH_LEN + 64];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) != 0)
		diag("cannot write %s", path);
}

static int
has_file(const char *dir, const char *name)
{
	char path[NT_PATH_LEN + 64];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* Set a run's creation time (its config.txt's mtime) to t seconds. */
static void
set_made(const char *dir, time_t t)
{
	char            path[NT_PATH_LEN + 64];
	struct timespec ts[2] = { { t, 0 }, { t, 0 } };

	snprintf(path, sizeof path, "%s/config.txt", dir);
	utimensat(AT_FDCWD, path, ts, 0);
}

/* The small sweep every test uses: 784-8-10, two scales, two epochs. */
static void
small_config(run_config *c)
{
	static const float scales[2] = { 0.0f, 0.5f };

	memset(c, 0, sizeof *c);
	snprintf(c->kind, sizeof c->kind, "sweep");
	snprintf(c->source, sizeof c->source, "SYNTHETIC digits, seed 7");
	snprintf(c->version, sizeof c->version, "test");
	c->synthetic = 1;
	c->train_limit = 100;
	c->test_limit = 20;
	train_config_default(&c->cfg);
	c->cfg.nlayer = 2;
	c->cfg.size[1] = 8;
	c->cfg.size[2] = 10;
	c->cfg.epochs = 2;
	c->cfg.batch = 16;
	c->cfg.seed = 7;
	c->cfg.lr = 0.002f;
	sweep_plan_default(&c->plan, scales, 2);
	c->data_crc = 0xdeadbeef;
}

/* What the sweep callback would see at the end of epoch e of row i. */
static int
record_epoch(run *r, sweep_table *t, int i, int e, const mlp *m,
    const adam *opt, char *err, size_t errlen)
{
	train_progress tp;
	sweep_progress sp;

	t->rows[i].hist[e - 1] = (train_epoch){ e, 0.5 * e, 0.5 + 0.1 * e,
	    1.0 / e, 0.6 + 0.1 * e, 0.8 / e };
	t->rows[i].nhist = e;
	t->rows[i].state = SWEEP_RUNNING;
	memset(&tp, 0, sizeof tp);
	tp.event = TRAIN_EPOCH;
	tp.epoch = e;
	tp.epochs = t->cfg.epochs;
	tp.hist = t->rows[i].hist;
	tp.nhist = e;
	tp.model = m;
	tp.opt = opt;
	sp = (sweep_progress){ t, i, &tp };
	return run_record(r, &sp, "SYNTHETIC digits, seed 7", err, errlen);
}

static int
same_epoch(const train_epoch *a, const train_epoch *b)
{
	return a->epoch == b->epoch && a->seconds == b->seconds &&
	    a->acc == b->acc && a->loss == b->loss &&
	    a->val_acc == b->val_acc && a->val_loss == b->val_loss;
}

static int
one_line(const char *err, const char *want)
{
	return err[0] != '\0' && strchr(err, '\n') == NULL &&
	    strstr(err, want) != NULL;
}

static void
test_create_record_restore(void)
{
	run_config  conf;
	run         r, o;
	run_state   st;
	sweep_table t, back;
	checkpoint  ck;
	mlp        *m;
	adam        opt;
	char        err[NT_ERR_LEN] = "", dir[NT_PATH_LEN];
	size_t      idlen;

	small_config(&conf);
	ok(run_create(&r, root, &conf, err, sizeof err) == 0,
	    "run_create: %s", err);
	idlen = strlen(r.id);
	ok(idlen > 6 && strcmp(r.id + idlen - 6, "-sweep") == 0 &&
	    strncmp(r.dir, root, strlen(root)) == 0,
	    "named after the time and kind, under the root: %s", r.id);
	ok(has_file(r.dir, "config.txt") && has_file(r.dir, "state.txt"),
	    "config.txt and state.txt written");
	ok(run_read_state(r.dir, &st, err, sizeof err) == 0 &&
	    strcmp(st.state, "running") == 0 && st.row == 0 &&
	    st.nrows == 2 && st.epoch == 0 && st.epochs == 2 &&
	    st.pid == (long)getpid() && st.alive,
	    "state: running, row 0 of 2, epoch 0 of 2, this process, alive");

	ok(run_open(&o, root, r.id, err, sizeof err) == 0,
	    "run_open by name: %s", err);
	ok(strcmp(o.conf.kind, "sweep") == 0 &&
	    strcmp(o.conf.source, conf.source) == 0 &&
	    o.conf.synthetic == 1 && o.conf.train_limit == 100 &&
	    o.conf.test_limit == 20 && o.conf.data_crc == 0xdeadbeef &&
	    o.conf.cfg.nlayer == 2 && o.conf.cfg.size[1] == 8 &&
	    o.conf.cfg.epochs == 2 && o.conf.cfg.batch == 16 &&
	    o.conf.cfg.seed == 7 && o.conf.cfg.lr == conf.cfg.lr &&
	    o.conf.cfg.dropout == conf.cfg.dropout &&
	    o.conf.plan.nscales == 2 && o.conf.plan.scales[1] == 0.5f && o.conf.plan.nseeds == 1 &&
	    o.conf.plan.ntest == 2,
	    "config.txt reads back as written (floats exactly)");
	ok(run_open(&o, root, r.dir, err, sizeof err) == 0 &&
	    strcmp(o.id, r.id) == 0, "run_open by directory");

	m = mlp_new(2, conf.cfg.size, 16, conf.cfg.dropout, err, sizeof err);
	if (m == NULL || adam_init(&opt, m->nparam, conf.cfg.lr) != 0 ||
	    sweep_table_init(&t, &conf.cfg, &conf.plan, err,
	    sizeof err) != 0) {
		ok(0, "model and table: %s", err);
		return;
	}
	mlp_init(m, 7);

	/* A batch event writes nothing. */
	{
		train_progress tp = { .event = TRAIN_BATCH };
		sweep_progress sp = { &t, 0, &tp };

		ok(run_record(&r, &sp, "x", err, sizeof err) == 0 &&
		    !has_file(r.dir, "ckpt-0.bin") &&
		    !has_file(r.dir, "results.csv"),
		    "a batch event records nothing");
	}
	ok(record_epoch(&r, &t, 0, 1, m, &opt, err, sizeof err) == 0,
	    "record row 0 epoch 1: %s", err);
	ok(has_file(r.dir, "ckpt-0.bin") && has_file(r.dir, "results.csv") &&
	    has_file(r.dir, "results.json"),
	    "an epoch writes the checkpoint and the results");
	ok(run_read_state(r.dir, &st, err, sizeof err) == 0 &&
	    strcmp(st.state, "running") == 0 && st.row == 0 && st.epoch == 1,
	    "state: row 0, epoch 1");
	record_epoch(&r, &t, 0, 2, m, &opt, err, sizeof err);
	/* The row's end, as sweep_run reports it: done, its matrix row
	 * written (a row is done on disk only with its row-R.txt). */
	t.rows[0].state = SWEEP_DONE;
	{
		sweep_progress end = { &t, 0, NULL };

		ok(run_record(&r, &end, "x", err, sizeof err) == 0 &&
		    has_file(r.dir, "row-0.txt"),
		    "a row's end writes its matrix row, row-0.txt: %s", err);
	}
	ok(record_epoch(&r, &t, 1, 1, m, &opt, err, sizeof err) == 0 &&
	    has_file(r.dir, "ckpt-1.bin"), "record row 1 epoch 1");
	ok(run_read_state(r.dir, &st, err, sizeof err) == 0 && st.row == 1 &&
	    st.epoch == 1 && st.nrows == 2, "state: row 1, epoch 1");

	/* The process that wrote it is gone (a kill): mark it interrupted
	 * where the files say. */
	ok(run_interrupt(&r, err, sizeof err) == 0 &&
	    run_read_state(r.dir, &st, err, sizeof err) == 0 &&
	    strcmp(st.state, "interrupted") == 0 && st.row == 1 &&
	    st.epoch == 1 && !st.alive,
	    "run_interrupt: interrupted at row 1, epoch 1, not alive");

	ok(run_restore(&o, &back, 1, 1, &ck, err, sizeof err) == 0,
	    "run_restore: %s", err);
	ok(back.n == 2 && back.rows[0].state == SWEEP_DONE &&
	    back.rows[0].nhist == 2 && same_epoch(&back.rows[0].hist[0],
	    &t.rows[0].hist[0]) && same_epoch(&back.rows[0].hist[1],
	    &t.rows[0].hist[1]), "row 0 restored done, with its history");
	ok(back.rows[1].state == SWEEP_PENDING && back.rows[1].nhist == 1 &&
	    back.rows[1].hist[0].val_acc == t.rows[1].hist[0].val_acc,
	    "row 1 restored pending, with its first epoch");
	ok(ck.param != NULL && ck.nhist == 1 && ck.scale == 0.5f &&
	    ck.nparam == m->nparam &&
	    memcmp(ck.param, m->param, m->nparam * sizeof *ck.param) == 0,
	    "the checkpoint of row 1 to continue from holds the weights");
	checkpoint_free(&ck);
	sweep_table_free(&back);

	ok(run_finish(&r, &t, "SYNTHETIC digits, seed 7", 0, err,
	    sizeof err) == 0 &&
	    run_read_state(r.dir, &st, err, sizeof err) == 0 &&
	    strcmp(st.state, "finished") == 0 && st.row == 1,
	    "run_finish: finished");
	ok(run_finish(&r, &t, "x", 1, err, sizeof err) == 0 &&
	    run_read_state(r.dir, &st, err, sizeof err) == 0 &&
	    strcmp(st.state, "interrupted") == 0,
	    "run_finish(interrupted): interrupted");

	/* A checkpoint of another configuration is refused by name. */
	snprintf(dir, sizeof dir, "%s", r.dir);
	o.conf.cfg.seed = 8;
	ok(run_restore(&o, &back, 1, 1, &ck, err, sizeof err) == -1 &&
	    one_line(err, "ckpt-0.bin") && one_line(err, "does not match"),
	    "a checkpoint of another seed: '%s'", err);
	sweep_table_free(&back);
	checkpoint_free(&ck);
	o.conf.cfg.seed = 7;
	/* A damaged checkpoint likewise. */
	put_file(dir, "ckpt-1.bin", "NOISECKP but not much more");
	ok(run_restore(&o, &back, 1, 1, &ck, err, sizeof err) == -1 &&
	    one_line(err, "ckpt-1.bin"), "a damaged checkpoint: '%s'", err);
	sweep_table_free(&back);
	checkpoint_free(&ck);

	sweep_table_free(&t);
	adam_destroy(&opt);
	mlp_free(m);
}

static void
test_names(void)
{
	char       sub[NT_PATH_LEN], err[NT_ERR_LEN] = "", name[256];
	char       dirs[3][NT_PATH_LEN], ids[3][256];
	char     **names;
	run_config conf;
	run        r;
	int        n;

	snprintf(sub, sizeof sub, "%s/names/deeper", root);
	ok(run_root(sub, name, sizeof name, err, sizeof err) == 0 &&
	    strcmp(name, sub) == 0 && access(sub, F_OK) == 0,
	    "run_root creates the missing directories");
	ok((names = run_names(sub, &n, err, sizeof err)) != NULL && n == 0,
	    "an empty root: no names");
	run_names_free(names, n);
	ok(run_newest(sub, 1, name, sizeof name, err, sizeof err) == -1 &&
	    one_line(err, sub), "run_newest of none: '%s'", err);

	/* Three runs in one second: the file times order them. */
	small_config(&conf);
	for (int i = 0; i < 3; i++) {
		if (run_create(&r, sub, &conf, err, sizeof err) != 0) {
			ok(0, "run_create %d: %s", i, err);
			return;
		}
		snprintf(dirs[i], sizeof dirs[i], "%s", r.dir);
		snprintf(ids[i], sizeof ids[i], "%s", r.id);
	}
	ok(strcmp(ids[0], ids[1]) != 0 && strcmp(ids[1], ids[2]) != 0 &&
	    strcmp(ids[0], ids[2]) != 0, "runs in one second get distinct "
	    "names: %s %s %s", ids[0], ids[1], ids[2]);
	/* Oldest: 1, then 2, then 0. */
	set_made(dirs[1], 1000000000);
	set_made(dirs[2], 1000000100);
	set_made(dirs[0], 1000000200);
	{
		char junk[NT_PATH_LEN + 16];

		snprintf(junk, sizeof junk, "%s/not-a-run", sub);
		mkdir(junk, 0755);
	}
	names = run_names(sub, &n, err, sizeof err);
	ok(names != NULL && n == 3 && strcmp(names[0], ids[0]) == 0 &&
	    strcmp(names[1], ids[2]) == 0 && strcmp(names[2], ids[1]) == 0,
	    "run_names: newest first, directories without config.txt left "
	    "out");
	run_names_free(names, n);

	/* run_newest skips the live (this process's) runs. */
	ok(run_newest(sub, 1, name, sizeof name, err, sizeof err) == -1,
	    "runs this process still writes are not offered: '%s'", err);
	put_file(dirs[0], "state.txt", "state = finished\nrow = 1\nnrows = 2\n"
	    "epoch = 2\nepochs = 2\npid = 1\n");
	put_file(dirs[2], "state.txt", "state = interrupted\nrow = 0\n"
	    "nrows = 2\nepoch = 1\nepochs = 2\npid = 1\n");
	ok(run_newest(sub, 1, name, sizeof name, err, sizeof err) == 0 &&
	    strcmp(name, ids[0]) == 0, "run_newest(finished too): the "
	    "finished newest");
	ok(run_newest(sub, 0, name, sizeof name, err, sizeof err) == 0 &&
	    strcmp(name, ids[2]) == 0, "run_newest: the newest interrupted");
	ok(run_open(&r, sub, NULL, err, sizeof err) == 0 &&
	    strcmp(r.id, ids[2]) == 0,
	    "run_open with no name: the newest interrupted");
	ok(run_open(&r, sub, "no-such-run", err, sizeof err) == -1 &&
	    one_line(err, "no-such-run"), "an unknown name: '%s'", err);
	ok(run_open(&r, sub, "/nonexistent/run", err, sizeof err) == -1 &&
	    one_line(err, "/nonexistent/run"),
	    "an unknown directory: '%s'", err);
}

/* A grid (seeds, two corruptions, other test scales, fresh noise) reads
 * back as written. */
static void
test_grid_config(void)
{
	char       sub[NT_PATH_LEN], err[NT_ERR_LEN] = "";
	run_config conf;
	run        r, o;

	snprintf(sub, sizeof sub, "%s/grid", root);
	mkdir(sub, 0755);
	small_config(&conf);
	conf.plan.nseeds = 3;
	conf.plan.corruptions[1] = CORRUPT_IMPULSE;
	conf.plan.ncorruptions = 2;
	conf.plan.test_scales[0] = 0.25f;
	conf.plan.test_scales[1] = 0.75f;
	conf.plan.test_scales[2] = 1.0f;
	conf.plan.ntest = 3;
	conf.plan.mode = SWEEP_FRESH;
	ok(run_create(&r, sub, &conf, err, sizeof err) == 0 &&
	    run_open(&o, sub, r.id, err, sizeof err) == 0,
	    "a grid run created and opened: %s", err);
	ok(o.conf.plan.nseeds == 3 && o.conf.plan.ncorruptions == 2 &&
	    o.conf.plan.corruptions[0] == CORRUPT_GAUSSIAN &&
	    o.conf.plan.corruptions[1] == CORRUPT_IMPULSE &&
	    o.conf.plan.ntest == 3 && o.conf.plan.test_scales[0] == 0.25f &&
	    o.conf.plan.test_scales[2] == 1.0f &&
	    o.conf.plan.mode == SWEEP_FRESH && o.conf.plan.nscales == 2,
	    "the grid reads back: seeds, corruptions, test scales, mode");
}

/*
 * Weight decays, probes and attacks read back from config.txt, and a done
 * row's probes from its row file, bit for bit; a run without them writes
 * none of their keys.
 */
static void
test_probe_config(void)
{
	char        sub[NT_PATH_LEN], err[NT_ERR_LEN] = "", *text;
	char        path[NT_PATH_LEN + 64];
	run_config  conf;
	run         r, o;
	sweep_table t, back;
	int         na = 0;
	size_t      len;

	snprintf(sub, sizeof sub, "%s/probes", root);
	mkdir(sub, 0755);
	small_config(&conf);
	conf.cfg.weight_decay = 0.5f;
	conf.plan.ndecays = 2;
	conf.plan.decays[0] = 0.0f;
	conf.plan.decays[1] = 1e-4f;
	conf.plan.probes = 1;
	probe_attack_parse("fgsm:0.1,pgd:0.25:7", conf.plan.attacks, &na,
	    PROBE_MAX_ATTACKS, err, sizeof err);
	conf.plan.nattacks = na;
	ok(run_create(&r, sub, &conf, err, sizeof err) == 0 &&
	    run_open(&o, sub, r.id, err, sizeof err) == 0,
	    "a probed run with decays created and opened: %s", err);
	ok(o.conf.cfg.weight_decay == 0.5f && o.conf.plan.ndecays == 2 &&
	    o.conf.plan.decays[1] == 1e-4f && o.conf.plan.probes == 1 &&
	    o.conf.plan.nattacks == 2 && o.conf.plan.attacks[1].kind ==
	    PROBE_PGD && o.conf.plan.attacks[1].eps == 0.25f &&
	    o.conf.plan.attacks[1].steps == 7,
	    "decays, probes and attacks read back");
	if (sweep_table_init(&t, &o.conf.cfg, &o.conf.plan, err,
	    sizeof err) != 0 || sweep_table_init(&back, &o.conf.cfg,
	    &o.conf.plan, err, sizeof err) != 0) {
		ok(0, "tables: %s", err);
		return;
	}
	sweep_row *w = &t.rows[3];

	w->state = SWEEP_DONE;
	for (int j = 0; j < t.plan.ntest; j++) {
		w->test_acc[j] = 0.1 * (j + 1) / 3;
		w->test_loss[j] = 1.0 / 7 + j;
		w->test_ece[j] = 0.01 / 3 * (j + 1);
		w->test_conf[j] = 2.0 / 3;
	}
	w->sens = (probe_sens){ 1.0 / 3, 2.0 / 7, 19.123456789, 0.987654321,
	    1.0 / 9 };
	w->attack_acc[0] = 0.1 / 7;
	w->attack_acc[1] = 0.0;
	ok(run_write_matrix_row(&o, &t, 3, err, sizeof err) == 0 &&
	    run_read_matrix_row(&o, &back, 3, err, sizeof err) == 0 &&
	    memcmp(back.rows[3].test_ece, w->test_ece, 2 * sizeof(double)) ==
	    0 && memcmp(back.rows[3].test_conf, w->test_conf,
	    2 * sizeof(double)) == 0 && memcmp(&back.rows[3].sens, &w->sens,
	    sizeof w->sens) == 0 && memcmp(back.rows[3].attack_acc,
	    w->attack_acc, 2 * sizeof(double)) == 0 &&
	    back.rows[3].test_acc[1] == w->test_acc[1],
	    "a row's calibration, sensitivity and attacks read back exactly: "
	    "%s", err);
	/* a row probed before rf_rough_delta: four figures, the fifth NAN */
	snprintf(path, sizeof path, "%s/row-3.txt", o.dir);
	{
		FILE *f = fopen(path, "w");

		fprintf(f, "test_acc = 1,1\ntest_loss = 0,0\ntest_ece = 0,0\n"
		    "test_conf = 1,1\nsensitivity = 1,2,3,4\n"
		    "attack_acc = 1,1\n");
		fclose(f);
	}
	ok(run_read_matrix_row(&o, &back, 3, err, sizeof err) == 0 &&
	    back.rows[3].sens.rf_rough == 4.0 &&
	    isnan(back.rows[3].sens.rf_rough_delta),
	    "a row file with four sensitivity figures reads: %s", err);
	sweep_table_free(&t);
	sweep_table_free(&back);

	small_config(&conf);
	snprintf(sub, sizeof sub, "%s/plain", root);
	mkdir(sub, 0755);
	text = NULL;
	if (run_create(&r, sub, &conf, err, sizeof err) == 0) {
		uint8_t *buf;

		snprintf(path, sizeof path, "%s/config.txt", r.dir);
		if (file_read(path, 1 << 20, &buf, &len, err, sizeof err) == 0)
			text = (char *)buf;
	}
	ok(text != NULL && strstr(text, "decay") == NULL &&
	    strstr(text, "probes") == NULL && strstr(text, "attacks") == NULL,
	    "a plain run's config.txt names no decay, probes or attacks");
	free(text);
}

/*
 * A sharded run before its merge has no state.txt: its state is its
 * shards'.  Also config values at their bounds, and the host a state file
 * records.
 */
static void
test_shards(void)
{
	char       sub[NT_PATH_LEN], err[NT_ERR_LEN] = "", host[256] = "";
	run_config conf;
	run        r, o;
	run_state  st, sh[8];
	char       me[NT_PATH_LEN + 16];

	snprintf(sub, sizeof sub, "%s/shards", root);
	mkdir(sub, 0755);
	small_config(&conf);
	if (run_create(&r, sub, &conf, err, sizeof err) != 0) {
		ok(0, "run_create: %s", err);
		return;
	}
	gethostname(host, sizeof host - 1);
	ok(run_read_state(r.dir, &st, err, sizeof err) == 0 &&
	    strcmp(st.state, "running") == 0 && strcmp(st.host, host) == 0 &&
	    st.pid == (long)getpid() && st.alive && !st.elsewhere,
	    "a new run's state records this host and process: alive here "
	    "(%s)", err);
	snprintf(me, sizeof me, "%s/state.txt", r.dir);
	unlink(me);

	ok(run_read_shards(r.dir, sh, 8, err, sizeof err) == 0,
	    "no state files: no shards");
	ok(run_read_state(r.dir, &st, err, sizeof err) == -1 &&
	    strstr(err, "state.txt") != NULL, "no state files: no state: '%s'",
	    err);
	put_file(r.dir, "state-1.txt", "state = finished\nrow = 1\nnrows = 2\n"
	    "shard = 1\nshards = 3\npid = 1\n");
	put_file(r.dir, "state-3.txt", "state = interrupted\nrow = 1\n"
	    "nrows = 2\nepoch = 1\nshard = 3\nshards = 3\npid = 1\n");
	ok(run_read_shards(r.dir, sh, 8, err, sizeof err) == 2 &&
	    sh[0].shard == 1 && sh[1].shard == 3, "shards 1 and 3 of 3 read, "
	    "past the missing 2");
	ok(run_read_shards(r.dir, sh, 1, err, sizeof err) == 1,
	    "at most max shards");
	ok(run_read_state(r.dir, &st, err, sizeof err) == 0 &&
	    strcmp(st.state, "interrupted") == 0 && st.nshards == 3 &&
	    st.shard == 0 && st.epoch == 1, "the run's state: the interrupted "
	    "shard's, of 3 shards");
	put_file(r.dir, "state-3.txt", "state = finished\nrow = 1\nnrows = 2\n"
	    "shard = 3\nshards = 3\npid = 1\n");
	ok(run_read_state(r.dir, &st, err, sizeof err) == 0 &&
	    strcmp(st.state, "interrupted") == 0 && st.nshards == 3,
	    "every shard finished but not merged: interrupted");
	put_file(r.dir, "state-3.txt", "state = running\nrow = 0\nnrows = 2\n"
	    "shard = 3\nshards = 3\npid = 1\nhost = elsewhere.example\n");
	ok(run_read_state(r.dir, &st, err, sizeof err) == 0 &&
	    strcmp(st.state, "running") == 0 && st.elsewhere && !st.alive &&
	    st.nshards == 3, "a shard running on another host: running there");
	put_file(r.dir, "state-3.txt", "state = sleeping\n");
	ok(run_read_shards(r.dir, sh, 8, err, sizeof err) == -1 &&
	    strstr(err, "state-3.txt") != NULL, "a damaged shard state: '%s'",
	    err);

	/* A done row's matrix row: written, read back into a fresh table;
	 * a row without its file keeps its NaNs. */
	{
		sweep_table t, u;
		train_config c = conf.cfg;
		int          good;

		err[0] = '\0';
		sweep_table_init(&t, &c, &conf.plan, err, sizeof err);
		sweep_table_init(&u, &c, &conf.plan, err, sizeof err);
		for (int j = 0; j < t.plan.ntest; j++) {
			t.rows[1].test_acc[j] = 0.125 * (j + 1);
			t.rows[1].test_loss[j] = 1.0 / 3.0 + j;
		}
		good = run_write_matrix_row(&r, &t, 1, err, sizeof err) == 0 &&
		    run_read_matrix_row(&r, &u, 1, err, sizeof err) == 0 &&
		    run_read_matrix_row(&r, &u, 0, err, sizeof err) == 0;
		for (int j = 0; good && j < t.plan.ntest; j++)
			good = u.rows[1].test_acc[j] == t.rows[1].test_acc[j] &&
			    u.rows[1].test_loss[j] == t.rows[1].test_loss[j] &&
			    isnan(u.rows[0].test_acc[j]);
		ok(good, "a matrix row read back exactly; a row without its "
		    "file keeps NaN: %s", err);
		sweep_table_free(&t);
		sweep_table_free(&u);
	}

	/* Config values at their bounds. */
	put_file(r.dir, "config.txt", "kind = sweep\nscales = 0\n"
	    "layers = 784,8,10\ndata_crc = ffffffff\nnoise = 0.5\n");
	ok(run_open(&o, sub, r.id, err, sizeof err) == 0 &&
	    o.conf.data_crc == 0xffffffffu && o.conf.cfg.noise == 0.5f,
	    "data_crc ffffffff and noise 0.5 read");
	put_file(r.dir, "config.txt", "kind = sweep\nscales = 0\n"
	    "layers = 784,8,10\ndata_crc = 100000000\n");
	ok(run_open(&o, sub, r.id, err, sizeof err) == -1 &&
	    strstr(err, "data_crc") != NULL, "data_crc past 32 bits: '%s'",
	    err);
	put_file(r.dir, "config.txt", "kind = sweep\nscales = 0\n"
	    "layers = 784,8,10\nsynthetic = 0\ntest_scales = \n");
	ok(run_open(&o, sub, r.id, err, sizeof err) == 0 &&
	    !o.conf.synthetic && o.conf.plan.ntest == 0 && o.conf.matrix,
	    "synthetic = 0 and an empty test_scales read: %s", err);
	put_file(r.dir, "config.txt", "kind = sweep\nscales = 0,x\n"
	    "layers = 784,8,10\n");
	ok(run_open(&o, sub, r.id, err, sizeof err) == -1 &&
	    strstr(err, "0,x") != NULL, "bad scales refused: '%s'", err);
	put_file(r.dir, "config.txt", "kind = sweep\nscales = 0\n"
	    "layers = 784,8,10\ncorruption = rain\n");
	ok(run_open(&o, sub, r.id, err, sizeof err) == -1 &&
	    strstr(err, "rain") != NULL, "an unknown corruption refused: "
	    "'%s'", err);
	put_file(r.dir, "config.txt", "kind = sweep\nscales = 0\n"
	    "layers = 784,0,10\n");
	ok(run_open(&o, sub, r.id, err, sizeof err) == -1 &&
	    strstr(err, "layers") != NULL, "a layer of size 0: '%s'", err);
}

/* A config.txt or state.txt that is damaged gives one line naming it. */
static void
test_corrupt(void)
{
	static const struct {
		const char *config, *want, *what;
	} configs[] = {
		{ "kind = sweep\nscales = 0\nlayers = 784,8,10\n"
		  "colour = blue\n", "colour", "an unknown key" },
		{ "kind = nap\nscales = 0\n", "nap", "an unknown kind" },
		{ "kind = sweep\nscales = 0\nlayers = 784,8,10\nepochs = 1e9\n",
		  "epochs", "epochs out of range" },
		{ "kind = sweep\nscales = 0\nlayers = 784,8,10\nlr = fast\n",
		  "lr", "a word for a number" },
		{ "kind = sweep\nlayers = 784,8,10\n", "missing",
		  "no scales" },
		{ "kind = sweep\nscales = 0\nlayers = 100,8,10\n", "784",
		  "layers not from 784" },
		{ "kind = sweep\nscales = 0\ndata_crc = xyz\n", "data_crc",
		  "a crc that is not hex" },
		{ "this is not a key value file\n", "config.txt", "no '='" },
		{ "kind = sweep\nscales = 0\nlayers = 784,8,10\ndropout = 2\n",
		  "dropout", "dropout out of range" },
	};
	static const struct {
		const char *state, *want, *what;
	} states[] = {
		{ "state = sleeping\n", "sleeping", "an unknown state" },
		{ "row = 1\n", "no state", "no state line" },
		{ "state = running\nrow = -3\n", "row", "a negative row" },
		{ "state = running\nmood = good\n", "mood", "an unknown key" },
	};
	char       sub[NT_PATH_LEN], err[NT_ERR_LEN];
	run_config conf;
	run        r, o;
	run_state  st;

	snprintf(sub, sizeof sub, "%s/corrupt", root);
	mkdir(sub, 0755);
	small_config(&conf);
	if (run_create(&r, sub, &conf, err, sizeof err) != 0) {
		ok(0, "run_create: %s", err);
		return;
	}
	for (size_t i = 0; i < sizeof configs / sizeof configs[0]; i++) {
		put_file(r.dir, "config.txt", configs[i].config);
		err[0] = '\0';
		ok(run_open(&o, sub, r.id, err, sizeof err) == -1 &&
		    one_line(err, "config.txt") &&
		    one_line(err, configs[i].want),
		    "config.txt with %s: '%s'", configs[i].what, err);
	}
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
		put_file(r.dir, "state.txt", states[i].state);
		err[0] = '\0';
		ok(run_read_state(r.dir, &st, err, sizeof err) == -1 &&
		    one_line(err, "state.txt") &&
		    one_line(err, states[i].want),
		    "state.txt with %s: '%s'", states[i].what, err);
	}
	put_file(r.dir, "state.txt", "");
	ok(run_read_state(r.dir, &st, err, sizeof err) == -1 &&
	    one_line(err, "state.txt"), "an empty state.txt: '%s'", err);
	{
		char path[NT_PATH_LEN + 16];

		snprintf(path, sizeof path, "%s/config.txt", r.dir);
		unlink(path);
		ok(run_open(&o, sub, r.id, err, sizeof err) == -1 &&
		    one_line(err, "config.txt"), "no config.txt: '%s'", err);
	}
}

/* A claim file of another process: host, pid, start, renewed age s ago. */
static void
put_claim(const char *dir, const char *name, const char *host, long pid,
    long long start, long age)
{
	char            text[512], path[NT_PATH_LEN + 64];
	struct timespec ts[2] = { { time(NULL) - age, 0 },
	    { time(NULL) - age, 0 } };

	snprintf(text, sizeof text, "host = %s\npid = %ld\nstart = %lld\n"
	    "since = 1000000000\n", host, pid, start);
	put_file(dir, name, text);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	utimensat(AT_FDCWD, path, ts, 0);
}

/*
 * Claims: one writer per run and per shard.  A run's writer holds
 * claim.txt; a second claim of it, or of a shard of it, names the holder;
 * a gone holder (a dead pid, a reused pid) or another host's lease run out
 * is taken over, a fresh lease of another host is not; a run directory
 * removed or taken over under its writer is named as such.
 */
static void
test_claims(void)
{
	char       sub[NT_PATH_LEN], err[NT_ERR_LEN] = "", host[256] = "";
	char       path[NT_PATH_LEN + 64];
	run_config conf;
	run        r;
	claim      c;
	claim_info who;
	pid_t      child;

	snprintf(sub, sizeof sub, "%s/claims", root);
	mkdir(sub, 0755);
	gethostname(host, sizeof host - 1);
	small_config(&conf);
	if (run_create(&r, sub, &conf, err, sizeof err) != 0) {
		ok(0, "run_create: %s", err);
		return;
	}
	ok(has_file(r.dir, "claim.txt") && r.claim.path[0] != '\0',
	    "run_create claims the run: claim.txt");
	ok(claim_take(&c, r.dir, 0, &who, err, sizeof err) == 1 &&
	    who.status == CLAIM_HERE && who.who.pid == (long)getpid() &&
	    one_line(err, "is being trained by pid"),
	    "a second claim of it is refused, naming the holder: '%s'", err);
	ok(claim_take(&c, r.dir, 2, &who, err, sizeof err) == 1 &&
	    who.shard == 0 && one_line(err, r.id),
	    "a shard of a run held whole is refused: '%s'", err);
	run_release(&r);
	ok(!has_file(r.dir, "claim.txt") && !claim_find_live(r.dir, NULL),
	    "run_release removes it");
	ok(claim_take(&c, r.dir, 2, NULL, err, sizeof err) == 0 &&
	    has_file(r.dir, "claim-2.txt"), "a shard claims claim-2.txt");
	ok(claim_take(&r.claim, r.dir, 0, &who, err, sizeof err) == 1 &&
	    who.shard == 2 && one_line(err, "shard 2 of run"),
	    "the whole run is refused while a shard is held: '%s'", err);
	ok(claim_find_live(r.dir, &who) && who.shard == 2,
	    "claim_find_live finds the shard's claim");
	claim_release(&c);
	ok(!has_file(r.dir, "claim-2.txt") && !claim_find_live(r.dir, NULL),
	    "and claim_release removes it");

	/* Other holders, judged. */
	put_claim(r.dir, "claim.txt", "node17", 4242, 0, 5);
	claim_read(r.dir, 0, &who);
	ok(who.status == CLAIM_AWAY && who.age >= 4 && who.age <= 60 &&
	    strcmp(who.who.host, "node17") == 0,
	    "another host, renewed 5 s ago: live there (age %ld)", who.age);
	ok(claim_take(&c, r.dir, 0, NULL, err, sizeof err) == 1 &&
	    one_line(err, "pid 4242 on node17, seen"),
	    "and not taken over: '%s'", err);
	put_claim(r.dir, "claim.txt", "node17", 4242, 0, 1000);
	claim_read(r.dir, 0, &who);
	ok(who.status == CLAIM_STALE, "another host, silent for 1000 s: "
	    "stale");
	ok(claim_take(&c, r.dir, 0, NULL, err, sizeof err) == 0 &&
	    strstr(c.note, "took over run") != NULL &&
	    strstr(c.note, "node17") != NULL, "and taken over: '%s'", c.note);
	claim_release(&c);
	if ((child = fork()) == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	put_claim(r.dir, "claim.txt", host, (long)child, 0, 0);
	claim_read(r.dir, 0, &who);
	ok(who.status == CLAIM_GONE, "this host, its pid gone: gone");
	ok(claim_take(&c, r.dir, 0, NULL, err, sizeof err) == 0 &&
	    strstr(c.note, "that process is gone") != NULL,
	    "and taken over at once: '%s'", c.note);
	claim_release(&c);
	put_claim(r.dir, "claim.txt", host, (long)getpid(), 1, 0);
	claim_read(r.dir, 0, &who);
	ok(who.status == CLAIM_GONE || access("/proc/self/stat", F_OK) != 0,
	    "this host, its pid now another process's (other start): gone");
	snprintf(path, sizeof path, "%s/claim.txt", r.dir);
	unlink(path);

	setenv("NOISETOP_CLAIM_TIMEOUT", "2", 1);
	ok(claim_timeout() == 2, "NOISETOP_CLAIM_TIMEOUT=2: 2 s");
	setenv("NOISETOP_CLAIM_TIMEOUT", "soon", 1);
	ok(claim_timeout() == CLAIM_TIMEOUT, "a bad NOISETOP_CLAIM_TIMEOUT: "
	    "the default");
	unsetenv("NOISETOP_CLAIM_TIMEOUT");

	/* Taken over under its writer: it writes nothing more. */
	err[0] = '\0';
	ok(run_claim(&r, err, sizeof err) == 0, "run_claim again%s", err);
	put_claim(r.dir, "claim.txt", "node17", 4242, 0, 0);
	{
		sweep_table    t;
		sweep_progress end;

		sweep_table_init(&t, &conf.cfg, &conf.plan, err, sizeof err);
		end = (sweep_progress){ &t, 0, NULL };
		ok(run_lost(&r, err, sizeof err) &&
		    run_record(&r, &end, "x", err, sizeof err) == -1 &&
		    one_line(err, "was taken over by pid 4242 on node17"),
		    "taken over: run_record writes nothing: '%s'", err);
		ok(run_finish(&r, &t, "x", 1, err, sizeof err) == -1 &&
		    one_line(err, "taken over"),
		    "nor run_finish: '%s'", err);
		run_release(&r);
		ok(has_file(r.dir, "claim.txt"), "nor does it remove the "
		    "other's claim");
		/* Removed under its writer: said so, not ENOENT. */
		unlink(path);
		ok(run_claim(&r, err, sizeof err) == 0, "claimed again");
		snprintf(path, sizeof path, "rm -rf '%s'", r.dir);
		if (system(path) != 0)
			diag("could not remove %s", r.dir);
		ok(run_record(&r, &end, "x", err, sizeof err) == -1 &&
		    one_line(err, "was removed") && strstr(err, r.dir) != NULL,
		    "a removed run directory is named as such: '%s'", err);
		ok(run_interrupt(&r, err, sizeof err) == -1 &&
		    one_line(err, "was removed"), "run_interrupt too: '%s'",
		    err);
		run_release(&r);
		sweep_table_free(&t);
	}
}

/* config.txt with one more line, as line 4, after a minimal sweep's. */
static int
open_with(const run *r, const char *sub, const char *line, run *o, char *err,
    size_t errlen)
{
	char text[1024];

	snprintf(text, sizeof text, "kind = sweep\nscales = 0\n"
	    "layers = 784,8,10\n%s", line);
	put_file(r->dir, "config.txt", text);
	err[0] = '\0';
	return run_open(o, sub, r->id, err, errlen);
}

/*
 * Every key of config.txt: a bad value refused by its own line ("line 4"
 * and the key), values at the bounds read, a key given twice read as its
 * last line; the keys a run writes only when used read back.
 */
static void
test_config_keys(void)
{
	static const struct {
		const char *line, *want;
	} bad[] = {
		{ "synthetic = 2\n", "synthetic" },
		{ "data_crc = 12zz\n", "data_crc" },
		{ "train_limit = -1\n", "train_limit" },
		{ "test_limit = -1\n", "test_limit" },
		{ "lr = 0\n", "lr" },
		{ "batch = 0\n", "batch" },
		{ "epochs = 0\n", "epochs" },
		{ "seed = -1\n", "seed" },
		{ "threads = -1\n", "threads" },
		{ "noise = 100.5\n", "noise" },
		{ "noise = loud\n", "noise" },
		{ "precision = fp16\n", "fp16" },
		{ "weight_decay = -1\n", "weight_decay" },
		{ "test_scales = 0,x\n", "0,x" },
		{ "seeds = 0\n", "seeds" },
		{ "weight_decays = x\n", "x" },
		{ "probes = 2\n", "probes" },
		{ "attacks = zap:1\n", "zap" },
		{ "noise_mode = sideways\n", "sideways" },
		{ "layers = 784\n", "two sizes" },
	};
	char       sub[NT_PATH_LEN], err[NT_ERR_LEN] = "", *text = NULL;
	run_config conf;
	run        r, o;
	uint8_t   *buf;
	size_t     len;
	int        na = 0;

	snprintf(sub, sizeof sub, "%s/keys", root);
	mkdir(sub, 0755);
	small_config(&conf);
	conf.cfg.precision = TRAIN_BF16;
	conf.plan.ndecays = 1;
	conf.plan.decays[0] = 1e-4f;
	conf.plan.probes = 1;
	probe_attack_parse("fgsm:0.1", conf.plan.attacks, &na,
	    PROBE_MAX_ATTACKS, err, sizeof err);
	conf.plan.nattacks = na;
	if (run_create(&r, sub, &conf, err, sizeof err) != 0) {
		ok(0, "run_create: %s", err);
		return;
	}
	ok(run_open(&o, sub, r.id, err, sizeof err) == 0 &&
	    o.conf.cfg.precision == TRAIN_BF16 && o.conf.plan.ndecays == 1 &&
	    o.conf.plan.decays[0] == 1e-4f && o.conf.plan.nattacks == 1 &&
	    o.conf.plan.attacks[0].kind == PROBE_FGSM,
	    "bf16, one decay and one attack read back: %s", err);
	{
		char path[NT_PATH_LEN + 64];

		snprintf(path, sizeof path, "%s/config.txt", r.dir);
		if (file_read(path, 1 << 20, &buf, &len, err, sizeof err) == 0)
			text = (char *)buf;
	}
	ok(text != NULL && len > 0 && text[len - 1] == '\n' &&
	    strstr(text, "\nattacks = fgsm:0.1\n") != NULL,
	    "config.txt ends its last line, the attacks, with a newline");
	free(text);

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(open_with(&r, sub, bad[i].line, &o, err, sizeof err) == -1 &&
		    one_line(err, "config.txt: line 4: ") &&
		    one_line(err, bad[i].want), "config.txt line 4 '%.*s' "
		    "refused there: '%s'", (int)strlen(bad[i].line) - 1,
		    bad[i].line, err);

	ok(open_with(&r, sub, "train_limit = 0\ntest_limit = 0\nseed = 0\n"
	    "probes = 0\nnoise = 100\n", &o, err, sizeof err) == 0 &&
	    o.conf.train_limit == 0 && o.conf.test_limit == 0 &&
	    o.conf.cfg.seed == 0 && o.conf.plan.probes == 0 &&
	    o.conf.cfg.noise == 100.0f,
	    "limits, seed and probes 0 and noise 100 read: %s", err);
	ok(open_with(&r, sub, "dropout = 0.25\nthreads = 3\n", &o, err,
	    sizeof err) == 0 && o.conf.cfg.dropout == 0.25f &&
	    o.conf.cfg.threads == 3, "dropout and threads read: %s", err);
	ok(open_with(&r, sub, "layers = 784,10\n", &o, err, sizeof err) == 0 &&
	    o.conf.cfg.nlayer == 1, "layers 784,10: one layer: %s", err);
	ok(open_with(&r, sub, "layers = 784,9,9,9,9,9,9,9,10\n", &o, err,
	    sizeof err) == 0 && o.conf.cfg.nlayer == MLP_MAX_LAYERS &&
	    o.conf.cfg.size[7] == 9, "layers of %d sizes: the most, read: %s",
	    MLP_MAX_LAYERS + 1, err);
	ok(open_with(&r, sub, "precision = bf16\nprecision = fp32\n", &o, err,
	    sizeof err) == 0 && o.conf.cfg.precision == TRAIN_FP32,
	    "precision twice: the last, fp32: %s", err);
	ok(open_with(&r, sub, "probes = 1\nattacks = fgsm:0.1\n"
	    "attacks = pgd:0.25:7\n", &o, err, sizeof err) == 0 &&
	    o.conf.plan.nattacks == 1 && o.conf.plan.attacks[0].kind ==
	    PROBE_PGD, "attacks twice: the last list alone: %s", err);
	ok(open_with(&r, sub, "scales = 0,0.5\n", &o, err, sizeof err) == 0 &&
	    !o.conf.matrix && o.conf.plan.ntest == 2 &&
	    o.conf.plan.test_scales[1] == 0.5f,
	    "no test_scales (a run from before the matrix): no matrix, the "
	    "scales tested: %s", err);
	/* run_read_config replaces the whole configuration */
	ok(open_with(&r, sub, "dataset = kmnist\n", &o, err, sizeof err) == 0 &&
	    strcmp(o.conf.dataset, "kmnist") == 0, "dataset read: %s", err);
	put_file(r.dir, "config.txt", "kind = sweep\nscales = 0\n"
	    "layers = 784,8,10\n");
	ok(run_read_config(&o, err, sizeof err) == 0 &&
	    o.conf.dataset[0] == '\0', "read again without it: none");
	run_release(&r);
}

/* A run directory's state.txt alone (no claim, as before claims were). */
static void
state_is(const char *dir, const char *text, int alive, int elsewhere,
    const char *what)
{
	char      err[NT_ERR_LEN] = "";
	run_state st;

	put_file(dir, "state.txt", text);
	ok(run_read_state(dir, &st, err, sizeof err) == 0 &&
	    st.alive == alive && st.elsewhere == elsewhere,
	    "%s: alive %d, elsewhere %d (%s)", what, st.alive, st.elsewhere,
	    err);
}

/*
 * Whether a state's writer is at work without a claim: by its pid on its
 * own host, running elsewhere on another; with a claim, by the claim.
 */
static void
test_state_owner(void)
{
	char  dir[NT_PATH_LEN], host[256] = "", text[512];
	pid_t child;

	snprintf(dir, sizeof dir, "%s/owner", root);
	mkdir(dir, 0755);
	gethostname(host, sizeof host - 1);
	snprintf(text, sizeof text, "state = running\npid = %ld\nhost = %s\n",
	    (long)getpid(), host);
	state_is(dir, text, 1, 0, "running here, its pid alive");
	snprintf(text, sizeof text, "state = running\npid = %ld\n",
	    (long)getpid());
	state_is(dir, text, 1, 0, "no host recorded: here");
	snprintf(text, sizeof text, "state = running\npid = %ld\nhost = x\n",
	    (long)getpid());
	state_is(dir, text, 0, 1, "host 'x': elsewhere");
	snprintf(text, sizeof text, "state = interrupted\npid = %ld\n"
	    "host = elsewhere.example\n", (long)getpid());
	state_is(dir, text, 0, 0, "interrupted on another host: nowhere");
	snprintf(text, sizeof text, "state = running\nhost = %s\n", host);
	state_is(dir, text, 0, 0, "no pid: not alive");
	snprintf(text, sizeof text, "state = running\npid = 1\nhost = %s\n",
	    host);
	state_is(dir, text, 1, 0, "pid 1 (always there): alive");
	if ((child = fork()) == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	snprintf(text, sizeof text, "state = running\npid = %ld\nhost = %s\n",
	    (long)child, host);
	state_is(dir, text, 0, 0, "its pid gone: not alive");
	/* the claim decides when there is one */
	put_claim(dir, "claim.txt", "node17", 4242, 0, 0);
	snprintf(text, sizeof text, "state = running\npid = %ld\nhost = %s\n",
	    (long)getpid(), host);
	state_is(dir, text, 0, 1, "a fresh claim of another host: elsewhere, "
	    "whatever the pid");
}

/* A shard's state file: state-K.txt with "shard = K\nshards = N". */
static void
put_shard(const char *dir, int k, int n, const char *state, const char *more)
{
	char name[64], text[512];

	snprintf(name, sizeof name, "state-%d.txt", k);
	snprintf(text, sizeof text, "state = %s\nrow = 1\nnrows = 2\n"
	    "shard = %d\nshards = %d\n%s", state, k, n, more);
	put_file(dir, name, text);
}

/* A fresh directory under root for one case. */
static const char *
case_dir(const char *name)
{
	static char dir[NT_PATH_LEN];

	snprintf(dir, sizeof dir, "%s/%s", root, name);
	mkdir(dir, 0755);
	return dir;
}

/*
 * Which shard files a sharded run's state comes from: from shard 1 up to
 * the last (shard 1's count), past missing ones, a first one among the
 * first 64; the run's state is a live shard's, else an unfinished one's,
 * its count shard 1's; a merged run's state.txt wins.
 */
static void
test_shard_scan(void)
{
	char       err[NT_ERR_LEN] = "";
	run_state  sh[8], st;
	const char *d;
	run        r;

	memset(sh, 0, sizeof sh);
	d = case_dir("scan-2");
	put_shard(d, 2, 2, "interrupted", "epoch = 3\n");
	ok(run_read_shards(d, sh, 8, err, sizeof err) == 1 && sh[0].shard == 2,
	    "shard 2 alone: read past the missing 1");
	ok(run_read_state(d, &st, err, sizeof err) == 0 && st.epoch == 3 &&
	    st.nshards == 2, "and the run's state is its: %s", err);
	d = case_dir("scan-past");
	put_shard(d, 1, 2, "finished", "");
	put_shard(d, 4, 4, "finished", "");
	ok(run_read_shards(d, sh, 8, err, sizeof err) == 1,
	    "of 2 shards, a state-4.txt is not read");
	d = case_dir("scan-65");
	put_shard(d, 65, 70, "finished", "");
	ok(run_read_shards(d, sh, 8, err, sizeof err) == 1,
	    "shard 65 alone is found, past 64 missing ones");
	d = case_dir("scan-66");
	put_shard(d, 66, 70, "finished", "");
	ok(run_read_shards(d, sh, 8, err, sizeof err) == 0,
	    "none of shards 1 to 65: the search stops there, before 66");
	d = case_dir("scan-70");
	put_shard(d, 1, 70, "finished", "");
	put_shard(d, 70, 70, "finished", "");
	ok(run_read_shards(d, sh, 8, err, sizeof err) == 2,
	    "of 70 shards, 1 and 70: both, past 64 missing ones");
	d = case_dir("scan-max");
	put_shard(d, 1, SWEEP_MAX_ROWS, "finished", "");
	put_shard(d, SWEEP_MAX_ROWS, SWEEP_MAX_ROWS, "finished", "");
	ok(run_read_shards(d, sh, 8, err, sizeof err) == 2 &&
	    sh[1].shard == SWEEP_MAX_ROWS, "shard %d, the last there can be, "
	    "read", SWEEP_MAX_ROWS);

	/* 65 shards: the run's state from the first 64 */
	d = case_dir("scan-65-shards");
	for (int k = 1; k <= 65; k++)
		put_shard(d, k, 65, "finished", "");
	ok(run_read_state(d, &st, err, sizeof err) == 0 && st.nshards == 65 &&
	    strcmp(st.state, "interrupted") == 0, "a run of 65 shards, all "
	    "finished: interrupted (%s)", err);
	d = case_dir("run-away");
	put_shard(d, 1, 2, "running", "host = elsewhere.example\n");
	put_shard(d, 2, 2, "interrupted", "epoch = 1\n");
	ok(run_read_state(d, &st, err, sizeof err) == 0 && st.elsewhere &&
	    strcmp(st.state, "running") == 0, "a shard running elsewhere "
	    "before an interrupted one: running elsewhere");
	d = case_dir("run-first");
	put_shard(d, 1, 2, "interrupted", "epoch = 1\n");
	put_shard(d, 2, 2, "finished", "");
	ok(run_read_state(d, &st, err, sizeof err) == 0 && st.epoch == 1 &&
	    strcmp(st.state, "interrupted") == 0 && st.shard == 0,
	    "the first shard interrupted: its state");
	d = case_dir("run-done");
	put_shard(d, 1, 2, "finished", "pid = 5\n");
	put_shard(d, 2, 2, "finished", "pid = 6\n");
	memset(&st, 0x5A, sizeof st);
	ok(run_read_state(d, &st, err, sizeof err) == 0 &&
	    strcmp(st.state, "interrupted") == 0 && st.nshards == 2 &&
	    st.pid == 0 && st.row == 0 && st.epoch == 0 && !st.alive &&
	    !st.elsewhere && st.host[0] == '\0', "every shard finished: "
	    "interrupted, no shard's pid, row or host");
	d = case_dir("run-one");
	put_shard(d, 1, 7, "finished", "");
	ok(run_read_state(d, &st, err, sizeof err) == 0 && st.nshards == 7,
	    "one shard of 7 finished: 7 shards (%d)", st.nshards);
	d = case_dir("run-count");
	put_shard(d, 1, 3, "finished", "");
	put_shard(d, 2, 5, "interrupted", "");
	ok(run_read_state(d, &st, err, sizeof err) == 0 && st.nshards == 3,
	    "the count is shard 1's, an interrupted shard's state (%d)",
	    st.nshards);
	d = case_dir("run-count2");
	put_shard(d, 1, 3, "finished", "");
	put_shard(d, 2, 5, "running", "host = elsewhere.example\n");
	ok(run_read_state(d, &st, err, sizeof err) == 0 && st.nshards == 3 &&
	    st.elsewhere, "and a running shard's (%d)", st.nshards);
	d = case_dir("run-merged");
	put_shard(d, 1, 2, "interrupted", "");
	put_file(d, "state.txt", "state = finished\n");
	ok(run_read_state(d, &st, err, sizeof err) == 0 &&
	    strcmp(st.state, "finished") == 0, "a merged run's state.txt over "
	    "its shards' files");

	/* A shard writes its own state-K.txt */
	memset(&r, 0, sizeof r);
	snprintf(r.dir, sizeof r.dir, "%s", case_dir("write-shard"));
	r.shard = 2;
	r.nshards = 3;
	ok(run_write_state(&r, "running", 1, 4, 1, 2, err, sizeof err) == 0 &&
	    run_read_shards(r.dir, sh, 8, err, sizeof err) == 1 &&
	    sh[0].shard == 2 && sh[0].nshards == 3 && sh[0].nrows == 4 &&
	    !has_file(r.dir, "state.txt"), "shard 2 of 3 writes state-2.txt");
}

/* A run's result files, each where it belongs; a failed one fails. */
static void
test_write_results(void)
{
	static const char *files[] = { "results.csv", "summary.csv",
		"matrix.csv", "probes.csv" };
	char        err[NT_ERR_LEN] = "", path[NT_PATH_LEN + 64];
	run_config  conf;
	run         r;
	sweep_table t;
	uint8_t    *buf = NULL;
	size_t      len = 0;
	int         na = 0;

	small_config(&conf);
	memset(&r, 0, sizeof r);
	snprintf(r.dir, sizeof r.dir, "%s", case_dir("results-plain"));
	sweep_table_init(&t, &conf.cfg, &conf.plan, err, sizeof err);
	ok(run_write_results(&r, &t, "src", err, sizeof err) == 0 &&
	    has_file(r.dir, "results.csv") && has_file(r.dir, "summary.csv") &&
	    has_file(r.dir, "matrix.csv") && has_file(r.dir, "results.json") &&
	    !has_file(r.dir, "probes.csv"), "a plain run: results, summary, "
	    "matrix and JSON, no probes.csv: %s", err);
	snprintf(path, sizeof path, "%s/results.csv", r.dir);
	ok(file_read(path, 1 << 20, &buf, &len, err, sizeof err) == 0 &&
	    memmem(buf, len, "val_acc", 7) != NULL &&
	    memmem(buf, len, "mean", 4) == NULL, "results.csv holds the "
	    "results, not the summary");
	free(buf);
	for (int i = 0; i < 3; i++) {
		snprintf(r.dir, sizeof r.dir, "%s/results-%d", root, i);
		mkdir(r.dir, 0755);
		snprintf(path, sizeof path, "%s/%s", r.dir, files[i]);
		mkdir(path, 0755);
		err[0] = '\0';
		ok(run_write_results(&r, &t, "src", err, sizeof err) == -1 &&
		    one_line(err, files[i]), "%s not writable: refused: '%s'",
		    files[i], err);
	}
	sweep_table_free(&t);

	conf.plan.probes = 1;
	probe_attack_parse("fgsm:0.1", conf.plan.attacks, &na,
	    PROBE_MAX_ATTACKS, err, sizeof err);
	conf.plan.nattacks = na;
	sweep_table_init(&t, &conf.cfg, &conf.plan, err, sizeof err);
	snprintf(r.dir, sizeof r.dir, "%s", case_dir("results-probes"));
	ok(run_write_results(&r, &t, "src", err, sizeof err) == 0 &&
	    has_file(r.dir, "probes.csv") && has_file(r.dir, "matrix.csv"),
	    "a probed run writes probes.csv too: %s", err);
	snprintf(r.dir, sizeof r.dir, "%s", case_dir("results-3"));
	snprintf(path, sizeof path, "%s/probes.csv", r.dir);
	mkdir(path, 0755);
	ok(run_write_results(&r, &t, "src", err, sizeof err) == -1 &&
	    one_line(err, "probes.csv"), "probes.csv not writable: refused: "
	    "'%s'", err);
	sweep_table_free(&t);
}

/* The text of file name in dir ("" when unreadable); the caller frees. */
static char *
slurp(const char *dir, const char *name)
{
	char     path[NT_PATH_LEN + 64], err[NT_ERR_LEN];
	uint8_t *buf = NULL;
	size_t   len;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (file_read(path, 1 << 20, &buf, &len, err, sizeof err) != 0)
		return strdup("");
	return (char *)buf;
}

/* A distinct number that %.17g prints in 24 characters, the longest. */
static double
long_number(int k)
{
	char   s[64];
	double v = -1e-300 * (1.0 + k / 997.0);

	while (snprintf(s, sizeof s, "%.17g", v) != 24)
		v = nextafter(v, -1.0);
	return v;
}

/*
 * Row files at their largest (16 test scales, 16 attacks, every number 24
 * characters long) read back exactly; one attack, or none; damaged row
 * files refused.
 */
static void
test_matrix_rows(void)
{
	static const char *damaged[] = { "test_acc = 1\n", "test_acc = 1,\n",
		"test_acc = 1,,\n", "sensitivity = 1,2,3,4,\n" };
	char        err[NT_ERR_LEN] = "", list[1024] = "", *text;
	run_config  conf;
	run         r;
	sweep_table t, back;
	sweep_row  *w;
	int         na = 0, good;

	small_config(&conf);
	conf.plan.ntest = SWEEP_MAX_SCALES;
	for (int j = 0; j < SWEEP_MAX_SCALES; j++)
		conf.plan.test_scales[j] = 0.125f * (float)j;
	conf.plan.probes = 1;
	for (int i = 0; i < PROBE_MAX_ATTACKS; i++)
		snprintf(list + strlen(list), sizeof list - strlen(list),
		    "%sfgsm:0.%02d", i ? "," : "", i + 1);
	probe_attack_parse(list, conf.plan.attacks, &na, PROBE_MAX_ATTACKS,
	    err, sizeof err);
	conf.plan.nattacks = na;
	memset(&r, 0, sizeof r);
	snprintf(r.dir, sizeof r.dir, "%s", case_dir("matrix-max"));
	if (na != PROBE_MAX_ATTACKS ||
	    sweep_table_init(&t, &conf.cfg, &conf.plan, err, sizeof err) ||
	    sweep_table_init(&back, &conf.cfg, &conf.plan, err, sizeof err)) {
		ok(0, "a plan of %d attacks: %s", na, err);
		return;
	}
	w = &t.rows[0];
	for (int j = 0; j < SWEEP_MAX_SCALES; j++) {
		w->test_acc[j] = long_number(4 * j);
		w->test_loss[j] = long_number(4 * j + 1);
		w->test_ece[j] = long_number(4 * j + 2);
		w->test_conf[j] = long_number(4 * j + 3);
	}
	for (int i = 0; i < PROBE_MAX_ATTACKS; i++)
		w->attack_acc[i] = long_number(100 + i);
	w->sens = (probe_sens){ long_number(200), long_number(201),
	    long_number(202), long_number(203), long_number(204) };
	good = run_write_matrix_row(&r, &t, 0, err, sizeof err) == 0 &&
	    run_read_matrix_row(&r, &back, 0, err, sizeof err) == 0 &&
	    memcmp(&back.rows[0].sens, &w->sens, sizeof w->sens) == 0 &&
	    memcmp(back.rows[0].attack_acc, w->attack_acc,
	    PROBE_MAX_ATTACKS * sizeof(double)) == 0;
	for (int j = 0; good && j < SWEEP_MAX_SCALES; j++)
		good = back.rows[0].test_acc[j] == w->test_acc[j] &&
		    back.rows[0].test_loss[j] == w->test_loss[j] &&
		    back.rows[0].test_ece[j] == w->test_ece[j] &&
		    back.rows[0].test_conf[j] == w->test_conf[j];
	text = slurp(r.dir, "row-0.txt");
	ok(good && strlen(text) > 85 * 25, "the largest row file (%zu bytes) "
	    "reads back exactly: %s", strlen(text), err);
	free(text);
	sweep_table_free(&t);
	sweep_table_free(&back);

	small_config(&conf);
	conf.plan.probes = 1;
	na = 0;
	probe_attack_parse("pgd:0.25:7", conf.plan.attacks, &na,
	    PROBE_MAX_ATTACKS, err, sizeof err);
	conf.plan.nattacks = na;
	sweep_table_init(&t, &conf.cfg, &conf.plan, err, sizeof err);
	sweep_table_init(&back, &conf.cfg, &conf.plan, err, sizeof err);
	t.rows[1].attack_acc[0] = 1.0 / 7;
	ok(run_write_matrix_row(&r, &t, 1, err, sizeof err) == 0 &&
	    run_read_matrix_row(&r, &back, 1, err, sizeof err) == 0 &&
	    back.rows[1].attack_acc[0] == 1.0 / 7, "one attack of two test "
	    "scales reads back: %s", err);
	t.plan.nattacks = 0;
	text = run_write_matrix_row(&r, &t, 0, err, sizeof err) == 0 ?
	    slurp(r.dir, "row-0.txt") : strdup("");
	ok(strstr(text, "sensitivity = ") != NULL &&
	    strstr(text, "attack_acc") == NULL, "probes without attacks: no "
	    "attack_acc line");
	free(text);
	for (size_t i = 0; i < sizeof damaged / sizeof damaged[0]; i++) {
		put_file(r.dir, "row-0.txt", damaged[i]);
		err[0] = '\0';
		ok(run_read_matrix_row(&r, &back, 0, err, sizeof err) != 0 &&
		    one_line(err, "row-0.txt"), "row file '%.*s' refused: '%s'",
		    (int)strlen(damaged[i]) - 1, damaged[i], err);
	}
	{
		char path[NT_PATH_LEN + 64];

		snprintf(path, sizeof path, "%s/row-0.txt", r.dir);
		unlink(path);
		mkdir(path, 0755);
		err[0] = '\0';
		ok(run_read_matrix_row(&r, &back, 0, err, sizeof err) == -1 &&
		    one_line(err, "row-0.txt"), "a row file that cannot be "
		    "read: '%s'", err);
	}
	sweep_table_free(&t);
	sweep_table_free(&back);
}

/* A run directory whose path is 4050 bytes long, near PATH_MAX: its state
 * and row files are read all the same. */
static void
test_long_dir(void)
{
	char        dir[NT_PATH_LEN], err[NT_ERR_LEN] = "";
	run_config  conf;
	run         r;
	run_state   st;
	sweep_table t, back;

	snprintf(dir, sizeof dir, "%s", root);
	while (strlen(dir) < 4050) {
		size_t n = strlen(dir), k = 4050 - n - 1 < 200 ? 4050 - n - 1 :
		    200;

		dir[n] = '/';
		memset(dir + n + 1, 'd', k);
		dir[n + 1 + k] = '\0';
		mkdir(dir, 0755);
	}
	put_file(dir, "state.txt", "state = interrupted\nepoch = 2\n");
	ok(run_read_state(dir, &st, err, sizeof err) == 0 && st.epoch == 2,
	    "a state file %zu bytes deep read: %s", strlen(dir) + 10, err);
	small_config(&conf);
	memset(&r, 0, sizeof r);
	snprintf(r.dir, sizeof r.dir, "%s", dir);
	sweep_table_init(&t, &conf.cfg, &conf.plan, err, sizeof err);
	sweep_table_init(&back, &conf.cfg, &conf.plan, err, sizeof err);
	t.rows[0].test_acc[1] = 0.75;
	ok(run_write_matrix_row(&r, &t, 0, err, sizeof err) == 0 &&
	    run_read_matrix_row(&r, &back, 0, err, sizeof err) == 0 &&
	    back.rows[0].test_acc[1] == 0.75, "and a row file: %s", err);
	sweep_table_free(&t);
	sweep_table_free(&back);
}

/* The set's name goes into config.txt so that resume loads the same set;
 * a run from before it has none and reads back "". */
static void
test_dataset_key(void)
{
	run_config conf;
	run        r, o;
	char       err[NT_ERR_LEN] = "", path[NT_PATH_LEN + 16];
	uint8_t   *text = NULL;
	size_t     len = 0;

	small_config(&conf);
	snprintf(conf.dataset, sizeof conf.dataset, "kmnist");
	ok(run_create(&r, root, &conf, err, sizeof err) == 0 &&
	    run_open(&o, root, r.id, err, sizeof err) == 0 &&
	    strcmp(o.conf.dataset, "kmnist") == 0,
	    "config.txt records the set: '%s' (%s)", o.conf.dataset, err);
	snprintf(path, sizeof path, "%s/config.txt", r.dir);
	ok(file_read(path, 1 << 20, &text, &len, err, sizeof err) == 0 &&
	    memmem(text, len, "\ndataset = kmnist\n", 18) != NULL,
	    "as 'dataset = kmnist'");
	free(text);
	run_release(&r);
	small_config(&conf);
	ok(run_create(&r, root, &conf, err, sizeof err) == 0 &&
	    run_open(&o, root, r.id, err, sizeof err) == 0 &&
	    o.conf.dataset[0] == '\0', "a run without one reads back none");
	run_release(&r);
}

/* The data set axis in config.txt: the sets, each one's place, source,
 * checksum and sizes read back; a set of the axis without its keys, or
 * an unknown set, is refused with the file named. */
static void
test_dataset_axis(void)
{
	run_config *conf = calloc(1, sizeof *conf);
	run        *r = calloc(1, sizeof *r), *o = calloc(1, sizeof *o);
	run_data    x;
	char        err[NT_ERR_LEN] = "", path[NT_PATH_LEN + 16];
	uint8_t    *text = NULL;
	size_t      len = 0;

	if (conf == NULL || r == NULL || o == NULL) {
		ok(0, "out of memory");
		goto out;
	}
	small_config(conf);
	conf->plan.ndatasets = 2;
	conf->plan.datasets[0] = DATASET_FASHION;
	conf->plan.datasets[1] = DATASET_KMNIST;
	conf->data_of[DATASET_FASHION] = (run_data){ "/d/fashion",
	    "Fashion-MNIST (/d/fashion)", 0xdeadbeef, 600, 100 };
	conf->data_of[DATASET_KMNIST] = (run_data){ "/d/k mnist",
	    "KMNIST (/d/k mnist)", 0x12345678, 500, 90 };
	ok(run_create(r, root, conf, err, sizeof err) == 0 &&
	    run_open(o, root, r->id, err, sizeof err) == 0 &&
	    o->conf.plan.ndatasets == 2 && o->conf.plan.datasets[0] ==
	    DATASET_FASHION && o->conf.plan.datasets[1] == DATASET_KMNIST,
	    "config.txt records the sets in order (%s)", err);
	run_config_data(&o->conf, 1, &x);
	ok(strcmp(x.dir, "/d/k mnist") == 0 && strcmp(x.source,
	    "KMNIST (/d/k mnist)") == 0 && x.crc == 0x12345678 &&
	    x.train_n == 500 && x.test_n == 90, "set 2: its place, source, "
	    "checksum and sizes read back");
	run_config_data(&o->conf, 0, &x);
	ok(x.crc == 0xdeadbeef && x.train_n == 600, "set 1's too");
	snprintf(path, sizeof path, "%s/config.txt", r->dir);
	ok(file_read(path, 1 << 20, &text, &len, err, sizeof err) == 0 &&
	    memmem(text, len, "\ndatasets = fashion,kmnist\n", strlen(
	    "\ndatasets = fashion,kmnist\n")) != NULL && memmem(text, len,
	    "\ndata_crc.kmnist = 12345678\n", strlen(
	    "\ndata_crc.kmnist = 12345678\n")) != NULL,
	    "as 'datasets = fashion,kmnist' and 'data_crc.kmnist = ...'");
	run_release(r);
	/* no source for the second set */
	conf->data_of[DATASET_KMNIST].source[0] = '\0';
	ok(run_create(r, root, conf, err, sizeof err) == 0 &&
	    run_open(o, root, r->id, err, sizeof err) == -1 && strstr(err,
	    "config.txt") != NULL && strstr(err, "source.kmnist") != NULL,
	    "a set without its keys: '%s'", err);
	run_release(r);
	/* a run without the axis: its one set */
	small_config(conf);
	conf->data_crc = 0xabcdef01;
	ok(run_create(r, root, conf, err, sizeof err) == 0 &&
	    run_open(o, root, r->id, err, sizeof err) == 0 &&
	    o->conf.plan.ndatasets == 0, "a run without the axis reads back "
	    "none");
	run_config_data(&o->conf, 0, &x);
	ok(x.crc == 0xabcdef01 && strcmp(x.source, conf->source) == 0,
	    "and its one set is the run's data");
	run_release(r);
out:
	free(text);
	free(conf);
	free(r);
	free(o);
}

int
main(void)
{
	char cmd[NT_PATH_LEN + 16];

	if (mkdtemp(root) == NULL) {
		printf("1..0 # skip no temporary directory\n");
		return 0;
	}
	test_create_record_restore();
	test_dataset_key();
	test_dataset_axis();
	test_names();
	test_grid_config();
	test_probe_config();
	test_corrupt();
	test_claims();
	test_shards();
	test_config_keys();
	test_state_owner();
	test_shard_scan();
	test_write_results();
	test_matrix_rows();
	test_long_dir();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		diag("could not remove %s", root);
	return tap_done();
}
