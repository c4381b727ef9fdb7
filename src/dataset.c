/* Finding and loading MNIST: four IDX files in one directory. */
#include "dataset.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "idx.h"

static const char *const file_base[4] = {
	"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
	"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
};

__attribute__((format(printf, 3, 4))) static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The path of one of the four files in dir, raw or .gz; 0 if found. */
static int
find_file(const char *dir, const char *base, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/%s.gz", dir, base);
	if (access(out, R_OK) == 0)
		return 0;
	snprintf(out, outlen, "%s/%s", dir, base);
	return access(out, R_OK) == 0 ? 0 : -1;
}

static int
has_all_files(const char *dir)
{
	char path[4200];

	for (int i = 0; i < 4; i++)
		if (find_file(dir, file_base[i], path, sizeof path) != 0)
			return 0;
	return 1;
}

int
dataset_find(const char *dir, char *out, size_t outlen, char *err,
    size_t errlen)
{
	char        cache[4096], tried[8192] = "";
	const char *cand[4];
	int         n = 0;
	const char *env, *xdg, *home;

	if (dir != NULL) {
		if (!has_all_files(dir))
			return fail(err, errlen,
			    "%s: MNIST not found there (need %s, %s, %s and "
			    "%s, raw or .gz)", dir, file_base[0],
			    file_base[1], file_base[2], file_base[3]);
		snprintf(out, outlen, "%s", dir);
		return 0;
	}
	if ((env = getenv("NOISETOP_DATA")) != NULL && *env != '\0')
		cand[n++] = env;
	cand[n++] = "data/mnist";
	xdg = getenv("XDG_CACHE_HOME");
	home = getenv("HOME");
	if (xdg != NULL && *xdg != '\0') {
		snprintf(cache, sizeof cache, "%s/noisetop/mnist", xdg);
		cand[n++] = cache;
	} else if (home != NULL && *home != '\0') {
		snprintf(cache, sizeof cache, "%s/.cache/noisetop/mnist",
		    home);
		cand[n++] = cache;
	}
	for (int i = 0; i < n; i++) {
		if (has_all_files(cand[i])) {
			snprintf(out, outlen, "%s", cand[i]);
			return 0;
		}
		size_t used = strlen(tried);
		snprintf(tried + used, sizeof tried - used, "%s%s",
		    i ? ", " : "", cand[i]);
	}
	return fail(err, errlen,
	    "MNIST not found (looked in %s): run 'make data' or pass --data "
	    "DIR", tried);
}

static int
load_split(dataset_split *s, const char *dir, const char *img_base,
    const char *lab_base, size_t limit, char *err, size_t errlen)
{
	char      ipath[4200], lpath[4200];
	idx_array img, lab;

	memset(s, 0, sizeof *s);
	if (find_file(dir, img_base, ipath, sizeof ipath) != 0)
		return fail(err, errlen, "%s/%s: not found", dir, img_base);
	if (find_file(dir, lab_base, lpath, sizeof lpath) != 0)
		return fail(err, errlen, "%s/%s: not found", dir, lab_base);
	if (idx_load(ipath, 3, &img, err, errlen) != 0)
		return -1;
	if (img.dims[1] != DATASET_SIDE || img.dims[2] != DATASET_SIDE) {
		fail(err, errlen, "%s: images are %ux%u, expected 28x28",
		    ipath, img.dims[1], img.dims[2]);
		idx_free(&img);
		return -1;
	}
	if (idx_load(lpath, 1, &lab, err, errlen) != 0) {
		idx_free(&img);
		return -1;
	}
	if (lab.dims[0] != img.dims[0]) {
		fail(err, errlen, "%s: %u labels for %u images in %s", lpath,
		    lab.dims[0], img.dims[0], ipath);
		idx_free(&img);
		idx_free(&lab);
		return -1;
	}
	for (size_t i = 0; i < lab.size; i++) {
		if (lab.data[i] > 9) {
			fail(err, errlen, "%s: label %u at item %zu is not a "
			    "digit 0-9", lpath, lab.data[i], i);
			idx_free(&img);
			idx_free(&lab);
			return -1;
		}
	}
	s->n = img.dims[0];
	if (limit > 0 && limit < s->n)
		s->n = limit;
	s->pix = img.data;
	s->label = lab.data;
	return 0;
}

int
dataset_load(dataset *ds, const char *dir, size_t train_limit,
    size_t test_limit, char *err, size_t errlen)
{
	memset(ds, 0, sizeof *ds);
	if (load_split(&ds->train, dir, file_base[0], file_base[1],
	    train_limit, err, errlen) != 0)
		return -1;
	if (load_split(&ds->test, dir, file_base[2], file_base[3],
	    test_limit, err, errlen) != 0) {
		dataset_free(ds);
		return -1;
	}
	snprintf(ds->dir, sizeof ds->dir, "%s", dir);
	snprintf(ds->name, sizeof ds->name, "MNIST");
	snprintf(ds->source, sizeof ds->source, "MNIST (%s)", dir);
	return 0;
}

void
dataset_free(dataset *ds)
{
	if (ds == NULL)
		return;
	free(ds->train.pix);
	free(ds->train.label);
	free(ds->test.pix);
	free(ds->test.label);
	memset(&ds->train, 0, sizeof ds->train);
	memset(&ds->test, 0, sizeof ds->test);
}
