/*
 * The data sets of a run over several (the data set axis, plan.ndatasets
 * > 1) in its config.txt: the datasets key, and each set's directory,
 * source, checksum and sizes under its own key suffix.  Part of the run
 * module (run.h); a run without the axis writes none of these keys.
 */
#include "runs/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/kv.h"
#include "runs/run_priv.h"

void
run_config_data(const run_config *c, int d, run_data *out)
{
	if (c->plan.ndatasets > 1 && d >= 0 && d < c->plan.ndatasets) {
		*out = c->data_of[c->plan.datasets[d]];
		return;
	}
	memset(out, 0, sizeof *out);
	snprintf(out->dir, sizeof out->dir, "%s", c->data_dir);
	snprintf(out->source, sizeof out->source, "%s", c->source);
	out->crc = c->data_crc;
	out->train_n = c->train_limit;
	out->test_n = c->test_limit;
}

int
run_format_data(const run_config *c, char *text, size_t len)
{
	size_t used = 0;
	int    n;

	if (c->plan.ndatasets < 2)
		return 0;
#define ADD(...)                                                           \
	do {                                                               \
		n = snprintf(text + used, len - used, __VA_ARGS__);        \
		if (n < 0 || (size_t)n >= len - used)                      \
			return -1;                                         \
		used += (size_t)n;                                         \
	} while (0)
	ADD("datasets = ");
	for (int d = 0; d < c->plan.ndatasets; d++)
		ADD("%s%s", d ? "," : "", dataset_info_of(
		    c->plan.datasets[d])->key);
	ADD("\n");
	for (int d = 0; d < c->plan.ndatasets; d++) {
		const char     *key = dataset_info_of(c->plan.datasets[d])->key;
		const run_data *x = &c->data_of[c->plan.datasets[d]];

		ADD("data_dir.%s = %s\nsource.%s = %s\ndata_crc.%s = %08x\n"
		    "train_limit.%s = %zu\ntest_limit.%s = %zu\n", key, x->dir,
		    key, x->source, key, x->crc, key, x->train_n, key,
		    x->test_n);
	}
#undef ADD
	return (int)used;
}

/* The set a "field.KEY" key is about, field into f; NULL when k has no
 * known suffix. */
static const dataset_info *
split_key(const char *k, char *f, size_t flen)
{
	const char *dot = strrchr(k, '.');

	if (dot == NULL || (size_t)(dot - k) >= flen)
		return NULL;
	snprintf(f, flen, "%.*s", (int)(dot - k), k);
	return dataset_info_parse(dot + 1);
}

int
run_data_key(run_config *c, const char *k, const char *v, char *err,
    size_t errlen)
{
	const dataset_info *in;
	run_data           *x;
	char                f[32], *end;
	double              d = 0;

	if (strcmp(k, "datasets") == 0) {
		int n = sweep_parse_datasets(v, c->plan.datasets, err, errlen);

		if (n < 0)
			return -1;
		c->plan.ndatasets = n > 1 ? n : 0;
		return 0;
	}
	if ((in = split_key(k, f, sizeof f)) == NULL)
		return 1;
	x = &c->data_of[in->kind];
	if (strcmp(f, "data_dir") == 0)
		snprintf(x->dir, sizeof x->dir, "%s", v);
	else if (strcmp(f, "source") == 0)
		snprintf(x->source, sizeof x->source, "%s", v);
	else if (strcmp(f, "data_crc") == 0) {
		unsigned long h = strtoul(v, &end, 16);

		if (end == v || *end != '\0' || h > 0xffffffffUL)
			return err_set(err, errlen, "%s '%s' is not hex", k, v);
		x->crc = (uint32_t)h;
	} else if (strcmp(f, "train_limit") == 0 ||
	    strcmp(f, "test_limit") == 0) {
		if (kv_num(k, v, 0, 1e8, &d, err, errlen))
			return -1;
		*(f[1] == 'r' ? &x->train_n : &x->test_n) = (size_t)d;
	} else
		return 1;
	return 0;
}
