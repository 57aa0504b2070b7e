/// Minimal UTF-8 coding on already-valid data (Swift strings are always valid UTF-8).
enum UTF8Encoding {
    /// Decodes the scalar starting at `index`; returns it and its length in bytes.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int) {
        let lead = UInt32(bytes[index])
        if lead < 0x80 { return (lead, 1) }
        if lead < 0xE0 {
            return ((lead & 0x1F) << 6 | UInt32(bytes[index + 1]) & 0x3F, 2)
        }
        if lead < 0xF0 {
            return ((lead & 0x0F) << 12 | (UInt32(bytes[index + 1]) & 0x3F) << 6
                    | UInt32(bytes[index + 2]) & 0x3F, 3)
        }
        return ((lead & 0x07) << 18 | (UInt32(bytes[index + 1]) & 0x3F) << 12
                | (UInt32(bytes[index + 2]) & 0x3F) << 6 | UInt32(bytes[index + 3]) & 0x3F, 4)
    }

    /// Number of UTF-8 bytes of `scalar`.
    @inline(__always) static func length(_ scalar: UInt32) -> Int {
        scalar < 0x80 ? 1 : scalar < 0x800 ? 2 : scalar < 0x10000 ? 3 : 4
    }

    /// Writes `scalar` at `index` (which must have room for `length(scalar)` bytes); returns the next index.
    @inline(__always)
    static func write(_ scalar: UInt32, to bytes: UnsafeMutableBufferPointer<UInt8>, at index: Int) -> Int {
        if scalar < 0x80 {
            bytes[index] = UInt8(scalar)
            return index + 1
        } else if scalar < 0x800 {
            bytes[index] = UInt8(0xC0 | scalar >> 6)
            bytes[index + 1] = UInt8(0x80 | scalar & 0x3F)
            return index + 2
        } else if scalar < 0x10000 {
            bytes[index] = UInt8(0xE0 | scalar >> 12)
            bytes[index + 1] = UInt8(0x80 | scalar >> 6 & 0x3F)
            bytes[index + 2] = UInt8(0x80 | scalar & 0x3F)
            return index + 3
        }
        bytes[index] = UInt8(0xF0 | scalar >> 18)
        bytes[index + 1] = UInt8(0x80 | scalar >> 12 & 0x3F)
        bytes[index + 2] = UInt8(0x80 | scalar >> 6 & 0x3F)
        bytes[index + 3] = UInt8(0x80 | scalar & 0x3F)
        return index + 4
    }

    static func append(_ scalar: UInt32, to bytes: inout [UInt8]) {
        var buffer: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let count = withUnsafeMutableBytes(of: &buffer) { raw in
            write(scalar, to: raw.bindMemory(to: UInt8.self), at: 0)
        }
        withUnsafeBytes(of: buffer) { bytes.append(contentsOf: $0.prefix(count)) }
    }
}
