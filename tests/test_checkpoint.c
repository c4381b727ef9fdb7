/* Checkpoints: a round trip, and every kind of damage rejected. */
#include "runs/checkpoint.h"

#include <math.h>
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

/* A little-endian writer for handmade checkpoints. */
struct hand {
	uint8_t *p;
	size_t   len;
};

static void
h_u32(struct hand *h, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		h->p[h->len++] = (uint8_t)(v >> 8 * i);
}

static void
h_u64(struct hand *h, uint64_t v)
{
	h_u32(h, (uint32_t)v);
	h_u32(h, (uint32_t)(v >> 32));
}

static void
h_f64(struct hand *h, double d)
{
	uint64_t v;

	memcpy(&v, &d, 8);
	h_u64(h, v);
}

static void
h_f32(struct hand *h, float f)
{
	uint32_t v;

	memcpy(&v, &f, 4);
	h_u32(h, v);
}

/* A checkpoint written byte by byte from the format in checkpoint.h, into
 * buf: seed 0x0123456789abcdef, 77 Adam steps, history entry e saying
 * epoch e + 1, parameters p, first moments p / 2 and second moments p / 4
 * for p the parameter's index + 1.  Returns its length. */
static size_t
handmade(uint8_t *buf, uint32_t nlayer, const uint32_t *size, float scale,
    uint32_t epochs, uint32_t nhist, uint64_t nparam)
{
	struct hand h = { buf, 0 };
	uint32_t    crc;

	memcpy(buf, "NOISECKP", 8);
	h.len = 8;
	h_u32(&h, 1);
	h_u32(&h, nlayer);
	for (uint32_t l = 0; l <= nlayer; l++)
		h_u32(&h, size[l]);
	h_u64(&h, 0x0123456789abcdefULL);
	h_f32(&h, scale);
	h_u32(&h, epochs);
	h_u64(&h, 77);
	h_u32(&h, nhist);
	for (uint32_t e = 0; e < nhist; e++) {
		h_u32(&h, e + 1);
		h_f64(&h, 10.0 + e);
		h_f64(&h, 0.5);
		h_f64(&h, 1.25);
		h_f64(&h, 0.75);
		h_f64(&h, 0.875);
	}
	h_u64(&h, nparam);
	for (int k = 0; k < 3; k++)
		for (uint64_t i = 0; i < nparam; i++)
			h_f32(&h, (float)(i + 1) / (float)(1 << k));
	crc = (uint32_t)crc32(0L, buf, (uInt)h.len);
	h_u32(&h, crc);
	return h.len;
}

/* The parameters of a model of nlayer layers of the given sizes. */
static uint64_t
nparams(uint32_t nlayer, const uint32_t *size)
{
	uint64_t n = 0;

	for (uint32_t l = 0; l < nlayer; l++)
		n += (uint64_t)size[l] * size[l + 1] + size[l + 1];
	return n;
}

static void
test_handmade(void)
{
	static uint8_t  b[4096];
	static const uint32_t tiny[2] = { 2, 3 }, ones[9] = {
		1, 1, 1, 1, 1, 1, 1, 1, 1 };
	uint32_t        sz[3];
	checkpoint      ck;
	char            err[512] = "";
	size_t          len;
	int             size[2] = { 2, 3 };
	mlp            *m;
	adam            opt;
	train_epoch     hist[2];
	char            path[] = "/tmp/noisetop-ckpt-hand-XXXXXX";
	int             fd = mkstemp(path);
	uint8_t        *saved;
	size_t          nsaved;

	close(fd);
	/* checkpoint_save writes these bytes exactly. */
	len = handmade(b, 1, tiny, 0.25f, 5, 2, 9);
	m = mlp_new(1, size, 1, 0.0f, err, sizeof err);
	adam_init(&opt, m->nparam, 1e-3f);
	for (size_t i = 0; i < m->nparam; i++) {
		m->param[i] = (float)(i + 1);
		opt.m[i] = (float)(i + 1) / 2.0f;
		opt.v[i] = (float)(i + 1) / 4.0f;
	}
	opt.t = 77;
	for (int e = 0; e < 2; e++)
		hist[e] = (train_epoch){ e + 1, 10.0 + e, 0.5, 1.25, 0.75,
		    0.875 };
	ok(m->nparam == 9 && checkpoint_save(path, m, &opt, hist, 2,
	    0x0123456789abcdefULL, 0.25f, 5, err, sizeof err) == 0,
	    "save a 2-3 model: %s", err);
	saved = slurp(path, &nsaved);
	ok(nsaved == len && memcmp(saved, b, len) == 0, "its %zu bytes are "
	    "the format's, byte for byte (%zu written)", len, nsaved);
	free(saved);
	adam_destroy(&opt);
	mlp_free(m);
	unlink(path);

	/* And reads them back field by field. */
	ok(checkpoint_parse("h.bin", b, len, &ck, err, sizeof err) == 0 &&
	    ck.nlayer == 1 && ck.size[0] == 2 && ck.size[1] == 3 &&
	    ck.seed == 0x0123456789abcdefULL && ck.scale == 0.25f &&
	    ck.epochs == 5 && ck.t == 77 && ck.nhist == 2 &&
	    ck.hist[1].epoch == 2 && ck.hist[1].seconds == 11.0 &&
	    ck.hist[1].acc == 0.5 && ck.hist[1].loss == 1.25 &&
	    ck.hist[1].val_acc == 0.75 && ck.hist[1].val_loss == 0.875 &&
	    ck.nparam == 9 && ck.param[8] == 9.0f && ck.m[8] == 4.5f &&
	    ck.v[8] == 2.25f && ck.param[0] == 1.0f && ck.v[0] == 0.25f,
	    "a handmade checkpoint read field by field: %s", err);
	checkpoint_free(&ck);

	/* Layers: 1 to MLP_MAX_LAYERS; sizes 1 to MLP_MAX_WIDTH. */
	len = handmade(b, MLP_MAX_LAYERS, ones, 0.0f, 1, 1,
	    nparams(MLP_MAX_LAYERS, ones));
	ok(checkpoint_parse("h.bin", b, len, &ck, err, sizeof err) == 0 &&
	    ck.nlayer == MLP_MAX_LAYERS && ck.size[MLP_MAX_LAYERS] == 1,
	    "%d layers of 1 unit: read: %s", MLP_MAX_LAYERS, err);
	checkpoint_free(&ck);
	len = handmade(b, 0, ones, 0.0f, 1, 1, 0);
	expect("no layers", b, len, "0 layers (must be 1 to 8)");
	sz[0] = 2;
	sz[1] = 0;
	len = handmade(b, 1, sz, 0.0f, 1, 1, 0);
	expect("a layer of 0 units", b, len, "layer size 0 out of range");
	sz[1] = MLP_MAX_WIDTH + 1;
	len = handmade(b, 1, sz, 0.0f, 1, 0, 0);
	expect("a layer wider than the widest", b, len, "layer size 8193 "
	    "out of range");

	/* The noise scale: finite and not negative. */
	len = handmade(b, 1, tiny, -0.5f, 1, 1, 9);
	expect("a negative noise scale", b, len, "bad noise scale");
	len = handmade(b, 1, tiny, NAN, 1, 1, 9);
	expect("a NaN noise scale", b, len, "bad noise scale");
	len = handmade(b, 1, tiny, INFINITY, 1, 1, 9);
	expect("an infinite noise scale", b, len, "bad noise scale");

	/* Epochs: 1 to TRAIN_MAX_EPOCHS, at most that many in the history;
	 * none finished is a checkpoint too. */
	len = handmade(b, 1, tiny, 0.0f, 0, 0, 9);
	expect("0 epochs planned", b, len, "0 of 0 epochs (must be 1 to "
	    "1000)");
	len = handmade(b, 1, tiny, 0.0f, TRAIN_MAX_EPOCHS + 1, 0, 9);
	expect("1001 epochs planned", b, len, "0 of 1001 epochs");
	len = handmade(b, 1, tiny, 0.0f, 2, 3, 9);
	expect("3 epochs of 2 done", b, len, "3 of 2 epochs");
	len = handmade(b, 1, tiny, 0.0f, TRAIN_MAX_EPOCHS, 0, 9);
	ok(checkpoint_parse("h.bin", b, len, &ck, err, sizeof err) == 0 &&
	    ck.epochs == TRAIN_MAX_EPOCHS && ck.nhist == 0 &&
	    ck.hist != NULL, "1000 epochs planned, none done: read: %s", err);
	checkpoint_free(&ck);

	/* Three entries, cut inside the second's val_loss with 4 of its
	 * bytes left, resealed: truncated, not those bytes read as the third
	 * entry's epoch. */
	handmade(b, 1, tiny, 0.0f, 5, 3, 9);
	{
		size_t cut = 8 + 4 + 4 + 2 * 4 + 8 + 4 + 4 + 8 + 4 + 44 + 4 +
		    4 * 8 + 4;

		reseal(b, cut + 4);
		expect("cut inside a history entry's last number", b, cut + 4,
		    "truncated");
	}
	/* Two entries, cut 4 bytes into the last one's val_loss: the
	 * parameter count after it is missing too. */
	handmade(b, 1, tiny, 0.0f, 5, 2, 9);
	reseal(b, 52 + 44 + 4 + 4 * 8 + 4 + 4);
	expect("cut inside the last history entry", b, 52 + 44 + 4 + 4 * 8 +
	    4 + 4, "truncated");
	/* 4 bytes short of its last moment, resealed: truncated (the room
	 * for the three arrays is checked first). */
	len = handmade(b, 1, tiny, 0.0f, 5, 2, 9);
	reseal(b, len - 4);
	expect("4 bytes short, resealed", b, len - 4, "truncated");
	/* Cut just before the parameter count, resealed. */
	handmade(b, 1, tiny, 0.0f, 5, 2, 9);
	{
		size_t cut = 8 + 4 + 4 + 2 * 4 + 8 + 4 + 4 + 8 + 4 + 2 * 44;

		reseal(b, cut + 4);
		expect("cut before the parameter count", b, cut + 4,
		    "truncated");
		handmade(b, 1, tiny, 0.0f, 5, 2, 9);
		reseal(b, cut + 4 + 4);
		expect("cut inside the parameter count", b, cut + 8,
		    "truncated");
	}
}

/* Shapes are compared layer by layer, not by the parameter count: 2-3-4
 * and 2-1-11 both have 25 parameters. */
static void
test_same_count_other_shapes(void)
{
	static uint8_t b[1024];
	static const uint32_t s234[3] = { 2, 3, 4 };
	int         s2111[3] = { 2, 1, 11 }, s234i[3] = { 2, 3, 4 };
	checkpoint  ck;
	char        err[512] = "";
	size_t      len = handmade(b, 2, s234, 0.0f, 3, 1, 25);
	mlp        *other = mlp_new(2, s2111, 1, 0.0f, err, sizeof err);
	mlp        *same = mlp_new(2, s234i, 1, 0.0f, err, sizeof err);

	ok(other->nparam == 25 && same->nparam == 25 &&
	    checkpoint_parse("h.bin", b, len, &ck, err, sizeof err) == 0,
	    "a 2-3-4 checkpoint: %s", err);
	ok(checkpoint_into_model(&ck, other, err, sizeof err) == -1 &&
	    strstr(err, "other shapes") != NULL, "into a 2-1-11 model of as "
	    "many parameters: refused: '%s'", err);
	ok(checkpoint_into_model(&ck, same, err, sizeof err) == 0 &&
	    same->param[24] == 25.0f, "into a 2-3-4 model: taken");
	checkpoint_free(&ck);
	mlp_free(other);
	mlp_free(same);
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
	test_handmade();
	test_same_count_other_shapes();
	return tap_done();
}
