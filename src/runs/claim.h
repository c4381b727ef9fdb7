#ifndef NOISETOP_CLAIM_H
#define NOISETOP_CLAIM_H

#include <stddef.h>

#include "base/err.h"

/*
 * One writer per run, and per shard, on any host that shares the runs
 * directory (NFS included).  A writer claims a run directory by making
 * claim.txt in it (claim-K.txt for shard K) with link(2) from a file of its
 * own, which is atomic over NFS as on a local disk.  The file holds
 *
 *   host = node17          gethostname()
 *   boot = 5f3c0d1e-...    this boot of that host (Linux's boot_id)
 *   pid = 4242
 *   start = 123456         when that process started, in clock ticks since
 *                          boot (/proc/PID/stat): a reused pid is not it
 *   since = 1765126800     when it claimed (seconds since the epoch)
 *
 * and its modification time is the lease.  A claim is live while its
 * holder is: on the holder's own host (same host name and boot) while that
 * pid runs with that start time; seen from any other host, while the lease
 * is fresh.  The holder renews the lease at every epoch end and at least
 * every CLAIM_RENEW seconds while it trains (run_record); a lease not
 * renewed for the timeout is stale (CLAIM_TIMEOUT seconds, or
 * $NOISETOP_CLAIM_TIMEOUT).  A stale claim is taken over, under a short
 * lock file (claim.txt.break) so that two takers cannot both win; a live
 * one refuses.  A whole-run claim and a shard claim of one run exclude
 * each other.  Readers (listings, the dashboard, plot) never claim.  The
 * hosts' clocks must agree to within a few seconds (NTP), as the lease is
 * the file's time on the server against the reader's clock.
 */

/*
 * The timeout leaves room for an NFS client's attribute cache, which may
 * show a reader a file's time up to 60 s old (acregmax): a lease renewed
 * every 10 s then looks at most about 70 s old while its holder trains.
 */
#define CLAIM_TIMEOUT 90  /* seconds without renewal before another host
                             may take a claim over */
#define CLAIM_RENEW   10  /* the holder renews at least this often */

/* Who holds (or held) a claim, as its file says. */
typedef struct {
	char      host[256];
	char      boot[40];
	long      pid;
	long long start;  /* process start, clock ticks since boot; 0 unknown */
	long long since;  /* when it claimed, seconds since the epoch */
} claim_id;

typedef enum {
	CLAIM_NONE,   /* no claim file: nobody holds it */
	CLAIM_HERE,   /* a live process on this host holds it */
	CLAIM_AWAY,   /* another host holds it, its lease fresh */
	CLAIM_GONE,   /* its holder, on this host, is gone */
	CLAIM_STALE,  /* another host held it; its lease ran out */
} claim_status;

/* A claim file as a reader sees it. */
typedef struct {
	claim_status status;
	claim_id     who;
	long         age;    /* seconds since the lease was renewed */
	int          shard;  /* 0: the whole run's claim; K: shard K's */
} claim_info;

/* A claim this process holds (or tried to take). */
typedef struct {
	char     path[NT_PATH_LEN + 32];  /* the claim file; "": none held */
	claim_id me;
	double   renewed;     /* clock_now() at the last renewal */
	char     note[512];   /* "took over ... from ..." when a stale claim
	                         was taken over; else "" */
} claim;

/* The stale timeout in seconds: $NOISETOP_CLAIM_TIMEOUT (a whole number
 * from 1) when set, else CLAIM_TIMEOUT. */
int claim_timeout(void);

/*
 * Claim run directory dir for this process: the whole run (shard 0,
 * claim.txt) or shard K (claim-K.txt).  A live claim of the same file, or
 * of the other kind (any shard's for the whole run, the whole run's for a
 * shard), refuses; a stale one is taken over, and c->note says so.  c is
 * overwritten; nothing is allocated.  Returns 0 (c holds the claim), 1 when
 * another process holds it (*holder, if not NULL, says who; err says it in
 * words), or -1 with a message (the directory is not writable).
 */
int claim_take(claim *c, const char *dir, int shard, claim_info *holder,
    char *err, size_t errlen);

/*
 * Renew c's lease: always when force, else when CLAIM_RENEW seconds (or a
 * third of the timeout, if less) have passed since the last renewal (one
 * clock read otherwise).  A claim file that vanished from a directory that
 * is still there is made again.  Does nothing when c holds nothing.
 * Returns 0, or -1 with a message naming the real cause: the run directory
 * was removed, or another process took the claim over.
 */
int claim_renew(claim *c, int force, char *err, size_t errlen);

/*
 * 1 when c is no longer this process's to write under: its directory was
 * removed, or its claim file names another process; err (may be NULL)
 * says which.  0 when c still holds it, or holds nothing.
 */
int claim_lost(const claim *c, char *err, size_t errlen);

/* Remove c's claim file if it is still this process's, and forget it.
 * Accepts NULL and a claim holding nothing. */
void claim_release(claim *c);

/*
 * Read the claim of dir's whole run (shard 0) or shard K into *info;
 * status CLAIM_NONE when there is none.  Never fails: an unreadable claim
 * file reads as held by an unknown process, judged by its lease.
 */
void claim_read(const char *dir, int shard, claim_info *info);

/* 1 when some claim in dir (the whole run's or any shard's) is live,
 * with the first such one in *info (may be NULL); else 0. */
int claim_find_live(const char *dir, claim_info *info);

/* A holder in words, into out: "pid 4242 on this host", "pid 4242 on
 * node17, seen 12 s ago". */
void claim_describe(const claim_info *info, char *out, size_t outlen);

#endif
