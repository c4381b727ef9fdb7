#ifndef NOISETOP_RUN_H
#define NOISETOP_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "runs/checkpoint.h"
#include "runs/claim.h"
#include "data/dataset.h"
#include "engine/sweep.h"

/*
 * Runs on disk.  Every job writes to its own directory under the runs root
 * ($XDG_DATA_HOME/noisetop/runs, default ~/.local/share/noisetop/runs, or
 * --runs DIR):
 *
 *   config.txt     "key = value" lines: the job, every option, the seed,
 *                  the data source and a checksum of the data, the version
 *   state.txt      running / interrupted / finished, with the row and
 *                  epoch reached and the pid of the process running it
 *   results.csv    the per-epoch history so far (results_write_csv)
 *   results.json   the same with the sweep table (results_write_json)
 *   ckpt-R.bin     the checkpoint of row R after its last finished epoch
 *   claim.txt      who writes the run now (claim-K.txt: shard K), while
 *                  it does (claim.h)
 *
 * Every file is written atomically after every epoch, so a kill loses at
 * most the epoch in progress.
 */

/*
 * One data set of a run over several (plan.ndatasets > 1): kept in
 * config.txt as data_dir.KEY, source.KEY, data_crc.KEY, train_limit.KEY
 * and test_limit.KEY (KEY its dataset_info key: data_dir.fashion = ...).
 */
typedef struct {
	char     dir[4096];     /* where it came from, absolute */
	char     source[4200];  /* "Fashion-MNIST (/dir)" */
	uint32_t crc;           /* run_data_crc of what was loaded */
	size_t   train_n, test_n;
} run_data;

/* What a run needs to be started again: kept in config.txt. */
typedef struct {
	char         kind[16];       /* "train", "compare", "sweep" */
	char         data_dir[4096]; /* where the data came from ("" if none) */
	char         source[4200];   /* the data set as shown everywhere */
	char         dataset[16];    /* its name (--dataset): "mnist",
	                                "fashion", "kmnist"; "" in runs from
	                                before it (the set data_dir names) */
	int          synthetic;      /* the built-in digits, not files */
	size_t       train_limit, test_limit;
	train_config cfg;
	sweep_plan   plan;           /* the grid: scales, seeds, corruptions,
	                                test scales, noise mode */
	int          matrix;         /* its rows write row-R.txt when done
	                                (every run since the grid) */
	uint32_t     data_crc;       /* crc32 of every loaded image and label */
	char         version[32];
	/* With the data set axis (plan.ndatasets > 1), each set by its
	 * dataset_kind: data_of[plan.datasets[d]].  The fields above then
	 * describe the first set, but for source, which names them all. */
	run_data     data_of[DATASET_NKIND];
} run_config;

/*
 * Data set d of run config c (d < sweep_plan_ndatasets(&c->plan)) into
 * *out: its data_of entry, or for a run without the axis its one set
 * (data_dir, source, data_crc and the limits).
 */
void run_config_data(const run_config *c, int d, run_data *out);

typedef struct {
	char       dir[4096];
	char       id[256];          /* the directory's name */
	run_config conf;
	int        shard, nshards;   /* this process trains shard K of N; its
	                                state is state-K.txt and it leaves the
	                                shared results to the merge */
	claim      claim;            /* this process's claim on it, when it
	                                writes it (run_create, run_claim); a
	                                copy of a run does not own it */
} run;

/* The directory's state as state.txt says, for listings and resume. */
typedef struct {
	char state[16];              /* running, interrupted, finished */
	int  row, nrows;             /* row reached (0-based) */
	int  epoch, epochs;          /* epochs finished in that row */
	long pid;                    /* the process that wrote it */
	char host[256];              /* on which machine ("" if unknown) */
	int  alive;                  /* running, and its claim is held by a
	                                live process on this host */
	int  elsewhere;              /* running, and its claim is held on
	                                another host with a fresh lease */
	claim_info claim;            /* its claim (claim.txt, claim-K.txt) */
	int  shard, nshards;         /* a shard's state: K of N; else 0 */
} run_state;

/* The runs root: dir if given, else the XDG default; created if missing.
 * Returns 0 with the path in out, or -1 with a message. */
int run_root(const char *dir, char *out, size_t outlen, char *err,
    size_t errlen);

/* crc32 over a dataset's pixels and labels (train, then test). */
uint32_t run_data_crc(const dataset *ds);

/*
 * Make a new run directory under root named after the time and kind, claim
 * it for this process (r->claim; run_release frees it) and write its
 * config.txt and state.txt.  Returns 0, or -1 with a message.
 */
int run_create(run *r, const char *root, const run_config *conf, char *err,
    size_t errlen);

/*
 * Make or join run id under root for shard K of N (nshards 0 or 1: a
 * whole run with a given name): claim it (the shard, or the whole run) for
 * this process, then the first to come writes config.txt, the others check
 * they run the same grid.  Each writes only its own state file.  Returns 0,
 * or -1 with a message (not writable, other options, another process holds
 * it: the message names it).
 */
int run_create_named(run *r, const char *root, const char *id,
    const run_config *conf, int shard, int nshards, char *err,
    size_t errlen);

/*
 * Assemble a sharded run: when every row is done, write its results
 * (results.csv, summary.csv, matrix.csv, results.json) and state.txt
 * (finished) from the rows' own files, exactly as an unsharded run writes
 * them.  *missing (if not NULL) gets the rows not done; with some missing
 * nothing is written.  Returns 0, or -1 with a message.
 */
int run_merge(run *r, const char *source, int *missing, char *err,
    size_t errlen);

/*
 * The name of the newest run under root (by creation) that no live process
 * is writing: any such run when finished_too, else the newest interrupted
 * one.  Returns 0 with the name in name, or -1 with a message.
 */
int run_newest(const char *root, int finished_too, char *name,
    size_t namelen, char *err, size_t errlen);

/*
 * The newest run under root by creation, whatever its state (a sharded
 * run other machines are writing, say), and the time its directory last
 * changed in *mt (a file renamed into it changes it): a cheap signature to
 * poll.  Returns 0, or -1 with a message (no run).
 */
int run_latest(const char *root, char *name, size_t namelen,
    struct timespec *mt, char *err, size_t errlen);

/* Open an existing run: RUN is a directory, or a name under root ("" or
 * NULL: run_newest(root, 0, ...)).  Reads and validates config.txt;
 * claims nothing (a reader). */
int run_open(run *r, const char *root, const char *name, char *err,
    size_t errlen);

/*
 * Claim an opened run for this process to write it (to resume it): shard
 * r->shard of r->nshards when nshards > 1, else the whole run.  A stale
 * claim is taken over (r->claim.note says so).  Returns 0, or -1 with a
 * message naming the process that holds it ("... is being trained by pid
 * 4242 on node17, seen 12 s ago") or why it cannot be claimed.
 */
int run_claim(run *r, char *err, size_t errlen);

/* Give up r's claim (at the end of a job, finished or interrupted).
 * Accepts a run that holds none. */
void run_release(run *r);

/*
 * 1 when r can no longer be written by this process, err (may be NULL)
 * saying why: its directory was removed, or another process took it over.
 * Then nothing is left here to resume, and a failed write was not a full
 * disk.  0 otherwise.
 */
int run_lost(const run *r, char *err, size_t errlen);

/*
 * Read state.txt of a run directory; a sharded run not yet merged has
 * none, and reads as its first running shard, else its first unfinished
 * one, else as interrupted (every shard done: merge it).  Returns 0, or -1
 * with a message.
 */
int run_read_state(const char *dir, run_state *st, char *err, size_t errlen);

/* The states of a sharded run's shards (state-K.txt), at most max, in
 * order of K.  Returns how many were read (0: not sharded), or -1. */
int run_read_shards(const char *dir, run_state *st, int max, char *err,
    size_t errlen);

/*
 * Record progress: at a row's epoch end (p->progress->event TRAIN_EPOCH)
 * the checkpoint, results and state; at a row's start and end the results
 * and state.  Renews the run's claim at each of those and at least every
 * CLAIM_RENEW seconds of batches.  Meant to be called from the sweep
 * callback.  Returns 0, or -1 with a message (the previous files are
 * intact; when run_lost() says so, the run is gone or another process's
 * now, and the message names that).
 */
int run_record(run *r, const sweep_progress *p, const char *source,
    char *err, size_t errlen);

/* Mark the run interrupted or finished in state.txt, and write results;
 * -1 with a message, writing nothing, when run_lost(). */
int run_finish(run *r, const sweep_table *t, const char *source,
    int interrupted, char *err, size_t errlen);

/*
 * Mark the run interrupted where its files last said it was (after a failed
 * run_record, say on a full disk: the table in memory is ahead of what is
 * on disk).  Returns 0, or -1 with a message (writing nothing when
 * run_lost()).
 */
int run_interrupt(run *r, char *err, size_t errlen);

/*
 * Rebuild a run's sweep table t (uninitialised; free it with
 * sweep_table_free, also after a failure) from its checkpoints: finished
 * rows get their history and matrix row, and the checkpoint of the first
 * unfinished row of shard/nshards (1/1: any), when it has one, is left in
 * *ck (zeroed when none; caller frees with
 * checkpoint_free): checkpoint_resume(ck) is where sweep_run continues.
 * Returns 0, or -1 with a message naming the bad file.
 */
int run_restore(const run *r, sweep_table *t, int shard, int nshards,
    checkpoint *ck, char *err, size_t errlen);

/*
 * run_restore, with every unfinished row of shard/nshards that has a
 * checkpoint continuing from it (a run trained with rows side by side
 * stops with several): *cks gets t->n checkpoints (param NULL where a
 * row has none to continue from; caller frees each with checkpoint_free,
 * then the array with free), and those rows their finished epochs.
 * Returns 0, or -1 with a message naming the bad file (*cks then NULL).
 */
int run_restore_all(const run *r, sweep_table *t, int shard, int nshards,
    checkpoint **cks, char *err, size_t errlen);

/*
 * The run directory names under root, newest first by creation (names
 * carry whole seconds only, so two runs of one second need the file
 * times), and their count in *n.  Returns the array (free it with
 * run_names_free), or NULL with a message.
 */
char **run_names(const char *root, int *n, char *err, size_t errlen);
void run_names_free(char **names, int n);

#endif
