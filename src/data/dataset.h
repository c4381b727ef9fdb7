#ifndef NOISETOP_DATASET_H
#define NOISETOP_DATASET_H

#include <stddef.h>
#include <stdint.h>

#define DATASET_NPIX 784  /* 28 x 28 */
#define DATASET_SIDE 28
#define DATASET_NCLASS 10

/* Default sizes of the synthetic set: MNIST's. */
#define DATASET_SYNTH_TRAIN 60000
#define DATASET_SYNTH_TEST  10000

/* One split: n images of DATASET_NPIX bytes each, and their labels 0-9. */
typedef struct {
	size_t   n;
	uint8_t *pix;    /* n * DATASET_NPIX, row-major, owned */
	uint8_t *label;  /* n, owned */
} dataset_split;

/*
 * The sets noisetop knows by name (--dataset): all 28x28 grey images in
 * ten classes, in MNIST's four IDX files.  DATASET_AUTO is "not named":
 * MNIST, unless the path it was found at names another set (a directory
 * called fashion-mnist, KMNIST/raw, ...), as before --dataset existed.
 */
typedef enum {
	DATASET_AUTO,
	DATASET_MNIST,
	DATASET_FASHION,
	DATASET_KMNIST,
} dataset_kind;

#define DATASET_NKIND 4

/* What a named set is called and where others keep it.  Static. */
typedef struct {
	dataset_kind kind;
	const char  *key;          /* "fashion": --dataset, config.txt,
	                              make data DATASET=, data/<key> */
	const char  *name;         /* "Fashion-MNIST": in every output */
	const char  *torchvision;  /* "FashionMNIST": <root>/<it>/raw */
	const char  *keras;        /* under $KERAS_HOME/datasets: "mnist.npz"
	                              or the "fashion-mnist" directory; NULL */
	const char  *system;       /* a distribution's copy, or NULL */
	const char  *system_pkg;   /* the package that installs it, or NULL */
	/* Class names (ASCII, so every terminal shows them), NULL for digits;
	 * and the same in their own script (UTF-8), NULL when none. */
	const char  *class_name[DATASET_NCLASS];
	const char  *class_glyph[DATASET_NCLASS];
} dataset_info;

/* The set kind names (DATASET_AUTO: MNIST's row, key "mnist"). */
const dataset_info *dataset_info_of(dataset_kind kind);

/* The set called key ("mnist", "fashion" or "kmnist"; "fashion-mnist"
 * and "kuzushiji" are taken too), or NULL. */
const dataset_info *dataset_info_parse(const char *key);

/* The named keys, "mnist|fashion|kmnist", for usage messages. */
const char *dataset_keys(void);

/*
 * The set a path names: Fashion-MNIST when it (or where it really points)
 * contains "fashion", KMNIST for "kmnist" or "kuzushiji" (any case),
 * otherwise MNIST.
 */
dataset_kind dataset_kind_of_path(const char *path);

typedef struct {
	dataset_split train, test;
	char dir[4096];      /* where the data was found: an IDX directory or
	                        an .npz file; "" for the synthetic set */
	char name[64];       /* "MNIST", "Fashion-MNIST", "KMNIST" or
	                        "SYNTHETIC" */
	char source[4200];   /* "MNIST (/path/to/dir)": shown in every output */
	dataset_kind kind;   /* never DATASET_AUTO once loaded; MNIST for
	                        the synthetic digits */
	/* Names of the ten classes for sets that are not digits
	 * (Fashion-MNIST: "T-shirt/top", ...; KMNIST: "o", "ki", ...) and,
	 * where they have one, in their own script ("お"); all NULL for
	 * digits.  The strings are static: never freed. */
	const char *class_name[DATASET_NCLASS];
	const char *class_glyph[DATASET_NCLASS];
	int      synthetic;  /* 1 for the built-in generated digits */
	uint64_t seed;       /* the synthetic set's seed */
} dataset;

/*
 * Find a set.  A location may be a directory of the four IDX files (raw
 * or .gz), a root holding them in <key>/ or in torchvision's
 * <Name>/raw/ (MNIST/raw, FashionMNIST/raw, KMNIST/raw; <root>/raw/ when
 * given <root>/MNIST), a directory holding mnist.npz, or a Keras
 * mnist.npz file itself.
 *
 * With dir (--data) only dir is tried; a dir whose path names another
 * set (--dataset mnist --data ~/fashion-mnist) is an error.  Otherwise,
 * in order: $NOISETOP_DATA (as the set's directory when its path names
 * the set, else as a root), ./data/<key>, ./data/<Name>/raw,
 * $XDG_CACHE_HOME/noisetop/<key> (default ~/.cache/noisetop/<key>),
 * Keras's cache ($KERAS_HOME, default ~/.keras: datasets/mnist.npz,
 * datasets/fashion-mnist/), then a distribution's copy
 * (/usr/share/datasets/fashion-mnist, from Debian's
 * dataset-fashion-mnist).  DATASET_AUTO searches as MNIST but takes any
 * set a location holds.
 *
 * Returns 0 with the resolved location (the IDX directory or the .npz
 * file) in out, or -1 with a one-line message naming every place looked
 * in.  Whether a found .npz is intact is for dataset_load() to say.
 */
int dataset_find_kind(dataset_kind kind, const char *dir, char *out,
    size_t outlen, char *err, size_t errlen);

/* dataset_find_kind(DATASET_AUTO, ...). */
int dataset_find(const char *dir, char *out, size_t outlen, char *err,
    size_t errlen);

/* The places dataset_find_kind(kind, NULL, ...) looks, comma-separated,
 * into out. */
void dataset_search_path_kind(dataset_kind kind, char *out, size_t outlen);

/* dataset_search_path_kind(DATASET_AUTO, ...). */
void dataset_search_path(char *out, size_t outlen);

/*
 * Load train and test splits from path (anything dataset_find accepts)
 * as set kind, keeping only the first train_limit and test_limit images
 * when those are > 0.  Every file is validated (see idx.h and npz.h) and
 * image and label counts must agree.  With DATASET_AUTO the set is the
 * one the path names (dataset_kind_of_path).  name, source, kind and
 * class_name say which set it is.  Returns 0, or -1 with a one-line
 * message naming the file and the defect.  Free with dataset_free().
 */
int dataset_load_kind(dataset *ds, dataset_kind kind, const char *path,
    size_t train_limit, size_t test_limit, char *err, size_t errlen);

/* dataset_load_kind(ds, DATASET_AUTO, ...). */
int dataset_load(dataset *ds, const char *path, size_t train_limit,
    size_t test_limit, char *err, size_t errlen);

/*
 * Class c's name for a label shown next to its number: "Ankle boot",
 * "tsu", or with utf8 "tsu つ" (the glyph too, where the set has one);
 * "" for digits, whose number says it all.  Returns ds's static string
 * or buf (len bytes).
 */
const char *dataset_class_text(const dataset *ds, int c, int utf8, char *buf,
    size_t len);

/*
 * The offline fallback: ntrain and ntest synthetic digits (0 for
 * DATASET_SYNTH_TRAIN / DATASET_SYNTH_TEST) drawn by synth.h from seed;
 * the same seed gives the same bytes for any thread count.  name is
 * "SYNTHETIC" and source "SYNTHETIC digits, seed N (no MNIST found: run
 * make data)", so no output can pass it off as MNIST.  Digits only: a
 * Fashion-MNIST or KMNIST that is not found is an error, never this set
 * (kind is DATASET_MNIST).  Returns 0, or -1 with a message (out of
 * memory).  Free with dataset_free().
 */
int dataset_synthetic(dataset *ds, uint64_t seed, size_t ntrain,
    size_t ntest, char *err, size_t errlen);

/* Frees the arrays; accepts a zeroed or already freed dataset. */
void dataset_free(dataset *ds);

#endif
