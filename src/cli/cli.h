#ifndef NOISETOP_CLI_H
#define NOISETOP_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "data/dataset.h"
#include "engine/sweep.h"
#include "engine/train.h"

/* Subcommands: none opens the dashboard. */
typedef enum {
	CLI_DASHBOARD, CLI_TRAIN, CLI_COMPARE, CLI_SWEEP, CLI_SHOW,
	CLI_RESUME, CLI_RUNS, CLI_RM, CLI_PLOT, CLI_REPORT, CLI_MERGE, CLI_SLURM,
	CLI_HELP, CLI_VERSION,
} cli_command;

#define CLI_MAX_ARGS 256   /* positional arguments (rm RUN...) */

/* Everything the command line can say; cli_parse() fills defaults first. */
typedef struct {
	cli_command  cmd;
	const char  *data_dir;      /* --data, NULL to search */
	dataset_kind dataset;       /* --dataset; DATASET_AUTO when not given */
	size_t       train_limit;   /* --train-limit, 0 = all */
	size_t       test_limit;    /* --test-limit, 0 = all */
	train_config cfg;           /* --epochs --batch --lr --dropout --hidden
	                               --seed --threads --noise */
	int          noise_set;     /* --noise was given */
	int          precision_set; /* --precision was given (cfg.precision) */
	float        scales[SWEEP_MAX_SCALES];  /* --scales */
	int          nscales;
	int          scales_set;    /* --scales was given */
	sweep_plan   grid;          /* --seeds --corruption --test-scales
	                               --noise-mode; its scales are filled by
	                               the command (--scales or --noise) */
	int          shard, nshards;  /* --shard K/N; 0 when not given */
	int          jobs;          /* --jobs N; 0: the default */
	int          threads_per_job;  /* --threads-per-job T; 0: split */
	int          bind;          /* --no-bind clears it */
	const char  *run_id;        /* --run-id ID */
	const char  *svg;           /* plot: --svg FILE */
	/* slurm: */
	int          array_size;    /* --array-size N (shards) */
	int          cpus;          /* --cpus-per-task T */
	const char  *sbatch_args[CLI_MAX_ARGS];  /* --sbatch-arg, in order */
	int          nsbatch;
	int          submit;        /* --submit */
	const char  *resubmit;      /* --resubmit RUN */
	const char  *out_dir;       /* --out DIR for the scripts, or the
	                               report's folder */
	int          force;         /* report --force */
	int          argc;          /* the command line, for slurm to pass */
	char       **argv;          /* the sweep options on */
	const char  *figure;        /* plot: --figure scales|epochs|... */
	int          plot_row;      /* plot: --row I; -1 when not given */
	float        test_scale;    /* plot: --test-scale S; -1 when not
	                               given */
	int          from_init;     /* plot: --from-init */
	const char  *csv, *json;    /* --csv FILE, --json FILE */
	int          ascii;         /* --ascii */
	int          no_color;      /* --no-color */
	int          split;         /* show: 0 train, 1 test (--split) */
	size_t       index;         /* show: --index */
	size_t       count;         /* show: --count */
	int          progress;      /* --no-progress clears it */
	int          estimate_only; /* --estimate-only */
	const char  *runs_dir;      /* --runs DIR, NULL for the default */
	const char  *resume;        /* resume: the run's name or directory */
	int          prune;         /* runs --prune N; -1 when not given */
	int          runs_json;     /* runs --json */
	const char  *args[CLI_MAX_ARGS];  /* resume RUN, rm RUN..., help CMD */
	int          nargs;
} cli_options;

/* What a command needs before its handler runs, or of its arguments. */
enum {
	CLI_NEEDS_DATA = 1 << 0,  /* the dataset, which main loads */
	CLI_NAMES_RUN  = 1 << 1,  /* its argument is the run to open
	                             (o->resume) */
};

/*
 * One subcommand (tmux's cmd_entry): what `noisetop help` says of it, the
 * positional arguments it takes, and the handler that runs it.  A handler
 * returns the process exit status and prints its own errors; ds is the
 * loaded dataset when needs has CLI_NEEDS_DATA, else NULL.
 */
typedef struct cli_cmd {
	const char  *name;
	cli_command  cmd;
	const char  *args;      /* positional arguments, for the synopsis */
	int          maxargs;   /* how many it takes */
	const char  *missing;   /* the error when it needs one and has none,
	                           NULL when none is needed */
	unsigned     needs;     /* CLI_NEEDS_DATA | CLI_NAMES_RUN */
	int        (*run)(const cli_options *o, const dataset *ds);
	const char  *help;
} cli_cmd;

/* The table's row for cmd; every cli_command has one. */
const cli_cmd *cli_command_of(cli_command cmd);

/*
 * Parse argv into o.  Every number is range-checked.  Returns 0, or -1
 * with a one-line message in err.
 */
int cli_parse(int argc, char **argv, cli_options *o, char *err,
    size_t errlen);

/* 1 when option name ("runs", without the dashes) takes a value. */
int cli_option_takes_value(const char *name);

/*
 * The usage text made from the command and option tables: everything when
 * topic is NULL, else one command's synopsis and options.  Returns 0, or
 * -1 when topic names no command.
 */
int cli_usage(FILE *f, const char *topic);

#endif
