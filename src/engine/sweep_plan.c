/*
 * A sweep's plan: the grid of rows (data set x weight decay x corruption
 * x scale x seed) and its test scales, noise mode, probes and attacks;
 * parsing the
 * lists the command line and config.txt give, and checking them.
 */
#include "engine/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

const float sweep_default_scales[6] = { 0.0f, 0.1f, 0.5f, 1.0f, 2.0f, 4.0f };

/* What a list of numbers is, for parse_list's messages and limits. */
struct list_kind {
	const char *what, *plural, *example;  /* "scale", "scales", "0,0.5" */
	double      hi;                       /* values from 0 to hi */
	const char *range;                    /* "between 0 and 100" */
	int         max;                      /* at most max values */
};

/* "0,0.1,0.5" into out (distinct values in [0, k->hi]).  Returns the
 * count, or -1 with a message. */
static int
parse_list(const char *s, float *out, const struct list_kind *k, char *err,
    size_t errlen)
{
	int         n = 0;
	const char *p = s;

	if (s == NULL || *s == '\0')
		return err_set(err, errlen, "empty list of %s", k->plural);
	for (;;) {
		char  *end;
		double v;

		errno = 0;
		v = strtod(p, &end);
		if (end == p || (*end != ',' && *end != '\0') || errno != 0)
			return err_set(err, errlen, "'%s': not a list of numbers "
			    "like %s", s, k->example);
		if (!isfinite(v) || v < 0.0 || v > k->hi)
			return err_set(err, errlen, "%s %g: must be %s", k->what,
			    v, k->range);
		if (n == k->max)
			return err_set(err, errlen, "more than %d %s", k->max,
			    k->plural);
		for (int i = 0; i < n; i++)
			if (out[i] == (float)v)
				return err_set(err, errlen, "%s %g is given twice",
				    k->what, v);
		out[n++] = (float)v;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	return n;
}

int
sweep_parse_scales(const char *s, float *scales, char *err, size_t errlen)
{
	static const struct list_kind k = { "scale", "scales", "0,0.1,0.5",
		100.0, "between 0 and 100", SWEEP_MAX_SCALES };

	return parse_list(s, scales, &k, err, errlen);
}

int
sweep_parse_mode(const char *s, sweep_mode *mode, char *err, size_t errlen)
{
	if (strcmp(s, "fixed") == 0)
		*mode = SWEEP_FIXED;
	else if (strcmp(s, "fresh") == 0)
		*mode = SWEEP_FRESH;
	else
		return err_set(err, errlen, "noise mode '%s': must be fixed or "
		    "fresh", s);
	return 0;
}

const char *
sweep_mode_name(sweep_mode mode)
{
	return mode == SWEEP_FRESH ? "fresh" : "fixed";
}

void
sweep_plan_default(sweep_plan *p, const float *scales, int n)
{
	memset(p, 0, sizeof *p);
	n = n < 0 ? 0 : n < SWEEP_MAX_SCALES ? n : SWEEP_MAX_SCALES;
	if (n > 0) {
		memcpy(p->scales, scales, (size_t)n * sizeof *scales);
		memcpy(p->test_scales, scales, (size_t)n * sizeof *scales);
	}
	p->nscales = p->ntest = n;
	p->nseeds = 1;
	p->corruptions[0] = CORRUPT_GAUSSIAN;
	p->ncorruptions = 1;
	p->mode = SWEEP_FIXED;
}

int
sweep_plan_check(const sweep_plan *p, char *err, size_t errlen)
{
	if (p->nscales < 1 || p->nscales > SWEEP_MAX_SCALES)
		return err_set(err, errlen, "%d scales: must be 1 to %d",
		    p->nscales, SWEEP_MAX_SCALES);
	if (p->nseeds < 1 || p->nseeds > SWEEP_MAX_SEEDS)
		return err_set(err, errlen, "%d seeds: must be 1 to %d",
		    p->nseeds, SWEEP_MAX_SEEDS);
	if (p->ncorruptions < 1 || p->ncorruptions > SWEEP_MAX_CORRUPTIONS)
		return err_set(err, errlen, "%d corruptions: must be 1 to %d",
		    p->ncorruptions, SWEEP_MAX_CORRUPTIONS);
	if (p->ntest < 0 || p->ntest > SWEEP_MAX_SCALES)
		return err_set(err, errlen, "%d test scales: at most %d",
		    p->ntest, SWEEP_MAX_SCALES);
	if (p->ndecays < 0 || p->ndecays > SWEEP_MAX_DECAYS)
		return err_set(err, errlen, "%d weight decays: at most %d",
		    p->ndecays, SWEEP_MAX_DECAYS);
	for (int d = 0; d < p->ndecays; d++) {
		if (!(p->decays[d] >= 0.0f && p->decays[d] <=
		    TRAIN_MAX_WEIGHT_DECAY))
			return err_set(err, errlen, "weight decay %g: must be "
			    "from 0 to %g", (double)p->decays[d],
			    TRAIN_MAX_WEIGHT_DECAY);
		for (int e = 0; e < d; e++)
			if (p->decays[e] == p->decays[d])
				return err_set(err, errlen, "weight decay %g is "
				    "given twice", (double)p->decays[d]);
	}
	if (p->ndatasets < 0 || p->ndatasets > SWEEP_MAX_DATASETS)
		return err_set(err, errlen, "%d data sets: at most %d",
		    p->ndatasets, SWEEP_MAX_DATASETS);
	for (int d = 0; d < p->ndatasets; d++) {
		if (p->datasets[d] == DATASET_AUTO ||
		    dataset_info_of(p->datasets[d])->kind != p->datasets[d])
			return err_set(err, errlen, "data set %d: not one of %s",
			    d + 1, dataset_keys());
		for (int e = 0; e < d; e++)
			if (p->datasets[e] == p->datasets[d])
				return err_set(err, errlen, "data set %s is given "
				    "twice", dataset_info_of(p->datasets[d])->key);
	}
	if (p->nattacks < 0 || p->nattacks > PROBE_MAX_ATTACKS)
		return err_set(err, errlen, "%d attacks: at most %d",
		    p->nattacks, PROBE_MAX_ATTACKS);
	for (int a = 0; a < p->nattacks; a++) {
		const probe_attack *at = &p->attacks[a];

		if (!(at->eps >= 0.0f && at->eps <= 1.0f) || (at->kind !=
		    PROBE_FGSM && at->kind != PROBE_PGD) || at->steps < 1 ||
		    at->steps > PROBE_MAX_STEPS || (at->kind == PROBE_FGSM &&
		    at->steps != 1))
			return err_set(err, errlen, "attack %d: eps %g, %d "
			    "steps: out of range", a + 1, (double)at->eps,
			    at->steps);
	}
	for (int c = 0; c < p->ncorruptions; c++) {
		for (int i = 0; i < p->nscales + p->ntest; i++) {
			corrupt_spec cs = { p->corruptions[c], i < p->nscales ?
			    p->scales[i] : p->test_scales[i - p->nscales] };

			if (corrupt_check(&cs, err, errlen) != 0)
				return -1;
		}
		for (int d = 0; d < c; d++)
			if (p->corruptions[d] == p->corruptions[c])
				return err_set(err, errlen, "corruption %s is "
				    "given twice", corrupt_name(p->corruptions[c]));
	}
	return 0;
}

int
sweep_plan_ndecays(const sweep_plan *p)
{
	return p->ndecays > 0 ? p->ndecays : 1;
}

int
sweep_plan_ndatasets(const sweep_plan *p)
{
	return p->ndatasets > 0 ? p->ndatasets : 1;
}

int
sweep_plan_ngroups(const sweep_plan *p)
{
	return sweep_plan_ndatasets(p) * sweep_plan_ndecays(p);
}

const char *
sweep_plan_dataset_name(const sweep_plan *p, int d)
{
	if (p->ndatasets < 1 || d < 0 || d >= p->ndatasets)
		return "";
	return dataset_info_of(p->datasets[d])->name;
}

int
sweep_parse_datasets(const char *s, dataset_kind *sets, char *err,
    size_t errlen)
{
	char        name[64];
	const char *p = s;
	int         n = 0;

	if (s == NULL || *s == '\0')
		return err_set(err, errlen, "empty list of data sets: give %s",
		    dataset_keys());
	for (;;) {
		size_t              len = strcspn(p, ",");
		const dataset_info *in;

		snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name -
		    1 ? len : sizeof name - 1), p);
		if ((in = dataset_info_parse(name)) == NULL)
			return err_set(err, errlen, "data set '%s' unknown: must "
			    "be %s", name, dataset_keys());
		for (int i = 0; i < n; i++)
			if (sets[i] == in->kind)
				return err_set(err, errlen, "data set %s is given "
				    "twice", in->key);
		if (n == SWEEP_MAX_DATASETS)
			return err_set(err, errlen, "more than %d data sets",
			    SWEEP_MAX_DATASETS);
		sets[n++] = in->kind;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	return n;
}

int
sweep_plan_probes(const sweep_plan *p)
{
	return p->probes || p->nattacks > 0;
}

int
sweep_plan_rows(const sweep_plan *p)
{
	return sweep_plan_ngroups(p) * p->ncorruptions * p->nscales *
	    p->nseeds;
}

int
sweep_parse_decays(const char *s, float *decays, char *err, size_t errlen)
{
	char range[64];
	struct list_kind k = { "weight decay", "weight decays", "0,1e-4",
		TRAIN_MAX_WEIGHT_DECAY, range, SWEEP_MAX_DECAYS };

	snprintf(range, sizeof range, "from 0 to %g", TRAIN_MAX_WEIGHT_DECAY);
	return parse_list(s, decays, &k, err, errlen);
}

float
sweep_plan_scale(const sweep_plan *p, int i)
{
	if (i < 0 || i >= sweep_plan_rows(p) || p->nseeds < 1)
		return 0.0f;
	return p->scales[(i / p->nseeds) % p->nscales];
}

