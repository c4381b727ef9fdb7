/* Finding MNIST: torchvision roots, Keras mnist.npz, Fashion-MNIST. */
#include "dataset.h"
#include "npz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "mnist_path.h"
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

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32le(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static void
put32be(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static int
write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int   rc;

	if (f == NULL)
		return -1;
	rc = fwrite(buf, 1, len, f) == len ? 0 : -1;
	return fclose(f) == 0 ? rc : -1;
}

static int
write_gz(const char *path, const void *buf, size_t len)
{
	gzFile g = gzopen(path, "wb1");
	int    rc;

	if (g == NULL)
		return -1;
	rc = gzwrite(g, buf, (unsigned)len) == (int)len ? 0 : -1;
	return gzclose(g) == Z_OK ? rc : -1;
}

static uint8_t *
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
static uint8_t *
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
static int
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
static int
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

static int
same_split(const dataset_split *a, const dataset_split *b)
{
	return a->n == b->n && a->n > 0 &&
	    memcmp(a->pix, b->pix, a->n * DATASET_NPIX) == 0 &&
	    memcmp(a->label, b->label, a->n) == 0;
}

static int
same_data(const dataset *a, const dataset *b)
{
	return same_split(&a->train, &b->train) &&
	    same_split(&a->test, &b->test);
}

/* The four IDX files of ds into dir, gzipped or raw. */
static int
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

static void
mkdirs(const char *fmt, const char *sub)
{
	char cmd[1024];

	snprintf(cmd, sizeof cmd, "mkdir -p '%s/%s'", fmt, sub);
	if (system(cmd) != 0)
		diag("mkdir %s/%s failed", fmt, sub);
}

/* dataset_load(path) must fail with want and the file's name. */
static void
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
static void
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
static void
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

static void
test_npz_defects(void)
{
	dataset  t, got;
	zmember  m[4];
	char     path[512], bad[512], err[8192];
	uint8_t *buf;
	size_t   len = 0;
	const int stored[4] = { 0, 0, 0, 0 }, mixed[4] = { 1, 0, 0, 1 };
	int      rc;

	tiny_set(&t, 12);
	snprintf(path, sizeof path, "%s/tiny.npz", tmpdir);

	/* The good tiny archives load, stored and mixed. */
	write_mnist_npz(path, &t, stored, m);
	err[0] = '\0';
	rc = dataset_load(&got, path, 0, 0, err, sizeof err);
	ok(rc == 0 &&
	    same_data(&got, &t), "tiny stored npz loads exactly (%s)", err);
	dataset_free(&got);
	write_mnist_npz(path, &t, mixed, m);
	err[0] = '\0';
	rc = dataset_load(&got, path, 5, 7, err, sizeof err);
	ok(rc == 0 &&
	    got.train.n == 5 && got.test.n == 7 &&
	    memcmp(got.test.pix, t.test.pix, 7 * DATASET_NPIX) == 0,
	    "tiny deflated npz loads with limits (%s)", err);
	dataset_free(&got);
	buf = read_all(path, &len);

	/* Truncated: half the archive (no central directory left). */
	snprintf(bad, sizeof bad, "%s/truncated.npz", tmpdir);
	write_file(bad, buf, len / 2);
	expect_load_error(bad, "truncated zip archive", "truncated npz");

	/* A bad CRC: one data byte of the stored y_train changed. */
	snprintf(bad, sizeof bad, "%s/badcrc.npz", tmpdir);
	buf[m[2].data_at + m[2].data_len - 1] ^= 0x55;
	write_file(bad, buf, len);
	buf[m[2].data_at + m[2].data_len - 1] ^= 0x55;
	expect_load_error(bad, "y_train.npy: CRC-32 mismatch", "bad CRC");

	/* Bad deflate data: a reserved block type at the start of x_train. */
	snprintf(bad, sizeof bad, "%s/baddeflate.npz", tmpdir);
	{
		uint8_t keep = buf[m[1].data_at];

		buf[m[1].data_at] = 0x07;
		write_file(bad, buf, len);
		buf[m[1].data_at] = keep;
	}
	expect_load_error(bad, "x_train.npy: corrupt deflate data",
	    "bad deflate data");

	/* Deflate data cut short inside an intact archive. */
	snprintf(bad, sizeof bad, "%s/shortdeflate.npz", tmpdir);
	{
		uint8_t *c = malloc(len);
		/* Zero the second half of x_test's stream: it ends wrong. */
		memcpy(c, buf, len);
		memset(c + m[0].data_at + m[0].data_len / 2, 0,
		    m[0].data_len - m[0].data_len / 2);
		write_file(bad, c, len);
		free(c);
	}
	{
		dataset d;
		err[0] = '\0';
		rc = dataset_load(&d, bad, 0, 0, err, sizeof err);
		ok(rc == -1 && strstr(err, "x_test.npy") != NULL &&
		    (strstr(err, "deflate") != NULL ||
		    strstr(err, "CRC") != NULL), "damaged deflate stream: "
		    "'%s'", err);
	}

	/* A local header that is not one. */
	snprintf(bad, sizeof bad, "%s/badlocal.npz", tmpdir);
	buf[0] = 'X';
	write_file(bad, buf, len);
	buf[0] = 'P';
	expect_load_error(bad, "bad local header", "bad local header");
	free(buf);

	/* Not a zip at all. */
	snprintf(bad, sizeof bad, "%s/notzip.npz", tmpdir);
	write_file(bad, "hello, this is not a zip archive at all", 39);
	expect_load_error(bad, "not a zip archive", "not a zip");

	/* .npy headers: wrong dtype, wrong shape, short data. */
	snprintf(bad, sizeof bad, "%s/float.npz", tmpdir);
	npz_with_x_train(bad, &t, "<f4", "(12, 28, 28)", 4);
	expect_load_error(bad, "x_train.npy: dtype '<f4', expected unsigned "
	    "bytes '|u1'", "wrong dtype");
	snprintf(bad, sizeof bad, "%s/flat.npz", tmpdir);
	npz_with_x_train(bad, &t, "|u1", "(12, 784)", 1);
	expect_load_error(bad, "x_train.npy: shape (12, 784) has 2 "
	    "dimensions, expected 3", "wrong shape rank");
	snprintf(bad, sizeof bad, "%s/side.npz", tmpdir);
	npz_with_x_train(bad, &t, "|u1", "(12, 16, 49)", 1);
	expect_load_error(bad, "images are 16x49, expected 28x28",
	    "wrong image size");
	snprintf(bad, sizeof bad, "%s/short.npz", tmpdir);
	npz_with_x_train(bad, &t, "|u1", "(13, 28, 28)", 1);
	expect_load_error(bad, "truncated: shape (13, 28, 28) needs 10192 "
	    "bytes, the array has 9408", "data shorter than the shape");

	/* A missing member. */
	{
		size_t   l1;
		uint8_t *y = make_npy("|u1", "(12,)", t.train.label, 12, &l1);
		zmember  one[1] = { { "y_train.npy", y, l1, 0, 0, 0 } };

		snprintf(bad, sizeof bad, "%s/partial.npz", tmpdir);
		write_zip(bad, one, 1);
		free(y);
	}
	expect_load_error(bad, "no x_train.npy in the archive",
	    "missing member");

	/* npy parser corner cases, straight. */
	{
		npz_array a;
		size_t    l;
		uint8_t  *n = make_npy("|u1", "(2, 3)", (const uint8_t *)"abcdef",
		    6, &l);

		ok(npz_parse_npy("n", n, l, 2, &a, err, sizeof err) == 0 &&
		    a.ndim == 2 && a.shape[0] == 2 && a.shape[1] == 3 &&
		    a.size == 6 && memcmp(a.data, "abcdef", 6) == 0,
		    "npy (2, 3) parses");
		npz_array_free(&a);
		n[6] = 9;
		ok(npz_parse_npy("n", n, l, 2, &a, err, sizeof err) == -1 &&
		    strstr(err, "unsupported .npy version 9.0") != NULL,
		    "npy version: '%s'", err);
		n[6] = 1;
		n[0] = 'X';
		ok(npz_parse_npy("n", n, l, 2, &a, err, sizeof err) == -1 &&
		    strstr(err, "bad magic") != NULL, "npy magic: '%s'", err);
		free(n);
		n = make_npy("|u1", "(2, 3)", (const uint8_t *)"abcdef", 6, &l);
		memcpy(strstr((char *)n + 10, "False"), "True ", 5);
		ok(npz_parse_npy("n", n, l, 2, &a, err, sizeof err) == -1 &&
		    strstr(err, "fortran_order is True") != NULL,
		    "fortran order: '%s'", err);
		free(n);
	}
	dataset_free(&t);
}

static void
test_fashion(void)
{
	dataset t, got;
	char    dir[512], err[8192];
	int     rc;

	tiny_set(&t, 10);
	snprintf(dir, sizeof dir, "%s/Fashion-MNIST", tmpdir);
	mkdirs(dir, "");
	write_idx_dir(dir, &t, 1);
	err[0] = '\0';
	rc = dataset_load(&got, dir, 0, 0, err, sizeof err);
	ok(rc == 0 &&
	    strcmp(got.name, "Fashion-MNIST") == 0 &&
	    strncmp(got.source, "Fashion-MNIST (", 15) == 0 &&
	    strstr(got.source, dir) != NULL && got.class_name[0] != NULL &&
	    strcmp(got.class_name[0], "T-shirt/top") == 0 &&
	    strcmp(got.class_name[9], "Ankle boot") == 0 &&
	    same_data(&got, &t), "Fashion-MNIST: %s, class 0 '%s'",
	    got.source, got.class_name[0] ? got.class_name[0] : "(null)");
	dataset_free(&got);

	/* The same files elsewhere are digits: no class names. */
	snprintf(dir, sizeof dir, "%s/plain", tmpdir);
	mkdirs(dir, "");
	write_idx_dir(dir, &t, 0);
	err[0] = '\0';
	rc = dataset_load(&got, dir, 0, 0, err, sizeof err);
	ok(rc == 0 &&
	    strcmp(got.name, "MNIST") == 0 && got.class_name[0] == NULL &&
	    got.class_name[9] == NULL, "a plain IDX dir is MNIST (%s)",
	    got.source);
	dataset_free(&got);

	/* A torchvision FashionMNIST root. */
	mkdirs(tmpdir, "tvf/FashionMNIST/raw");
	snprintf(dir, sizeof dir, "%s/tvf/FashionMNIST/raw", tmpdir);
	write_idx_dir(dir, &t, 1);
	snprintf(dir, sizeof dir, "%s/tvf", tmpdir);
	err[0] = '\0';
	rc = dataset_load(&got, dir, 0, 0, err, sizeof err);
	ok(rc == 0 &&
	    strcmp(got.name, "Fashion-MNIST") == 0 && same_data(&got, &t),
	    "torchvision FashionMNIST root: %s", got.source);
	dataset_free(&got);
	dataset_free(&t);
}

/* Real MNIST through torchvision and Keras layouts; ref is the IDX copy. */
static void
test_real(const char *mnist)
{
	dataset ref, got;
	char    dir[1024], path[1024], out[4096], err[8192], cwd[4096];
	const int deflated[4] = { 1, 1, 1, 1 }, mixed[4] = { 1, 0, 0, 1 };
	int     rc;

	if (dataset_load(&ref, mnist, 0, 0, err, sizeof err) != 0) {
		ok(0, "reference MNIST loads: %s", err);
		return;
	}
	ok(ref.train.n == 60000 && ref.test.n == 10000 &&
	    ref.class_name[0] == NULL, "reference MNIST: %s", ref.source);

	/* torchvision: <root>/MNIST/raw/ with .gz files, another raw. */
	mkdirs(tmpdir, "tvgz/MNIST/raw");
	mkdirs(tmpdir, "tvraw/MNIST/raw");
	snprintf(dir, sizeof dir, "%s/tvgz/MNIST/raw", tmpdir);
	write_idx_dir(dir, &ref, 1);
	snprintf(dir, sizeof dir, "%s/tvraw/MNIST/raw", tmpdir);
	write_idx_dir(dir, &ref, 0);
	snprintf(dir, sizeof dir, "%s/tvgz", tmpdir);
	snprintf(path, sizeof path, "%s/tvgz/MNIST/raw", tmpdir);
	ok(dataset_find(dir, out, sizeof out, err, sizeof err) == 0 &&
	    strcmp(out, path) == 0, "--data <torchvision root> resolves to "
	    "%s", out);
	err[0] = '\0';
	rc = dataset_load(&got, out, 0, 0, err, sizeof err);
	ok(rc == 0 &&
	    same_data(&got, &ref) && strcmp(got.name, "MNIST") == 0,
	    "torchvision .gz files give the IDX arrays (%s)", err);
	dataset_free(&got);
	snprintf(dir, sizeof dir, "%s/tvraw/MNIST", tmpdir);
	err[0] = '\0';
	rc = dataset_load(&got, dir, 0, 0, err, sizeof err);
	ok(rc == 0 &&
	    same_data(&got, &ref) && strstr(got.source, "MNIST/raw") != NULL,
	    "torchvision raw files via <root>/MNIST give the IDX arrays: %s",
	    got.source);
	dataset_free(&got);

	/* ./data/MNIST/raw is on the default search path. */
	if (getcwd(cwd, sizeof cwd) != NULL) {
		mkdirs(tmpdir, "cwd/data");
		snprintf(dir, sizeof dir, "%s/cwd/data/MNIST", tmpdir);
		snprintf(path, sizeof path, "%s/tvraw/MNIST", tmpdir);
		if (symlink(path, dir) != 0)
			diag("symlink %s failed", dir);
		snprintf(dir, sizeof dir, "%s/cwd", tmpdir);
		unsetenv("NOISETOP_DATA");
		setenv("XDG_CACHE_HOME", "/nonexistent-xdg", 1);
		setenv("HOME", "/nonexistent-home", 1);
		if (chdir(dir) == 0) {
			ok(dataset_find(NULL, out, sizeof out, err,
			    sizeof err) == 0 &&
			    strcmp(out, "data/MNIST/raw") == 0,
			    "./data/MNIST/raw found by the search (%s)", out);
			if (chdir(cwd) != 0)
				diag("cannot return to %s", cwd);
		}
	}

	/* Keras: mnist.npz built here, deflated, and mixed stored. */
	mkdirs(tmpdir, "home/.keras/datasets");
	snprintf(path, sizeof path, "%s/home/.keras/datasets/mnist.npz",
	    tmpdir);
	ok(write_mnist_npz(path, &ref, deflated, NULL) == 0,
	    "wrote a deflated mnist.npz");
	snprintf(dir, sizeof dir, "%s/home", tmpdir);
	setenv("HOME", dir, 1);
	ok(dataset_find(NULL, out, sizeof out, err, sizeof err) == 0 &&
	    strcmp(out, path) == 0, "~/.keras/datasets/mnist.npz found by "
	    "the search (%s)", out);
	err[0] = '\0';
	rc = dataset_load(&got, out, 0, 0, err, sizeof err);
	ok(rc == 0 &&
	    same_data(&got, &ref) && strcmp(got.dir, path) == 0 &&
	    strncmp(got.source, "MNIST (", 7) == 0,
	    "deflated mnist.npz gives the IDX arrays (%s)", err);
	dataset_free(&got);
	setenv("KERAS_HOME", "/nonexistent-keras", 1);
	ok(dataset_find(NULL, out, sizeof out, err, sizeof err) == -1 &&
	    strstr(err, "/nonexistent-keras/datasets/mnist.npz") != NULL,
	    "$KERAS_HOME replaces ~/.keras: '%s'", err);
	unsetenv("KERAS_HOME");
	ok(write_mnist_npz(path, &ref, mixed, NULL) == 0,
	    "wrote a stored+deflated mnist.npz");
	snprintf(dir, sizeof dir, "%s/home/.keras/datasets", tmpdir);
	err[0] = '\0';
	rc = dataset_find(dir, out, sizeof out, err, sizeof err) == 0 &&
	    strcmp(out, path) == 0 ?
	    dataset_load(&got, out, 100, 50, err, sizeof err) : -1;
	ok(rc == 0 && got.train.n == 100 && got.test.n == 50 &&
	    memcmp(got.train.pix, ref.train.pix, 100 * DATASET_NPIX) == 0 &&
	    memcmp(got.test.label, ref.test.label, 50) == 0,
	    "--data <dir with mnist.npz>, stored members, limits (%s)", err);
	dataset_free(&got);
	err[0] = '\0';
	rc = dataset_load(&got, path, 0, 0, err, sizeof err);
	ok(rc == 0 &&
	    same_data(&got, &ref), "stored+deflated mnist.npz gives the IDX "
	    "arrays (%s)", err);
	dataset_free(&got);
	dataset_free(&ref);
}

static void
test_search(void)
{
	char list[8192], out[4096], err[8192];

	setenv("NOISETOP_DATA", "/nonexistent-env", 1);
	setenv("XDG_CACHE_HOME", "/nonexistent-xdg", 1);
	setenv("HOME", "/nonexistent-home", 1);
	unsetenv("KERAS_HOME");
	dataset_search_path(list, sizeof list);
	ok(strcmp(list, "/nonexistent-env, data/mnist, data/MNIST/raw, "
	    "/nonexistent-xdg/noisetop/mnist, "
	    "/nonexistent-home/.keras/datasets/mnist.npz") == 0,
	    "search path: %s", list);
	ok(dataset_find(NULL, out, sizeof out, err, sizeof err) == -1 &&
	    strstr(err, list) != NULL && strstr(err, "make data") != NULL,
	    "nothing found names every place: '%s'", err);
	ok(dataset_find("/nonexistent-data", out, sizeof out, err,
	    sizeof err) == -1 && strstr(err, "/nonexistent-data") != NULL &&
	    strstr(err, "mnist.npz") != NULL, "a bad --data: '%s'", err);
}

static void
test_synthetic_set(void)
{
	dataset ds;
	char    err[1024];
	size_t  count[10] = { 0 };
	int     balanced = 1;

	ok(dataset_synthetic(&ds, 42, 200, 30, err, sizeof err) == 0 &&
	    ds.train.n == 200 && ds.test.n == 30 && ds.synthetic == 1 &&
	    strcmp(ds.name, "SYNTHETIC") == 0 && ds.class_name[0] == NULL &&
	    strcmp(ds.source, "SYNTHETIC digits, seed 42 (no MNIST found: run "
	    "make data)") == 0, "synthetic set: %s", ds.source);
	for (size_t i = 0; i < ds.train.n; i++)
		count[ds.train.label[i] % 10]++;
	for (int c = 0; c < 10; c++)
		balanced &= count[c] == 20;
	ok(balanced, "synthetic labels balanced: 20 of each digit in 200");
	dataset_free(&ds);
	dataset_free(&ds);
	ok(ds.train.pix == NULL, "dataset_free twice is safe");
}

int
main(void)
{
	char mnist[4096];
	int  have = test_mnist_dir(mnist, sizeof mnist) == 0;
	char cmd[512];

	if (have && mnist[0] != '/') {
		char abs[4096];
		if (realpath(mnist, abs) != NULL)
			snprintf(mnist, sizeof mnist, "%s", abs);
	}
	snprintf(tmpdir, sizeof tmpdir, "/tmp/noisetop-dataset-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return skip_all("cannot make a temporary directory");

	test_npz_defects();
	test_fashion();
	if (have)
		test_real(mnist);
	else
		ok(1, "# SKIP real MNIST absent (set NOISETOP_DATA or run make "
		    "data): torchvision and Keras layouts untested");
	test_search();
	test_synthetic_set();

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpdir);
	return tap_done();
}
