/* The run-time SIMD policy shared by the kernel modules. */
#include "simd.h"

#include <stdlib.h>
#include <string.h>

int
simd_has_avx2(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
	return 0;
#endif
}

const char *
simd_default(void)
{
	const char *env = getenv("NOISETOP_SIMD");

	if (env != NULL && strcmp(env, "portable") == 0)
		return "portable";
	return simd_has_avx2() ? "avx2" : "portable";
}
