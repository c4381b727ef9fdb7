/*
 * Where a data set is: the places searched for each named set (--data,
 * $NOISETOP_DATA, ./data, the XDG cache, Keras's cache, a distribution's
 * copy) and the layouts a location may have (our IDX directory,
 * torchvision's <root>/<Name>/raw, Keras's mnist.npz).  Part of the
 * dataset module (dataset.h); loading is in dataset.c.
 */
#include "data/dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "data/dataset_priv.h"

const char *const dataset_file_base[4] = {
	"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
	"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
};

int
dataset_find_file(const char *dir, const char *base, char *out,
    size_t outlen)
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
		if (dataset_find_file(dir, dataset_file_base[i], path,
		    sizeof path) != 0)
			return 0;
	return 1;
}

int
dataset_path_kind(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return 0;
	if (S_ISDIR(st.st_mode))
		return 1;
	return S_ISREG(st.st_mode) && access(path, R_OK) == 0 ? 2 : 0;
}

/*
 * The subdirectories of a location that may hold kind's files, "" (the
 * location itself) first.  Not named: every set's torchvision folder,
 * MNIST's first, as before --dataset.  Returns how many, into sub.
 */
static int
subdirs(dataset_kind kind, char sub[6][64])
{
	const dataset_info *in = dataset_info_of(kind);
	int                 n = 0;

	snprintf(sub[n++], 64, "%s", "");
	if (kind == DATASET_AUTO) {
		for (int k = DATASET_MNIST; k < DATASET_NKIND; k++)
			snprintf(sub[n++], 64, "/%s/raw",
			    dataset_info_of((dataset_kind)k)->torchvision);
	} else {
		snprintf(sub[n++], 64, "/%s/raw", in->torchvision);
		snprintf(sub[n++], 64, "/%s", in->key);
		if (in->keras != NULL && strchr(in->keras, '.') == NULL)
			snprintf(sub[n++], 64, "/%s", in->keras);
	}
	/* <root>/MNIST given for <root>/MNIST/raw */
	snprintf(sub[n++], 64, "%s", "/raw");
	return n;
}

int
dataset_resolve(dataset_kind kind, const char *path, char *out,
    size_t outlen)
{
	char   buf[4200], dir[4200], sub[6][64];
	int    pk = dataset_path_kind(path), nsub;
	size_t len;

	/* "DIR/" names DIR: no "DIR//file" in any message. */
	snprintf(dir, sizeof dir, "%s", path);
	for (len = strlen(dir); len > 1 && dir[len - 1] == '/'; len--)
		dir[len - 1] = '\0';
	path = dir;
	if (pk == 2) {
		snprintf(out, outlen, "%s", path);
		return 0;
	}
	if (pk != 1)
		return -1;
	nsub = subdirs(kind, sub);
	for (int i = 0; i < nsub; i++) {
		snprintf(buf, sizeof buf, "%s%s", path, sub[i]);
		if (has_all_files(buf)) {
			snprintf(out, outlen, "%s", buf);
			return 0;
		}
	}
	/* Keras keeps only MNIST as an .npz. */
	if (kind == DATASET_AUTO || kind == DATASET_MNIST) {
		snprintf(buf, sizeof buf, "%s/mnist.npz", path);
		if (dataset_path_kind(buf) == 2) {
			snprintf(out, outlen, "%s", buf);
			return 0;
		}
	}
	return -1;
}

/* One place on the search path; strict: it must name the set. */
typedef struct {
	const char *path;
	int         strict;
} place;

/* The search path of kind, in order; bufs holds the built strings. */
static int
candidates(dataset_kind kind, place cand[8], char bufs[4][4096])
{
	const dataset_info *in = dataset_info_of(kind);
	const char *env, *xdg, *home, *keras;
	int         n = 0;

	/* $NOISETOP_DATA often points at MNIST for every run: another set
	 * is taken from it only where its path names that set. */
	if ((env = getenv("NOISETOP_DATA")) != NULL && *env != '\0')
		cand[n++] = (place){ env, kind != DATASET_AUTO };
	snprintf(bufs[0], 4096, "data/%s", in->key);
	cand[n++] = (place){ bufs[0], 0 };
	snprintf(bufs[1], 4096, "data/%s/raw", in->torchvision);
	cand[n++] = (place){ bufs[1], 0 };
	xdg = getenv("XDG_CACHE_HOME");
	home = getenv("HOME");
	keras = getenv("KERAS_HOME");
	if (xdg != NULL && *xdg != '\0') {
		snprintf(bufs[2], 4096, "%s/noisetop/%s", xdg, in->key);
		cand[n++] = (place){ bufs[2], 0 };
	} else if (home != NULL && *home != '\0') {
		snprintf(bufs[2], 4096, "%s/.cache/noisetop/%s", home,
		    in->key);
		cand[n++] = (place){ bufs[2], 0 };
	}
	if (in->keras != NULL && keras != NULL && *keras != '\0') {
		snprintf(bufs[3], 4096, "%s/datasets/%s", keras, in->keras);
		cand[n++] = (place){ bufs[3], 0 };
	} else if (in->keras != NULL && home != NULL && *home != '\0') {
		snprintf(bufs[3], 4096, "%s/.keras/datasets/%s", home,
		    in->keras);
		cand[n++] = (place){ bufs[3], 0 };
	}
	if (in->system != NULL)
		cand[n++] = (place){ in->system, 0 };
	return n;
}

void
dataset_search_path_kind(dataset_kind kind, char *out, size_t outlen)
{
	place  cand[8];
	char   bufs[4][4096];
	int    n = candidates(kind, cand, bufs);
	size_t used = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	for (int i = 0; i < n && used < outlen; i++)
		used += (size_t)snprintf(out + used, outlen - used, "%s%s",
		    i ? ", " : "", cand[i].path);
}

void
dataset_search_path(char *out, size_t outlen)
{
	dataset_search_path_kind(DATASET_AUTO, out, outlen);
}

/* Does loc name a set other than kind (fashion for MNIST, ...)? */
static int
names_other(dataset_kind kind, const char *loc)
{
	dataset_kind k = dataset_kind_of_path(loc);

	return kind != DATASET_AUTO && k != DATASET_MNIST && k != kind;
}

/* A --data that is not there, or holds no such set. */
static int
not_there(dataset_kind kind, const char *dir, char *err, size_t errlen)
{
	const dataset_info *in = dataset_info_of(kind);
	const char *const  *b = dataset_file_base;

	if (kind == DATASET_AUTO || kind == DATASET_MNIST)
		return err_set(err, errlen, "%s: MNIST not found there (need "
		    "%s, %s, %s and %s, raw or .gz, in it or in its MNIST/raw/, "
		    "or a Keras mnist.npz)", dir, b[0], b[1], b[2], b[3]);
	return err_set(err, errlen, "%s: %s not found there (need %s, %s, %s "
	    "and %s, raw or .gz, in it or in its %s/raw/ or %s/)", dir,
	    in->name, b[0], b[1], b[2], b[3], in->torchvision, in->key);
}

int
dataset_find_kind(dataset_kind kind, const char *dir, char *out,
    size_t outlen, char *err, size_t errlen)
{
	const dataset_info *in = dataset_info_of(kind);
	place       cand[8];
	char        bufs[4][4096], tried[8192];
	int         n;

	if (dir != NULL) {
		if (dataset_resolve(kind, dir, out, outlen) != 0)
			return not_there(kind, dir, err, errlen);
		if (names_other(kind, out))
			return err_set(err, errlen, "%s: that is %s, not %s "
			    "(--dataset %s): pass --dataset %s, or the %s "
			    "directory", out,
			    dataset_info_of(dataset_kind_of_path(out))->name,
			    in->name, in->key,
			    dataset_info_of(dataset_kind_of_path(out))->key,
			    in->name);
		return 0;
	}
	n = candidates(kind, cand, bufs);
	for (int i = 0; i < n; i++)
		if (dataset_resolve(kind, cand[i].path, out, outlen) == 0 &&
		    !(cand[i].strict ? dataset_kind_of_path(out) != kind :
		    names_other(kind, out)))
			return 0;
	dataset_search_path_kind(kind, tried, sizeof tried);
	if (kind == DATASET_AUTO || kind == DATASET_MNIST)
		return err_set(err, errlen, "MNIST not found (looked in %s): "
		    "run 'make data' or pass --data DIR", tried);
	return err_set(err, errlen, "%s not found (looked in %s): run 'make "
	    "data DATASET=%s'%s%s%s or pass --data DIR", in->name, tried,
	    in->key, in->system_pkg ? ", install " : "",
	    in->system_pkg ? in->system_pkg : "", in->system_pkg ? "," : "");
}

int
dataset_find(const char *dir, char *out, size_t outlen, char *err,
    size_t errlen)
{
	return dataset_find_kind(DATASET_AUTO, dir, out, outlen, err, errlen);
}
