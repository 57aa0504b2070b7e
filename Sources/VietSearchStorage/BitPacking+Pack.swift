extension BitPacking {
    /// `pack` over a buffer of values, each AND-ed with `mask` first (the low bits of a patched block,
    /// FORMAT.md "Positions"); every masked value must fit `width` bits. Widths up to 16 are packed 8
    /// values at a time (8 values of `width` bits are exactly `width` bytes), with a copy of the loop per
    /// width so that the shifts are constants: serialising a segment packs every postings and positions
    /// block, and the value-by-value loop's branch per value cost more than the packing.
    static func pack(_ values: UnsafeBufferPointer<UInt32>, width: Int, mask: UInt32 = .max, into out: inout [UInt8]) {
        guard width > 0, width <= 32, values.count > 0 else { return }
        let size = byteCount(count: values.count, width: width)
        let start = out.count
        // Slack for whole-word stores past the packed bytes (a group's store may pass its `width` bytes by
        // up to 8; later stores overwrite the zeros it leaves); removed below.
        out.appendZeros(size + 8)
        out.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            pack(values, width: width, mask: mask, to: base + start)
        }
        out.removeLast(8)
    }

    /// `pack` to `target`, which must have room for `byteCount(count:width:)` bytes and 8 more: stores
    /// whole words, so it may write zeros up to 8 bytes past the packed bytes (for writers that fill
    /// room made once, in order, and trim it afterwards).
    static func pack(_ values: UnsafeBufferPointer<UInt32>, width: Int, mask: UInt32 = .max, to target: UnsafeMutableRawPointer) {
        guard width > 0, width <= 32, let source = values.baseAddress, values.count > 0 else { return }
        let groups = width <= 16 ? values.count / 8 : 0
        switch width {
        case 1: packGroups(source, groups, width: 1, mask: mask, into: target)
        case 2: packGroups(source, groups, width: 2, mask: mask, into: target)
        case 3: packGroups(source, groups, width: 3, mask: mask, into: target)
        case 4: packGroups(source, groups, width: 4, mask: mask, into: target)
        case 5: packGroups(source, groups, width: 5, mask: mask, into: target)
        case 6: packGroups(source, groups, width: 6, mask: mask, into: target)
        case 7: packGroups(source, groups, width: 7, mask: mask, into: target)
        case 8: packGroups(source, groups, width: 8, mask: mask, into: target)
        case 9: packGroups(source, groups, width: 9, mask: mask, into: target)
        case 10: packGroups(source, groups, width: 10, mask: mask, into: target)
        case 11: packGroups(source, groups, width: 11, mask: mask, into: target)
        case 12: packGroups(source, groups, width: 12, mask: mask, into: target)
        case 13: packGroups(source, groups, width: 13, mask: mask, into: target)
        case 14: packGroups(source, groups, width: 14, mask: mask, into: target)
        case 15: packGroups(source, groups, width: 15, mask: mask, into: target)
        case 16: packGroups(source, groups, width: 16, mask: mask, into: target)
        default: break
        }
        // The rest value by value, from the byte after the groups, 4 bytes at a time.
        var accumulator: UInt64 = 0
        var bits: UInt64 = 0
        var offset = groups * width
        for index in (groups * 8)..<values.count {
            accumulator |= UInt64(source[index] & mask) << bits
            bits &+= UInt64(width)
            if bits >= 32 {
                target.storeBytes(of: UInt32(truncatingIfNeeded: accumulator).littleEndian, toByteOffset: offset, as: UInt32.self)
                offset &+= 4
                accumulator >>= 32
                bits &-= 32
            }
        }
        if bits > 0 {
            target.storeBytes(of: UInt32(truncatingIfNeeded: accumulator).littleEndian, toByteOffset: offset, as: UInt32.self)
        }
    }

    /// Packs `groups` groups of 8 values of `width` ≤ 16 bits: each group's bits assembled in one or two
    /// words and stored whole at the group's first byte (its bits past `width` bytes are zeros).
    @inline(__always)
    private static func packGroups(_ source: UnsafePointer<UInt32>, _ groups: Int, width: Int, mask: UInt32,
                                   into target: UnsafeMutableRawPointer) {
        for group in 0..<groups {
            let values = source + group * 8
            let output = target + group * width
            if width <= 8 {
                var word: UInt64 = 0
                for slot in 0..<8 { word |= UInt64(values[slot] & mask) << UInt64(slot * width) }
                output.storeBytes(of: word.littleEndian, as: UInt64.self)
            } else {
                var low: UInt64 = 0
                var high: UInt64 = 0
                for slot in 0..<8 {
                    let bit = slot * width
                    let value = UInt64(values[slot] & mask)
                    if bit >= 64 {
                        high |= value << UInt64(bit - 64)
                    } else {
                        low |= value << UInt64(bit)
                        if bit + width > 64 { high |= value >> UInt64(64 - bit) }
                    }
                }
                output.storeBytes(of: low.littleEndian, as: UInt64.self)
                output.storeBytes(of: high.littleEndian, toByteOffset: 8, as: UInt64.self)
            }
        }
    }
}
