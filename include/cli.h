#ifndef NOISETOP_CLI_H
#define NOISETOP_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "sweep.h"
#include "train.h"

/* Subcommands: none opens the dashboard. */
typedef enum {
	CLI_DASHBOARD, CLI_TRAIN, CLI_COMPARE, CLI_SWEEP, CLI_SHOW,
	CLI_RESUME, CLI_RUNS, CLI_HELP, CLI_VERSION,
} cli_command;

/* Everything the command line can say; cli_parse() fills defaults first. */
typedef struct {
	cli_command  cmd;
	const char  *data_dir;      /* --data, NULL to search */
	size_t       train_limit;   /* --train-limit, 0 = all */
	size_t       test_limit;    /* --test-limit, 0 = all */
	train_config cfg;           /* --epochs --batch --lr --dropout --hidden
	                               --seed --threads --noise */
	int          noise_set;     /* --noise was given */
	int          precision_set; /* --precision was given (cfg.precision) */
	float        scales[SWEEP_MAX_SCALES];  /* --scales */
	int          nscales;
	const char  *csv, *json;    /* --csv FILE, --json FILE */
	int          ascii;         /* --ascii */
	int          no_color;      /* --no-color */
	int          split;         /* show: 0 train, 1 test (--split) */
	size_t       index;         /* show: --index */
	size_t       count;         /* show: --count */
	int          progress;      /* --no-progress clears it */
	const char  *runs_dir;      /* --runs DIR, NULL for the default */
	const char  *resume;        /* resume: the run's name or directory */
} cli_options;

/*
 * Parse argv into o.  Every number is range-checked.  Returns 0, or -1
 * with a one-line message in err.
 */
int cli_parse(int argc, char **argv, cli_options *o, char *err,
    size_t errlen);

/* The usage text, for --help and errors. */
void cli_usage(FILE *f);

#endif
