// Word splitting for the analyser's fast path (see include/CBitUnpack.h, vs_split_words).
//
// Why a kernel: the Swift splitter (`FastRunSplitter.split`) classifies one scalar at a time and branches
// on its length and class; in Vietnamese text, where ASCII letters, two- and three-byte letters alternate
// every few bytes, those branches mispredict about twice a token. Here 64 bytes are classified at once:
// four ASCII sets by two `vpshufb` look-ups each (a byte's low nibble picks a row of 8 bits, its high
// nibble the bit), which gives bit masks of word bytes, digits, safe points and connectors; only the lead
// byte of each multi-byte scalar is looked up one by one (in the caller's class tables, without a branch
// on its length). Tokens are then the runs of word bytes, found with bit scans.
//
// The kernel handles only what is simple (see the header): it stops, for the caller's general loop, at the
// first thing that is not.
#include "CBitUnpack.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define VS_HAVE_X86_SPLIT_KERNEL 1
#include <immintrin.h>
#endif

#ifdef VS_HAVE_X86_SPLIT_KERNEL

/// Bit i set when byte i of the 64 at `low` (bytes 0-31) and `high` (bytes 32-63) is an ASCII byte of the
/// set whose rows are `rows` (row = low nibble, bit h of the row = high nibble h).
__attribute__((target("avx2"))) static inline uint64_t vs_ascii_members(__m256i low, __m256i high, __m256i rows) {
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    // 1 << high nibble for ASCII; 0 for high nibbles 8-15 (bytes >= 0x80 belong to no set).
    const __m256i bitOfHighNibble = _mm256_setr_epi8(1, 2, 4, 8, 16, 32, 64, (char)128, 0, 0, 0, 0, 0, 0, 0, 0,
                                                     1, 2, 4, 8, 16, 32, 64, (char)128, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i zero = _mm256_setzero_si256();
    __m256i lowRows = _mm256_shuffle_epi8(rows, _mm256_and_si256(low, nibble));
    __m256i lowBits = _mm256_shuffle_epi8(bitOfHighNibble, _mm256_and_si256(_mm256_srli_epi16(low, 4), nibble));
    __m256i highRows = _mm256_shuffle_epi8(rows, _mm256_and_si256(high, nibble));
    __m256i highBits = _mm256_shuffle_epi8(bitOfHighNibble, _mm256_and_si256(_mm256_srli_epi16(high, 4), nibble));
    uint32_t lowOut = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(lowRows, lowBits), zero));
    uint32_t highOut = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(highRows, highBits), zero));
    return ~((uint64_t)highOut << 32 | lowOut);
}

__attribute__((target("avx2"))) static inline __m256i vs_rows(const uint8_t *table) {
    return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)table));
}

__attribute__((target("avx2"))) static size_t vs_split_words_avx2(const uint8_t *bytes, size_t position,
                                                                  size_t limit, size_t stop_after,
                                                                  const uint8_t *ascii_sets,
                                                                  const uint8_t *scalar_classes,
                                                                  size_t block_table_offset, uint8_t letter_class,
                                                                  vs_word_span *spans, size_t *span_count) {
    const __m256i wordRows = vs_rows(ascii_sets);
    const __m256i digitRows = vs_rows(ascii_sets + 16);
    const __m256i safeRows = vs_rows(ascii_sets + 32);
    const __m256i connectorRows = vs_rows(ascii_sets + 48);
    const __m256i continuationLimit = _mm256_set1_epi8(-64);  // bytes 0x80-0xBF are below it, signed
    size_t count = *span_count;
    // The window's first byte is a safe point (after the first window) or follows one (the caller's).
    while (position + 66 <= limit && position < stop_after) {
        const uint8_t *window = bytes + position;
        __m256i low = _mm256_loadu_si256((const __m256i *)window);
        __m256i high = _mm256_loadu_si256((const __m256i *)(window + 32));
        uint64_t words = vs_ascii_members(low, high, wordRows);
        uint64_t digits = vs_ascii_members(low, high, digitRows);
        uint64_t safe = vs_ascii_members(low, high, safeRows);
        uint64_t connectors = vs_ascii_members(low, high, connectorRows);
        uint64_t nonASCII = (uint64_t)(uint32_t)_mm256_movemask_epi8(high) << 32 |
                            (uint32_t)_mm256_movemask_epi8(low);
        uint64_t continuations =
            (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(continuationLimit, high)) << 32 |
            (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(continuationLimit, low));
        // A connector followed by a safe point separates like one (the Swift splitter skips it).
        uint64_t complex = ~(words | safe | nonASCII | (connectors & (safe >> 1)));
        // Each lead byte's scalar must be a letter; its continuation bytes lie at most 2 bytes on, inside
        // the caller's `limit` (the loop's condition).
        for (uint64_t leads = nonASCII & ~continuations; leads != 0; leads &= leads - 1) {
            unsigned at = (unsigned)__builtin_ctzll(leads);
            size_t lead = window[at];
            size_t second = window[at + 1] & 0x3F;
            // One look-up at an index chosen by masks: two- and three-byte letters alternate, so a branch
            // on the length would mispredict.
            size_t twoByte = (size_t)0 - (lead < 0xE0);
            size_t index = (((lead & 0x1F) << 6 | second) & twoByte) |
                           ((block_table_offset + ((lead & 0x0F) << 6 | second)) & ~twoByte);
            unsigned isLetter = (scalar_classes[index] == letter_class) & (lead < 0xF0);
            complex |= (uint64_t)(isLetter ^ 1) << at;
        }
        uint64_t wordBytes = words | nonASCII;
        unsigned firstComplex = complex != 0 ? (unsigned)__builtin_ctzll(complex) : 64;
        // `handled`: the bytes before it hold only emitted tokens, safe points and skipped connectors.
        unsigned handled = firstComplex;
        int stop = firstComplex < 64;
        for (uint64_t starts = wordBytes & ~(wordBytes << 1); starts != 0; starts &= starts - 1) {
            unsigned start = (unsigned)__builtin_ctzll(starts);
            if (start >= firstComplex) break;
            uint64_t after = ~wordBytes >> start;
            unsigned end = after != 0 ? start + (unsigned)__builtin_ctzll(after) : 64;
            if (end >= firstComplex) {
                // Runs past the window (the next one takes it) or into something complex.
                handled = start;
                break;
            }
            uint64_t token = ((1ull << end) - 1) & ~((1ull << start) - 1);  // end < firstComplex <= 64
            int hasDigit = (digits & token) != 0;
            int hasNonASCII = (nonASCII & token) != 0;
            if (hasDigit && hasNonASCII) {  // `23điểm`: the caller cuts it
                handled = start;
                stop = 1;
                break;
            }
            vs_word_span *span = spans + count++;
            span->start = (intptr_t)(position + start);
            span->end = (intptr_t)(position + end);
            span->keying = hasDigit ? VS_KEYING_ASCII_CODE : hasNonASCII ? VS_KEYING_WORD : VS_KEYING_ASCII_WORD;
        }
        // Resume at the last safe point before `handled` (every emitted token ends before it).
        uint64_t before = safe & (handled == 64 ? ~0ull : (1ull << handled) - 1);
        unsigned resume = before != 0 ? 63 - (unsigned)__builtin_clzll(before) : 0;
        if (resume == 0) break;  // no progress (a token is then never emitted: each is followed by one)
        position += resume;
        if (stop) break;
    }
    *span_count = count;
    return position;
}

#endif

size_t vs_split_words(const uint8_t *bytes, size_t position, size_t limit, size_t stop_after,
                      const uint8_t *ascii_sets, const uint8_t *scalar_classes, size_t block_table_offset,
                      uint8_t letter_class, vs_word_span *spans, size_t *span_count) {
#ifdef VS_HAVE_X86_SPLIT_KERNEL
    if (!vs_unpack_simd_enabled()) return position;
    return vs_split_words_avx2(bytes, position, limit, stop_after, ascii_sets, scalar_classes,
                               block_table_offset, letter_class, spans, span_count);
#else
    (void)bytes, (void)limit, (void)stop_after, (void)ascii_sets, (void)scalar_classes, (void)block_table_offset,
        (void)letter_class, (void)spans, (void)span_count;
    return position;
#endif
}
