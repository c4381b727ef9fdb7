/* The run-time SIMD policy shared by the kernel modules. */
#include "base/simd.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

static const char *const names[SIMD_NLEVELS] = { "portable", "avx2",
	"avx512" };

int
simd_cpu_has(int level)
{
	switch (level) {
	case SIMD_PORTABLE:
		return 1;
#if defined(__x86_64__) || defined(__i386__)
	case SIMD_AVX2:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx2") &&
		    __builtin_cpu_supports("fma");
	case SIMD_AVX512:
		/* libgcc checks that the OS saves the zmm and mask state */
		__builtin_cpu_init();
		return simd_cpu_has(SIMD_AVX2) &&
		    __builtin_cpu_supports("avx512f") &&
		    __builtin_cpu_supports("avx512bw") &&
		    __builtin_cpu_supports("avx512dq") &&
		    __builtin_cpu_supports("avx512vl");
#endif
	default:
		return 0;
	}
}

int
simd_level_of(const char *name)
{
	for (int l = 0; l < SIMD_NLEVELS; l++)
		if (strcmp(name, names[l]) == 0)
			return l;
	return -1;
}

const char *
simd_level_name(int level)
{
	return level >= 0 && level < SIMD_NLEVELS ? names[level] : "?";
}

int
simd_default(void)
{
	const char *env = getenv("NOISETOP_SIMD");
	int         want = env != NULL ? simd_level_of(env) : -1;
	int         best = SIMD_PORTABLE;

	for (int l = SIMD_NLEVELS - 1; l > SIMD_PORTABLE; l--)
		if (simd_cpu_has(l)) {
			best = l;
			break;
		}
	return want >= 0 && want < best ? want : best;
}

int
simd_pick(unsigned mask, int want)
{
	for (int l = want < SIMD_NLEVELS ? want : SIMD_NLEVELS - 1; l > 0; l--)
		if ((mask & 1u << l) && simd_cpu_has(l))
			return l;
	return SIMD_PORTABLE;
}

int
simd_force(unsigned mask, const char *name, int *level)
{
	int l = simd_level_of(name);

	if (l < 0 || !(mask & 1u << l) || !simd_cpu_has(l))
		return -1;
	*level = l;
	return 0;
}

int
simd_has_avx512_bf16(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;

	/* CPUID.(EAX=7,ECX=1):EAX bit 5 */
	if (!simd_cpu_has(SIMD_AVX512) || !__get_cpuid_count(7, 1, &a, &b, &c,
	    &d))
		return 0;
	return (a >> 5) & 1;
#else
	return 0;
#endif
}

int
simd_has_amx_bf16(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;

	/* CPUID.(EAX=7,ECX=0):EDX bit 22 */
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (d >> 22) & 1;
#else
	return 0;
#endif
}
