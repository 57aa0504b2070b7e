import CBitUnpack

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

    /// Appends `values` packed at `width` bits, word by word (the same bytes as the generic `pack`,
    /// which appends byte by byte: serialising a segment packs every posting and position block).
    static func pack(_ values: [UInt32], width: Int, into out: inout [UInt8]) {
        values.withUnsafeBufferPointer { pack($0, width: width, into: &out) }
    }

    /// Decodes `count` values of `width` bits from `source` into `destination`.
    /// `source` must hold at least `byteCount(count:width:)` bytes (checked; returns false otherwise); bytes
    /// after those are read but ignored, and let more values take the fast path below.
    static func unpack(_ source: UnsafeRawBufferPointer, count: Int, width: Int,
                       into destination: UnsafeMutablePointer<UInt32>) -> Bool {
        guard width >= 0, width <= 32, count >= 0 else { return false }
        if width == 0 {
            destination.update(repeating: 0, count: count)
            return true
        }
        let needed = byteCount(count: count, width: width)
        guard source.count >= needed, let base = source.baseAddress else { return count == 0 }
        // The AVX2 kernel first (where the CPU has it), for the groups whose loads stay inside `source`;
        // then the Swift loops from the first group it did not decode.
        let kernelDone = unpackWithKernel(base, count: count, width: width, byteCount: source.count, into: destination)
        // A whole block decoded by the kernel (the usual case): none of the Swift loops' set-up below.
        if kernelDone &* 8 == count { return true }
        // Eight values take exactly `width` bytes. A group's last 8-byte load starts at byte ⌊7w/8⌋ of it,
        // so group g can use whole-word loads while g·w + ⌊7w/8⌋ + 8 ≤ source.count.
        let room = source.count - 8 - (7 * width) >> 3
        let fastGroups = room < 0 ? 0 : Swift.min(count / 8, room / width + 1)
        let (from, output, groups) = (base + kernelDone * width, destination + kernelDone * 8, Swift.max(fastGroups - kernelDone, 0))
        // One copy of the group loop per width: shifts and offsets become constants and the 8 loads unroll.
        switch width {
        case 1: unpackGroups(from, groups, width: 1, into: output)
        case 2: unpackGroups(from, groups, width: 2, into: output)
        case 3: unpackGroups(from, groups, width: 3, into: output)
        case 4: unpackGroups(from, groups, width: 4, into: output)
        case 5: unpackGroups(from, groups, width: 5, into: output)
        case 6: unpackGroups(from, groups, width: 6, into: output)
        case 7: unpackGroups(from, groups, width: 7, into: output)
        case 8: unpackGroups(from, groups, width: 8, into: output)
        case 9: unpackGroups(from, groups, width: 9, into: output)
        case 10: unpackGroups(from, groups, width: 10, into: output)
        case 11: unpackGroups(from, groups, width: 11, into: output)
        case 12: unpackGroups(from, groups, width: 12, into: output)
        case 13: unpackGroups(from, groups, width: 13, into: output)
        case 14: unpackGroups(from, groups, width: 14, into: output)
        case 15: unpackGroups(from, groups, width: 15, into: output)
        case 16: unpackGroups(from, groups, width: 16, into: output)
        default: unpackGroups(from, groups, width: width, into: output)
        }
        // The rest (the last groups of a buffer without spare bytes) value by value.
        var index = Swift.max(fastGroups, kernelDone) * 8
        var bitPosition = index * width
        let mask: UInt64 = (1 << UInt64(width)) - 1
        while index < count {
            let byteOffset = bitPosition >> 3
            let assembled = tailWord(base, byteCount: source.count, at: byteOffset)
            destination[index] = UInt32(truncatingIfNeeded: (assembled >> UInt64(bitPosition & 7)) & mask)
            index += 1
            bitPosition += width
        }
        return true
    }

    /// The up to 8 bytes from `offset` as a little-endian word, never reading at or past `byteCount`: the tail
    /// values of a buffer without spare bytes after its packed data.
    @inline(__always)
    private static func tailWord(_ base: UnsafeRawPointer, byteCount: Int, at offset: Int) -> UInt64 {
        var assembled: UInt64 = 0
        var byte = 0
        while byte < 8 && offset + byte < byteCount {
            assembled |= UInt64(base.load(fromByteOffset: offset + byte, as: UInt8.self)) << UInt64(8 * byte)
            byte += 1
        }
        return assembled
    }

    /// Decodes `groups` groups of 8 values (`width` bytes each) with one unaligned 8-byte load per value.
    @inline(__always)
    private static func unpackGroups(_ base: UnsafeRawPointer, _ groups: Int, width: Int,
                                     into destination: UnsafeMutablePointer<UInt32>) {
        let mask: UInt64 = (1 << UInt64(width)) - 1
        for group in 0..<groups {
            let source = base + group * width
            let output = destination + group * 8
            for slot in 0..<8 {
                let bit = slot * width
                let word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                output[slot] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            }
        }
    }

    /// Decodes `count` doc-id gaps of `width` bits (each stored minus one, FORMAT.md "Postings") into
    /// ascending ids after `previous`: id i = previous + Σ_{j≤i} (gap j + 1). Unpacking and summing in one
    /// pass saves a store and a reload per value against `unpack` then a running sum. Returns the last id
    /// (as Int64: the caller checks it against the document count, which bounds every earlier id), nil when
    /// `source` is shorter than `byteCount(count:width:)`; reads bytes after those as `unpack` does.
    static func unpackAscending(_ source: UnsafeRawBufferPointer, count: Int, width: Int, after previous: Int64,
                                into destination: UnsafeMutablePointer<UInt32>) -> Int64? {
        // A whole block that the kernel takes in one call (nearly every call: a postings block's doc-id gaps or
        // tfs), before the general path's group arithmetic (~60 instructions a block, and a division). Every
        // kernel width reads at most 28 bytes past its last group's start (`kernelReach`), so the bound is safe.
        if count == 128, width >= 1, width <= 24, let base = source.baseAddress, 15 &* width &+ 28 <= source.count {
            var total = UInt64(bitPattern: previous)
            if vs_unpack_ascending_groups(base, 16, UInt32(truncatingIfNeeded: width), &total, destination) == 16 {
                return Int64(bitPattern: total)
            }
        }
        guard width >= 0, width <= 32, count >= 0 else { return nil }
        var running = previous
        if width == 0 {
            for index in 0..<count {
                running += 1
                destination[index] = UInt32(truncatingIfNeeded: running)
            }
            return running
        }
        let needed = byteCount(count: count, width: width)
        guard source.count >= needed, let base = source.baseAddress else { return count == 0 ? running : nil }
        let kernelDone = unpackAscendingWithKernel(base, count: count, width: width, byteCount: source.count,
                                                   running: &running, into: destination)
        // A whole block decoded by the kernel (the usual case): none of the Swift loops' set-up below.
        if kernelDone &* 8 == count { return running }
        let room = source.count - 8 - (7 * width) >> 3
        let fastGroups = room < 0 ? 0 : Swift.min(count / 8, room / width + 1)
        let (from, output, groups) = (base + kernelDone * width, destination + kernelDone * 8, Swift.max(fastGroups - kernelDone, 0))
        switch width {
        case 1: running = ascendingGroups(from, groups, width: 1, after: running, into: output)
        case 2: running = ascendingGroups(from, groups, width: 2, after: running, into: output)
        case 3: running = ascendingGroups(from, groups, width: 3, after: running, into: output)
        case 4: running = ascendingGroups(from, groups, width: 4, after: running, into: output)
        case 5: running = ascendingGroups(from, groups, width: 5, after: running, into: output)
        case 6: running = ascendingGroups(from, groups, width: 6, after: running, into: output)
        case 7: running = ascendingGroups(from, groups, width: 7, after: running, into: output)
        case 8: running = ascendingGroups(from, groups, width: 8, after: running, into: output)
        case 9: running = ascendingGroups(from, groups, width: 9, after: running, into: output)
        case 10: running = ascendingGroups(from, groups, width: 10, after: running, into: output)
        case 11: running = ascendingGroups(from, groups, width: 11, after: running, into: output)
        case 12: running = ascendingGroups(from, groups, width: 12, after: running, into: output)
        default: running = ascendingGroups(from, groups, width: width, after: running, into: output)
        }
        var index = Swift.max(fastGroups, kernelDone) * 8
        var bitPosition = index * width
        let mask: UInt64 = (1 << UInt64(width)) - 1
        while index < count {
            let byteOffset = bitPosition >> 3
            let assembled = tailWord(base, byteCount: source.count, at: byteOffset)
            running += Int64((assembled >> UInt64(bitPosition & 7)) & mask) + 1
            destination[index] = UInt32(truncatingIfNeeded: running)
            index += 1
            bitPosition += width
        }
        return running
    }

    /// `unpackGroups` with the running sum of `unpackAscending` (at most 2^32 per value: no overflow).
    @inline(__always)
    private static func ascendingGroups(_ base: UnsafeRawPointer, _ groups: Int, width: Int, after previous: Int64,
                                        into destination: UnsafeMutablePointer<UInt32>) -> Int64 {
        let mask: UInt64 = (1 << UInt64(width)) - 1
        var running = UInt64(bitPattern: previous)
        for group in 0..<groups {
            let source = base + group * width
            let output = destination + group * 8
            for slot in 0..<8 {
                let bit = slot * width
                let word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                running &+= ((word >> UInt64(bit & 7)) & mask) &+ 1
                output[slot] = UInt32(truncatingIfNeeded: running)
            }
        }
        return Int64(bitPattern: running)
    }

    /// Reads the single value at `index` (random access for field lengths).
    static func value(at index: Int, width: Int, in source: UnsafeRawBufferPointer) -> UInt32? {
        guard width > 0 else { return 0 }
        let bitPosition = index * width
        let byteOffset = bitPosition >> 3
        let lastByte = (bitPosition + width - 1) >> 3
        guard lastByte < source.count, let base = source.baseAddress else { return nil }
        let mask: UInt64 = width >= 64 ? UInt64.max : (1 << UInt64(width)) - 1
        // One 8-byte load holds any value of up to 57 bits wherever it starts in its first byte.
        if width <= 57 && byteOffset + 8 <= source.count {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: byteOffset, as: UInt64.self))
            return UInt32(truncatingIfNeeded: (word >> UInt64(bitPosition & 7)) & mask)
        }
        var assembled: UInt64 = 0
        var byte = 0
        while byteOffset + byte <= lastByte {
            assembled |= UInt64(base.load(fromByteOffset: byteOffset + byte, as: UInt8.self)) << UInt64(8 * byte)
            byte += 1
        }
        return UInt32(truncatingIfNeeded: (assembled >> UInt64(bitPosition & 7)) & mask)
    }
}
