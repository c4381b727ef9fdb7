/*
 * Finding and loading a data set: Fashion-MNIST by its directory name,
 * real MNIST through the torchvision and Keras layouts, the search order
 * (--data, $NOISETOP_DATA, ./data, the XDG cache, ~/.keras) and the
 * synthetic set.
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

static void
test_synthetic_set(void)
{
	dataset ds;
	char    err[1024];
	size_t  count[10] = { 0 };
	int     balanced = 1;

	ok(dataset_synthetic(&ds, 42, 200, 30, err, sizeof err) == 0 &&
	    ds.train.n == 200 && ds.test.n == 30 && ds.synthetic == 1 &&
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

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpdir);
	return tap_done();
}
