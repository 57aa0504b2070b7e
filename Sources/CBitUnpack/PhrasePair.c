// The exact-phrase join of two keys on one document when both have few positions (see include/CBitUnpack.h,
// vs_phrase_pair8).
//
// Why a kernel: the Swift joins (`PostingsCursor+PhraseStamps.swift`) sum each key's values into positions
// and look them up in a map, in loops whose trip counts are the keys' tfs, which change from candidate to
// candidate: their exits mispredict, and most phrase candidates fail. Here both keys' values are loaded at once
// (lanes past a key's tf masked off), summed into positions by a prefix sum, and every position of one key is
// compared with every position of the other: a fixed sequence of instructions with no branch on the data.
#include "CBitUnpack.h"
#include "SimdState.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define VS_HAVE_X86_PAIR_KERNEL 1
#include <immintrin.h>
#endif

#ifdef VS_HAVE_X86_PAIR_KERNEL

/// The positions of up to 8 values (first position, then gap − 1) in the lanes of `values`: the inclusive
/// prefix sum of value + 1, minus 1.
__attribute__((target("avx2"))) static inline __m256i vs_positions8(__m256i values) {
    const __m256i one = _mm256_set1_epi32(1);
    __m256i sums = _mm256_add_epi32(values, one);
    // Within each 128-bit half, then the low half's total added to the high half.
    sums = _mm256_add_epi32(sums, _mm256_slli_si256(sums, 4));
    sums = _mm256_add_epi32(sums, _mm256_slli_si256(sums, 8));
    const __m256i low_total = _mm256_permutevar8x32_epi32(sums, _mm256_set1_epi32(3));
    sums = _mm256_add_epi32(sums, _mm256_blend_epi32(_mm256_setzero_si256(), low_total, 0xF0));
    return _mm256_sub_epi32(sums, one);
}

__attribute__((target("avx2"))) static int vs_phrase_pair8_avx2(const uint32_t *first, size_t first_count,
                                                                 const uint32_t *second, size_t second_count,
                                                                 uint32_t distance, uint32_t min_start) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i first_lanes = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)first_count), lane);
    const __m256i second_lanes = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)second_count), lane);
    // Masked loads read nothing past either key's values (no fault, whatever follows them).
    const __m256i first_values = _mm256_maskload_epi32((const int *)(const void *)first, first_lanes);
    const __m256i second_values = _mm256_maskload_epi32((const int *)(const void *)second, second_lanes);
    // A value of 2^27 or more: the sums might not fit the lanes (the caller sums in 64 bits and checks 2^32).
    const __m256i wide = _mm256_set1_epi32((int)0xF8000000u);
    if (!_mm256_testz_si256(_mm256_or_si256(first_values, second_values), wide)) return -1;
    // Below 8 · 2^27 = 2^30 from here, so signed comparisons order them, and p + distance lies in 0 ... 2^30 + 1024
    // for every p ≥ min_start (the caller checked min_start + distance ≥ 0).
    const __m256i first_positions = vs_positions8(first_values);
    const __m256i second_positions = vs_positions8(second_values);
    const __m256i starts = _mm256_and_si256(
        first_lanes, _mm256_cmpgt_epi32(first_positions, _mm256_set1_epi32((int)min_start - 1)));
    // Lanes out of play get values no position in play can equal: positions in play are below 2^31.
    const __m256i targets = _mm256_blendv_epi8(_mm256_set1_epi32((int)0xFFFFFFFEu),
                                               _mm256_add_epi32(first_positions, _mm256_set1_epi32((int)distance)),
                                               starts);
    const __m256i others = _mm256_blendv_epi8(_mm256_set1_epi32((int)0xFFFFFFFFu), second_positions, second_lanes);
    // Every target against every other position: the others rotated through the 8 lanes.
    __m256i found = _mm256_cmpeq_epi32(targets, others);
    __m256i rotation = _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 0);
    const __m256i step = _mm256_set1_epi32(1), seven = _mm256_set1_epi32(7);
    for (int turn = 1; turn < 8; turn++) {
        found = _mm256_or_si256(found, _mm256_cmpeq_epi32(targets, _mm256_permutevar8x32_epi32(others, rotation)));
        rotation = _mm256_and_si256(_mm256_add_epi32(rotation, step), seven);
    }
    // Positions of a key are distinct, so each target matches at most one other position.
    return __builtin_popcount((unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(found)));
}

#endif

int vs_phrase_pair8(const uint32_t *first, size_t first_count, const uint32_t *second, size_t second_count,
                    uint32_t distance, uint32_t min_start) {
#ifdef VS_HAVE_X86_PAIR_KERNEL
    if (first_count - 1 >= 8 || second_count - 1 >= 8 || min_start > 1024 || distance + 1024u > 2048u ||
        min_start + distance > 2048u ||
        !vs_simd_on()) return -1;
    return vs_phrase_pair8_avx2(first, first_count, second, second_count, distance, min_start);
#else
    (void)first, (void)first_count, (void)second, (void)second_count, (void)distance, (void)min_start;
    return -1;
#endif
}
