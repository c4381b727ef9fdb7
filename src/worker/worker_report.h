#ifndef NOISETOP_WORKER_REPORT_H
#define NOISETOP_WORKER_REPORT_H

#include <stddef.h>

/*
 * A run's report folder (render/report_doc.h) written from its
 * directory: what `noisetop report` and the dashboard's e (on the worker
 * thread) both call.  It sits above the runs layer, which reads the run
 * and writes the folder, and the render layer, which makes the files.
 */

/*
 * Write the report of run name under root (a name, or a directory: see
 * run_open; NULL or "": the newest interrupted run) into a folder: out,
 * made if missing (an existing one must be empty, or force given: files
 * of the same names are replaced), or when out is NULL a new folder
 * RUN/report (report-2, ... when that exists: never over an earlier
 * one).  The folder's path goes into where.  Returns 0, or -1 with a
 * one-line message naming the run or the path.
 */
int worker_report_write(const char *root, const char *name, const char *out,
    int force, char *where, size_t wlen, char *err, size_t errlen);

#endif
