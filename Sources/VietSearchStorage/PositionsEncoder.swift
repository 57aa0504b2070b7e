/// Writes one term's positions (FORMAT.md, "Positions"): its values in blocks of 128, each bit-packed at
/// the width that minimises its size with the values that do not fit stored as exceptions (patched
/// frame of reference: a few far-apart occurrences no longer widen a whole block), the last
/// `count mod 128` values as varints. Scratch buffers are reused across terms.
struct PositionsEncoder {
    private var lowBits = [UInt32](repeating: 0, count: PositionsDecoder.blockSize)
    private var highBits: [UInt32] = []
    private var exceptionSlots: [UInt8] = []
    /// Per bit width 0...32, how many values of the block have it.
    private var countOfWidth = [Int](repeating: 0, count: 33)

    /// Appends `values` (a term's: per document its first position, then each gap − 1) to `out`; sets
    /// `blockStarts[b]` to the offset in `out` where block `b` starts, the varint tail being the last block.
    mutating func append(_ values: [UInt32], to out: inout [UInt8], blockStarts: inout [Int]) {
        blockStarts.removeAll(keepingCapacity: true)
        let size = PositionsDecoder.blockSize
        let fullBlocks = values.count / size
        values.withUnsafeBufferPointer { all in
            for block in 0..<fullBlocks {
                blockStarts.append(out.count)
                appendBlock(UnsafeBufferPointer(rebasing: all[(block * size)..<((block + 1) * size)]), to: &out)
            }
        }
        blockStarts.append(out.count)
        for value in values[(fullBlocks * size)...] { out.appendVarint(value) }
    }

    /// One block of 128 values: width, exception count, (with exceptions) the high bits' width, the low
    /// bits, then (with exceptions) the exceptions' slots and their high bits.
    private mutating func appendBlock(_ block: UnsafeBufferPointer<UInt32>, to out: inout [UInt8]) {
        for width in 0...32 { countOfWidth[width] = 0 }
        for value in block { countOfWidth[BitPacking.width(of: value)] += 1 }
        var maxWidth = 32
        while maxWidth > 0 && countOfWidth[maxWidth] == 0 { maxWidth -= 1 }
        var bestWidth = maxWidth
        var bestSize = BitPacking.byteCount(count: block.count, width: maxWidth)
        var wider = 0
        var width = maxWidth - 1
        // Narrower widths turn more values into exceptions; ties keep the wider width (fewer exceptions).
        while width >= 0 {
            wider += countOfWidth[width + 1]
            let size = BitPacking.byteCount(count: block.count, width: width)
                + 1 + wider + BitPacking.byteCount(count: wider, width: maxWidth - width)
            if size < bestSize {
                bestSize = size
                bestWidth = width
            }
            width -= 1
        }
        let mask: UInt32 = bestWidth >= 32 ? .max : (1 << UInt32(bestWidth)) - 1
        highBits.removeAll(keepingCapacity: true)
        exceptionSlots.removeAll(keepingCapacity: true)
        for (slot, value) in block.enumerated() {
            lowBits[slot] = value & mask
            if BitPacking.width(of: value) > bestWidth {
                exceptionSlots.append(UInt8(slot))
                highBits.append(value >> UInt32(bestWidth))
            }
        }
        out.append(UInt8(bestWidth))
        out.append(UInt8(exceptionSlots.count))
        if !exceptionSlots.isEmpty { out.append(UInt8(maxWidth - bestWidth)) }
        BitPacking.pack(lowBits, width: bestWidth, into: &out)
        if !exceptionSlots.isEmpty {
            out.append(contentsOf: exceptionSlots)
            BitPacking.pack(highBits, width: maxWidth - bestWidth, into: &out)
        }
    }
}
