#ifndef NOISETOP_HEADLESS_H
#define NOISETOP_HEADLESS_H

#include "cli/cli.h"
#include "data/dataset.h"

/*
 * The front end without a screen: the subcommands train, compare, sweep and
 * show, printing to stdout (a live progress bar only when stdout is a
 * terminal and o->progress is set).  Each returns the process exit status
 * and prints its own one-line errors to stderr, prefixed "noisetop: ".
 */
int headless_train(const cli_options *o, const dataset *ds);
int headless_compare(const cli_options *o, const dataset *ds);
int headless_sweep(const cli_options *o, const dataset *ds);
int headless_show(const cli_options *o, const dataset *ds);

/* noisetop resume [RUN]: continue an interrupted run (o->resume names it,
 * NULL for the newest one not finished).  noisetop runs: list them, with
 * --prune N delete all but the newest N finished ones.  noisetop rm RUN...:
 * delete runs no live process is writing. */
int headless_resume(const cli_options *o);
int headless_runs(const cli_options *o);
int headless_rm(const cli_options *o);

/* noisetop plot [RUN] --svg FILE [--figure KIND]: a run's figure. */
int headless_plot(const cli_options *o);

/* report [RUN] [--out DIR] [--force]: the run's report folder
 * (worker_report.h).  Returns the exit status. */
int headless_report(const cli_options *o);

/* noisetop merge RUN: assemble a sharded run once every row is done. */
int headless_merge(const cli_options *o);

/* noisetop slurm: write (and with --submit submit) the sweep as a Slurm
 * job array of shards plus a merge job; --resubmit RUN only the unfinished
 * shards. */
int headless_slurm(const cli_options *o);

/* 1 when the locale's charset is UTF-8 (after setlocale(LC_ALL, "")). */
int headless_utf8(void);

#endif
