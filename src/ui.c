/*
 * ui: the dashboard's state and loop.
 *
 * One thread draws: it sleeps in poll() on the terminal and the worker's
 * self-pipe, reads keys, copies the worker's snapshot when it changed, and
 * redraws at most ~20 times a second (keys redraw at once).  Everything on
 * screen is drawn from the UI's own copy of the snapshot; the model is
 * never touched here.  Signals only set flags that the loop acts on.  The
 * terminal (ui_term.c), the panes (ui_pane.c) and the keys (ui_keys.c)
 * live beside it, behind ui_priv.h.
 */
#include "ui_priv.h"

#include <locale.h>
#include <omp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "noise.h"
#include "run.h"

#define FRAME_SECONDS 0.05     /* at most ~20 redraws a second */

double
ui_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void
ui_say_for(ui *u, double seconds, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->status, sizeof u->status, fmt, ap);
	va_end(ap);
	u->status_until = ui_now() + seconds;
}

const char *
ui_fmt_scale(float s, char *buf, size_t len)
{
	snprintf(buf, len, "%g", (double)s);
	return buf;
}

const dataset_split *
ui_cur_split(const ui *u)
{
	return u->split ? &u->ds->test : &u->ds->train;
}

int
ui_is_miss(const ui *u, size_t i)
{
	return u->snap->test_pred != NULL && i < u->snap->test_n &&
	    u->snap->test_pred[i] != u->ds->test.label[i];
}

size_t
ui_count_misses(const ui *u, size_t upto, size_t *pos)
{
	size_t n = 0, p = 0;

	for (size_t i = 0; i < u->snap->test_n; i++)
		if (ui_is_miss(u, i)) {
			if (i < upto)
				p++;
			n++;
		}
	if (pos != NULL)
		*pos = p;
	return n;
}

/* The image pair on screen, when split, index or scale changed; then the
 * kept model's opinion of it. */
static void
update_images(ui *u)
{
	const dataset_split *sp = ui_cur_split(u);
	size_t i = u->index[u->split];

	if (!(u->img_valid && u->img_split == u->split &&
	    u->img_index == i && u->img_scale == u->scale)) {
		u->img_valid = 0;
		u->asked_predict = 0;
		if (i >= sp->n)
			return;
		noise_clean(sp->pix + i * DATASET_NPIX, 1, DATASET_NPIX,
		    u->clean);
		/* The trainer's own draws for this image: the same function
		 * of (seed, split, image, pixel) that sweep_run uses. */
		noise_apply(sp->pix, i, 1, DATASET_NPIX, u->scale,
		    u->o->cfg.seed, u->split, u->noisy);
		u->img_split = u->split;
		u->img_index = i;
		u->img_scale = u->scale;
		u->img_valid = 1;
	}
	if (u->img_valid && !u->asked_predict && u->snap->st.have_model) {
		worker_predict(u->w, u->img_split, u->img_index, u->img_scale,
		    u->o->cfg.seed);
		u->asked_predict = 1;
	}
}

/* A new snapshot: its message on the status line, and a new model asks
 * again for the image on screen. */
static void
took_snapshot(ui *u)
{
	const worker_snapshot *s = u->snap;

	if (strcmp(s->st.message, u->last_worker_msg) != 0) {
		memcpy(u->last_worker_msg, s->st.message,
		    sizeof u->last_worker_msg);
		ui_say(u, "%s", s->st.message);
	}
	if (s->pred_gen != u->seen_pred_gen) {
		u->seen_pred_gen = s->pred_gen;
		u->asked_predict = 0;
		u->misc_only = 0;
	}
}

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
			took_snapshot(u);
			dirty = 1;
		}
		t = ui_now();
		if (u->status[0] != '\0' && t >= u->status_until) {
			u->status[0] = '\0';
			dirty = 1;
		}
		if (now_draw || (dirty && t - last_draw >= FRAME_SECONDS)) {
			update_images(u);
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

static void
ui_free(ui *u)
{
	if (u == NULL)
		return;
	worker_snapshot_free(u->snap);
	free(u->snap);
	sweep_table_free(u->plan);
	free(u->plan);
	free(u);
}

/* The state before the terminal is taken; NULL with a message. */
static ui *
ui_new(const ui_options *o, char *err, size_t errlen)
{
	ui *u = calloc(1, sizeof *u);

	if (u != NULL) {
		u->snap = calloc(1, sizeof *u->snap);
		u->plan = calloc(1, sizeof *u->plan);
	}
	if (u == NULL || u->snap == NULL || u->plan == NULL) {
		ui_free(u);
		err_set(err, errlen, "out of memory for the dashboard");
		return NULL;
	}
	u->o = o;
	u->ds = o->ds;
	u->err_saved = -1;
	if (sweep_table_init(u->plan, &o->cfg, o->nscales > 0 ? o->scales :
	    sweep_default_scales, o->nscales > 0 ? o->nscales : 6, err,
	    errlen) != 0) {
		ui_free(u);
		return NULL;
	}
	u->scale = o->cfg.noise > 0.0f ? o->cfg.noise : 0.5f;
	u->split = o->ds->train.n == 0 && o->ds->test.n > 0;
	return u;
}

int
ui_run(const ui_options *o, char *err, size_t errlen)
{
	const char *term = getenv("TERM");
	char        root[4096], rerr[512];
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
	if (run_root(o->runs_dir, root, sizeof root, rerr, sizeof rerr) != 0) {
		ui_say(u, "runs are not saved: %s", rerr);
		root[0] = '\0';
	}

	/* The worker starts after curses so no thread outlives the screen:
	 * it is freed (cancelled and joined) before endwin. */
	u->w = worker_new(u->ds, root[0] ? root : NULL, err, errlen);
	if (u->w == NULL)
		rc = 1;
	else {
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
