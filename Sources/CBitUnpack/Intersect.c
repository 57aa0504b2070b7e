// Intersection of two blocks of ascending doc ids (see include/CBitUnpack.h for the contract). SSE2 only,
// which every x86-64 CPU has, so no CPUID check; elsewhere a scalar merge gives the same result.
#include "CBitUnpack.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <emmintrin.h>

// For a 4-bit lane mask: the indices of its set lanes, packed one per byte from the lowest (unused bytes
// zero), and how many there are.
static const uint32_t vs_lane_indices[16] = {
    0x00000000u, 0x00000000u, 0x00000001u, 0x00000100u, 0x00000002u, 0x00000200u, 0x00000201u, 0x00020100u,
    0x00000003u, 0x00000300u, 0x00000301u, 0x00030100u, 0x00000302u, 0x00030200u, 0x00030201u, 0x03020100u,
};
static const uint8_t vs_lane_counts[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};

#endif

size_t vs_intersect_slots(const uint32_t *a, size_t ia, size_t na, const uint32_t *b, size_t ib, size_t nb,
                          uint8_t *slots_a, uint8_t *slots_b) {
    size_t found = 0;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    // Four ids of each list per step, every pair compared (the second list's window rotated three times);
    // the window whose last id is not above the other's moves on (both when equal), so every pair of ids
    // that can be equal meets in exactly one step and matches come out in ascending order. The step has no
    // branch on the data: the matched lanes' slots are written with a table look-up and counted.
    // Whole windows only; the last few ids of either block go to the scalar merge below.
    while (ia + 4 <= na && ib + 4 <= nb) {
        const __m128i va = _mm_loadu_si128((const __m128i *)(const void *)(a + ia));
        const __m128i vb = _mm_loadu_si128((const __m128i *)(const void *)(b + ib));
        // c_r's lane l compares a's lane l with b's lane (l + r) mod 4; rotated back, its lane l tells b's lane l.
        const __m128i c0 = _mm_cmpeq_epi32(va, vb);
        const __m128i c1 = _mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, _MM_SHUFFLE(0, 3, 2, 1)));
        const __m128i c2 = _mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, _MM_SHUFFLE(1, 0, 3, 2)));
        const __m128i c3 = _mm_cmpeq_epi32(va, _mm_shuffle_epi32(vb, _MM_SHUFFLE(2, 1, 0, 3)));
        const __m128i in_a = _mm_or_si128(_mm_or_si128(c0, c1), _mm_or_si128(c2, c3));
        const __m128i in_b = _mm_or_si128(
            _mm_or_si128(c0, _mm_shuffle_epi32(c1, _MM_SHUFFLE(2, 1, 0, 3))),
            _mm_or_si128(_mm_shuffle_epi32(c2, _MM_SHUFFLE(1, 0, 3, 2)), _mm_shuffle_epi32(c3, _MM_SHUFFLE(0, 3, 2, 1))));
        const unsigned mask_a = (unsigned)_mm_movemask_ps(_mm_castsi128_ps(in_a));
        const unsigned mask_b = (unsigned)_mm_movemask_ps(_mm_castsi128_ps(in_b));
        const uint32_t lanes_a = vs_lane_indices[mask_a] + (uint32_t)ia * 0x01010101u;
        const uint32_t lanes_b = vs_lane_indices[mask_b] + (uint32_t)ib * 0x01010101u;
        memcpy(slots_a + found, &lanes_a, 4);
        memcpy(slots_b + found, &lanes_b, 4);
        found += vs_lane_counts[mask_a];
        const uint32_t last_a = a[ia + 3], last_b = b[ib + 3];
        ia += last_a <= last_b ? 4 : 0;
        ib += last_b <= last_a ? 4 : 0;
    }
#endif
    while (ia < na && ib < nb) {
        const uint32_t x = a[ia], y = b[ib];
        if (x == y) {
            slots_a[found] = (uint8_t)ia;
            slots_b[found] = (uint8_t)ib;
            found += 1;
        }
        ia += x <= y ? 1 : 0;
        ib += y <= x ? 1 : 0;
    }
    return found;
}
