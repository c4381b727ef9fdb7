/* Results files: CSV and JSON of a sweep table, written atomically. */
#include "results.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"

int
results_write_atomic(const char *path, const char *data, size_t len,
    char *err, size_t errlen)
{
	char   tmp[4200], dir[4200];
	int    fd, e;
	size_t off = 0;

	if (snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >=
	    (int)sizeof tmp)
		return err_set(err, errlen, "%s: path too long", path);
	if ((fd = mkstemp(tmp)) < 0)
		return err_set(err, errlen, "%s: cannot create a temporary file "
		    "beside it: %s", path, strerror(errno));
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto bad;
		off += (size_t)w;
	}
	if (fchmod(fd, 0644) != 0 || fsync(fd) != 0)
		goto bad;
	if (close(fd) != 0) {
		fd = -1;
		goto bad;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto bad;
	/* Make the rename itself durable. */
	snprintf(dir, sizeof dir, "%s", path);
	if ((fd = open(dirname(dir), O_RDONLY | O_DIRECTORY)) >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
bad:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return err_set(err, errlen, "%s: cannot write: %s", path,
	    strerror(e ? e : EIO));
}

/* A growing string buffer; on allocation failure it stays failed. */
struct sbuf {
	char  *s;
	size_t len, cap;
	int    oom;
};

__attribute__((format(printf, 2, 3))) static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int     n;

	if (b->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = 1;
			return;
		}
		if ((size_t)n < b->cap - b->len)
			break;
		size_t ncap = (b->cap + (size_t)n + 1) * 2;
		char  *ns = realloc(b->s, ncap);
		if (ns == NULL) {
			b->oom = 1;
			return;
		}
		b->s = ns;
		b->cap = ncap;
	}
	b->len += (size_t)n;
}

static int
sb_init(struct sbuf *b)
{
	memset(b, 0, sizeof *b);
	b->cap = 4096;
	if ((b->s = malloc(b->cap)) == NULL)
		return -1;
	b->s[0] = '\0';
	return 0;
}

static const char *
state_name(int state)
{
	switch (state) {
	case SWEEP_RUNNING:
		return "running";
	case SWEEP_DONE:
		return "done";
	case SWEEP_CANCELLED:
		return "cancelled";
	}
	return "pending";
}

static int
finish(const char *path, struct sbuf *b, char *err, size_t errlen)
{
	int rc;

	if (b->oom) {
		free(b->s);
		return err_set(err, errlen, "%s: out of memory", path);
	}
	rc = results_write_atomic(path, b->s, b->len, err, errlen);
	free(b->s);
	return rc;
}

static void
config_line(struct sbuf *b, const train_config *c)
{
	sb_printf(b, "layers=");
	for (int l = 0; l <= c->nlayer; l++)
		sb_printf(b, "%s%d", l ? "-" : "", c->size[l]);
	sb_printf(b, " dropout=%g lr=%g batch=%d epochs=%d seed=%llu "
	    "precision=%s", (double)c->dropout, (double)c->lr, c->batch,
	    c->epochs, (unsigned long long)c->seed,
	    train_precision_name(c->precision));
}

int
results_write_csv(const char *path, const sweep_table *t, const char *source,
    char *err, size_t errlen)
{
	struct sbuf b;

	if (sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", path);
	sb_printf(&b, "# noisetop results\n# data: %s\n# config: ", source);
	config_line(&b, &t->cfg);
	sb_printf(&b, "\nscale,state,epoch,seconds,accuracy,loss,"
	    "val_accuracy,val_loss\n");
	for (int i = 0; i < t->n; i++) {
		const sweep_row *r = &t->rows[i];

		for (int e = 0; e < r->nhist; e++) {
			const train_epoch *h = &r->hist[e];

			sb_printf(&b, "%g,%s,%d,%.3f,%.6f,%.6f,%.6f,%.6f\n",
			    (double)r->scale, state_name(r->state), h->epoch,
			    h->seconds, h->acc, h->loss, h->val_acc,
			    h->val_loss);
		}
	}
	return finish(path, &b, err, errlen);
}

/* A JSON string literal: quotes, backslashes and control bytes escaped. */
static void
json_string(struct sbuf *b, const char *s)
{
	sb_printf(b, "\"");
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			sb_printf(b, "\\%c", c);
		else if (c < 0x20)
			sb_printf(b, "\\u%04x", c);
		else
			sb_printf(b, "%c", c);
	}
	sb_printf(b, "\"");
}

int
results_write_json(const char *path, const sweep_table *t,
    const char *source, char *err, size_t errlen)
{
	struct sbuf         b;
	const train_config *c = &t->cfg;

	if (sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", path);
	sb_printf(&b, "{\n  \"data\": ");
	json_string(&b, source);
	sb_printf(&b, ",\n  \"config\": {\"layers\": [");
	for (int l = 0; l <= c->nlayer; l++)
		sb_printf(&b, "%s%d", l ? ", " : "", c->size[l]);
	sb_printf(&b, "], \"dropout\": %g, \"lr\": %g, \"batch\": %d, "
	    "\"epochs\": %d, \"seed\": %llu, \"precision\": \"%s\"},\n"
	    "  \"runs\": [", (double)c->dropout, (double)c->lr, c->batch,
	    c->epochs, (unsigned long long)c->seed,
	    train_precision_name(c->precision));
	for (int i = 0; i < t->n; i++) {
		const sweep_row *r = &t->rows[i];

		sb_printf(&b, "%s\n    {\"scale\": %g, \"state\": \"%s\"",
		    i ? "," : "", (double)r->scale, state_name(r->state));
		if (r->nhist > 0) {
			const train_epoch *f = &r->hist[r->nhist - 1];

			sb_printf(&b, ", \"final\": {\"epoch\": %d, "
			    "\"accuracy\": %.6f, \"loss\": %.6f, "
			    "\"val_accuracy\": %.6f, \"val_loss\": %.6f}",
			    f->epoch, f->acc, f->loss, f->val_acc,
			    f->val_loss);
		}
		sb_printf(&b, ",\n     \"history\": [");
		for (int e = 0; e < r->nhist; e++) {
			const train_epoch *h = &r->hist[e];

			sb_printf(&b, "%s\n       {\"epoch\": %d, "
			    "\"seconds\": %.3f, \"accuracy\": %.6f, "
			    "\"loss\": %.6f, \"val_accuracy\": %.6f, "
			    "\"val_loss\": %.6f}", e ? "," : "", h->epoch,
			    h->seconds, h->acc, h->loss, h->val_acc,
			    h->val_loss);
		}
		sb_printf(&b, "]}");
	}
	sb_printf(&b, "\n  ]\n}\n");
	return finish(path, &b, err, errlen);
}
