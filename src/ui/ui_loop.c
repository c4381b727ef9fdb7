/*
 * ui_loop: the dashboard's loop and its entry point.
 *
 * One thread draws: it sleeps in poll() on the terminal and the worker's
 * self-pipe, reads keys, copies the worker's snapshot when it changed, and
 * redraws at most ~20 times a second (keys redraw at once).  Everything on
 * screen is drawn from the UI's own copy of the snapshot; the model is
 * never touched here.  Signals only set flags that the loop acts on; the
 * keys' actions return reaction flags, and the loop alone decides what to
 * redraw.
 */
#include "ui/ui_priv.h"

#include <locale.h>
#include <omp.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/err.h"

#define FRAME_SECONDS 0.05     /* at most ~20 redraws a second */

/* Until q, a quit signal or the terminal goes away. */
static void
loop(ui *u)
{
	double last_draw = 0.0;
	int    dirty = 1, now_draw = 1, quit = 0;

	while (!quit) {
		struct pollfd pfd[2] = {
			{ STDIN_FILENO, POLLIN, 0 },
			{ worker_fd(u->w), POLLIN, 0 },
		};
		double t, wait;
		int    key, timeout;

		if (ui_quit_signal())
			break;
		if (ui_took_cont()) {
			ui_term_repaint();
			now_draw = 1;
		}
		while (!quit && (key = ui_term_key()) != UI_KEY_NONE) {
			int react = ui_key(u, key);

			if (react & UI_REPAINT)
				ui_term_repaint();
			if (react & (UI_REDRAW | UI_REPAINT))
				now_draw = 1;
			quit = react & UI_QUIT;
		}
		if (quit)
			break;
		if (worker_snapshot_copy(u->w, u->snap)) {
			ui_took_snapshot(u);
			dirty = 1;
		}
		t = clock_now();
		if (u->status[0] != '\0' && t >= u->status_until) {
			u->status[0] = '\0';
			dirty = 1;
		}
		if (now_draw || (dirty && t - last_draw >= FRAME_SECONDS)) {
			ui_update_images(u);
			ui_draw(u);
			last_draw = t;
			dirty = now_draw = 0;
		}
		/* Sleep until a key, a snapshot, the next allowed frame or
		 * the status message's expiry. */
		wait = dirty ? last_draw + FRAME_SECONDS - t : 1.0;
		if (u->status[0] != '\0' && u->status_until - t < wait)
			wait = u->status_until - t;
		timeout = wait <= 0.0 ? 0 : (int)(wait * 1000.0) + 1;
		if (poll(pfd, 2, timeout) > 0 && (pfd[1].revents & POLLIN))
			worker_drain(u->w);
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;  /* the terminal went away */
	}
}

int
ui_run(const ui_options *o, char *err, size_t errlen)
{
	const char *term = getenv("TERM");
	ui         *u;
	int         rc = 0;

	if (o == NULL || o->ds == NULL) {
		err_set(err, errlen, "no dataset");
		return 1;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		err_set(err, errlen, "the dashboard needs a terminal on stdin "
		    "and stdout; without one use 'noisetop train', "
		    "'noisetop sweep' or 'noisetop show'");
		return 1;
	}
	if (term == NULL || term[0] == '\0') {
		err_set(err, errlen, "TERM is not set: try TERM=xterm-256color "
		    "(or xterm, vt100), or use 'noisetop train|sweep|show'");
		return 1;
	}
	if ((u = ui_new(o, err, errlen)) == NULL)
		return 1;
	setlocale(LC_ALL, "");
	/* The preview's noise_apply runs here on one image: keep it to this
	 * thread rather than waking a second OpenMP team next to the
	 * trainer's (the setting is this thread's own). */
	omp_set_num_threads(1);

	ui_signals_install(u);
	if (ui_term_open(u, term, err, errlen) != 0) {
		ui_signals_restore(u);
		ui_free(u);
		return 1;
	}

	/* The runs root: without one, jobs still run, unrecorded. */
	if (o->runs_root == NULL)
		ui_say(u, "runs are not saved: %s", o->runs_err != NULL ?
		    o->runs_err : "no runs root");
	snprintf(u->root, sizeof u->root, "%s", o->runs_root != NULL ?
	    o->runs_root : "");

	/* The worker starts after curses so no thread outlives the screen:
	 * it is freed (cancelled and joined) before endwin. */
	u->w = worker_new(u->ds, u->root[0] ? u->root : NULL, err, errlen);
	if (u->w == NULL)
		rc = 1;
	else {
		worker_set_jobs(u->w, o->jobs);
		/* Read on the worker thread: checkpoints are megabytes. */
		worker_load_latest(u->w);
		loop(u);
		worker_free(u->w);
		/* Killed, not quit: the shell's convention, 128 + signal. */
		if (ui_quit_signal())
			rc = 128 + ui_quit_signal();
	}
	ui_term_close(u);
	ui_signals_restore(u);
	ui_free(u);
	return rc;
}
