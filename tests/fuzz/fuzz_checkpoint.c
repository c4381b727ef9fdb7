/* libFuzzer target: the checkpoint reader. */
#include <stddef.h>
#include <stdint.h>

#include "runs/checkpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	checkpoint ck;
	char       err[512];

	if (checkpoint_parse("fuzz", data, size, &ck, err, sizeof err) == 0) {
		volatile float sum = 0;
		for (size_t i = 0; i < ck.nparam; i++)
			sum += ck.param[i] + ck.m[i] + ck.v[i];
		for (int e = 0; e < ck.nhist; e++)
			sum += (float)ck.hist[e].acc;
		checkpoint_free(&ck);
	}
	return 0;
}
