#ifndef VIETSEARCH_CBITUNPACK_H
#define VIETSEARCH_CBITUNPACK_H

// AVX2 kernels for the bit-packed arrays of FORMAT.md ("Conventions"): value i of a block occupies bits
// i·w ..< (i+1)·w of a little-endian bit stream, so 8 values ("a group") take exactly w bytes.
// `BitPacking` (VietSearchStorage) calls these for the groups it has proven readable and decodes the rest
// itself; on CPUs without AVX2 (or when turned off) the kernels decode nothing and Swift decodes all.
//
// Reads: group g is read from bytes g·w ..< g·w + R(w), where R(w) is 8 for w ≤ 8, 16 for 9 ≤ w ≤ 16,
// ⌊4w/8⌋ + 16 for 17 ≤ w ≤ 24 and 32 for w = 32 (the other widths have no kernel). The caller passes only
// groups whose bytes lie inside its buffer; the kernels check nothing.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the kernels are in use: the CPU has AVX2 (and the OS saves its registers), the environment
/// variable VIETSEARCH_NO_SIMD is not set to a non-empty value other than "0", and they were not turned off.
int vs_unpack_simd_enabled(void);

/// Turns the kernels on (`enabled` ≠ 0; only takes effect where the CPU has them) or off; returns the
/// previous `vs_unpack_simd_enabled()`. For tests, which check both paths in one run.
int vs_unpack_set_simd_enabled(int enabled);

/// Decodes `groups` groups of 8 values of `width` bits from `source` into `destination` (8·groups values).
/// Returns `groups`, or 0 when nothing was decoded (no kernel for `width`, or the kernels are off).
size_t vs_unpack_groups(const void *source, size_t groups, unsigned width, uint32_t *destination);

/// `vs_unpack_groups` for doc-id gaps stored minus one (FORMAT.md "Postings"): writes the running sums
/// *running + Σ_{j≤i} (value j + 1), truncated to 32 bits, and leaves the last (in 64 bits) in *running.
/// Only for widths ≤ 24 (a group's sum then fits 27 bits); returns `groups` or 0 as `vs_unpack_groups`.
size_t vs_unpack_ascending_groups(const void *source, size_t groups, unsigned width, uint64_t *running,
                                  uint32_t *destination);

/// The common ids of two blocks of ascending doc ids, as slot pairs: for each id in both `a[ia..<na)` and
/// `b[ib..<nb)`, in ascending order, its slot in `a` goes to `slots_a` and its slot in `b` to `slots_b`;
/// returns how many. For the phrase joins' candidates (`PostingsCursor+CandidateBatch.swift`). The caller
/// guarantees: na, nb <= 128 (slots fit a byte); `a` readable up to index na + 2 and `b` up to nb + 2, with
/// UINT32_MAX at every index from na (nb) on, and UINT32_MAX not an id; `slots_a` and `slots_b` writable
/// for min(na - ia, nb - ib) + 3 bytes (the slots are stored four at a time).
size_t vs_intersect_slots(const uint32_t *a, size_t ia, size_t na, const uint32_t *b, size_t ib, size_t nb,
                          uint8_t *slots_a, uint8_t *slots_b);

/// The exact-phrase join of two keys on one document, for keys with 1 to 16 positions there: how many positions
/// p of the first key with p >= `min_start` have p + `distance` (a signed distance, as `uint32_t`) among the
/// second key's positions. Each key's positions are given as its values (FORMAT.md "Positions": the first
/// position, then each gap − 1): `first[0..<first_count)` and `second[0..<second_count)`; nothing past them is
/// read. Returns -1, and the caller joins another way, when a count is 0 or above 16, `min_start` is above 1024,
/// `distance` is outside −1024 ... 1024, `min_start` + `distance` is negative, a value is 2^26 or more, or the
/// AVX2 kernels are off (`vs_unpack_simd_enabled`). A phrase of keys k (first) and k' (second) passes distance
/// k' − k and min_start k. A count returned also means every position of both keys is below 2^30.
/// For the phrase joins of `PostingsCursor+PhraseJoin.swift`.
int vs_phrase_pair_small(const uint32_t *first, size_t first_count, const uint32_t *second, size_t second_count,
                         uint32_t distance, uint32_t min_start);

/// Whether `bytes[0..<count]` are well-formed UTF-8 (Unicode's table 3-7: no overlongs, surrogates, values
/// above U+10FFFF or cut-off sequences), 32 bytes at a time with AVX2: 0 not well formed, 1 well formed
/// with a byte >= 0x80, 2 all ASCII; -1 when the AVX2 kernels are off (`vs_unpack_simd_enabled`), and
/// the caller checks another way. Reads exactly the `count` bytes. For the CLI's JSONL reader.
int vs_utf8_check(const uint8_t *bytes, size_t count);

/// Decodes one of the indexer's in-memory term streams (`TermStreams.swift`: per document its doc delta
/// (the absolute doc for the first), frequency f ≥ 1, first position and f − 1 position gaps ≥ 1, all
/// LEB128 varints of at most 32 bits) with SSSE3/AVX2 kernels: absolute docs to `docs`, frequencies to
/// `frequencies`, and to `positions` per document its first position then each gap − 1. Reads only
/// `bytes[0 ..< count)`. `flat` is scratch; `flat` and `positions` must be writable for count + 8 values,
/// `docs` and `frequencies` for count / 3 + 1. Returns 1 (and sets *groupCount, *positionCount) when
/// decoded, 0 when the kernels are off (`vs_unpack_simd_enabled`; the caller decodes), -1 when the values do
/// not form whole groups (a malformed stream; outputs undefined).
int vs_decode_term_stream(const uint8_t *bytes, size_t count, uint32_t *flat, uint32_t *docs,
                          uint32_t *frequencies, uint32_t *positions, size_t *groupCount,
                          size_t *positionCount);

/// A token found by `vs_split_words`: input bytes `start ..< end`, keyed as `keying` says. The same layout
/// as the Swift splitter's `FastRunSplitter.Span`, which checks it before using the kernel.
typedef struct {
    intptr_t start;
    intptr_t end;
    uint8_t keying;
} vs_word_span;

/// `vs_word_span.keying`: the cases of `FastRunSplitter.Keying`, in its order.
enum { VS_KEYING_ASCII_CODE = 0, VS_KEYING_ASCII_WORD = 1, VS_KEYING_WORD = 2 };

/// The analyser's fast-path splitter (`FastRunSplitter.split`) for simple text, 64 bytes at a time with
/// AVX2: from `position` (a safe point or the byte after one), appends to `spans[*span_count ...]` (and
/// counts in *span_count) the tokens of text made only of
/// - words: runs of ASCII bytes of set 0 (letters and digits) and of multi-byte scalars whose class in
///   `scalar_classes` is `letter_class` (two-byte scalars: the class at index `(lead & 0x1F) << 6 | (second
///   & 0x3F)`; three-byte ones: at `block_table_offset + ((lead & 0x0F) << 6 | (second & 0x3F))`; four-byte
///   ones never), a run holding no digit (set 1) and a multi-byte letter both;
/// - safe points (set 2), and connectors (set 3) followed by a safe point.
///
/// `ascii_sets` holds the four sets as 16-byte rows (bit h of byte l: ASCII byte h·16 + l is a member).
/// Returns where it stopped: `position` when it did nothing, else a safe point after the last token
/// appended, where the caller goes on (at the first thing above that is not simple, past `stop_after`, or
/// within 66 bytes of `limit`). Reads only `bytes[position ..< limit)`; `spans` must have room for
/// (min(limit, stop_after + 64) − position) / 2 + 1 more tokens. Returns `position` when the kernels are
/// off (`vs_unpack_simd_enabled`). The input must be well-formed UTF-8 with `position` and `limit` on
/// scalar boundaries.
size_t vs_split_words(const uint8_t *bytes, size_t position, size_t limit, size_t stop_after,
                      const uint8_t *ascii_sets, const uint8_t *scalar_classes, size_t block_table_offset,
                      uint8_t letter_class, vs_word_span *spans, size_t *span_count);

/// Asks the CPU to bring the cache line holding `address` in, for writing, without waiting for it (no
/// fault on any address: a hint). For the writer's appends (`SegmentBuffer.append`), whose loads of a
/// term's table slot, stream entry and stream end each miss the cache; Swift has no prefetch of its own.
static inline void vs_prefetch_for_write(const void *address) { __builtin_prefetch(address, 1, 3); }

/// The same hint for reading: the postings encoder's walk over a builder's terms in key order, whose
/// table entries and streams lie in the order the terms were first met.
static inline void vs_prefetch_for_read(const void *address) { __builtin_prefetch(address, 0, 3); }

#ifdef __cplusplus
}
#endif

#endif
