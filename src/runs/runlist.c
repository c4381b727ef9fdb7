/* Listing runs with what a person needs to choose one, and removing them. */
#include "runs/runlist.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/file.h"
#include "runs/results.h"
#include "runs/claim.h"
#include "runs/run.h"

static int
add_line(const results_line *l, void *user)
{
	runlist_entry *e = user;

	if (l->val_acc > e->best_val)
		e->best_val = l->val_acc;
	e->seconds += l->seconds;
	return 0;
}

/* Best val accuracy and seconds so far, from results.csv (by header name,
 * so that added columns do not matter). */
static void
read_results(const char *dir, runlist_entry *e)
{
	char path[NT_PATH_LEN + 400], err[NT_ERR_LEN];

	e->best_val = -1.0;
	snprintf(path, sizeof path, "%s/results.csv", dir);
	results_read_csv(path, add_line, e, err, sizeof err);
}

/* The run's grid in a few words: "gaussian fixed, 2 seeds". */
static void
describe_grid(const sweep_plan *p, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (int k = 0; k < p->ncorruptions && n < len; k++)
		n += (size_t)snprintf(out + n, len - n, "%s%s", k ? "+" : "",
		    corrupt_name(p->corruptions[k]));
	if (n < len)
		snprintf(out + n, len - n, " %s, %d seed%s",
		    sweep_mode_name(p->mode), p->nseeds, p->nseeds == 1 ? "" :
		    "s");
}

/* Bytes of the plain files in dir. */
static long long
dir_bytes(const char *dir)
{
	DIR           *d = opendir(dir);
	struct dirent *de;
	long long      sum = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char        path[NT_PATH_LEN + 600];
		struct stat st;

		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			sum += (long long)st.st_blocks * 512;
	}
	closedir(d);
	return sum;
}

/* The data set's short name from the run's source line; the sets' keys,
 * "mnist+fashion", for a run over several. */
static void
short_data(const run_config *c, char *out, size_t outlen)
{
	const char *s = c->source;

	if (c->plan.ndatasets > 1) {
		out[0] = '\0';
		for (int d = 0; d < c->plan.ndatasets; d++)
			snprintf(out + strlen(out), outlen - strlen(out), "%s%s",
			    d ? "+" : "", dataset_info_of(c->plan.datasets[d])->key);
	} else if (c->synthetic)
		snprintf(out, outlen, "SYNTHETIC");
	else if (strncmp(s, "Fashion-MNIST", 13) == 0)
		snprintf(out, outlen, "Fashion-MNIST");
	else
		snprintf(out, outlen, "%.*s", (int)strcspn(s, " ("), s);
}

/*
 * A sharded run not merged yet: how its shards stand, from their own
 * state files, and how many rows are done (a done row has row-R.txt).
 */
static void
shard_status(const char *dir, const run *r, runlist_entry *e)
{
	run_state sh[64];
	char      err[NT_ERR_LEN], path[NT_PATH_LEN + 400];
	int       n = run_read_shards(dir, sh, 64, err, sizeof err);
	int       nrows = sweep_plan_rows(&r->conf.plan), done = 0;
	int       fin = 0, live = 0, away = 0, gone = 0, stopped = 0;
	int       silent = 0;
	char      quiet[32] = "";
	int       nshards = n > 0 ? sh[0].nshards : 0;

	for (int i = 0; i < nrows; i++) {
		snprintf(path, sizeof path, "%s/row-%d.txt", dir, i);
		done += access(path, F_OK) == 0;
	}
	for (int i = 0; i < n; i++) {
		if (strcmp(sh[i].state, "finished") == 0)
			fin++;
		else if (sh[i].alive)
			live++;
		else if (sh[i].elsewhere)
			away++;
		/* Not seen gone: another host's lease ran out. */
		else if (strcmp(sh[i].state, "running") == 0 &&
		    sh[i].claim.status == CLAIM_STALE)
			silent++;
		else if (strcmp(sh[i].state, "running") == 0)
			gone++;
		else
			stopped++;
	}
	e->alive = live > 0;
	e->elsewhere = away > 0;
	if (silent > 0)
		snprintf(quiet, sizeof quiet, "%d silent, ", silent);
	snprintf(e->status, sizeof e->status, "shards %d/%d done, %d "
	    "running, %d elsewhere, %s%d gone, %d stopped, %d not started; "
	    "rows %d/%d%s", fin, nshards, live, away, quiet, gone, stopped,
	    nshards - n > 0 ? nshards - n : 0, done, nrows, done == nrows ?
	    ": merge" : "");
}

/* The host a run is written on now: its claim's, or (a run from before
 * claims) its state file's. */
static const char *
away_host(const run_state *st)
{
	return st->claim.status != CLAIM_NONE ? st->claim.who.host : st->host;
}

static const char *
away_seen(const run_state *st, char *buf, size_t len)
{
	if (st->claim.status == CLAIM_NONE)
		snprintf(buf, len, "no claim: a version before claims");
	else
		snprintf(buf, len, "seen %ld s ago", st->claim.age);
	return buf;
}

/* Why a run whose state says running is not: its process is gone (on
 * this host, where that can be seen), or another host's lease ran out,
 * which says nothing of a process this host cannot see. */
static const char *
why_stopped(const run_state *st, char *buf, size_t len)
{
	if (st->claim.status == CLAIM_STALE)
		snprintf(buf, len, " (no word from %.60s for %ld s)",
		    st->claim.who.host[0] != '\0' ? st->claim.who.host :
		    "its host", st->claim.age);
	else
		snprintf(buf, len, " (process gone)");
	return buf;
}

static void
summarise(const char *root, const char *name, runlist_entry *e)
{
	char        dir[NT_PATH_LEN + 300], msg[NT_ERR_LEN], path[NT_PATH_LEN + 320];
	char        note[96];
	run        *r = malloc(sizeof *r);
	run_state   st;
	struct stat sb;

	memset(e, 0, sizeof *e);
	snprintf(e->id, sizeof e->id, "%s", name);
	snprintf(dir, sizeof dir, "%s/%s", root, name);
	snprintf(path, sizeof path, "%s/config.txt", dir);
	if (stat(path, &sb) == 0)
		e->made = sb.st_mtim.tv_sec;
	e->bytes = dir_bytes(dir);
	e->best_val = -1.0;
	if (r == NULL) {
		snprintf(e->status, sizeof e->status, "unreadable: out of "
		    "memory");
		return;
	}
	if (run_open(r, root, name, msg, sizeof msg) != 0 ||
	    run_read_state(dir, &st, msg, sizeof msg) != 0) {
		/* The message names the file; the listing names the run. */
		const char *why = strstr(msg, name);

		snprintf(e->status, sizeof e->status, "unreadable: %.140s",
		    why != NULL ? why + strlen(name) + (why[strlen(name)] ==
		    '/') : msg);
		free(r);
		return;
	}
	e->readable = 1;
	snprintf(e->kind, sizeof e->kind, "%s", r->conf.kind);
	short_data(&r->conf, e->data, sizeof e->data);
	e->train_limit = r->conf.train_limit;
	e->test_limit = r->conf.test_limit;
	e->nscales = r->conf.plan.nscales;
	e->epochs = r->conf.cfg.epochs;
	describe_grid(&r->conf.plan, e->grid, sizeof e->grid);
	e->alive = st.alive;
	e->elsewhere = st.elsewhere;
	e->finished = strcmp(st.state, "finished") == 0;
	read_results(dir, e);
	if (st.nshards > 1 && !e->finished)
		shard_status(dir, r, e);
	else if (e->finished)
		snprintf(e->status, sizeof e->status, "finished (%d %s%s, "
		    "%d epoch%s)", st.nrows, st.nrows == r->conf.plan.nscales ?
		    "scale" : "row", st.nrows == 1 ? "" : "s", st.epochs,
		    st.epochs == 1 ? "" : "s");
	else if (st.alive)
		snprintf(e->status, sizeof e->status, "running (pid %ld): "
		    "scale %g, epoch %d/%d", st.pid, (double)sweep_plan_scale(&r->conf.plan, st.row), st.epoch, st.epochs);
	else if (st.elsewhere)
		snprintf(e->status, sizeof e->status, "running on %.60s "
		    "(%.40s): scale %g, epoch %d/%d", away_host(&st),
		    away_seen(&st, note, sizeof note),
		    (double)sweep_plan_scale(&r->conf.plan, st.row), st.epoch,
		    st.epochs);
	else
		snprintf(e->status, sizeof e->status, "interrupted at scale %g "
		    "(%d of %d), epoch %d/%d%s", (double)sweep_plan_scale(&r->conf.plan, st.row), st.row + 1, st.nrows,
		    st.epoch, st.epochs, strcmp(st.state, "running") != 0 ?
		    "" : why_stopped(&st, note, sizeof note));
	free(r);
}

int
runlist_read(const char *root, runlist_entry **out, int *n, char *err,
    size_t errlen)
{
	char **names = run_names(root, n, err, errlen);

	*out = NULL;
	if (names == NULL)
		return -1;
	if ((*out = calloc((size_t)*n + 1, sizeof **out)) == NULL) {
		run_names_free(names, *n);
		*n = 0;
		return err_set(err, errlen, "%s: out of memory", root);
	}
	for (int i = 0; i < *n; i++)
		summarise(root, names[i], &(*out)[i]);
	run_names_free(names, *n);
	return 0;
}

/*
 * Is entry n of a run directory (st its lstat) a report folder that
 * noisetop report or the dashboard's e wrote: "report" or "report-K",
 * holding only plain files?  With del, its files and itself are removed
 * (0, or -1 with a message).
 */
static int
report_folder(const char *path, const char *n, const struct stat *st,
    int del, char *err, size_t errlen)
{
	char           f[NT_PATH_LEN + 900];
	struct stat    fs;
	DIR           *d;
	struct dirent *de;
	int            ok = 1;

	if (!S_ISDIR(st->st_mode) || strncmp(n, "report", 6) != 0 ||
	    (n[6] != '\0' && (n[6] != '-' || n[7] == '\0' ||
	    strspn(n + 7, "0123456789") != strlen(n + 7))))
		return 0;
	if ((d = opendir(path)) == NULL)
		return del ? err_set(err, errlen, "%s: %s", path,
		    strerror(errno)) : 0;
	while (ok && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(f, sizeof f, "%s/%s", path, de->d_name);
		if (!del)
			ok = lstat(f, &fs) == 0 && S_ISREG(fs.st_mode);
		else if (unlink(f) != 0) {
			err_set(err, errlen, "%s: %s", f, strerror(errno));
			ok = 0;
		}
	}
	closedir(d);
	if (!del)
		return ok;
	if (ok && rmdir(path) != 0)
		return err_set(err, errlen, "%s: %s", path, strerror(errno));
	return ok ? 0 : -1;
}

/* Remove run name's files in dir but keep, its own claim (removed last).
 * Only plain files and report folders (report_folder): a run directory
 * holds nothing else, so anything more means this is not one of ours,
 * and nothing is removed. */
static int
remove_files(const char *dir, const char *name, const char *keep, char *err,
    size_t errlen)
{
	char           path[NT_PATH_LEN + 600];
	struct stat    st;
	DIR           *d;
	struct dirent *de;

	if ((d = opendir(dir)) == NULL)
		return err_set(err, errlen, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (lstat(path, &st) != 0 || (!S_ISREG(st.st_mode) &&
		    report_folder(path, de->d_name, &st, 0, err, errlen) != 1)) {
			closedir(d);
			return err_set(err, errlen, "%s: not a plain file; run "
			    "%s left as it is", path, name);
		}
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (report_folder(path, de->d_name, &st, 1, err,
			    errlen) != 0) {
				closedir(d);
				return -1;
			}
		} else if (strcmp(path, keep) != 0 && unlink(path) != 0) {
			int e2 = errno;

			closedir(d);
			return err_set(err, errlen, "%s: %s", path,
			    strerror(e2));
		}
	}
	closedir(d);
	return 0;
}

int
runlist_remove(const char *root, const char *name, char *err, size_t errlen)
{
	char           dir[NT_PATH_LEN + 300], path[NT_PATH_LEN + 600];
	runlist_entry  e;
	struct stat    st;
	claim          c;
	claim_info     holder;
	int            rc;

	if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL)
		return err_set(err, errlen, "'%s': not the name of a run in %s",
		    name, root);
	snprintf(dir, sizeof dir, "%s/%s", root, name);
	snprintf(path, sizeof path, "%s/config.txt", dir);
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    lstat(path, &st) != 0)
		return err_set(err, errlen, "no run named %s in %s", name, root);
	/*
	 * Removing is writing: the remover claims the whole run first, which
	 * any live claim (the run's or a shard's, on any host) refuses, and
	 * which makes a resume started meanwhile refuse in turn.  A stale
	 * claim is taken over and removed with the rest.
	 */
	if ((rc = claim_take(&c, dir, 0, &holder, err, errlen)) != 0) {
		char who[300];

		if (rc < 0)
			return -1;
		claim_describe(&holder, who, sizeof who);
		if (holder.shard > 0)
			return err_set(err, errlen, "run %s is still running "
			    "(shard %d: %s): %s", name, holder.shard, who,
			    holder.status == CLAIM_HERE ? "stop it first" :
			    "not removed");
		return err_set(err, errlen, "run %s is still running (%s): %s",
		    name, who, holder.status == CLAIM_HERE ? "stop it first" :
		    "not removed");
	}
	/* A run from before claims: its state file's pid. */
	summarise(root, name, &e);
	if (e.alive) {
		claim_release(&c);
		return err_set(err, errlen, "run %s is still running (%s): "
		    "stop it first", name, e.status);
	}
	rc = remove_files(dir, name, c.path, err, errlen);
	claim_release(&c);
	if (rc == 0 && rmdir(dir) != 0)
		return err_set(err, errlen, "%s: %s", dir, strerror(errno));
	return rc;
}
