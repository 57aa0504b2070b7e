import CZlib

/// CRC-32 (the footer's checksum algorithm 1: zlib's polynomial). Short ranges, which is what term
/// postings and positions mostly are (~150 bytes on average), are computed here by slicing-by-8: zlib's
/// `crc32` took ~10 instructions a byte on them (its per-call set-up), ~3.5 on megabytes. Long ranges go
/// to zlib.
enum CRC32 {
    /// Below this many bytes the table loop is used; from it on, zlib.
    static let zlibThreshold = 4096

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { update(0, $0) }
    }

    /// Continues `crc` over `buffer`.
    static func update(_ crc: UInt32, _ buffer: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = buffer.baseAddress else { return crc }
        if buffer.count < zlibThreshold { return sliced(crc, base, buffer.count) }
        var value = UInt(crc)
        var offset = 0
        // In chunks because zlib takes a 32-bit length.
        while offset < buffer.count {
            let chunk = Swift.min(buffer.count - offset, 1 << 30)
            value = CZlib.crc32(value, base.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(chunk))
            offset += chunk
        }
        return UInt32(truncatingIfNeeded: value)
    }

    /// Slicing-by-8: eight bytes per step through eight 256-entry tables (`tables[k][i]` is the CRC of
    /// byte `i` followed by `k` zero bytes).
    private static func sliced(_ crc: UInt32, _ base: UnsafeRawPointer, _ count: Int) -> UInt32 {
        let t = tables
        var c = ~crc
        var p = base
        var left = count
        while left >= 8 {
            let word = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) ^ UInt64(c)
            c = t[7 &* 256 &+ Int(word & 0xff)] ^ t[6 &* 256 &+ Int((word >> 8) & 0xff)]
                ^ t[5 &* 256 &+ Int((word >> 16) & 0xff)] ^ t[4 &* 256 &+ Int((word >> 24) & 0xff)]
                ^ t[3 &* 256 &+ Int((word >> 32) & 0xff)] ^ t[2 &* 256 &+ Int((word >> 40) & 0xff)]
                ^ t[256 &+ Int((word >> 48) & 0xff)] ^ t[Int(word >> 56)]
            p += 8
            left -= 8
        }
        while left > 0 {
            c = t[Int((c ^ UInt32(p.load(as: UInt8.self))) & 0xff)] ^ (c >> 8)
            p += 1
            left -= 1
        }
        return ~c
    }

    /// The eight tables, back to back (made once; never freed, never written after).
    nonisolated(unsafe) private static let tables: UnsafePointer<UInt32> = {
        let t = UnsafeMutablePointer<UInt32>.allocate(capacity: 8 * 256)
        for byte in 0..<256 {
            var c = UInt32(byte)
            for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[byte] = c
        }
        for slice in 1..<8 {
            for byte in 0..<256 {
                let previous = t[(slice - 1) * 256 + byte]
                t[slice * 256 + byte] = (previous >> 8) ^ t[Int(previous & 0xff)]
            }
        }
        return UnsafePointer(t)
    }()
}

extension CRC32 {
    /// Continues `crc` over a slice of a byte array (writers checksum what they just appended).
    static func update(_ crc: UInt32, _ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { update(crc, $0) }
    }
}
