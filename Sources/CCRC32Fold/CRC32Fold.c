// CRC-32 (the zlib / PKZIP / segment footer checksum) by carry-less multiplication: 64 bytes folded per
// step, then reduced to 32 bits. The method and its constants are from V. Gopal, E. Ozturk et al., "Fast
// CRC Computation for Generic Polynomials Using PCLMULQDQ Instruction" (Intel, 2009), for the reflected
// polynomial. zlib's table-driven CRC costs ~4 instructions per byte; this ~0.4 on long ranges, and every
// byte a merge reads and writes is checksummed (FORMAT.md, "Checksums"). Same values as zlib (tested).

#include "CCRC32Fold.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

int vs_crc32_fold_available(void) {
    unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    return (ecx & bit_PCLMUL) != 0 && (ecx & bit_SSE4_1) != 0;
}

// One fold step: `x` (128 bits of remainder) times the two constants of `k`, added to `next`.
__attribute__((target("pclmul,sse4.1"), always_inline))
static inline __m128i fold16(__m128i x, __m128i k, __m128i next) {
    __m128i low = _mm_clmulepi64_si128(x, k, 0x00);
    __m128i high = _mm_clmulepi64_si128(x, k, 0x11);
    return _mm_xor_si128(_mm_xor_si128(low, high), next);
}

__attribute__((target("pclmul,sse4.1")))
static uint32_t fold(const unsigned char *p, size_t n, uint32_t state) {
    // x^(4·128+32) and x^(4·128−32) mod P (bit-reflected, shifted): fold four lanes 64 bytes ahead.
    const __m128i fold64 = _mm_set_epi64x(0x01c6e41596, 0x0154442bd4);
    // x^(128+32) and x^(128−32) mod P: fold one lane 16 bytes ahead.
    const __m128i fold16k = _mm_set_epi64x(0x00ccaa009e, 0x01751997d0);
    // x^64 mod P, for 96 → 64 bits.
    const __m128i fold8 = _mm_set_epi64x(0, 0x0163cd6124);
    // P' (the polynomial with its x^32 term) and μ = floor(x^64 / P), for the Barrett reduction.
    const __m128i barrett = _mm_set_epi64x(0x01f7011641, 0x01db710641);
    const __m128i low32 = _mm_setr_epi32(-1, 0, -1, 0);

    __m128i a = _mm_loadu_si128((const __m128i *)p);
    __m128i b = _mm_loadu_si128((const __m128i *)(p + 16));
    __m128i c = _mm_loadu_si128((const __m128i *)(p + 32));
    __m128i d = _mm_loadu_si128((const __m128i *)(p + 48));
    a = _mm_xor_si128(a, _mm_cvtsi32_si128((int)state));
    p += 64;
    n -= 64;
    while (n >= 64) {
        a = fold16(a, fold64, _mm_loadu_si128((const __m128i *)p));
        b = fold16(b, fold64, _mm_loadu_si128((const __m128i *)(p + 16)));
        c = fold16(c, fold64, _mm_loadu_si128((const __m128i *)(p + 32)));
        d = fold16(d, fold64, _mm_loadu_si128((const __m128i *)(p + 48)));
        p += 64;
        n -= 64;
    }
    __m128i x = fold16(a, fold16k, b);
    x = fold16(x, fold16k, c);
    x = fold16(x, fold16k, d);
    while (n >= 16) {
        x = fold16(x, fold16k, _mm_loadu_si128((const __m128i *)p));
        p += 16;
        n -= 16;
    }
    // 128 → 96 → 64 bits.
    __m128i t = _mm_clmulepi64_si128(x, fold16k, 0x10);
    x = _mm_xor_si128(_mm_srli_si128(x, 8), t);
    t = _mm_srli_si128(x, 4);
    x = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x, low32), fold8, 0x00), t);
    // Barrett: 64 → 32 bits.
    t = _mm_clmulepi64_si128(_mm_and_si128(x, low32), barrett, 0x10);
    t = _mm_clmulepi64_si128(_mm_and_si128(t, low32), barrett, 0x00);
    x = _mm_xor_si128(x, t);
    return (uint32_t)_mm_extract_epi32(x, 1);
}

uint32_t vs_crc32_fold(uint32_t crc, const unsigned char *bytes, size_t length) {
    // zlib's CRC is inverted before and after; the folding works on the raw remainder.
    return ~fold(bytes, length, ~crc);
}

#else

int vs_crc32_fold_available(void) { return 0; }

uint32_t vs_crc32_fold(uint32_t crc, const unsigned char *bytes, size_t length) {
    (void)bytes;
    (void)length;
    return crc;
}

#endif
