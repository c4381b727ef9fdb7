/*
 * The Keras mnist.npz reader: a zip of .npy arrays, stored or deflated,
 * and every kind of damage (zip structure, .npy header, dtype, shape,
 * length) refused in one line naming the file and member.
 */
#include "data/npz.h"

#include "dataset_fixture.h"

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

int
main(void)
{
	char cmd[512];

	snprintf(tmpdir, sizeof tmpdir, "/tmp/noisetop-npz-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return skip_all("cannot make a temporary directory");
	test_npz_defects();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpdir);
	return tap_done();
}
