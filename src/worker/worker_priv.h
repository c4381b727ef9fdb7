/*
 * The worker's private half, shared by its files: worker.c (the mailbox
 * and the snapshots), worker_thread.c (the thread and its jobs, resumes
 * and loaded runs), worker_model.c (the kept model and its predictions)
 * and worker_runs.c (the run browser's requests).
 */
#ifndef NOISETOP_WORKER_PRIV_H
#define NOISETOP_WORKER_PRIV_H

#include <pthread.h>
#include <time.h>

#include "runs/job.h"
#include "engine/mlp.h"
#include "worker/worker.h"

/*
 * A request from the UI thread: one kind and its arguments.  The mailbox
 * holds at most one of each kind (a newer one replaces it: only the last
 * prediction, selection or listing asked for matters), and the worker
 * takes them in the order of the kinds, lowest first.
 */
typedef enum {
	WREQ_JOB,      /* train a new job */
	WREQ_RESUME,   /* continue a run */
	WREQ_LOAD,     /* show a run */
	WREQ_SELECT,   /* a row's model becomes the kept one */
	WREQ_PROBE,    /* time a few training steps (idle only) */
	WREQ_PREDICT,  /* the kept model's opinion of an image */
	WREQ_CALIB,    /* its reliability diagram at a test scale */
	WREQ_DELETE,   /* delete a run, then list them again */
	WREQ_LIST,     /* list the runs */
	WREQ_OVERLAY,  /* read runs' final accuracies for the chart */
	WREQ_EXPORT,   /* write the shown table into its run's directory */
	WREQ_REMEMBER, /* save the job form's values */
	WREQ_NKINDS
} worker_req_kind;

/* The kinds a running job serves between batches. */
#define WREQ_BETWEEN_BATCHES (1u << WREQ_SELECT | 1u << WREQ_PREDICT | \
    1u << WREQ_CALIB | \
    1u << WREQ_DELETE | 1u << WREQ_LIST | 1u << WREQ_OVERLAY | \
    1u << WREQ_EXPORT | 1u << WREQ_REMEMBER)

typedef struct {
	worker_req_kind kind;
	union {
		struct {
			job_kind     kind;
			train_config cfg;
			sweep_plan   plan;
			size_t       train_n, test_n;  /* 0: all loaded */
		} job;
		char name[NT_PATH_LEN];   /* RESUME, LOAD, DELETE: a run ("":
		                             the newest) */
		int  row;                 /* SELECT */
		train_config probe;       /* PROBE */
		float        scale;       /* CALIB */
		struct {
			int            split;
			size_t         index;
			float          scale;
			uint64_t       seed;
			corrupt_family family;
			int            n;
			float          scales[SWEEP_MAX_SCALES];
		} predict;
		struct {
			int  n;
			char id[2][256];
		} overlay;
		struct {
			char source[NT_PATH_LEN + 256];  /* data, limits */
			char dir[NT_PATH_LEN];  /* without a run directory */
			results_export_kind view;
			int  row;               /* CONFUSION: the model's */
			long counts[DATASET_NCLASS * DATASET_NCLASS];
		} export;
		char text[2048];                 /* REMEMBER: form.conf */
	} u;
} worker_req;

struct worker {
	const dataset  *ds;
	pthread_t       thread;
	pthread_mutex_t mu;
	pthread_cond_t  cv;
	int             pipe[2];  /* [0] the UI polls, [1] the worker pokes */
	train_control   ctl;
	char            root[NT_PATH_LEN];  /* the runs root, "" to record
	                                       nothing */
	int             jobs;     /* rows at once (--jobs), 0: default */

	/* The mailbox, guarded by mu. */
	int             quit;
	int             busy;         /* a job is pending or running */
	job_kind        busy_job;     /* which one (NONE: a resume, until
	                                 its run is read) */
	unsigned        pending;      /* bit k: slot[k] holds a request */
	worker_req      slot[WREQ_NKINDS];
	worker_snapshot pub;          /* the published snapshot, owned here */

	/* The worker thread's own: the job. */
	job             cur;      /* the running job: rows, run directory,
	                             resume checkpoint */
	double          run_t0;
	dataset         view;     /* the running job's data: the first
	                             images of ds, sharing its arrays */
	uint32_t        crc;      /* run_data_crc(ds), computed once */
	int             have_crc;

	/* The models. */
	mlp            *model;    /* kept model, NULL until a job finished */

	/* The run on screen (its checkpoints), and following it: the idle
	 * worker polls these once a second to follow a run that other
	 * processes (shards on other machines) are writing. */
	run             shown;
	int             have_shown;
	int             shown_fits;  /* trained on the worker's data */
	job_kind        shown_kind;
	char            watch_name[256];
	struct timespec watch_mtime;
	struct timespec root_mtime;    /* the runs root when last listed */
	int             watch_pinned;  /* watch_name was chosen (a load) */
};

/* Post request r (its kind's slot, replacing an older one) and wake the
 * worker; mu held. */
void worker_post_locked(worker *w, const worker_req *r);

/* Take the first pending request of the kinds in mask into *r; mu held.
 * Returns 1 when one was taken. */
int  worker_take_locked(worker *w, unsigned mask, worker_req *r);

/* Handle one request on the worker thread (mu not held). */
void worker_handle(worker *w, const worker_req *r);

/* Tell the UI that pub changed; called with mu held. */
void worker_publish_locked(worker *w);

/* Set pub's status message; called with mu held. */
void worker_say_locked(worker *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- worker_model.c (the worker thread only) ---- */

/* run_data_crc of the whole dataset, computed once. */
uint32_t worker_data_crc(worker *w);

/* Answer a prediction request with the kept model. */
void worker_do_predict(worker *w, const worker_req *r);

/*
 * The model's predictions on the whole test set corrupted as row's
 * validation set was (its family, scale and seed), for the
 * "misclassified" browser.  Returns 0, or -1 when out of memory.
 */
int worker_predict_test_set(worker *w, mlp *m, const sweep_row *row,
    size_t test_n, uint8_t **pred, float **conf, double *acc);

/*
 * Make m the kept model (taking it, *pred and *conf, which are set to
 * NULL), with its test-set predictions published, as row `row` of run
 * run_id ("" or NULL: not recorded); mu held.
 */
void worker_keep_model_locked(worker *w, mlp **m, uint8_t **pred,
    float **conf, size_t test_n, const sweep_row *r, job_kind kind,
    double acc, int row,
    const char *run_id);

/* Was run config c trained on the first images of the worker's data?  Then
 * *view holds them and 1 is returned. */
int worker_fits(worker *w, const run_config *c, dataset *view);

/* The kept model's first-layer receptive fields, and the clean row's of
 * the shown run (from its checkpoint), into the snapshot. */
void worker_publish_fields(worker *w);

/* The kept model's reliability diagram at a test scale, published. */
void worker_do_calibrate(worker *w, float scale);

/* Time a few training steps of cfg's model (worker_probe). */
void worker_do_probe(worker *w, const train_config *cfg);

/* Make row's model the kept one (from the shown run's checkpoint), or
 * say why not. */
void worker_do_select(worker *w, int row);

/* ---- worker_load.c (the worker thread only): the run on show ---- */

/* Read run name ("": the newest) and publish it as WORKER_LOADED, with its
 * model and that model's test-set predictions when it fits the data. */
void worker_do_load(worker *w, const char *name);

/* Ask to read the run on show again; mu held. */
void worker_post_load_locked(worker *w);

/* Idle with a runs root: wait up to a second for a request, then look
 * whether the run on show changed.  Called and returns with mu held; 1
 * when the run should be read again. */
int  worker_wait_or_changed(worker *w);

/* ---- worker_runs.c (the worker thread only): the run browser's
 * requests, each through the runs layer ---- */
void worker_do_list(worker *w);
void worker_do_delete(worker *w, const char *name);
void worker_do_overlay(worker *w, const worker_req *r);
void worker_do_export(worker *w, const worker_req *r);
void worker_do_remember(worker *w, const char *text);

#endif
