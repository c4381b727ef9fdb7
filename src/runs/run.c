/* Run directories: configuration, state, results and checkpoints. */
#include "runs/run.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "data/corrupt.h"
#include "base/err.h"
#include "base/file.h"
#include "base/kv.h"
#include "runs/results.h"
#include "runs/run_priv.h"


/* mkdir -p */
static int
make_dirs(const char *path, char *err, size_t errlen)
{
	char buf[4096];

	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return err_set(err, errlen, "%s: path too long", path);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0755) != 0 && errno != EEXIST)
				return err_set(err, errlen, "%s: cannot create: %s",
				    buf, strerror(errno));
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

int
run_root(const char *dir, char *out, size_t outlen, char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");

	if (dir != NULL && *dir != '\0')
		snprintf(out, outlen, "%s", dir);
	else if (xdg != NULL && *xdg == '/')
		snprintf(out, outlen, "%s/noisetop/runs", xdg);
	else if (home != NULL && *home != '\0')
		snprintf(out, outlen, "%s/.local/share/noisetop/runs", home);
	else
		return err_set(err, errlen, "no place for runs: set HOME, "
		    "XDG_DATA_HOME or pass --runs DIR");
	return make_dirs(out, err, errlen);
}

static uint32_t
crc_bytes(uint32_t crc, const uint8_t *p, size_t n)
{
	while (n > 0) {
		uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt)n;

		crc = (uint32_t)crc32(crc, p, chunk);
		p += chunk;
		n -= chunk;
	}
	return crc;
}

uint32_t
run_data_crc(const dataset *ds)
{
	uint32_t crc = (uint32_t)crc32(0L, Z_NULL, 0);

	crc = crc_bytes(crc, ds->train.pix, ds->train.n * DATASET_NPIX);
	crc = crc_bytes(crc, ds->train.label, ds->train.n);
	crc = crc_bytes(crc, ds->test.pix, ds->test.n * DATASET_NPIX);
	return crc_bytes(crc, ds->test.label, ds->test.n);
}

int
run_create(run *r, const char *root, const run_config *conf, char *err,
    size_t errlen)
{
	time_t    now = time(NULL);
	struct tm tm;
	char      stamp[64];

	if (r == NULL || conf == NULL)
		return err_set(err, errlen, "run_create: no run");
	memset(r, 0, sizeof *r);
	r->conf = *conf;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	for (int k = 1; ; k++) {
		if (k == 1)
			snprintf(r->id, sizeof r->id, "%s-%s", stamp,
			    conf->kind);
		else
			snprintf(r->id, sizeof r->id, "%s-%s-%d", stamp,
			    conf->kind, k);
		snprintf(r->dir, sizeof r->dir, "%s/%s", root, r->id);
		if (mkdir(r->dir, 0755) == 0)
			break;
		if (errno != EEXIST || k == 100)
			return err_set(err, errlen, "%s: cannot create: %s",
			    r->dir, strerror(errno));
	}
	/* A new directory: nobody else holds it, but every writer claims
	 * its run, so that rm and resume elsewhere see it is written. */
	if (run_claim(r, err, errlen) != 0)
		return -1;
	if (run_write_config(r, err, errlen) != 0 ||
	    run_write_state(r, "running", 0, sweep_plan_rows(&conf->plan), 0,
	    conf->cfg.epochs, err, errlen) != 0) {
		run_release(r);
		return -1;
	}
	return 0;
}

/* The first to come writes config.txt; the others check it is theirs. */
static int
joined_config(const run *r, const char *id, char *err, size_t errlen)
{
	char  want[16384], path[NT_PATH_LEN + 300], *have;

	if (run_format_config(r, want, sizeof want, err, errlen) != 0)
		return -1;
	/*
	 * The first shard writes config.txt; every other one finds it and
	 * checks that it runs the same grid (same text), so two different
	 * sweeps never share a directory.  Two first shards at once write
	 * the same bytes, each renamed into place whole.
	 */
	snprintf(path, sizeof path, "%s/config.txt", r->dir);
	if (access(path, F_OK) == 0) {
		int same;

		if ((have = kv_read(path, RUN_FILE_MAX, err, errlen)) == NULL)
			return -1;
		same = strcmp(have, want) == 0;
		free(have);
		if (!same)
			return err_set(err, errlen, "%s: run %s exists with other "
			    "options or data; give another --run-id", path, id);
	} else if (run_write_file(r->dir, "config.txt", want, err, errlen) != 0)
		return -1;
	return 0;
}

int
run_create_named(run *r, const char *root, const char *id,
    const run_config *conf, int shard, int nshards, char *err,
    size_t errlen)
{
	memset(r, 0, sizeof *r);
	r->conf = *conf;
	r->shard = nshards > 1 ? shard : 0;
	r->nshards = nshards > 1 ? nshards : 0;
	/* Threads are each process's own: results do not depend on them,
	 * and shards on other machines may use other counts. */
	if (r->nshards > 1)
		r->conf.cfg.threads = 0;
	if (snprintf(r->id, sizeof r->id, "%s", id) >= (int)sizeof r->id ||
	    snprintf(r->dir, sizeof r->dir, "%s/%s", root, id) >=
	    (int)sizeof r->dir)
		return err_set(err, errlen, "%s: name too long", id);
	if (mkdir(r->dir, 0755) != 0 && errno != EEXIST)
		return err_set(err, errlen, "%s: cannot create: %s", r->dir,
		    strerror(errno));
	/* The shard (or the named run) before any of its files: a second
	 * process started for it stops here, having written nothing. */
	if (run_claim(r, err, errlen) != 0)
		return -1;
	if (joined_config(r, id, err, errlen) != 0 ||
	    run_write_state(r, "running", 0, sweep_plan_rows(&conf->plan), 0,
	    conf->cfg.epochs, err, errlen) != 0) {
		run_release(r);
		return -1;
	}
	return 0;
}

/* A run directory and when its config.txt was written (its creation). */
struct run_entry {
	char           *name;
	struct timespec made;
};

static int
newest_first(const void *a, const void *b)
{
	const struct run_entry *x = a, *y = b;

	if (x->made.tv_sec != y->made.tv_sec)
		return x->made.tv_sec < y->made.tv_sec ? 1 : -1;
	if (x->made.tv_nsec != y->made.tv_nsec)
		return x->made.tv_nsec < y->made.tv_nsec ? 1 : -1;
	return strcmp(y->name, x->name);
}

char **
run_names(const char *root, int *n, char *err, size_t errlen)
{
	DIR              *d = opendir(root);
	struct dirent    *e;
	struct run_entry *ents = NULL;
	char            **names;
	int               cap = 0;

	*n = 0;
	if (d == NULL) {
		err_set(err, errlen, "%s: %s", root, strerror(errno));
		return NULL;
	}
	while ((e = readdir(d)) != NULL) {
		char        path[4400];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s/config.txt", root,
		    e->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (*n == cap) {
			struct run_entry *ne = realloc(ents,
			    (size_t)(cap = cap * 2 + 16) * sizeof *ne);
			if (ne == NULL)
				break;
			ents = ne;
		}
		if ((ents[*n].name = strdup(e->d_name)) != NULL) {
			ents[*n].made = st.st_mtim;
			(*n)++;
		}
	}
	closedir(d);
	if (*n > 0)
		qsort(ents, (size_t)*n, sizeof *ents, newest_first);
	if ((names = calloc((size_t)*n + 1, sizeof *names)) == NULL) {
		for (int i = 0; i < *n; i++)
			free(ents[i].name);
		free(ents);
		err_set(err, errlen, "%s: out of memory", root);
		return NULL;
	}
	for (int i = 0; i < *n; i++)
		names[i] = ents[i].name;
	free(ents);
	return names;
}

void
run_names_free(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
run_latest(const char *root, char *name, size_t namelen, struct timespec *mt,
    char *err, size_t errlen)
{
	char      **names;
	int         n, found = 0;
	struct stat st;

	if ((names = run_names(root, &n, err, errlen)) == NULL)
		return -1;
	if (n > 0) {
		char dir[NT_PATH_LEN + 300];

		found = snprintf(name, namelen, "%s", names[0]) < (int)namelen;
		snprintf(dir, sizeof dir, "%s/%s", root, names[0]);
		/* A file renamed into the directory changes its mtime. */
		if (mt != NULL) {
			if (stat(dir, &st) == 0)
				*mt = st.st_mtim;
			else
				memset(mt, 0, sizeof *mt);
		}
	}
	run_names_free(names, n);
	if (!found)
		return err_set(err, errlen, "no run in %s", root);
	return 0;
}

int
run_newest(const char *root, int finished_too, char *name, size_t namelen,
    char *err, size_t errlen)
{
	char **names;
	int    n, found = 0;

	if ((names = run_names(root, &n, err, errlen)) == NULL)
		return -1;
	for (int i = 0; i < n && !found; i++) {
		char      dir[4400];
		run_state st;

		snprintf(dir, sizeof dir, "%s/%s", root, names[i]);
		if (run_read_state(dir, &st, NULL, 0) == 0 && !st.alive &&
		    !st.elsewhere &&
		    (finished_too || strcmp(st.state, "finished") != 0))
			found = snprintf(name, namelen, "%s", names[i]) <
			    (int)namelen;
	}
	run_names_free(names, n);
	if (!found)
		return err_set(err, errlen, "no %srun in %s", finished_too ?
		    "" : "interrupted ", root);
	return 0;
}

int
run_open(run *r, const char *root, const char *name, char *err,
    size_t errlen)
{
	memset(r, 0, sizeof *r);
	if (name == NULL || *name == '\0') {
		char newest[256];

		if (run_newest(root, 0, newest, sizeof newest, err,
		    errlen) != 0)
			return -1;
		if (snprintf(r->dir, sizeof r->dir, "%s/%s", root, newest) >=
		    (int)sizeof r->dir)
			return err_set(err, errlen, "%s: path too long", root);
		snprintf(r->id, sizeof r->id, "%s", newest);
	} else {
		const char *slash;

		int len = strchr(name, '/') != NULL ?
		    snprintf(r->dir, sizeof r->dir, "%s", name) :
		    snprintf(r->dir, sizeof r->dir, "%s/%s", root, name);

		if (len < 0 || len >= (int)sizeof r->dir)
			return err_set(err, errlen, "%s: path too long", name);
		slash = strrchr(r->dir, '/');
		if (snprintf(r->id, sizeof r->id, "%s", slash ? slash + 1 :
		    r->dir) >= (int)sizeof r->id)
			return err_set(err, errlen, "%s: name too long", name);
		if (access(r->dir, F_OK) != 0)
			return strchr(name, '/') != NULL ?
			    err_set(err, errlen, "%s: no such run directory",
			    name) : err_set(err, errlen, "no run named %s in %s",
			    name, root);
	}
	return run_read_config(r, err, errlen);
}

int
run_claim(run *r, char *err, size_t errlen)
{
	char msg[NT_ERR_LEN];
	int  rc = claim_take(&r->claim, r->dir, r->nshards > 1 ? r->shard : 0,
	    NULL, msg, sizeof msg);

	if (rc > 0)
		return err_set(err, errlen, "%s: it is not started a second "
		    "time", msg);
	return rc < 0 ? err_set(err, errlen, "%s", msg) : 0;
}

void
run_release(run *r)
{
	if (r != NULL)
		claim_release(&r->claim);
}

int
run_lost(const run *r, char *err, size_t errlen)
{
	struct stat st;

	/* Claimed or not (a copy, a run made before claims), a run whose
	 * directory is gone cannot be written. */
	if (r->dir[0] != '\0' && stat(r->dir, &st) != 0 && errno == ENOENT) {
		err_set(err, errlen, "run directory %s was removed while this "
		    "process was writing it: nothing more of the run is saved",
		    r->dir);
		return 1;
	}
	return claim_lost(&r->claim, err, errlen);
}

/* run_record's writes, at an epoch end or a row's start or end. */
static int
record(run *r, const sweep_progress *p, const char *source, char *err,
    size_t errlen)
{
	const train_progress *tp = p->progress;
	const sweep_row      *row = &p->table->rows[p->row];

	if (tp != NULL) {
		char path[4400];

		snprintf(path, sizeof path, "%s/ckpt-%d.bin", r->dir, p->row);
		if (checkpoint_save(path, tp->model, tp->opt, tp->hist,
		    tp->nhist, row->seed, row->scale, p->table->cfg.epochs,
		    err, errlen) != 0)
			return -1;
	} else if (row->state == SWEEP_DONE &&
	    run_write_matrix_row(r, p->table, p->row, err, errlen) != 0)
		return -1;
	/* A shard leaves the shared results to the merge. */
	if (r->nshards <= 1 && run_write_results(r, p->table, source, err,
	    errlen) != 0)
		return -1;
	return run_write_state(r, "running", p->row, p->table->n,
	    tp != NULL ? tp->nhist : row->nhist, p->table->cfg.epochs, err,
	    errlen);
}

int
run_record(run *r, const sweep_progress *p, const char *source, char *err,
    size_t errlen)
{
	const train_progress *tp = p->progress;
	int                   writes = tp == NULL || tp->event == TRAIN_EPOCH;

	/* Renewed before every write (a holder that lost its claim writes
	 * nothing more), and between them often enough that the lease is
	 * never near the timeout while this process trains. */
	if (claim_renew(&r->claim, writes, err, errlen) != 0)
		return -1;
	if (!writes)
		return 0;
	if (record(r, p, source, err, errlen) != 0) {
		/* A vanished directory fails every write: say that, not
		 * "No such file or directory" of a temporary file. */
		run_lost(r, err, errlen);
		return -1;
	}
	return 0;
}

int
run_finish(run *r, const sweep_table *t, const char *source, int interrupted,
    char *err, size_t errlen)
{
	int row = 0, epoch = 0;

	if (run_lost(r, err, errlen))
		return -1;
	for (int i = 0; i < t->n; i++)
		if (t->rows[i].nhist > 0) {
			row = i;
			epoch = t->rows[i].nhist;
		}
	if (r->nshards > 1) {
		if (run_write_state(r, interrupted ? "interrupted" : "finished",
		    row, t->n, epoch, t->cfg.epochs, err, errlen) != 0)
			return -1;
		/* The last shard to finish assembles the run. */
		return interrupted ? 0 : run_merge(r, source, NULL, err, errlen);
	}
	if (run_write_results(r, t, source, err, errlen) != 0)
		return -1;
	return run_write_state(r, interrupted ? "interrupted" : "finished", row,
	    t->n, epoch, t->cfg.epochs, err, errlen);
}

int
run_merge(run *r, const char *source, int *missing, char *err, size_t errlen)
{
	sweep_table t;
	checkpoint  ck;
	run         whole = *r;
	int         left = 0, rc;

	if (missing != NULL)
		*missing = 0;
	whole.shard = whole.nshards = 0;
	if (run_restore(&whole, &t, 1, 1, &ck, err, errlen) != 0) {
		sweep_table_free(&t);
		return -1;
	}
	checkpoint_free(&ck);
	for (int i = 0; i < t.n; i++)
		left += t.rows[i].state != SWEEP_DONE;
	if (missing != NULL)
		*missing = left;
	/* Not every shard is done: nothing to assemble yet. */
	if (left > 0) {
		sweep_table_free(&t);
		return 0;
	}
	/* The same files, from the same bytes, as an unsharded run writes. */
	rc = run_write_results(&whole, &t, source, err, errlen);
	if (rc == 0)
		rc = run_write_state(&whole, "finished", t.n - 1, t.n,
		    t.cfg.epochs, t.cfg.epochs, err, errlen);
	sweep_table_free(&t);
	return rc;
}

int
run_interrupt(run *r, char *err, size_t errlen)
{
	run_state st;

	if (run_lost(r, err, errlen) ||
	    run_read_state(r->dir, &st, err, errlen) != 0)
		return -1;
	return run_write_state(r, "interrupted", st.row, st.nrows, st.epoch,
	    st.epochs, err, errlen);
}

/*
 * run_restore's and run_restore_all's work: every unfinished row of the
 * shard with a checkpoint continues from it into cks[row] when cks is not
 * NULL, else only the first, into *ck.
 */
static int
restore(const run *r, sweep_table *t, int shard, int nshards,
    checkpoint *ck, checkpoint *cks, char *err, size_t errlen)
{
	const run_config *c = &r->conf;

	memset(ck, 0, sizeof *ck);
	if (sweep_table_init(t, &c->cfg, &c->plan, err, errlen) != 0)
		return -1;
	/*
	 * Every row with a checkpoint: the finished ones get their history
	 * and matrix row; the first unfinished one continues (each one, with
	 * cks); any other is trained again.  Rows are not contiguous when
	 * shards wrote them.
	 */
	for (int i = 0; i < t->n; i++) {
		char       path[4400];
		checkpoint one;
		sweep_row *row = &t->rows[i];

		snprintf(path, sizeof path, "%s/ckpt-%d.bin", r->dir, i);
		if (access(path, F_OK) != 0)
			continue;
		if (checkpoint_load(path, &one, err, errlen) != 0)
			return -1;
		if (one.nlayer != c->cfg.nlayer ||
		    memcmp(one.size, c->cfg.size, (size_t)(c->cfg.nlayer + 1) *
		    sizeof(int)) != 0 || one.seed != row->seed ||
		    one.scale != row->scale || one.epochs != c->cfg.epochs) {
			checkpoint_free(&one);
			return err_set(err, errlen, "%s: does not match the run's "
			    "configuration (shapes, seed, scale or epochs)",
			    path);
		}
		/*
		 * Done: every epoch in the checkpoint and, since the matrix,
		 * the row's file, written after its last checkpoint.  Between
		 * the two (a kill, or a shard merging while another finishes)
		 * the row continues from its last checkpoint with no epoch
		 * left, which only evaluates it.
		 */
		snprintf(path, sizeof path, "%s/row-%d.txt", r->dir, i);
		if (one.nhist == c->cfg.epochs && (!c->matrix ||
		    access(path, F_OK) == 0)) {
			memcpy(row->hist, one.hist, (size_t)one.nhist *
			    sizeof *one.hist);
			row->nhist = one.nhist;
			row->state = SWEEP_DONE;
			checkpoint_free(&one);
			if (run_read_matrix_row(r, t, i, err, errlen) != 0)
				return -1;
			continue;
		}
		if ((cks == NULL && ck->param != NULL) ||
		    !sweep_in_shard(i, shard, nshards)) {
			checkpoint_free(&one);
			continue;
		}
		memcpy(row->hist, one.hist, (size_t)one.nhist *
		    sizeof *one.hist);
		row->nhist = one.nhist;
		if (cks != NULL)
			cks[i] = one;
		else
			*ck = one;
	}
	return 0;
}

int
run_restore(const run *r, sweep_table *t, int shard, int nshards,
    checkpoint *ck, char *err, size_t errlen)
{
	return restore(r, t, shard, nshards, ck, NULL, err, errlen);
}

int
run_restore_all(const run *r, sweep_table *t, int shard, int nshards,
    checkpoint **cks, char *err, size_t errlen)
{
	int        n = sweep_plan_rows(&r->conf.plan);
	checkpoint none;

	*cks = calloc((size_t)(n > 0 ? n : 1), sizeof **cks);
	if (*cks == NULL) {
		memset(t, 0, sizeof *t);
		return err_set(err, errlen, "out of memory");
	}
	if (restore(r, t, shard, nshards, &none, *cks, err, errlen) == 0)
		return 0;
	for (int i = 0; i < n; i++)
		checkpoint_free(&(*cks)[i]);
	free(*cks);
	*cks = NULL;
	return -1;
}
