/// Writes one term's positions (FORMAT.md, "Positions"): its values in blocks of 128, each bit-packed at
/// the width that minimises its size with the values that do not fit stored as exceptions (patched
/// frame of reference: a few far-apart occurrences no longer widen a whole block), the last
/// `count mod 128` values as varints. Scratch buffers are reused across terms.
struct PositionsEncoder {
    private var highBits = [UInt32](repeating: 0, count: PositionsDecoder.blockSize)
    /// The layout of each full block of the term being written.
    private var layouts: [PositionBlockLayout] = []

    /// Appends `values` (a term's: per document its first position, then each gap − 1, or the ones after
    /// its blocks already in `out`) to `out`; appends to `blockStarts` the offset in `out` where each block
    /// starts, the varint tail being the last block. Every block's layout is chosen first, so the term's
    /// bytes are written through one pointer into room made once (exact for the blocks, 5 bytes per tail
    /// value): making room and trimming per packed array cost ~150 instructions each.
    mutating func append(_ values: [UInt32], to out: inout [UInt8], blockStarts: inout [Int]) {
        values.withUnsafeBufferPointer { append($0, to: &out, blockStarts: &blockStarts) }
    }

    /// As `append(_:to:blockStarts:)`, reading the values in place (a merge batch's slice).
    mutating func append(_ values: UnsafeBufferPointer<UInt32>, to out: inout [UInt8], blockStarts: inout [Int]) {
        let size = PositionsDecoder.blockSize
        let fullBlocks = values.count / size
        let tailCount = values.count - fullBlocks * size
        guard let source = values.baseAddress else {
            blockStarts.append(out.count)
            return
        }
        layouts.removeAll(keepingCapacity: true)
        var blockBytes = 0
        for block in 0..<fullBlocks {
            let layout = PositionBlockLayout.choose(source + block * size)
            layouts.append(layout)
            blockBytes += layout.size
        }
        let start = out.count
        // Packing may store up to 8 bytes past an array (zeros that later writes overwrite).
        let room = blockBytes + 5 * tailCount + 8
        out.appendZeros(room)
        let written = out.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            let target = base + start
            var offset = 0
            highBits.withUnsafeMutableBufferPointer { high in
                layouts.withUnsafeBufferPointer { layouts in
                    guard let high = high.baseAddress else { return }
                    for block in 0..<fullBlocks {
                        blockStarts.append(start + offset)
                        offset += Self.writeBlock(source + block * size, layouts[block], to: target + offset, highBits: high)
                    }
                }
            }
            blockStarts.append(start + offset)
            var next = target.assumingMemoryBound(to: UInt8.self) + offset
            for slot in (fullBlocks * size)..<values.count { next = PostingsWriter.writeVarint(UInt64(source[slot]), to: next) }
            return next - target.assumingMemoryBound(to: UInt8.self)
        }
        out.removeLast(room - written)
    }

    /// One block of 128 values at `target`: width, exception count, (with exceptions) the high bits'
    /// width, the low bits, then (with exceptions) the exceptions' slots and their high bits. Returns
    /// `layout.size`; may store zeros up to 8 bytes past it. `highBits` has room for 128 values.
    private static func writeBlock(_ block: UnsafePointer<UInt32>, _ layout: PositionBlockLayout,
                                   to target: UnsafeMutableRawPointer, highBits high: UnsafeMutablePointer<UInt32>) -> Int {
        let values = UnsafeBufferPointer(start: block, count: PositionsDecoder.blockSize)
        let width = layout.width
        target.storeBytes(of: UInt8(truncatingIfNeeded: width), as: UInt8.self)
        target.storeBytes(of: UInt8(truncatingIfNeeded: layout.exceptions), toByteOffset: 1, as: UInt8.self)
        guard layout.exceptions > 0 else {
            // Every value fits: packed as it is (no low/high split).
            BitPacking.pack(values, width: width, to: target + 2)
            return layout.size
        }
        let highWidth = layout.maxWidth - width
        target.storeBytes(of: UInt8(truncatingIfNeeded: highWidth), toByteOffset: 2, as: UInt8.self)
        let mask: UInt32 = width >= 32 ? .max : (1 << UInt32(width)) - 1
        BitPacking.pack(values, width: width, mask: mask, to: target + 3)
        let slots = target + 3 + BitPacking.byteCount(count: values.count, width: width)
        var found = 0
        for slot in 0..<values.count where values[slot] > mask {
            slots.storeBytes(of: UInt8(truncatingIfNeeded: slot), toByteOffset: found, as: UInt8.self)
            high[found] = values[slot] >> UInt32(width)
            found += 1
        }
        BitPacking.pack(UnsafeBufferPointer(start: high, count: found), width: highWidth, to: slots + found)
        return layout.size
    }
}
