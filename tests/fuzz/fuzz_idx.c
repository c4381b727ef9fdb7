/* libFuzzer target: the IDX reader, raw and gzip, as labels and images. */
#include <stddef.h>
#include <stdint.h>

#include "data/idx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	idx_array a;
	char      err[512];

	for (int ndim = 1; ndim <= 3; ndim += 2) {
		if (idx_parse("fuzz", data, size, ndim, &a, err,
		    sizeof err) == 0) {
			/* Touch every byte the reader claims to own. */
			volatile uint8_t sum = 0;
			for (size_t i = 0; i < a.size; i++)
				sum += a.data[i];
			idx_free(&a);
		}
	}
	return 0;
}
