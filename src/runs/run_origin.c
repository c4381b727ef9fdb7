/* A run's origin.txt: how and where it was started (run_origin.h). */
#include "runs/run_origin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/file.h"
#include "base/kv.h"
#include "data/dataset.h"
#include "kernels/gemm.h"
#include "runs/run_priv.h"

/* The CPU's model name from /proc/cpuinfo into out ("" when unknown).
 * Read by lines: /proc files say they are empty to stat(). */
static void
cpu_model(char *out, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char  line[512], *p;

	out[0] = '\0';
	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "model name", 10) == 0 &&
		    (p = strchr(line, ':')) != NULL) {
			p += 1 + strspn(p + 1, " \t");
			snprintf(out, len, "%.*s", (int)strcspn(p, "\n"), p);
			break;
		}
	if (f != NULL)
		fclose(f);
}

/* s with control bytes as '?', for one line of a kv file. */
static void
one_line(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void
run_origin_here(run_origin *o, const char *command, int threads,
    int jobs, int job_threads)
{
	memset(o, 0, sizeof *o);
	snprintf(o->command, sizeof o->command, "%s", command ? command : "");
	if (gethostname(o->host, sizeof o->host) != 0)
		o->host[0] = '\0';
	o->host[sizeof o->host - 1] = '\0';
	cpu_model(o->cpu, sizeof o->cpu);
	snprintf(o->kernel, sizeof o->kernel, "%s", gemm_kernel_name());
	o->threads = threads;
	o->jobs = jobs;
	o->job_threads = job_threads;
	o->started = (long long)time(NULL);
	one_line(o->command);
	one_line(o->host);
	one_line(o->cpu);
}

int
run_write_origin(const run *r, const run_origin *o, char *err,
    size_t errlen)
{
	char text[8192], name[64];

	snprintf(text, sizeof text, "# how and where this run was started\n"
	    "command = %s\nhost = %s\ncpu = %s\nkernel = %s\nthreads = %d\n"
	    "jobs = %d\njob_threads = %d\nstarted = %lld\n", o->command,
	    o->host, o->cpu, o->kernel, o->threads, o->jobs, o->job_threads,
	    o->started);
	if (r->nshards > 1)
		snprintf(name, sizeof name, "origin-%d.txt", r->shard);
	else
		snprintf(name, sizeof name, "origin.txt");
	return run_write_file(r->dir, name, text, err, errlen);
}

static int
origin_key(void *arg, const char *k, const char *v, char *err,
    size_t errlen)
{
	run_origin *o = arg;
	double      d = 0;

	(void)err;
	(void)errlen;
	if (strcmp(k, "command") == 0)
		snprintf(o->command, sizeof o->command, "%s", v);
	else if (strcmp(k, "host") == 0)
		snprintf(o->host, sizeof o->host, "%s", v);
	else if (strcmp(k, "cpu") == 0)
		snprintf(o->cpu, sizeof o->cpu, "%s", v);
	else if (strcmp(k, "kernel") == 0)
		snprintf(o->kernel, sizeof o->kernel, "%s", v);
	else if (strcmp(k, "threads") == 0 || strcmp(k, "jobs") == 0 ||
	    strcmp(k, "job_threads") == 0 || strcmp(k, "started") == 0) {
		if (kv_num(k, v, 0, 1e12, &d, err, errlen) != 0)
			return -1;
		if (k[0] == 't')
			o->threads = (int)d;
		else if (k[0] == 'j' && k[3] == '\0')
			o->jobs = (int)d;
		else if (k[0] == 'j')
			o->job_threads = (int)d;
		else
			o->started = (long long)d;
	}
	return 0;
}

int
run_read_origin(const char *dir, int nshards, run_origin *o, char *err,
    size_t errlen)
{
	char path[NT_PATH_LEN + 64], *text;
	int  rc;

	memset(o, 0, sizeof *o);
	for (int k = 0; k <= nshards; k++) {
		if (k == 0)
			snprintf(path, sizeof path, "%s/origin.txt", dir);
		else
			snprintf(path, sizeof path, "%s/origin-%d.txt", dir, k);
		if (access(path, F_OK) == 0)
			break;
		if (k == nshards)
			return 1;
	}
	if ((text = kv_read(path, RUN_FILE_MAX, err, errlen)) == NULL)
		return -1;
	rc = kv_parse(path, text, origin_key, o, err, errlen);
	free(text);
	return rc;
}

/* Append s to out (len bytes, used so far in *n), quoted for a shell
 * when it needs it. */
static void
put_word(char *out, size_t len, size_t *n, const char *s)
{
	int plain = s[0] != '\0';

	for (const char *p = s; *p != '\0'; p++)
		plain &= strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRST"
		    "UVWXYZ0123456789_./,:=+-@%", *p) != NULL;
	if (*n > 0 && *n + 1 < len)
		out[(*n)++] = ' ';
	if (!plain && *n + 1 < len)
		out[(*n)++] = '\'';
	for (const char *p = s; *p != '\0' && *n + 5 < len; p++) {
		if (*p == '\'' && !plain) {
			memcpy(out + *n, "'\\''", 4);
			*n += 4;
		} else
			out[(*n)++] = (unsigned char)*p < 0x20 ? '?' : *p;
	}
	if (!plain && *n + 1 < len)
		out[(*n)++] = '\'';
	out[*n < len ? *n : len - 1] = '\0';
}

void
run_command_line(int argc, char *const *argv, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; i < argc && len > 0; i++) {
		const char *w = argv[i];

		/* the program as its name: where it lives says nothing */
		if (i == 0 && strrchr(w, '/') != NULL)
			w = strrchr(w, '/') + 1;
		put_word(out, len, &n, w);
	}
}

/* ", "-joined floats of v (n) into buf: "0,0.5,1". */
static const char *
float_list(const float *v, int n, char *buf, size_t len)
{
	size_t used = 0;
	char   f[32];

	buf[0] = '\0';
	for (int i = 0; i < n && used + 34 < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i ? "," : "", kv_float(f, v[i]));
	return buf;
}

void
run_equivalent_command(const run_config *c, char *out, size_t len)
{
	const sweep_plan *p = &c->plan;
	char              w[NT_PATH_LEN + 64], f[32];
	size_t            n = 0;
	int               compare = strcmp(c->kind, "compare") == 0;

#define WORD(...) do { snprintf(w, sizeof w, __VA_ARGS__); \
	put_word(out, len, &n, w); } while (0)
	out[0] = '\0';
	WORD("noisetop");
	WORD("%s", c->kind);
	if (p->ndatasets > 1) {
		/* the axis: each set found again where noisetop looks */
		char l[160] = "";

		for (int d = 0; d < p->ndatasets; d++)
			snprintf(l + strlen(l), sizeof l - strlen(l), "%s%s",
			    d ? "," : "", dataset_info_of(p->datasets[d])->key);
		WORD("--dataset=%s", l);
	} else {
		if (c->dataset[0] != '\0')
			WORD("--dataset=%s", c->dataset);
		if (c->data_dir[0] != '\0' && !c->synthetic)
			WORD("--data=%s", c->data_dir);
	}
	WORD("--train-limit=%zu", c->train_limit);
	WORD("--test-limit=%zu", c->test_limit);
	w[0] = '\0';
	for (int l = 1; l < c->cfg.nlayer; l++) {
		snprintf(f, sizeof f, "%s%d", l > 1 ? "," : "", c->cfg.size[l]);
		strncat(w, f, sizeof w - strlen(w) - 1);
	}
	{
		char h[4200];

		snprintf(h, sizeof h, "--hidden=%s", w);
		put_word(out, len, &n, h);
	}
	WORD("--dropout=%s", kv_float(f, c->cfg.dropout));
	WORD("--lr=%s", kv_float(f, c->cfg.lr));
	WORD("--batch=%d", c->cfg.batch);
	WORD("--epochs=%d", c->cfg.epochs);
	WORD("--seed=%llu", (unsigned long long)c->cfg.seed);
	if (c->cfg.precision != TRAIN_FP32)
		WORD("--precision=%s", train_precision_name(c->cfg.precision));
	if (strcmp(c->kind, "sweep") == 0) {
		char l[600];

		WORD("--scales=%s", float_list(p->scales, p->nscales, l,
		    sizeof l));
	} else if (p->nscales > 0)
		WORD("--noise=%s", kv_float(f, p->scales[compare &&
		    p->nscales > 1 ? 1 : 0]));
	if (p->nseeds > 1)
		WORD("--seeds=%d", p->nseeds);
	if (p->ncorruptions > 1 || (p->ncorruptions == 1 &&
	    p->corruptions[0] != CORRUPT_GAUSSIAN)) {
		w[0] = '\0';
		for (int i = 0; i < p->ncorruptions; i++) {
			strncat(w, i ? "," : "--corruption=", sizeof w -
			    strlen(w) - 1);
			strncat(w, corrupt_name(p->corruptions[i]), sizeof w -
			    strlen(w) - 1);
		}
		put_word(out, len, &n, w);
	}
	if (p->ntest > 0) {
		char l[600];

		WORD("--test-scales=%s", float_list(p->test_scales, p->ntest,
		    l, sizeof l));
	}
	if (p->mode != SWEEP_FIXED)
		WORD("--noise-mode=%s", sweep_mode_name(p->mode));
	if (p->ndecays > 0) {
		char l[600];

		WORD("--weight-decay=%s", float_list(p->decays, p->ndecays, l,
		    sizeof l));
	} else if (c->cfg.weight_decay != 0.0f)
		WORD("--weight-decay=%s", kv_float(f, c->cfg.weight_decay));
	if (p->probes && p->nattacks == 0)
		WORD("--probes");
	for (int i = 0; i < p->nattacks; i++) {
		char lab[64];

		WORD("--attack=%s", probe_attack_label(&p->attacks[i], lab,
		    sizeof lab));
	}
#undef WORD
}
