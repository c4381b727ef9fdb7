/*
 * A run's report folder from its directory (worker_report.h): the facts
 * of config.txt, state.txt, origin.txt and results.csv, the tables of
 * summary.csv and matrix.csv and the figures of its restored rows,
 * rendered by render/report_doc and written through base/file.
 */
#include "worker/worker_report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/err.h"
#include "base/file.h"
#include "base/version.h"
#include "render/report_doc.h"
#include "runs/job.h"
#include "runs/results.h"
#include "runs/run.h"
#include "runs/run_origin.h"

#define MAX_FACTS 16

/* The facts' texts, owned here for the length of one report. */
typedef struct {
	report_fact f[MAX_FACTS];
	char        text[MAX_FACTS][NT_PATH_LEN + 512];
	int         n;
} facts;

static void __attribute__((format(printf, 4, 5)))
fact(facts *fs, const char *key, int code, const char *fmt, ...)
{
	va_list ap;

	if (fs->n == MAX_FACTS)
		return;
	va_start(ap, fmt);
	vsnprintf(fs->text[fs->n], sizeof fs->text[fs->n], fmt, ap);
	va_end(ap);
	fs->f[fs->n] = (report_fact){ key, fs->text[fs->n], code };
	fs->n++;
}

/* The training time: the sum of every epoch's seconds in results.csv. */
struct timing {
	double seconds;
	int    epochs;
};

static int
add_epoch(const results_line *l, void *user)
{
	struct timing *t = user;

	t->seconds += l->seconds;
	t->epochs++;
	return 0;
}

/* "2026-12-07 19:27:17 UTC" of t into buf. */
static const char *
when(long long t, char *buf, size_t len)
{
	time_t    tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
	return buf;
}

/* The lines of "what was run" of opened job j. */
static void
run_facts(const job *j, facts *fs)
{
	const run_config *c = &j->rec.conf;
	run_origin        o;
	run_state         st;
	struct timing     tm = { 0, 0 };
	struct stat       sb;
	char              err[NT_ERR_LEN], path[NT_PATH_LEN + 64], cmd[8192];
	char              t0[64], t1[64];
	/* a sharded run's first shard that recorded one, up to 64 */
	int               have = run_read_origin(j->rec.dir, 64, &o, err,
	    sizeof err) == 0;

	if (have && o.command[0] != '\0')
		fact(fs, "Command", 1, "%s", o.command);
	else {
		run_equivalent_command(c, cmd, sizeof cmd);
		fact(fs, "Command (rebuilt from config.txt: the run was "
		    "started from the dashboard, or recorded no command)", 1,
		    "%s", cmd);
	}
	fact(fs, "Run", 0, "%s (%s)", j->rec.id, c->kind);
	if (run_read_state(j->rec.dir, &st, err, sizeof err) == 0)
		fact(fs, "State", 0, "%s%s", st.state, strcmp(st.state,
		    "finished") == 0 ? "" : ": the tables hold the rows done "
		    "so far");
	fact(fs, "Version", 0, "noisetop %s (this report: %s)", c->version,
	    version_string());
	if (c->plan.ndatasets > 1) {
		/* the axis: each set, its sizes and its checksum */
		char d1[2 * 4400] = "", d2[512] = "";

		for (int d = 0; d < c->plan.ndatasets; d++) {
			run_data x;

			run_config_data(c, d, &x);
			snprintf(d1 + strlen(d1), sizeof d1 - strlen(d1),
			    "%s%s: %zu training and %zu test images", d ? "; " :
			    "", x.source, x.train_n, x.test_n);
			snprintf(d2 + strlen(d2), sizeof d2 - strlen(d2),
			    "%s%08x", d ? ", " : "", x.crc);
		}
		fact(fs, "Data", 0, "%s", d1);
		fact(fs, "Data checksum", 0, "CRC-32 %s of every image and "
		    "label loaded, one per set in that order (config.txt's "
		    "data_crc.KEY)", d2);
	} else {
		fact(fs, "Data", 0, "%s%s%s; %zu training and %zu test "
		    "images", c->source, c->dataset[0] ? "; dataset " : "",
		    c->dataset, c->train_limit, c->test_limit);
		fact(fs, "Data checksum", 0, "CRC-32 %08x of every image and "
		    "label loaded (config.txt's data_crc)", c->data_crc);
	}
	if (have) {
		fact(fs, "Machine", 0, "%s, %s", o.host[0] ? o.host : "host "
		    "unknown", o.cpu[0] ? o.cpu : "CPU model unknown");
		fact(fs, "Kernel and threads", 0, "GEMM %s, %s; %d OpenMP "
		    "thread%s, %d row%s at a time (%d thread%s each)",
		    o.kernel, train_precision_name(c->cfg.precision),
		    o.threads, o.threads == 1 ? "" : "s", o.jobs > 0 ? o.jobs :
		    1, o.jobs > 1 ? "s" : "", o.job_threads > 0 ?
		    o.job_threads : o.threads, (o.job_threads > 0 ?
		    o.job_threads : o.threads) == 1 ? "" : "s");
	} else
		fact(fs, "Machine", 0, "not recorded (the run is older than "
		    "origin.txt)");
	snprintf(path, sizeof path, "%s/results.csv", j->rec.dir);
	if (results_read_csv(path, add_epoch, &tm, err, sizeof err) == 0)
		fact(fs, "Training time", 0, "%.1f s: the sum of the %d "
		    "epochs' times in results.csv (rows trained side by side "
		    "overlap)", tm.seconds, tm.epochs);
	snprintf(path, sizeof path, "%s/state.txt", j->rec.dir);
	if (have && o.started > 0 && stat(path, &sb) == 0)
		fact(fs, "Wall clock", 0, "started %s, last recorded %s (%.0f "
		    "s)", when(o.started, t0, sizeof t0), when(sb.st_mtime, t1,
		    sizeof t1), difftime(sb.st_mtime, (time_t)o.started));
	fact(fs, "Report made", 0, "%s by noisetop %s", when(time(NULL), t0,
	    sizeof t0), version_string());
}

/* The text of file name in dir into *text (NULL when it does not
 * exist).  Returns 0, or -1 with a message. */
static int
read_csv(const char *dir, const char *name, char **text, char *err,
    size_t errlen)
{
	char   path[NT_PATH_LEN + 64];
	size_t len;
	struct stat sb;

	*text = NULL;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (stat(path, &sb) != 0)
		return 0;
	return file_read(path, RESULTS_CSV_MAX, (uint8_t **)text, &len, err,
	    errlen);
}

/* A directory named by its path that holds no config.txt: say so, rather
 * than that config.txt is missing. */
static int
not_a_run(const char *dir, char *err, size_t errlen)
{
	char        path[NT_PATH_LEN + 32];
	struct stat sb;

	snprintf(path, sizeof path, "%s/config.txt", dir);
	if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) && stat(path, &sb) != 0)
		return err_set(err, errlen, "%s: not a noisetop run (no "
		    "config.txt)", dir) != 0;
	return 0;
}

/* Write every file of fl into a folder (worker_report_write's rules). */
static int
write_folder(const job *j, const report_files *fl, const char *out,
    int force, char *where, size_t wlen, char *err, size_t errlen)
{
	char base[NT_PATH_LEN + 16], path[2 * NT_PATH_LEN];

	if (out == NULL)
		snprintf(base, sizeof base, "%s/report", j->rec.dir);
	if (file_make_dir(out ? out : base, out == NULL, force, where, wlen,
	    err, errlen) != 0)
		return -1;
	for (int i = 0; i < fl->n; i++) {
		snprintf(path, sizeof path, "%s/%s", where, fl->file[i].name);
		if (file_write_atomic(path, fl->file[i].data, fl->file[i].len,
		    err, errlen) != 0)
			return -1;
	}
	return 0;
}

int
worker_report_write(const char *root, const char *name, const char *out,
    int force, char *where, size_t wlen, char *err, size_t errlen)
{
	job          *j = calloc(1, sizeof *j);
	facts        *fs = calloc(1, sizeof *fs);
	report_files *fl = calloc(1, sizeof *fl);
	char         *sum = NULL, *mat = NULL, title[300], sub[512];
	report_input  in;
	int           rc = -1;

	if (j == NULL || fs == NULL || fl == NULL) {
		err_set(err, errlen, "out of memory");
		goto out;
	}
	if (name != NULL && strchr(name, '/') != NULL &&
	    not_a_run(name, err, errlen))
		goto out;
	if (job_open(j, root, name, err, errlen) != 0 ||
	    job_restore(j, err, errlen) != 0 ||
	    read_csv(j->rec.dir, "summary.csv", &sum, err, errlen) != 0 ||
	    read_csv(j->rec.dir, "matrix.csv", &mat, err, errlen) != 0)
		goto out;
	run_facts(j, fs);
	snprintf(title, sizeof title, "noisetop run %s", j->rec.id);
	snprintf(sub, sizeof sub, "%.200s, %d epoch%s, run %.200s",
	    j->rec.conf.source, j->table.cfg.epochs, j->table.cfg.epochs == 1 ?
	    "" : "s", j->rec.id);
	memset(&in, 0, sizeof in);
	in.title = title;
	in.facts = fs->f;
	in.nfacts = fs->n;
	in.summary_csv = sum;
	in.matrix_csv = mat;
	in.t = &j->table;
	in.subtitle = sub;
	in.run_id = j->rec.id;
	if (report_render(&in, fl, err, errlen) == 0)
		rc = write_folder(j, fl, out, force, where, wlen, err, errlen);
out:
	report_files_free(fl);
	free(fl);
	free(sum);
	free(mat);
	free(fs);
	if (j != NULL)
		job_free(j);
	free(j);
	return rc;
}
