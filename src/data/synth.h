#ifndef NOISETOP_SYNTH_H
#define NOISETOP_SYNTH_H

#include <stddef.h>
#include <stdint.h>

/*
 * Synthetic handwritten digits, the offline stand-in for MNIST.  Each
 * digit has one or more stroke templates (assets/digits.strokes, compiled
 * into the binary; assets/README.md describes the format).  A sample
 * picks a template, jitters its control points and bends it with a smooth
 * random field, applies its own affine transform (rotation, aspect, shear,
 * sub-pixel shift) and pen width, is drawn anti-aliased as Catmull-Rom
 * strokes fitted to a 20x20 box, then moved so its centre of mass sits at
 * the centre of the 28x28 image, as MNIST's were.
 *
 * Sample i of a split is a pure function of (seed, split, i): its random
 * numbers use key rng_key(seed, RNG_SYNTH, split) at counters i * 256 + k
 * (uniforms from k = 0, normal pairs from k = 128), and its label comes
 * from a shuffle of each block of ten under rng_key(seed, RNG_SYNTH,
 * 16 + split), so any range can be made alone and the set is identical for
 * any number of OpenMP threads.
 */

typedef struct synth_font synth_font;

/* The template text built into the binary (same bytes as the asset). */
const char *synth_builtin_strokes(void);

/*
 * Parse template text.  Returns 0 with *out (free with synth_font_free),
 * or -1 with "line N: defect" in err.  Every digit 0-9 needs a template.
 */
int synth_font_parse(const char *text, synth_font **out, char *err,
    size_t errlen);

/* Accepts NULL. */
void synth_font_free(synth_font *f);

/*
 * The label of sample index of a split: each block of ten consecutive
 * samples holds the digits 0-9 once, in a shuffled order, so every class
 * has n/10 samples (+-1).
 */
uint8_t synth_label(uint64_t seed, int split, size_t index);

/*
 * Draw samples first..first+n-1 of split (0 train, 1 test) into
 * pix[n * 784] and label[n], OpenMP-parallel.  font NULL uses the built-in
 * templates.  Returns 0, or -1 with a message (only if the built-in
 * templates fail to parse, or out of memory).
 */
int synth_generate(const synth_font *font, uint64_t seed, int split,
    size_t first, size_t n, uint8_t *pix, uint8_t *label, char *err,
    size_t errlen);

#endif
