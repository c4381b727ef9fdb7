#ifndef NOISETOP_WORKER_H
#define NOISETOP_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "data/dataset.h"
#include "runs/job.h"
#include "engine/probe.h"
#include "runs/results.h"
#include "runs/run.h"
#include "runs/runlist.h"
#include "engine/sweep.h"
#include "engine/train.h"

/*
 * The background thread of the dashboard.  It owns the training jobs and
 * the last trained model; the UI thread only starts, pauses and cancels
 * jobs, asks for predictions, and copies snapshots.  After every progress
 * callback the worker publishes a snapshot under its mutex and writes a
 * byte to a self-pipe, whose read end (worker_fd) the UI polls with stdin.
 * Nothing here knows about ncurses.
 *
 * Given a runs root, every job records a run directory as the headless
 * jobs do (run.h): created at the start, checkpoint, results and state
 * after every epoch, marked finished or interrupted at the end (a cancel,
 * a quit or a signal leaves it interrupted and resumable).  All of that
 * disk work happens on the worker thread.
 */
typedef struct worker worker;

typedef enum {
	WORKER_IDLE,       /* no job yet */
	WORKER_RUNNING,
	WORKER_DONE,       /* the last job finished */
	WORKER_CANCELLED,  /* the last job was cancelled; finished rows kept */
	WORKER_FAILED,     /* the last job failed: see message */
	WORKER_LOADED,     /* no job yet: a run read from disk is shown */
} worker_state;

/* Receptive fields the weights view shows per model. */
#define WORKER_FIELDS 16

/* A run's final val accuracy by scale, overlaid in the chart. */
typedef results_finals worker_overlay;

/*
 * The status part of a snapshot: plain data (numbers and fixed strings),
 * so a copy is one struct assignment and no field can be forgotten.
 */
typedef struct {
	uint64_t     version;     /* grows with every publication */
	worker_state state;
	job_kind     job;         /* the running or last job */
	int          paused, cancelling;
	int          have_sweep;  /* the snapshot's sweep holds the last
	                             JOB_SWEEP */

	/* Live progress of the running row (table.current). */
	int    epoch, epochs, batch, batches;
	double acc, loss;          /* running means of the epoch so far */
	double epoch_seconds;      /* elapsed in this epoch */
	double sec_per_epoch;      /* measured, or estimated from the batches */
	double eta;                /* seconds left in the job, < 0 unknown */
	double eta_lo, eta_hi;     /* its range (runs/eta.h); equal to eta
	                              once enough is measured */
	double elapsed;            /* seconds since the job started */
	char   message[512];       /* last event, for the status line */

	/* The run directory of the running or last job, or of the run
	 * shown when state is WORKER_LOADED; run_id "" when none. */
	char   run_id[256];
	char   run_dir[NT_PATH_LEN];
	char   run_note[256];      /* LOADED: "finished", "interrupted at
	                              scale 1 (2 of 2), epoch 1/2" */
	int    run_resumable;      /* LOADED: unfinished, on this data */

	/* The kept model: the last job's last row, once it finished (or the
	 * loaded run's last trained row, see worker_load_latest()). */
	int        have_model;
	float      model_scale;
	uint64_t   model_seed;      /* its row's seed and corruption */
	corrupt_family model_corruption;
	job_kind   model_job;
	double     model_acc;       /* its accuracy on the noisy test set */
	int        model_row;       /* its row in its run's table */
	char       model_run[256];  /* that run's id, "" when not recorded */

	/* The images the shown job trains on (its limits): the first
	 * train_n and test_n of the data. */
	size_t train_n, test_n;

	/* This machine's costs measured by worker_probe() (runs/eta.h), for
	 * the form's estimate; have_probe 0 until one arrives. */
	eta_probe probe;
	int       have_probe;

	/* The answer to the last worker_predict(): class probabilities of one
	 * image at one preview scale. */
	int    probs_valid;
	int    probs_split;
	size_t probs_index;
	float  probs_scale;
	float  probs[DATASET_NCLASS];

	/* The same image's predicted class at other scales (the ladder's),
	 * from the last worker_predict_ladder(). */
	int     ladder_valid;
	int     ladder_split;
	size_t  ladder_index;
	int     ladder_n;
	float   ladder_scale[SWEEP_MAX_SCALES];
	uint8_t ladder_pred[SWEEP_MAX_SCALES];

	/* The first layer's receptive fields for the weights view: [0] the
	 * kept model's, [1] the clean row's (scale 0, the same seed, decay
	 * and corruption) when the shown run has one and it is another
	 * row: nfields[k] units with the largest weight norm, in that order
	 * (their fields are the snapshot's fields[k]); fields_max the
	 * largest |weight| of all, the shared scale. */
	int    nfields[2];
	int    field_unit[2][WORKER_FIELDS];
	float  field_norm[2][WORKER_FIELDS];
	float  fields_scale[2];
	uint64_t fields_seed[2];
	float  fields_max;

	/* The kept model's reliability diagram on its run's test images at
	 * test scale calib_scale (worker_calibrate()); calib_gen is the
	 * pred_gen of the model it is of. */
	int               calib_valid;
	float             calib_scale;
	uint64_t          calib_gen;
	probe_reliability calib;

	/* The runs chosen in the browser to overlay (worker_overlay()). */
	int            noverlay;
	worker_overlay overlay[2];
} worker_status;

/*
 * What the UI draws from: a copy taken under the worker's mutex.  The
 * tables and prediction arrays are owned by the copy (zero it before the
 * first worker_snapshot_copy, release it with worker_snapshot_free).
 */
typedef struct {
	worker_status st;
	sweep_table   table;      /* the running or last job's rows */
	sweep_table   sweep;      /* the last sweep (st.have_sweep) */

	/* The kept model's prediction and confidence for its run's own test
	 * images (the first test_n: the run's limit) at the model's own
	 * noise, as its last validation drew them, so its accuracy here is
	 * that validation's: replaced when pred_gen changes. */
	uint64_t pred_gen;
	size_t   test_n;
	uint8_t *test_pred;
	float   *test_conf;

	/* The receptive fields (st.nfields), WORKER_FIELDS x DATASET_NPIX
	 * floats per model, replaced when fields_gen changes. */
	uint64_t fields_gen;
	float   *fields[2];

	/* The run browser's list (worker_list_runs()), replaced when
	 * runs_gen changes. */
	uint64_t       runs_gen;
	int            nruns;
	runlist_entry *runs;
} worker_snapshot;

/*
 * Start the worker thread for ds (not owned; it must outlive the worker).
 * runs_root is an existing runs directory (run_root() resolves one) that
 * every job records into, or NULL to record nothing.  The thread starts
 * with every signal blocked, so signals reach the UI thread.  Returns NULL
 * with a message in err when the thread or the pipe cannot be made.  Free
 * with worker_free().
 */
worker *worker_new(const dataset *ds, const char *runs_root, char *err,
    size_t errlen);

/*
 * Cancel any job, join the thread, free everything (NULL is fine).  A job
 * cancelled this way has its run marked interrupted (its finished epochs
 * are on disk) before this returns.
 */
void worker_free(worker *w);

/* How many rows a job trains at once (--jobs; 0: job_lanes' default),
 * from the next job on. */
void worker_set_jobs(worker *w, int jobs);

/* The read end of the self-pipe: readable when a snapshot was published.
 * Call worker_drain() after it polls readable. */
int  worker_fd(const worker *w);
void worker_drain(worker *w);

/*
 * Start a job with cfg (cfg.noise is ignored: the scales say it).  TRAIN
 * uses scales[0]; COMPARE trains 0 and scales[0]; SWEEP every scale given
 * (n of them).  Returns 0 when started, or -1 with the reason in msg (a
 * job is already running, no scales).
 */
int worker_start(worker *w, job_kind job, const train_config *cfg,
    const float *scales, int n, char *msg, size_t msglen);

/* The same over a whole grid: grid's scales as above, and its seeds,
 * corruptions, test scales and noise mode (ntest 0: the rows' scales). */
int worker_start_plan(worker *w, job_kind job, const train_config *cfg,
    const sweep_plan *grid, char *msg, size_t msglen);

/*
 * worker_start_plan on the first train_n and test_n images of the worker's
 * data only (0: all of them; more than there are: all).  The run records
 * those limits and the checksum of those images.
 */
int worker_start_limited(worker *w, job_kind job, const train_config *cfg,
    const sweep_plan *grid, size_t train_n, size_t test_n, char *msg,
    size_t msglen);

/*
 * Show run name under the runs root (NULL: as worker_load_latest) as
 * WORKER_LOADED, with its model when it fits the worker's data (a run on
 * the first N images of it fits too).  Returns 0 when asked, -1 when a job
 * runs or runs are not recorded (nothing happens).
 */
int worker_load(worker *w, const char *name);

/*
 * Make row `row` of the shown table's model the kept one: rebuilt on the
 * worker thread from the row's checkpoint in the shown run's directory
 * (also while a job trains, between batches: the finished rows of a sweep
 * can be selected), with its test-set predictions; model_row and
 * model_run then name it.  The outcome is in a later snapshot's message.
 */
void worker_select(worker *w, int row);

/*
 * Show the newest run under the runs root that no live process is
 * writing: the worker thread reads it (run_open, run_restore) and
 * publishes its table with state WORKER_LOADED, unless a job was started
 * meanwhile.  When the checkpoint of its last row with a finished epoch
 * fits (the run's shapes, the worker's data), that model becomes the kept
 * one, with its test-set predictions, as if its job had just finished.
 * Nothing happens without a runs root or a readable run.
 */
void worker_load_latest(worker *w);

/*
 * Continue a run in the background: name is a run under the root (or a
 * directory), NULL or "" the newest interrupted one.  The worker thread
 * opens it, refuses it (with a message naming the run) when it was trained
 * on other data than the worker's dataset (by run_data_crc) or is already
 * finished, else restores its table and checkpoint and trains the rest,
 * recording into the same directory.  Returns 0 when asked (the outcome
 * arrives in snapshots), or -1 with the reason in msg (a job is running,
 * runs are not recorded).
 */
int worker_resume(worker *w, const char *name, char *msg, size_t msglen);

/* Ask the running job to stop within one batch (no-op when idle). */
void worker_cancel(worker *w);

/* Pause or resume the running job; returns the new paused state. */
int worker_toggle_pause(worker *w);

/* Is a job running (including paused and being cancelled)? */
int worker_busy(worker *w);

/*
 * Ask for the kept model's class probabilities of image index of split
 * (0 train, 1 test) with noise of the given scale (seed from the last
 * job's configuration).  The answer arrives in a later snapshot (probs_*);
 * while a job trains it is computed between batches.  No-op without a
 * model.
 */
void worker_predict(worker *w, int split, size_t index, float scale,
    uint64_t seed);

/*
 * worker_predict, and the same image's predicted class at each of n
 * scales (at most SWEEP_MAX_SCALES) of family's corruption (sweep_corrupt,
 * with seed) into ladder_* (255: that scale is out of the family's
 * range).  No-op without a model.
 */
void worker_predict_ladder(worker *w, int split, size_t index, float scale,
    uint64_t seed, corrupt_family family, const float *scales, int n);

/*
 * Time a few training epochs of a throwaway model of cfg's shapes, batch
 * and threads on the first images, with their evaluation, noise drawn on
 * them and a checkpoint written in the runs root (eta_probe_run), on the
 * worker thread, when idle; the answer arrives as probe (have_probe set),
 * and the next job started with a config it fits counts on it until its
 * own parts are measured.  It is not a training run (no test point counts
 * it).
 */
void worker_probe(worker *w, const train_config *cfg);

/*
 * Copy the latest snapshot into dst when it changed since dst was last
 * filled (dst zeroed before the first call).  Returns 1 when dst changed,
 * 0 otherwise.  The tables and prediction arrays in dst are owned by dst:
 * release them with worker_snapshot_free() (dst is then zeroed again).
 */
int  worker_snapshot_copy(worker *w, worker_snapshot *dst);
void worker_snapshot_free(worker_snapshot *s);

/* The kept model's reliability diagram at test scale `scale` (its run's
 * test images, its row's corruption and seed); the answer arrives in a
 * later snapshot (calib_*).  No-op without a model. */
void worker_calibrate(worker *w, float scale);

/* ---- the run browser: answers arrive in snapshots ---- */

/* List the runs under the runs root (runlist_read) into the snapshot's
 * runs, nruns (runs_gen grows).  No-op without a runs root. */
void worker_list_runs(worker *w);

/* Delete run name (runlist_remove: never a live one), then list the runs
 * again; the outcome is in a later snapshot's message. */
void worker_delete_run(worker *w, const char *name);

/* Read the final val accuracy by scale of runs ids[0..n) (n at most 2)
 * into the snapshot's overlay; n 0 clears it.  A run that cannot be read
 * is left out, and the message says why. */
void worker_overlay_runs(worker *w, const char *const *ids, int n);

/*
 * Write the view on screen (view: the shown table's history, the train x
 * test matrix, or the confusion counts[] of row's model, DATASET_NCLASS
 * squared) as new CSV and JSON files into its run's directory (else
 * export_dir), never over an earlier export; source names the data and
 * limits.  The paths, or why not, are in a later snapshot's message.
 */
void worker_export(worker *w, results_export_kind view, int row,
    const long *counts, const char *source, const char *export_dir);

/* Save the job form's values (prefs_write: "key = value" lines). */
void worker_remember(worker *w, const char *text);

#endif
