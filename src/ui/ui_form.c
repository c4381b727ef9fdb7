/*
 * ui_form: the job form that s, t and c open.  One text field per
 * setting (scales, epochs, the train and test limits, seed, batch,
 * learning rate); Enter checks them and starts the job, Esc cancels.
 * The values of the last job started are remembered as "key = value"
 * lines in $XDG_CONFIG_HOME/noisetop/form.conf (default
 * ~/.config/noisetop/), read with kv.h and written atomically; a flag
 * given on the command line (one that differs from its default) wins
 * over the remembered value.  The estimate is the job layer's
 * (runs/eta.h): a timed probe of this machine at the form's model
 * (worker_probe, asked for when the form opens without one for its
 * model, or its batch changes)
 * scaled by the form's images, epochs, test scales and rows.
 */
#include "ui/ui_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/corrupt.h"
#include "base/kv.h"

#define KEY_ESC 27
#define FORM_W 60

static void want_probe(ui *u);

static const char *const field_key[UI_NFIELDS] = { "scales", "epochs",
	"train_limit", "test_limit", "seed", "batch", "lr", "seeds",
	"noise_mode", "corruption" };
static const char *const field_label[UI_NFIELDS] = { "scales",
	"epochs", "train images", "test images", "seed", "batch",
	"learning rate", "seeds", "noise mode", "corruption" };

static int
on_pair(void *arg, const char *key, const char *value, char *err,
    size_t errlen)
{
	ui_form *f = arg;

	(void)err;
	(void)errlen;
	for (int i = 0; i < UI_NFIELDS; i++)
		if (strcmp(key, field_key[i]) == 0 && i != UI_F_SCALES)
			snprintf(f->val[i], sizeof f->val[i], "%s", value);
	if (strcmp(key, "sweep_scales") == 0)
		snprintf(f->val[UI_F_SCALES], sizeof f->val[0], "%s", value);
	return 0;
}

/* The choices of a field with a fixed set of values, or NULL for a
 * free one; Left/Right cycle them. */
static const char *const *
field_choices(int i)
{
	static const char *const modes[] = { "fixed", "fresh", NULL };
	static const char *corrupts[CORRUPT_NFAMILY + 1];

	if (corrupts[0] == NULL)
		for (int k = 0; k < CORRUPT_NFAMILY; k++)
			corrupts[k] = corrupt_name((corrupt_family)k);
	return i == UI_F_MODE ? modes : i == UI_F_CORRUPT ? corrupts : NULL;
}

/* Field i to its next (dir 1) or previous (-1) choice; a value not among
 * them (a list of families, say) starts from the first. */
static void
cycle(ui_form *f, int i, int dir)
{
	const char *const *c = field_choices(i);
	int n = 0, at = -1;

	if (c == NULL)
		return;
	while (c[n] != NULL) {
		if (strcmp(c[n], f->val[i]) == 0)
			at = n;
		n++;
	}
	at = at < 0 ? 0 : (at + dir + n) % n;
	snprintf(f->val[i], sizeof f->val[i], "%s", c[at]);
}

/* The remembered values into f (none, or a bad text: none).  main read
 * them from form.conf at start-up; the form keeps its own copy since. */
static void
remembered(ui *u, ui_form *f)
{
	char  err[256];
	char *text;

	if (u->prefs == NULL || (text = strdup(u->prefs)) == NULL)
		return;
	kv_parse("form.conf", text, on_pair, f, err, sizeof err);
	free(text);
}

/* The form's values as form.conf's text: the worker saves it, and the
 * next form opened in this session reads it back.  A train or compare
 * form keeps the sweep's remembered scales (its own scale is the
 * preview's). */
static void
remember(ui *u, const ui_form *f)
{
	ui_form old;
	char    text[2048];
	int     n = 0;

	memset(&old, 0, sizeof old);
	remembered(u, &old);
	n += snprintf(text + n, sizeof text - (size_t)n, "# noisetop: the job "
	    "form's last values\n");
	if (f->kind != JOB_SWEEP && old.val[UI_F_SCALES][0] != '\0')
		n += snprintf(text + n, sizeof text - (size_t)n,
		    "sweep_scales = %s\n", old.val[UI_F_SCALES]);
	for (int i = 0; i < UI_NFIELDS; i++)
		if (i != UI_F_SCALES || f->kind == JOB_SWEEP)
			n += snprintf(text + n, sizeof text - (size_t)n,
			    "%s = %s\n", i == UI_F_SCALES ? "sweep_scales" :
			    field_key[i], f->val[i]);
	if (n >= (int)sizeof text)
		return;
	free(u->prefs);
	u->prefs = strdup(text);
	worker_remember(u->w, text);
}

static void
list_scales(const float *s, int n, char *out, size_t len)
{
	size_t k = 0;

	out[0] = '\0';
	for (int i = 0; i < n && k + 1 < len; i++) {
		char b[32];

		k += (size_t)snprintf(out + k, len - k, "%s%s", i ? "," : "",
		    kv_float(b, s[i]));
	}
}

void
ui_form_open(ui *u, int kind)
{
	ui_form     *f = &u->form;
	train_config def;
	const train_config *c = &u->o->cfg;
	ui_form      cl;
	char         b[32];

	/* The command line's values, then the remembered ones, then the
	 * flags that differ from their defaults again. */
	train_config_default(&def);
	memset(&cl, 0, sizeof cl);
	if (u->o->nscales > 0)
		list_scales(u->o->scales, u->o->nscales, cl.val[UI_F_SCALES],
		    sizeof cl.val[0]);
	else
		list_scales(sweep_default_scales, 6, cl.val[UI_F_SCALES],
		    sizeof cl.val[0]);
	snprintf(cl.val[UI_F_EPOCHS], UI_FIELD_LEN, "%d", c->epochs);
	snprintf(cl.val[UI_F_TRAIN], UI_FIELD_LEN, "%zu", u->ds->train.n);
	snprintf(cl.val[UI_F_TEST], UI_FIELD_LEN, "%zu", u->ds->test.n);
	snprintf(cl.val[UI_F_SEED], UI_FIELD_LEN, "%llu",
	    (unsigned long long)c->seed);
	snprintf(cl.val[UI_F_BATCH], UI_FIELD_LEN, "%d", c->batch);
	snprintf(cl.val[UI_F_LR], UI_FIELD_LEN, "%s", kv_float(b, c->lr));
	snprintf(cl.val[UI_F_SEEDS], UI_FIELD_LEN, "1");
	snprintf(cl.val[UI_F_MODE], UI_FIELD_LEN, "%s",
	    sweep_mode_name(SWEEP_FIXED));
	snprintf(cl.val[UI_F_CORRUPT], UI_FIELD_LEN, "%s",
	    corrupt_name(CORRUPT_GAUSSIAN));
	*f = cl;
	remembered(u, f);
	if (u->o->nscales > 0)
		memcpy(f->val[UI_F_SCALES], cl.val[UI_F_SCALES], UI_FIELD_LEN);
	if (c->epochs != def.epochs)
		memcpy(f->val[UI_F_EPOCHS], cl.val[UI_F_EPOCHS], UI_FIELD_LEN);
	if (c->seed != def.seed)
		memcpy(f->val[UI_F_SEED], cl.val[UI_F_SEED], UI_FIELD_LEN);
	if (c->batch != def.batch)
		memcpy(f->val[UI_F_BATCH], cl.val[UI_F_BATCH], UI_FIELD_LEN);
	if (c->lr != def.lr)
		memcpy(f->val[UI_F_LR], cl.val[UI_F_LR], UI_FIELD_LEN);
	/* A remembered limit above the data loaded now is all of it. */
	if (strtoull(f->val[UI_F_TRAIN], NULL, 10) > u->ds->train.n)
		memcpy(f->val[UI_F_TRAIN], cl.val[UI_F_TRAIN], UI_FIELD_LEN);
	if (strtoull(f->val[UI_F_TEST], NULL, 10) > u->ds->test.n)
		memcpy(f->val[UI_F_TEST], cl.val[UI_F_TEST], UI_FIELD_LEN);
	/* One model's scale is the preview's. */
	if (kind != JOB_SWEEP)
		snprintf(f->val[UI_F_SCALES], UI_FIELD_LEN, "%s",
		    kv_float(b, u->samples.scale));
	f->kind = kind;
	f->cur = kind == JOB_SWEEP ? UI_F_SCALES : UI_F_EPOCHS;
	f->err[0] = '\0';
	u->mode = UI_MODE_FORM;
	/* Time this machine for the estimate, unless it has been for this
	 * model (a probe writes a checkpoint where the runs are). */
	want_probe(u);
}

/* A whole number field within [lo, hi]; 0 or -1 with a message. */
static int
whole(const ui_form *f, int i, double lo, double hi, double *out, char *err,
    size_t errlen)
{
	if (kv_num(field_label[i], f->val[i], lo, hi, out, err, errlen) != 0)
		return -1;
	if (*out != (double)(long long)*out) {
		snprintf(err, errlen, "%s: a whole number please",
		    field_label[i]);
		return -1;
	}
	return 0;
}

/* The form's job: config, grid and limits.  0, or -1 with a message. */
static int
form_job(const ui *u, train_config *cfg, sweep_plan *p, size_t *trn,
    size_t *ten, char *err, size_t errlen)
{
	const ui_form *f = &u->form;
	float  scales[SWEEP_MAX_SCALES];
	double d;
	int    n;

	*cfg = u->o->cfg;
	if ((n = sweep_parse_scales(f->val[UI_F_SCALES], scales, err,
	    errlen)) < 0)
		return -1;
	if (f->kind != JOB_SWEEP && n != 1) {
		snprintf(err, errlen, "one scale please (a sweep takes several)");
		return -1;
	}
	if (f->kind == JOB_COMPARE && scales[0] <= 0.0f) {
		snprintf(err, errlen, "compare needs a scale above 0");
		return -1;
	}
	sweep_plan_default(p, scales, n);
	p->ntest = 0;  /* the matrix's columns: the rows' scales */
	if (whole(f, UI_F_SEEDS, 1, SWEEP_MAX_SEEDS, &d, err, errlen) != 0)
		return -1;
	p->nseeds = (int)d;
	if (sweep_parse_mode(f->val[UI_F_MODE], &p->mode, err, errlen) != 0)
		return -1;
	if ((p->ncorruptions = corrupt_parse_list(f->val[UI_F_CORRUPT],
	    p->corruptions, SWEEP_MAX_CORRUPTIONS, err, errlen)) < 0)
		return -1;
	if (whole(f, UI_F_EPOCHS, 1, TRAIN_MAX_EPOCHS, &d, err, errlen) != 0)
		return -1;
	cfg->epochs = (int)d;
	if (whole(f, UI_F_TRAIN, 1, (double)u->ds->train.n, &d, err,
	    errlen) != 0)
		return -1;
	*trn = (size_t)d;
	if (whole(f, UI_F_TEST, 1, (double)u->ds->test.n, &d, err,
	    errlen) != 0)
		return -1;
	*ten = (size_t)d;
	if (whole(f, UI_F_SEED, 0, 9007199254740992.0, &d, err, errlen) != 0)
		return -1;
	cfg->seed = (uint64_t)d;
	if (whole(f, UI_F_BATCH, 1, TRAIN_MAX_BATCH, &d, err, errlen) != 0)
		return -1;
	cfg->batch = (int)d;
	if (kv_num(field_label[UI_F_LR], f->val[UI_F_LR], 1e-9, TRAIN_MAX_LR,
	    &d, err, errlen) != 0)
		return -1;
	cfg->lr = (float)d;
	if (train_config_check(cfg, err, errlen) != 0)
		return -1;
	return f->kind == JOB_SWEEP ? sweep_plan_check(p, err, errlen) :
	    0;
}

/*
 * The form's job's duration from the last probe (runs/eta.h): mid < 0
 * when there is none for its model, or the form does not hold a job.
 */
static void
form_estimate(const ui *u, eta_range *out)
{
	const worker_status *st = &u->snap->st;
	train_config cfg;
	sweep_plan   p;
	eta_work     w;
	size_t       trn, ten;
	char         err[256];
	int          n;

	out->lo = out->mid = out->hi = -1.0;
	if (!st->have_probe || form_job(u, &cfg, &p, &trn, &ten, err,
	    sizeof err) != 0 || !eta_probe_fits(&st->probe, &cfg))
		return;
	/* The rows job_new makes of the form's grid; the matrix's columns
	 * are their scales. */
	n = u->form.kind == JOB_SWEEP ? p.nscales :
	    u->form.kind == JOB_COMPARE ? 2 : 1;
	w = (eta_work){ n * p.nseeds * p.ncorruptions *
	    (p.ndecays > 0 ? p.ndecays : 1), cfg.epochs, p.ntest > 0 ?
	    p.ntest : n, trn, ten, p.mode == SWEEP_FRESH, 1 };
	eta_estimate(&st->probe, &w, out);
}

/* Ask for a probe of the form's model when the last one is of another
 * model, or there is none. */
static void
want_probe(ui *u)
{
	train_config cfg;
	sweep_plan   p;
	size_t       trn, ten;
	char         err[256];

	if (form_job(u, &cfg, &p, &trn, &ten, err, sizeof err) != 0)
		return;
	if (!u->snap->st.have_probe ||
	    !eta_probe_fits(&u->snap->st.probe, &cfg))
		worker_probe(u->w, &cfg);
}

static void
start(ui *u)
{
	ui_form     *f = &u->form;
	train_config cfg;
	sweep_plan   p;
	size_t       trn, ten;
	char         msg[256];

	if (form_job(u, &cfg, &p, &trn, &ten, f->err, sizeof f->err) != 0)
		return;
	if (worker_start_limited(u->w, f->kind, &cfg, &p, trn, ten, msg,
	    sizeof msg) != 0) {
		snprintf(f->err, sizeof f->err, "%s", msg);
		return;
	}
	remember(u, f);
	u->mode = UI_MODE_NORMAL;
	u->res.follow = 1;
	if (f->kind == JOB_SWEEP)
		ui_say(u, "sweep of %d scales x %d seed%s started (%d epochs each,"
		    " %zu/%zu images)", p.nscales, p.nseeds, p.nseeds == 1 ?
		    "" : "s", cfg.epochs, trn, ten);
	else
		ui_say(u, "%s at scale %s started (%d epochs, %zu/%zu images)",
		    job_kind_name(f->kind), f->val[UI_F_SCALES], cfg.epochs,
		    trn, ten);
}

int
ui_form_key(ui *u, int key)
{
	ui_form *f = &u->form;
	size_t   len = strlen(f->val[f->cur]);

	if (key == KEY_ESC || key == 7) {
		u->mode = UI_MODE_NORMAL;
		ui_say(u, "%s not started", job_kind_name(f->kind));
	} else if (key == '\n' || key == '\r' || key == UI_KEY_ENTER)
		start(u);
	else if (key == UI_KEY_UP || key == UI_KEY_F(0))
		f->cur = (f->cur + UI_NFIELDS - 1) % UI_NFIELDS;
	else if (key == UI_KEY_DOWN || key == '\t')
		f->cur = (f->cur + 1) % UI_NFIELDS;
	else if ((key == UI_KEY_BACKSPACE || key == 127 || key == 8) && len > 0)
		f->val[f->cur][len - 1] = '\0';
	else if (key == 21)  /* Ctrl-U clears the field */
		f->val[f->cur][0] = '\0';
	else if (key == UI_KEY_LEFT || key == UI_KEY_RIGHT)
		cycle(f, f->cur, key == UI_KEY_RIGHT ? 1 : -1);
	else if (key < 0x7F && key > 0x20 && (strchr("0123456789.,-+",
	    key) != NULL || (key >= 'a' && key <= 'z')) &&
	    len + 1 < UI_FIELD_LEN) {
		f->val[f->cur][len] = (char)key;
		f->val[f->cur][len + 1] = '\0';
	}
	/* A batch changed is another model to time. */
	if (u->mode == UI_MODE_FORM)
		want_probe(u);
	/* An error shown stays only while it holds: a fixed field clears
	 * it, another bad one replaces it. */
	if (u->mode == UI_MODE_FORM && f->err[0] != '\0') {
		train_config cfg;
		sweep_plan   p;
		size_t       trn, ten;

		if (form_job(u, &cfg, &p, &trn, &ten, f->err,
		    sizeof f->err) == 0)
			f->err[0] = '\0';
	}
	return UI_REDRAW;
}

void
ui_draw_form(ui *u, const ui_layout *l)
{
	const ui_form *f = &u->form;
	char      title[64], est[128], d[64];
	eta_range e;
	int    w = FORM_W < l->cols ? FORM_W : l->cols, h = UI_NFIELDS + 6;
	int    y = (l->lines - h) / 2, x = (l->cols - w) / 2;
	int    st = UI_PLAIN(UI_A_REVERSE);

	snprintf(title, sizeof title, "New %s", job_kind_name(f->kind));
	ui_frame(u, y, x, w, h, title);
	for (int i = 0; i < UI_NFIELDS; i++) {
		const char *label = i == UI_F_SCALES && f->kind !=
		    JOB_SWEEP ? (f->kind == JOB_COMPARE ?
		    "scale (vs 0)" : "scale") : field_label[i];

		ui_putf(u, y + 1 + i, x + 2, 15, st, "%-14s", label);
		ui_putf(u, y + 1 + i, x + 17, w - 19, i == f->cur ?
		    UI_PLAIN(UI_A_BOLD) : st, "%s%s%s", f->val[i], i == f->cur ?
		    "_" : "", i == f->cur && field_choices(i) != NULL ? "  <>" :
		    "");
	}
	form_estimate(u, &e);
	if (e.mid >= 0.0) {
		render_estimate(e.lo, e.mid, e.hi, d, sizeof d);
		snprintf(est, sizeof est, "est. %s here (timed probe)", d);
	} else {
		train_config cfg;
		sweep_plan   p;
		size_t       trn, ten;
		char         err[256];

		/* A form that holds no job has nothing to estimate. */
		snprintf(est, sizeof est, form_job(u, &cfg, &p, &trn, &ten, err,
		    sizeof err) != 0 ? "est. -" :
		    "est. timing this machine...");
	}
	ui_put(u, y + UI_NFIELDS + 2, x + 2, w - 4, UI_PLAIN(UI_A_REVERSE |
	    UI_A_BOLD), est);
	if (f->err[0] != '\0')
		ui_put(u, y + UI_NFIELDS + 3, x + 2, w - 4, UI_STYLE(UI_C_BAD,
		    UI_A_REVERSE, UI_A_BOLD), f->err);
	if (field_choices(f->cur) != NULL) {
		/* A field of fixed values lists them. */
		const char *const *c = field_choices(f->cur);
		char        opts[128];
		size_t      k = (size_t)snprintf(opts, sizeof opts,
		    "Left/Right:");

		for (int i = 0; c[i] != NULL && k < sizeof opts; i++)
			k += (size_t)snprintf(opts + k, sizeof opts - k, " %s",
			    c[i]);
		ui_put(u, y + UI_NFIELDS + 4, x + 2, w - 4, st, opts);
	} else
		ui_put(u, y + UI_NFIELDS + 4, x + 2, w - 4, st,
		    "Enter starts, Esc cancels, Up/Down/Tab move");
}
