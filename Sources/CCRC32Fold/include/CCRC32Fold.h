#ifndef VIETSEARCH_CCRC32FOLD_H
#define VIETSEARCH_CCRC32FOLD_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this processor can run `vs_crc32_fold` (x86-64 with PCLMULQDQ and SSE4.1), else 0.
int vs_crc32_fold_available(void);

/// Continues the CRC-32 (zlib's: reflected polynomial 0xEDB88320, pre- and post-inverted) `crc` over the
/// `length` bytes at `bytes`. `length` must be at least 64 and a multiple of 16, and
/// `vs_crc32_fold_available()` must have returned 1; callers checksum any other length with zlib.
uint32_t vs_crc32_fold(uint32_t crc, const unsigned char *bytes, size_t length);

#endif
