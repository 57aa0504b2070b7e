/// How one block of 128 position values is packed (FORMAT.md, "Positions", writing): the widest value's
/// width `m`, the packed width `w` that minimises the block's size, and how many values are wider than
/// `w` (its exceptions, whose high bits follow the packed array).
struct PositionBlockLayout: Equatable {
    var maxWidth: Int
    var width: Int
    var exceptions: Int

    static let valueCount = PositionsDecoder.blockSize

    /// The block's bytes: the 2-byte header and 16·m bytes without exceptions; with `k` exceptions
    /// one more header byte, 16·w bytes, the `k` slots and ⌈k·(m − w)/8⌉ bytes of high bits.
    var size: Int {
        guard exceptions > 0 else { return 2 + BitPacking.byteCount(count: Self.valueCount, width: maxWidth) }
        return 3 + BitPacking.byteCount(count: Self.valueCount, width: width) + exceptions
            + BitPacking.byteCount(count: exceptions, width: maxWidth - width)
    }

    /// The layout of the 128 values at `block`: the smallest size, ties going to the wider width (fewer
    /// exceptions). Width `w < m` costs 16w + 1 + k_w + ⌈k_w·(m − w)/8⌉ bytes after the header, k_w being
    /// the number of values wider than w, against 16m without exceptions. Widths are tried from m − 1
    /// down, each k_w counted by one pass over the block (a compare per value, which the compiler turns
    /// into vector instructions), and the search stops once no narrower width can be smaller: for
    /// w' < w, k_w' ≥ k_w, and each width less saves 16 bytes of low bits but costs at most k_w/8 ≤ 16
    /// more high bits, so every narrower width costs at least 1 + k_w + ⌈k_w·m/8⌉ (its value at w' = 0).
    /// The choice is the one a histogram of the 128 widths gives (tested against it); the histogram
    /// (a count per value into a 33-entry table, then a scan) cost ~1,330 instructions a block, ~5% of a
    /// merge that re-blocks its later inputs' positions.
    static func choose(_ block: UnsafePointer<UInt32>) -> PositionBlockLayout {
        var bits: UInt32 = 0
        for slot in 0..<128 { bits |= block[slot] }
        let maxWidth = BitPacking.width(of: bits)
        var best = PositionBlockLayout(maxWidth: maxWidth, width: maxWidth, exceptions: 0)
        var bestSize = 16 * maxWidth
        var width = maxWidth - 1
        while width >= 0 {
            let wider = countWider(than: width, block)
            let size = 16 * width + 1 + wider + BitPacking.byteCount(count: wider, width: maxWidth - width)
            if size < bestSize {
                bestSize = size
                best.width = width
                best.exceptions = wider
            }
            if 1 + wider + BitPacking.byteCount(count: wider, width: maxWidth) >= bestSize { break }
            width -= 1
        }
        return best
    }

    /// How many of the 128 values need more than `width` (< 32) bits. Branch-free (`x | −x` has its top
    /// bit set exactly when x ≠ 0) so that the loop becomes vector shifts and compares, 4 values a step:
    /// written with a comparison, the optimiser made a branch per value (~4.6 instructions a value).
    @inline(__always)
    private static func countWider(than width: Int, _ block: UnsafePointer<UInt32>) -> Int {
        let shift = UInt32(truncatingIfNeeded: width)
        var count: UInt32 = 0
        for slot in 0..<128 {
            let high = block[slot] &>> shift
            count &+= (high | (0 &- high)) &>> 31
        }
        return Int(count)
    }
}
