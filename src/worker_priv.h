/*
 * The worker's private half, shared by its two files: worker.c (the
 * mailbox and the snapshots) and worker_thread.c (the thread and what it
 * does: jobs, resumes, loaded runs, predictions).  Not installed.
 */
#ifndef NOISETOP_WORKER_PRIV_H
#define NOISETOP_WORKER_PRIV_H

#include <pthread.h>
#include <time.h>

#include "job.h"
#include "mlp.h"
#include "worker.h"

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
	int             want_predict;
	int             pr_split;
	size_t          pr_index;
	float           pr_scale;
	uint64_t        pr_seed;
	int             want_load;    /* worker_load_latest() asked */
	int             want_resume;  /* worker_resume() asked */
	char            resume_name[4096];
	worker_snapshot pub;  /* the published snapshot, owned here */

	/* The worker thread's own. */
	job             cur;      /* the running job: rows, run directory,
	                             resume checkpoint */
	double          run_t0;
	int             rec_warned;   /* a failed record was reported */
	mlp            *model;    /* kept model, NULL until a job finished */
	uint32_t        crc;      /* run_data_crc(ds), computed once */
	/* The run on show and its directory's time when it was read: the
	 * idle worker polls these once a second to follow a run that other
	 * processes (shards on other machines) are writing. */
	char            watch_name[256];
	struct timespec watch_mtime;
	int             have_crc;
};

/* Tell the UI that pub changed; called with mu held. */
void worker_publish_locked(worker *w);

/* Set pub's status message; called with mu held. */
void worker_say_locked(worker *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
