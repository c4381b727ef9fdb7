/* Run directories: configuration, state, results and checkpoints. */
#include "run.h"

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

#include "err.h"
#include "file.h"
#include "results.h"

#define RUN_FILE_MAX 65536

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

static int
write_file(const char *dir, const char *name, const char *text, char *err,
    size_t errlen)
{
	char path[4400];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return results_write_atomic(path, text, strlen(text), err, errlen);
}

static int
write_config(const run *r, char *err, size_t errlen)
{
	const run_config *c = &r->conf;
	char              text[16384], *p = text;
	size_t            left = sizeof text;
	int               n;

#define ADD(...)                                                           \
	do {                                                               \
		n = snprintf(p, left, __VA_ARGS__);                        \
		if (n < 0 || (size_t)n >= left)                            \
			return err_set(err, errlen, "%s: configuration too "  \
			    "long", r->dir);                               \
		p += n;                                                    \
		left -= (size_t)n;                                         \
	} while (0)

	ADD("# noisetop run configuration\n");
	ADD("kind = %s\nversion = %s\n", c->kind, c->version);
	ADD("data_dir = %s\nsource = %s\nsynthetic = %d\n", c->data_dir,
	    c->source, c->synthetic);
	ADD("data_crc = %08x\n", c->data_crc);
	ADD("train_limit = %zu\ntest_limit = %zu\n", c->train_limit,
	    c->test_limit);
	ADD("layers = ");
	for (int l = 0; l <= c->cfg.nlayer; l++)
		ADD("%s%d", l ? "," : "", c->cfg.size[l]);
	ADD("\ndropout = %.9g\nlr = %.9g\nbatch = %d\nepochs = %d\n",
	    (double)c->cfg.dropout, (double)c->cfg.lr, c->cfg.batch,
	    c->cfg.epochs);
	ADD("seed = %llu\nthreads = %d\nnoise = %.9g\nscales = ",
	    (unsigned long long)c->cfg.seed, c->cfg.threads,
	    (double)c->cfg.noise);
	for (int i = 0; i < c->nscales; i++)
		ADD("%s%.9g", i ? "," : "", (double)c->scales[i]);
	ADD("\nprecision = %s\n", train_precision_name(c->cfg.precision));
#undef ADD
	return write_file(r->dir, "config.txt", text, err, errlen);
}

static int
write_state(const run *r, const char *state, int row, int nrows, int epoch,
    int epochs, char *err, size_t errlen)
{
	char text[512];

	snprintf(text, sizeof text, "state = %s\nrow = %d\nnrows = %d\n"
	    "epoch = %d\nepochs = %d\npid = %ld\n", state, row, nrows, epoch,
	    epochs, (long)getpid());
	return write_file(r->dir, "state.txt", text, err, errlen);
}

/* Read a small text file whole; NUL-terminated, caller frees. */
static char *
read_text(const char *path, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t   len;

	if (file_read(path, RUN_FILE_MAX, &buf, &len, err, errlen) != 0)
		return NULL;
	if (strlen((char *)buf) != len) {
		free(buf);
		err_set(err, errlen, "%s: contains a NUL byte", path);
		return NULL;
	}
	return (char *)buf;
}

/*
 * Call fn(key, value) for each "key = value" line of text; '#' lines and
 * blank lines are skipped.  Stops at the first error.
 */
static int
parse_lines(const char *path, char *text,
    int (*fn)(void *, const char *, const char *, char *, size_t),
    void *arg, char *err, size_t errlen)
{
	int   lineno = 0;
	char *save = NULL, msg[512];

	for (char *line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *eq;

		lineno++;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((eq = strstr(line, " = ")) == NULL)
			return err_set(err, errlen, "%s: line %d: not 'key = "
			    "value'", path, lineno);
		*eq = '\0';
		if (fn(arg, line, eq + 3, msg, sizeof msg) != 0)
			return err_set(err, errlen, "%s: line %d: %s", path,
			    lineno, msg);
	}
	return 0;
}

static int
num(const char *key, const char *v, double lo, double hi, double *out,
    char *err, size_t errlen)
{
	char  *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (end == v || *end != '\0' || errno != 0 || !isfinite(d) ||
	    d < lo || d > hi)
		return err_set(err, errlen, "%s '%s': not a number from %g to %g",
		    key, v, lo, hi);
	*out = d;
	return 0;
}

static int
int_list(const char *key, const char *v, int *out, int max, int *n,
    char *err, size_t errlen)
{
	char buf[512], *save = NULL;

	*n = 0;
	snprintf(buf, sizeof buf, "%s", v);
	for (char *t = strtok_r(buf, ",", &save); t != NULL;
	    t = strtok_r(NULL, ",", &save)) {
		double d = 0;

		if (*n == max)
			return err_set(err, errlen, "%s: too many values", key);
		if (num(key, t, 1, 65536, &d, err, errlen) != 0)
			return -1;
		out[(*n)++] = (int)d;
	}
	return 0;
}

static int
config_key(void *arg, const char *k, const char *v, char *err, size_t errlen)
{
	run_config *c = arg;
	double      d = 0;
	int         n;

	if (strcmp(k, "kind") == 0) {
		if (strcmp(v, "train") && strcmp(v, "compare") &&
		    strcmp(v, "sweep"))
			return err_set(err, errlen, "kind '%s' unknown", v);
		snprintf(c->kind, sizeof c->kind, "%s", v);
	} else if (strcmp(k, "version") == 0)
		snprintf(c->version, sizeof c->version, "%s", v);
	else if (strcmp(k, "data_dir") == 0)
		snprintf(c->data_dir, sizeof c->data_dir, "%s", v);
	else if (strcmp(k, "source") == 0)
		snprintf(c->source, sizeof c->source, "%s", v);
	else if (strcmp(k, "synthetic") == 0) {
		if (num(k, v, 0, 1, &d, err, errlen))
			return -1;
		c->synthetic = (int)d;
	} else if (strcmp(k, "data_crc") == 0) {
		char *end;
		unsigned long x = strtoul(v, &end, 16);

		if (end == v || *end != '\0' || x > 0xffffffffUL)
			return err_set(err, errlen, "data_crc '%s' is not hex", v);
		c->data_crc = (uint32_t)x;
	} else if (strcmp(k, "train_limit") == 0) {
		if (num(k, v, 0, 1e8, &d, err, errlen))
			return -1;
		c->train_limit = (size_t)d;
	} else if (strcmp(k, "test_limit") == 0) {
		if (num(k, v, 0, 1e8, &d, err, errlen))
			return -1;
		c->test_limit = (size_t)d;
	} else if (strcmp(k, "layers") == 0) {
		if (int_list(k, v, c->cfg.size, MLP_MAX_LAYERS + 1, &n, err,
		    errlen))
			return -1;
		if (n < 2)
			return err_set(err, errlen, "layers: need at least two "
			    "sizes");
		c->cfg.nlayer = n - 1;
	} else if (strcmp(k, "dropout") == 0) {
		if (num(k, v, 0, 0.95, &d, err, errlen))
			return -1;
		c->cfg.dropout = (float)d;
	} else if (strcmp(k, "lr") == 0) {
		if (num(k, v, 1e-12, 10, &d, err, errlen))
			return -1;
		c->cfg.lr = (float)d;
	} else if (strcmp(k, "batch") == 0) {
		if (num(k, v, 1, 65536, &d, err, errlen))
			return -1;
		c->cfg.batch = (int)d;
	} else if (strcmp(k, "epochs") == 0) {
		if (num(k, v, 1, TRAIN_MAX_EPOCHS, &d, err, errlen))
			return -1;
		c->cfg.epochs = (int)d;
	} else if (strcmp(k, "seed") == 0) {
		if (num(k, v, 0, 2147483647.0, &d, err, errlen))
			return -1;
		c->cfg.seed = (uint64_t)d;
	} else if (strcmp(k, "threads") == 0) {
		if (num(k, v, 0, 1024, &d, err, errlen))
			return -1;
		c->cfg.threads = (int)d;
	} else if (strcmp(k, "noise") == 0) {
		if (num(k, v, 0, 100, &d, err, errlen))
			return -1;
		c->cfg.noise = (float)d;
	} else if (strcmp(k, "precision") == 0) {
		/* absent in runs from before it: fp32, the default */
		if (strcmp(v, "fp32") == 0)
			c->cfg.precision = TRAIN_FP32;
		else if (strcmp(v, "bf16") == 0)
			c->cfg.precision = TRAIN_BF16;
		else
			return err_set(err, errlen, "precision '%s': must be "
			    "fp32 or bf16", v);
	} else if (strcmp(k, "scales") == 0) {
		if ((c->nscales = sweep_parse_scales(v, c->scales, err,
		    errlen)) < 0)
			return -1;
	} else
		return err_set(err, errlen, "unknown key '%s'", k);
	return 0;
}

static int
read_config(run *r, char *err, size_t errlen)
{
	char  path[4400], *text;
	int   rc;

	snprintf(path, sizeof path, "%s/config.txt", r->dir);
	if ((text = read_text(path, err, errlen)) == NULL)
		return -1;
	memset(&r->conf, 0, sizeof r->conf);
	train_config_default(&r->conf.cfg);
	r->conf.nscales = 0;
	rc = parse_lines(path, text, config_key, &r->conf, err, errlen);
	free(text);
	if (rc != 0)
		return -1;
	if (r->conf.kind[0] == '\0' || r->conf.nscales == 0)
		return err_set(err, errlen, "%s: kind or scales missing", path);
	if (r->conf.cfg.size[0] != DATASET_NPIX ||
	    r->conf.cfg.size[r->conf.cfg.nlayer] != 10)
		return err_set(err, errlen, "%s: layers must run from 784 to 10",
		    path);
	return 0;
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
	if (write_config(r, err, errlen) != 0)
		return -1;
	return write_state(r, "running", 0, conf->nscales, 0,
	    conf->cfg.epochs, err, errlen);
}

static int
state_key(void *arg, const char *k, const char *v, char *err, size_t errlen)
{
	run_state *s = arg;
	double     d = 0;

	if (strcmp(k, "state") == 0) {
		if (strcmp(v, "running") && strcmp(v, "interrupted") &&
		    strcmp(v, "finished"))
			return err_set(err, errlen, "state '%s' unknown", v);
		snprintf(s->state, sizeof s->state, "%s", v);
		return 0;
	}
	if (num(k, v, 0, 1e12, &d, err, errlen) != 0)
		return -1;
	if (strcmp(k, "row") == 0)
		s->row = (int)d;
	else if (strcmp(k, "nrows") == 0)
		s->nrows = (int)d;
	else if (strcmp(k, "epoch") == 0)
		s->epoch = (int)d;
	else if (strcmp(k, "epochs") == 0)
		s->epochs = (int)d;
	else if (strcmp(k, "pid") == 0)
		s->pid = (long)d;
	else
		return err_set(err, errlen, "unknown key '%s'", k);
	return 0;
}

int
run_read_state(const char *dir, run_state *st, char *err, size_t errlen)
{
	char path[4400], *text;
	int  rc;

	memset(st, 0, sizeof *st);
	snprintf(path, sizeof path, "%s/state.txt", dir);
	if ((text = read_text(path, err, errlen)) == NULL)
		return -1;
	rc = parse_lines(path, text, state_key, st, err, errlen);
	free(text);
	if (rc != 0)
		return -1;
	if (st->state[0] == '\0')
		return err_set(err, errlen, "%s: no state", path);
	st->alive = st->pid > 0 && strcmp(st->state, "running") == 0 &&
	    (kill((pid_t)st->pid, 0) == 0 || errno == EPERM);
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

/*
 * The run directory names under root, newest first by creation (names
 * carry whole seconds only, so two runs of one second need the file
 * times); caller frees with free_names().
 */
static char **
list_runs(const char *root, int *n, char *err, size_t errlen)
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

static void
free_names(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
run_newest(const char *root, int finished_too, char *name, size_t namelen,
    char *err, size_t errlen)
{
	char **names;
	int    n, found = 0;

	if ((names = list_runs(root, &n, err, errlen)) == NULL)
		return -1;
	for (int i = 0; i < n && !found; i++) {
		char      dir[4400];
		run_state st;

		snprintf(dir, sizeof dir, "%s/%s", root, names[i]);
		if (run_read_state(dir, &st, NULL, 0) == 0 && !st.alive &&
		    (finished_too || strcmp(st.state, "finished") != 0))
			found = snprintf(name, namelen, "%s", names[i]) <
			    (int)namelen;
	}
	free_names(names, n);
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
	}
	return read_config(r, err, errlen);
}

static int
write_results(const run *r, const sweep_table *t, const char *source,
    char *err, size_t errlen)
{
	char path[4400];

	snprintf(path, sizeof path, "%s/results.csv", r->dir);
	if (results_write_csv(path, t, source, err, errlen) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/results.json", r->dir);
	return results_write_json(path, t, source, err, errlen);
}

int
run_record(run *r, const sweep_progress *p, const char *source, char *err,
    size_t errlen)
{
	const train_progress *tp = p->progress;
	const sweep_row      *row = &p->table->rows[p->row];

	if (tp != NULL && tp->event != TRAIN_EPOCH)
		return 0;
	if (tp != NULL) {
		char path[4400];

		snprintf(path, sizeof path, "%s/ckpt-%d.bin", r->dir, p->row);
		if (checkpoint_save(path, tp->model, tp->opt, tp->hist,
		    tp->nhist, p->table->cfg.seed, row->scale,
		    p->table->cfg.epochs, err, errlen) != 0)
			return -1;
	}
	if (write_results(r, p->table, source, err, errlen) != 0)
		return -1;
	return write_state(r, "running", p->row, p->table->n,
	    tp != NULL ? tp->nhist : row->nhist, p->table->cfg.epochs, err,
	    errlen);
}

int
run_finish(run *r, const sweep_table *t, const char *source, int interrupted,
    char *err, size_t errlen)
{
	int row = 0, epoch = 0;

	for (int i = 0; i < t->n; i++)
		if (t->rows[i].nhist > 0) {
			row = i;
			epoch = t->rows[i].nhist;
		}
	if (write_results(r, t, source, err, errlen) != 0)
		return -1;
	return write_state(r, interrupted ? "interrupted" : "finished", row,
	    t->n, epoch, t->cfg.epochs, err, errlen);
}

int
run_restore(const run *r, sweep_table *t, checkpoint *ck, char *err,
    size_t errlen)
{
	const run_config *c = &r->conf;

	memset(ck, 0, sizeof *ck);
	sweep_table_init(t, &c->cfg, c->scales, c->nscales);
	for (int i = 0; i < t->n; i++) {
		char       path[4400];
		checkpoint one;
		sweep_row *row = &t->rows[i];

		snprintf(path, sizeof path, "%s/ckpt-%d.bin", r->dir, i);
		if (access(path, F_OK) != 0)
			break;
		if (checkpoint_load(path, &one, err, errlen) != 0)
			return -1;
		if (one.nlayer != c->cfg.nlayer ||
		    memcmp(one.size, c->cfg.size, (size_t)(c->cfg.nlayer + 1) *
		    sizeof(int)) != 0 || one.seed != c->cfg.seed ||
		    one.scale != row->scale || one.epochs != c->cfg.epochs) {
			checkpoint_free(&one);
			return err_set(err, errlen, "%s: does not match the run's "
			    "configuration (shapes, seed, scale or epochs)",
			    path);
		}
		memcpy(row->hist, one.hist, (size_t)one.nhist *
		    sizeof *one.hist);
		row->nhist = one.nhist;
		if (one.nhist == c->cfg.epochs) {
			row->state = SWEEP_DONE;
			checkpoint_free(&one);
			continue;
		}
		*ck = one;
		checkpoint_resume(ck, &t->resume_state);
		t->resume = &t->resume_state;
		break;
	}
	return 0;
}

int
run_list(const char *root, FILE *out, char *err, size_t errlen)
{
	char **names;
	int    n;

	if ((names = list_runs(root, &n, err, errlen)) == NULL)
		return -1;
	if (n == 0)
		fprintf(out, "no runs in %s\n", root);
	for (int i = n - 1; i >= 0; i--) {
		char      dir[4400], msg[512];
		run_state st;
		run      *r = malloc(sizeof *r);

		snprintf(dir, sizeof dir, "%s/%s", root, names[i]);
		if (r == NULL)
			break;
		if (run_open(r, root, names[i], msg, sizeof msg) != 0 ||
		    run_read_state(dir, &st, msg, sizeof msg) != 0) {
			fprintf(out, "%-32s  unreadable: %s\n", names[i], msg);
			free(r);
			continue;
		}
		if (strcmp(st.state, "finished") == 0)
			fprintf(out, "%-32s  %-7s  finished (%d scale%s, %d "
			    "epochs)\n", names[i], r->conf.kind, st.nrows,
			    st.nrows == 1 ? "" : "s", st.epochs);
		else if (st.alive)
			fprintf(out, "%-32s  %-7s  running (pid %ld): scale "
			    "%g, epoch %d/%d\n", names[i], r->conf.kind, st.pid,
			    st.row < r->conf.nscales ?
			    (double)r->conf.scales[st.row] : 0.0, st.epoch,
			    st.epochs);
		else
			fprintf(out, "%-32s  %-7s  interrupted at scale %g "
			    "(%d of %d), epoch %d/%d%s\n", names[i],
			    r->conf.kind, st.row < r->conf.nscales ?
			    (double)r->conf.scales[st.row] : 0.0, st.row + 1,
			    st.nrows, st.epoch, st.epochs,
			    strcmp(st.state, "running") == 0 ?
			    " (process gone)" : "");
		free(r);
	}
	free_names(names, n);
	return 0;
}
