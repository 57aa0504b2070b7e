/// Writes one term's positions (FORMAT.md, "Positions"): its values in blocks of 128, each bit-packed at
/// the width that minimises its size with the values that do not fit stored as exceptions (patched
/// frame of reference: a few far-apart occurrences no longer widen a whole block), the last
/// `count mod 128` values as varints. Scratch buffers are reused across terms.
struct PositionsEncoder {
    private var highBits = [UInt32](repeating: 0, count: PositionsDecoder.blockSize)
    private var exceptionSlots = [UInt8](repeating: 0, count: PositionsDecoder.blockSize)
    /// Per bit width 0...32, how many values of the block have it.
    private var countOfWidth = [Int](repeating: 0, count: 33)

    /// Appends `values` (a term's: per document its first position, then each gap − 1, or the ones after
    /// its blocks already in `out`) to `out`; appends to `blockStarts` the offset in `out` where each block
    /// starts, the varint tail being the last block.
    mutating func append(_ values: [UInt32], to out: inout [UInt8], blockStarts: inout [Int]) {
        let size = PositionsDecoder.blockSize
        let fullBlocks = values.count / size
        values.withUnsafeBufferPointer { all in
            for block in 0..<fullBlocks {
                blockStarts.append(out.count)
                appendBlock(UnsafeBufferPointer(rebasing: all[(block * size)..<((block + 1) * size)]), to: &out)
            }
            blockStarts.append(out.count)
            Self.appendVarints(UnsafeBufferPointer(rebasing: all[(fullBlocks * size)...]), to: &out)
        }
    }

    /// One block of 128 values: width, exception count, (with exceptions) the high bits' width, the low
    /// bits, then (with exceptions) the exceptions' slots and their high bits.
    private mutating func appendBlock(_ block: UnsafeBufferPointer<UInt32>, to out: inout [UInt8]) {
        let (maxWidth, bestWidth, exceptions) = countOfWidth.withUnsafeMutableBufferPointer { counts in
            for width in 0...32 { counts[width] = 0 }
            for value in block { counts[BitPacking.width(of: value)] &+= 1 }
            var maxWidth = 32
            while maxWidth > 0 && counts[maxWidth] == 0 { maxWidth -= 1 }
            var bestWidth = maxWidth
            var bestSize = BitPacking.byteCount(count: block.count, width: maxWidth)
            var bestExceptions = 0
            var wider = 0
            var width = maxWidth - 1
            // Narrower widths turn more values into exceptions; ties keep the wider width (fewer exceptions).
            while width >= 0 {
                wider += counts[width + 1]
                let size = BitPacking.byteCount(count: block.count, width: width)
                    + 1 + wider + BitPacking.byteCount(count: wider, width: maxWidth - width)
                if size < bestSize {
                    bestSize = size
                    bestWidth = width
                    bestExceptions = wider
                }
                width -= 1
            }
            return (maxWidth, bestWidth, bestExceptions)
        }
        out.append(UInt8(bestWidth))
        out.append(UInt8(exceptions))
        guard exceptions > 0 else {
            // Every value fits: packed as it is (no low/high split).
            BitPacking.pack(block, width: bestWidth, into: &out)
            return
        }
        out.append(UInt8(maxWidth - bestWidth))
        let mask: UInt32 = bestWidth >= 32 ? .max : (1 << UInt32(bestWidth)) - 1
        BitPacking.pack(block, width: bestWidth, mask: mask, into: &out)
        var found = 0
        highBits.withUnsafeMutableBufferPointer { high in
            exceptionSlots.withUnsafeMutableBufferPointer { slots in
                for slot in 0..<block.count where block[slot] > mask {
                    slots[found] = UInt8(truncatingIfNeeded: slot)
                    high[found] = block[slot] >> UInt32(bestWidth)
                    found += 1
                }
            }
        }
        out.append(contentsOf: exceptionSlots[0..<exceptions])
        highBits.withUnsafeBufferPointer { high in
            BitPacking.pack(UnsafeBufferPointer(rebasing: high[0..<exceptions]), width: maxWidth - bestWidth, into: &out)
        }
    }

    /// The varint tail, written through a pointer into room for the worst case (5 bytes per value).
    private static func appendVarints(_ values: UnsafeBufferPointer<UInt32>, to out: inout [UInt8]) {
        guard !values.isEmpty else { return }
        let start = out.count
        let room = 5 * values.count
        out.appendZeros(room)
        let written = out.withUnsafeMutableBufferPointer { bytes -> Int in
            guard let base = bytes.baseAddress else { return 0 }
            var next = base + start
            for value in values { next = PostingsWriter.writeVarint(UInt64(value), to: next) }
            return next - (base + start)
        }
        out.removeLast(room - written)
    }
}
