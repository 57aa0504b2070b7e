/// Windows code page 1252 (Microsoft's published table, cp1252.txt at unicode.org/Public/MAPPINGS):
/// Latin-1 except 0x80–0x9F. The five bytes it leaves undefined (81 8D 8F 90 9D) map to the C1
/// controls, as Windows' own converter and most mojibake do.
enum Windows1252 {
    /// Scalars of bytes 0x80...0x9F.
    static let high: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    @inline(__always) static func scalar(_ byte: UInt8) -> UInt32 {
        byte >= 0x80 && byte < 0xA0 ? high[Int(byte - 0x80)] : UInt32(byte)
    }

    /// The byte that decodes to `scalar`, nil if none.
    @inline(__always) static func byte(_ scalar: UInt32) -> UInt8? {
        if scalar < 0x80 || (scalar >= 0xA0 && scalar <= 0xFF) { return UInt8(scalar) }
        if scalar >= 0x2200 { return scalar == 0x20AC || scalar == 0x2122 ? reverseHigh(scalar) : nil }
        return reverseHigh(scalar)
    }

    private static func reverseHigh(_ scalar: UInt32) -> UInt8? {
        for index in 0..<high.count where high[index] == scalar { return UInt8(0x80 + index) }
        return nil
    }
}
