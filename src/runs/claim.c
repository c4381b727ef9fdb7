/* Claims on run directories: one writer per run or shard (claim.h). */
#include "runs/claim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/kv.h"

/* A takeover lock (claim.txt.break) older than this was left by a process
 * that died in the milliseconds of a takeover. */
#define BREAK_STALE 30

int
claim_timeout(void)
{
	const char *s = getenv("NOISETOP_CLAIM_TIMEOUT");
	char       *end;
	long        t;

	if (s == NULL || *s == '\0')
		return CLAIM_TIMEOUT;
	t = strtol(s, &end, 10);
	return *end == '\0' && t >= 1 && t <= 1000000 ? (int)t : CLAIM_TIMEOUT;
}

/* The start of process pid in clock ticks since boot (field 22 of
 * /proc/PID/stat), or 0 where that is unknown (not Linux, no such pid). */
static long long
proc_start(long pid)
{
	char   path[64], buf[1024], *p;
	FILE  *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name, in parentheses, may hold spaces and ')': the
	 * fields are counted from the last ')', which ends field 2. */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	p++;
	for (int field = 3; ; field++) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return 0;
		if (field == 22)
			return strtoll(p, NULL, 10);
		while (*p != ' ' && *p != '\0')
			p++;
	}
}

/* This host's name and boot (Linux's boot_id; "" elsewhere). */
static void
this_host(claim_id *id)
{
	FILE *f;

	if (gethostname(id->host, sizeof id->host - 1) != 0)
		id->host[0] = '\0';
	id->host[sizeof id->host - 1] = '\0';
	id->boot[0] = '\0';
	if ((f = fopen("/proc/sys/kernel/random/boot_id", "r")) != NULL) {
		if (fgets(id->boot, sizeof id->boot, f) == NULL)
			id->boot[0] = '\0';
		id->boot[strcspn(id->boot, "\n")] = '\0';
		fclose(f);
	}
}

static void
claim_path(const char *dir, int shard, char *out, size_t outlen)
{
	if (shard > 0)
		snprintf(out, outlen, "%s/claim-%d.txt", dir, shard);
	else
		snprintf(out, outlen, "%s/claim.txt", dir);
}

/* The run's name (the directory's last part) of a claim file's path. */
static const char *
run_name(const char *path, char *buf, size_t buflen)
{
	snprintf(buf, buflen, "%s", path);
	*strrchr(buf, '/') = '\0';
	return strrchr(buf, '/') != NULL ? strrchr(buf, '/') + 1 : buf;
}

static int
id_key(void *arg, const char *k, const char *v, char *err, size_t errlen)
{
	claim_id *id = arg;

	(void)err;
	(void)errlen;
	if (strcmp(k, "host") == 0)
		snprintf(id->host, sizeof id->host, "%s", v);
	else if (strcmp(k, "boot") == 0)
		snprintf(id->boot, sizeof id->boot, "%s", v);
	else if (strcmp(k, "pid") == 0)
		id->pid = strtol(v, NULL, 10);
	else if (strcmp(k, "start") == 0)
		id->start = strtoll(v, NULL, 10);
	else if (strcmp(k, "since") == 0)
		id->since = strtoll(v, NULL, 10);
	/* Other keys: a later version's; ignored. */
	return 0;
}

/* The holder a claim file names, and its mtime (the lease).  Returns 0; -1
 * with errno ENOENT when there is no such file; an unreadable one gives a
 * zeroed id. */
static int
read_id(const char *path, claim_id *id, time_t *mtime)
{
	struct stat st;
	char       *text, err[NT_ERR_LEN];

	memset(id, 0, sizeof *id);
	if (stat(path, &st) != 0)
		return -1;
	if (mtime != NULL)
		*mtime = st.st_mtime;
	if ((text = kv_read(path, 4096, err, sizeof err)) != NULL) {
		if (kv_parse(path, text, id_key, id, err, sizeof err) != 0)
			memset(id, 0, sizeof *id);
		free(text);
	}
	return 0;
}

static int
same_id(const claim_id *a, const claim_id *b)
{
	return a->pid == b->pid && a->start == b->start &&
	    a->since == b->since && strcmp(a->host, b->host) == 0;
}

/* Whether a claim is live, from who holds it and its lease's age. */
static void
judge(claim_info *info, time_t mtime)
{
	claim_id here;
	time_t   now = time(NULL);

	this_host(&here);
	info->age = now > mtime ? (long)(now - mtime) : 0;
	/* The same host and boot: its pid tells.  The boot guards a host
	 * rebooted since (and two machines of one name). */
	if (info->who.pid > 0 && strcmp(info->who.host, here.host) == 0 &&
	    (info->who.boot[0] == '\0' || here.boot[0] == '\0' ||
	    strcmp(info->who.boot, here.boot) == 0)) {
		long long start = 0;
		int       alive = kill((pid_t)info->who.pid, 0) == 0 ||
		    errno == EPERM;

		if (alive && info->who.start != 0)
			start = proc_start(info->who.pid);
		/* A pid now used by another process is not the holder. */
		if (alive && start != 0 && start != info->who.start)
			alive = 0;
		info->status = alive ? CLAIM_HERE : CLAIM_GONE;
	} else
		info->status = info->age <= claim_timeout() ? CLAIM_AWAY :
		    CLAIM_STALE;
}

void
claim_read(const char *dir, int shard, claim_info *info)
{
	char   path[NT_PATH_LEN + 32];
	time_t mtime = 0;

	memset(info, 0, sizeof *info);
	info->shard = shard;
	claim_path(dir, shard, path, sizeof path);
	if (read_id(path, &info->who, &mtime) != 0) {
		info->status = CLAIM_NONE;
		return;
	}
	judge(info, mtime);
}

static int
is_live(const claim_info *info)
{
	return info->status == CLAIM_HERE || info->status == CLAIM_AWAY;
}

/* The shards' claims of dir (claim-K.txt): the first live one in *info.
 * Returns 1 when there is one. */
static int
live_shard(const char *dir, claim_info *info)
{
	DIR           *d = opendir(dir);
	struct dirent *e;
	int            found = 0;

	if (d == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL) {
		int k, len = 0;

		if (sscanf(e->d_name, "claim-%d.txt%n", &k, &len) == 1 &&
		    k > 0 && e->d_name[len] == '\0') {
			claim_read(dir, k, info);
			found = is_live(info);
		}
	}
	closedir(d);
	return found;
}

int
claim_find_live(const char *dir, claim_info *info)
{
	claim_info tmp, *i = info != NULL ? info : &tmp;

	claim_read(dir, 0, i);
	return is_live(i) || live_shard(dir, i);
}

void
claim_describe(const claim_info *info, char *out, size_t outlen)
{
	if (info->status == CLAIM_HERE || info->status == CLAIM_GONE)
		snprintf(out, outlen, "pid %ld on this host", info->who.pid);
	else
		snprintf(out, outlen, "pid %ld on %s, seen %ld s ago",
		    info->who.pid, info->who.host[0] != '\0' ? info->who.host :
		    "an unknown host", info->age);
}

/* "run R is being trained by ...", for the holder in info of dir. */
static int
refuse(const char *path, const claim_info *info, char *err, size_t errlen)
{
	char who[400], name[NT_PATH_LEN + 32];
	const char *id = run_name(path, name, sizeof name);

	claim_describe(info, who, sizeof who);
	if (info->shard > 0)
		err_set(err, errlen, "shard %d of run %s is being trained by "
		    "%s", info->shard, id, who);
	else
		err_set(err, errlen, "run %s is being trained by %s", id, who);
	return 1;
}

/* Write id into a file of this process's own, tmp, to be linked. */
static int
write_id(const char *tmp, const claim_id *id, char *err, size_t errlen)
{
	char text[1024];
	int  fd, len, e;

	len = snprintf(text, sizeof text, "# noisetop: this process writes "
	    "the run (src/runs/claim.h)\nhost = %s\nboot = %s\npid = %ld\n"
	    "start = %lld\nsince = %lld\n", id->host, id->boot, id->pid,
	    id->start, id->since);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return err_set(err, errlen, "%s: cannot claim the run: %s", tmp,
		    strerror(errno));
	if (write(fd, text, (size_t)len) != len || close(fd) != 0) {
		e = errno;
		unlink(tmp);
		return err_set(err, errlen, "%s: cannot claim the run: %s", tmp,
		    strerror(e ? e : EIO));
	}
	return 0;
}

/*
 * link(2) tmp to path: atomic, and on NFS too.  Over NFS a link whose
 * reply was lost can fail although it was made, so success is the path
 * being tmp's inode.  Returns 0, or -1 with errno.
 */
static int
link_claim(const char *tmp, const char *path)
{
	struct stat a, b;
	int         e;

	if (link(tmp, path) == 0)
		return 0;
	e = errno;
	if (stat(tmp, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
	    a.st_dev == b.st_dev)
		return 0;
	errno = e;
	return -1;
}

/*
 * Take over path's stale claim (judged stale from dir's claim of shard)
 * under the lock path.break, judging it again under the lock.  Returns 0
 * when path is now tmp's, 1 to try again from the start, -1 with a
 * message (another process is taking it over right now).
 */
static int
take_over(const char *dir, int shard, const char *path, const char *tmp,
    char *err, size_t errlen)
{
	char        brk[NT_PATH_LEN + 48];
	claim_info  now;
	struct stat st;
	int         fd, rc;

	snprintf(brk, sizeof brk, "%s.break", path);
	if ((fd = open(brk, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0) {
		int e = errno;

		if (e == EEXIST && lstat(brk, &st) == 0 &&
		    time(NULL) - st.st_mtime > BREAK_STALE) {
			unlink(brk);
			return 1;
		}
		if (e == EEXIST)
			return err_set(err, errlen, "%s: another process is "
			    "taking this stale claim over right now", path);
		return err_set(err, errlen, "%s: cannot take the stale claim "
		    "over: %s", brk, strerror(e));
	}
	close(fd);
	/* Only a taker holding the lock removes a claim: judged again now,
	 * it is the same stale one, or live again, or gone. */
	claim_read(dir, shard, &now);
	if (is_live(&now)) {
		unlink(brk);
		return 1;
	}
	if (now.status != CLAIM_NONE)
		unlink(path);
	rc = link_claim(tmp, path);
	unlink(brk);
	return rc == 0 ? 0 : 1;
}

int
claim_take(claim *c, const char *dir, int shard, claim_info *holder,
    char *err, size_t errlen)
{
	char       path[NT_PATH_LEN + 32], tmp[NT_PATH_LEN + 340];
	claim_info cur, other;
	int        taken = 0, rc;

	memset(c, 0, sizeof *c);
	this_host(&c->me);
	c->me.pid = (long)getpid();
	c->me.start = proc_start(c->me.pid);
	c->me.since = (long long)time(NULL);
	claim_path(dir, shard, path, sizeof path);
	snprintf(tmp, sizeof tmp, "%s.%s.%ld.tmp", path, c->me.host,
	    c->me.pid);
	if (write_id(tmp, &c->me, err, errlen) != 0)
		return -1;
	for (int tries = 0; tries < 8 && !taken; tries++) {
		if (link_claim(tmp, path) == 0) {
			taken = 1;
			break;
		}
		if (errno != EEXIST) {
			int e = errno;

			unlink(tmp);
			return err_set(err, errlen, "%s: cannot claim the run: "
			    "%s", path, strerror(e));
		}
		claim_read(dir, shard, &cur);
		if (is_live(&cur)) {
			unlink(tmp);
			if (holder != NULL)
				*holder = cur;
			return refuse(path, &cur, err, errlen);
		}
		if (cur.status == CLAIM_NONE)  /* released meanwhile */
			continue;
		if ((rc = take_over(dir, shard, path, tmp, err, errlen)) < 0) {
			unlink(tmp);
			return -1;
		}
		if (rc == 0) {
			char who[300], name[NT_PATH_LEN + 32];
			char what[32] = "";

			claim_describe(&cur, who, sizeof who);
			if (shard > 0)
				snprintf(what, sizeof what, "shard %d of ",
				    shard);
			snprintf(c->note, sizeof c->note, "took over %srun "
			    "%.100s from %.280s (%s)", what, run_name(path,
			    name, sizeof name), who, cur.status == CLAIM_GONE ?
			    "that process is gone" : "its lease ran out");
			taken = 1;
		}
	}
	unlink(tmp);
	if (!taken)
		return err_set(err, errlen, "%s: cannot claim the run: it "
		    "changed hands too often", path);
	snprintf(c->path, sizeof c->path, "%s", path);
	c->renewed = clock_now();
	/* The other kind of claim: a shard excludes the whole run, and the
	 * whole run every shard.  Each taker checks after taking its own,
	 * so of two at once at least one sees the other. */
	if (shard > 0) {
		claim_read(dir, 0, &other);
		if (!is_live(&other))
			other.status = CLAIM_NONE;
	} else if (!live_shard(dir, &other))
		other.status = CLAIM_NONE;
	if (other.status != CLAIM_NONE) {
		claim_release(c);
		if (holder != NULL)
			*holder = other;
		return refuse(path, &other, err, errlen);
	}
	return 0;
}

int
claim_lost(const claim *c, char *err, size_t errlen)
{
	char        dir[NT_PATH_LEN + 32], name[NT_PATH_LEN + 32];
	claim_id    who;
	struct stat st;
	claim_info  info;
	time_t      mtime = 0;

	if (c == NULL || c->path[0] == '\0')
		return 0;
	snprintf(dir, sizeof dir, "%s", c->path);
	*strrchr(dir, '/') = '\0';
	if (stat(dir, &st) != 0) {
		err_set(err, errlen, "run directory %s was removed while this "
		    "process was writing it: nothing more of the run is saved",
		    dir);
		return 1;
	}
	if (read_id(c->path, &who, &mtime) != 0 || same_id(&who, &c->me))
		return 0;
	memset(&info, 0, sizeof info);
	info.who = who;
	judge(&info, mtime);
	claim_describe(&info, dir, sizeof dir);
	err_set(err, errlen, "run %s was taken over by %s (the claim of "
	    "this process had not been renewed for the timeout of %d s, or "
	    "was removed): it writes nothing more", run_name(c->path, name,
	    sizeof name), dir, claim_timeout());
	return 1;
}

int
claim_renew(claim *c, int force, char *err, size_t errlen)
{
	double now = clock_now();
	int    every = claim_timeout() / 3;

	if (c == NULL || c->path[0] == '\0')
		return 0;
	every = every < 1 ? 1 : every > CLAIM_RENEW ? CLAIM_RENEW : every;
	if (!force && now - c->renewed < every)
		return 0;
	if (claim_lost(c, err, errlen))
		return -1;
	if (utimensat(AT_FDCWD, c->path, NULL, 0) != 0) {
		char tmp[NT_PATH_LEN + 340];
		int  rc, e;

		if (errno != ENOENT)
			return err_set(err, errlen, "%s: cannot renew the "
			    "claim: %s", c->path, strerror(errno));
		/* Removed by hand from a directory still there: ours
		 * again, unless another process took it meanwhile. */
		snprintf(tmp, sizeof tmp, "%s.%s.%ld.tmp", c->path, c->me.host,
		    c->me.pid);
		if (write_id(tmp, &c->me, err, errlen) != 0)
			return -1;
		rc = link_claim(tmp, c->path);
		e = errno;
		unlink(tmp);
		if (rc != 0 && claim_lost(c, err, errlen))
			return -1;
		if (rc != 0)
			return err_set(err, errlen, "%s: cannot make the claim "
			    "again: %s", c->path, strerror(e));
	}
	c->renewed = now;
	return 0;
}

void
claim_release(claim *c)
{
	claim_id who;

	if (c == NULL || c->path[0] == '\0')
		return;
	if (read_id(c->path, &who, NULL) == 0 && same_id(&who, &c->me))
		unlink(c->path);
	c->path[0] = '\0';
}
