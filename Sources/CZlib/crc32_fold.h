#ifndef VIETSEARCH_CRC32_FOLD_H
#define VIETSEARCH_CRC32_FOLD_H

// CRC-32 (the polynomial and bit order of zlib's crc32) by folding with carry-less multiplication:
// Intel's "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ Instruction" (2009), in the
// form Chromium's zlib uses (crc32_simd.c, BSD licence): four 128-bit lanes fold 64 bytes per step,
// then one lane folds 16 bytes per step, then a Barrett reduction. About 0.4 instructions a byte
// against zlib 1.2.13's 3.9 (callgrind); a segment's bytes are checksummed two to three times while
// it is written, which was 3% of indexing (PERFORMANCE.md "Indexing (session 8 …)").
//
// `vietsearch_crc32_fold_available()`: 1 if the CPU has PCLMULQDQ and SSE4.1, else 0 (then only
// zlib's `crc32` may be used). `vietsearch_crc32_fold(crc, buf, len)`: zlib's `crc32(crc, buf, len)`
// (the same value) for `len` >= 64 and a multiple of 16, only where the former returned 1.
// Static inline in this header (not a C target of its own): the Swift compiler generates the code, so
// the binary keeps the DWARF 4 debug information valgrind 3.19 reads (clang's default DWARF 5 made
// callgrind give up on the whole binary).
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

static inline int vietsearch_crc32_fold_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    return (ecx & bit_PCLMUL) != 0 && (ecx & bit_SSE4_1) != 0;
}

__attribute__((target("pclmul,sse4.1")))
static inline uint32_t vietsearch_crc32_fold(uint32_t crc, const unsigned char *buf, size_t len) {
    // The reflected-domain constants of the paper (x^(4*128+32) mod P, ..., and the Barrett pair).
    const __m128i k1k2 = _mm_set_epi64x(0x01c6e41596, 0x0154442bd4);
    const __m128i k3k4 = _mm_set_epi64x(0x00ccaa009e, 0x01751997d0);
    const __m128i k5k0 = _mm_set_epi64x(0, 0x0163cd6124);
    const __m128i poly = _mm_set_epi64x(0x01f7011641, 0x01db710641);
    const __m128i low32 = _mm_setr_epi32(~0, 0, ~0, 0);
    __m128i x1, x2, x3, x4, x5, x6, x7, x8;

    crc = ~crc;
    x1 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(buf + 0x00)), _mm_cvtsi32_si128((int)crc));
    x2 = _mm_loadu_si128((const __m128i *)(buf + 0x10));
    x3 = _mm_loadu_si128((const __m128i *)(buf + 0x20));
    x4 = _mm_loadu_si128((const __m128i *)(buf + 0x30));
    buf += 64;
    len -= 64;
    while (len >= 64) {
        x5 = _mm_clmulepi64_si128(x1, k1k2, 0x00);
        x6 = _mm_clmulepi64_si128(x2, k1k2, 0x00);
        x7 = _mm_clmulepi64_si128(x3, k1k2, 0x00);
        x8 = _mm_clmulepi64_si128(x4, k1k2, 0x00);
        x1 = _mm_clmulepi64_si128(x1, k1k2, 0x11);
        x2 = _mm_clmulepi64_si128(x2, k1k2, 0x11);
        x3 = _mm_clmulepi64_si128(x3, k1k2, 0x11);
        x4 = _mm_clmulepi64_si128(x4, k1k2, 0x11);
        x1 = _mm_xor_si128(_mm_xor_si128(x1, x5), _mm_loadu_si128((const __m128i *)(buf + 0x00)));
        x2 = _mm_xor_si128(_mm_xor_si128(x2, x6), _mm_loadu_si128((const __m128i *)(buf + 0x10)));
        x3 = _mm_xor_si128(_mm_xor_si128(x3, x7), _mm_loadu_si128((const __m128i *)(buf + 0x20)));
        x4 = _mm_xor_si128(_mm_xor_si128(x4, x8), _mm_loadu_si128((const __m128i *)(buf + 0x30)));
        buf += 64;
        len -= 64;
    }
    // Four lanes into one.
    x5 = _mm_clmulepi64_si128(x1, k3k4, 0x00);
    x1 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x1, k3k4, 0x11), x2), x5);
    x5 = _mm_clmulepi64_si128(x1, k3k4, 0x00);
    x1 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x1, k3k4, 0x11), x3), x5);
    x5 = _mm_clmulepi64_si128(x1, k3k4, 0x00);
    x1 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x1, k3k4, 0x11), x4), x5);
    while (len >= 16) {
        x5 = _mm_clmulepi64_si128(x1, k3k4, 0x00);
        x1 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x1, k3k4, 0x11),
                                         _mm_loadu_si128((const __m128i *)buf)), x5);
        buf += 16;
        len -= 16;
    }
    // 128 bits to 64, then Barrett reduction to 32.
    x2 = _mm_clmulepi64_si128(x1, k3k4, 0x10);
    x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), x2);
    x2 = _mm_srli_si128(x1, 4);
    x1 = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x1, low32), k5k0, 0x00), x2);
    x2 = _mm_clmulepi64_si128(_mm_and_si128(x1, low32), poly, 0x10);
    x2 = _mm_clmulepi64_si128(_mm_and_si128(x2, low32), poly, 0x00);
    x1 = _mm_xor_si128(x1, x2);
    return ~(uint32_t)_mm_extract_epi32(x1, 1);
}

#else

static inline int vietsearch_crc32_fold_available(void) { return 0; }

static inline uint32_t vietsearch_crc32_fold(uint32_t crc, const unsigned char *buf, size_t len) {
    (void)buf;
    (void)len;
    return crc;  // never called: vietsearch_crc32_fold_available() is 0
}

#endif

#endif
