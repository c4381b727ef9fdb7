/* IDX reader and dataset loading on good and malformed files. */
#include "data/dataset.h"
#include "data/idx.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "tap.h"

static char tmpdir[256];

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void
write_raw(const char *name, const void *buf, size_t len)
{
	char  path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	fwrite(buf, 1, len, f);
	fclose(f);
}

static void
write_gz(const char *name, const void *buf, size_t len)
{
	char   path[512];
	gzFile g;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	g = gzopen(path, "wb");
	gzwrite(g, buf, (unsigned)len);
	gzclose(g);
}

/* An image file of n side x side images (magic 2051) with pixel i%251. */
static uint8_t *
make_images(uint32_t n, uint32_t side, size_t *len)
{
	size_t   sz = 16 + (size_t)n * side * side;
	uint8_t *b = malloc(sz);

	put32(b, 0x803);
	put32(b + 4, n);
	put32(b + 8, side);
	put32(b + 12, side);
	for (size_t i = 16; i < sz; i++)
		b[i] = (uint8_t)(i % 251);
	*len = sz;
	return b;
}

static uint8_t *
make_labels(uint32_t n, size_t *len)
{
	uint8_t *b = malloc(8 + n);

	put32(b, 0x801);
	put32(b + 4, n);
	for (uint32_t i = 0; i < n; i++)
		b[8 + i] = i % 10;
	*len = 8 + n;
	return b;
}

/* idx_load on tmpdir/name must fail with a message containing want. */
static void
expect_error(const char *name, int ndim, const char *want)
{
	char      path[512], err[1024] = "";
	idx_array a;
	int       rc;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	rc = idx_load(path, ndim, &a, err, sizeof err);
	ok(rc == -1 && strstr(err, want) != NULL &&
	    strstr(err, name) != NULL, "%s: error '%s' (want '%s')", name,
	    err, want);
	ok(a.data == NULL, "%s: nothing returned on error", name);
}

/* A dataset directory with four files; returns the dataset_load error. */
static int
load_set(const uint8_t *img, size_t ilen, const uint8_t *lab, size_t llen,
    char *err, size_t errlen)
{
	dataset ds;
	size_t  tl, ll;
	uint8_t *ti = make_images(5, 28, &tl), *tlab = make_labels(5, &ll);
	int     rc;

	write_raw("train-images-idx3-ubyte", img, ilen);
	write_raw("train-labels-idx1-ubyte", lab, llen);
	write_gz("t10k-images-idx3-ubyte.gz", ti, tl);
	write_gz("t10k-labels-idx1-ubyte.gz", tlab, ll);
	free(ti);
	free(tlab);
	rc = dataset_load(&ds, tmpdir, 0, 0, err, errlen);
	if (rc == 0)
		dataset_free(&ds);
	return rc;
}

int
main(void)
{
	size_t    il, ll;
	uint8_t  *img = make_images(7, 28, &il), *lab = make_labels(7, &ll);
	idx_array a;
	char      path[512], err[1024];

	snprintf(tmpdir, sizeof tmpdir, "/tmp/noisetop-idx-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return skip_all("cannot make a temporary directory");

	/* Good files, raw and gzip, give the same bytes. */
	write_raw("good", img, il);
	write_gz("good.gz", img, il);
	snprintf(path, sizeof path, "%s/good", tmpdir);
	ok(idx_load(path, 3, &a, err, sizeof err) == 0 && a.dims[0] == 7 &&
	    a.dims[1] == 28 && a.size == 7 * 784 &&
	    memcmp(a.data, img + 16, a.size) == 0, "raw IDX images load");
	idx_free(&a);
	snprintf(path, sizeof path, "%s/good.gz", tmpdir);
	ok(idx_load(path, 3, &a, err, sizeof err) == 0 && a.size == 7 * 784 &&
	    memcmp(a.data, img + 16, a.size) == 0, "gzip IDX images load");
	idx_free(&a);

	/* Malformed files, each with its error. */
	write_raw("empty", "", 0);
	expect_error("empty", 3, "empty file");
	write_raw("short-header", img, 10);
	expect_error("short-header", 3, "truncated header");
	write_raw("truncated", img, il - 100);
	expect_error("truncated", 3, "truncated");
	write_raw("trailing", img, il);
	{
		uint8_t *big = malloc(il + 5);
		memcpy(big, img, il);
		memset(big + il, 0, 5);
		write_raw("trailing", big, il + 5);
		free(big);
	}
	expect_error("trailing", 3, "trailing data");
	{
		uint8_t bad[16];
		memcpy(bad, img, 16);
		put32(bad, 0x12345678);
		write_raw("wrong-magic", bad, 16);
		expect_error("wrong-magic", 3, "not an IDX file");
		put32(bad, 0x0d03);
		write_raw("float-type", bad, 16);
		expect_error("float-type", 3, "element type 0x0d");
	}
	expect_error("good", 1, "3 dimensions, expected 1");
	{
		uint8_t *z = malloc(il);
		memcpy(z, img, il);
		put32(z + 8, 0);
		write_raw("zero-dim", z, il);
		expect_error("zero-dim", 3, "dimension 1 is zero");
		put32(z + 4, 0xffffffffu);
		put32(z + 8, 0xffffffffu);
		write_raw("huge-dims", z, il);
		expect_error("huge-dims", 3, "too large");
		free(z);
	}
	{
		/* gzip garbage: a gzip header then noise. */
		uint8_t g[64] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
		for (int i = 10; i < 64; i++)
			g[i] = (uint8_t)(i * 37);
		write_raw("garbage.gz", g, sizeof g);
		expect_error("garbage.gz", 3, "gzip");
	}
	{
		/* A gzip file cut in the middle. */
		char  gz[512];
		FILE *f;
		long  n;
		snprintf(gz, sizeof gz, "%s/good.gz", tmpdir);
		f = fopen(gz, "rb");
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		uint8_t *buf = malloc((size_t)n);
		fseek(f, 0, SEEK_SET);
		if (fread(buf, 1, (size_t)n, f) != (size_t)n)
			n = 0;
		fclose(f);
		write_raw("cut.gz", buf, (size_t)n / 2);
		expect_error("cut.gz", 3, "truncated");
		/* A good stream followed by junk. */
		uint8_t *junk = malloc((size_t)n + 7);
		memcpy(junk, buf, (size_t)n);
		memcpy(junk + n, "GARBAGE", 7);
		write_raw("junk-after.gz", junk, (size_t)n + 7);
		expect_error("junk-after.gz", 3, "garbage after");
		free(junk);
		free(buf);
	}
	snprintf(path, sizeof path, "%s/missing", tmpdir);
	ok(idx_load(path, 3, &a, err, sizeof err) == -1 &&
	    strstr(err, "No such file") != NULL, "missing file: '%s'", err);
	ok(idx_load(tmpdir, 3, &a, err, sizeof err) == -1 &&
	    strstr(err, "is a directory, not a data file") != NULL, "a directory: '%s'",
	    err);

	/* Dataset-level checks. */
	ok(load_set(img, il, lab, ll, err, sizeof err) == 0,
	    "a consistent dataset loads (%s)", err);
	{
		size_t   l2;
		uint8_t *lab6 = make_labels(6, &l2);
		ok(load_set(img, il, lab6, l2, err, sizeof err) == -1 &&
		    strstr(err, "6 labels for 7 images") != NULL,
		    "count mismatch: '%s'", err);
		free(lab6);
	}
	lab[8 + 3] = 10;
	ok(load_set(img, il, lab, ll, err, sizeof err) == -1 &&
	    strstr(err, "label 10 at item 3") != NULL, "label 10: '%s'", err);
	lab[8 + 3] = 3;
	{
		size_t   l2;
		uint8_t *img20 = make_images(7, 20, &l2);
		ok(load_set(img20, l2, lab, ll, err, sizeof err) == -1 &&
		    strstr(err, "20x20") != NULL, "20x20 images: '%s'", err);
		free(img20);
	}
	ok(load_set(img, il, img, il, err, sizeof err) == -1 &&
	    strstr(err, "3 dimensions, expected 1") != NULL,
	    "images as labels: '%s'", err);

	/* Search order: --data beats $NOISETOP_DATA. */
	{
		char out[4096];
		setenv("NOISETOP_DATA", tmpdir, 1);
		ok(dataset_find(NULL, out, sizeof out, err, sizeof err) == 0 &&
		    strcmp(out, tmpdir) == 0, "found through $NOISETOP_DATA");
		ok(dataset_find("/nonexistent", out, sizeof out, err,
		    sizeof err) == -1 && strstr(err, "/nonexistent") != NULL,
		    "a bad --data is an error naming it: '%s'", err);
		setenv("NOISETOP_DATA", "/nonexistent-env", 1);
		setenv("XDG_CACHE_HOME", "/nonexistent-xdg", 1);
		ok(dataset_find(NULL, out, sizeof out, err, sizeof err) ==
		    -1 && strstr(err, "/nonexistent-env") != NULL &&
		    strstr(err, "make data") != NULL,
		    "nothing found lists the places: '%s'", err);
	}

	free(img);
	free(lab);
	{
		char cmd[512];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			diag("could not remove %s", tmpdir);
	}
	return tap_done();
}
