#ifndef NOISETOP_TEST_MNIST_PATH_H
#define NOISETOP_TEST_MNIST_PATH_H

/*
 * Where the tests look for real MNIST: $NOISETOP_DATA, the shared copy
 * beside the repository (../shared/data/mnist, as CI lays it out), then the
 * usual search path.  Returns 0 with the directory in out, or -1.
 */
#include <stdlib.h>
#include <string.h>

#include "data/dataset.h"

static int
test_mnist_dir(char *out, size_t outlen)
{
	char        err[8192];
	const char *env = getenv("NOISETOP_DATA");

	if (env != NULL && dataset_find(env, out, outlen, err, sizeof err) == 0)
		return 0;
	if (dataset_find("../shared/data/mnist", out, outlen, err,
	    sizeof err) == 0)
		return 0;
	return dataset_find(NULL, out, outlen, err, sizeof err);
}

#endif
