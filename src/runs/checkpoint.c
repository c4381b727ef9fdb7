/* Model checkpoints: weights, Adam state and history, checksummed. */
#include "runs/checkpoint.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/file.h"

#define CKPT_MAGIC   "NOISECKP"
#define CKPT_VERSION 1
#define CKPT_MAX     (1u << 30)
#define HIST_BYTES   (4 + 5 * 8)

/* Little-endian writer into a buffer sized in advance. */
struct wbuf {
	uint8_t *p;
	size_t   len;
};

static void
put(struct wbuf *w, const void *src, size_t n)
{
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void
put_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

	put(w, b, 4);
}

static void
put_u64(struct wbuf *w, uint64_t v)
{
	put_u32(w, (uint32_t)v);
	put_u32(w, (uint32_t)(v >> 32));
}

static void
put_f64(struct wbuf *w, double d)
{
	uint64_t v;

	memcpy(&v, &d, 8);
	put_u64(w, v);
}

static void
put_floats(struct wbuf *w, const float *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t v;

		memcpy(&v, &f[i], 4);
		put_u32(w, v);
	}
}

int
checkpoint_save(const char *path, const mlp *m, const struct adam *opt,
    const train_epoch *hist, int nhist, uint64_t seed, float scale,
    int epochs, char *err, size_t errlen)
{
	size_t      len;
	struct wbuf w;
	uint32_t    v;
	int         rc;

	len = 8 + 4 + 4 + 4 * (size_t)(m->nlayer + 1) + 8 + 4 + 4 + 8 + 4 +
	    (size_t)nhist * HIST_BYTES + 8 + 3 * 4 * m->nparam + 4;
	if ((w.p = malloc(len)) == NULL)
		return err_set(err, errlen, "%s: out of memory", path);
	w.len = 0;
	put(&w, CKPT_MAGIC, 8);
	put_u32(&w, CKPT_VERSION);
	put_u32(&w, (uint32_t)m->nlayer);
	for (int l = 0; l <= m->nlayer; l++)
		put_u32(&w, (uint32_t)m->size[l]);
	put_u64(&w, seed);
	memcpy(&v, &scale, 4);
	put_u32(&w, v);
	put_u32(&w, (uint32_t)epochs);
	put_u64(&w, (uint64_t)opt->t);
	put_u32(&w, (uint32_t)nhist);
	for (int e = 0; e < nhist; e++) {
		put_u32(&w, (uint32_t)hist[e].epoch);
		put_f64(&w, hist[e].seconds);
		put_f64(&w, hist[e].acc);
		put_f64(&w, hist[e].loss);
		put_f64(&w, hist[e].val_acc);
		put_f64(&w, hist[e].val_loss);
	}
	put_u64(&w, m->nparam);
	put_floats(&w, m->param, m->nparam);
	put_floats(&w, opt->m, m->nparam);
	put_floats(&w, opt->v, m->nparam);
	put_u32(&w, (uint32_t)crc32(0L, w.p, (uInt)w.len));
	rc = file_write_atomic(path, (const char *)w.p, w.len, err, errlen);
	free(w.p);
	return rc;
}

/* Bounds-checked little-endian reader. */
struct rbuf {
	const uint8_t *p;
	size_t         len, off;
};

static int
get(struct rbuf *r, void *dst, size_t n)
{
	if (r->len - r->off < n)
		return -1;
	memcpy(dst, r->p + r->off, n);
	r->off += n;
	return 0;
}

static int
get_u32(struct rbuf *r, uint32_t *v)
{
	uint8_t b[4];

	if (get(r, b, 4) != 0)
		return -1;
	*v = bytes_le32(b);
	return 0;
}

static int
get_u64(struct rbuf *r, uint64_t *v)
{
	uint32_t lo, hi;

	if (get_u32(r, &lo) != 0 || get_u32(r, &hi) != 0)
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

static int
get_f64(struct rbuf *r, double *d)
{
	uint64_t v;

	if (get_u64(r, &v) != 0)
		return -1;
	memcpy(d, &v, 8);
	return 0;
}

static int
get_floats(struct rbuf *r, float *f, size_t n)
{
	if ((r->len - r->off) / 4 < n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *b = r->p + r->off + 4 * i;
		uint32_t       v = bytes_le32(b);

		memcpy(&f[i], &v, 4);
	}
	r->off += 4 * n;
	return 0;
}

void
checkpoint_free(checkpoint *ck)
{
	if (ck == NULL)
		return;
	free(ck->hist);
	free(ck->param);
	free(ck->m);
	free(ck->v);
	memset(ck, 0, sizeof *ck);
}

int
checkpoint_parse(const char *name, const uint8_t *buf, size_t len,
    checkpoint *ck, char *err, size_t errlen)
{
	struct rbuf r = { buf, len, 0 };
	char        magic[8];
	uint32_t    version, nlayer, v, crc, nhist, epochs;
	uint64_t    u, nparam;
	size_t      expect = 0;

	memset(ck, 0, sizeof *ck);
	if (len == 0)
		return err_set(err, errlen, "%s: empty checkpoint", name);
	if (get(&r, magic, 8) != 0 || memcmp(magic, CKPT_MAGIC, 8) != 0)
		return err_set(err, errlen, "%s: not a noisetop checkpoint (bad "
		    "magic)", name);
	if (len < 12)
		goto truncated;
	/* The checksum first: every later complaint is about real data. */
	crc = bytes_le32(buf + len - 4);
	if (get_u32(&r, &version) != 0)
		goto truncated;
	if (version != CKPT_VERSION)
		return err_set(err, errlen, "%s: checkpoint version %u, this "
		    "build reads version %d", name, version, CKPT_VERSION);
	if (crc != (uint32_t)crc32(0L, buf, (uInt)(len - 4)))
		return err_set(err, errlen, "%s: checksum mismatch (corrupt or "
		    "truncated checkpoint)", name);
	r.len = len - 4;
	if (get_u32(&r, &nlayer) != 0)
		goto truncated;
	if (nlayer < 1 || nlayer > MLP_MAX_LAYERS)
		return err_set(err, errlen, "%s: %u layers (must be 1 to %d)",
		    name, nlayer, MLP_MAX_LAYERS);
	ck->nlayer = (int)nlayer;
	for (uint32_t l = 0; l <= nlayer; l++) {
		if (get_u32(&r, &v) != 0)
			goto truncated;
		if (v < 1 || v > MLP_MAX_WIDTH)
			return err_set(err, errlen, "%s: layer size %u out of "
			    "range", name, v);
		ck->size[l] = (int)v;
	}
	for (uint32_t l = 0; l < nlayer; l++)
		expect += (size_t)ck->size[l] * ck->size[l + 1] +
		    ck->size[l + 1];
	if (get_u64(&r, &ck->seed) != 0 || get_u32(&r, &v) != 0)
		goto truncated;
	memcpy(&ck->scale, &v, 4);
	if (!isfinite(ck->scale) || ck->scale < 0.0f)
		return err_set(err, errlen, "%s: bad noise scale", name);
	if (get_u32(&r, &epochs) != 0 || get_u64(&r, &u) != 0 ||
	    get_u32(&r, &nhist) != 0)
		goto truncated;
	if (epochs < 1 || epochs > TRAIN_MAX_EPOCHS || nhist > epochs)
		return err_set(err, errlen, "%s: %u of %u epochs (must be 1 to "
		    "%d)", name, nhist, epochs, TRAIN_MAX_EPOCHS);
	if (u > (uint64_t)1 << 40)
		return err_set(err, errlen, "%s: bad optimizer step count", name);
	ck->epochs = (int)epochs;
	ck->t = (long)u;
	ck->nhist = (int)nhist;
	if ((ck->hist = calloc(nhist ? nhist : 1, sizeof *ck->hist)) == NULL)
		goto oom;
	for (uint32_t e = 0; e < nhist; e++) {
		train_epoch *h = &ck->hist[e];

		if (get_u32(&r, &v) != 0 || get_f64(&r, &h->seconds) != 0 ||
		    get_f64(&r, &h->acc) != 0 || get_f64(&r, &h->loss) != 0 ||
		    get_f64(&r, &h->val_acc) != 0 ||
		    get_f64(&r, &h->val_loss) != 0)
			goto truncated;
		h->epoch = (int)v;
		if (v != e + 1) {
			checkpoint_free(ck);
			return err_set(err, errlen, "%s: history entry %u is for "
			    "epoch %u", name, e + 1, v);
		}
	}
	if (get_u64(&r, &nparam) != 0)
		goto truncated;
	if (nparam != expect) {
		checkpoint_free(ck);
		return err_set(err, errlen, "%s: %llu parameters, the shapes "
		    "need %zu", name, (unsigned long long)nparam, expect);
	}
	if ((r.len - r.off) / 12 < nparam)
		goto truncated;
	ck->nparam = (size_t)nparam;
	if ((ck->param = malloc(ck->nparam * 4)) == NULL ||
	    (ck->m = malloc(ck->nparam * 4)) == NULL ||
	    (ck->v = malloc(ck->nparam * 4)) == NULL)
		goto oom;
	get_floats(&r, ck->param, ck->nparam);
	get_floats(&r, ck->m, ck->nparam);
	get_floats(&r, ck->v, ck->nparam);
	if (r.off != r.len) {
		checkpoint_free(ck);
		return err_set(err, errlen, "%s: %zu bytes of trailing data", name,
		    r.len - r.off);
	}
	return 0;
truncated:
	checkpoint_free(ck);
	return err_set(err, errlen, "%s: truncated checkpoint", name);
oom:
	checkpoint_free(ck);
	return err_set(err, errlen, "%s: out of memory", name);
}

int
checkpoint_load(const char *path, checkpoint *ck, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t   len;
	int      rc;

	memset(ck, 0, sizeof *ck);
	if (file_read(path, CKPT_MAX, &buf, &len, err, errlen) != 0)
		return -1;
	rc = checkpoint_parse(path, buf, len, ck, err, errlen);
	free(buf);
	return rc;
}

void
checkpoint_resume(const checkpoint *ck, train_resume *out)
{
	*out = (train_resume){ ck->param, ck->m, ck->v, ck->t, ck->hist,
	    ck->nhist };
}

int
checkpoint_into_model(const checkpoint *ck, mlp *m, char *err, size_t errlen)
{
	if (ck->nhist < 1)
		return err_set(err, errlen, "checkpoint: no finished epoch");
	if (ck->nlayer != m->nlayer || memcmp(ck->size, m->size,
	    (size_t)(m->nlayer + 1) * sizeof *ck->size) != 0 ||
	    ck->nparam != m->nparam)
		return err_set(err, errlen, "checkpoint: %zu parameters in "
		    "other shapes than the model's %zu", ck->nparam, m->nparam);
	memcpy(m->param, ck->param, ck->nparam * sizeof *ck->param);
	m->packed_ok = 0;
	return 0;
}
