// AVX2 check of UTF-8 well-formedness (see include/CBitUnpack.h for the contract), for the CLI's JSONL
// reader. The method is the one published by Keiser and Lemire ("Validating UTF-8 in less than one
// instruction per byte", 2021): every error of Unicode's table 3-7 shows in the high nibble of a byte,
// the high nibble of the byte before it and the low nibble of the byte before it, so three 16-entry table
// look-ups (vpshufb) per 32 bytes, ANDed, flag each error class as a bit; the only exception, a third or
// fourth byte of a sequence, is told apart by the bytes two and three back. Written for this project from
// the paper's description; runs only where CPUID says AVX2 (the same switch as the bit-unpacking kernels).
#include "CBitUnpack.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

// Error classes: a bit each, set in all three tables where the class can occur.
#define VS_TOO_SHORT (1 << 0)       // a lead byte not followed by a continuation byte
#define VS_TOO_LONG (1 << 1)        // an ASCII byte followed by a continuation byte
#define VS_OVERLONG_3 (1 << 2)      // E0 80..9F
#define VS_TOO_LARGE (1 << 3)       // F4 90..BF, F5..FF then 90..BF
#define VS_SURROGATE (1 << 4)       // ED A0..BF
#define VS_OVERLONG_2 (1 << 5)      // C0, C1 then a continuation byte
#define VS_TOO_LARGE_1000 (1 << 6)  // F5..FF then 80..8F
#define VS_OVERLONG_4 (1 << 6)      // F0 80..8F (shares the bit: the lead's low nibble tells them apart)
#define VS_TWO_CONTS (1 << 7)       // two continuation bytes: an error unless third or fourth of a sequence
// Classes that do not depend on the previous byte's low nibble.
#define VS_CARRY (VS_TOO_SHORT | VS_TOO_LONG | VS_TWO_CONTS)

#define VS_TABLE(...) _mm256_setr_epi8(__VA_ARGS__, __VA_ARGS__)

__attribute__((target("avx2"))) static inline __m256i vs_high_nibbles(__m256i bytes) {
    return _mm256_and_si256(_mm256_srli_epi16(bytes, 4), _mm256_set1_epi8(0x0F));
}

/// The 32 bytes `k` (1...3) positions before each byte of `input`, taking them from `previous` where they
/// lie before `input`.
#define VS_BEFORE(input, previous, k) \
    _mm256_alignr_epi8((input), _mm256_permute2x128_si256((previous), (input), 0x21), 16 - (k))

/// Error bits (nonzero if `input`, following `previous`, breaks a sequence).
__attribute__((target("avx2"))) static inline __m256i vs_utf8_errors(__m256i input, __m256i previous) {
    const __m256i previousHigh = VS_TABLE(
        VS_TOO_LONG, VS_TOO_LONG, VS_TOO_LONG, VS_TOO_LONG, VS_TOO_LONG, VS_TOO_LONG, VS_TOO_LONG, VS_TOO_LONG,
        VS_TWO_CONTS, VS_TWO_CONTS, VS_TWO_CONTS, VS_TWO_CONTS,
        VS_TOO_SHORT | VS_OVERLONG_2,
        VS_TOO_SHORT,
        VS_TOO_SHORT | VS_OVERLONG_3 | VS_SURROGATE,
        VS_TOO_SHORT | VS_TOO_LARGE | VS_TOO_LARGE_1000 | VS_OVERLONG_4);
    const __m256i previousLow = VS_TABLE(
        VS_CARRY | VS_OVERLONG_3 | VS_OVERLONG_2 | VS_OVERLONG_4,
        VS_CARRY | VS_OVERLONG_2,
        VS_CARRY,
        VS_CARRY,
        VS_CARRY | VS_TOO_LARGE,
        VS_CARRY | VS_TOO_LARGE | VS_TOO_LARGE_1000, VS_CARRY | VS_TOO_LARGE | VS_TOO_LARGE_1000,
        VS_CARRY | VS_TOO_LARGE | VS_TOO_LARGE_1000, VS_CARRY | VS_TOO_LARGE | VS_TOO_LARGE_1000,
        VS_CARRY | VS_TOO_LARGE | VS_TOO_LARGE_1000, VS_CARRY | VS_TOO_LARGE | VS_TOO_LARGE_1000,
        VS_CARRY | VS_TOO_LARGE | VS_TOO_LARGE_1000, VS_CARRY | VS_TOO_LARGE | VS_TOO_LARGE_1000,
        VS_CARRY | VS_TOO_LARGE | VS_TOO_LARGE_1000 | VS_SURROGATE,
        VS_CARRY | VS_TOO_LARGE | VS_TOO_LARGE_1000, VS_CARRY | VS_TOO_LARGE | VS_TOO_LARGE_1000);
    const __m256i currentHigh = VS_TABLE(
        VS_TOO_SHORT, VS_TOO_SHORT, VS_TOO_SHORT, VS_TOO_SHORT, VS_TOO_SHORT, VS_TOO_SHORT, VS_TOO_SHORT, VS_TOO_SHORT,
        VS_TOO_LONG | VS_OVERLONG_2 | VS_TWO_CONTS | VS_OVERLONG_3 | VS_TOO_LARGE_1000 | VS_OVERLONG_4,
        VS_TOO_LONG | VS_OVERLONG_2 | VS_TWO_CONTS | VS_OVERLONG_3 | VS_TOO_LARGE,
        VS_TOO_LONG | VS_OVERLONG_2 | VS_TWO_CONTS | VS_SURROGATE | VS_TOO_LARGE,
        VS_TOO_LONG | VS_OVERLONG_2 | VS_TWO_CONTS | VS_SURROGATE | VS_TOO_LARGE,
        VS_TOO_SHORT, VS_TOO_SHORT, VS_TOO_SHORT, VS_TOO_SHORT);
    __m256i before1 = VS_BEFORE(input, previous, 1);
    __m256i special = _mm256_and_si256(
        _mm256_and_si256(_mm256_shuffle_epi8(previousHigh, vs_high_nibbles(before1)),
                         _mm256_shuffle_epi8(previousLow, _mm256_and_si256(before1, _mm256_set1_epi8(0x0F)))),
        _mm256_shuffle_epi8(currentHigh, vs_high_nibbles(input)));
    // Third byte of a three- or four-byte sequence (E0 or above two back) or fourth of a four-byte one
    // (F0 or above three back): these must be continuation bytes, and `special` says TWO_CONTS exactly there.
    __m256i third = _mm256_subs_epu8(VS_BEFORE(input, previous, 2), _mm256_set1_epi8((char)(0xE0 - 0x80)));
    __m256i fourth = _mm256_subs_epu8(VS_BEFORE(input, previous, 3), _mm256_set1_epi8((char)(0xF0 - 0x80)));
    __m256i mustContinue = _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8((char)0x80));
    return _mm256_xor_si256(mustContinue, special);
}

__attribute__((target("avx2"))) static int vs_utf8_check_avx2(const uint8_t *bytes, size_t count) {
    __m256i previous = _mm256_setzero_si256();
    __m256i errors = _mm256_setzero_si256();
    __m256i any = _mm256_setzero_si256();
    size_t index = 0;
    for (; index + 32 <= count; index += 32) {
        __m256i input = _mm256_loadu_si256((const __m256i *)(bytes + index));
        errors = _mm256_or_si256(errors, vs_utf8_errors(input, previous));
        any = _mm256_or_si256(any, input);
        previous = input;
    }
    // The last bytes, zero-padded (all zeros when none are left): a zero is not a continuation byte, so a
    // sequence cut off by the end fails as one cut off by any other byte does.
    uint8_t tail[32] = {0};
    memcpy(tail, bytes + index, count - index);
    __m256i input = _mm256_loadu_si256((const __m256i *)tail);
    errors = _mm256_or_si256(errors, vs_utf8_errors(input, previous));
    any = _mm256_or_si256(any, input);
    if (!_mm256_testz_si256(errors, errors)) return 0;
    return _mm256_movemask_epi8(any) == 0 ? 2 : 1;
}

int vs_utf8_check(const uint8_t *bytes, size_t count) {
    if (!vs_unpack_simd_enabled()) return -1;
    if (count == 0) return 2;
    return vs_utf8_check_avx2(bytes, count);
}

#else

int vs_utf8_check(const uint8_t *bytes, size_t count) {
    (void)bytes;
    (void)count;
    return -1;
}

#endif
