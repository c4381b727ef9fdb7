/* libFuzzer target: the npz reader (zip container, deflate, .npy header). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/npz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Touch every byte the reader claims to own. */
static void
touch(npz_array *a)
{
	volatile uint8_t sum = 0;

	for (size_t i = 0; i < a->size; i++)
		sum += a->data[i];
	npz_array_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {
		"x_train", "y_train", "x_test", "y_test",
	};
	uint8_t  *copy = malloc(size ? size : 1);
	npz_file *z;
	npz_array a;
	char      err[512];

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if ((z = npz_open_mem("fuzz.npz", copy, size, err, sizeof err))
	    != NULL) {
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (npz_read_u8(z, names[i], 0, &a, err,
			    sizeof err) == 0)
				touch(&a);
		npz_close(z);
	}
	/* The same bytes as a bare .npy, with any rank and with rank 3. */
	if (npz_parse_npy("fuzz.npy", data, size, 0, &a, err, sizeof err) == 0)
		touch(&a);
	if (npz_parse_npy("fuzz.npy", data, size, 3, &a, err, sizeof err) == 0)
		touch(&a);
	return 0;
}
