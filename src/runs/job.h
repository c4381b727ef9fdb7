#ifndef NOISETOP_JOB_H
#define NOISETOP_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "runs/checkpoint.h"
#include "runs/eta.h"
#include "data/dataset.h"
#include "engine/mlp.h"
#include "runs/run.h"
#include "engine/sweep.h"
#include "engine/train.h"

/*
 * The job layer: what both front ends (the headless printer and the
 * dashboard's worker) train.  A job is a kind, the table of rows to train,
 * the run directory it records into and, for a resumed job, where its
 * first unfinished row continues.  The run configuration, the resume
 * checks, the model from a checkpoint and "where it stopped" are defined
 * here once; a new job kind or run field is added here.
 */
typedef enum {
	JOB_NONE,
	JOB_TRAIN,    /* one model at one scale */
	JOB_COMPARE,  /* clean (0) against noisy (s) */
	JOB_SWEEP,    /* every scale of the plan */
} job_kind;

typedef struct {
	job_kind     kind;
	sweep_table  table;      /* the rows, owned */
	run          rec;        /* the run directory; rec.conf its config */
	int          recording;  /* rec was created or opened */
	checkpoint   ck;         /* a resumed job's checkpoint, owned */
	train_resume from;       /* points into ck when resuming */
	int          resuming;   /* from applies to row resume_row */
	int          resume_row; /* the first part-trained row (ck's) */
	checkpoint  *rowck;      /* NULL, or table.n checkpoints: those of
	                            the other part-trained rows (param NULL
	                            for the rest), owned; a run trained with
	                            --jobs N stops with up to N such rows */
	/* Rows trained side by side (job_lanes): how many at once, on how
	 * many OpenMP threads each (0: the caller's), and each one's threads
	 * bound to its share of the cores.  Zeroed: one at a time. */
	int          njobs, job_threads, total_threads, bind;
	int          shard, nshards;  /* this process's rows: shard k of n
	                                 (sweep_in_shard); 0 or 1: all */
	char         run_id[256];     /* the run's name ("" : from the time);
	                                 set before job_record */
	const char  *command;         /* the command line that made it, for
	                                 its origin.txt (run_origin.h), or
	                                 NULL (the dashboard); the caller's,
	                                 read by job_record */
	/* The estimate of the time left (eta.h): a probe of this machine the
	 * caller may give before job_run (probed 1), and the measurements
	 * job_run takes of every event it records, owned. */
	eta_probe    probe;
	int          probed;
	eta_tracker *eta;
} job;

/* "train", "compare", "sweep"; "none" for JOB_NONE. */
const char *job_kind_name(job_kind kind);

/* The kind a run's config names; JOB_SWEEP for any other name, as runs
 * have always been read. */
job_kind job_kind_parse(const char *name);

/*
 * The rows a job of kind trains over the given scales: TRAIN scales[0],
 * COMPARE 0 and scales[0], SWEEP every scale (n of them, at most
 * SWEEP_MAX_SCALES), into rows (SWEEP_MAX_SCALES entries).  Returns the
 * count, or -1 with a message in err (no scale to train).
 */
int job_scales(job_kind kind, const float *scales, int n, float *rows,
    char *err, size_t errlen);

/*
 * A new job of kind over grid: its scales become the rows of job_scales,
 * its other parts (seeds, corruptions, test scales, noise mode) are kept,
 * and test scales left empty (ntest 0) default to the rows' scales.
 * j is uninitialised; the job records nothing until
 * job_record().  Returns 0, or -1 with a message in err (no scale, out of
 * memory); free with job_free() either way.
 */
int job_new(job *j, job_kind kind, const train_config *cfg,
    const sweep_plan *grid, char *err, size_t errlen);

/*
 * Create j's run directory under root (an existing runs root), or join it
 * (j->run_id, a shard), its config filled from ds (crc: run_data_crc(ds),
 * which callers may have cached; with the data set axis ds holds the
 * plan's sets in its order, crc the first's), claimed for this process:
 * the whole run, or its shard; its origin.txt records j->command, this
 * machine and j's threads (call job_lanes first).  Returns 0, or -1 with
 * a message (j then records nothing),
 * which names the holder when another process holds the run or shard.
 */
int job_record(job *j, const char *root, const dataset *ds, uint32_t crc,
    char *err, size_t errlen);

/*
 * Open run name under root (NULL or "": the newest interrupted one) to
 * read it (plot, the dashboard's viewer): j is uninitialised, and gets the
 * run and its kind but no rows yet (check the data, then job_restore).
 * Claims nothing: to write the run, open it with job_open_resume.  Returns
 * 0, or -1 with a message; free with job_free() either way.
 */
int job_open(job *j, const char *root, const char *name, char *err,
    size_t errlen);

/*
 * Claim run j opened by job_open for this process, to write it: shard
 * j->shard of j->nshards when nshards > 1, else the whole run.  Call it
 * before job_restore, so that what is restored is what no other process is
 * changing.  A stale claim is taken over, and j->rec.claim.note says so.
 * Returns 0, or -1 with a message naming the process that holds the run
 * ("run R is being trained by pid 4242 on node17, seen 12 s ago: ...").
 * job_free() gives the claim up.
 */
int job_claim(job *j, char *err, size_t errlen);

/*
 * Open run name under root (NULL or "": the newest interrupted one) to
 * resume it: job_open, then shard K of N when nshards > 1 (j->shard and
 * j->nshards set), then job_claim, before anything of the run is read but
 * its config.  Returns 0, or -1 with a message (job_open's or
 * job_claim's); free with job_free() either way.
 */
int job_open_resume(job *j, const char *root, const char *name, int shard,
    int nshards, char *err, size_t errlen);

/*
 * Rebuild an opened job's rows from its checkpoints (run_restore), with
 * from set where the first unfinished row stopped.  Returns 0, or -1 with
 * a message naming the bad file.
 */
int job_restore(job *j, char *err, size_t errlen);

/*
 * Memory one row in training needs beyond what is loaded: its model and
 * gradients, Adam's two moments, a checkpoint's copy of the three, its
 * corrupted training and test images, the batch order, and the GEMM's
 * packing buffers of threads threads.  Bytes.
 */
size_t job_row_bytes(const train_config *cfg, const dataset *ds,
    int threads);

/*
 * Memory this process may still use: MemAvailable of /proc/meminfo, or
 * the cgroup's memory.max less its memory.current when lower (a Slurm
 * task).  Bytes, or 0 when unknown.
 */
size_t job_mem_available(void);

/* Threads one row gets by default when rows train side by side: the
 * products of a batch of 128 keep every thread's share a whole
 * micro-tile up to about 8 (docs/performance.md). */
#define JOB_ROW_THREADS 8

/*
 * How the rows of j (new or resumed, its shard's) train: jobs at once (0:
 * the default, total / per or total / JOB_ROW_THREADS, at least 1, at
 * most what memory holds), on per threads each (0: total split between
 * them, the first ones getting the remainder), out of total threads (0:
 * omp_get_max_threads(): every core, or OMP_NUM_THREADS), never more jobs
 * than rows left.
 * bind: each job's threads stay on its share of the cores (base/topo.h),
 * unless bind is 0, one job trains, the cores make one group (one socket,
 * one L3: nothing to keep a row in), or OMP_PLACES or OMP_PROC_BIND is
 * set (then OpenMP places them).  Sets j->njobs, j->job_threads,
 * j->total_threads and j->bind.  Returns 0, or -1 with a one-line message
 * when the jobs asked for would not fit in job_mem_available() (checked
 * before anything trains).
 */
int job_lanes(job *j, const dataset *ds, int jobs, int per, int total,
    int bind, char *err, size_t errlen);

/*
 * The time left of j's rows (its shard's) and the time since job_run
 * started, as of the last event job_run recorded (eta_left, on j->njobs
 * lanes): for a front end's progress callback.  mid < 0 when unknown.
 */
void job_eta(const job *j, eta_range *out);

/*
 * Where row `row` of restored job j continues from: &j->from for
 * j->resume_row, another part-trained row's checkpoint (described into
 * *buf, pointing into j->rowck), or NULL when it starts afresh.
 */
const train_resume *job_row_from(const job *j, int row, train_resume *buf);

/* 1 when every row of the job is done: nothing is left to resume. */
int job_finished(const job *j);

/* 1 when every row of the job's shard is done (all rows when unsharded). */
int job_shard_finished(const job *j);

/*
 * Load the data run r was trained on (its directory, or the synthetic
 * digits of its seed) into ds (zeroed), and check it by its checksum;
 * with the data set axis, each of its sets into ds[0..ndatasets-1]
 * (ds then has room for SWEEP_MAX_DATASETS).  Returns 0, or -1 with a
 * message (ds may hold data: dataset_free each).
 */
int job_load_data(const run *r, dataset *ds, char *err, size_t errlen);

/* "scale 1 (2 of 2), epoch 1/4": the first row of t not done. */
void job_stopped_at(const sweep_table *t, char *out, size_t outlen);

/*
 * The model of run r's last row of t with a finished epoch, rebuilt from
 * that row's checkpoint (checkpoint_into_model) when it fits the run's
 * shapes and DATASET_NPIX inputs; *scale gets the row's scale.  Returns the model (caller frees
 * with mlp_free), or NULL with a message.
 */
mlp *job_model(const run *r, const sweep_table *t, float *scale, char *err,
    size_t errlen);

/*
 * The model of row `row` of run r from its checkpoint (ckpt-ROW.bin),
 * whatever epoch it reached; *scale gets the scale the checkpoint says it
 * was trained at.  Returns the model (caller frees with mlp_free), or NULL
 * with a message naming the file.
 */
mlp *job_model_row(const run *r, int row, float *scale, char *err,
    size_t errlen);

/*
 * The reliability diagram of row `row` of run r (table t) at test scale
 * test_scale: its model from its checkpoint (job_model_row) on the test
 * images of ds (job_load_data's) corrupted as the sweep corrupts them
 * for that row (its corruption and seed, the fixed draw), binned by
 * probe_reliability_bins into *out.  At one of the plan's test scales
 * out->total.ece is the row's recorded test_ece.  Returns 0, or -1 with a
 * message (no such row, no checkpoint, out of memory).
 */
int job_reliability(const run *r, const sweep_table *t, int row,
    float test_scale, const dataset *ds, probe_reliability *out, char *err,
    size_t errlen);

/* ---- the lifecycle: what both front ends call ---- */

/* How job_run left the job's run. */
typedef enum {
	JOB_DONE,     /* every row (of its shard) trained; the run is
	                 finished (a shard's run merged when it was last) */
	JOB_STOPPED,  /* the front end stopped it (a cancel, a signal):
	                 interrupted, resumable */
	JOB_UNSAVED,  /* its run could not be recorded (a full disk, its
	                 directory removed): interrupted at its last saved
	                 epoch, where that still exists */
	JOB_FAILED,   /* training failed */
} job_outcome;

/*
 * What job_run tells its front end: each progress event of the sweep,
 * after the run recorded it.  A nonzero return stops the job at the next
 * batch boundary.
 */
typedef int (*job_progress_fn)(const sweep_progress *p, void *user);

typedef struct {
	job_outcome outcome;
	char        err[NT_ERR_LEN];   /* FAILED, UNSAVED: why */
	int         gone;              /* UNSAVED: the run was removed or
	                                  taken over (run_lost), not a
	                                  full disk: err says which */
	char        save_err[NT_ERR_LEN];  /* the run's last files could not
	                                      be written ("" when they were) */
} job_result;

/*
 * Train job j (new and recorded, or resumed) on ds (its plan's sets, in
 * order, with the data set axis: sweep_run): every pending row of
 * its shard, recording each progress event into its run directory when
 * it records one, then calling fn (may be NULL).  With j->njobs > 1,
 * that many rows train at once, each on its own thread (the caller's is
 * one) with j->job_threads OpenMP threads, taking the rows in grid order;
 * each row's bits are those of one at a time.  Recording and fn are then
 * called under one lock, one event at a time, and fn sees the events of
 * several rows interleaved (sweep_progress.row says whose; every row in
 * training is SWEEP_RUNNING with its sweep_row.live); ctl's paused hook
 * is called under that lock too, by one thread at a time.  At the end the
 * run is marked finished or interrupted, and its results written.  ctl
 * (may be NULL) pauses and cancels; model (may be NULL) receives the
 * model of the last row (in grid order) trained here when the job is DONE
 * (caller frees).  Returns res->outcome.
 */
job_outcome job_run(job *j, const dataset *ds, train_control *ctl,
    job_progress_fn fn, void *user, mlp **model, job_result *res);

/* Keep j's claim on its run fresh while it waits (a paused job makes no
 * progress events to renew it); a lost claim shows at the next record. */
void job_keep_claim(job *j);

/* Where job_resume stopped, for the front end's wording. */
typedef enum {
	JOB_AT_OPEN,     /* no such run, or not readable */
	JOB_AT_DATA,     /* trained on other data, or its data is gone */
	JOB_AT_CLAIM,    /* another process holds the run (or shard) */
	JOB_AT_RESTORE,  /* a checkpoint or row file is bad */
} job_step;

/*
 * Reopen run name under root (NULL or "": the newest interrupted one) to
 * continue it as shard/nshards (nshards 0 or 1: the whole run): j is
 * uninitialised.  The data: when have is not NULL, the run must have been
 * trained on the first images of have (its limits and checksum; a run
 * over several data sets never is: an error saying so; have_crc
 * is run_data_crc(have), or 0 to compute it), and *ds becomes a view of
 * them sharing have's arrays (never dataset_free it); else the run's own
 * data is loaded into ds (zeroed, room for SWEEP_MAX_DATASETS sets: the
 * run's sets with the data set axis; caller frees each with
 * dataset_free).
 * Then its rows and checkpoint are restored.  A shard found finished
 * merges the run when every shard is.  Returns 1 when there is something
 * left to train, 0 when the run (or shard) is already finished, -1 with a
 * message and *step saying where it stopped.  Free j with job_free()
 * whatever it returns.
 */
int job_resume(job *j, const char *root, const char *name, int shard,
    int nshards, const dataset *have, uint32_t have_crc, dataset *ds,
    job_step *step, char *err, size_t errlen);

/*
 * Was a run of config c trained on the first images of ds?  view then
 * holds them (sharing ds's arrays) and 1 is returned.  ds_crc is
 * run_data_crc(ds), or 0 to compute it when needed.
 */
int job_data_fits(const run_config *c, const dataset *ds, uint32_t ds_crc,
    dataset *view);

/* The first train_n and test_n (0: all) images of ds, sharing its
 * arrays (never dataset_free the view). */
void job_data_view(const dataset *ds, size_t train_n, size_t test_n,
    dataset *view);

/* Frees what j owns (table, checkpoint) and gives up its run's claim, so
 * a job that ends, finished or interrupted, leaves none; accepts a zeroed
 * job. */
void job_free(job *j);

#endif
