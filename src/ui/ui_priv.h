/*
 * The dashboard's private half, shared by its files, each using only
 * those listed above it.  No file here touches a file or a run
 * directory: the worker does that work (tests/layers.t checks).
 *
 *   ui.c       the one UI context: browsing state, status message, the
 *              images on screen, the copy of the worker's snapshot.
 *   ui_term.c  the terminal layer: newterm, colour and glyph tiers,
 *              signals, stderr capture, keys, drawing primitives.  The
 *              only file that includes curses.
 *   ui_keys.c  the key table: dispatch, status-line hints and the help
 *              overlay all come from it.
 *   ui_pane.c  the layout (every pane's rectangle from the terminal
 *              size) and the panes, which draw inside a rectangle.
 *   ui_view.c  the result panes: the selected row's curves, epoch table
 *              and confusion matrix, accuracy against noise, the ladder.
 *   ui_chart.c the sweep pane's bars, and the wide screen's aside (heat
 *              map and row table).
 *   ui_heat.c  the train x test heat map and its legend.
 *   ui_curves.c every row's val curve at once, banded over seeds.
 *   ui_ladder.c the noise ladder.
 *   ui_form.c  the job form of s, t and c, remembered between sessions.
 *   ui_runs.c  the run browser of o, and e's export (through the
 *              worker).
 *   ui_loop.c  the loop and ui_run().
 */
#ifndef NOISETOP_UI_PRIV_H
#define NOISETOP_UI_PRIV_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "render/chart.h"
#include "data/dataset.h"
#include "render/ramp.h"
#include "render/render.h"
#include "runs/runlist.h"
#include "engine/sweep.h"
#include "ui/ui.h"
#include "worker/worker.h"

#define UI_MIN_COLS 80
#define UI_MIN_LINES 24
#define UI_DIGIT_ROWS (DATASET_SIDE / 2)

enum {
	UI_MODE_NORMAL, UI_MODE_GOTO, UI_MODE_CONFIRM_QUIT,
	UI_MODE_FORM,            /* the job form (ui_form.c) */
	UI_MODE_RUNS,            /* the run browser (ui_runs.c) */
	UI_MODE_CONFIRM_DELETE,  /* d in the browser: y deletes */
};

/* What the training pane shows; v cycles. */
enum {
	UI_VIEW_CURVES, UI_VIEW_TABLE, UI_VIEW_CONFUSION,
	UI_VIEW_GRID,  /* the train x test matrix of a sweep (chart_heatmap) */
	UI_VIEW_CALIB, /* the kept model's reliability diagram */
	UI_VIEW_WEIGHTS, /* first-layer receptive fields, beside the clean
	                    row's */
	UI_VIEW_ROWS,  /* every row's val curve at once (ui_curves.c) */
	UI_NVIEWS
};

/* The job form: one text field per setting. */
enum {
	UI_F_SCALES, UI_F_EPOCHS, UI_F_TRAIN, UI_F_TEST, UI_F_SEED,
	UI_F_BATCH, UI_F_LR, UI_F_SEEDS, UI_F_MODE, UI_F_CORRUPT, UI_NFIELDS
};
#define UI_FIELD_LEN 96

typedef struct {
	int  kind;                          /* job_kind */
	int  cur;                           /* field being edited */
	char val[UI_NFIELDS][UI_FIELD_LEN];
	char err[256];                      /* why Enter was refused */
} ui_form;

/* Where the last frame put things, for the mouse. */
typedef struct {
	int y, x, w, h;
} ui_hit;

/* The look, chosen by the terminal layer. */
typedef struct {
	render_charset cs;
	int            color;       /* colour pairs in use */
	int            grey;        /* half blocks on the grey ramp */
	int            levels;      /* grey levels when grey */
	ramp_tier      heat;        /* the heat map's colours (RAMP_MONO:
	                               shade glyphs) */
} ui_look;

/* The terminal layer's own (ui_term.c). */
typedef struct {
	void  *screen;              /* the curses SCREEN */
	FILE  *err_tmp;             /* stderr while curses owns the terminal */
	int    err_saved;           /* the real stderr, or -1 */
	struct sigaction old_quit[3], old_cont;  /* restored at the end */
} ui_termstate;

/* Browsing the samples. */
typedef struct {
	int    split;               /* 0 train, 1 test */
	size_t index[2];            /* current image of each split */
	float  scale;               /* preview noise */
	int    misc_only;           /* browse misclassified test images */
} ui_samples;

/*
 * The selected result: a row of the shown table, and how the training
 * pane shows it.  The row follows the preview scale until j, k or a
 * click picks one.
 */
typedef struct {
	int      sel;               /* -1: none */
	int      follow;
	int      asked_row;         /* last worker_select: row and run */
	char     asked_run[256];
	int      view;              /* UI_VIEW_* */
	int      cell;              /* confusion cell t * 10 + p, -1 none */
	int      pair;              /* m browses this (true, pred) cell only,
	                               -1 all misses */
	uint64_t seen_pred_gen;
	int      sort;              /* the row table's order: UI_SORT_* */
	float    calib_asked;       /* the calibration view's last request: */
	uint64_t calib_asked_gen;   /* test scale, and the model's pred_gen */
} ui_result;

/* The row table's orders, F6 cycles: the grid's own, then by a column
 * (accuracies and the loss best first). */
enum {
	UI_SORT_ROW, UI_SORT_SCALE, UI_SORT_SEED, UI_SORT_TRAIN, UI_SORT_VAL,
	UI_SORT_LOSS, UI_SORT_SECONDS, UI_NSORTS
};

/* The run browser of o: the list itself is the snapshot's. */
typedef struct {
	int  cur, top;              /* selected entry, first shown */
	char mark[2][256];          /* runs marked A and B to overlay, ""
	                               none: kept by name, so a list read
	                               again or a deletion keeps them */
} ui_browser;

/* Mouse targets of the last frame. */
typedef struct {
	ui_hit      samples, sweep, matrix, ladder, runs;
	int         sweep_row_y[SWEEP_MAX_SCALES];  /* screen line of each
	                                               row, -1 */
	chart_cells matrix_cells;
	int         ladder_x[SWEEP_MAX_SCALES], ladder_row[SWEEP_MAX_SCALES];
	int         ladder_n, ladder_w;
} ui_hits;

/* The images on screen, recomputed when split/index/scale change. */
typedef struct {
	float  clean[DATASET_NPIX], noisy[DATASET_NPIX];
	int    split;
	size_t index;
	float  scale;
	int    family;              /* corrupt_family of the noisy image;
	                               CORRUPT_NFAMILY: the selected one's
	                               range ends below the scale (Gaussian
	                               shown) */
	int    family_key;          /* the family it was made for */
	int    valid;
	int    asked_predict;       /* worker_predict sent for this image */
} ui_images;

/* The one UI context. */
typedef struct {
	const ui_options *o;
	const dataset    *ds;
	worker           *w;
	worker_snapshot  *snap;     /* the UI's copy */
	sweep_table      *plan;     /* the s key's scales, pending: shown
	                               until a sweep starts */
	char              root[NT_PATH_LEN];  /* the runs root, "" none */
	char             *prefs;    /* form.conf's text, NULL none: main's
	                               copy at start, the form's since */

	ui_look      look;
	ui_termstate term;
	ui_samples   samples;
	ui_result    res;
	ui_form      form;
	ui_browser   browser;
	ui_hits      hits;
	ui_images    img;

	int    help;                /* the help overlay is open */
	int    mode;                /* UI_MODE_* */
	char   prompt[24];
	char   status[512];
	double status_until;
	char   last_worker_msg[512];
} ui;

/* ---------------------------------------------------- state (ui.c) */

/* A status-line message for seconds (printf-style); ui_say for the usual
 * time a message stays. */
#define UI_MESSAGE_SECONDS 8.0
void ui_say_for(ui *u, double seconds, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define ui_say(u, ...) ui_say_for((u), UI_MESSAGE_SECONDS, __VA_ARGS__)

/* The split being browsed. */
const dataset_split *ui_cur_split(const ui *u);

/* Is test image i misclassified by the kept model (at its own scale),
 * and in the chosen (true, predicted) cell when there is one?  How many
 * are, and how many of them come before upto (in *pos)? */
int    ui_is_miss(const ui *u, size_t i);
size_t ui_count_misses(const ui *u, size_t upto, size_t *pos);

/* Class c as the set names it, for a label: "3" for digits, "9 Ankle
 * boot", "3 tsu" (with its hiragana on a UTF-8 terminal); into buf,
 * which it returns. */
const char *ui_class(const ui *u, int c, char *buf, size_t len);

/* "%g" of a scale into buf; returns buf. */
const char *ui_fmt_scale(float s, char *buf, size_t len);

/* The context for options o (not owned) before the terminal is taken:
 * NULL with a message.  ui_free accepts NULL. */
ui  *ui_new(const ui_options *o, char *err, size_t errlen);
void ui_free(ui *u);

/* The image pair on screen, recomputed when split, index or scale
 * changed; then the kept model is asked for its opinion of it. */
void ui_update_images(ui *u);

/* After a new snapshot was copied: its message goes to the status line,
 * and a new model is asked again about the image on screen. */
void ui_took_snapshot(ui *u);

/* The selection after a change of table, preview scale or cursor: the row
 * nearest the preview scale with a model while it follows, kept in
 * range; asks the worker for the selected row's model when the kept one
 * is another. */
void ui_sync_selection(ui *u);

/* Does row i of the shown table have a model to select (a finished epoch,
 * not the row training now)? */
int  ui_row_has_model(const ui *u, int i);

/* The corruption the ladder draws: the selected row's. */
corrupt_family ui_ladder_family(const ui *u);

/* The row whose curves the training pane shows: the selected one, or the
 * one training while the selection follows the preview scale. */
int  ui_curves_row(const ui *u);

/* "run 20261130-120000-sweep, train 2000 test 500" of what is shown:
 * the limits of the shown job.  Returns buf. */
const char *ui_limits(const ui *u, char *buf, size_t len);

/* ---------------------------------------- terminal (ui_term.c) */

/* Keys as the terminal layer reports them: bytes as themselves, the
 * rest above 0xFF; function key n is UI_KEY_F(n). */
enum {
	UI_KEY_NONE = -1,
	UI_KEY_LEFT = 0x100, UI_KEY_RIGHT, UI_KEY_UP, UI_KEY_DOWN,
	UI_KEY_PGUP, UI_KEY_PGDN, UI_KEY_HOME, UI_KEY_END, UI_KEY_ENTER,
	UI_KEY_BACKSPACE, UI_KEY_RESIZE,
	UI_KEY_CLICK,      /* a mouse click: ui_term_mouse() says where */
	UI_KEY_WHEEL_UP, UI_KEY_WHEEL_DOWN,
	UI_KEY_OTHER,  /* a key the dashboard has no name for */
};
#define UI_KEY_F(n) (0x200 + (n))  /* F1 to F24 */

/*
 * A style: a colour role, used when colours are on, else the monochrome
 * attributes; the extra attributes always apply.
 */
enum { UI_A_DIM = 1, UI_A_BOLD = 2, UI_A_REVERSE = 4 };
enum {
	UI_C_NONE, UI_C_TITLE, UI_C_HEAD, UI_C_TRAIN, UI_C_VAL, UI_C_RUN,
	UI_C_BAD, UI_C_GOOD,
	UI_C_BLUE, UI_C_MAGENTA, UI_C_ORANGE, UI_C_PINK,  /* plot styles 4-7 */
	UI_C_MARK,  /* the selected row in a plot of many */
};
#define UI_STYLE(role, mono, extra) ((role) << 8 | (mono) << 4 | (extra))
#define UI_PLAIN(extra) UI_STYLE(UI_C_NONE, 0, (extra))
/* Level l of the heat map's ramp (u->look.heat; plain without colours),
 * the text in the colour that reads on it, with extra. */
#define UI_HEAT(l, extra) (((l) + 1) << 16 | (extra))

/* Quit and continue signals: install before ui_term_open, restore after
 * ui_term_close.  quit_signal is the SIGINT/SIGTERM/SIGHUP that arrived
 * (0 none); took_cont is 1 once after a SIGCONT. */
void ui_signals_install(ui *u);
void ui_signals_restore(const ui *u);
int  ui_quit_signal(void);
int  ui_took_cont(void);

/*
 * Take the terminal: stderr captured, newterm, input modes, the look
 * (u->cs, color, grey, levels).  Returns 0, or -1 with a message naming
 * term (stderr is then replayed).
 */
int  ui_term_open(ui *u, const char *term, char *err, size_t errlen);
/* Give the terminal back and replay what went to stderr meanwhile. */
void ui_term_close(ui *u);

/* The next key, or UI_KEY_NONE when none is waiting. */
int  ui_term_key(void);
/* Where the last UI_KEY_CLICK or wheel event was. */
void ui_term_mouse(int *y, int *x);
void ui_term_size(int *cols, int *lines);
void ui_term_begin(void);    /* start a frame on a blank screen */
void ui_term_end(void);      /* show the frame */
void ui_term_repaint(void);  /* the next frame repaints every cell */

/* Draw s at (y, x) in style, cut to maxw cells and to the screen;
 * returns the cells drawn. */
int  ui_put(const ui *u, int y, int x, int maxw, int style, const char *s);
int  ui_putf(const ui *u, int y, int x, int maxw, int style,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* w blank cells in style. */
void ui_fill(const ui *u, int y, int x, int w, int style);
/* A pane title: "─ Title ─────" across w cells. */
void ui_rule(const ui *u, int y, int x, int w, const char *title);
/* A 28x28 image in 14 rows at (y, x): grey half blocks or glyphs. */
void ui_digit(const ui *u, const float *img, int y, int x);
/* A side x side image in side / 2 rows at (y, x) (chart_zoom's). */
void ui_image(const ui *u, const float *img, int side, int y, int x);
/* A packed chart grid at (y, x), each cell styled by its tag; _heat
 * colours the CHART_TAG_SHADE cells from the heat map's ramp. */
void ui_grid(const ui *u, int y, int x, const chart_grid *g);
void ui_grid_heat(const ui *u, int y, int x, const chart_grid *g);
/* Cells of a UTF-8 string (every glyph we draw is one cell). */
int  ui_cells(const char *s);

/* ---------------------------------------------- panes (ui_pane.c) */

typedef struct {
	int y, x, w, h;
} ui_rect;

typedef struct {
	int     cols, lines;
	int     too_small;   /* below UI_MIN_COLS x UI_MIN_LINES */
	int     zoom;        /* the sample digits' size: 1, or 2 when tall */
	ui_rect title, samples, ladder, training, divider, sweep, status;
	ui_rect curves;      /* wide screens: every row's curves (h 0: none) */
	ui_rect epochs;      /* wide screens: the selected row's epochs, under
	                        the sweep pane (h 0: none) */
	ui_rect aside;       /* wide screens: the train x test heat map and
	                        the row table, right of the samples and
	                        the ladder (h 0: none) */
	                     /* ladder.h 0: no ladder */
} ui_layout;

/* Every pane's rectangle for a cols x lines terminal; tall: the training
 * pane alone, over the whole height (a view that needs it); want_sweep:
 * the lines the accuracy-against-noise pane would use (its title, bars
 * and footer), 0 when nothing is loaded. */
void ui_layout_compute(ui_layout *l, int cols, int lines, int tall,
    int want_sweep);

/* Is (y, x) inside the hit area h? */
int  ui_hit_test(const ui_hit *h, int y, int x);

/* A click at (y, x) selects what is under it: a row of the chart, a cell
 * of the matrix, a scale of the ladder; on the digits, the next sample.
 * Returns UI_* flags. */
int  ui_click(ui *u, int y, int x);

/* A reversed box with a frame and a title (overlays: help, form, runs). */
void ui_frame(const ui *u, int y, int x, int w, int h, const char *title);

/* Draw the whole screen from u's state. */
void ui_draw(ui *u);

/* ------------------------------------------ result panes (ui_view.c) */

void ui_draw_training(ui *u, ui_rect r);
void ui_draw_sweep(ui *u, ui_rect r);
void ui_draw_ladder(ui *u, ui_rect r);
/* Drawing helpers the result panes share (ui_view.c): a w x h chart grid
 * over the one static buffer (the UI thread alone draws); the first of
 * several titles (longest first, NULL-terminated) that fits w cells; the
 * corruption of the shown table the panes draw; the train x test matrix
 * of the shown table into a rectangle (ui_heat.c's: the heat map, its
 * legend, the attacks' columns), and whether a training pane of
 * rectangle r holds it. */
chart_grid  ui_grid_of(int w, int h);
void        ui_view_table(ui *u, const sweep_row *row, int y, int x, int w,
    int h);
const char *ui_fit(int w, const char *const *t);
int         ui_shown_corruption(const ui *u, const sweep_table *t);
/* The group (data set, first decay: sweep_plan_ngroups) of the selected
 * row, 0 when none is: whose matrix is shown. */
int         ui_shown_group(const ui *u, const sweep_table *t);
void        ui_view_grid(ui *u, int y, int x, int w, int h);
int         ui_heat_fits(ui *u, ui_rect r);

/* ------------------------------------ sweep pane and aside (ui_chart.c) */

/* The wide screen's aside: the heat map above, the row table below. */
void ui_draw_aside(ui *u, ui_rect r);
/* The lines the sweep pane uses when it has them all: its title, every
 * bar, the line under them (0: nothing to show). */
int ui_sweep_lines(const ui *u);
/* The row table's sort order's name ("val acc"). */
const char *ui_sort_name(int sort);

/* Does the current view fit a training pane of rectangle r?  (Else the
 * pane takes the whole screen.) */
int  ui_view_fits(ui *u, ui_rect r);

/* The kept model's confusion counts on the test set (10 x 10,
 * counts[t * 10 + p]); returns 0 when there are no predictions. */
int  ui_confusion(const ui *u, long *counts);

/* ------------------------------------------ every row (ui_curves.c) */

/* Every row's val accuracy by epoch (of the selected row's corruption
 * and decay) in w x h at (y, x), coloured by scale over the mean ± sd
 * band of its seeds, the selected row drawn last; with a caption line
 * first when caption is set.  Returns 0, or -1 (nothing to draw: says
 * why). */
int  ui_view_rows(ui *u, int y, int x, int w, int h, int caption);
/* The same as a pane of its own: a rule with the caption, the plot. */
void ui_draw_curves(ui *u, ui_rect r);
/* The selected row's epoch table as a pane of its own. */
void ui_draw_epochs(ui *u, ui_rect r);

/* ------------------------------------------------ form (ui_form.c) */

/* Open the form for a job kind, filled with the remembered values (or
 * the command line's); ui_form_key edits it, ui_draw_form shows it. */
void ui_form_open(ui *u, int kind);
int  ui_form_key(ui *u, int key);
void ui_draw_form(ui *u, const ui_layout *l);

/* -------------------------------------------- run browser (ui_runs.c) */

void ui_runs_open(ui *u);
void ui_runs_close(ui *u);
int  ui_runs_key(ui *u, int key);
void ui_draw_runs(ui *u, const ui_layout *l);
/* e: the shown results into the run's own directory (else the export
 * directory, "." by default) as new timestamped CSV and JSON files that
 * record the limits, never over an earlier export; the worker writes
 * them and says where.  Returns UI_REDRAW. */
int  ui_export(ui *u);

/* ------------------------------------------------ keys (ui_keys.c) */

/* What an action asks of the loop (htop's reaction flags). */
enum {
	UI_OK = 0,
	UI_REDRAW = 1,   /* the screen shows something new */
	UI_REPAINT = 2,  /* repaint every cell (the terminal was disturbed) */
	UI_QUIT = 4,
};

/* Act on a key in the current mode; returns UI_* flags. */
int ui_key(ui *u, int key);

/* The status line's letter-key hints for now (only the keys that do
 * something in this state), those that fit cols cells. */
void ui_key_hints(const ui *u, int cols, char *buf, size_t len);

/* Item i of the function-key bar (htop's "F1Help F2Setup ... F10Quit"),
 * from the key table's rows that name one and are useful now: *fnum the
 * key's number, *label its word.  Returns 0 past the last. */
int  ui_key_bar(const ui *u, int i, int *fnum, const char **label);

/* Line i of the help overlay into buf; returns 0 past the last line. */
int ui_key_help(int i, char *buf, size_t len);

#endif
