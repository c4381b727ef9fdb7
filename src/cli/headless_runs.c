/*
 * The headless commands over saved runs: runs (listing, pruning), rm
 * and merge (plot is headless_plot.c).  Part of the headless front end
 * (headless.h).
 */
#include "cli/headless.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "runs/run.h"
#include "runs/runlist.h"

/* A size on disk in the units ls -h uses. */
static void
human_bytes(long long b, char *out, size_t outlen)
{
	static const char unit[] = "BKMGT";
	double            v = (double)b;
	int               u = 0;

	while (v >= 1024.0 && u < 4) {
		v /= 1024.0;
		u++;
	}
	snprintf(out, outlen, u == 0 ? "%.0f%c" : v < 10 ? "%.1f%c" :
	    "%.0f%c", v, unit[u]);
}

/* Keep the newest keep finished runs; delete the older finished ones. */
static int
prune_runs(const char *root, const runlist_entry *e, int n, int keep)
{
	char err[NT_ERR_LEN];
	int  kept = 0, removed = 0, rc = 0;

	for (int i = 0; i < n; i++) {
		if (!e[i].readable || !e[i].finished || e[i].alive)
			continue;
		if (kept < keep) {
			kept++;
			continue;
		}
		if (runlist_remove(root, e[i].id, err, sizeof err) != 0) {
			fprintf(stderr, "noisetop: %s\n", err);
			rc = 1;
		} else {
			printf("removed %s\n", e[i].id);
			removed++;
		}
	}
	printf("kept the newest %d finished run%s, removed %d; unfinished "
	    "runs are never pruned\n", kept, kept == 1 ? "" : "s", removed);
	return rc;
}

/* s as a JSON string, or null; quotes, backslashes and control bytes
 * escaped. */
static void
json_str(const char *s)
{
	if (s == NULL) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/*
 * runs --json: the same list for scripts, one run per line, every key in
 * every run (null where a run's files say nothing): times in UTC ISO
 * 8601, accuracies as fractions, sizes in bytes.
 */
static void
print_json(const char *root, const runlist_entry *e, int n)
{
	fputs("{\"root\": ", stdout);
	json_str(root);
	fputs(", \"runs\": [", stdout);
	for (int i = 0; i < n; i++) {
		char      made[32];
		struct tm tm;
		int       r = e[i].readable;

		made[0] = '\0';
		if (e[i].made != 0 && gmtime_r(&e[i].made, &tm) != NULL)
			strftime(made, sizeof made, "%Y-%m-%dT%H:%M:%SZ", &tm);
		fputs(i ? ",\n{\"id\": " : "\n{\"id\": ", stdout);
		json_str(e[i].id);
		fputs(", \"kind\": ", stdout);
		json_str(r ? e[i].kind : NULL);
		fputs(", \"made\": ", stdout);
		json_str(made[0] ? made : NULL);
		fputs(", \"data\": ", stdout);
		json_str(r ? e[i].data : NULL);
		if (r)
			printf(", \"train_limit\": %zu, \"test_limit\": %zu, "
			    "\"nscales\": %d, \"epochs\": %d", e[i].train_limit,
			    e[i].test_limit, e[i].nscales, e[i].epochs);
		else
			fputs(", \"train_limit\": null, \"test_limit\": null, "
			    "\"nscales\": null, \"epochs\": null", stdout);
		if (e[i].best_val >= 0.0)
			printf(", \"best_val\": %.6g", e[i].best_val);
		else
			fputs(", \"best_val\": null", stdout);
		printf(", \"seconds\": %.6g, \"bytes\": %lld, \"status\": ",
		    e[i].seconds, e[i].bytes);
		json_str(e[i].status);
		printf(", \"readable\": %s, \"finished\": %s, \"alive\": %s}",
		    r ? "true" : "false", e[i].finished ? "true" : "false",
		    e[i].alive ? "true" : "false");
	}
	fputs(n ? "\n]}\n" : "]}\n", stdout);
}

int
headless_runs(const cli_options *o)
{
	char           root[NT_PATH_LEN], err[NT_ERR_LEN];
	runlist_entry *e;
	int            n, rc = 0;

	if (run_root(o->runs_dir, root, sizeof root, err, sizeof err) != 0 ||
	    runlist_read(root, &e, &n, err, sizeof err) != 0) {
		fprintf(stderr, "noisetop: %s\n", err);
		return 1;
	}
	if (o->prune >= 0) {
		rc = prune_runs(root, e, n, o->prune);
		free(e);
		return rc;
	}
	if (o->runs_json) {
		print_json(root, e, n);
		free(e);
		return 0;
	}
	if (n == 0)
		printf("no runs in %s\n", root);
	else
		printf("%-24s  %-7s  %-16s  %-13s  %-13s  %8s  %5s  %s\n", "RUN",
		    "KIND", "DATE", "DATA", "TRAIN/TEST", "BEST VAL", "SIZE",
		    "STATUS");
	for (int i = 0; i < n; i++) {
		char      date[32] = "-", lim[48] = "-", best[16] = "-", size[16];
		struct tm tm;

		if (e[i].made != 0 && localtime_r(&e[i].made, &tm) != NULL)
			strftime(date, sizeof date, "%Y-%m-%d %H:%M", &tm);
		if (e[i].readable)
			snprintf(lim, sizeof lim, "%zu/%zu", e[i].train_limit,
			    e[i].test_limit);
		if (e[i].best_val >= 0.0)
			snprintf(best, sizeof best, "%.2f%%",
			    100.0 * e[i].best_val);
		human_bytes(e[i].bytes, size, sizeof size);
		printf("%-24s  %-7s  %-16s  %-13s  %-13s  %8s  %5s  %s\n",
		    e[i].id, e[i].readable ? e[i].kind : "?", date,
		    e[i].readable ? e[i].data : "?", lim, best, size,
		    e[i].status);
	}
	free(e);
	return 0;
}

int
headless_rm(const cli_options *o)
{
	char root[NT_PATH_LEN], err[NT_ERR_LEN];
	int  rc = 0;

	if (run_root(o->runs_dir, root, sizeof root, err, sizeof err) != 0) {
		fprintf(stderr, "noisetop: %s\n", err);
		return 1;
	}
	for (int i = 0; i < o->nargs; i++) {
		if (runlist_remove(root, o->args[i], err, sizeof err) != 0) {
			fprintf(stderr, "noisetop: %s\n", err);
			rc = 1;
		} else
			printf("removed %s\n", o->args[i]);
	}
	return rc;
}

int
headless_merge(const cli_options *o)
{
	char  root[NT_PATH_LEN], err[NT_ERR_LEN];
	run  *r = calloc(1, sizeof *r);
	int   missing = 0, rc = 1;

	if (r == NULL) {
		fprintf(stderr, "noisetop: out of memory\n");
		return 1;
	}
	if (run_root(o->runs_dir, root, sizeof root, err, sizeof err) != 0 ||
	    run_open(r, root, o->resume, err, sizeof err) != 0 ||
	    run_merge(r, r->conf.source, &missing, err, sizeof err) != 0)
		fprintf(stderr, "noisetop: %s\n", err);
	else if (missing > 0)
		fprintf(stderr, "noisetop: run %s: %d of %d rows are not done "
		    "yet (see 'noisetop runs'); nothing merged\n", r->id,
		    missing, sweep_plan_rows(&r->conf.plan));
	else {
		printf("merged run %s: %d rows; results in %s\n", r->id,
		    sweep_plan_rows(&r->conf.plan), r->dir);
		rc = 0;
	}
	free(r);
	return rc;
}
