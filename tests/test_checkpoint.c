/* Checkpoints: a round trip, and every kind of damage rejected. */
#include "runs/checkpoint.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "kernels/adam.h"
#include "engine/mlp.h"
#include "tap.h"

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE    *f = fopen(path, "rb");
	uint8_t *buf;
	long     n;

	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	*len = fread(buf, 1, (size_t)n, f);
	fclose(f);
	return buf;
}

static void
reseal(uint8_t *buf, size_t len)
{
	uint32_t c = (uint32_t)crc32(0L, buf, (uInt)(len - 4));

	buf[len - 4] = c;
	buf[len - 3] = c >> 8;
	buf[len - 2] = c >> 16;
	buf[len - 1] = c >> 24;
}

static void
expect(const char *what, const uint8_t *buf, size_t len, const char *want)
{
	checkpoint ck;
	char       err[512] = "";
	int        rc = checkpoint_parse("ck.bin", buf, len, &ck, err,
	    sizeof err);

	ok(rc == -1 && strstr(err, want) != NULL && strstr(err, "ck.bin"),
	    "%s: '%s'", what, err);
	ok(ck.param == NULL && ck.hist == NULL, "%s: nothing returned", what);
}

int
main(void)
{
	int         size[4] = { 784, 64, 32, 10 };
	char        err[512], path[] = "/tmp/noisetop-ckpt-XXXXXX";
	mlp        *m = mlp_new(3, size, 8, 0.2f, err, sizeof err);
	adam        opt;
	train_epoch hist[3];
	checkpoint  ck;
	uint8_t    *buf, *bad;
	size_t      len;
	int         fd = mkstemp(path);

	close(fd);
	mlp_init(m, 3);
	adam_init(&opt, m->nparam, 1e-3f);
	for (size_t i = 0; i < m->nparam; i++) {
		opt.m[i] = (float)i * 1e-6f;
		opt.v[i] = (float)i * 1e-9f;
	}
	opt.t = 1407;
	for (int e = 0; e < 3; e++)
		hist[e] = (train_epoch){ e + 1, 1.5 + e, 0.9 + e * 0.01,
		    0.3 - e * 0.05, 0.95, 0.2 };

	ok(checkpoint_save(path, m, &opt, hist, 3, 42, 0.5f, 20, err,
	    sizeof err) == 0, "save");
	ok(checkpoint_load(path, &ck, err, sizeof err) == 0, "load: %s", err);
	ok(ck.nlayer == 3 && memcmp(ck.size, size, sizeof size) == 0 &&
	    ck.seed == 42 && ck.scale == 0.5f && ck.epochs == 20 &&
	    ck.t == 1407 && ck.nhist == 3 && ck.hist[2].epoch == 3 &&
	    ck.hist[1].loss == hist[1].loss, "header and history round-trip");
	ok(ck.nparam == m->nparam &&
	    memcmp(ck.param, m->param, m->nparam * 4) == 0 &&
	    memcmp(ck.m, opt.m, m->nparam * 4) == 0 &&
	    memcmp(ck.v, opt.v, m->nparam * 4) == 0,
	    "weights and Adam moments round-trip bit for bit");
	checkpoint_free(&ck);
	checkpoint_free(&ck);

	buf = slurp(path, &len);
	bad = malloc(len);

	memcpy(bad, buf, len);
	bad[len / 2] ^= 0x10;
	expect("a flipped byte in the weights", bad, len, "checksum mismatch");
	memcpy(bad, buf, len);
	bad[20] ^= 0x01;
	expect("a flipped byte in the header", bad, len, "checksum mismatch");
	expect("a truncated tail", buf, len - 1000, "checksum mismatch");
	memcpy(bad, buf, len);
	expect("a truncated tail, resealed", (reseal(bad, len - 1000), bad),
	    len - 1000, "truncated");
	memcpy(bad, buf, len);
	bad[16] = 0x11;   /* first layer size 784 -> 785 */
	reseal(bad, len);
	expect("a wrong shape", bad, len, "the shapes need");
	memcpy(bad, buf, len);
	bad[12] = 9;      /* 9 layers */
	reseal(bad, len);
	expect("too many layers", bad, len, "9 layers");
	memcpy(bad, buf, len);
	bad[0] = 'X';
	expect("wrong magic", bad, len, "not a noisetop checkpoint");
	memcpy(bad, buf, len);
	bad[8] = 2;
	expect("another version", bad, len, "version 2");
	expect("empty", buf, 0, "empty");
	expect("just the magic", buf, 8, "truncated");
	{
		uint8_t *big = malloc(len + 8);
		memcpy(big, buf, len - 4);
		memset(big + len - 4, 0, 8);
		reseal(big, len + 4);
		expect("trailing data", big, len + 4, ": 4 bytes of trailing data");
		free(big);
	}

	/* The layout, counted from checkpoint.c's format: magic, version,
	 * layers, 4 sizes, seed, scale, epochs, step count, history count,
	 * 3 entries of 44 bytes, parameter count, 3 floats a parameter,
	 * checksum. */
	ok(len == 8 + 4 + 4 + 4 * 4 + 8 + 4 + 4 + 8 + 4 + 3 * 44 + 8 +
	    12 * m->nparam + 4, "the file is %zu bytes, as the format counts",
	    len);
	/* Cut inside the history, resealed: the reader must not read past
	 * its end. */
	memcpy(bad, buf, 64);
	reseal(bad, 64);
	expect("cut after the history count, resealed", bad, 64, "truncated");
	memcpy(bad, buf, 12);
	expect("magic and version only", bad, 12, "checksum mismatch");
	/* The step count: at most 2^40. */
	memcpy(bad, buf, len);
	memset(bad + 48, 0, 8);
	bad[53] = 1;      /* 2^40 */
	reseal(bad, len);
	ok(checkpoint_parse("ck.bin", bad, len, &ck, err, sizeof err) == 0 &&
	    ck.t == (long)1 << 40, "a step count of 2^40 is read");
	checkpoint_free(&ck);
	bad[48] = 1;      /* 2^40 + 1 */
	reseal(bad, len);
	expect("a step count over 2^40", bad, len, "bad optimizer step count");

	/* Into a model: the same shapes only, and only with an epoch done. */
	ok(checkpoint_load(path, &ck, err, sizeof err) == 0, "load again");
	{
		int  other[4] = { 784, 64, 33, 10 };
		mlp *m2 = mlp_new(3, size, 8, 0.2f, err, sizeof err);
		mlp *m3 = mlp_new(3, other, 8, 0.2f, err, sizeof err);
		mlp *m4 = mlp_new(2, size, 8, 0.2f, err, sizeof err);

		m2->packed_ok = 1;
		ok(checkpoint_into_model(&ck, m2, err, sizeof err) == 0 &&
		    memcmp(m2->param, m->param, m->nparam * 4) == 0 &&
		    m2->packed_ok == 0, "into a model of the same shapes: its "
		    "weights, packed copies invalidated");
		ok(checkpoint_into_model(&ck, m3, err, sizeof err) == -1 &&
		    strstr(err, "other shapes") != NULL, "into a model of "
		    "other sizes: refused: '%s'", err);
		ok(checkpoint_into_model(&ck, m4, err, sizeof err) == -1,
		    "into a model of other layers: refused");
		ck.nhist = 0;
		ok(checkpoint_into_model(&ck, m2, err, sizeof err) == -1 &&
		    strstr(err, "no finished epoch") != NULL,
		    "no finished epoch: refused");
		mlp_free(m2);
		mlp_free(m3);
		mlp_free(m4);
	}
	checkpoint_free(&ck);

	/* The widest layer, one epoch of one, one finished epoch. */
	{
		int  wide[2] = { MLP_MAX_WIDTH, 2 };
		mlp *w = mlp_new(1, wide, 1, 0.0f, err, sizeof err);
		adam o2;

		mlp_init(w, 1);
		adam_init(&o2, w->nparam, 1e-3f);
		o2.t = 5;
		ok(checkpoint_save(path, w, &o2, hist, 1, 7, 0.0f, 1, err,
		    sizeof err) == 0 && checkpoint_load(path, &ck, err,
		    sizeof err) == 0 && ck.size[0] == MLP_MAX_WIDTH &&
		    ck.epochs == 1 && ck.nhist == 1 &&
		    checkpoint_into_model(&ck, w, err, sizeof err) == 0,
		    "a layer of %d inputs, 1 epoch of 1, into its model: %s",
		    MLP_MAX_WIDTH, err);
		checkpoint_free(&ck);
		adam_destroy(&o2);
		mlp_free(w);
	}
	/* A history entry for the wrong epoch is named exactly. */
	memcpy(bad, buf, len);
	bad[60 + 44] = 7;   /* entry 2 says epoch 7 */
	reseal(bad, len);
	expect("a history entry for the wrong epoch", bad, len,
	    "history entry 2 is for epoch 7");
	memset(&ck, 0x5a, sizeof ck);
	ok(checkpoint_load("/nonexistent/ck.bin", &ck, err, sizeof err) ==
	    -1 && strstr(err, "/nonexistent/ck.bin") != NULL &&
	    ck.param == NULL && ck.hist == NULL, "a missing file: nothing "
	    "returned: '%s'", err);

	free(buf);
	free(bad);
	unlink(path);
	adam_destroy(&opt);
	mlp_free(m);
	return tap_done();
}
