/*
 * Whole files: file_read on regular files of 0, 1 and many bytes, and on
 * everything that is not one (missing, a directory, a FIFO, a character
 * device, a socket, too large, shorter than its size says), with no
 * descriptor left open; file_write_atomic's mode, one byte, and a stale
 * errno of EINTR that must not make either loop spin.
 */
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "tap.h"

static char dir[] = "/tmp/noisetop-file-XXXXXX";

/* The lowest free descriptor: the same before and after when none
 * leaked. */
static int
next_fd(void)
{
	int fd = open("/dev/null", O_RDONLY);

	close(fd);
	return fd;
}

/* file_read of path fails, leaves *out NULL and *outlen 0, and the
 * message contains want. */
static void
refused(const char *path, size_t maxlen, const char *want, const char *name)
{
	uint8_t *buf = (uint8_t *)"x";
	size_t   len = 99;
	char     err[NT_ERR_LEN] = "";
	int      fd = next_fd(), rc;

	errno = EINTR;  /* left over: a short read must not spin on it */
	rc = file_read(path, maxlen, &buf, &len, err, sizeof err);

	ok(rc == -1 && buf == NULL && len == 0 && strstr(err, want) != NULL &&
	    strstr(err, path) != NULL && next_fd() == fd, "%s: refused, "
	    "nothing out, no descriptor left: '%s'", name, err);
}

int
main(void)
{
	char     path[NT_PATH_LEN], err[NT_ERR_LEN];
	uint8_t *buf;
	size_t   len;
	int      fd;

	if (mkdtemp(dir) == NULL)
		return skip_all("no temporary directory");
	umask(022);

	/* Regular files: the bytes, their count, a NUL after them. */
	{
		static const char *const texts[] = { "", "x", "hello\nworld\n" };

		for (int i = 0; i < 3; i++) {
			size_t n = strlen(texts[i]);

			snprintf(path, sizeof path, "%s/f%d", dir, i);
			fd = next_fd();
			ok(file_write_atomic(path, texts[i], n, err,
			    sizeof err) == 0 && next_fd() == fd, "write %zu "
			    "bytes, no descriptor left: %s", n, err);
			fd = next_fd();
			errno = EINTR;  /* left over from anything before */
			ok(file_read(path, 100, &buf, &len, err, sizeof err) ==
			    0 && len == n && memcmp(buf, texts[i], n) == 0 &&
			    buf[n] == '\0' && next_fd() == fd, "read %zu bytes "
			    "back, NUL-terminated, no descriptor left", n);
			free(buf);
		}
	}
	{
		struct stat st;

		ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0644,
		    "written 0644 under umask 022");
	}
	ok(file_read(path, 12, &buf, &len, err, sizeof err) == 0 && len == 12,
	    "a file of exactly the limit is read");
	free(buf);
	refused(path, 11, "too large (12 bytes, at most 11)", "one byte over "
	    "the limit");

	snprintf(path, sizeof path, "%s/missing", dir);
	refused(path, 100, strerror(ENOENT), "a missing file");
	refused(dir, 100, "is a directory", "a directory");
	refused("/dev/null", 100, "is a character device", "/dev/null");
	snprintf(path, sizeof path, "%s/fifo", dir);
	if (mkfifo(path, 0600) == 0)
		refused(path, 100, "is a FIFO", "a FIFO with no writer");
	else
		skip("no FIFO here");
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int                s = socket(AF_UNIX, SOCK_STREAM, 0);

		snprintf(sa.sun_path, sizeof sa.sun_path, "%s/sock", dir);
		if (s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof sa) == 0)
			refused(sa.sun_path, 100, "is a socket", "a socket");
		else
			skip("no socket here");
		if (s >= 0)
			close(s);
		unlink(sa.sun_path);
	}
	/* sysfs files say 4096 bytes and hold fewer: the read comes up
	 * short of the size. */
	if (access("/sys/kernel/profiling", R_OK) == 0)
		refused("/sys/kernel/profiling", 8192, "the file shrank",
		    "a file shorter than its size");
	else
		skip("no /sys/kernel/profiling");

	/* A rename that fails (a directory at the path) leaves every
	 * descriptor as it was, stdin too. */
	{
		int stdin_open = fcntl(0, F_GETFD) != -1;

		snprintf(path, sizeof path, "%s/adir", dir);
		mkdir(path, 0755);
		fd = next_fd();
		ok(file_write_atomic(path, "x", 1, err, sizeof err) == -1 &&
		    next_fd() == fd && (!stdin_open || fcntl(0, F_GETFD) != -1),
		    "a failed rename: refused, descriptors as they were");
		rmdir(path);
	}
	/* A write that fails half way (a file size limit): refused, no
	 * descriptor and no temporary file left. */
	{
		struct rlimit old, small;
		static char   big[4096];

		signal(SIGXFSZ, SIG_IGN);
		getrlimit(RLIMIT_FSIZE, &old);
		small = old;
		small.rlim_cur = 64;
		snprintf(path, sizeof path, "%s/big", dir);
		fd = next_fd();
		setrlimit(RLIMIT_FSIZE, &small);
		ok(file_write_atomic(path, big, sizeof big, err, sizeof err) ==
		    -1 && next_fd() == fd && access(path, F_OK) != 0,
		    "a write cut short: refused, descriptors as they were: '%s'",
		    err);
		setrlimit(RLIMIT_FSIZE, &old);
	}
	/* A path whose temporary name just does not fit is refused as too
	 * long. */
	{
		static char longp[4102];

		memset(longp, 'p', 4101);
		longp[0] = '/';
		ok(file_write_atomic(longp, "x", 1, err, sizeof err) == -1 &&
		    strstr(err, "path too long") != NULL, "a path of 4101 bytes: "
		    "too long");
	}

	/* A path of 4075 bytes (components of 200): its temporary name of
	 * 4086 fits PATH_MAX, so the write goes through. */
	{
		char   deep[NT_PATH_LEN], comp[201], cmd[NT_PATH_LEN + 32];
		size_t n;

		memset(comp, 'd', 200);
		comp[200] = '\0';
		snprintf(deep, sizeof deep, "%s", dir);
		while (strlen(deep) + 201 < 4060) {
			n = strlen(deep);
			snprintf(deep + n, sizeof deep - n, "/%s", comp);
			mkdir(deep, 0755);
		}
		n = strlen(deep);
		snprintf(deep + n, sizeof deep - n, "/%0*d", (int)(4075 - n - 1),
		    0);
		ok(strlen(deep) == 4075 && file_write_atomic(deep, "x", 1, err,
		    sizeof err) == 0 && access(deep, F_OK) == 0,
		    "a path of 4075 bytes is written: %s", err);
		snprintf(cmd, sizeof cmd, "rm -rf '%s/%s'", dir, comp);
		if (system(cmd) != 0)
			diag("could not remove the deep directories");
	}

	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/f%d", dir, i);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/fifo", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
