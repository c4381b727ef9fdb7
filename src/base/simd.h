#ifndef NOISETOP_SIMD_H
#define NOISETOP_SIMD_H

/*
 * The one run-time SIMD policy of the kernel modules (gemm, adam, rng).
 * Levels are ordered: a CPU with a level has every level below it.  The
 * level to start with is the best this CPU has, or NOISETOP_SIMD's
 * (portable|avx2|avx512) when that is lower; each module then takes the
 * best path it has at or below that level (simd_pick).  Each module still
 * owns its kernels and its x_force_kernel() for tests.
 */
enum {
	SIMD_PORTABLE,		/* plain C the compiler vectorises */
	SIMD_AVX2,		/* AVX2 + FMA */
	SIMD_AVX512,		/* AVX-512 F, BW, DQ, VL (and FMA) */
	SIMD_NLEVELS
};

/* 1 when this CPU (and OS) runs level's instructions, else 0. */
int simd_cpu_has(int level);

/* The level named "portable", "avx2" or "avx512", or -1 for another name. */
int simd_level_of(const char *name);

/* The name of a level ("portable", ...), "?" for a bad one. */
const char *simd_level_name(int level);

/* The level to start with, as above. */
int simd_default(void);

/*
 * The level a module uses when it has the paths in mask (bit l set: it has
 * a path for level l; bit SIMD_PORTABLE must be set): the best one at or
 * below want that this CPU runs.
 */
int simd_pick(unsigned mask, int want);

/*
 * For an explicit choice (x_force_kernel): set *level to name's level when
 * the module has it (in mask) and the CPU runs it, and return 0; else
 * return -1 and leave *level as it was.
 */
int simd_force(unsigned mask, const char *name, int *level);

/* 1 when the CPU has AVX512-BF16 (vdpbf16ps) with AVX-512 usable, else 0. */
int simd_has_avx512_bf16(void);

/* 1 when the CPU reports AMX-BF16 tiles, else 0 (no kernel uses them yet). */
int simd_has_amx_bf16(void);

#endif
