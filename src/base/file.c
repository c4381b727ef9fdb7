/* Whole files: a bounded reader and an atomic writer, with one-line errors. */
#include "base/file.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"

/* What a file that is not a regular one is, for the message. */
static const char *
file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

int
file_read(const char *path, size_t maxlen, uint8_t **out, size_t *outlen,
    char *err, size_t errlen)
{
	struct stat st;
	uint8_t    *buf;
	size_t      len, off = 0;
	int         fd;

	*out = NULL;
	*outlen = 0;
	/*
	 * O_NONBLOCK: opening a FIFO with no writer would block for ever (and
	 * a device might).  The type is checked before the open for a clear
	 * message (a socket cannot be opened at all), and again on the open
	 * descriptor, so nothing swapped in between is read.  Regular files
	 * ignore the flag.
	 */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return err_set(err, errlen, "%s: is %s, not a data file", path,
		    file_kind(st.st_mode));
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) < 0)
		return err_set(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(err, errlen, "%s: is %s, not a data file", path,
		    file_kind(st.st_mode));
	}
	if ((unsigned long long)st.st_size > maxlen) {
		close(fd);
		return err_set(err, errlen, "%s: too large (%lld bytes, at most "
		    "%zu)", path, (long long)st.st_size, maxlen);
	}
	len = (size_t)st.st_size;
	if ((buf = malloc(len + 1)) == NULL) {
		close(fd);
		return err_set(err, errlen, "%s: out of memory", path);
	}
	while (off < len) {
		ssize_t r = read(fd, buf + off, len - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = r < 0 ? errno : 0;

			close(fd);
			free(buf);
			return err_set(err, errlen, "%s: read error%s%s", path,
			    e ? ": " : " (the file shrank)", e ? strerror(e) : "");
		}
		off += (size_t)r;
	}
	close(fd);
	buf[len] = 0;
	*out = buf;
	*outlen = len;
	return 0;
}

int
file_write_atomic(const char *path, const char *data, size_t len, char *err,
    size_t errlen)
{
	char   tmp[NT_PATH_LEN + 16], dir[NT_PATH_LEN];
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
	return err_set(err, errlen, "%s: cannot write: %s (the previous "
	    "version, if any, is intact)", path, strerror(e ? e : EIO));
}

/* 1 when dir holds nothing but . and .., 0 when it holds more, -1 when
 * it cannot be read. */
static int
dir_empty(const char *dir)
{
	DIR           *d = opendir(dir);
	struct dirent *de;
	int            empty = 1;

	if (d == NULL)
		return -1;
	while (empty && (de = readdir(d)) != NULL)
		empty = strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0;
	closedir(d);
	return empty;
}

int
file_make_dir(const char *path, int fresh, int force, char *out,
    size_t outlen, char *err, size_t errlen)
{
	struct stat st;

	if (fresh) {
		for (int k = 1; k <= 999; k++) {
			if (k == 1)
				snprintf(out, outlen, "%s", path);
			else
				snprintf(out, outlen, "%s-%d", path, k);
			if (mkdir(out, 0755) == 0)
				return 0;
			if (errno != EEXIST)
				return err_set(err, errlen, "%s: cannot create: "
				    "%s", out, strerror(errno));
		}
		return err_set(err, errlen, "%s: 999 of them exist already",
		    path);
	}
	snprintf(out, outlen, "%s", path);
	if (mkdir(path, 0755) == 0)
		return 0;
	if (errno != EEXIST)
		return err_set(err, errlen, "%s: cannot create: %s", path,
		    strerror(errno));
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return err_set(err, errlen, "%s: exists and is not a directory",
		    path);
	if (access(path, W_OK | X_OK) != 0)
		return err_set(err, errlen, "%s: not writable: %s", path,
		    strerror(errno));
	switch (dir_empty(path)) {
	case -1:
		return err_set(err, errlen, "%s: %s", path, strerror(errno));
	case 0:
		if (!force)
			return err_set(err, errlen, "%s: exists and is not "
			    "empty: name a new directory, or --force to write "
			    "over the files of the same names in it", path);
	}
	return 0;
}
