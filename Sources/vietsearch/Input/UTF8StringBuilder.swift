/// Makes `String`s from UTF-8 bytes read from input files, refusing invalid UTF-8 exactly as
/// `String(validating:as:)` does, at about a third of its cost on Vietnamese text.
///
/// Why: `String(validating:as:)` checks Vietnamese text byte by byte (its word-at-a-time check only
/// helps all-ASCII strings), ~10 instructions a byte: 4.5% of `vietsearch index` on the harness corpus
/// (README "Indexing (session 8 …)"). Here a run of ASCII bytes is stepped over a word at a time, up
/// to the next non-ASCII byte, and each multi-byte sequence is checked against the well-formed
/// byte sequences of Unicode's table 3-7 (no overlongs, surrogates or scalars above U+10FFFF).
/// The checked bytes are then copied into a `String` by the standard library's own unchecked
/// initialiser, the one `String(validating:as:)` ends in.
enum UTF8StringBuilder {
    /// The text of `bytes`, or nil if they are not well-formed UTF-8.
    static func string(validating bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let isASCII = check(bytes) else { return nil }
        return stdlibStringUncheckedFromUTF8(bytes, isASCII: isASCII)
    }

    /// nil if `bytes` are not well-formed UTF-8; else whether they are all ASCII.
    static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
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
