/// Fixed-width bit-packing (FORMAT.md, "Bit-packed arrays"): value i occupies bits i·w ..< (i+1)·w of a
/// little-endian bit stream (bit 0 is the low bit of the first byte); the last byte is zero-padded.
enum BitPacking {
    /// The number of bits needed to hold `value` (0 for 0).
    @inline(__always)
    static func width(of value: UInt32) -> Int { 32 - value.leadingZeroBitCount }

    /// Bytes used by `count` values of `width` bits.
    @inline(__always)
    static func byteCount(count: Int, width: Int) -> Int { (count * width + 7) / 8 }

    /// Appends `values` packed at `width` bits (every value must fit).
    static func pack<C: Collection>(_ values: C, width: Int, into out: inout [UInt8]) where C.Element == UInt32 {
        guard width > 0 else { return }
        var accumulator: UInt64 = 0
        var bits = 0
        for value in values {
            accumulator |= UInt64(value) << UInt64(bits)
            bits += width
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator >>= 8
                bits -= 8
            }
        }
        if bits > 0 { out.append(UInt8(truncatingIfNeeded: accumulator)) }
    }

    /// Decodes `count` values of `width` bits from `source` into `destination`.
    /// `source` must hold at least `byteCount(count:width:)` bytes (checked; returns false otherwise).
    static func unpack(_ source: UnsafeRawBufferPointer, count: Int, width: Int,
                       into destination: UnsafeMutablePointer<UInt32>) -> Bool {
        guard width >= 0, width <= 32, count >= 0 else { return false }
        if width == 0 {
            destination.update(repeating: 0, count: count)
            return true
        }
        let needed = byteCount(count: count, width: width)
        guard source.count >= needed, let base = source.baseAddress else { return count == 0 }
        let mask: UInt64 = (1 << UInt64(width)) - 1
        // Fast path: an unaligned 8-byte load covers any value (shift ≤ 7, width ≤ 32) while 8 bytes remain.
        var index = 0
        var bitPosition = 0
        let fastLimit = source.count - 8
        while index < count {
            let byteOffset = bitPosition >> 3
            let shift = UInt64(bitPosition & 7)
            let word: UInt64
            if byteOffset <= fastLimit {
                word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: byteOffset, as: UInt64.self))
            } else {
                var assembled: UInt64 = 0
                var byte = 0
                while byte < 8 && byteOffset + byte < source.count {
                    assembled |= UInt64(base.load(fromByteOffset: byteOffset + byte, as: UInt8.self)) << UInt64(8 * byte)
                    byte += 1
                }
                word = assembled
            }
            destination[index] = UInt32(truncatingIfNeeded: (word >> shift) & mask)
            index += 1
            bitPosition += width
        }
        return true
    }

    /// Reads the single value at `index` (random access for field lengths).
    static func value(at index: Int, width: Int, in source: UnsafeRawBufferPointer) -> UInt32? {
        guard width > 0 else { return 0 }
        let bitPosition = index * width
        let byteOffset = bitPosition >> 3
        let lastByte = (bitPosition + width - 1) >> 3
        guard lastByte < source.count, let base = source.baseAddress else { return nil }
        var assembled: UInt64 = 0
        var byte = 0
        while byteOffset + byte <= lastByte {
            assembled |= UInt64(base.load(fromByteOffset: byteOffset + byte, as: UInt8.self)) << UInt64(8 * byte)
            byte += 1
        }
        let mask: UInt64 = (1 << UInt64(width)) - 1
        return UInt32(truncatingIfNeeded: (assembled >> UInt64(bitPosition & 7)) & mask)
    }
}
