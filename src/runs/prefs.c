/* The remembered job form: $XDG_CONFIG_HOME/noisetop/form.conf. */
#include "runs/prefs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/file.h"
#include "base/kv.h"

/* The file's path; 0, or -1 when there is no home.  make_dir: make its
 * directory (and the parent: a fresh home has no ~/.config). */
static int
prefs_path(char *out, size_t len, int make_dir)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char        dir[NT_PATH_LEN];

	if (xdg != NULL && xdg[0] == '/')
		snprintf(dir, sizeof dir, "%s/noisetop", xdg);
	else if (home != NULL && home[0] != '\0')
		snprintf(dir, sizeof dir, "%s/.config/noisetop", home);
	else
		return -1;
	if (make_dir) {
		char *slash = strrchr(dir, '/');

		*slash = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			return -1;
		*slash = '/';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			return -1;
	}
	return snprintf(out, len, "%s/form.conf", dir) < (int)len ? 0 : -1;
}

int
prefs_read(char **text, char *err, size_t errlen)
{
	char path[NT_PATH_LEN + 32];

	*text = NULL;
	if (prefs_path(path, sizeof path, 0) != 0 || access(path, F_OK) != 0)
		return 0;
	*text = kv_read(path, PREFS_MAX, err, errlen);
	return *text != NULL ? 0 : -1;
}

int
prefs_write(const char *text, char *err, size_t errlen)
{
	char path[NT_PATH_LEN + 32];

	if (prefs_path(path, sizeof path, 1) != 0)
		return err_set(err, errlen, "no home directory to remember the "
		    "form in");
	return file_write_atomic(path, text, strlen(text), err, errlen);
}
