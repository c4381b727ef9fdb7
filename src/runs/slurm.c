/* The sbatch scripts that run a sharded sweep on Slurm (docs/cluster.md). */
#include "runs/slurm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

#define SLURM_ARRAY_MAX 1000 /* Slurm's default MaxArraySize is 1001 */
#define SLURM_CPUS_MAX	1024

/* A growing text; a failed allocation sticks (oom) and later appends are
 * ignored, so building code checks once at the end. */
typedef struct {
	char  *p;
	size_t len, cap;
	int    oom;
} text;

static void
text_add(text *t, const char *s, size_t n)
{
	if (t->oom)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 256;
		char  *p;

		while (cap < t->len + n + 1)
			cap *= 2;
		if ((p = realloc(t->p, cap)) == NULL) {
			t->oom = 1;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

static void
text_str(text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void
text_printf(text *t, const char *fmt, ...)
{
	char	buf[512];
	va_list ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* Only short, fixed texts and numbers come through here. */
	if (n < 0 || (size_t)n >= sizeof buf)
		t->oom = 1;
	else
		text_add(t, buf, (size_t)n);
}

/* Append s as one shell word (slurm_quote). */
static void
text_word(text *t, const char *s)
{
	char *q = slurm_quote(s);

	if (q == NULL) {
		t->oom = 1;
		return;
	}
	text_str(t, q);
	free(q);
}

/* The finished text, or NULL with a message when memory ran out. */
static char *
text_done(text *t, char *err, size_t errlen)
{
	if (t->oom) {
		free(t->p);
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	return t->p;
}

static int
shell_safe(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("_./,:=@%+-", c) != NULL;
}

char *
slurm_quote(const char *s)
{
	size_t n = 0, quotes = 0;
	int    safe = *s != '\0';
	char  *q, *o;

	for (const char *p = s; *p; p++) {
		n++;
		if (*p == '\'')
			quotes++;
		if (!shell_safe(*p))
			safe = 0;
	}
	if (safe)
		return strdup(s);
	/* ' -> '\'' adds three bytes; two quotes and the NUL. */
	if ((q = malloc(n + 3 * quotes + 3)) == NULL)
		return NULL;
	o = q;
	*o++ = '\'';
	for (const char *p = s; *p; p++) {
		if (*p == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *p;
		}
	}
	*o++ = '\'';
	*o = '\0';
	return q;
}

static int
int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int
slurm_array_spec(const int *shards, int nshards, int array_size, char *out,
    size_t outlen, char *err, size_t errlen)
{
	int   *s;
	size_t len = 0;

	if (nshards <= 0)
		return err_set(err, errlen, "no shards to run");
	if ((s = malloc((size_t)nshards * sizeof *s)) == NULL)
		return err_set(err, errlen, "out of memory");
	memcpy(s, shards, (size_t)nshards * sizeof *s);
	qsort(s, (size_t)nshards, sizeof *s, int_cmp);
	for (int i = 0; i < nshards; i++) {
		if (s[i] < 1 || s[i] > array_size) {
			int bad = s[i];

			free(s);
			return err_set(err, errlen,
			    "shard %d: must be from 1 to %d", bad, array_size);
		}
		if (i > 0 && s[i] == s[i - 1]) {
			int bad = s[i];

			free(s);
			return err_set(err, errlen, "shard %d: given twice",
			    bad);
		}
	}
	if (outlen > 0)
		out[0] = '\0';
	for (int i = 0; i < nshards;) {
		int j = i, n;

		while (j + 1 < nshards && s[j + 1] == s[j] + 1)
			j++;
		/* "1-3" for three or more in a row; "1,2" for two is as
		 * short, so a pair stays two single numbers. */
		if (j - i < 2)
			j = i;
		if (j > i)
			n = snprintf(out + len, outlen - len, "%s%d-%d",
			    i ? "," : "", s[i], s[j]);
		else
			n = snprintf(out + len, outlen - len, "%s%d",
			    i ? "," : "", s[i]);
		if (n < 0 || (size_t)n >= outlen - len) {
			free(s);
			return err_set(err, errlen, "array list too long");
		}
		len += (size_t)n;
		i = j + 1;
	}
	free(s);
	return 0;
}

/* A run id becomes a directory name: letters, digits, . _ - only, and not
 * "." or "..". */
static int
plain_name(const char *s)
{
	if (*s == '\0' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("._-", *s) != NULL))
			return 0;
	return 1;
}

/* What both scripts need: returns 0, or -1 with a message. */
static int
plan_check(const slurm_plan *p, char *err, size_t errlen)
{
	if (p->noisetop == NULL || *p->noisetop == '\0')
		return err_set(err, errlen, "no noisetop binary given");
	if (p->runs_dir == NULL || *p->runs_dir == '\0')
		return err_set(err, errlen, "no runs directory given");
	if (p->array_size < 1 || p->array_size > SLURM_ARRAY_MAX)
		return err_set(err, errlen,
		    "--array-size %d: must be from 1 to %d", p->array_size,
		    SLURM_ARRAY_MAX);
	if (p->cpus_per_task < 1 || p->cpus_per_task > SLURM_CPUS_MAX)
		return err_set(err, errlen,
		    "--cpus-per-task %d: must be from 1 to %d",
		    p->cpus_per_task, SLURM_CPUS_MAX);
	if (p->run_id != NULL && !plain_name(p->run_id))
		return err_set(err, errlen,
		    "run id '%s': only letters, digits, '.', '_' and '-'",
		    p->run_id);
	if (p->resume && p->run_id == NULL)
		return err_set(err, errlen, "resubmitting needs the run id");
	if (p->job_name != NULL && !plain_name(p->job_name))
		return err_set(err, errlen,
		    "job name '%s': only letters, digits, '.', '_' and '-'",
		    p->job_name);
	for (int i = 0; i < p->sbatch_argc; i++) {
		const char *a = p->sbatch_args[i];

		/* Each becomes one #SBATCH line, which a newline would end. */
		if (strpbrk(a, "\n\r") != NULL)
			return err_set(err, errlen,
			    "sbatch argument %d holds a newline", i + 1);
		if (a[0] != '-')
			return err_set(err, errlen,
			    "sbatch argument '%s': must be an option, "
			    "starting with '-'", a);
	}
	return 0;
}

/* #!, the description, and the #SBATCH lines common to both scripts. */
static void
header(text *t, const slurm_plan *p, const char *what, const char *suffix)
{
	text_str(t, "#!/bin/bash\n");
	text_str(t, what);
	text_printf(t, "#SBATCH --job-name=%s%s\n",
	    p->job_name ? p->job_name : "noisetop", suffix);
}

static void
extra_args(text *t, const slurm_plan *p)
{
	for (int i = 0; i < p->sbatch_argc; i++) {
		text_str(t, "#SBATCH ");
		text_str(t, p->sbatch_args[i]);
		text_str(t, "\n");
	}
}

/* RUNS/ID as a shell word; with no fixed id, idvar is expanded instead. */
static void
run_path(text *t, const slurm_plan *p, const char *idvar)
{
	char *q;

	if (p->run_id != NULL) {
		size_t n = strlen(p->runs_dir) + strlen(p->run_id) + 2;

		if ((q = malloc(n)) == NULL) {
			t->oom = 1;
			return;
		}
		snprintf(q, n, "%s/%s", p->runs_dir, p->run_id);
		text_word(t, q);
		free(q);
		return;
	}
	text_word(t, p->runs_dir);
	text_str(t, "/\"");
	text_str(t, idvar);
	text_str(t, "\"");
}

char *
slurm_array_script(const slurm_plan *p, char *err, size_t errlen)
{
	char spec[NT_PATH_LEN];
	text t = { 0 };

	if (plan_check(p, err, errlen) != 0)
		return NULL;
	if (p->shards != NULL) {
		if (slurm_array_spec(p->shards, p->nshards, p->array_size,
		    spec, sizeof spec, err, errlen) != 0)
			return NULL;
	} else if (p->array_size == 1) {
		snprintf(spec, sizeof spec, "1");
	} else {
		snprintf(spec, sizeof spec, "1-%d", p->array_size);
	}
	header(&t, p, "# Written by noisetop slurm: array task K runs shard K of "
	    "the sweep.\n", "");
	text_printf(&t, "#SBATCH --array=%s\n", spec);
	text_printf(&t, "#SBATCH --cpus-per-task=%d\n", p->cpus_per_task);
	extra_args(&t, p);
	text_str(&t, "set -eu\nexec ");
	text_word(&t, p->noisetop);
	if (p->resume) {
		text_str(&t, " resume ");
		run_path(&t, p, NULL); /* resume has a run id (plan_check) */
	} else {
		text_str(&t, " sweep");
		for (int i = 0; i < p->sweep_argc; i++) {
			text_str(&t, " ");
			text_word(&t, p->sweep_argv[i]);
		}
		text_str(&t, " \\\n    --runs ");
		text_word(&t, p->runs_dir);
		text_str(&t, " --run-id ");
		if (p->run_id != NULL)
			text_word(&t, p->run_id);
		else
			text_str(&t, "\"$SLURM_ARRAY_JOB_ID\"");
	}
	/* The task count is fixed at N even when only some shards run: a
	 * shard is K of the whole grid. */
	text_printf(&t, " \\\n    --shard \"$SLURM_ARRAY_TASK_ID/%d\" "
	    "--threads \"${SLURM_CPUS_PER_TASK:-%d}\"\n", p->array_size,
	    p->cpus_per_task);
	return text_done(&t, err, errlen);
}

char *
slurm_merge_script(const slurm_plan *p, char *err, size_t errlen)
{
	text t = { 0 };

	if (plan_check(p, err, errlen) != 0)
		return NULL;
	header(&t, p, "# Written by noisetop slurm: merges the shards once "
	    "every array task has\n# succeeded (sbatch "
	    "--dependency=afterok:ARRAYJOB this-script ARRAYJOB).\n",
	    "-merge");
	text_str(&t, "#SBATCH --cpus-per-task=1\n");
	extra_args(&t, p);
	text_str(&t, "set -eu\nexec ");
	text_word(&t, p->noisetop);
	text_str(&t, " merge ");
	run_path(&t, p, "${1:?no array job id given}");
	text_str(&t, "\n");
	return text_done(&t, err, errlen);
}

char *
slurm_submit_script(const char *array_path, const char *merge_path,
    char *err, size_t errlen)
{
	text t = { 0 };

	if (array_path == NULL || *array_path == '\0' || merge_path == NULL ||
	    *merge_path == '\0') {
		err_set(err, errlen, "no script path given");
		return NULL;
	}
	text_str(&t, "#!/bin/sh\n# Written by noisetop slurm: submits the "
	    "sweep's job array, then its merge\n# job to start when every "
	    "task has succeeded; prints the array's job id.\nset -e\n"
	    "jid=$(sbatch --parsable ");
	text_word(&t, array_path);
	text_str(&t, ")\njid=${jid%%;*}\n"
	    "sbatch --parsable --dependency=\"afterok:$jid\" ");
	text_word(&t, merge_path);
	text_str(&t, " \"$jid\" >/dev/null\necho \"$jid\"\n");
	return text_done(&t, err, errlen);
}
