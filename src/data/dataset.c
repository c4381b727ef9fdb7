/*
 * Finding and loading MNIST: four IDX files in a directory (ours, or a
 * torchvision root's MNIST/raw), or Keras's mnist.npz; and the synthetic
 * digits when there is none.
 */
#define _GNU_SOURCE  /* strcasestr */
#include "data/dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "data/idx.h"
#include "data/npz.h"
#include "data/synth.h"

static const char *const file_base[4] = {
	"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
	"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
};

/* The path of one of the four files in dir, raw or .gz; 0 if found. */
static int
find_file(const char *dir, const char *base, char *out, size_t outlen)
{
	if ((size_t)snprintf(out, outlen, "%s/%s.gz", dir, base) < outlen &&
	    access(out, R_OK) == 0)
		return 0;
	if ((size_t)snprintf(out, outlen, "%s/%s", dir, base) >= outlen)
		return -1;
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

/* Is path a directory (1), a regular file (2), or neither (0)? */
static int
path_kind(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return 0;
	if (S_ISDIR(st.st_mode))
		return 1;
	return S_ISREG(st.st_mode) && access(path, R_OK) == 0 ? 2 : 0;
}

/*
 * Resolve a location to the IDX directory or .npz file it names: the
 * directory itself, a torchvision root (<root>/MNIST/raw,
 * <root>/FashionMNIST/raw, or <root>/raw when given <root>/MNIST), a
 * directory holding mnist.npz, or an .npz file.  0 if found.
 */
static int
resolve(const char *path, char *out, size_t outlen)
{
	static const char *const sub[] = {
		"", "/MNIST/raw", "/FashionMNIST/raw", "/raw",
	};
	char   buf[4200], dir[4200];
	int    kind = path_kind(path);
	size_t len;

	/* "DIR/" names DIR: no "DIR//file" in any message. */
	snprintf(dir, sizeof dir, "%s", path);
	for (len = strlen(dir); len > 1 && dir[len - 1] == '/'; len--)
		dir[len - 1] = '\0';
	path = dir;
	if (kind == 2) {
		snprintf(out, outlen, "%s", path);
		return 0;
	}
	if (kind != 1)
		return -1;
	for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
		snprintf(buf, sizeof buf, "%s%s", path, sub[i]);
		if (has_all_files(buf)) {
			snprintf(out, outlen, "%s", buf);
			return 0;
		}
	}
	snprintf(buf, sizeof buf, "%s/mnist.npz", path);
	if (path_kind(buf) == 2) {
		snprintf(out, outlen, "%s", buf);
		return 0;
	}
	return -1;
}

/* The default search path, in order; bufs holds the built strings. */
static int
candidates(const char *cand[6], char bufs[2][4096])
{
	const char *env, *xdg, *home, *keras;
	int         n = 0;

	if ((env = getenv("NOISETOP_DATA")) != NULL && *env != '\0')
		cand[n++] = env;
	cand[n++] = "data/mnist";
	cand[n++] = "data/MNIST/raw";
	xdg = getenv("XDG_CACHE_HOME");
	home = getenv("HOME");
	keras = getenv("KERAS_HOME");
	if (xdg != NULL && *xdg != '\0') {
		snprintf(bufs[0], 4096, "%s/noisetop/mnist", xdg);
		cand[n++] = bufs[0];
	} else if (home != NULL && *home != '\0') {
		snprintf(bufs[0], 4096, "%s/.cache/noisetop/mnist", home);
		cand[n++] = bufs[0];
	}
	if (keras != NULL && *keras != '\0') {
		snprintf(bufs[1], 4096, "%s/datasets/mnist.npz", keras);
		cand[n++] = bufs[1];
	} else if (home != NULL && *home != '\0') {
		snprintf(bufs[1], 4096, "%s/.keras/datasets/mnist.npz", home);
		cand[n++] = bufs[1];
	}
	return n;
}

void
dataset_search_path(char *out, size_t outlen)
{
	const char *cand[6];
	char        bufs[2][4096];
	int         n = candidates(cand, bufs);
	size_t      used = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	for (int i = 0; i < n && used < outlen; i++)
		used += (size_t)snprintf(out + used, outlen - used, "%s%s",
		    i ? ", " : "", cand[i]);
}

int
dataset_find(const char *dir, char *out, size_t outlen, char *err,
    size_t errlen)
{
	const char *cand[6];
	char        bufs[2][4096], tried[8192];
	int         n;

	if (dir != NULL) {
		if (resolve(dir, out, outlen) != 0)
			return err_set(err, errlen,
			    "%s: MNIST not found there (need %s, %s, %s and "
			    "%s, raw or .gz, in it or in its MNIST/raw/, or a "
			    "Keras mnist.npz)", dir, file_base[0],
			    file_base[1], file_base[2], file_base[3]);
		return 0;
	}
	n = candidates(cand, bufs);
	for (int i = 0; i < n; i++)
		if (resolve(cand[i], out, outlen) == 0)
			return 0;
	dataset_search_path(tried, sizeof tried);
	return err_set(err, errlen,
	    "MNIST not found (looked in %s): run 'make data' or pass --data "
	    "DIR", tried);
}

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
	if (find_file(dir, img_base, ipath, sizeof ipath) != 0)
		return err_set(err, errlen, "%s/%s: not found", dir, img_base);
	if (find_file(dir, lab_base, lpath, sizeof lpath) != 0)
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

/* Case-insensitive "fashion" in path or in where it really points. */
static int
looks_fashion(const char *path)
{
	char *real;
	int   yes = strcasestr(path, "fashion") != NULL;

	if (!yes && (real = realpath(path, NULL)) != NULL) {
		yes = strcasestr(real, "fashion") != NULL;
		free(real);
	}
	return yes;
}

static const char *const fashion_class[DATASET_NCLASS] = {
	"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
};

int
dataset_load(dataset *ds, const char *path, size_t train_limit,
    size_t test_limit, char *err, size_t errlen)
{
	char where[4096];
	int  rc;

	memset(ds, 0, sizeof *ds);
	/* A path that resolves to nothing still goes the IDX way, so the
	 * message names the first missing file. */
	if (resolve(path, where, sizeof where) != 0)
		snprintf(where, sizeof where, "%s", path);
	if (path_kind(where) == 2)
		rc = load_npz(ds, where, train_limit, test_limit, err, errlen);
	else if ((rc = load_split(&ds->train, where, file_base[0],
	    file_base[1], train_limit, err, errlen)) == 0)
		rc = load_split(&ds->test, where, file_base[2], file_base[3],
		    test_limit, err, errlen);
	if (rc != 0) {
		dataset_free(ds);
		return -1;
	}
	snprintf(ds->dir, sizeof ds->dir, "%s", where);
	if (looks_fashion(where)) {
		snprintf(ds->name, sizeof ds->name, "Fashion-MNIST");
		memcpy(ds->class_name, fashion_class, sizeof ds->class_name);
	} else {
		snprintf(ds->name, sizeof ds->name, "MNIST");
	}
	snprintf(ds->source, sizeof ds->source, "%s (%s)", ds->name, where);
	return 0;
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
