/*
 * ui_term: the dashboard's terminal layer, the only file that includes
 * curses.  It takes and restores the terminal (newterm, input modes,
 * stderr captured meanwhile), picks the glyph and colour tiers the
 * terminal allows, owns the signal flags, turns curses keys into the
 * dashboard's, and draws text, rules and digits in styles.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1

#include "ui/ui_priv.h"

#include <curses.h>
#include <langinfo.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"

/* Pairs 1 to 7 are the UI_C_* roles; the heat map's ramp starts at
 * PAIR_HEAT, the grey ramp for the half blocks at PAIR_GREY. */
#define PAIR_HEAT 16
#define PAIR_GREY (PAIR_HEAT + RAMP_MAX_LEVELS)

/* ------------------------------------------------------------ signals */

/* Signals only set these; the loop acts on them.  got_quit_signal holds
 * the number of the SIGINT, SIGTERM or SIGHUP that arrived. */
static volatile sig_atomic_t got_quit_signal, got_cont;

static const int quit_sigs[3] = { SIGINT, SIGTERM, SIGHUP };

static void
on_quit_signal(int sig)
{
	got_quit_signal = sig;
}

static void
on_cont(int sig)
{
	(void)sig;
	got_cont = 1;
}

/*
 * Our handlers first, so ncurses leaves SIGINT/SIGTERM to us (it only
 * takes signals still at their defaults); it keeps SIGTSTP and SIGWINCH,
 * which it handles well.
 */
void
ui_signals_install(ui *u)
{
	struct sigaction sa;

	got_quit_signal = got_cont = 0;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit_signal;
	for (int i = 0; i < 3; i++)
		sigaction(quit_sigs[i], &sa, &u->term.old_quit[i]);
	sa.sa_handler = on_cont;
	sigaction(SIGCONT, &sa, &u->term.old_cont);
}

void
ui_signals_restore(const ui *u)
{
	for (int i = 0; i < 3; i++)
		sigaction(quit_sigs[i], &u->term.old_quit[i], NULL);
	sigaction(SIGCONT, &u->term.old_cont, NULL);
}

int
ui_quit_signal(void)
{
	return (int)got_quit_signal;
}

int
ui_took_cont(void)
{
	if (!got_cont)
		return 0;
	got_cont = 0;
	return 1;
}

/* ------------------------------------------------------ stderr capture */

/* stderr goes to a temporary file while curses owns the terminal. */
static void
capture_stderr(ui *u)
{
	u->term.err_saved = -1;
	u->term.err_tmp = tmpfile();
	if (u->term.err_tmp == NULL)
		return;
	fflush(stderr);
	u->term.err_saved = dup(STDERR_FILENO);
	if (u->term.err_saved < 0 || dup2(fileno(u->term.err_tmp), STDERR_FILENO) < 0) {
		if (u->term.err_saved >= 0)
			close(u->term.err_saved);
		u->term.err_saved = -1;
		fclose(u->term.err_tmp);
		u->term.err_tmp = NULL;
	}
}

static void
replay_stderr(ui *u)
{
	char   buf[4096];
	size_t n;

	if (u->term.err_tmp == NULL)
		return;
	fflush(stderr);
	dup2(u->term.err_saved, STDERR_FILENO);
	close(u->term.err_saved);
	rewind(u->term.err_tmp);
	while ((n = fread(buf, 1, sizeof buf, u->term.err_tmp)) > 0)
		if (fwrite(buf, 1, n, stderr) != n)
			break;
	fflush(stderr);
	fclose(u->term.err_tmp);
	u->term.err_tmp = NULL;
}

/* ----------------------------------------------------------- the look */

/*
 * The heat map's ramp, one pair a level: 256 colours where the terminal
 * has them, else the eight.  An ASCII screen keeps the shade glyphs, as
 * it keeps ASCII everywhere.
 */
static void
setup_heat(ui *u)
{
	ramp_tier t = COLORS >= 256 ? RAMP_256 : RAMP_8;
	int       n = ramp_levels(t, u->look.cs);

	if (u->look.cs != RENDER_UTF8 || COLORS < 8 ||
	    COLOR_PAIRS <= PAIR_HEAT + n)
		return;
	for (int l = 0; l < n; l++) {
		short fg = (short)(ramp_dark(t, l) ? (t == RAMP_256 ? 231 :
		    COLOR_WHITE) : (t == RAMP_256 ? 16 : COLOR_BLACK));

		init_pair((short)(PAIR_HEAT + l), fg, (short)ramp_colour(t, l));
	}
	u->look.heat = t;
}

/* Colours and glyphs the terminal and the options allow. */
static void
setup_look(ui *u)
{
	const char *cs = nl_langinfo(CODESET);
	const char *term = getenv("TERM");

	u->look.cs = RENDER_ASCII;
	if (!u->o->ascii && cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0) && term != NULL &&
	    strncmp(term, "vt", 2) != 0 && strcmp(term, "dumb") != 0)
		u->look.cs = RENDER_UTF8;

	u->look.color = 0;
	u->look.grey = 0;
	u->look.heat = RAMP_MONO;
	if (u->o->no_color || getenv("NO_COLOR") != NULL || !has_colors())
		return;
	if (start_color() != OK)
		return;
	use_default_colors();
	u->look.color = 1;
	init_pair(UI_C_TITLE, COLOR_BLACK, COLOR_CYAN);
	init_pair(UI_C_HEAD, COLOR_CYAN, -1);
	init_pair(UI_C_TRAIN, COLOR_GREEN, -1);
	init_pair(UI_C_VAL, COLOR_CYAN, -1);
	init_pair(UI_C_RUN, COLOR_YELLOW, -1);
	init_pair(UI_C_BAD, COLOR_RED, -1);
	init_pair(UI_C_GOOD, COLOR_GREEN, -1);
	setup_heat(u);
	init_pair(UI_C_BLUE, COLOR_BLUE, -1);
	init_pair(UI_C_MAGENTA, COLOR_MAGENTA, -1);
	init_pair(UI_C_ORANGE, COLORS >= 256 ? 208 : COLOR_RED, -1);
	init_pair(UI_C_PINK, COLORS >= 256 ? 205 : COLOR_MAGENTA, -1);
	init_pair(UI_C_MARK, COLOR_WHITE, -1);

	/* Half blocks need the 256-colour ramp and one pair per
	 * (top, bottom) grey: as many levels as the pairs allow. */
	if (u->look.cs == RENDER_UTF8 && COLORS >= 256) {
		int pairs = COLOR_PAIRS < 32767 ? COLOR_PAIRS : 32767;
		int l = (int)floor(sqrt((double)(pairs - PAIR_GREY)));

		if (l > RENDER_GREY_STEPS)
			l = RENDER_GREY_STEPS;
		if (l >= 8) {
			u->look.levels = l;
			u->look.grey = 1;
			for (int t = 0; t < l; t++)
				for (int b = 0; b < l; b++)
					init_pair((short)(PAIR_GREY + t * l + b),
					    (short)render_grey256(t, l),
					    (short)render_grey256(b, l));
		}
	}
}

/* ------------------------------------------------------------ terminal */

int
ui_term_open(ui *u, const char *term, char *err, size_t errlen)
{
	SCREEN *scr;

	capture_stderr(u);
	scr = newterm(NULL, stdout, stdin);
	if (scr == NULL) {
		replay_stderr(u);
		return err_set(err, errlen, "cannot use terminal type '%s': try "
		    "TERM=xterm-256color (or xterm, vt100), or use "
		    "'noisetop train|sweep|show' without a screen", term);
	}
	u->term.screen = scr;
	set_term(scr);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	/* Home and End arrive in several encodings (xterm, VT220, rxvt,
	 * tmux and screen differ, and TERM often names another terminal
	 * than the one in use): accept them all rather than take an
	 * unknown sequence as ESC, '[', a digit... */
	define_key("\033[1~", KEY_HOME);
	define_key("\033[7~", KEY_HOME);
	define_key("\033[H", KEY_HOME);
	define_key("\033OH", KEY_HOME);
	define_key("\033[4~", KEY_END);
	define_key("\033[8~", KEY_END);
	define_key("\033[F", KEY_END);
	define_key("\033OF", KEY_END);
	/* htop's mouse: clicks select, the wheel browses. */
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED |
	    BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	curs_set(0);
	setup_look(u);
	return 0;
}

void
ui_term_close(ui *u)
{
	if (u->term.screen != NULL) {
		endwin();
		delscreen(u->term.screen);
		u->term.screen = NULL;
	}
	replay_stderr(u);
}

static int mouse_y, mouse_x;

void
ui_term_mouse(int *y, int *x)
{
	*y = mouse_y;
	*x = mouse_x;
}

/* A mouse event as a key: a click or a wheel step, else none. */
static int
mouse_key(void)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return UI_KEY_NONE;
	mouse_y = ev.y;
	mouse_x = ev.x;
	if (ev.bstate & BUTTON4_PRESSED)
		return UI_KEY_WHEEL_UP;
	if (ev.bstate & BUTTON5_PRESSED)
		return UI_KEY_WHEEL_DOWN;
	if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
		return UI_KEY_CLICK;
	return UI_KEY_OTHER;
}

int
ui_term_key(void)
{
	int ch = getch();

	switch (ch) {
	case KEY_MOUSE:     return mouse_key();
	case ERR:           return UI_KEY_NONE;
	case KEY_LEFT:      return UI_KEY_LEFT;
	case KEY_RIGHT:     return UI_KEY_RIGHT;
	case KEY_UP:        return UI_KEY_UP;
	case KEY_DOWN:      return UI_KEY_DOWN;
	case KEY_PPAGE:     return UI_KEY_PGUP;
	case KEY_NPAGE:     return UI_KEY_PGDN;
	case KEY_HOME:      return UI_KEY_HOME;
	case KEY_END:       return UI_KEY_END;
	case KEY_ENTER:     return UI_KEY_ENTER;
	case KEY_BACKSPACE: return UI_KEY_BACKSPACE;
	case KEY_RESIZE:    return UI_KEY_RESIZE;
	default:
		if (ch >= KEY_F(1) && ch <= KEY_F(24))
			return UI_KEY_F(ch - KEY_F0);
		return ch >= 0 && ch <= 0xFF ? ch : UI_KEY_OTHER;
	}
}

void
ui_term_size(int *cols, int *lines)
{
	*cols = COLS;
	*lines = LINES;
}

void
ui_term_begin(void)
{
	erase();
}

void
ui_term_end(void)
{
	wnoutrefresh(stdscr);
	doupdate();
}

void
ui_term_repaint(void)
{
	clearok(curscr, TRUE);
}

/* --------------------------------------------------------------- text */

static attr_t
attrs_of(int a)
{
	return (a & UI_A_DIM ? A_DIM : 0) | (a & UI_A_BOLD ? A_BOLD : 0) |
	    (a & UI_A_REVERSE ? A_REVERSE : 0);
}

static attr_t
style_attr(const ui *u, int style)
{
	int role = style >> 8 & 0xFF, heat = style >> 16 & 0xFF;

	if (heat > 0)
		return (u->look.heat != RAMP_MONO ? COLOR_PAIR(PAIR_HEAT + heat -
		    1) : 0) | attrs_of(style & 0xF);
	return (role != UI_C_NONE && u->look.color ? COLOR_PAIR(role) :
	    attrs_of(style >> 4 & 0xF)) | attrs_of(style & 0xF);
}

/* Bytes of the first cells of s (every glyph we draw is one cell). */
static size_t
cells_to_bytes(const char *s, int cells)
{
	size_t i = 0;

	while (s[i] != '\0' && cells > 0) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
		cells--;
	}
	return i;
}

int
ui_cells(const char *s)
{
	int n = 0;

	for (; *s; s++)
		if ((*s & 0xC0) != 0x80)
			n++;
	return n;
}

int
ui_put(const ui *u, int y, int x, int maxw, int style, const char *s)
{
	attr_t attr = style_attr(u, style);
	size_t n;
	int    c;

	if (y < 0 || y >= LINES || x < 0 || x >= COLS || maxw <= 0)
		return 0;
	if (maxw > COLS - x)
		maxw = COLS - x;
	/* ncurses cannot write the bottom-right cell without scrolling. */
	if (y == LINES - 1 && x + maxw >= COLS)
		maxw = COLS - 1 - x;
	n = cells_to_bytes(s, maxw);
	c = ui_cells(s);
	attron(attr);
	mvaddnstr(y, x, s, (int)n);
	attroff(attr);
	return c < maxw ? c : maxw;
}

int
ui_putf(const ui *u, int y, int x, int maxw, int style, const char *fmt,
    ...)
{
	char    buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return ui_put(u, y, x, maxw, style, buf);
}

void
ui_fill(const ui *u, int y, int x, int w, int style)
{
	attr_t attr = style_attr(u, style);

	if (y < 0 || y >= LINES || x < 0)
		return;
	move(y, x);
	attron(attr);
	for (int k = 0; k < w && x + k < COLS; k++)
		addch(' ');
	attroff(attr);
}

void
ui_rule(const ui *u, int y, int x, int w, const char *title)
{
	const char *h = u->look.cs == RENDER_UTF8 ? "─" : "-";
	char        line[1024];
	size_t      len = 0, hl = strlen(h);

	for (int i = 0; i < w && len + hl < sizeof line; i++) {
		memcpy(line + len, h, hl);
		len += hl;
	}
	line[len] = '\0';
	ui_put(u, y, x, w, UI_STYLE(UI_C_HEAD, UI_A_DIM, 0), line);
	if (title != NULL && w > 4)
		ui_putf(u, y, x + 1, w - 2, UI_STYLE(UI_C_HEAD, UI_A_BOLD,
		    UI_A_BOLD), " %s ", title);
}

void
ui_image(const ui *u, const float *img, int side, int y, int x)
{
	char buf[4 * CHART_ZOOM_MAX_SIDE + 1];

	if (side > CHART_ZOOM_MAX_SIDE)
		return;
	if (u->look.grey) {
		unsigned char top[CHART_ZOOM_MAX_SIDE * CHART_ZOOM_MAX_SIDE / 2];
		unsigned char bot[CHART_ZOOM_MAX_SIDE * CHART_ZOOM_MAX_SIDE / 2];
		wchar_t       half[2] = { 0x2580, 0 };

		render_digit_halves(img, side, u->look.levels, top, bot);
		for (int r = 0; r < side / 2 && y + r < LINES; r++)
			for (int c = 0; c < side && x + c < COLS; c++) {
				cchar_t cc;
				int     k = r * side + c;
				short   pair = (short)(PAIR_GREY +
				    top[k] * u->look.levels + bot[k]);

				setcchar(&cc, half, A_NORMAL, pair, NULL);
				mvadd_wch(y + r, x + c, &cc);
			}
		return;
	}
	for (int r = 0; r < side / 2; r++) {
		render_digit_row(img, side, r, u->look.cs, buf, sizeof buf);
		ui_put(u, y + r, x, side, UI_PLAIN(0), buf);
	}
}

void
ui_digit(const ui *u, const float *img, int y, int x)
{
	ui_image(u, img, DATASET_SIDE, y, x);
}

/* The colour of a plot's style k (chart_curves): train, val, the runs'
 * colours, then four more. */
static const int style_role[CHART_MAX_STYLES] = { UI_C_TRAIN, UI_C_VAL,
	UI_C_RUN, UI_C_BAD, UI_C_BLUE, UI_C_MAGENTA, UI_C_ORANGE, UI_C_PINK };

/* The style of a chart cell's tag; heat: the shade levels on the heat
 * map's ramp. */
static int
tag_style(int tag, int heat)
{
	if (tag >= CHART_TAG_SHADE) {
		/* Counts and values shaded by level: dim, plain, bold,
		 * reverse (readable without colour). */
		int l = tag - CHART_TAG_SHADE;

		if (heat)
			return UI_HEAT(l, 0);
		return l == 0 ? UI_PLAIN(UI_A_DIM) : l < 3 ? UI_PLAIN(0) :
		    l < 6 ? UI_PLAIN(UI_A_BOLD) : UI_PLAIN(UI_A_REVERSE);
	}
	if (tag >= CHART_TAG_SERIES && tag < CHART_TAG_SERIES +
	    CHART_MAX_STYLES)
		return UI_STYLE(style_role[tag - CHART_TAG_SERIES], 0, 0);
	/* a band is its scale's colour, dim; the marked row bold, in the
	 * terminal's own colour so that it stands out of its scale's */
	if (tag >= CHART_TAG_BAND && tag < CHART_TAG_BAND + CHART_MAX_STYLES)
		return UI_STYLE(style_role[tag - CHART_TAG_BAND], UI_A_DIM,
		    UI_A_DIM);
	switch (tag) {
	case CHART_TAG_AXIS:       return UI_STYLE(UI_C_HEAD, UI_A_DIM, 0);
	case CHART_TAG_OK:         return UI_STYLE(UI_C_GOOD, UI_A_BOLD, 0);
	case CHART_TAG_MISS:       return UI_STYLE(UI_C_BAD, UI_A_REVERSE,
	                               UI_A_BOLD);
	case CHART_TAG_MARK:       return UI_STYLE(UI_C_MARK, UI_A_BOLD |
	                               UI_A_REVERSE, UI_A_BOLD);
	case CHART_TAG_PARTIAL:    return UI_PLAIN(UI_A_DIM);
	case CHART_TAG_MIXED:      return UI_PLAIN(UI_A_BOLD);
	default:                   return UI_PLAIN(0);
	}
}

static void
grid_draw(const ui *u, int y, int x, const chart_grid *g, int heat)
{
	for (int r = 0; r < g->h && y + r < LINES; r++) {
		const char *p = g->text + (size_t)r * CHART_ROW_BYTES(g->w);
		int         c = 0;

		/* Runs of cells with one tag in one call. */
		while (c < g->w && *p != '\0') {
			int    tag = g->tag != NULL ? g->tag[r * g->w + c] : 0;
			int    c0 = c;
			size_t len = 0;

			while (c < g->w && p[len] != '\0' && (g->tag == NULL ||
			    g->tag[r * g->w + c] == tag)) {
				len += chart_glyph_len(p + len);
				c++;
			}
			{
				char buf[4 * 512 + 1];

				if (len >= sizeof buf)
					len = sizeof buf - 1;
				memcpy(buf, p, len);
				buf[len] = '\0';
				ui_put(u, y + r, x + c0, c - c0,
				    tag_style(tag, heat), buf);
			}
			p += len;
		}
	}
}

void
ui_grid(const ui *u, int y, int x, const chart_grid *g)
{
	grid_draw(u, y, x, g, 0);
}

void
ui_grid_heat(const ui *u, int y, int x, const chart_grid *g)
{
	grid_draw(u, y, x, g, 1);
}

/* A box with a title in the reverse style, for overlays and forms.  The
 * column on either side is blanked too: a digit of the pane beneath,
 * left against the frame (the last column of the screen beside a browser
 * one cell narrower), reads as part of the dialog. */
void
ui_frame(const ui *u, int y, int x, int w, int h, const char *title)
{
	int  utf = u->look.cs == RENDER_UTF8, st = UI_PLAIN(UI_A_REVERSE);
	char line[4 * 512 + 8];
	int  len = 0;

	if (w < 2 || h < 2 || w > 512)
		return;
	for (int r = 0; r < h; r++) {
		ui_fill(u, y + r, x - 1, 1, UI_PLAIN(0));
		ui_fill(u, y + r, x + w, 1, UI_PLAIN(0));
		ui_fill(u, y + r, x, w, st);
	}
	for (int k = 0; k < w - 2; k++)
		len += snprintf(line + len, sizeof line - (size_t)len, "%s",
		    utf ? "─" : "-");
	ui_putf(u, y, x, w, st, "%s%s%s", utf ? "┌" : "+", line,
	    utf ? "┐" : "+");
	ui_putf(u, y + h - 1, x, w, st, "%s%s%s", utf ? "└" : "+", line,
	    utf ? "┘" : "+");
	for (int r = 1; r < h - 1; r++) {
		ui_put(u, y + r, x, 1, st, utf ? "│" : "|");
		ui_put(u, y + r, x + w - 1, 1, st, utf ? "│" : "|");
	}
	if (title != NULL && w > 6)
		ui_putf(u, y, x + 2, w - 4, UI_PLAIN(UI_A_REVERSE | UI_A_BOLD),
		    " %s ", title);
}
