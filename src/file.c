/* Reading a whole file, bounded, with one-line errors. */
#include "file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"

int
file_read(const char *path, size_t maxlen, uint8_t **out, size_t *outlen,
    char *err, size_t errlen)
{
	FILE       *f;
	struct stat st;
	uint8_t    *buf;
	size_t      len;

	*out = NULL;
	*outlen = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return err_set(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return err_set(err, errlen, "%s: not a regular file", path);
	}
	if ((unsigned long long)st.st_size > maxlen) {
		fclose(f);
		return err_set(err, errlen, "%s: too large (%lld bytes, at most "
		    "%zu)", path, (long long)st.st_size, maxlen);
	}
	len = (size_t)st.st_size;
	if ((buf = malloc(len + 1)) == NULL) {
		fclose(f);
		return err_set(err, errlen, "%s: out of memory", path);
	}
	if (fread(buf, 1, len, f) != len) {
		int e = ferror(f) ? errno : 0;

		fclose(f);
		free(buf);
		return err_set(err, errlen, "%s: read error%s%s", path,
		    e ? ": " : "", e ? strerror(e) : "");
	}
	fclose(f);
	buf[len] = 0;
	*out = buf;
	*outlen = len;
	return 0;
}
