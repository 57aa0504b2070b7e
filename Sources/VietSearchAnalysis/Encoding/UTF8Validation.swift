/// UTF-8 decoding that reports where the input stops being UTF-8 (Swift's `String(decoding:)` replaces
/// silently). Rules of RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
enum UTF8Validation {
    /// Offset of the first byte that does not start a well-formed sequence, or nil if all is UTF-8.
    static func firstInvalidOffset(_ bytes: [UInt8]) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 { index += 1; continue }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF  // range of the second byte
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return index
            }
            guard index + length <= count else { return index }
            guard bytes[index + 1] >= low && bytes[index + 1] <= high else { return index }
            for next in 2..<length where bytes[index + next] & 0xC0 != 0x80 { return index }
            index += length
        }
        return nil
    }

    /// The text without a leading byte order mark; throws at the first invalid byte unless `replaceInvalid`
    /// (then each invalid sequence becomes U+FFFD).
    static func decode(_ bytes: [UInt8], replaceInvalid: Bool) throws(LegacyDecodingError) -> String {
        if !replaceInvalid, let offset = firstInvalidOffset(bytes) {
            throw LegacyDecodingError(encoding: .utf8, byteOffset: offset,
                                      reason: "byte 0x\(hex(bytes[offset])) is not valid UTF-8")
        }
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        return String(decoding: bytes[start...], as: UTF8.self)
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
