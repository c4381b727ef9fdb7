#ifndef NOISETOP_BYTES_H
#define NOISETOP_BYTES_H

#include <stdint.h>

/*
 * Unsigned integers read from bytes in a fixed order, whatever the CPU's:
 * big-endian for IDX headers, little-endian for zip, .npy and checkpoints.
 * p must hold at least the bytes read.
 */

static inline uint32_t
bytes_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t
bytes_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t
bytes_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

#endif
