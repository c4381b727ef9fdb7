/*
 * The named sets (MNIST, Fashion-MNIST, KMNIST) and loading one: four IDX
 * files in a directory, or Keras's mnist.npz; and the synthetic digits
 * when there is no MNIST.  Where a set is found: dataset_find.c.
 */
#define _GNU_SOURCE  /* strcasestr */
#include "data/dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "data/dataset_priv.h"
#include "data/idx.h"
#include "data/npz.h"
#include "data/synth.h"

/* Labels must be digits 0-9 (class indices for the other sets). */
static int
check_labels(const char *name, const uint8_t *lab, size_t n, char *err,
    size_t errlen)
{
	for (size_t i = 0; i < n; i++)
		if (lab[i] > 9)
			return err_set(err, errlen, "%s: label %u at item %zu is "
			    "not a digit 0-9", name, lab[i], i);
	return 0;
}

static int
load_split(dataset_split *s, const char *dir, const char *img_base,
    const char *lab_base, size_t limit, char *err, size_t errlen)
{
	char      ipath[4200], lpath[4200];
	idx_array img, lab;

	memset(s, 0, sizeof *s);
	if (dataset_find_file(dir, img_base, ipath, sizeof ipath) != 0)
		return err_set(err, errlen, "%s/%s: not found", dir, img_base);
	if (dataset_find_file(dir, lab_base, lpath, sizeof lpath) != 0)
		return err_set(err, errlen, "%s/%s: not found", dir, lab_base);
	if (idx_load(ipath, 3, &img, err, errlen) != 0)
		return -1;
	if (img.dims[1] != DATASET_SIDE || img.dims[2] != DATASET_SIDE) {
		err_set(err, errlen, "%s: images are %ux%u, expected 28x28",
		    ipath, img.dims[1], img.dims[2]);
		idx_free(&img);
		return -1;
	}
	if (idx_load(lpath, 1, &lab, err, errlen) != 0) {
		idx_free(&img);
		return -1;
	}
	if (lab.dims[0] != img.dims[0]) {
		err_set(err, errlen, "%s: %u labels for %u images in %s", lpath,
		    lab.dims[0], img.dims[0], ipath);
		idx_free(&img);
		idx_free(&lab);
		return -1;
	}
	if (check_labels(lpath, lab.data, lab.size, err, errlen) != 0) {
		idx_free(&img);
		idx_free(&lab);
		return -1;
	}
	s->n = img.dims[0];
	if (limit > 0 && limit < s->n)
		s->n = limit;
	s->pix = img.data;
	s->label = lab.data;
	return 0;
}

/* One split of a Keras archive: x_<split> (n, 28, 28), y_<split> (n,). */
static int
npz_split(npz_file *z, const char *path, const char *split, dataset_split *s,
    size_t limit, char *err, size_t errlen)
{
	char      xname[16], yname[16], label[4200];
	npz_array x, y;

	memset(s, 0, sizeof *s);
	snprintf(xname, sizeof xname, "x_%s", split);
	snprintf(yname, sizeof yname, "y_%s", split);
	if (npz_read_u8(z, xname, 3, &x, err, errlen) != 0)
		return -1;
	if (x.shape[1] != DATASET_SIDE || x.shape[2] != DATASET_SIDE) {
		err_set(err, errlen, "%s: %s.npy: images are %zux%zu, expected "
		    "28x28", path, xname, x.shape[1], x.shape[2]);
		npz_array_free(&x);
		return -1;
	}
	if (npz_read_u8(z, yname, 1, &y, err, errlen) != 0) {
		npz_array_free(&x);
		return -1;
	}
	snprintf(label, sizeof label, "%s: %s.npy", path, yname);
	if (y.shape[0] != x.shape[0]) {
		err_set(err, errlen, "%s: %zu labels for %zu images in %s.npy",
		    label, y.shape[0], x.shape[0], xname);
		npz_array_free(&x);
		npz_array_free(&y);
		return -1;
	}
	if (check_labels(label, y.data, y.size, err, errlen) != 0) {
		npz_array_free(&x);
		npz_array_free(&y);
		return -1;
	}
	s->n = x.shape[0];
	if (limit > 0 && limit < s->n)
		s->n = limit;
	s->pix = x.data;
	s->label = y.data;
	return 0;
}

static int
load_npz(dataset *ds, const char *path, size_t train_limit,
    size_t test_limit, char *err, size_t errlen)
{
	npz_file *z = npz_open(path, err, errlen);
	int       rc = -1;

	if (z == NULL)
		return -1;
	if (npz_split(z, path, "train", &ds->train, train_limit, err,
	    errlen) == 0 &&
	    npz_split(z, path, "test", &ds->test, test_limit, err,
	    errlen) == 0)
		rc = 0;
	npz_close(z);
	return rc;
}

static const dataset_info sets[DATASET_NKIND] = {
	{ DATASET_AUTO, "mnist", "MNIST", "MNIST", "mnist.npz", NULL, NULL,
	    { NULL }, { NULL } },
	{ DATASET_MNIST, "mnist", "MNIST", "MNIST", "mnist.npz", NULL, NULL,
	    { NULL }, { NULL } },
	{ DATASET_FASHION, "fashion", "Fashion-MNIST", "FashionMNIST",
	    "fashion-mnist", "/usr/share/datasets/fashion-mnist",
	    "dataset-fashion-mnist",
	    { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" }, { NULL } },
	/* Kuzushiji-MNIST: one cursive hiragana from each row of the
	 * syllabary, named in romaji as its authors do. */
	{ DATASET_KMNIST, "kmnist", "KMNIST", "KMNIST", NULL, NULL, NULL,
	    { "o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo" },
	    { "\u304a", "\u304d", "\u3059", "\u3064", "\u306a", "\u306f",
	      "\u307e", "\u3084", "\u308c", "\u3092" } },
};

const dataset_info *
dataset_info_of(dataset_kind kind)
{
	return (unsigned)kind < DATASET_NKIND ? &sets[kind] : &sets[0];
}

const dataset_info *
dataset_info_parse(const char *key)
{
	if (key == NULL)
		return NULL;
	if (strcasecmp(key, "fashion-mnist") == 0)
		return &sets[DATASET_FASHION];
	if (strcasecmp(key, "kuzushiji") == 0)
		return &sets[DATASET_KMNIST];
	for (int k = DATASET_MNIST; k < DATASET_NKIND; k++)
		if (strcasecmp(key, sets[k].key) == 0)
			return &sets[k];
	return NULL;
}

const char *
dataset_keys(void)
{
	return "mnist|fashion|kmnist";
}

/* The set named by path's own text: MNIST when it names none. */
static dataset_kind
named_by(const char *path)
{
	if (strcasestr(path, "fashion") != NULL)
		return DATASET_FASHION;
	if (strcasestr(path, "kmnist") != NULL ||
	    strcasestr(path, "kuzushiji") != NULL)
		return DATASET_KMNIST;
	return DATASET_MNIST;
}

dataset_kind
dataset_kind_of_path(const char *path)
{
	dataset_kind k = named_by(path);
	char        *real;

	if (k == DATASET_MNIST && (real = realpath(path, NULL)) != NULL) {
		k = named_by(real);
		free(real);
	}
	return k;
}

int
dataset_load_kind(dataset *ds, dataset_kind kind, const char *path,
    size_t train_limit, size_t test_limit, char *err, size_t errlen)
{
	const dataset_info *in;
	char where[4096];
	int  rc;

	memset(ds, 0, sizeof *ds);
	/* A path that resolves to nothing still goes the IDX way, so the
	 * message names the first missing file. */
	if (dataset_resolve(kind, path, where, sizeof where) != 0)
		snprintf(where, sizeof where, "%s", path);
	if (dataset_path_kind(where) == 2)
		rc = load_npz(ds, where, train_limit, test_limit, err, errlen);
	else if ((rc = load_split(&ds->train, where, dataset_file_base[0],
	    dataset_file_base[1], train_limit, err, errlen)) == 0)
		rc = load_split(&ds->test, where, dataset_file_base[2],
		    dataset_file_base[3], test_limit, err, errlen);
	if (rc != 0) {
		dataset_free(ds);
		return -1;
	}
	if (kind == DATASET_AUTO)
		kind = dataset_kind_of_path(where);
	in = dataset_info_of(kind);
	ds->kind = kind;
	snprintf(ds->dir, sizeof ds->dir, "%s", where);
	snprintf(ds->name, sizeof ds->name, "%s", in->name);
	memcpy(ds->class_name, in->class_name, sizeof ds->class_name);
	memcpy(ds->class_glyph, in->class_glyph, sizeof ds->class_glyph);
	snprintf(ds->source, sizeof ds->source, "%s (%s)", ds->name, where);
	return 0;
}

int
dataset_load(dataset *ds, const char *path, size_t train_limit,
    size_t test_limit, char *err, size_t errlen)
{
	return dataset_load_kind(ds, DATASET_AUTO, path, train_limit,
	    test_limit, err, errlen);
}

const char *
dataset_class_text(const dataset *ds, int c, int utf8, char *buf, size_t len)
{
	if (c < 0 || c >= DATASET_NCLASS || ds->class_name[c] == NULL)
		return "";
	if (!utf8 || ds->class_glyph[c] == NULL || len == 0)
		return ds->class_name[c];
	snprintf(buf, len, "%s %s", ds->class_name[c], ds->class_glyph[c]);
	return buf;
}

int
dataset_synthetic(dataset *ds, uint64_t seed, size_t ntrain, size_t ntest,
    char *err, size_t errlen)
{
	memset(ds, 0, sizeof *ds);
	if (ntrain == 0)
		ntrain = DATASET_SYNTH_TRAIN;
	if (ntest == 0)
		ntest = DATASET_SYNTH_TEST;
	ds->train.pix = malloc(ntrain * DATASET_NPIX);
	ds->train.label = malloc(ntrain);
	ds->test.pix = malloc(ntest * DATASET_NPIX);
	ds->test.label = malloc(ntest);
	if (ds->train.pix == NULL || ds->train.label == NULL ||
	    ds->test.pix == NULL || ds->test.label == NULL) {
		dataset_free(ds);
		return err_set(err, errlen, "synthetic digits: out of memory");
	}
	ds->train.n = ntrain;
	ds->test.n = ntest;
	if (synth_generate(NULL, seed, 0, 0, ntrain, ds->train.pix,
	    ds->train.label, err, errlen) != 0 ||
	    synth_generate(NULL, seed, 1, 0, ntest, ds->test.pix,
	    ds->test.label, err, errlen) != 0) {
		dataset_free(ds);
		return -1;
	}
	ds->synthetic = 1;
	ds->seed = seed;
	ds->kind = DATASET_MNIST;
	snprintf(ds->name, sizeof ds->name, "SYNTHETIC");
	snprintf(ds->source, sizeof ds->source, "SYNTHETIC digits, seed %llu "
	    "(no MNIST found: run make data)", (unsigned long long)seed);
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
