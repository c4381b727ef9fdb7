/* The dashboard's worker thread on a tiny synthetic data set and net:
 * jobs, refusal while busy, snapshots, predictions, pause, cancel, free;
 * run directories: recorded, interrupted, shown, resumed, refused. */
#include "worker/worker.h"

#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "runs/run.h"
#include "tap.h"

/* Digits as bright bands: image i of label k lights rows 2k and 2k+1. */
static void
make_split(dataset_split *s, size_t n, unsigned seed)
{
	s->n = n;
	s->pix = calloc(n, DATASET_NPIX);
	s->label = malloc(n);
	for (size_t i = 0; i < n; i++) {
		int k = (int)((i * 7 + seed) % 10);

		s->label[i] = (uint8_t)k;
		for (int c = 0; c < DATASET_SIDE; c++) {
			s->pix[i * DATASET_NPIX + (2 * k) * DATASET_SIDE + c] = 200;
			s->pix[i * DATASET_NPIX + (2 * k + 1) * DATASET_SIDE + c] =
			    (uint8_t)(100 + (i + (size_t)c) % 100);
		}
	}
}

/* Wait until a job held at its test point has written path (polling every
 * 10 ms), or the timeout; 1 if it is there. */
static int
wait_stop_file(const char *path, double timeout)
{
	struct timespec ms10 = { 0, 10 * 1000 * 1000 };
	double          end = clock_now() + timeout;

	while (access(path, F_OK) != 0 && clock_now() < end)
		nanosleep(&ms10, NULL);
	return access(path, F_OK) == 0;
}

/* Wait (polling the self-pipe) until done(snapshot) or the timeout. */
static int
wait_for(worker *w, worker_snapshot *s, int (*done)(const worker_snapshot *),
    double timeout)
{
	double end = clock_now() + timeout;

	for (;;) {
		struct pollfd pfd = { worker_fd(w), POLLIN, 0 };

		worker_snapshot_copy(w, s);
		if (done(s))
			return 1;
		if (clock_now() > end)
			return 0;
		if (poll(&pfd, 1, 100) > 0)
			worker_drain(w);
	}
}

static int
limited_done(const worker_snapshot *s)
{
	return s->st.state == WORKER_DONE && s->st.train_n == 256 &&
	    s->table.n == 3 && sweep_table_finished(&s->table);
}

static int
one_epoch_done(const worker_snapshot *s)
{
	return s->st.state == WORKER_DONE && s->st.job == JOB_TRAIN &&
	    s->table.n == 1 && s->table.rows[0].nhist == 1;
}

static int
row0_kept_running(const worker_snapshot *s)
{
	return s->st.state == WORKER_RUNNING && s->st.have_model &&
	    s->st.model_row == 0 && strcmp(s->st.model_run, s->st.run_id) == 0;
}

static int
row0_kept(const worker_snapshot *s)
{
	return s->st.have_model && s->st.model_row == 0;
}

static int
probed(const worker_snapshot *s)
{
	return s->st.have_probe && s->st.probe.train_img > 0.0 &&
	    s->st.probe.eval_img > 0.0 && s->st.probe.ckpt > 0.0;
}

static int
finished(const worker_snapshot *s)
{
	return s->st.state != WORKER_RUNNING && s->st.state != WORKER_IDLE;
}

static int
progressing(const worker_snapshot *s)
{
	return s->st.state == WORKER_RUNNING && s->st.batch > 0;
}

static int
paused(const worker_snapshot *s)
{
	return s->st.paused;
}

static int
loaded(const worker_snapshot *s)
{
	return s->st.state == WORKER_LOADED;
}

static int
one_epoch(const worker_snapshot *s)
{
	return s->st.state == WORKER_RUNNING && s->table.n > 0 &&
	    s->table.rows[0].nhist >= 1;
}

static const char *want_text;

/* The message says want_text, and nothing is running. */
static int
said(const worker_snapshot *s)
{
	return strstr(s->st.message, want_text) != NULL;
}

static size_t want_index;

static int
answered(const worker_snapshot *s)
{
	return s->st.probs_valid && s->st.probs_index == want_index;
}

static int
has_file(const char *dir, const char *name)
{
	char        path[4400];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return stat(path, &st) == 0 && st.st_size > 0;
}

static int
state_is(const char *dir, const char *want)
{
	run_state st;
	char      err[512];

	return run_read_state(dir, &st, err, sizeof err) == 0 &&
	    strcmp(st.state, want) == 0;
}

/* Data lines of a run's results.csv (one per row and epoch). */
static int
csv_epochs(const char *dir)
{
	char  path[4400], line[512];
	FILE *f;
	int   n = 0;

	snprintf(path, sizeof path, "%s/results.csv", dir);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		n += line[0] >= '0' && line[0] <= '9';
	fclose(f);
	return n;
}

/* Same metrics, epoch by epoch (the seconds differ, of course). */
static int
same_history(const sweep_table *a, const sweep_table *b)
{
	if (a->n != b->n)
		return 0;
	for (int i = 0; i < a->n; i++) {
		if (a->rows[i].nhist != b->rows[i].nhist ||
		    a->rows[i].state != b->rows[i].state)
			return 0;
		for (int e = 0; e < a->rows[i].nhist; e++) {
			const train_epoch *x = &a->rows[i].hist[e];
			const train_epoch *y = &b->rows[i].hist[e];

			if (x->acc != y->acc || x->loss != y->loss ||
			    x->val_acc != y->val_acc || x->val_loss != y->val_loss)
				return 0;
		}
	}
	return 1;
}

static void
rm_tree(const char *root)
{
	char cmd[4400];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		diag("could not remove %s", root);
}

/*
 * Runs on disk with a net big enough that a 6-epoch, two-scale sweep
 * takes a while: interrupted after its first epoch, shown by a new
 * worker, resumed to the same history as an uninterrupted sweep, refused
 * on other data.
 */
static void
test_runs(const char *root)
{
	static worker_snapshot ref, s;
	static sweep_table     want;
	dataset      ds, other;
	train_config cfg;
	worker      *w;
	char         err[256], msg[512], id[256], dir[4096];
	const float  scales[2] = { 0.0f, 1.0f };

	memset(&ds, 0, sizeof ds);
	make_split(&ds.train, 2048, 1);
	make_split(&ds.test, 256, 4);
	strcpy(ds.source, "bands");
	memset(&other, 0, sizeof other);
	make_split(&other.train, 2048, 1);
	make_split(&other.test, 256, 4);
	other.train.pix[100] ^= 1;  /* one pixel differs */
	strcpy(other.source, "bands, altered");
	train_config_default(&cfg);
	cfg.nlayer = 2;
	cfg.size[0] = DATASET_NPIX;
	cfg.size[1] = 64;
	cfg.size[2] = 10;
	cfg.batch = 64;
	cfg.epochs = 6;
	cfg.threads = 1;

	w = worker_new(&ds, root, err, sizeof err);
	if (!ok(w != NULL, "runs: worker_new")) {
		diag("%s", err);
		return;
	}
	/* The reference: the same sweep, never interrupted. */
	worker_start(w, JOB_SWEEP, &cfg, scales, 2, msg, sizeof msg);
	ok(wait_for(w, &ref, finished, 120) && ref.st.state == WORKER_DONE,
	    "runs: reference sweep done (%s)", ref.st.message);
	sweep_table_copy(&want, &ref.table);

	/*
	 * The same again, paused after the first finished epoch, then
	 * cancelled: the run stays interrupted with that epoch on disk.  It
	 * waits at a test point before epoch 2 (testpoint.h) until the
	 * cancel, so no machine is fast enough to finish first.
	 */
	setenv("NOISETOP_TEST_STOP", "1:2:0", 1);
	worker_start(w, JOB_SWEEP, &cfg, scales, 2, msg, sizeof msg);
	ok(wait_for(w, &s, one_epoch, 60), "runs: second sweep finishes an "
	    "epoch");
	worker_toggle_pause(w);
	worker_cancel(w);
	ok(wait_for(w, &s, finished, 30) && s.st.state == WORKER_CANCELLED,
	    "runs: cancelled (%s)", s.st.message);
	unsetenv("NOISETOP_TEST_STOP");
	snprintf(id, sizeof id, "%s", s.st.run_id);
	snprintf(dir, sizeof dir, "%s", s.st.run_dir);
	ok(id[0] != '\0' && strcmp(id, ref.st.run_id) != 0 &&
	    strstr(s.st.message, dir) != NULL && strstr(s.st.message, "r resumes"),
	    "runs: a run of its own, named in the message");
	ok(state_is(dir, "interrupted") && has_file(dir, "ckpt-0.bin"),
	    "runs: state interrupted, checkpoint of row 0 kept");
	worker_free(w);

	/* A new dashboard shows it, and resumes it. */
	w = worker_new(&ds, root, err, sizeof err);
	worker_snapshot_free(&s);
	memset(&s, 0, sizeof s);
	worker_load_latest(w);
	ok(wait_for(w, &s, loaded, 20) && strcmp(s.st.run_id, id) == 0 &&
	    s.st.run_resumable && s.table.n == 2 && s.table.rows[0].nhist >= 1 &&
	    s.st.have_sweep && s.sweep.rows[0].nhist == s.table.rows[0].nhist,
	    "runs: start-up shows the interrupted run (%s)", s.st.message);
	ok(strstr(s.st.run_note, "interrupted at scale") != NULL,
	    "runs: noted as interrupted: %s", s.st.run_note);
	ok(s.st.have_model && s.st.model_scale == 0.0f &&
	    s.st.model_job == JOB_SWEEP && s.test_n == 256,
	    "runs: the model of its last epoch is rebuilt");
	ok(worker_resume(w, NULL, msg, sizeof msg) == 0, "runs: resume asked");
	ok(worker_start(w, JOB_TRAIN, &cfg, scales, 1, msg,
	    sizeof msg) != 0, "runs: no second job while resuming");
	want_text = "resumed run";
	ok(wait_for(w, &s, said, 30) && strstr(s.st.message, id) != NULL &&
	    strstr(s.st.message, "epoch") != NULL,
	    "runs: says which run and where: %s", s.st.message);
	ok(wait_for(w, &s, finished, 120) && s.st.state == WORKER_DONE &&
	    strcmp(s.st.run_id, id) == 0, "runs: resumed sweep done (%s)",
	    s.st.message);
	ok(same_history(&s.table, &want),
	    "runs: resumed history equals the uninterrupted one");
	ok(state_is(dir, "finished") && csv_epochs(dir) == 12 &&
	    has_file(dir, "ckpt-1.bin"),
	    "runs: state finished, 12 epochs in results.csv");
	ok(s.st.have_model && s.st.model_scale == 1.0f,
	    "runs: the resumed job's model is kept");
	worker_resume(w, id, msg, sizeof msg);
	want_text = "already finished";
	ok(wait_for(w, &s, said, 10) && !worker_busy(w),
	    "runs: a finished run is not resumed: %s", s.st.message);
	worker_resume(w, NULL, msg, sizeof msg);
	want_text = "nothing resumed";
	ok(wait_for(w, &s, said, 10) && !worker_busy(w),
	    "runs: nothing to resume: %s", s.st.message);

	/* Interrupted by quitting (worker_free) mid-job. */
	worker_start(w, JOB_COMPARE, &cfg, scales + 1, 1, msg,
	    sizeof msg);
	ok(wait_for(w, &s, progressing, 30) && s.st.job == JOB_COMPARE,
	    "runs: compare runs");
	snprintf(id, sizeof id, "%s", s.st.run_id);
	snprintf(dir, sizeof dir, "%s", s.st.run_dir);
	worker_free(w);
	ok(state_is(dir, "interrupted") && has_file(dir, "config.txt") &&
	    has_file(dir, "results.csv"),
	    "runs: freeing the worker mid-job leaves the run interrupted");
	ok(!has_file(dir, "claim.txt"), "runs: and gives its claim up");

	/* Another host trains it now (a fresh claim of node17): r refuses,
	 * naming that host, and writes nothing. */
	{
		char  path[4200];
		FILE *f;

		snprintf(path, sizeof path, "%s/claim.txt", dir);
		if ((f = fopen(path, "w")) != NULL) {
			fprintf(f, "host = node17\npid = 4242\nstart = 0\n"
			    "since = 1000000000\n");
			fclose(f);
		}
		w = worker_new(&ds, root, err, sizeof err);
		worker_resume(w, id, msg, sizeof msg);
		want_text = "not resumed";
		ok(wait_for(w, &s, said, 30) && !worker_busy(w) &&
		    strstr(s.st.message, "pid 4242 on node17") != NULL &&
		    state_is(dir, "interrupted") && has_file(dir, "claim.txt"),
		    "runs: r of a run another host trains is refused: %s",
		    s.st.message);
		worker_free(w);
		unlink(path);
	}

	/* Other data: shown, but not resumed. */
	w = worker_new(&other, root, err, sizeof err);
	worker_snapshot_free(&s);
	memset(&s, 0, sizeof s);
	worker_load_latest(w);
	ok(wait_for(w, &s, loaded, 20) && strcmp(s.st.run_id, id) == 0 &&
	    !s.st.run_resumable && strstr(s.st.run_note, "other data") != NULL,
	    "runs: a run on other data is shown as such: %s", s.st.run_note);
	ok(!s.st.have_model, "runs: and its model is not used");
	worker_resume(w, NULL, msg, sizeof msg);
	want_text = "not resumed: it was trained on other data";
	ok(wait_for(w, &s, said, 30) && strstr(s.st.message, id) != NULL &&
	    !worker_busy(w) && state_is(dir, "interrupted"),
	    "runs: refused on other data: %s", s.st.message);
	worker_free(w);

	/* Without a runs root nothing is recorded or resumed. */
	w = worker_new(&ds, NULL, err, sizeof err);
	ok(worker_resume(w, NULL, msg, sizeof msg) != 0,
	    "runs: no root, no resume: %s", msg);
	worker_free(w);

	worker_snapshot_free(&ref);
	sweep_table_free(&want);
	worker_snapshot_free(&s);
	dataset_free(&ds);
	dataset_free(&other);
}

int
main(void)
{
	static worker_snapshot s;
	dataset      ds;
	train_config cfg;
	worker      *w;
	char         err[256], msg[256];
	float        half = 0.5f;
	const float  scales[3] = { 0.0f, 1.0f, 2.0f };
	double       t0;
	char         root[] = "/tmp/noisetop-test-worker-XXXXXX", dir[4096];

	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	/* Where a job held at a test point says so (testpoint.h). */
	snprintf(dir, sizeof dir, "%s/stop", root);
	setenv("NOISETOP_TEST_STOP_FILE", dir, 1);

	memset(&ds, 0, sizeof ds);
	make_split(&ds.train, 512, 0);
	make_split(&ds.test, 128, 3);
	strcpy(ds.source, "synthetic");
	train_config_default(&cfg);
	cfg.nlayer = 2;
	cfg.size[0] = DATASET_NPIX;
	cfg.size[1] = 32;
	cfg.size[2] = 10;
	cfg.batch = 32;
	cfg.epochs = 2;
	cfg.threads = 1;

	w = worker_new(&ds, root, err, sizeof err);
	if (!ok(w != NULL, "worker_new")) {
		diag("%s", err);
		return tap_done();
	}
	worker_snapshot_copy(w, &s);
	ok(s.st.state == WORKER_IDLE && !s.st.have_model, "idle with no model");

	ok(worker_start(w, JOB_TRAIN, &cfg, &half, 1, msg,
	    sizeof msg) == 0, "train job starts");
	ok(worker_start(w, JOB_SWEEP, &cfg, scales, 3, msg,
	    sizeof msg) != 0 && strstr(msg, "running") != NULL,
	    "a second job is refused: %s", msg);
	ok(worker_busy(w), "busy while the job runs");
	ok(wait_for(w, &s, finished, 60), "train job finishes");
	ok(s.st.state == WORKER_DONE && s.st.job == JOB_TRAIN,
	    "state done, job train (%s)", s.st.message);
	ok(s.table.n == 1 && s.table.rows[0].state == SWEEP_DONE &&
	    s.table.rows[0].nhist == 2 && s.table.rows[0].scale == 0.5f,
	    "snapshot table: one row, two epochs at 0.5");
	ok(s.st.have_model && s.st.model_scale == 0.5f && s.test_n == 128 &&
	    s.test_pred != NULL && s.test_conf != NULL,
	    "model kept, test-set predictions published");
	ok(fabs(s.st.model_acc - s.table.rows[0].hist[1].val_acc) < 1e-9,
	    "prediction accuracy equals the last validation (%.4f)",
	    s.st.model_acc);
	ok(!worker_busy(w), "idle after the job");
	ok(s.st.run_dir[0] != '\0' && strstr(s.st.message, s.st.run_dir) != NULL,
	    "the message names the run directory: %s", s.st.message);
	ok(has_file(s.st.run_dir, "config.txt") && has_file(s.st.run_dir,
	    "results.csv") && has_file(s.st.run_dir, "results.json") &&
	    has_file(s.st.run_dir, "ckpt-0.bin") && csv_epochs(s.st.run_dir) == 2,
	    "run directory: config, results (2 epochs), checkpoint");
	ok(state_is(s.st.run_dir, "finished"), "run state finished");

	want_index = 5;
	worker_predict(w, 1, 5, 0.5f, cfg.seed);
	ok(wait_for(w, &s, answered, 10), "one-image prediction answered");
	{
		float sum = 0.0f;
		int   arg = 0;

		for (int c = 0; c < DATASET_NCLASS; c++) {
			sum += s.st.probs[c];
			if (s.st.probs[c] > s.st.probs[arg])
				arg = c;
		}
		ok(fabsf(sum - 1.0f) < 1e-4f, "probabilities sum to 1");
		ok(arg == s.test_pred[5] &&
		    fabsf(s.st.probs[arg] - s.test_conf[5]) < 1e-5f,
		    "same class and confidence as the test-set pass");
	}

	/* A new dashboard on the same runs root rebuilds that model from
	 * the run's checkpoint: the same predictions, bit for bit. */
	{
		static worker_snapshot s2;
		worker *w2 = worker_new(&ds, root, err, sizeof err);

		worker_load_latest(w2);
		ok(wait_for(w2, &s2, loaded, 20) && s2.st.have_model &&
		    s2.st.model_scale == 0.5f && s2.st.model_job == JOB_TRAIN &&
		    s2.st.model_acc == s.st.model_acc,
		    "start-up load keeps the run's model (%s)", s2.st.message);
		ok(s2.test_n == s.test_n && s2.test_pred != NULL &&
		    s2.test_conf != NULL &&
		    memcmp(s2.test_pred, s.test_pred, s.test_n) == 0 &&
		    memcmp(s2.test_conf, s.test_conf,
		    s.test_n * sizeof *s.test_conf) == 0,
		    "its test-set predictions equal the first worker's");
		want_index = 5;
		worker_predict(w2, 1, 5, 0.5f, cfg.seed);
		ok(wait_for(w2, &s2, answered, 10) &&
		    memcmp(s2.st.probs, s.st.probs, sizeof s.st.probs) == 0,
		    "and it answers a one-image prediction the same way");
		worker_free(w2);
		worker_snapshot_free(&s2);
	}

	/* A long compare, held at a test point in its second epoch: pause
	 * stops progress, cancel stops the job. */
	cfg.epochs = 200;
	setenv("NOISETOP_TEST_STOP", "1:2:1", 1);
	ok(worker_start(w, JOB_COMPARE, &cfg, &half, 1, msg,
	    sizeof msg) == 0, "compare job starts");
	ok(wait_for(w, &s, progressing, 30), "compare makes progress");
	ok(s.table.n == 2 && s.table.rows[0].scale == 0.0f &&
	    s.table.rows[1].scale == 0.5f, "compare trains 0 and 0.5");
	ok(worker_toggle_pause(w) == 1, "pause");
	ok(wait_for(w, &s, paused, 5), "snapshot says paused");
	t0 = clock_now();
	worker_cancel(w);
	ok(wait_for(w, &s, finished, 10), "cancel stops a paused job");
	diag("cancel took %.0f ms", (clock_now() - t0) * 1e3);
	ok(s.st.state == WORKER_CANCELLED && s.st.model_scale == 0.5f &&
	    s.st.model_job == JOB_TRAIN,
	    "cancelled; the kept model is still the train job's");

	/* A sweep on the first images only; then a finished row's model
	 * selected from its checkpoint; then the probe of the form. */
	{
		sweep_plan p;
		int        epochs = cfg.epochs;

		cfg.epochs = 2;

		sweep_plan_default(&p, scales, 3);
		p.ntest = 0;
		unsetenv("NOISETOP_TEST_STOP");
		ok(worker_start_limited(w, JOB_SWEEP, &cfg, &p, 256, 64,
		    msg, sizeof msg) == 0, "a sweep on 256/64 images starts");
		ok(wait_for(w, &s, limited_done, 60) &&
		    s.st.train_n == 256 && s.st.test_n == 64 &&
		    s.table.n == 3, "it finishes on 256/64 images (%zu/%zu)",
		    s.st.train_n, s.st.test_n);
		ok(s.st.model_row == 2 && s.st.model_scale == 2.0f &&
		    strcmp(s.st.model_run, s.st.run_id) == 0,
		    "the last row's model is kept, named by its run");
		worker_select(w, 0);
		ok(wait_for(w, &s, row0_kept, 30) && s.st.model_scale == 0.0f &&
		    strcmp(s.st.model_run, s.st.run_id) == 0 &&
		    s.test_pred != NULL, "worker_select(0): row 0's model, "
		    "from its checkpoint, with its predictions");
		worker_probe(w, &cfg);
		ok(wait_for(w, &s, probed, 30), "worker_probe times a few "
		    "training epochs (%.2g s an image), their evaluation "
		    "(%.2g s) and a checkpoint (%.2g s)", s.st.probe.train_img,
		    s.st.probe.eval_img, s.st.probe.ckpt);
		cfg.epochs = epochs;
	}

	/* Paused time is not training time: a one-epoch job held at its
	 * test point, paused there, let go, and resumed 0.3 s later (it
	 * cannot move meanwhile, whatever the machine's speed). */
	{
		struct timespec ms300 = { 0, 300 * 1000 * 1000 };
		char   stopf[4200];
		int    epochs = cfg.epochs;

		snprintf(stopf, sizeof stopf, "%s/stop", root);
		cfg.epochs = 1;
		setenv("NOISETOP_TEST_STOP", "1:1:2", 1);
		ok(worker_start(w, JOB_TRAIN, &cfg, &half, 1, msg,
		    sizeof msg) == 0, "a one-epoch job starts");
		ok(wait_stop_file(stopf, 300), "it waits at its test point");
		worker_toggle_pause(w);
		unlink(stopf);
		nanosleep(&ms300, NULL);
		worker_toggle_pause(w);
		ok(wait_for(w, &s, one_epoch_done, 30) &&
		    s.st.elapsed - s.table.rows[0].hist[0].seconds >= 0.28,
		    "the epoch's %.2f s leave out the 0.3 s paused (job %.2f s)",
		    s.table.rows[0].nhist ? s.table.rows[0].hist[0].seconds :
		    -1.0, s.st.elapsed);
		unsetenv("NOISETOP_TEST_STOP");
		cfg.epochs = epochs;
	}

	/* During a sweep, a finished row's model can be selected: asked
	 * while row 1 waits at its test point, loaded between its batches. */
	{
		char   stopf[4200];
		int    epochs = cfg.epochs;

		snprintf(stopf, sizeof stopf, "%s/stop", root);
		cfg.epochs = 200;
		setenv("NOISETOP_TEST_STOP", "2:1:2", 1);
		ok(worker_start(w, JOB_SWEEP, &cfg, scales, 3, msg,
		    sizeof msg) == 0, "a long sweep starts");
		ok(wait_stop_file(stopf, 300), "row 1 waits at its test point");
		worker_snapshot_copy(w, &s);
		worker_select(w, 0);
		unlink(stopf);
		ok(wait_for(w, &s, row0_kept_running, 30) &&
		    s.st.model_scale == 0.0f && s.table.current == 1,
		    "row 0's model is selected while row 1 trains");
		worker_cancel(w);
		ok(wait_for(w, &s, finished, 30), "and the sweep is cancelled");
		unsetenv("NOISETOP_TEST_STOP");
		cfg.epochs = epochs;
	}

	setenv("NOISETOP_TEST_STOP", "1:2:2", 1);
	ok(worker_start(w, JOB_SWEEP, &cfg, scales, 3, msg,
	    sizeof msg) == 0, "sweep starts after a cancel");
	ok(wait_for(w, &s, progressing, 30) && s.st.have_sweep &&
	    s.sweep.n == 3 && s.sweep.current == 0,
	    "sweep snapshot shows the running row");
	snprintf(dir, sizeof dir, "%s", s.st.run_dir);
	t0 = clock_now();
	worker_free(w);
	diag("free while training took %.0f ms", (clock_now() - t0) * 1e3);
	ok(clock_now() - t0 < 5.0, "worker_free cancels and joins a running job");
	ok(state_is(dir, "interrupted"), "its run is left interrupted");
	worker_snapshot_free(&s);
	dataset_free(&ds);
	rm_tree(root);

	if (mkdtemp(strcpy(root, "/tmp/noisetop-test-worker-XXXXXX")) != NULL) {
		test_runs(root);
		rm_tree(root);
	}
	(void)skip_all;
	return tap_done();
}
