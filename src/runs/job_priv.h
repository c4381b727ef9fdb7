#ifndef NOISETOP_JOB_PRIV_H
#define NOISETOP_JOB_PRIV_H

#include "runs/job.h"

/*
 * Train the pending rows of j's shard on ds, j->njobs at a time (one: in
 * the calling thread, as sweep_run does), each row from where it stopped
 * (job_row_from); cb sees every event, under one lock when several rows
 * train.  *model gets the model of the last row in grid order trained
 * here (caller frees).  Returns 0, or -1 with a message when training
 * failed (the other rows then stop at their next batch).
 */
int job_train_rows(job *j, const dataset *ds, train_control *ctl,
    sweep_callback cb, void *user, mlp **model, char *err, size_t errlen);

#endif
