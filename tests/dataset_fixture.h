/*
 * The data-set tests' fixtures (test_npz.c, test_dataset_find.c): a
 * scratch directory, tiny patterned data sets, and writers of IDX files,
 * .npy arrays and zip archives (stored or deflated) built byte by byte, so
 * each test can make exactly the file it needs, good or damaged.
 */
#ifndef NOISETOP_TEST_DATASET_FIXTURE_H
#define NOISETOP_TEST_DATASET_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "data/dataset.h"
#include "tap.h"

static char tmpdir[256];

/* One member of a zip built by the test. */
typedef struct {
	const char    *name;     /* "x_train.npy" */
	const uint8_t *data;
	size_t         len;
	int            deflate;  /* 0 stored, 1 deflated */
	size_t         data_at;  /* out: offset of its data in the file */
	size_t         data_len; /* out: bytes of (compressed) data */
} zmember;

__attribute__((unused)) static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

__attribute__((unused)) static void
put32le(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

__attribute__((unused)) static void
put32be(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

__attribute__((unused)) static int
write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int   rc;

	if (f == NULL)
		return -1;
	rc = fwrite(buf, 1, len, f) == len ? 0 : -1;
	return fclose(f) == 0 ? rc : -1;
}

__attribute__((unused)) static int
write_gz(const char *path, const void *buf, size_t len)
{
	gzFile g = gzopen(path, "wb1");
	int    rc;

	if (g == NULL)
		return -1;
	rc = gzwrite(g, buf, (unsigned)len) == (int)len ? 0 : -1;
	return gzclose(g) == Z_OK ? rc : -1;
}

__attribute__((unused)) static uint8_t *
read_all(const char *path, size_t *len)
{
	FILE    *f = fopen(path, "rb");
	uint8_t *b;
	long     n;

	*len = 0;
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	if (b != NULL && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* A .npy file: header dict padded so the data starts 64-aligned. */
__attribute__((unused)) static uint8_t *
make_npy(const char *descr, const char *shape, const uint8_t *data,
    size_t len, size_t *outlen)
{
	char     dict[256];
	size_t   dl, hl;
	uint8_t *b;

	dl = (size_t)snprintf(dict, sizeof dict, "{'descr': '%s', "
	    "'fortran_order': False, 'shape': %s, }", descr, shape);
	hl = (10 + dl + 1 + 63) / 64 * 64 - 10;
	b = malloc(10 + hl + len);
	memcpy(b, "\x93NUMPY\x01\x00", 8);
	put16(b + 8, (unsigned)hl);
	memcpy(b + 10, dict, dl);
	memset(b + 10 + dl, ' ', hl - dl - 1);
	b[10 + hl - 1] = '\n';
	memcpy(b + 10 + hl, data, len);
	*outlen = 10 + hl + len;
	return b;
}

/* Write a zip of members, stored or deflated, as numpy.savez would. */
__attribute__((unused)) static int
write_zip(const char *path, zmember *m, int n)
{
	size_t   cap = 1024, used = 0, cdstart;
	uint8_t *z;
	uint32_t crc[8];
	size_t   csz[8], off[8];
	int      rc;

	for (int i = 0; i < n; i++)
		cap += 30 + 46 + 2 * strlen(m[i].name) +
		    compressBound((uLong)m[i].len);
	if ((z = malloc(cap)) == NULL)
		return -1;
	for (int i = 0; i < n; i++) {
		size_t   nl = strlen(m[i].name);
		uint8_t *h = z + used, *d = h + 30 + nl;

		crc[i] = (uint32_t)crc32(0L, m[i].data, (uInt)m[i].len);
		off[i] = used;
		if (m[i].deflate) {
			z_stream zs;

			memset(&zs, 0, sizeof zs);
			deflateInit2(&zs, 1, Z_DEFLATED, -15, 8,
			    Z_DEFAULT_STRATEGY);
			zs.next_in = (Bytef *)m[i].data;
			zs.avail_in = (uInt)m[i].len;
			zs.next_out = d;
			zs.avail_out = (uInt)(cap - (size_t)(d - z));
			if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
				deflateEnd(&zs);
				free(z);
				return -1;
			}
			csz[i] = zs.total_out;
			deflateEnd(&zs);
		} else {
			memcpy(d, m[i].data, m[i].len);
			csz[i] = m[i].len;
		}
		memset(h, 0, 30);
		put32le(h, 0x04034b50);
		put16(h + 4, 20);
		put16(h + 8, m[i].deflate ? 8 : 0);
		put32le(h + 14, crc[i]);
		put32le(h + 18, (uint32_t)csz[i]);
		put32le(h + 22, (uint32_t)m[i].len);
		put16(h + 26, (unsigned)nl);
		memcpy(h + 30, m[i].name, nl);
		m[i].data_at = (size_t)(d - z);
		m[i].data_len = csz[i];
		used += 30 + nl + csz[i];
	}
	cdstart = used;
	for (int i = 0; i < n; i++) {
		size_t   nl = strlen(m[i].name);
		uint8_t *c = z + used;

		memset(c, 0, 46);
		put32le(c, 0x02014b50);
		put16(c + 4, 20);
		put16(c + 6, 20);
		put16(c + 10, m[i].deflate ? 8 : 0);
		put32le(c + 16, crc[i]);
		put32le(c + 20, (uint32_t)csz[i]);
		put32le(c + 24, (uint32_t)m[i].len);
		put16(c + 28, (unsigned)nl);
		put32le(c + 42, (uint32_t)off[i]);
		memcpy(c + 46, m[i].name, nl);
		used += 46 + nl;
	}
	memset(z + used, 0, 22);
	put32le(z + used, 0x06054b50);
	put16(z + used + 8, (unsigned)n);
	put16(z + used + 10, (unsigned)n);
	put32le(z + used + 12, (uint32_t)(used - cdstart));
	put32le(z + used + 16, (uint32_t)cdstart);
	used += 22;
	rc = write_file(path, z, used);
	free(z);
	return rc;
}

/* A Keras-style mnist.npz of ds's arrays; which members to deflate. */
__attribute__((unused)) static int
write_mnist_npz(const char *path, const dataset *ds, const int deflate[4],
    zmember out[4])
{
	char     shp[4][64];
	uint8_t *npy[4];
	size_t   len[4];
	int      rc;

	snprintf(shp[0], sizeof shp[0], "(%zu, 28, 28)", ds->train.n);
	snprintf(shp[1], sizeof shp[1], "(%zu,)", ds->train.n);
	snprintf(shp[2], sizeof shp[2], "(%zu, 28, 28)", ds->test.n);
	snprintf(shp[3], sizeof shp[3], "(%zu,)", ds->test.n);
	npy[0] = make_npy("|u1", shp[0], ds->train.pix,
	    ds->train.n * DATASET_NPIX, &len[0]);
	npy[1] = make_npy("|u1", shp[1], ds->train.label, ds->train.n,
	    &len[1]);
	npy[2] = make_npy("|u1", shp[2], ds->test.pix,
	    ds->test.n * DATASET_NPIX, &len[2]);
	npy[3] = make_npy("|u1", shp[3], ds->test.label, ds->test.n, &len[3]);
	/* Keras's archive lists x_test first; order must not matter. */
	zmember m[4] = {
		{ "x_test.npy", npy[2], len[2], deflate[2], 0, 0 },
		{ "x_train.npy", npy[0], len[0], deflate[0], 0, 0 },
		{ "y_train.npy", npy[1], len[1], deflate[1], 0, 0 },
		{ "y_test.npy", npy[3], len[3], deflate[3], 0, 0 },
	};
	rc = write_zip(path, m, 4);
	if (out != NULL)
		memcpy(out, m, sizeof m);
	for (int i = 0; i < 4; i++)
		free(npy[i]);
	return rc;
}

__attribute__((unused)) static int
same_split(const dataset_split *a, const dataset_split *b)
{
	return a->n == b->n && a->n > 0 &&
	    memcmp(a->pix, b->pix, a->n * DATASET_NPIX) == 0 &&
	    memcmp(a->label, b->label, a->n) == 0;
}

__attribute__((unused)) static int
same_data(const dataset *a, const dataset *b)
{
	return same_split(&a->train, &b->train) &&
	    same_split(&a->test, &b->test);
}

/* The four IDX files of ds into dir, gzipped or raw. */
__attribute__((unused)) static int
write_idx_dir(const char *dir, const dataset *ds, int gz)
{
	static const char *base[4] = {
		"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
		"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
	};
	for (int i = 0; i < 4; i++) {
		const dataset_split *s = i < 2 ? &ds->train : &ds->test;
		int      img = i % 2 == 0;
		size_t   hl = img ? 16 : 8, dl = img ? s->n * DATASET_NPIX : s->n;
		uint8_t *b = malloc(hl + dl);
		char     path[512];
		int      rc;

		put32be(b, img ? 0x803 : 0x801);
		put32be(b + 4, (uint32_t)s->n);
		if (img) {
			put32be(b + 8, 28);
			put32be(b + 12, 28);
		}
		memcpy(b + hl, img ? s->pix : s->label, dl);
		snprintf(path, sizeof path, "%s/%s%s", dir, base[i],
		    gz ? ".gz" : "");
		rc = gz ? write_gz(path, b, hl + dl) :
		    write_file(path, b, hl + dl);
		free(b);
		if (rc != 0)
			return -1;
	}
	return 0;
}

__attribute__((unused)) static void
mkdirs(const char *fmt, const char *sub)
{
	char cmd[1024];

	snprintf(cmd, sizeof cmd, "mkdir -p '%s/%s'", fmt, sub);
	if (system(cmd) != 0)
		diag("mkdir %s/%s failed", fmt, sub);
}

/* dataset_load(path) must fail with want and the file's name. */
__attribute__((unused)) static void
expect_load_error(const char *path, const char *want, const char *what)
{
	dataset ds;
	char    err[8192] = "";
	int     rc = dataset_load(&ds, path, 0, 0, err, sizeof err);

	ok(rc == -1 && strstr(err, want) != NULL && strstr(err, path) != NULL &&
	    strchr(err, '\n') == NULL && ds.train.pix == NULL,
	    "%s: '%s' (want '%s')", what, err, want);
	if (rc == 0)
		dataset_free(&ds);
}

/* A tiny set (n train, n test) whose pixels and labels are patterned. */
__attribute__((unused)) static void
tiny_set(dataset *ds, size_t n)
{
	memset(ds, 0, sizeof *ds);
	ds->train.n = ds->test.n = n;
	ds->train.pix = malloc(n * DATASET_NPIX);
	ds->test.pix = malloc(n * DATASET_NPIX);
	ds->train.label = malloc(n);
	ds->test.label = malloc(n);
	for (size_t i = 0; i < n * DATASET_NPIX; i++) {
		ds->train.pix[i] = (uint8_t)(i * 7);
		ds->test.pix[i] = (uint8_t)(i * 13 + 1);
	}
	for (size_t i = 0; i < n; i++) {
		ds->train.label[i] = (uint8_t)(i % 10);
		ds->test.label[i] = (uint8_t)((i + 3) % 10);
	}
}

/* A one-member-tampered copy of a tiny npz: x_train's npy replaced. */
__attribute__((unused)) static void
npz_with_x_train(const char *path, const dataset *t, const char *descr,
    const char *shape, size_t elem)
{
	size_t   len[4], n = t->train.n;
	uint8_t *npy[4], *wide = calloc(n * DATASET_NPIX, elem);
	char     s1[64], s2[64], s3[64];

	snprintf(s1, sizeof s1, "(%zu,)", n);
	snprintf(s2, sizeof s2, "(%zu, 28, 28)", n);
	snprintf(s3, sizeof s3, "(%zu,)", n);
	npy[0] = make_npy(descr, shape, wide, n * DATASET_NPIX * elem,
	    &len[0]);
	npy[1] = make_npy("|u1", s1, t->train.label, n, &len[1]);
	npy[2] = make_npy("|u1", s2, t->test.pix, n * DATASET_NPIX, &len[2]);
	npy[3] = make_npy("|u1", s3, t->test.label, n, &len[3]);
	zmember m[4] = {
		{ "x_train.npy", npy[0], len[0], 1, 0, 0 },
		{ "y_train.npy", npy[1], len[1], 0, 0, 0 },
		{ "x_test.npy", npy[2], len[2], 1, 0, 0 },
		{ "y_test.npy", npy[3], len[3], 0, 0, 0 },
	};
	if (write_zip(path, m, 4) != 0)
		diag("cannot write %s", path);
	for (int i = 0; i < 4; i++)
		free(npy[i]);
	free(wide);
}

#endif
