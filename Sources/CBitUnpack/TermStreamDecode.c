// Decoder for the indexer's in-memory term streams (see include/CBitUnpack.h, vs_decode_term_stream).
//
// Why a kernel: decoding the LEB128 values one at a time either branches on each value's length (1 and 2
// bytes are mixed, so the branch mispredicts) or, branch-free, chains every value's start to the previous
// value's length (~10 cycles a value). Here one step looks at 16 bytes at once: their 12 low continuation
// bits index a table (built once) that says how many whole values of at most 2 bytes begin the window (up
// to 8), how many bytes they take and how to gather them (`pshufb`) into 16-bit lanes; the chain is one
// step per ~7 values. A second pass splits the flat values into docs, frequencies and position values.
#include "CBitUnpack.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define VS_HAVE_X86_STREAM_KERNEL 1
#include <immintrin.h>
#include <pthread.h>
#endif

#ifdef VS_HAVE_X86_STREAM_KERNEL

// Indexed by the continuation bits of a window's first 12 bytes (bit i = byte i has its high bit set).
static uint8_t vs_stream_shuffles[4096][16] __attribute__((aligned(16)));
static uint8_t vs_stream_consumed[4096];
static uint8_t vs_stream_produced[4096];  // 0: the first value takes 3 bytes or more (decoded one by one)
static pthread_once_t vs_stream_tables_once = PTHREAD_ONCE_INIT;

/// For each mask: the longest run (at most 8) of values from byte 0 that take 1 or 2 bytes and end within
/// the 12 bytes the mask describes; value k's bytes go to 16-bit lane k (a missing high byte is zeroed).
static void vs_stream_build_tables(void) {
    for (unsigned mask = 0; mask < 4096; mask++) {
        uint8_t *shuffle = vs_stream_shuffles[mask];
        memset(shuffle, 0x80, 16);
        unsigned start = 0, count = 0;
        while (count < 8 && start < 12) {
            if ((mask >> start) & 1) {
                // Two bytes only if the second ends the value and lies within the 12 known bytes.
                if (start + 1 >= 12 || ((mask >> (start + 1)) & 1)) break;
                shuffle[2 * count] = (uint8_t)start;
                shuffle[2 * count + 1] = (uint8_t)(start + 1);
                start += 2;
            } else {
                shuffle[2 * count] = (uint8_t)start;
                start += 1;
            }
            count += 1;
        }
        vs_stream_consumed[mask] = (uint8_t)start;
        vs_stream_produced[mask] = (uint8_t)count;
    }
}

/// Decodes the values that begin the 16 readable bytes at `*source` into `*output` (writing 8 lanes, of
/// which the first `produced` count) and advances both. At least one value is decoded.
__attribute__((target("avx2"), always_inline)) static inline void vs_stream_step(const uint8_t **source,
                                                                                uint32_t **output) {
    const uint8_t *p = *source;
    __m128i bytes = _mm_loadu_si128((const __m128i *)p);
    unsigned mask = (unsigned)_mm_movemask_epi8(bytes) & 0xFFF;
    unsigned produced = vs_stream_produced[mask];
    if (__builtin_expect(produced != 0, 1)) {
        __m128i gathered = _mm_shuffle_epi8(bytes, _mm_load_si128((const __m128i *)vs_stream_shuffles[mask]));
        // Lane = low byte | high byte << 8; value = low 7 bits | high byte's 7 bits << 7.
        __m128i low = _mm_and_si128(gathered, _mm_set1_epi16(0x007F));
        __m128i high = _mm_and_si128(_mm_srli_epi16(gathered, 1), _mm_set1_epi16(0x3F80));
        _mm256_storeu_si256((__m256i *)*output, _mm256_cvtepu16_epi32(_mm_or_si128(low, high)));
        *output += produced;
        *source = p + vs_stream_consumed[mask];
        return;
    }
    // A value of 3 to 5 bytes (at most 5 are read: the values fit 32 bits).
    uint32_t value = 0;
    unsigned shift = 0;
    uint8_t byte;
    do {
        byte = *p++;
        value |= (uint32_t)(byte & 0x7F) << shift;
        shift += 7;
    } while ((byte & 0x80) && shift < 35);
    **output = value;
    *output += 1;
    *source = p;
}

/// All the varints of `bytes[0 ..< count)` into `flat`; returns how many. Reads only inside the bytes: the
/// last < 16 are copied to a zeroed 32-byte buffer first. Each zero byte past their end decodes as one
/// value 0 (it has no continuation bit), so the values decoded from padding are as many as the padding
/// bytes consumed, and are taken back.
__attribute__((target("avx2"))) static size_t vs_stream_varints_avx2(const uint8_t *bytes, size_t count,
                                                                     uint32_t *flat) {
    const uint8_t *p = bytes, *end = bytes + count;
    uint32_t *output = flat;
    while (end - p >= 16) vs_stream_step(&p, &output);
    size_t rest = (size_t)(end - p);
    if (rest == 0) return (size_t)(output - flat);
    uint8_t padded[32] __attribute__((aligned(16)));
    memset(padded, 0, sizeof padded);
    memcpy(padded, p, rest);
    const uint8_t *q = padded, *paddedEnd = padded + rest;
    while (q < paddedEnd) vs_stream_step(&q, &output);
    return (size_t)(output - flat) - (size_t)(q - paddedEnd);
}

/// Splits the flat values (doc delta, frequency f, first position, f − 1 gaps per document) as the header
/// says. Positions are copied 8 at a time, the first 8 whatever f (most documents have f ≤ 8, so no
/// branch depends on f), the first rewritten after. Returns 0, or -1 when the values do not form whole
/// groups. Reads `flat` up to 7 values past `valueCount`, writes `positions` up to 7 past the last.
__attribute__((target("avx2"))) static int vs_stream_split_avx2(const uint32_t *flat, size_t valueCount,
                                                                uint32_t *docs, uint32_t *frequencies,
                                                                uint32_t *positions, size_t *groupCount,
                                                                size_t *positionCount) {
    const __m256i one = _mm256_set1_epi32(1);
    const uint32_t *source = flat, *end = flat + valueCount;
    uint32_t *destination = positions;
    size_t groups = 0;
    uint32_t doc = 0;  // the first delta is the absolute doc
    while (source < end) {
        uint32_t frequency = source[1];  // inside the buffer's slack even when source is the last value
        if (__builtin_expect(frequency == 0 || (size_t)(end - source) < 2 + (size_t)frequency, 0)) return -1;
        doc += source[0];
        docs[groups] = doc;
        frequencies[groups] = frequency;
        groups += 1;
        uint32_t first = source[2];
        _mm256_storeu_si256((__m256i *)destination,
                            _mm256_sub_epi32(_mm256_loadu_si256((const __m256i *)(source + 2)), one));
        if (__builtin_expect(frequency > 8, 0)) {
#pragma clang loop unroll(disable)
            for (size_t k = 8; k < frequency; k += 8) {
                __m256i gaps = _mm256_loadu_si256((const __m256i *)(source + 2 + k));
                _mm256_storeu_si256((__m256i *)(destination + k), _mm256_sub_epi32(gaps, one));
            }
        }
        destination[0] = first;
        destination += frequency;
        source += 2 + (size_t)frequency;
    }
    *groupCount = groups;
    *positionCount = (size_t)(destination - positions);
    return 0;
}

#endif

int vs_decode_term_stream(const uint8_t *bytes, size_t count, uint32_t *flat, uint32_t *docs,
                          uint32_t *frequencies, uint32_t *positions, size_t *groupCount,
                          size_t *positionCount) {
#ifdef VS_HAVE_X86_STREAM_KERNEL
    if (!vs_unpack_simd_enabled()) return 0;
    pthread_once(&vs_stream_tables_once, vs_stream_build_tables);
    size_t valueCount = vs_stream_varints_avx2(bytes, count, flat);
    return vs_stream_split_avx2(flat, valueCount, docs, frequencies, positions, groupCount, positionCount) == 0
               ? 1
               : -1;
#else
    (void)bytes, (void)count, (void)flat, (void)docs, (void)frequencies, (void)positions, (void)groupCount,
        (void)positionCount;
    return 0;
#endif
}
