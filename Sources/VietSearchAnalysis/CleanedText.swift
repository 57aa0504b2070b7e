/// Text after cleaning, one entry per scalar, each remembering which bytes of the original input it came
/// from (a composed `ế` from NFD input spans the base and both marks).
struct CleanedText {
    var scalars: [UInt32] = []
    var kinds: [ScalarKind] = []
    /// UTF-8 byte offset in the original input of the first byte this scalar came from.
    var starts: [Int] = []
    /// UTF-8 byte offset in the original input one past the last byte this scalar came from.
    var ends: [Int] = []

    init(capacity: Int) {
        scalars.reserveCapacity(capacity)
        kinds.reserveCapacity(capacity)
        starts.reserveCapacity(capacity)
        ends.reserveCapacity(capacity)
    }

    var count: Int { scalars.count }

    @inline(__always) mutating func append(_ scalar: UInt32, _ kind: ScalarKind, start: Int, end: Int) {
        scalars.append(scalar)
        kinds.append(kind)
        starts.append(start)
        ends.append(end)
    }

    /// The cleaned text as a string.
    func makeString() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.count * 2)
        for scalar in scalars { UTF8Encoding.append(scalar, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

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

    @inline(__always) static func append(_ scalar: UInt32, to bytes: inout [UInt8]) {
        if scalar < 0x80 {
            bytes.append(UInt8(scalar))
        } else if scalar < 0x800 {
            bytes.append(UInt8(0xC0 | scalar >> 6))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        } else if scalar < 0x10000 {
            bytes.append(UInt8(0xE0 | scalar >> 12))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        } else {
            bytes.append(UInt8(0xF0 | scalar >> 18))
            bytes.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
