#ifndef NOISETOP_BUILTIN_H
#define NOISETOP_BUILTIN_H

#include "cli/cli.h"
#include "data/dataset.h"

/*
 * The commands that are not headless, as cli_cmd handlers: help prints the
 * usage (o->args[0] names one command, if given), version what the build
 * contains and what this CPU runs, and dashboard opens the UI on ds.  Each
 * returns the process exit status and prints its own errors to stderr,
 * prefixed "noisetop: "; help and version ignore ds (NULL is fine).
 */
int builtin_help(const cli_options *o, const dataset *ds);
int builtin_version(const cli_options *o, const dataset *ds);
int builtin_dashboard(const cli_options *o, const dataset *ds);

#endif
