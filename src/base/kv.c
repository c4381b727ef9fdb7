/* "key = value" run files: reading, splitting, typed values. */
#include "base/kv.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/file.h"

char *
kv_read(const char *path, size_t maxlen, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t   len;

	if (file_read(path, maxlen, &buf, &len, err, errlen) != 0)
		return NULL;
	if (strlen((char *)buf) != len) {
		free(buf);
		err_set(err, errlen, "%s: contains a NUL byte", path);
		return NULL;
	}
	return (char *)buf;
}

int
kv_parse(const char *label, char *text, kv_fn fn, void *arg, char *err,
    size_t errlen)
{
	int   lineno = 0;
	char *line = text, *next, msg[512];

	/* By hand, not strtok: blank lines still count for line numbers. */
	for (; line != NULL && *line != '\0'; line = next) {
		char *eq;

		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((eq = strstr(line, " = ")) == NULL)
			return err_set(err, errlen, "%s: line %d: not 'key = "
			    "value'", label, lineno);
		*eq = '\0';
		if (fn(arg, line, eq + 3, msg, sizeof msg) != 0)
			return err_set(err, errlen, "%s: line %d: %s", label,
			    lineno, msg);
	}
	return 0;
}

int
kv_num(const char *key, const char *value, double lo, double hi, double *out,
    char *err, size_t errlen)
{
	char  *end;
	double d;

	errno = 0;
	d = strtod(value, &end);
	if (end == value || *end != '\0' || errno != 0 || !isfinite(d) ||
	    d < lo || d > hi)
		return err_set(err, errlen, "%s '%.64s': not a number from %g "
		    "to %g", key, value, lo, hi);
	*out = d;
	return 0;
}

int
kv_int_list(const char *key, const char *value, int lo, int hi, int *out,
    int max, int *n, char *err, size_t errlen)
{
	char buf[512], *save = NULL;

	*n = 0;
	if (snprintf(buf, sizeof buf, "%s", value) >= (int)sizeof buf)
		return err_set(err, errlen, "%s: too long", key);
	for (char *t = strtok_r(buf, ",", &save); t != NULL;
	    t = strtok_r(NULL, ",", &save)) {
		double d = 0;

		if (*n == max)
			return err_set(err, errlen, "%s: too many values", key);
		if (kv_num(key, t, lo, hi, &d, err, errlen) != 0)
			return -1;
		if (d != floor(d))
			return err_set(err, errlen, "%s '%.64s': not a whole "
			    "number", key, t);
		out[(*n)++] = (int)d;
	}
	return 0;
}

char *
kv_float(char *buf, float f)
{
	if (buf == NULL)
		return NULL;
	for (int prec = 1; prec <= 9; prec++) {
		snprintf(buf, 32, "%.*g", prec, (double)f);
		if ((float)strtod(buf, NULL) == f)  /* as the readers read it */
			return buf;
	}
	return buf;  /* %.9g always reads back exactly */
}
