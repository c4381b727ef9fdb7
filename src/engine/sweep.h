#ifndef NOISETOP_SWEEP_H
#define NOISETOP_SWEEP_H

#include <pthread.h>
#include <stdint.h>

#include "data/corrupt.h"
#include "data/dataset.h"
#include "engine/probe.h"
#include "engine/train.h"

/*
 * A sweep is a grid of rows: one fresh model for every (data set,
 * weight decay, corruption, scale, seed) of its plan, each evaluated
 * after training on the test set
 * corrupted at every test scale (the train x test matrix).  Seeds, the
 * matrix and shards are all views of this grid: a shard is a subset of the
 * rows, merging is a union, a summary is a reduction over seeds.  With one
 * corruption (gaussian) and one seed, row i is scale i: the notebook's
 * sweep, bit for bit as it has always been.
 */

#define SWEEP_MAX_SCALES      16
#define SWEEP_MAX_SEEDS       32
#define SWEEP_MAX_CORRUPTIONS CORRUPT_NFAMILY
#define SWEEP_MAX_DECAYS      8
#define SWEEP_MAX_DATASETS    (DATASET_NKIND - 1)  /* the named sets */
#define SWEEP_MAX_ROWS  (SWEEP_MAX_DATASETS * SWEEP_MAX_DECAYS * \
    SWEEP_MAX_CORRUPTIONS * SWEEP_MAX_SCALES * SWEEP_MAX_SEEDS)

/* How the training images are corrupted: once (the notebook), or afresh
 * every epoch (data augmentation).  The test set is drawn once either way. */
typedef enum { SWEEP_FIXED, SWEEP_FRESH } sweep_mode;

/* What the grid is made of. */
typedef struct {
	float          scales[SWEEP_MAX_SCALES];   /* training severities */
	int            nscales;
	int            nseeds;                     /* seeds cfg.seed + 0..n-1 */
	corrupt_family corruptions[SWEEP_MAX_CORRUPTIONS];
	int            ncorruptions;
	float          test_scales[SWEEP_MAX_SCALES];  /* the matrix's columns */
	int            ntest;
	sweep_mode     mode;
	/*
	 * Weight decays (train_config.weight_decay, Keras's l2), an axis like
	 * seeds and the outermost of the grid.  ndecays 0 (a zeroed plan, or
	 * one from before the axis) is one decay, the configuration's own;
	 * sweep_plan_default() leaves it so.
	 */
	float          decays[SWEEP_MAX_DECAYS];
	int            ndecays;
	/*
	 * Data sets (--dataset mnist,fashion), the outermost axis: every
	 * other row of the grid is trained on each, in this order.
	 * ndatasets 0 (a zeroed plan, or one from before the axis) is one
	 * set, the one the caller gives, unnamed here.  The sweep functions
	 * that take a dataset take an array of sweep_plan_ndatasets() sets
	 * in the order of datasets[].
	 */
	dataset_kind   datasets[SWEEP_MAX_DATASETS];
	int            ndatasets;
	/*
	 * Probes of every done row (probe.h), off in a default plan: with
	 * probes set, the row's sensitivity on the clean test set and each
	 * matrix cell's calibration; with attacks (which imply probes), the
	 * row's accuracy under each, on the clean test set.
	 */
	int            probes;
	probe_attack   attacks[PROBE_MAX_ATTACKS];
	int            nattacks;
} sweep_plan;

/* Where a row in training is, at its last progress event: the epoch in
 * progress (1-based), batches done of the epoch's, seconds into it and
 * the running means; for a front end that shows several rows training at
 * once (sweep_run_row from several threads). */
typedef struct {
	int    epoch, batch, batches;
	double seconds, acc, loss;
} sweep_live;

/* One row of the grid: its history so far and, once done, its matrix row. */
typedef struct {
	float          scale;
	int            scale_index, seed_index, corruption_index;
	int            decay_index;
	int            dataset_index;  /* into plan.datasets (0 without it) */
	float          weight_decay;  /* the row's train_config.weight_decay */
	corrupt_family corruption;
	uint64_t       seed;     /* cfg.seed + seed_index: init, shuffle,
	                            dropout and corruption draws */
	int            state;    /* SWEEP_PENDING, SWEEP_RUNNING, SWEEP_DONE,
	                            SWEEP_CANCELLED */
	train_epoch   *hist;     /* cfg.epochs entries, owned by the table */
	int            nhist;
	/* Once done: the final model on the test set at each test scale
	 * (plan.ntest entries, owned by the table; NAN until known). */
	double        *test_acc, *test_loss;
	/* With the plan's probes, once done (NAN until known): the
	 * calibration of each matrix cell (plan.ntest each; its accuracy is
	 * test_acc), the sensitivity, and the accuracy under each attack
	 * (plan.nattacks).  Owned by the table. */
	double        *test_ece, *test_conf;
	probe_sens     sens;
	double        *attack_acc;
	sweep_live     live;     /* while SWEEP_RUNNING */
} sweep_row;

enum { SWEEP_PENDING, SWEEP_RUNNING, SWEEP_DONE, SWEEP_CANCELLED };

typedef struct {
	int          n;
	int          current;  /* row being trained (the last one started
	                          when several are), -1 when none */
	train_config cfg;      /* shared by every row; seed and noise per row */
	sweep_plan   plan;
	sweep_row   *rows;     /* n rows in grid order, owned */
	/* The rows' histories and matrix rows, sized to the job, owned. */
	train_epoch *store;
	size_t       cap;      /* entries store holds */
	double      *mstore;   /* n * (4 plan.ntest + plan.nattacks) values */
	size_t       mcap;
} sweep_table;

/* What the sweep callback sees: the table, and the row's live progress
 * (progress is NULL at the start and end of a row). */
typedef struct {
	const sweep_table    *table;
	int                   row;
	const train_progress *progress;
} sweep_progress;

typedef int (*sweep_callback)(const sweep_progress *p, void *user);

/* The notebook's sweep, with 0 as the baseline. */
extern const float sweep_default_scales[6];

/*
 * Parse "0,0.1,0.5" into scales (at most SWEEP_MAX_SCALES, each finite and
 * in [0, 100], none twice).  Returns the count, or -1 with a message.
 */
int sweep_parse_scales(const char *s, float *scales, char *err,
    size_t errlen);

/* "fixed" or "fresh" into *mode.  Returns 0, or -1 with a message. */
int sweep_parse_mode(const char *s, sweep_mode *mode, char *err,
    size_t errlen);
const char *sweep_mode_name(sweep_mode mode);

/*
 * A plan over the given training scales: gaussian noise, one seed, fixed
 * draws, the matrix's test scales the same as the training scales.
 */
void sweep_plan_default(sweep_plan *p, const float *scales, int n);

/* Is p a grid that can be trained (sizes, each scale within every
 * family's range)?  Returns 0, or -1 with a message. */
int sweep_plan_check(const sweep_plan *p, char *err, size_t errlen);

/* Rows of plan p: ndatasets * ndecays * ncorruptions * nscales * nseeds
 * (a count of 0 counting as 1). */
int sweep_plan_rows(const sweep_plan *p);

/* The decays of p: ndecays, or 1 when it is 0. */
int sweep_plan_ndecays(const sweep_plan *p);

/* The data sets of p: ndatasets, or 1 when it is 0. */
int sweep_plan_ndatasets(const sweep_plan *p);

/*
 * The groups of p's cells: one per (data set, weight decay), group g
 * being data set g / ndecays at decay g % ndecays, so that a plan of one
 * data set has a group per decay index.  The *_wd functions below take a
 * group where they say decay.  Returns ndatasets * ndecays.
 */
int sweep_plan_ngroups(const sweep_plan *p);

/*
 * Parse "mnist,fashion" into sets (at most SWEEP_MAX_DATASETS names of
 * dataset_info_parse, none twice).  Returns the count, or -1 with a
 * message naming the bad name.
 */
int sweep_parse_datasets(const char *s, dataset_kind *sets, char *err,
    size_t errlen);

/* The display name of data set index d of p ("MNIST", "Fashion-MNIST");
 * "" in a plan without the axis.  Static. */
const char *sweep_plan_dataset_name(const sweep_plan *p, int d);

/* Does p probe its rows (probes set, or attacks)? */
int sweep_plan_probes(const sweep_plan *p);

/*
 * Parse "0,1e-4,1e-3" into decays (at most SWEEP_MAX_DECAYS, each in
 * [0, TRAIN_MAX_WEIGHT_DECAY], none twice).  Returns the count, or -1 with
 * a message.
 */
int sweep_parse_decays(const char *s, float *decays, char *err,
    size_t errlen);

/* The scale of row i of plan p (grid order); 0 for a row out of range. */
float sweep_plan_scale(const sweep_plan *p, int i);

/*
 * Set up t (uninitialised or freed) as the pending rows of plan, in grid
 * order (data set, weight decay, corruption, then scale, then seed), with
 * room for cfg->epochs epochs per row.  Returns 0, or -1 with a message
 * in err (a bad plan or
 * epochs, out of memory).  Free with sweep_table_free().
 */
int sweep_table_init(sweep_table *t, const train_config *cfg,
    const sweep_plan *plan, char *err, size_t errlen);

/*
 * Make dst (zeroed, or a table from sweep_table_init/_copy) equal to src,
 * reusing dst's storage when it is large enough; only the epochs in use
 * are copied.  Returns 0, or -1 when out of memory (dst then holds no
 * rows).
 */
int sweep_table_copy(sweep_table *dst, const sweep_table *src);

/* Frees what t owns and leaves it empty; accepts a zeroed table. */
void sweep_table_free(sweep_table *t);

/* 1 when t has rows and every one is SWEEP_DONE: the job finished. */
int sweep_table_finished(const sweep_table *t);

/* The row of (corruption index, scale index, seed index) at the first
 * weight decay, or -1. */
int sweep_row_index(const sweep_table *t, int corruption, int scale,
    int seed);

/* The row of (group, corruption, scale, seed), or -1; group is
 * sweep_plan_ngroups's (the decay index in a plan of one data set). */
int sweep_row_index_wd(const sweep_table *t, int decay, int corruption,
    int scale, int seed);

/* The group (sweep_plan_ngroups) row r of t belongs to: its data set
 * and weight decay. */
int sweep_row_group(const sweep_table *t, const sweep_row *r);

/* Mean, sample standard deviation (0 for one value), min and max of a set
 * of values over seeds; n counts the values (0: all NAN). */
typedef struct {
	int    n;
	double mean, sd, min, max;
} sweep_stat;

/* The final metrics of the done seeds of one (corruption, scale) cell. */
typedef struct {
	sweep_stat acc, loss, val_acc, val_loss;
} sweep_summary;

void sweep_summarize(const sweep_table *t, int corruption, int scale,
    sweep_summary *out);
/* The same at weight decay index decay (sweep_summarize: the first). */
void sweep_summarize_wd(const sweep_table *t, int decay, int corruption,
    int scale, sweep_summary *out);

/* The probes of the done seeds of one (decay, corruption, scale) cell:
 * grad_norm, jac_frob, w1_norm, rf_rough, rf_rough_delta in sens, the
 * accuracy under attack a in attack[a] (plan.nattacks). */
#define SWEEP_NSENS 5
typedef struct {
	sweep_stat sens[SWEEP_NSENS];
	sweep_stat attack[PROBE_MAX_ATTACKS];
} sweep_probe_summary;

void sweep_summarize_probes(const sweep_table *t, int decay, int corruption,
    int scale, sweep_probe_summary *out);

/* The matrix cell (corruption, training scale, test scale index): test
 * accuracy over the done seeds. */
void sweep_matrix_cell(const sweep_table *t, int corruption, int scale,
    int test, sweep_stat *acc);
void sweep_matrix_cell_wd(const sweep_table *t, int decay, int corruption,
    int scale, int test, sweep_stat *acc);

/* Is row i one of shard k of n (1-based)?  Rows are dealt round-robin, so
 * each shard gets a share of every scale. */
int sweep_in_shard(int row, int k, int n);

/*
 * Train a fresh model for every pending row of t in turn (those of shard
 * k/n when n > 1), each on its own corrupted copy of its data set
 * (ds[row.dataset_index]: ds holds sweep_plan_ndatasets() sets), filling
 * the row's
 * history as epochs finish and its matrix row at the end (and, with the
 * plan's probes, its probes: sweep_row).  from, when not
 * NULL, is where the first row not done stopped (not owned): that row
 * continues from it instead of starting afresh.  Stops early when ctl or
 * the callback cancels; finished rows are kept.  When keep_model is not
 * NULL it receives the last row's model (caller frees).  Returns 0, or -1
 * with a message in err.
 */
int sweep_run(sweep_table *t, const dataset *ds, const train_resume *from,
    int shard, int nshards, train_control *ctl, sweep_callback cb,
    void *user, mlp **keep_model, char *err, size_t errlen);

/*
 * What one thread needs to train rows, one at a time: the row's corrupted
 * training and test images (sized to the largest of the nds sets ds),
 * the trainer's result,
 * the probes' predictions and confidences, the matrix part's scratch, and
 * its team's size (0, as sweep_lane_init leaves it: the table's
 * cfg.threads; a row's bits do not depend on it).  sweep_lane_init
 * returns 0, or -1 with a message (out of memory; l then
 * holds nothing); sweep_lane_free frees what l holds and accepts a freed
 * or zeroed lane.
 */
typedef struct {
	float        *xtr, *xte;
	train_result *res;
	uint8_t      *pred;
	float        *conf;
	double       *mbuf;
	int           threads;  /* > 0: the OpenMP team of the rows it
	                           trains, in place of cfg.threads */
} sweep_lane;

int sweep_lane_init(sweep_lane *l, const dataset *ds, int nds, char *err,
    size_t errlen);
void sweep_lane_free(sweep_lane *l);

/*
 * Train row i of t (pending, or part-trained: from, when not NULL, is
 * where it stopped) on ds[row.dataset_index] with lane l, as sweep_run
 * trains each of its rows:
 * its history grows as epochs finish and, done, it gets its matrix row
 * (and probes); the callback sees its start, its progress and its end.
 * When lock is not NULL, it is held around every change to t and every
 * call of cb (and nothing else), so that several threads can each train a
 * row of one table at once; each thread's OpenMP team is its own.  Then a
 * batch's report (TRAIN_BATCH) is skipped, not waited for, when another
 * thread holds the lock.  When
 * keep_model is not NULL it receives the row's model (its previous one
 * freed).  Returns 0 when the row is done and the callback lets the sweep
 * go on, 1 when it stops here (cancelled by ctl or the callback), or -1
 * with a message in err (the row is then SWEEP_CANCELLED).
 */
int sweep_run_row(sweep_table *t, int i, const dataset *ds, sweep_lane *l,
    const train_resume *from, train_control *ctl, sweep_callback cb,
    void *user, pthread_mutex_t *lock, mlp **keep_model, char *err,
    size_t errlen);

/*
 * The images of one row's corruption at one scale: n images of split
 * (0 train, 1 test) from first, with the row's seed; epoch 0 is the fixed
 * draw, e > 0 the fresh draw of epoch e.  What the trainer sees, for
 * previews.  Returns 0, or -1 with a message.
 */
int sweep_corrupt(corrupt_family family, float scale, uint64_t seed,
    const dataset_split *s, int split, size_t first, size_t n,
    uint32_t epoch, float *out, char *err, size_t errlen);

#endif
