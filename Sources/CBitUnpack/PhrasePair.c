// The exact-phrase join of two keys on one document when both have few positions (see include/CBitUnpack.h,
// vs_phrase_pair_small).
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

/// The mask of a vector's lanes in play: a key of `count` values, the vector holding its values from index
/// `first_lane` on. The masked loads under it read nothing past the key's values and fault on nothing masked off.
__attribute__((target("avx2"))) static inline __m256i vs_lanes(size_t count, int first_lane) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count - first_lane), lane);
}

/// One key's 8 lanes as the other key looks them up: its targets p + distance for the starts in play (p ≥
/// min_start), a value no position in play can equal elsewhere (positions in play are below 2^30).
__attribute__((target("avx2"))) static inline __m256i vs_targets(__m256i positions, __m256i lanes, uint32_t distance,
                                                                 uint32_t min_start) {
    const __m256i starts = _mm256_and_si256(lanes, _mm256_cmpgt_epi32(positions, _mm256_set1_epi32((int)min_start - 1)));
    return _mm256_blendv_epi8(_mm256_set1_epi32((int)0xFFFFFFFEu),
                              _mm256_add_epi32(positions, _mm256_set1_epi32((int)distance)), starts);
}

/// The other key's 8 lanes: its positions in play, elsewhere a value no target can equal.
__attribute__((target("avx2"))) static inline __m256i vs_others(__m256i positions, __m256i lanes) {
    return _mm256_blendv_epi8(_mm256_set1_epi32((int)0xFFFFFFFFu), positions, lanes);
}

/// A value of 2^26 or more among `values`: 16 sums of them might not stay below 2^30 (the caller then sums in
/// 64 bits and checks 2^32).
__attribute__((target("avx2"))) static inline int vs_any_wide(__m256i values) {
    return !_mm256_testz_si256(values, _mm256_set1_epi32((int)0xFC000000u));
}

/// Rotation r of the 8 lanes (lane l takes lane (l + r) mod 8).
#define VS_ROTATION(r) _mm256_setr_epi32((r) & 7, (r + 1) & 7, (r + 2) & 7, (r + 3) & 7, (r + 4) & 7, (r + 5) & 7, \
                                         (r + 6) & 7, (r + 7) & 7)

/// Both keys with at most 8 positions: one vector each.
__attribute__((target("avx2"))) static int vs_phrase_pair8_avx2(const uint32_t *first, size_t first_count,
                                                                 const uint32_t *second, size_t second_count,
                                                                 uint32_t distance, uint32_t min_start) {
    const __m256i first_lanes = vs_lanes(first_count, 0), second_lanes = vs_lanes(second_count, 0);
    const __m256i first_values = _mm256_maskload_epi32((const int *)(const void *)first, first_lanes);
    const __m256i second_values = _mm256_maskload_epi32((const int *)(const void *)second, second_lanes);
    if (vs_any_wide(_mm256_or_si256(first_values, second_values))) return -1;
    const __m256i targets = vs_targets(vs_positions8(first_values), first_lanes, distance, min_start);
    const __m256i others = vs_others(vs_positions8(second_values), second_lanes);
    // Every target against every other position: the others rotated through the 8 lanes.
    __m256i found = _mm256_cmpeq_epi32(targets, others);
    for (int turn = 1; turn < 8; turn++) {
        found = _mm256_or_si256(found, _mm256_cmpeq_epi32(targets, _mm256_permutevar8x32_epi32(others, VS_ROTATION(turn))));
    }
    // Positions of a key are distinct, so each target matches at most one other position.
    return __builtin_popcount((unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(found)));
}

/// Up to 16 positions a key: two vectors each, the second's positions carried on from the first's last lane.
__attribute__((target("avx2"))) static int vs_phrase_pair16_avx2(const uint32_t *first, size_t first_count,
                                                                  const uint32_t *second, size_t second_count,
                                                                  uint32_t distance, uint32_t min_start) {
    const __m256i first_low_lanes = vs_lanes(first_count, 0), first_high_lanes = vs_lanes(first_count, 8);
    const __m256i second_low_lanes = vs_lanes(second_count, 0), second_high_lanes = vs_lanes(second_count, 8);
    // A key of 8 or fewer has no lane in play in its high vector: that load reads nothing.
    const __m256i first_low = _mm256_maskload_epi32((const int *)(const void *)first, first_low_lanes);
    const __m256i first_high = _mm256_maskload_epi32((const int *)(const void *)(first + 8), first_high_lanes);
    const __m256i second_low = _mm256_maskload_epi32((const int *)(const void *)second, second_low_lanes);
    const __m256i second_high = _mm256_maskload_epi32((const int *)(const void *)(second + 8), second_high_lanes);
    if (vs_any_wide(_mm256_or_si256(_mm256_or_si256(first_low, first_high), _mm256_or_si256(second_low, second_high)))) {
        return -1;
    }
    const __m256i last_lane = _mm256_set1_epi32(7), one = _mm256_set1_epi32(1);
    const __m256i first_low_positions = vs_positions8(first_low);
    const __m256i first_high_positions = _mm256_add_epi32(
        vs_positions8(first_high), _mm256_add_epi32(_mm256_permutevar8x32_epi32(first_low_positions, last_lane), one));
    const __m256i second_low_positions = vs_positions8(second_low);
    const __m256i second_high_positions = _mm256_add_epi32(
        vs_positions8(second_high), _mm256_add_epi32(_mm256_permutevar8x32_epi32(second_low_positions, last_lane), one));
    const __m256i targets_low = vs_targets(first_low_positions, first_low_lanes, distance, min_start);
    const __m256i targets_high = vs_targets(first_high_positions, first_high_lanes, distance, min_start);
    const __m256i others_low = vs_others(second_low_positions, second_low_lanes);
    const __m256i others_high = vs_others(second_high_positions, second_high_lanes);
    __m256i found_low = _mm256_setzero_si256(), found_high = _mm256_setzero_si256();
    for (int turn = 0; turn < 8; turn++) {
        const __m256i low = _mm256_permutevar8x32_epi32(others_low, VS_ROTATION(turn));
        const __m256i high = _mm256_permutevar8x32_epi32(others_high, VS_ROTATION(turn));
        found_low = _mm256_or_si256(found_low, _mm256_or_si256(_mm256_cmpeq_epi32(targets_low, low),
                                                               _mm256_cmpeq_epi32(targets_low, high)));
        found_high = _mm256_or_si256(found_high, _mm256_or_si256(_mm256_cmpeq_epi32(targets_high, low),
                                                                 _mm256_cmpeq_epi32(targets_high, high)));
    }
    return __builtin_popcount((unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(found_low))) +
           __builtin_popcount((unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(found_high)));
}

#endif

int vs_phrase_pair_small(const uint32_t *first, size_t first_count, const uint32_t *second, size_t second_count,
                         uint32_t distance, uint32_t min_start) {
#ifdef VS_HAVE_X86_PAIR_KERNEL
    if (first_count - 1 >= 16 || second_count - 1 >= 16 || min_start > 1024 || distance + 1024u > 2048u ||
        min_start + distance > 2048u || !vs_simd_on_once_known()) {
        return -1;
    }
    if (((first_count - 1) | (second_count - 1)) < 8) {
        return vs_phrase_pair8_avx2(first, first_count, second, second_count, distance, min_start);
    }
    return vs_phrase_pair16_avx2(first, first_count, second, second_count, distance, min_start);
#else
    (void)first, (void)first_count, (void)second, (void)second_count, (void)distance, (void)min_start;
    return -1;
#endif
}
