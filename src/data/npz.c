/* NumPy .npz archives: a zip of .npy arrays, read with zlib. */
#include "data/npz.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/file.h"

#define NPZ_MAX_FILE   (1u << 30)  /* refuse archives over 1 GiB */
#define NPZ_MAX_MEMBER (1u << 30)  /* and members inflating past 1 GiB */
#define NPZ_MAX_NAME   256
/* "path: member" in a message; a wanted member's name may have ".npy"
 * added, so the label leaves room for want[] of npz_read_u8() */
#define NPZ_WANT_LEN   (NPZ_MAX_NAME + 8)
#define NPZ_LABEL_LEN  (NT_PATH_LEN + 2 + NPZ_WANT_LEN)

/* Zip record signatures (little-endian "PK\x05\x06" and friends). */
#define SIG_LOCAL     0x04034b50u
#define SIG_CENTRAL   0x02014b50u
#define SIG_EOCD      0x06054b50u
#define SIG_EOCD64    0x06064b50u
#define SIG_EOCD64LOC 0x07064b50u

typedef struct {
	char     name[NPZ_MAX_NAME];
	unsigned method;   /* 0 stored, 8 deflate */
	unsigned flags;
	uint32_t crc;
	uint64_t csize, usize, offset;  /* offset of the local header */
} npz_member;

struct npz_file {
	char        path[NT_PATH_LEN];
	uint8_t    *buf;  /* the whole archive */
	size_t      len;
	npz_member *mem;
	size_t      nmem;
};


static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)bytes_le32(p) | (uint64_t)bytes_le32(p + 4) << 32;
}

/*
 * The end-of-central-directory record: the last "PK\5\6" whose comment
 * length reaches exactly to the end of the file.  Returns its offset or -1.
 */
static long
find_eocd(const uint8_t *b, size_t len)
{
	size_t lo;

	if (len < 22)
		return -1;
	lo = len - 22 > 65535 ? len - 22 - 65535 : 0;
	for (size_t p = len - 22 + 1; p-- > lo;)
		if (bytes_le32(b + p) == SIG_EOCD &&
		    p + 22 + bytes_le16(b + p + 20) == len)
			return (long)p;
	return -1;
}

/* Replace 0xffffffff fields of a central entry from its zip64 extra. */
static int
apply_zip64(npz_member *m, const uint8_t *ex, size_t exlen, int need_u,
    int need_c, int need_o)
{
	size_t p = 0;

	while (p + 4 <= exlen) {
		unsigned id = bytes_le16(ex + p), sz = bytes_le16(ex + p + 2);
		const uint8_t *d = ex + p + 4;
		size_t         q = 0;

		if (p + 4 + sz > exlen)
			return -1;
		if (id == 0x0001) {
			if (need_u) {
				if (q + 8 > sz)
					return -1;
				m->usize = le64(d + q);
				q += 8;
			}
			if (need_c) {
				if (q + 8 > sz)
					return -1;
				m->csize = le64(d + q);
				q += 8;
			}
			if (need_o) {
				if (q + 8 > sz)
					return -1;
				m->offset = le64(d + q);
			}
			return 0;
		}
		p += 4 + sz;
	}
	return -1;
}

static int
parse_central(npz_file *z, char *err, size_t errlen)
{
	const uint8_t *b = z->buf;
	long           e = find_eocd(b, z->len);
	uint64_t       count, cdsize, cdoff;

	if (e < 0) {
		if (z->len >= 4 && bytes_le32(b) == SIG_LOCAL)
			return err_set(err, errlen, "%s: truncated zip archive "
			    "(no end-of-central-directory record)", z->path);
		return err_set(err, errlen, "%s: not a zip archive (no "
		    "end-of-central-directory record)", z->path);
	}
	if (bytes_le16(b + e + 4) != 0 || bytes_le16(b + e + 6) != 0)
		return err_set(err, errlen, "%s: multi-disk zip archives are not "
		    "supported", z->path);
	count = bytes_le16(b + e + 10);
	cdsize = bytes_le32(b + e + 12);
	cdoff = bytes_le32(b + e + 16);
	if (count == 0xffff || cdsize == 0xffffffffu || cdoff == 0xffffffffu) {
		/* zip64: a locator sits just before the classic record. */
		const uint8_t *loc = b + e - 20, *r;
		uint64_t       roff;

		if (e < 20 || bytes_le32(loc) != SIG_EOCD64LOC)
			return err_set(err, errlen, "%s: zip64 archive without a "
			    "zip64 locator", z->path);
		roff = le64(loc + 8);
		if (roff > z->len || z->len - roff < 56 ||
		    bytes_le32(b + roff) != SIG_EOCD64)
			return err_set(err, errlen, "%s: bad zip64 "
			    "end-of-central-directory record", z->path);
		r = b + roff;
		count = le64(r + 32);
		cdsize = le64(r + 40);
		cdoff = le64(r + 48);
	}
	if (cdoff > z->len || cdsize > z->len - cdoff)
		return err_set(err, errlen, "%s: truncated zip archive (central "
		    "directory at %llu+%llu past the end, %zu bytes)", z->path,
		    (unsigned long long)cdoff, (unsigned long long)cdsize,
		    z->len);
	if (count > cdsize / 46)
		return err_set(err, errlen, "%s: corrupt zip archive (%llu "
		    "entries cannot fit a %llu-byte central directory)",
		    z->path, (unsigned long long)count,
		    (unsigned long long)cdsize);
	if ((z->mem = calloc(count ? count : 1, sizeof *z->mem)) == NULL)
		return err_set(err, errlen, "%s: out of memory", z->path);

	size_t p = cdoff, end = cdoff + cdsize;
	for (uint64_t i = 0; i < count; i++) {
		npz_member *m = &z->mem[i];
		unsigned    nlen, elen, clen;

		if (end - p < 46 || bytes_le32(b + p) != SIG_CENTRAL)
			return err_set(err, errlen, "%s: corrupt zip central "
			    "directory (entry %llu)", z->path,
			    (unsigned long long)i);
		m->flags = bytes_le16(b + p + 8);
		m->method = bytes_le16(b + p + 10);
		m->crc = bytes_le32(b + p + 16);
		m->csize = bytes_le32(b + p + 20);
		m->usize = bytes_le32(b + p + 24);
		nlen = bytes_le16(b + p + 28);
		elen = bytes_le16(b + p + 30);
		clen = bytes_le16(b + p + 32);
		m->offset = bytes_le32(b + p + 42);
		if (end - p - 46 < (size_t)nlen + elen + clen)
			return err_set(err, errlen, "%s: corrupt zip central "
			    "directory (entry %llu)", z->path,
			    (unsigned long long)i);
		if (nlen == 0 || nlen >= NPZ_MAX_NAME)
			return err_set(err, errlen, "%s: zip entry %llu has a "
			    "name of %u bytes", z->path,
			    (unsigned long long)i, nlen);
		memcpy(m->name, b + p + 46, nlen);
		m->name[nlen] = '\0';
		if ((m->usize == 0xffffffffu || m->csize == 0xffffffffu ||
		    m->offset == 0xffffffffu) &&
		    apply_zip64(m, b + p + 46 + nlen, elen,
		    m->usize == 0xffffffffu, m->csize == 0xffffffffu,
		    m->offset == 0xffffffffu) != 0)
			return err_set(err, errlen, "%s: %s: bad zip64 extra "
			    "field", z->path, m->name);
		p += 46 + (size_t)nlen + elen + clen;
		z->nmem++;
	}
	return 0;
}

npz_file *
npz_open_mem(const char *label, uint8_t *buf, size_t len, char *err,
    size_t errlen)
{
	npz_file *z = calloc(1, sizeof *z);

	if (z == NULL) {
		free(buf);
		err_set(err, errlen, "%s: out of memory", label);
		return NULL;
	}
	snprintf(z->path, sizeof z->path, "%s", label);
	z->buf = buf;
	z->len = len;
	if (parse_central(z, err, errlen) != 0) {
		npz_close(z);
		return NULL;
	}
	return z;
}

npz_file *
npz_open(const char *path, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t   len;

	if (file_read(path, NPZ_MAX_FILE, &buf, &len, err, errlen) != 0)
		return NULL;
	return npz_open_mem(path, buf, len, err, errlen);
}

void
npz_close(npz_file *z)
{
	if (z == NULL)
		return;
	free(z->buf);
	free(z->mem);
	free(z);
}

void
npz_array_free(npz_array *a)
{
	if (a == NULL)
		return;
	free(a->data);
	memset(a, 0, sizeof *a);
}

/* Inflate a raw deflate stream of exactly usize bytes into out. */
static int
inflate_member(const char *label, const uint8_t *in, size_t csize,
    uint8_t *out, size_t usize, char *err, size_t errlen)
{
	z_stream zs;
	uint8_t  extra;
	int      rc;

	memset(&zs, 0, sizeof zs);
	if (inflateInit2(&zs, -15) != Z_OK)
		return err_set(err, errlen, "%s: cannot start zlib", label);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)csize;
	zs.next_out = out;
	zs.avail_out = (uInt)usize;
	rc = inflate(&zs, Z_FINISH);
	if ((rc == Z_OK || rc == Z_BUF_ERROR) && zs.avail_out == 0) {
		/* Full: one byte more tells "too long" from a clean end. */
		zs.next_out = &extra;
		zs.avail_out = 1;
		rc = inflate(&zs, Z_FINISH);
		if (zs.avail_out == 0) {
			inflateEnd(&zs);
			return err_set(err, errlen, "%s: deflate data inflates "
			    "past the %zu bytes the directory gives", label,
			    usize);
		}
	}
	if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_MEM_ERROR) {
		const char *msg = zs.msg != NULL ? zs.msg : zError(rc);

		inflateEnd(&zs);
		return err_set(err, errlen, "%s: corrupt deflate data (%s)", label,
		    msg);
	}
	if (rc != Z_STREAM_END) {
		inflateEnd(&zs);
		return err_set(err, errlen, "%s: deflate data ends early (%lu of "
		    "%zu bytes inflated)", label, zs.total_out, usize);
	}
	if (zs.total_out != usize) {
		inflateEnd(&zs);
		return err_set(err, errlen, "%s: inflates to %lu bytes, the "
		    "directory says %zu", label, zs.total_out, usize);
	}
	inflateEnd(&zs);
	return 0;
}

/* The bytes of member m, inflated and CRC-checked; *out is malloc'd. */
static int
extract(npz_file *z, const npz_member *m, uint8_t **out, char *err,
    size_t errlen)
{
	char           label[NPZ_LABEL_LEN];
	const uint8_t *lh, *data;
	uint64_t       start;
	uint32_t       crc;
	uint8_t       *buf;

	snprintf(label, sizeof label, "%s: %s", z->path, m->name);
	*out = NULL;
	if (m->flags & 1)
		return err_set(err, errlen, "%s: encrypted zip entries are not "
		    "supported", label);
	if (m->method != 0 && m->method != 8)
		return err_set(err, errlen, "%s: unsupported zip compression "
		    "method %u (need stored or deflate)", label, m->method);
	if (m->usize > NPZ_MAX_MEMBER)
		return err_set(err, errlen, "%s: member too large (%llu bytes)",
		    label, (unsigned long long)m->usize);
	if (m->offset > z->len || z->len - m->offset < 30)
		return err_set(err, errlen, "%s: truncated zip archive (local "
		    "header past the end)", label);
	lh = z->buf + m->offset;
	if (bytes_le32(lh) != SIG_LOCAL)
		return err_set(err, errlen, "%s: corrupt zip archive (bad local "
		    "header signature at offset %llu)", label,
		    (unsigned long long)m->offset);
	start = m->offset + 30 + bytes_le16(lh + 26) + bytes_le16(lh + 28);
	if (start > z->len || z->len - start < m->csize)
		return err_set(err, errlen, "%s: truncated zip archive (%llu "
		    "bytes of data past the end)", label,
		    (unsigned long long)m->csize);
	data = z->buf + start;
	if (m->method == 0 && m->csize != m->usize)
		return err_set(err, errlen, "%s: stored entry with %llu bytes "
		    "compressed but %llu uncompressed", label,
		    (unsigned long long)m->csize, (unsigned long long)m->usize);
	if ((buf = malloc(m->usize ? m->usize : 1)) == NULL)
		return err_set(err, errlen, "%s: out of memory", label);
	if (m->method == 0)
		memcpy(buf, data, m->usize);
	else if (inflate_member(label, data, m->csize, buf, m->usize, err,
	    errlen) != 0) {
		free(buf);
		return -1;
	}
	crc = (uint32_t)crc32(0L, buf, (uInt)m->usize);
	if (crc != m->crc) {
		free(buf);
		return err_set(err, errlen, "%s: CRC-32 mismatch (directory "
		    "0x%08x, data 0x%08x): the archive is corrupt", label,
		    m->crc, crc);
	}
	*out = buf;
	return 0;
}

int
npz_read_u8(npz_file *z, const char *name, int want_ndim, npz_array *out,
    char *err, size_t errlen)
{
	char     want[NPZ_WANT_LEN], label[NPZ_LABEL_LEN];
	uint8_t *buf;
	size_t   i;
	int      rc;

	memset(out, 0, sizeof *out);
	snprintf(want, sizeof want, "%s.npy", name);
	for (i = 0; i < z->nmem; i++)
		if (strcmp(z->mem[i].name, want) == 0)
			break;
	if (i == z->nmem)
		return err_set(err, errlen, "%s: no %s in the archive", z->path,
		    want);
	if (extract(z, &z->mem[i], &buf, err, errlen) != 0)
		return -1;
	snprintf(label, sizeof label, "%s: %s", z->path, want);
	rc = npz_parse_npy(label, buf, z->mem[i].usize, want_ndim, out, err,
	    errlen);
	free(buf);
	return rc;
}

/* The .npy header dict, e.g. {'descr': '|u1', 'fortran_order': False,
 * 'shape': (60000, 28, 28), } -- a Python literal, parsed strictly. */
typedef struct {
	const char *p, *end;
} cursor;

static void
skip_ws(cursor *c)
{
	while (c->p < c->end && isspace((unsigned char)*c->p))
		c->p++;
}

static int
eat(cursor *c, char ch)
{
	skip_ws(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return 1;
	}
	return 0;
}

static int
quoted(cursor *c, char *out, size_t outlen)
{
	char   q;
	size_t n = 0;

	skip_ws(c);
	if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
		return -1;
	q = *c->p++;
	while (c->p < c->end && *c->p != q) {
		if (n + 1 >= outlen)
			return -1;
		out[n++] = *c->p++;
	}
	if (c->p >= c->end)
		return -1;
	c->p++;
	out[n] = '\0';
	return 0;
}

static int
word(cursor *c, const char *w)
{
	size_t n = strlen(w);

	skip_ws(c);
	if ((size_t)(c->end - c->p) >= n && memcmp(c->p, w, n) == 0) {
		c->p += n;
		return 1;
	}
	return 0;
}

static int
shape_tuple(cursor *c, npz_array *a)
{
	if (!eat(c, '('))
		return -1;
	a->ndim = 0;
	for (;;) {
		unsigned long long v = 0;
		int                digits = 0;

		if (eat(c, ')'))
			return 0;
		skip_ws(c);
		while (c->p < c->end && isdigit((unsigned char)*c->p)) {
			if (v > (1ull << 40))
				return -1;
			v = v * 10 + (unsigned)(*c->p++ - '0');
			digits++;
		}
		if (digits == 0 || a->ndim == NPZ_MAX_DIMS)
			return -1;
		a->shape[a->ndim++] = (size_t)v;
		if (!eat(c, ',')) {
			return eat(c, ')') ? 0 : -1;
		}
	}
}

static void
shape_str(const npz_array *a, char *out, size_t outlen)
{
	size_t n = 0;

	n += (size_t)snprintf(out + n, outlen - n, "(");
	for (int i = 0; i < a->ndim && n < outlen; i++)
		n += (size_t)snprintf(out + n, outlen - n, "%s%zu",
		    i ? ", " : "", a->shape[i]);
	if (n < outlen)
		snprintf(out + n, outlen - n, a->ndim == 1 ? ",)" : ")");
}

int
npz_parse_npy(const char *label, const uint8_t *buf, size_t len,
    int want_ndim, npz_array *out, char *err, size_t errlen)
{
	char     key[32], descr[32] = "", shp[128];
	size_t   hlen, hstart, need = 1;
	int      have_descr = 0, have_fortran = 0, have_shape = 0, fortran = 0;
	cursor   c;

	memset(out, 0, sizeof *out);
	if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0)
		return err_set(err, errlen, "%s: not a .npy array (bad magic, "
		    "want \\x93NUMPY)", label);
	if (buf[6] == 1) {
		hlen = bytes_le16(buf + 8);
		hstart = 10;
	} else if (buf[6] == 2 || buf[6] == 3) {
		if (len < 12)
			return err_set(err, errlen, "%s: truncated .npy header",
			    label);
		hlen = bytes_le32(buf + 8);
		hstart = 12;
	} else {
		return err_set(err, errlen, "%s: unsupported .npy version %u.%u",
		    label, buf[6], buf[7]);
	}
	if (hlen > len - hstart)
		return err_set(err, errlen, "%s: truncated .npy header (%zu "
		    "bytes promised, %zu present)", label, hlen, len - hstart);

	c.p = (const char *)buf + hstart;
	c.end = c.p + hlen;
	if (!eat(&c, '{'))
		return err_set(err, errlen, "%s: malformed .npy header (no "
		    "dict)", label);
	while (!eat(&c, '}')) {
		if (quoted(&c, key, sizeof key) != 0 || !eat(&c, ':'))
			return err_set(err, errlen, "%s: malformed .npy header",
			    label);
		if (strcmp(key, "descr") == 0) {
			if (quoted(&c, descr, sizeof descr) != 0)
				return err_set(err, errlen, "%s: malformed .npy "
				    "header ('descr' is not a string)", label);
			have_descr = 1;
		} else if (strcmp(key, "fortran_order") == 0) {
			if (word(&c, "True"))
				fortran = 1;
			else if (!word(&c, "False"))
				return err_set(err, errlen, "%s: malformed .npy "
				    "header ('fortran_order')", label);
			have_fortran = 1;
		} else if (strcmp(key, "shape") == 0) {
			if (shape_tuple(&c, out) != 0)
				return err_set(err, errlen, "%s: malformed .npy "
				    "header ('shape' is not a tuple of "
				    "sizes)", label);
			have_shape = 1;
		} else {
			return err_set(err, errlen, "%s: malformed .npy header "
			    "(unknown key '%s')", label, key);
		}
		if (!eat(&c, ',')) {
			if (!eat(&c, '}'))
				return err_set(err, errlen, "%s: malformed .npy "
				    "header", label);
			break;
		}
	}
	if (!have_descr || !have_fortran || !have_shape)
		return err_set(err, errlen, "%s: malformed .npy header (missing "
		    "'%s')", label, !have_descr ? "descr" : !have_fortran ?
		    "fortran_order" : "shape");
	/* A single byte has no byte order: numpy writes '|u1'. */
	if (strcmp(descr, "|u1") != 0 && strcmp(descr, "<u1") != 0 &&
	    strcmp(descr, ">u1") != 0 && strcmp(descr, "u1") != 0) {
		memset(out, 0, sizeof *out);
		return err_set(err, errlen, "%s: dtype '%s', expected unsigned "
		    "bytes '|u1'", label, descr);
	}
	if (fortran) {
		memset(out, 0, sizeof *out);
		return err_set(err, errlen, "%s: fortran_order is True, expected "
		    "C order", label);
	}
	shape_str(out, shp, sizeof shp);
	if (want_ndim > 0 && out->ndim != want_ndim) {
		int nd = out->ndim;

		memset(out, 0, sizeof *out);
		return err_set(err, errlen, "%s: shape %s has %d dimensions, "
		    "expected %d", label, shp, nd, want_ndim);
	}
	for (int i = 0; i < out->ndim; i++) {
		if (out->shape[i] != 0 &&
		    need > (size_t)NPZ_MAX_MEMBER / out->shape[i]) {
			memset(out, 0, sizeof *out);
			return err_set(err, errlen, "%s: shape %s too large", label,
			    shp);
		}
		need *= out->shape[i];
	}
	if (len - hstart - hlen != need) {
		size_t have = len - hstart - hlen;

		memset(out, 0, sizeof *out);
		return err_set(err, errlen, "%s: %s: shape %s needs %zu bytes, "
		    "the array has %zu", label, have < need ? "truncated" :
		    "trailing data", shp, need, have);
	}
	if ((out->data = malloc(need ? need : 1)) == NULL) {
		memset(out, 0, sizeof *out);
		return err_set(err, errlen, "%s: out of memory", label);
	}
	memcpy(out->data, buf + hstart + hlen, need);
	out->size = need;
	return 0;
}
