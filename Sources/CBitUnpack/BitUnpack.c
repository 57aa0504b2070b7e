// AVX2 group decoders for bit-packed arrays (see include/CBitUnpack.h for the contract). Compiled for
// baseline x86-64; only the kernels carry the avx2 target attribute, and they run only after CPUID and
// XGETBV said the CPU and the OS support AVX2. Elsewhere (other architectures) they decode nothing.
#include "CBitUnpack.h"
#include "SimdState.h"

#include <stdlib.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define VS_HAVE_X86_KERNELS 1
#include <cpuid.h>
#include <immintrin.h>
#endif

#ifdef VS_HAVE_X86_KERNELS

// The per-width constants. A group of 8 values is loaded into a 256-bit register whose low 128-bit lane
// holds the bytes of values 0–3 and whose high lane those of values 4–7: for w ≤ 8 both lanes hold the
// group's 8 bytes (twice), for w ≤ 16 its 16 bytes, for 17 ≤ w ≤ 24 the low lane bytes 0–15 and the high
// lane bytes ⌊4w/8⌋ ... ⌊4w/8⌋+15. `vpshufb` gathers the (up to 4) bytes holding value i into 32-bit lane
// i (unneeded bytes zeroed: index 0x80), `vpsrlvd` shifts each right by its bit offset, and a mask keeps w bits.
#define VS_LANE_BASE(w, i) (((w) > 16 && (i) >= 4) ? (4 * (w)) / 8 : 0)
#define VS_BYTE(w, i, k)                                                                           \
    (((i) * (w)) / 8 + (k) <= ((i) * (w) + (w) - 1) / 8 ? ((i) * (w)) / 8 + (k) - VS_LANE_BASE(w, i) \
                                                        : 0x80)
#define VS_VALUE_BYTES(w, i) VS_BYTE(w, i, 0), VS_BYTE(w, i, 1), VS_BYTE(w, i, 2), VS_BYTE(w, i, 3)
#define VS_SHUFFLE(w)                                                                              \
    {VS_VALUE_BYTES(w, 0), VS_VALUE_BYTES(w, 1), VS_VALUE_BYTES(w, 2), VS_VALUE_BYTES(w, 3),        \
     VS_VALUE_BYTES(w, 4), VS_VALUE_BYTES(w, 5), VS_VALUE_BYTES(w, 6), VS_VALUE_BYTES(w, 7)}
#define VS_SHIFTS(w)                                                                               \
    {(0 * (w)) % 8, (1 * (w)) % 8, (2 * (w)) % 8, (3 * (w)) % 8,                                   \
     (4 * (w)) % 8, (5 * (w)) % 8, (6 * (w)) % 8, (7 * (w)) % 8}

static const uint8_t vs_shuffles[25][32] __attribute__((aligned(32))) = {
    {0},            VS_SHUFFLE(1),  VS_SHUFFLE(2),  VS_SHUFFLE(3),  VS_SHUFFLE(4),  VS_SHUFFLE(5),
    VS_SHUFFLE(6),  VS_SHUFFLE(7),  VS_SHUFFLE(8),  VS_SHUFFLE(9),  VS_SHUFFLE(10), VS_SHUFFLE(11),
    VS_SHUFFLE(12), VS_SHUFFLE(13), VS_SHUFFLE(14), VS_SHUFFLE(15), VS_SHUFFLE(16), VS_SHUFFLE(17),
    VS_SHUFFLE(18), VS_SHUFFLE(19), VS_SHUFFLE(20), VS_SHUFFLE(21), VS_SHUFFLE(22), VS_SHUFFLE(23),
    VS_SHUFFLE(24),
};

static const uint32_t vs_shifts[25][8] __attribute__((aligned(32))) = {
    {0},           VS_SHIFTS(1),  VS_SHIFTS(2),  VS_SHIFTS(3),  VS_SHIFTS(4),  VS_SHIFTS(5),
    VS_SHIFTS(6),  VS_SHIFTS(7),  VS_SHIFTS(8),  VS_SHIFTS(9),  VS_SHIFTS(10), VS_SHIFTS(11),
    VS_SHIFTS(12), VS_SHIFTS(13), VS_SHIFTS(14), VS_SHIFTS(15), VS_SHIFTS(16), VS_SHIFTS(17),
    VS_SHIFTS(18), VS_SHIFTS(19), VS_SHIFTS(20), VS_SHIFTS(21), VS_SHIFTS(22), VS_SHIFTS(23),
    VS_SHIFTS(24),
};

#define VS_KERNEL static inline __attribute__((target("avx2"), always_inline))

/// The group at `source` in a register as described above. `shape` is 8, 16 or 24 (the widths up to it
/// load alike; a constant in each loop); `highOffset` is ⌊4w/8⌋, where the high lane's bytes start for w > 16.
VS_KERNEL __m256i vs_load_group(const uint8_t *source, unsigned shape, size_t highOffset) {
    if (shape <= 8) return _mm256_broadcastq_epi64(_mm_loadl_epi64((const __m128i *)source));
    if (shape <= 16) return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)source));
    return _mm256_loadu2_m128i((const __m128i *)(source + highOffset), (const __m128i *)source);
}

/// The 8 values of the group at `source`, given the width's shuffle, shifts and mask.
VS_KERNEL __m256i vs_decode_group(const uint8_t *source, unsigned shape, size_t highOffset, __m256i shuffle,
                                  __m256i shifts, __m256i mask) {
    __m256i gathered = _mm256_shuffle_epi8(vs_load_group(source, shape, highOffset), shuffle);
    return _mm256_and_si256(_mm256_srlv_epi32(gathered, shifts), mask);
}

/// Inclusive prefix sums of the 8 lanes: within each 128-bit lane by two shifted adds, then the low lane's
/// total added to every lane of the high one.
VS_KERNEL __m256i vs_prefix_sums(__m256i x) {
    x = _mm256_add_epi32(x, _mm256_slli_si256(x, 4));
    x = _mm256_add_epi32(x, _mm256_slli_si256(x, 8));
    __m256i lastOfLane = _mm256_shuffle_epi32(x, 0xFF);
    return _mm256_add_epi32(x, _mm256_permute2x128_si256(lastOfLane, lastOfLane, 0x08));
}

// One loop per load shape, so `width`'s branches in `vs_load_group` fold away inside each.
#define VS_UNPACK_LOOP(shape_width)                                                                 \
    for (size_t group = 0; group < groups; group++) {                                               \
        __m256i values = vs_decode_group(source + group * width, shape_width, highOffset, shuffle, shifts, mask);  \
        _mm256_storeu_si256((__m256i *)(destination + 8 * group), values);                          \
    }

__attribute__((target("avx2"))) static void vs_unpack_groups_avx2(const uint8_t *source, size_t groups,
                                                                  unsigned width, uint32_t *destination) {
    const __m256i shuffle = _mm256_load_si256((const __m256i *)vs_shuffles[width]);
    const __m256i shifts = _mm256_load_si256((const __m256i *)vs_shifts[width]);
    const __m256i mask = _mm256_set1_epi32((int)((1u << width) - 1));
    const size_t highOffset = (4 * width) / 8;
    if (width <= 8) {
        VS_UNPACK_LOOP(8)
    } else if (width <= 16) {
        VS_UNPACK_LOOP(16)
    } else {
        VS_UNPACK_LOOP(24)
    }
}

/// Width 32: the values are the bytes themselves (little-endian, as x86 is).
__attribute__((target("avx2"))) static void vs_copy_groups_avx2(const uint8_t *source, size_t groups,
                                                                uint32_t *destination) {
    for (size_t group = 0; group < groups; group++) {
        __m256i values = _mm256_loadu_si256((const __m256i *)(source + 32 * group));
        _mm256_storeu_si256((__m256i *)(destination + 8 * group), values);
    }
}

// Groups between 64-bit updates of the running sum: a group adds at most 8·2^24 (27 bits), so 16 groups
// stay below 2^31 and their 32-bit sum is exact.
#define VS_ASCENDING_CHUNK 16

#define VS_ASCENDING_LOOP(shape_width)                                                              \
    while (done < groups) {                                                                         \
        size_t end = groups - done < VS_ASCENDING_CHUNK ? groups : done + VS_ASCENDING_CHUNK;        \
        uint32_t chunkStart = (uint32_t)total;                                                      \
        __m256i carry = _mm256_set1_epi32((int)chunkStart);                                          \
        for (; done < end; done++) {                                                                \
            __m256i values = vs_decode_group(source + done * width, shape_width, highOffset, shuffle, shifts, mask); \
            __m256i ids = _mm256_add_epi32(vs_prefix_sums(values), _mm256_add_epi32(carry, steps));  \
            _mm256_storeu_si256((__m256i *)(destination + 8 * done), ids);                          \
            carry = _mm256_permutevar8x32_epi32(ids, lastLane);                                     \
        }                                                                                           \
        total += (uint32_t)((uint32_t)_mm256_cvtsi256_si32(carry) - chunkStart);                    \
    }

__attribute__((target("avx2"))) static uint64_t vs_unpack_ascending_avx2(const uint8_t *source, size_t groups,
                                                                         unsigned width, uint64_t total,
                                                                         uint32_t *destination) {
    const __m256i shuffle = _mm256_load_si256((const __m256i *)vs_shuffles[width]);
    const __m256i shifts = _mm256_load_si256((const __m256i *)vs_shifts[width]);
    const __m256i mask = _mm256_set1_epi32((int)((1u << width) - 1));
    const size_t highOffset = (4 * width) / 8;
    // The "+ 1" of each stored gap, summed: lane i gains i + 1.
    const __m256i steps = _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 8);
    const __m256i lastLane = _mm256_set1_epi32(7);
    size_t done = 0;
    if (width <= 8) {
        VS_ASCENDING_LOOP(8)
    } else if (width <= 16) {
        VS_ASCENDING_LOOP(16)
    } else {
        VS_ASCENDING_LOOP(24)
    }
    return total;
}

/// AVX2 usable: CPUID says the CPU has it and XGETBV that the OS saves the YMM state.
static int vs_cpu_has_avx2(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    if (!(ecx & bit_OSXSAVE) || !(ecx & bit_AVX)) return 0;
    unsigned xcr0Low, xcr0High;
    __asm__ volatile("xgetbv" : "=a"(xcr0Low), "=d"(xcr0High) : "c"(0));
    (void)xcr0High;
    if ((xcr0Low & 6) != 6) return 0;  // XMM and YMM state
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    return (ebx & bit_AVX2) != 0;
}

#else

static int vs_cpu_has_avx2(void) { return 0; }

#endif

// -1 until first asked; then 0 or 1. Relaxed atomics: racing first callers compute the same answer.
// `vs_enabled` is read in place by the per-candidate phrase kernel (SimdState.h).
static int vs_cpu_support = -1;
int vs_enabled = -1;

static int vs_cpu_supports_kernels(void) {
    int support = __atomic_load_n(&vs_cpu_support, __ATOMIC_RELAXED);
    if (support < 0) {
        support = vs_cpu_has_avx2();
        __atomic_store_n(&vs_cpu_support, support, __ATOMIC_RELAXED);
    }
    return support;
}

/// VIETSEARCH_NO_SIMD set to anything but "" or "0".
static int vs_disabled_by_environment(void) {
    const char *value = getenv("VIETSEARCH_NO_SIMD");
    return value != NULL && value[0] != '\0' && !(value[0] == '0' && value[1] == '\0');
}

int vs_unpack_simd_enabled(void) {
    int enabled = __atomic_load_n(&vs_enabled, __ATOMIC_RELAXED);
    if (enabled < 0) {
        enabled = vs_cpu_supports_kernels() && !vs_disabled_by_environment();
        __atomic_store_n(&vs_enabled, enabled, __ATOMIC_RELAXED);
    }
    return enabled;
}

int vs_unpack_set_simd_enabled(int enabled) {
    int previous = vs_unpack_simd_enabled();
    __atomic_store_n(&vs_enabled, enabled != 0 && vs_cpu_supports_kernels(), __ATOMIC_RELAXED);
    return previous;
}

size_t vs_unpack_groups(const void *source, size_t groups, unsigned width, uint32_t *destination) {
#ifdef VS_HAVE_X86_KERNELS
    if (groups == 0 || !vs_unpack_simd_enabled()) return 0;
    if (width >= 1 && width <= 24) {
        vs_unpack_groups_avx2((const uint8_t *)source, groups, width, destination);
        return groups;
    }
    if (width == 32) {
        vs_copy_groups_avx2((const uint8_t *)source, groups, destination);
        return groups;
    }
#else
    (void)source, (void)groups, (void)width, (void)destination;
#endif
    return 0;
}

size_t vs_unpack_ascending_groups(const void *source, size_t groups, unsigned width, uint64_t *running,
                                  uint32_t *destination) {
#ifdef VS_HAVE_X86_KERNELS
    if (groups == 0 || width < 1 || width > 24 || !vs_unpack_simd_enabled()) return 0;
    *running = vs_unpack_ascending_avx2((const uint8_t *)source, groups, width, *running, destination);
    return groups;
#else
    (void)source, (void)groups, (void)width, (void)running, (void)destination;
    return 0;
#endif
}
