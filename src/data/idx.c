/* IDX files, raw or gzip, validated against their real length. */
#include "data/idx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/bytes.h"
#include "base/err.h"
#include "base/file.h"

#define IDX_MAX_FILE (1u << 30)  /* refuse anything over 1 GiB on disk */

/*
 * Inflate every gzip member of in (concatenated members are legal gzip).
 * The output grows by doubling up to maxlen; a stream that ends early or
 * carries garbage after its last member is an error.
 */
static int
inflate_all(const char *name, const uint8_t *in, size_t inlen, size_t maxlen,
    uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
	z_stream zs;
	size_t   cap, used = 0;
	uint8_t *buf;
	int      rc;

	/* The trailer's ISIZE is the length mod 2^32 of the last member. */
	cap = inlen >= 4 ? (size_t)bytes_le32(in + inlen - 4) : 0;
	/* Deflate expands at most 1032:1: never trust a larger claim. */
	if (inlen < maxlen / 1032 && maxlen > inlen * 1032 + 4096)
		maxlen = inlen * 1032 + 4096;
	if (cap < 4096 || cap > maxlen)
		cap = 4096;
	if ((buf = malloc(cap)) == NULL)
		return err_set(err, errlen, "%s: out of memory", name);

	memset(&zs, 0, sizeof zs);
	if (inflateInit2(&zs, 15 + 16) != Z_OK) {
		free(buf);
		return err_set(err, errlen, "%s: cannot start zlib", name);
	}
	zs.next_in = (Bytef *)in;
	zs.avail_in = 0;
	size_t consumed = 0;
	for (;;) {
		if (used == cap) {
			size_t   ncap = cap * 2 > maxlen ? maxlen : cap * 2;
			uint8_t *nbuf;

			if (ncap <= cap) {
				inflateEnd(&zs);
				free(buf);
				return err_set(err, errlen,
				    "%s: inflates to more than %zu bytes",
				    name, maxlen);
			}
			if ((nbuf = realloc(buf, ncap)) == NULL) {
				inflateEnd(&zs);
				free(buf);
				return err_set(err, errlen, "%s: out of memory",
				    name);
			}
			buf = nbuf;
			cap = ncap;
		}
		/* zlib counts in uInt: feed at most 1 GiB at a time. */
		if (zs.avail_in == 0 && consumed < inlen) {
			size_t chunk = inlen - consumed;

			if (chunk > (1u << 30))
				chunk = 1u << 30;
			zs.next_in = (Bytef *)in + consumed;
			zs.avail_in = (uInt)chunk;
			consumed += chunk;
		}
		size_t room = cap - used;
		if (room > (1u << 30))
			room = 1u << 30;
		zs.next_out = buf + used;
		zs.avail_out = (uInt)room;
		rc = inflate(&zs, Z_NO_FLUSH);
		used += room - zs.avail_out;
		if (rc == Z_STREAM_END) {
			size_t left = zs.avail_in + (inlen - consumed);

			if (left == 0)
				break;
			/* Another member must start with the gzip magic. */
			const uint8_t *next = in + inlen - left;
			if (left < 2 || next[0] != 0x1f || next[1] != 0x8b) {
				inflateEnd(&zs);
				free(buf);
				return err_set(err, errlen,
				    "%s: %zu bytes of garbage after the gzip "
				    "data", name, left);
			}
			inflateReset(&zs);
			continue;
		}
		if (rc == Z_BUF_ERROR && zs.avail_in == 0 && consumed == inlen) {
			inflateEnd(&zs);
			free(buf);
			return err_set(err, errlen,
			    "%s: gzip data is truncated (ends after %zu "
			    "bytes inflated)", name, used);
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			const char *msg = zs.msg != NULL ? zs.msg : zError(rc);

			inflateEnd(&zs);
			free(buf);
			return err_set(err, errlen, "%s: corrupt gzip data (%s)",
			    name, msg);
		}
	}
	inflateEnd(&zs);
	*out = buf;
	*outlen = used;
	return 0;
}

int
idx_read_file(const char *path, size_t maxlen, uint8_t **out, size_t *outlen,
    char *err, size_t errlen)
{
	uint8_t *raw;
	size_t   len;

	*out = NULL;
	*outlen = 0;
	if (file_read(path, IDX_MAX_FILE, &raw, &len, err, errlen) != 0)
		return -1;
	if (len >= 2 && raw[0] == 0x1f && raw[1] == 0x8b) {
		int rc = inflate_all(path, raw, len, maxlen, out, outlen, err,
		    errlen);

		free(raw);
		return rc;
	}
	if (len > maxlen) {
		free(raw);
		return err_set(err, errlen, "%s: larger than %zu bytes", path,
		    maxlen);
	}
	*out = raw;
	*outlen = len;
	return 0;
}

int
idx_parse(const char *name, const uint8_t *buf, size_t len, int want_ndim,
    idx_array *out, char *err, size_t errlen)
{
	uint32_t magic;
	size_t   hdr, need = 1;
	int      ndim;

	memset(out, 0, sizeof *out);
	if (len == 0)
		return err_set(err, errlen, "%s: empty file", name);
	if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) {
		uint8_t *raw;
		size_t   rawlen;
		int      rc;

		if (inflate_all(name, buf, len, (size_t)IDX_MAX_FILE, &raw,
		    &rawlen, err, errlen) != 0)
			return -1;
		/* An IDX file starts with two zero bytes: never gzip again. */
		rc = idx_parse(name, raw, rawlen, want_ndim, out, err, errlen);
		free(raw);
		return rc;
	}
	if (len < 4)
		return err_set(err, errlen, "%s: truncated header (%zu bytes)",
		    name, len);
	magic = bytes_be32(buf);
	if ((magic & 0xffff0000u) != 0 || ((magic >> 8) & 0xff) == 0)
		return err_set(err, errlen,
		    "%s: not an IDX file (magic 0x%08x)", name, magic);
	if (((magic >> 8) & 0xff) != 0x08)
		return err_set(err, errlen,
		    "%s: IDX element type 0x%02x, expected unsigned bytes "
		    "(0x08)", name, (magic >> 8) & 0xff);
	ndim = (int)(magic & 0xff);
	if (ndim != want_ndim)
		return err_set(err, errlen,
		    "%s: IDX file has %d dimensions, expected %d (magic "
		    "0x%08x)", name, ndim, want_ndim, magic);
	hdr = 4 + 4 * (size_t)ndim;
	if (len < hdr)
		return err_set(err, errlen, "%s: truncated header (%zu bytes)",
		    name, len);
	for (int i = 0; i < ndim; i++) {
		out->dims[i] = bytes_be32(buf + 4 + 4 * i);
		if (out->dims[i] == 0)
			return err_set(err, errlen, "%s: dimension %d is zero",
			    name, i);
		if (need > (size_t)IDX_MAX_FILE * 4 / out->dims[i])
			return err_set(err, errlen,
			    "%s: dimensions too large", name);
		need *= out->dims[i];
	}
	if (len - hdr != need) {
		memset(out, 0, sizeof *out);
		return err_set(err, errlen,
		    "%s: %s: header promises %zu bytes of data, file has %zu",
		    name, len - hdr < need ? "truncated" : "trailing data",
		    need, len - hdr);
	}
	if ((out->data = malloc(need)) == NULL) {
		memset(out, 0, sizeof *out);
		return err_set(err, errlen, "%s: out of memory", name);
	}
	memcpy(out->data, buf + hdr, need);
	out->ndim = ndim;
	out->size = need;
	return 0;
}

int
idx_load(const char *path, int want_ndim, idx_array *out, char *err,
    size_t errlen)
{
	uint8_t *buf;
	size_t   len;
	int      rc;

	memset(out, 0, sizeof *out);
	if (idx_read_file(path, (size_t)IDX_MAX_FILE, &buf, &len, err,
	    errlen) != 0)
		return -1;
	rc = idx_parse(path, buf, len, want_ndim, out, err, errlen);
	free(buf);
	return rc;
}

void
idx_free(idx_array *a)
{
	if (a == NULL)
		return;
	free(a->data);
	memset(a, 0, sizeof *a);
}
