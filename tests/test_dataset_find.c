/*
 * Finding and loading a data set: Fashion-MNIST by its directory name,
 * real MNIST through the torchvision and Keras layouts, the search order
 * (--data, $NOISETOP_DATA, ./data, the XDG cache, ~/.keras) and the
 * synthetic set; each named set (--dataset mnist|fashion|kmnist) on
 * generated IDX files, with its class names and its own search path.
 */
#include "data/dataset.h"

#include "dataset_fixture.h"
#include "mnist_path.h"

static void
test_fashion(void)
{
	dataset t, got;
	char    dir[512], err[8192];
	int     rc;

	tiny_set(&t, 10);
	snprintf(dir, sizeof dir, "%s/Fashion-MNIST", tmpdir);
	mkdirs(dir, "");
	write_idx_dir(dir, &t, 1);
	err[0] = '\0';
	rc = dataset_load(&got, dir, 0, 0, err, sizeof err);
	ok(rc == 0 &&
	    strcmp(got.name, "Fashion-MNIST") == 0 &&
	    strncmp(got.source, "Fashion-MNIST (", 15) == 0 &&
	    strstr(got.source, dir) != NULL && got.class_name[0] != NULL &&
	    strcmp(got.class_name[0], "T-shirt/top") == 0 &&
	    strcmp(got.class_name[9], "Ankle boot") == 0 &&
	    same_data(&got, &t), "Fashion-MNIST: %s, class 0 '%s'",
	    got.source, got.class_name[0] ? got.class_name[0] : "(null)");
	dataset_free(&got);

	/* The same files elsewhere are digits: no class names. */
	snprintf(dir, sizeof dir, "%s/plain", tmpdir);
	mkdirs(dir, "");
	write_idx_dir(dir, &t, 0);
	err[0] = '\0';
	rc = dataset_load(&got, dir, 0, 0, err, sizeof err);
	ok(rc == 0 &&
	    strcmp(got.name, "MNIST") == 0 && got.class_name[0] == NULL &&
	    got.class_name[9] == NULL, "a plain IDX dir is MNIST (%s)",
	    got.source);
	dataset_free(&got);

	/* A torchvision FashionMNIST root. */
	mkdirs(tmpdir, "tvf/FashionMNIST/raw");
	snprintf(dir, sizeof dir, "%s/tvf/FashionMNIST/raw", tmpdir);
	write_idx_dir(dir, &t, 1);
	snprintf(dir, sizeof dir, "%s/tvf", tmpdir);
	err[0] = '\0';
	rc = dataset_load(&got, dir, 0, 0, err, sizeof err);
	ok(rc == 0 &&
	    strcmp(got.name, "Fashion-MNIST") == 0 && same_data(&got, &t),
	    "torchvision FashionMNIST root: %s", got.source);
	dataset_free(&got);
	dataset_free(&t);
}

/* Real MNIST through torchvision and Keras layouts; ref is the IDX copy. */
static void
test_real(const char *mnist)
{
	dataset ref, got;
	char    dir[1024], path[1024], out[4096], err[8192], cwd[4096];
	const int deflated[4] = { 1, 1, 1, 1 }, mixed[4] = { 1, 0, 0, 1 };
	int     rc;

	if (dataset_load(&ref, mnist, 0, 0, err, sizeof err) != 0) {
		ok(0, "reference MNIST loads: %s", err);
		return;
	}
	ok(ref.train.n == 60000 && ref.test.n == 10000 &&
	    ref.class_name[0] == NULL, "reference MNIST: %s", ref.source);

	/* torchvision: <root>/MNIST/raw/ with .gz files, another raw. */
	mkdirs(tmpdir, "tvgz/MNIST/raw");
	mkdirs(tmpdir, "tvraw/MNIST/raw");
	snprintf(dir, sizeof dir, "%s/tvgz/MNIST/raw", tmpdir);
	write_idx_dir(dir, &ref, 1);
	snprintf(dir, sizeof dir, "%s/tvraw/MNIST/raw", tmpdir);
	write_idx_dir(dir, &ref, 0);
	snprintf(dir, sizeof dir, "%s/tvgz", tmpdir);
	snprintf(path, sizeof path, "%s/tvgz/MNIST/raw", tmpdir);
	ok(dataset_find(dir, out, sizeof out, err, sizeof err) == 0 &&
	    strcmp(out, path) == 0, "--data <torchvision root> resolves to "
	    "%s", out);
	err[0] = '\0';
	rc = dataset_load(&got, out, 0, 0, err, sizeof err);
	ok(rc == 0 &&
	    same_data(&got, &ref) && strcmp(got.name, "MNIST") == 0,
	    "torchvision .gz files give the IDX arrays (%s)", err);
	dataset_free(&got);
	snprintf(dir, sizeof dir, "%s/tvraw/MNIST", tmpdir);
	err[0] = '\0';
	rc = dataset_load(&got, dir, 0, 0, err, sizeof err);
	ok(rc == 0 &&
	    same_data(&got, &ref) && strstr(got.source, "MNIST/raw") != NULL,
	    "torchvision raw files via <root>/MNIST give the IDX arrays: %s",
	    got.source);
	dataset_free(&got);

	/* ./data/MNIST/raw is on the default search path. */
	if (getcwd(cwd, sizeof cwd) != NULL) {
		mkdirs(tmpdir, "cwd/data");
		snprintf(dir, sizeof dir, "%s/cwd/data/MNIST", tmpdir);
		snprintf(path, sizeof path, "%s/tvraw/MNIST", tmpdir);
		if (symlink(path, dir) != 0)
			diag("symlink %s failed", dir);
		snprintf(dir, sizeof dir, "%s/cwd", tmpdir);
		unsetenv("NOISETOP_DATA");
		setenv("XDG_CACHE_HOME", "/nonexistent-xdg", 1);
		setenv("HOME", "/nonexistent-home", 1);
		if (chdir(dir) == 0) {
			ok(dataset_find(NULL, out, sizeof out, err,
			    sizeof err) == 0 &&
			    strcmp(out, "data/MNIST/raw") == 0,
			    "./data/MNIST/raw found by the search (%s)", out);
			if (chdir(cwd) != 0)
				diag("cannot return to %s", cwd);
		}
	}

	/* Keras: mnist.npz built here, deflated, and mixed stored. */
	mkdirs(tmpdir, "home/.keras/datasets");
	snprintf(path, sizeof path, "%s/home/.keras/datasets/mnist.npz",
	    tmpdir);
	ok(write_mnist_npz(path, &ref, deflated, NULL) == 0,
	    "wrote a deflated mnist.npz");
	snprintf(dir, sizeof dir, "%s/home", tmpdir);
	setenv("HOME", dir, 1);
	ok(dataset_find(NULL, out, sizeof out, err, sizeof err) == 0 &&
	    strcmp(out, path) == 0, "~/.keras/datasets/mnist.npz found by "
	    "the search (%s)", out);
	err[0] = '\0';
	rc = dataset_load(&got, out, 0, 0, err, sizeof err);
	ok(rc == 0 &&
	    same_data(&got, &ref) && strcmp(got.dir, path) == 0 &&
	    strncmp(got.source, "MNIST (", 7) == 0,
	    "deflated mnist.npz gives the IDX arrays (%s)", err);
	dataset_free(&got);
	setenv("KERAS_HOME", "/nonexistent-keras", 1);
	ok(dataset_find(NULL, out, sizeof out, err, sizeof err) == -1 &&
	    strstr(err, "/nonexistent-keras/datasets/mnist.npz") != NULL,
	    "$KERAS_HOME replaces ~/.keras: '%s'", err);
	unsetenv("KERAS_HOME");
	ok(write_mnist_npz(path, &ref, mixed, NULL) == 0,
	    "wrote a stored+deflated mnist.npz");
	snprintf(dir, sizeof dir, "%s/home/.keras/datasets", tmpdir);
	err[0] = '\0';
	rc = dataset_find(dir, out, sizeof out, err, sizeof err) == 0 &&
	    strcmp(out, path) == 0 ?
	    dataset_load(&got, out, 100, 50, err, sizeof err) : -1;
	ok(rc == 0 && got.train.n == 100 && got.test.n == 50 &&
	    memcmp(got.train.pix, ref.train.pix, 100 * DATASET_NPIX) == 0 &&
	    memcmp(got.test.label, ref.test.label, 50) == 0,
	    "--data <dir with mnist.npz>, stored members, limits (%s)", err);
	dataset_free(&got);
	err[0] = '\0';
	rc = dataset_load(&got, path, 0, 0, err, sizeof err);
	ok(rc == 0 &&
	    same_data(&got, &ref), "stored+deflated mnist.npz gives the IDX "
	    "arrays (%s)", err);
	dataset_free(&got);
	dataset_free(&ref);
}

static void
test_search(void)
{
	char list[8192], out[4096], err[8192];

	setenv("NOISETOP_DATA", "/nonexistent-env", 1);
	setenv("XDG_CACHE_HOME", "/nonexistent-xdg", 1);
	setenv("HOME", "/nonexistent-home", 1);
	unsetenv("KERAS_HOME");
	dataset_search_path(list, sizeof list);
	ok(strcmp(list, "/nonexistent-env, data/mnist, data/MNIST/raw, "
	    "/nonexistent-xdg/noisetop/mnist, "
	    "/nonexistent-home/.keras/datasets/mnist.npz") == 0,
	    "search path: %s", list);
	ok(dataset_find(NULL, out, sizeof out, err, sizeof err) == -1 &&
	    strstr(err, list) != NULL && strstr(err, "make data") != NULL,
	    "nothing found names every place: '%s'", err);
	ok(dataset_find("/nonexistent-data", out, sizeof out, err,
	    sizeof err) == -1 && strstr(err, "/nonexistent-data") != NULL &&
	    strstr(err, "mnist.npz") != NULL, "a bad --data: '%s'", err);
}

/* A tiny set of n images in dir (made with mkdir -p), gzipped IDX. */
static void
fixture(const char *dir, size_t n)
{
	dataset t;

	tiny_set(&t, n);
	mkdirs(dir, "");
	if (write_idx_dir(dir, &t, 1) != 0)
		diag("cannot write %s", dir);
	dataset_free(&t);
}

/* Each named set loads from a neutral directory with its names. */
static void
test_kind_names(void)
{
	static const struct {
		dataset_kind kind;
		const char  *name, *c0, *c3, *c9, *g0;
	} want[] = {
		{ DATASET_MNIST, "MNIST", NULL, NULL, NULL, NULL },
		{ DATASET_FASHION, "Fashion-MNIST", "T-shirt/top", "Dress",
		    "Ankle boot", NULL },
		{ DATASET_KMNIST, "KMNIST", "o", "tsu", "wo",
		    "\xe3\x81\x8a" /* hiragana o */ },
	};
	char dir[512], out[4096], err[8192];

	ok(dataset_info_parse("fashion") == dataset_info_of(DATASET_FASHION) &&
	    dataset_info_parse("KMNIST") == dataset_info_of(DATASET_KMNIST) &&
	    dataset_info_parse("mnist") == dataset_info_of(DATASET_MNIST) &&
	    dataset_info_parse("fashion-mnist")->kind == DATASET_FASHION &&
	    dataset_info_parse("cifar10") == NULL &&
	    dataset_info_parse("") == NULL && dataset_info_parse(NULL) == NULL,
	    "set names: mnist, fashion, kmnist (%s); others refused",
	    dataset_keys());
	snprintf(dir, sizeof dir, "%s/neutral", tmpdir);
	fixture(dir, 12);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const dataset_info *in = dataset_info_of(want[i].kind);
		dataset got;
		int     rc;

		err[0] = '\0';
		rc = dataset_find_kind(want[i].kind, dir, out, sizeof out, err,
		    sizeof err);
		if (rc == 0)
			rc = dataset_load_kind(&got, want[i].kind, out, 0, 0,
			    err, sizeof err);
		if (rc != 0) {
			ok(0, "--dataset %s --data %s: %s", in->key, dir, err);
			continue;
		}
		ok(got.kind == want[i].kind && strcmp(got.name, want[i].name) ==
		    0 && strncmp(got.source, want[i].name,
		    strlen(want[i].name)) == 0 && got.train.n == 12,
		    "--dataset %s: %s", in->key, got.source);
		if (want[i].c0 == NULL)
			ok(got.class_name[0] == NULL && got.class_name[9] ==
			    NULL && got.class_glyph[0] == NULL,
			    "--dataset %s: digits, no class names", in->key);
		else
			ok(got.class_name[0] != NULL && got.class_name[9] !=
			    NULL && strcmp(got.class_name[0], want[i].c0) == 0 &&
			    strcmp(got.class_name[3], want[i].c3) == 0 &&
			    strcmp(got.class_name[9], want[i].c9) == 0,
			    "--dataset %s: classes '%s' ... '%s' ... '%s'",
			    in->key, got.class_name[0], got.class_name[3],
			    got.class_name[9]);
		{
			char        buf[64];
			const char *t = dataset_class_text(&got, 3, 1, buf,
			    sizeof buf), *a = dataset_class_text(&got, 3, 0,
			    buf + 32, 32);

			ok(want[i].c0 == NULL ? *t == '\0' && *a == '\0' :
			    want[i].g0 == NULL ? strcmp(t, want[i].c3) == 0 &&
			    strcmp(a, want[i].c3) == 0 :
			    strcmp(t, "tsu \xe3\x81\xa4") == 0 &&
			    strcmp(a, "tsu") == 0,
			    "--dataset %s: class 3 shown as '%s' (UTF-8), '%s' "
			    "(ASCII)", in->key, t, a);
		}
		if (want[i].g0 != NULL)
			ok(got.class_glyph[0] != NULL &&
			    strcmp(got.class_glyph[0], want[i].g0) == 0 &&
			    got.class_glyph[9] != NULL &&
			    strcmp(got.class_glyph[9], "\xe3\x82\x92") == 0,
			    "--dataset %s: the classes in hiragana too (%s, %s)",
			    in->key, got.class_glyph[0], got.class_glyph[9]);
		dataset_free(&got);
	}
}

/* A torchvision root with all three sets: each name takes its own. */
static void
test_kind_layouts(void)
{
	static const char *const tv[3] = { "MNIST", "FashionMNIST", "KMNIST" };
	char root[512], dir[600], out[4096], err[8192];

	snprintf(root, sizeof root, "%s/tvall", tmpdir);
	for (int i = 0; i < 3; i++) {
		snprintf(dir, sizeof dir, "%s/%s/raw", root, tv[i]);
		fixture(dir, 10 + (size_t)i);
	}
	for (int k = DATASET_MNIST; k < DATASET_NKIND; k++) {
		const dataset_info *in = dataset_info_of((dataset_kind)k);
		dataset got;

		snprintf(dir, sizeof dir, "%s/%s/raw", root, in->torchvision);
		err[0] = '\0';
		ok(dataset_find_kind((dataset_kind)k, root, out, sizeof out,
		    err, sizeof err) == 0 && strcmp(out, dir) == 0 &&
		    dataset_load_kind(&got, (dataset_kind)k, out, 0, 0, err,
		    sizeof err) == 0 && got.train.n == (size_t)(9 + k),
		    "--dataset %s --data <torchvision root>: %s (%s)", in->key,
		    out, err);
		if (got.train.pix != NULL)
			dataset_free(&got);
	}
	/* Without a name, a root is MNIST first, as before --dataset. */
	ok(dataset_find(root, out, sizeof out, err, sizeof err) == 0 &&
	    strstr(out, "/MNIST/raw") != NULL, "no --dataset: the root's "
	    "MNIST (%s)", out);

	/* A --data that names another set is refused, not mislabelled. */
	snprintf(dir, sizeof dir, "%s/Fashion-MNIST", tmpdir);
	ok(dataset_find_kind(DATASET_MNIST, dir, out, sizeof out, err,
	    sizeof err) == -1 && strstr(err, "that is Fashion-MNIST, not "
	    "MNIST") != NULL && strstr(err, "--dataset fashion") != NULL,
	    "--dataset mnist --data .../Fashion-MNIST: '%s'", err);
	ok(dataset_find_kind(DATASET_KMNIST, dir, out, sizeof out, err,
	    sizeof err) == -1 && strstr(err, "not KMNIST") != NULL,
	    "--dataset kmnist --data .../Fashion-MNIST: '%s'", err);
	snprintf(dir, sizeof dir, "%s/nothing", tmpdir);
	mkdirs(dir, "");
	ok(dataset_find_kind(DATASET_KMNIST, dir, out, sizeof out, err,
	    sizeof err) == -1 && strstr(err, "KMNIST not found there") !=
	    NULL && strstr(err, "KMNIST/raw/") != NULL && strstr(err,
	    "kmnist/") != NULL, "--dataset kmnist, empty --data: '%s'", err);
}

/* Each set's own search path; $NOISETOP_DATA on MNIST is not taken for
 * another set. */
static void
test_kind_search(void)
{
	const char *sys = dataset_info_of(DATASET_FASHION)->system;
	char dir[600], want[600], list[8192], out[4096], err[8192];

	snprintf(dir, sizeof dir, "%s/s/mnist-here", tmpdir);
	fixture(dir, 10);
	setenv("NOISETOP_DATA", dir, 1);
	snprintf(dir, sizeof dir, "%s/s/xdg", tmpdir);
	setenv("XDG_CACHE_HOME", dir, 1);
	snprintf(dir, sizeof dir, "%s/s/home", tmpdir);
	setenv("HOME", dir, 1);
	unsetenv("KERAS_HOME");

	dataset_search_path_kind(DATASET_KMNIST, list, sizeof list);
	snprintf(want, sizeof want, "%s/s/mnist-here, data/kmnist, "
	    "data/KMNIST/raw, %s/s/xdg/noisetop/kmnist", tmpdir, tmpdir);
	ok(strcmp(list, want) == 0, "KMNIST's search path: %s", list);
	dataset_search_path_kind(DATASET_FASHION, list, sizeof list);
	ok(strstr(list, "data/fashion, data/FashionMNIST/raw, ") != NULL &&
	    strstr(list, "/s/home/.keras/datasets/fashion-mnist, "
	    "/usr/share/datasets/fashion-mnist") != NULL,
	    "Fashion-MNIST's search path: %s", list);

	ok(dataset_find_kind(DATASET_KMNIST, NULL, out, sizeof out, err,
	    sizeof err) == -1 && strstr(err, "KMNIST not found (looked in "
	    "") != NULL && strstr(err, "make data DATASET=kmnist") != NULL &&
	    strstr(err, "mnist-here") != NULL,
	    "no KMNIST: not the MNIST in $NOISETOP_DATA, an error: '%s'", err);
	if (access(sys, R_OK) != 0)
		ok(dataset_find_kind(DATASET_FASHION, NULL, out, sizeof out,
		    err, sizeof err) == -1 && strstr(err, "install "
		    "dataset-fashion-mnist") != NULL, "no Fashion-MNIST: "
		    "'%s'", err);
	else
		ok(dataset_find_kind(DATASET_FASHION, NULL, out, sizeof out,
		    err, sizeof err) == 0 && strcmp(out, sys) == 0,
		    "Fashion-MNIST from Debian's dataset-fashion-mnist: %s",
		    out);
	ok(dataset_find_kind(DATASET_MNIST, NULL, out, sizeof out, err,
	    sizeof err) == 0 && strstr(out, "mnist-here") != NULL,
	    "MNIST still from $NOISETOP_DATA: %s", out);

	snprintf(dir, sizeof dir, "%s/s/xdg/noisetop/kmnist", tmpdir);
	fixture(dir, 11);
	ok(dataset_find_kind(DATASET_KMNIST, NULL, out, sizeof out, err,
	    sizeof err) == 0 && strcmp(out, dir) == 0,
	    "KMNIST in the XDG cache: %s", out);
	snprintf(dir, sizeof dir, "%s/s/home/.keras/datasets/fashion-mnist",
	    tmpdir);
	fixture(dir, 12);
	ok(dataset_find_kind(DATASET_FASHION, NULL, out, sizeof out, err,
	    sizeof err) == 0 && strcmp(out, dir) == 0,
	    "Fashion-MNIST in Keras's ~/.keras/datasets/fashion-mnist: %s",
	    out);

	/* $NOISETOP_DATA as a root of several sets, or naming one. */
	snprintf(dir, sizeof dir, "%s/s/root/kmnist", tmpdir);
	fixture(dir, 13);
	snprintf(dir, sizeof dir, "%s/s/root", tmpdir);
	setenv("NOISETOP_DATA", dir, 1);
	ok(dataset_find_kind(DATASET_KMNIST, NULL, out, sizeof out, err,
	    sizeof err) == 0 && strstr(out, "/s/root/kmnist") != NULL,
	    "$NOISETOP_DATA as a root: its kmnist/ (%s)", out);
	snprintf(dir, sizeof dir, "%s/Fashion-MNIST", tmpdir);
	setenv("NOISETOP_DATA", dir, 1);
	ok(dataset_find_kind(DATASET_FASHION, NULL, out, sizeof out, err,
	    sizeof err) == 0 && strcmp(out, dir) == 0,
	    "$NOISETOP_DATA naming Fashion-MNIST: %s", out);
	ok(dataset_find_kind(DATASET_MNIST, NULL, out, sizeof out, err,
	    sizeof err) == -1 || strcmp(out, dir) != 0,
	    "... is not taken for --dataset mnist (%s)", err);
	ok(dataset_find(NULL, out, sizeof out, err, sizeof err) == 0 &&
	    strcmp(out, dir) == 0, "... but is without --dataset, as before");
	unsetenv("NOISETOP_DATA");
}

static void
test_synthetic_set(void)
{
	dataset ds;
	char    err[1024];
	size_t  count[10] = { 0 };
	int     balanced = 1;

	ok(dataset_synthetic(&ds, 42, 200, 30, err, sizeof err) == 0 &&
	    ds.train.n == 200 && ds.test.n == 30 && ds.synthetic == 1 &&
	    ds.kind == DATASET_MNIST &&
	    strcmp(ds.name, "SYNTHETIC") == 0 && ds.class_name[0] == NULL &&
	    strcmp(ds.source, "SYNTHETIC digits, seed 42 (no MNIST found: run "
	    "make data)") == 0, "synthetic set: %s", ds.source);
	for (size_t i = 0; i < ds.train.n; i++)
		count[ds.train.label[i] % 10]++;
	for (int c = 0; c < 10; c++)
		balanced &= count[c] == 20;
	ok(balanced, "synthetic labels balanced: 20 of each digit in 200");
	dataset_free(&ds);
	dataset_free(&ds);
	ok(ds.train.pix == NULL, "dataset_free twice is safe");
}

int
main(void)
{
	char mnist[4096];
	int  have = test_mnist_dir(mnist, sizeof mnist) == 0;
	char cmd[512];

	if (have && mnist[0] != '/') {
		char abs[4096];
		if (realpath(mnist, abs) != NULL)
			snprintf(mnist, sizeof mnist, "%s", abs);
	}
	snprintf(tmpdir, sizeof tmpdir, "/tmp/noisetop-dataset-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return skip_all("cannot make a temporary directory");

	test_fashion();
	if (have)
		test_real(mnist);
	else
		skip("real MNIST absent (set NOISETOP_DATA or run make data): "
		    "torchvision and Keras layouts untested");
	test_search();
	test_synthetic_set();
	test_kind_names();
	test_kind_layouts();
	test_kind_search();

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpdir);
	return tap_done();
}
