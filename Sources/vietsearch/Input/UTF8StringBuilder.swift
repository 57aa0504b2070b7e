import CBitUnpack

/// Makes `String`s from UTF-8 bytes read from input files, refusing invalid UTF-8 exactly as
/// `String(validating:as:)` does, at a small part of its cost on Vietnamese text.
///
/// Why: `String(validating:as:)` checks Vietnamese text byte by byte (its word-at-a-time check only
/// helps all-ASCII strings), ~10 instructions a byte: 4.5% of `vietsearch index` on the harness corpus
/// (PERFORMANCE.md "Indexing (session 8 …)"). Here the bytes are checked 8 at a time (`check`): per word, bit
/// masks say which bytes are continuation bytes and which lead a sequence of two, three or four, and the
/// continuation bytes must be exactly the ones the lead bytes call for. Vietnamese letters are two- and
/// three-byte sequences in a random mix, about one every 5 bytes, so a check that branches on each
/// sequence's length mispredicts about once a letter; the masks have no such branch (session 16: 2.8×
/// faster on the corpus's titles and bodies). The lead bytes whose second byte has a narrower range
/// (E0, ED, F0, F4: overlongs, surrogates, above U+10FFFF) and those never allowed (C0, C1, F5...FF)
/// are rare in Vietnamese; a word holding one (any lead from F0 up included) sends the whole string to
/// `checkSequenceBySequence`, which follows Unicode's table 3-7 one sequence at a time.
/// The checked bytes are then copied into a `String` by the standard library's own unchecked
/// initialiser, the one `String(validating:as:)` ends in.
enum UTF8StringBuilder {
    /// The text of `bytes`, or nil if they are not well-formed UTF-8.
    static func string(validating bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let isASCII = check(bytes) else { return nil }
        return stdlibStringUncheckedFromUTF8(bytes, isASCII: isASCII)
    }

    /// nil if `bytes` are not well-formed UTF-8; else whether they are all ASCII. With AVX2, 32 bytes
    /// at a time (`vs_utf8_check`, CBitUnpack: three nibble table look-ups per 32 bytes, session 21); else
    /// `checkWordByWord`.
    static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard let base = bytes.baseAddress else { return true }
        switch vs_utf8_check(base, bytes.count) {
        case 0: return nil
        case 1: return false
        case 2: return true
        default: return checkWordByWord(bytes)
        }
    }

    /// `check` 8 bytes at a time with bit masks (no SIMD).
    static func checkWordByWord(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        let highBits: UInt64 = 0x8080_8080_8080_8080
        var index = 0
        // High bits (one per byte, bit 7 of each byte lane) of the bytes of the next word that must be
        // continuation bytes because a sequence started near the end of the previous word.
        var pending: UInt64 = 0
        var nonASCII: UInt64 = 0
        while index < count {
            let word: UInt64
            if index + 8 <= count {
                word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self).littleEndian
            } else {
                // The last bytes, zero-padded: a zero is not a continuation byte, so a sequence cut
                // off by the end of the string fails like one cut off by any other byte.
                var partial: UInt64 = 0
                for offset in 0..<(count - index) { partial |= UInt64(base[index + offset]) << UInt64(8 * offset) }
                word = partial
            }
            index += 8
            let high = word & highBits
            nonASCII |= high
            if high | pending == 0 { continue }
            // Bit 7 of a lane is set in `word << k` when bit 7 − k of that byte is set (shifts by
            // fewer than 8 move bits within a lane as far as bit 7 is concerned).
            let continuation = high & ~(word << 1)  // 10xxxxxx
            let lead = high & (word << 1)  // 11xxxxxx: two bytes or more
            let leadOfThree = lead & (word << 2)  // 111xxxxx: three bytes or more
            let rare = (leadOfThree & (word << 3))  // 1111xxxx
                | lanes(of: word & 0xFEFE_FEFE_FEFE_FEFE, equalTo: 0xC0)  // C0, C1
                | lanes(of: word, equalTo: 0xE0) | lanes(of: word, equalTo: 0xED)
            if rare != 0 { return checkSequenceBySequence(bytes) }
            // Little-endian: the byte after lane i is lane i + 1, 8 bits up.
            guard continuation == (lead << 8 | leadOfThree << 16 | pending) else { return nil }
            pending = lead >> 56 | leadOfThree >> 48
        }
        guard pending == 0 else { return nil }
        return nonASCII == 0
    }

    /// Bit 7 set in each byte lane of `word` that equals `byte`, and only there (the carry-free form
    /// of the zero-byte test: no false positives from borrows).
    @inline(__always)
    private static func lanes(of word: UInt64, equalTo byte: UInt8) -> UInt64 {
        let difference = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
        let nonZero = ((difference & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | difference
        return ~nonZero & 0x8080_8080_8080_8080
    }

    /// `check` one sequence at a time, for strings holding the rare lead bytes: nil if `bytes` are not
    /// well-formed UTF-8; else whether they are all ASCII.
    static func checkSequenceBySequence(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var index = 0
        var sawNonASCII = false
        while index < count {
            if index + 8 <= count {
                // Step to the first byte ≥ 0x80 of the next 8 (little-endian: the lowest set high bit).
                let high = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self).littleEndian
                    & 0x8080_8080_8080_8080
                if high == 0 {
                    index += 8
                    continue
                }
                index += high.trailingZeroBitCount >> 3
            } else if base[index] < 0x80 {
                index += 1
                continue
            }
            sawNonASCII = true
            let lead = base[index]
            if lead < 0xE0 {
                // C2..DF, then one continuation byte (80..C1 are not lead bytes; C0, C1 only overlongs).
                guard lead >= 0xC2, index + 1 < count, base[index + 1] & 0xC0 == 0x80 else { return nil }
                index += 2
            } else if lead < 0xF0 {
                // E0 A0..BF (no overlongs), ED 80..9F (no surrogates), others 80..BF; then 80..BF.
                guard index + 2 < count else { return nil }
                let second = base[index + 1]
                let lowest: UInt8 = lead == 0xE0 ? 0xA0 : 0x80
                let highest: UInt8 = lead == 0xED ? 0x9F : 0xBF
                guard second >= lowest, second <= highest, base[index + 2] & 0xC0 == 0x80 else { return nil }
                index += 3
            } else {
                // F0 90..BF (no overlongs), F1..F3 80..BF, F4 80..8F (nothing above U+10FFFF); then two 80..BF.
                guard lead <= 0xF4, index + 3 < count else { return nil }
                let second = base[index + 1]
                let lowest: UInt8 = lead == 0xF0 ? 0x90 : 0x80
                let highest: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
                guard second >= lowest, second <= highest, base[index + 2] & 0xC0 == 0x80,
                      base[index + 3] & 0xC0 == 0x80 else { return nil }
                index += 4
            }
        }
        return !sawNonASCII
    }
}

/// `String._uncheckedFromUTF8(_:isASCII:)`: copies bytes known to be valid UTF-8 into a string (small
/// strings inline). It is `@usableFromInline` in the standard library, so its symbol is part of the
/// stable ABI (inlinable public code calls it); there is no public initialiser that skips validation.
/// The bytes must be well-formed UTF-8 and `isASCII` must be true only when all are below 0x80:
/// `UTF8StringBuilder.check` is the only caller's guard.
@_silgen_name("$sSS18_uncheckedFromUTF8_7isASCIISSSRys5UInt8VG_SbtFZ")
private func stdlibStringUncheckedFromUTF8(_ bytes: UnsafeBufferPointer<UInt8>, isASCII: Bool) -> String
