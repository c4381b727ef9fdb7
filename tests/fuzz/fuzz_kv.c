/*
 * libFuzzer target: the run files' "key = value" reader, with a callback
 * that reads each value the ways config.txt and state.txt do (a number, a
 * list of layer sizes, text).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/kv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
one_pair(void *arg, const char *key, const char *value, char *err,
    size_t errlen)
{
	int    sizes[8], n = 0;
	double d;
	char   f[32];

	(*(int *)arg)++;
	if (strcmp(key, "layers") == 0)
		return kv_int_list(key, value, 1, 65536, sizes, 8, &n, err,
		    errlen);
	if (kv_num(key, value, -1e12, 1e12, &d, err, errlen) == 0)
		kv_float(f, (float)d);
	return strcmp(key, "stop") == 0 ? -1 : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char  err[512];
	int   pairs = 0;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	kv_parse("fuzz.txt", text, one_pair, &pairs, err, sizeof err);
	free(text);
	return 0;
}
