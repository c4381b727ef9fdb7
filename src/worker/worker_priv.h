/*
 * The worker's private half, shared by its two files: worker.c (the
 * mailbox and the snapshots) and worker_thread.c (the thread and what it
 * does: jobs, resumes, loaded runs, predictions).  Not installed.
 */
#ifndef NOISETOP_WORKER_PRIV_H
#define NOISETOP_WORKER_PRIV_H

#include <pthread.h>
#include <time.h>

#include "runs/job.h"
#include "engine/mlp.h"
#include "worker/worker.h"

struct worker {
	const dataset  *ds;
	pthread_t       thread;
	pthread_mutex_t mu;
	pthread_cond_t  cv;
	int             pipe[2];  /* [0] the UI polls, [1] the worker pokes */
	train_control   ctl;
	char            root[4096];  /* the runs root, "" to record nothing */

	/* The mailbox, guarded by mu. */
	int             quit;
	int             busy;         /* a job is pending or running */
	worker_job      busy_job;     /* which one */
	int             job_pending;
	worker_job      pend_job;
	train_config    pend_cfg;
	sweep_plan      pend_plan;
	size_t          pend_train_n, pend_test_n;  /* 0: all loaded */
	int             want_select;  /* worker_select() asked */
	int             sel_row;
	char            load_name[256];  /* worker_load(): "" the newest */
	int             want_probe;   /* worker_probe() asked */
	train_config    probe_cfg;
	int             want_predict;
	int             pr_split;
	size_t          pr_index;
	float           pr_scale;
	uint64_t        pr_seed;
	float           pr_ladder[SWEEP_MAX_SCALES];
	int             pr_nladder;
	corrupt_family  pr_family;
	int             want_load;    /* worker_load_latest() asked */
	int             want_resume;  /* worker_resume() asked */
	char            resume_name[4096];
	worker_snapshot pub;  /* the published snapshot, owned here */

	/* The worker thread's own. */
	job             cur;      /* the running job: rows, run directory,
	                             resume checkpoint */
	double          run_t0;
	int             rec_failed;   /* a record failed (a full disk): the
	                                 job stops, interrupted at its last
	                                 saved epoch */
	char            rec_err[1024];
	mlp            *model;    /* kept model, NULL until a job finished */
	dataset         view;     /* the running job's data: the first
	                             images of ds, sharing its arrays */
	run             shown;    /* the run on screen (its checkpoints) */
	int             have_shown;
	int             shown_fits;  /* trained on the worker's data */
	worker_job      shown_kind;
	uint32_t        crc;      /* run_data_crc(ds), computed once */
	/* The run on show and its directory's time when it was read: the
	 * idle worker polls these once a second to follow a run that other
	 * processes (shards on other machines) are writing. */
	char            watch_name[256];
	struct timespec watch_mtime;
	struct timespec root_mtime;    /* the runs root when last listed */
	int             watch_pinned;  /* watch_name was chosen (worker_load) */
	int             have_crc;
};

/* Tell the UI that pub changed; called with mu held. */
void worker_publish_locked(worker *w);

/* Set pub's status message; called with mu held. */
void worker_say_locked(worker *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- worker_model.c (the worker thread only) ---- */

/* run_data_crc of the whole dataset, computed once. */
uint32_t worker_data_crc(worker *w);

/* Answer the pending prediction request with the kept model. */
void worker_do_predict(worker *w);

/*
 * The model's predictions on the whole test set corrupted as row's
 * validation set was (its family, scale and seed), for the
 * "misclassified" browser.  Returns 0, or -1 when out of memory.
 */
int worker_predict_test_set(worker *w, mlp *m, const sweep_row *row,
    uint8_t **pred, float **conf, double *acc);

/*
 * Make m the kept model (taking it, *pred and *conf, which are set to
 * NULL), with its test-set predictions published, as row `row` of run
 * run_id ("" or NULL: not recorded); mu held.
 */
void worker_keep_model_locked(worker *w, mlp **m, uint8_t **pred,
    float **conf, float scale, worker_job kind, double acc, int row,
    const char *run_id);

/* The first train_n and test_n (0: all) images of the worker's data as a
 * dataset sharing its arrays (never free it). */
void worker_view(const worker *w, size_t train_n, size_t test_n,
    dataset *view);

/* Was run config c trained on the first images of the worker's data?  Then
 * *view holds them and 1 is returned. */
int worker_fits(worker *w, const run_config *c, dataset *view);

/* Time a few training steps of probe_cfg's model (worker_probe). */
void worker_do_probe(worker *w);

/* Make the pending selected row's model the kept one (from the shown
 * run's checkpoint), or say why not. */
void worker_do_select(worker *w);

#endif
