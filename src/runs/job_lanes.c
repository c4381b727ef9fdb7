/*
 * Rows side by side: a job's rows trained N at a time, each on its own
 * thread with its own OpenMP team, and the memory and cores that takes.
 */
#include "runs/job_priv.h"

#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/topo.h"

size_t
job_row_bytes(const train_config *cfg, const dataset *ds, int threads)
{
	size_t nparam = 0, act = 0;

	for (int l = 0; l < cfg->nlayer; l++) {
		nparam += (size_t)cfg->size[l] * cfg->size[l + 1] +
		    (size_t)cfg->size[l + 1];
		act += (size_t)cfg->size[l + 1];
	}
	/*
	 * Weights and gradients, Adam's m and v, a checkpoint's copy of
	 * weights, m and v (written or read), bf16 copies of the weights;
	 * activations, their gradients and dropout masks of a batch; the
	 * noisy images; the epoch's order; the packing buffers (about 1.3 MB
	 * a thread, kernels/gemm_kern.h's MC, KC, NC).
	 */
	return nparam * sizeof(float) * 7 + nparam * 2 +
	    act * (size_t)cfg->batch * sizeof(float) * 4 +
	    (ds->train.n + ds->test.n) * DATASET_NPIX * sizeof(float) +
	    ds->train.n * sizeof(size_t) + sizeof(train_result) +
	    (size_t)(threads > 0 ? threads : 1) * (2u << 20);
}

/* The first number after key in /proc/meminfo's text, in kB; 0 if none. */
static size_t
meminfo_kb(const char *key)
{
	FILE  *f = fopen("/proc/meminfo", "r");
	char   line[256];
	size_t kb = 0, n = strlen(key);

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, key, n) == 0) {
			kb = strtoull(line + n, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

/* A cgroup v2 file's number; 0 when missing or "max". */
static size_t
cgroup_bytes(const char *name)
{
	char               path[128];
	FILE              *f;
	unsigned long long v = 0;

	snprintf(path, sizeof path, "/sys/fs/cgroup/%s", name);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(f, "%llu", &v) != 1)
		v = 0;
	fclose(f);
	return (size_t)v;
}

size_t
job_mem_available(void)
{
	size_t avail = meminfo_kb("MemAvailable:") * 1024;
	size_t max = cgroup_bytes("memory.max");
	size_t cur = cgroup_bytes("memory.current");

	if (max > 0 && max > cur && (avail == 0 || max - cur < avail))
		avail = max - cur;
	return avail;
}

/* Rows of j's shard not done. */
static int
rows_left(const job *j)
{
	int n = 0;

	for (int i = 0; i < j->table.n; i++)
		n += j->table.rows[i].state != SWEEP_DONE &&
		    sweep_in_shard(i, j->shard, j->nshards);
	return n;
}

int
job_lanes(job *j, const dataset *ds, int jobs, int per, int total, int bind,
    char *err, size_t errlen)
{
	size_t avail = job_mem_available(), row;
	int    left = rows_left(j), asked = jobs;

	if (total <= 0)
		total = omp_get_max_threads();
	if (jobs <= 0)
		jobs = total / (per > 0 ? per : JOB_ROW_THREADS);
	if (jobs > left)
		jobs = left;
	if (jobs < 1)
		jobs = 1;
	row = job_row_bytes(&j->table.cfg, ds, per > 0 ? per :
	    (total + jobs - 1) / jobs);
	if (avail > 0 && (size_t)jobs * row > avail) {
		int fit = (int)(avail / row);

		if (asked > 0)
			return err_set(err, errlen, "--jobs %d needs about %.1f GB "
			    "(%.0f MB a row: its model, Adam state and noisy "
			    "images), and %.1f GB is available: use --jobs %d",
			    jobs, (double)jobs * row / 1e9, row / 1e6,
			    avail / 1e9, fit > 1 ? fit : 1);
		jobs = fit > 1 ? fit : 1;
	}
	j->njobs = jobs;
	j->job_threads = per;
	j->total_threads = total;
	/*
	 * Bound only where there is a group to keep a row in: on one L3 (a
	 * small VM) binding gains no locality and takes from the scheduler
	 * the freedom to move a row off a core another process holds.
	 */
	j->bind = 0;
	if (bind && jobs > 1 && getenv("OMP_PLACES") == NULL &&
	    getenv("OMP_PROC_BIND") == NULL) {
		topo *t = malloc(sizeof *t);
		char  terr[NT_ERR_LEN];

		j->bind = t != NULL && topo_read(t, NULL, terr,
		    sizeof terr) == 0 && t->ngroup > 1;
		free(t);
	}
	return 0;
}

/* ---- training the rows ---- */

struct lanes;

/* One thread's share: its own control (the caller's pause and cancel
 * mirrored into it), its buffers, and the model of its last row. */
struct lane {
	struct lanes *all;
	int           k;
	pthread_t     th;
	train_control ctl;
	train_control *use;        /* what it trains with: ctl, or the
	                              caller's own when it is the only lane */
	sweep_lane    buf;
	mlp          *model;
	int           model_row;   /* the row model is of, -1: none */
	int           threads;     /* its team's size now */
	int           done;        /* it took its last row */
	int           failed;
	char          err[NT_ERR_LEN];
};

/* What the lanes share; everything but the constants under lock. */
struct lanes {
	job            *j;
	const dataset  *ds;
	train_control  *ctl;       /* the caller's, may be NULL */
	sweep_callback  cb;
	void           *user;
	pthread_mutex_t lock;
	int             next;      /* rows before it are taken */
	int             stop;      /* no lane takes another row */
	int             n;
	int             active;    /* lanes not done */
	struct lane    *lane;
	topo           *topo;      /* where to bind, NULL: nowhere */
};

/* The caller's pause and cancel into l's control; under the lock. */
static void
mirror(struct lane *l)
{
	const train_control *c = l->all->ctl;

	if (c == NULL || l->use == c)
		return;
	atomic_store(&l->ctl.pause, atomic_load(&c->pause));
	if (atomic_load(&c->cancel))
		atomic_store(&l->ctl.cancel, 1);
}

/* Every lane stops at its next batch and takes no other row; under the
 * lock. */
static void
stop_all(struct lanes *a)
{
	a->stop = 1;
	for (int k = 0; k < a->n; k++)
		atomic_store(&a->lane[k].ctl.cancel, 1);
}

/* Lane k's share of the threads when `active` lanes train: at least
 * one (more lanes than threads share the cores). */
static int
share(const job *j, int k, int active)
{
	int t = j->total_threads / active + (k < j->total_threads % active);

	return t > 0 ? t : 1;
}

/*
 * When lanes have run out of rows, the ones still training take over
 * their threads at their next event (training is the same bits on any
 * team size), so the sweep's last rows do not leave cores idle.  Not when
 * the size was given (--threads-per-job) or the lanes are bound to their
 * cores.  Called on the lane's own thread, between batches.
 */
static void
regrow(struct lane *l)
{
	struct lanes *a = l->all;
	int           k = 0, want;

	if (a->n == 1 || a->j->job_threads > 0 || a->topo != NULL ||
	    a->active >= a->n || a->active < 1)
		return;
	for (int i = 0; i < l->k; i++)
		k += !a->lane[i].done;
	want = share(a->j, k, a->active);
	if (want != l->threads) {
		omp_set_num_threads(want);
		l->threads = l->buf.threads = want;
	}
}

/* Each event to the job's callback (under the lock when lanes share the
 * table); a stop from it stops every lane. */
static int
lane_progress(const sweep_progress *p, void *user)
{
	struct lane  *l = user;
	struct lanes *a = l->all;
	int           rc;

	mirror(l);
	regrow(l);
	rc = a->cb != NULL ? a->cb(p, a->user) : 0;
	if (rc != 0 && !a->stop)
		stop_all(a);
	return rc != 0 || a->stop;
}

/* While a lane is paused: the caller's hook, one lane at a time. */
static void
lane_paused(void *user)
{
	struct lane  *l = user;
	struct lanes *a = l->all;

	pthread_mutex_lock(&a->lock);
	if (a->ctl != NULL && a->ctl->paused != NULL)
		a->ctl->paused(a->ctl->paused_user);
	mirror(l);
	pthread_mutex_unlock(&a->lock);
}

/* The next row for lane l in grid order, or -1 when none is left or the
 * job stops; under the lock. */
static int
take_row(struct lanes *a, struct lane *l)
{
	const job *j = a->j;

	mirror(l);
	if (a->stop || atomic_load(&l->use->cancel))
		return -1;
	while (a->next < j->table.n &&
	    (j->table.rows[a->next].state == SWEEP_DONE ||
	    !sweep_in_shard(a->next, j->shard, j->nshards)))
		a->next++;
	return a->next < j->table.n ? a->next++ : -1;
}

/* Train rows until none is left or the job stops. */
static void
lane_rows(struct lane *l)
{
	struct lanes *a = l->all;
	job          *j = a->j;

	for (;;) {
		train_resume        buf;
		const train_resume *from;
		int                 i, rc;

		pthread_mutex_lock(&a->lock);
		i = take_row(a, l);
		if (i < 0) {
			l->done = 1;
			a->active--;
		}
		pthread_mutex_unlock(&a->lock);
		if (i < 0)
			return;
		from = job_row_from(j, i, &buf);
		rc = sweep_run_row(&j->table, i, a->ds, &l->buf, from, l->use,
		    lane_progress, l, a->n > 1 ? &a->lock : NULL, &l->model,
		    l->err, sizeof l->err);
		if (rc >= 0 && l->model != NULL)
			l->model_row = i;
		if (rc != 0) {
			pthread_mutex_lock(&a->lock);
			l->failed = rc < 0;
			l->done = 1;
			a->active--;
			stop_all(a);
			pthread_mutex_unlock(&a->lock);
			return;
		}
	}
}

/* A lane's thread: its cores, its team's size, then its rows. */
static void *
lane_main(void *arg)
{
	struct lane  *l = arg;
	struct lanes *a = l->all;
	const job    *j = a->j;
	char          err[NT_ERR_LEN];

	if (a->topo != NULL)
		topo_bind_self(a->topo, l->k, a->n, err, sizeof err);
	l->threads = l->buf.threads = j->job_threads > 0 ? j->job_threads :
	    share(j, l->k, a->n);
	omp_set_num_threads(l->threads);
	lane_rows(l);
	return NULL;
}

/* Set up the lanes' shared part and each lane.  Returns 0, or -1 with a
 * message (out of memory). */
static int
lanes_open(struct lanes *a, int n, char *err, size_t errlen)
{
	char terr[NT_ERR_LEN];

	a->n = a->active = n;
	if ((a->lane = calloc((size_t)n, sizeof *a->lane)) == NULL)
		return err_set(err, errlen, "out of memory");
	pthread_mutex_init(&a->lock, NULL);
	for (int k = 0; k < n; k++) {
		struct lane *l = &a->lane[k];

		l->all = a;
		l->k = k;
		l->model_row = -1;
		atomic_init(&l->ctl.cancel, 0);
		atomic_init(&l->ctl.pause, 0);
		l->ctl.paused = lane_paused;
		l->ctl.paused_user = l;
		/* One lane: the caller's control itself, so that a cancel
		 * also ends a test point's wait, as it always has. */
		l->use = n == 1 && a->ctl != NULL ? a->ctl : &l->ctl;
		if (sweep_lane_init(&l->buf, a->ds, sweep_plan_ndatasets(
		    &a->j->table.plan), err, errlen) != 0)
			return -1;
	}
	if (a->j->bind && (a->topo = malloc(sizeof *a->topo)) != NULL &&
	    topo_read(a->topo, NULL, terr, sizeof terr) != 0) {
		free(a->topo);
		a->topo = NULL;
	}
	return 0;
}

static void
lanes_close(struct lanes *a)
{
	for (int k = 0; a->lane != NULL && k < a->n; k++) {
		sweep_lane_free(&a->lane[k].buf);
		mlp_free(a->lane[k].model);
	}
	free(a->lane);
	free(a->topo);
	pthread_mutex_destroy(&a->lock);
}

int
job_train_rows(job *j, const dataset *ds, train_control *ctl,
    sweep_callback cb, void *user, mlp **model, char *err, size_t errlen)
{
	struct lanes a = { .j = j, .ds = ds, .ctl = ctl, .cb = cb,
	    .user = user };
	int          n = j->njobs > 1 ? j->njobs : 1, started = 0, rc = 0;
	int          last = -1;

	*model = NULL;
	if (lanes_open(&a, n, err, errlen) != 0) {
		lanes_close(&a);
		return -1;
	}
	if (n == 1) {
		/* One row at a time, in the caller's thread and team. */
		if (j->job_threads > 0) {
			omp_set_num_threads(j->job_threads);
			a.lane[0].buf.threads = j->job_threads;
		}
		lane_rows(&a.lane[0]);
	} else {
		for (; started < n; started++)
			if (pthread_create(&a.lane[started].th, NULL, lane_main,
			    &a.lane[started]) != 0)
				break;
		if (started == 0)
			lane_rows(&a.lane[0]);   /* no thread: one at a time */
		for (int k = 0; k < started; k++)
			pthread_join(a.lane[k].th, NULL);
	}
	j->table.current = -1;
	for (int k = 0; k < n; k++) {
		struct lane *l = &a.lane[k];

		if (l->failed && rc == 0) {
			rc = err_set(err, errlen, "%s", l->err);
		}
		if (l->model != NULL && l->model_row > last) {
			last = l->model_row;
			mlp_free(*model);
			*model = l->model;
			l->model = NULL;
		}
	}
	lanes_close(&a);
	return rc;
}
