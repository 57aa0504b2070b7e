/// Little-endian and LEB128 encoders used by every serializer (FORMAT.md, "Conventions").
extension Array where Element == UInt8 {
    mutating func appendUInt16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func appendUInt32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func appendUInt64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// Unsigned LEB128: 7 bits per byte, low groups first, high bit set on every byte but the last.
    mutating func appendVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        append(UInt8(rest))
    }

    mutating func appendVarint(_ value: UInt32) { appendVarint(UInt64(value)) }
    mutating func appendVarint(_ value: Int) { appendVarint(UInt64(value)) }

    /// Length-prefixed bytes: varint length, then the bytes.
    mutating func appendLengthPrefixed(_ bytes: [UInt8]) {
        appendVarint(bytes.count)
        append(contentsOf: bytes)
    }

    /// Overwrites four bytes at `index` with `value` little-endian (for back-patched fields).
    mutating func setUInt32(_ value: UInt32, at index: Int) {
        for byte in 0..<4 { self[index + byte] = UInt8(truncatingIfNeeded: value >> UInt32(8 * byte)) }
    }
}
