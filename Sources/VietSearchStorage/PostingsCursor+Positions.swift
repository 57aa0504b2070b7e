/// Reading the current document's positions (FORMAT.md, "Positions"): the term's positions bytes are verified on
/// first use, then the document's values are located by value index and decoded by `PositionsDecoder`.
extension PostingsCursor {
    /// Positions of the term in the current document, ascending.
    package mutating func positions() throws -> [UInt32] {
        var result: [UInt32] = []
        try positions(into: &result)
        return result
    }

    /// Replaces `buffer`'s contents with the current document's positions, ascending. Reusing one
    /// buffer across documents avoids an allocation per document (phrase matching).
    package mutating func positions(into buffer: inout [UInt32]) throws {
        buffer.removeAll(keepingCapacity: true)
        try appendPositions(to: &buffer)
    }

    /// Appends the current document's positions to `buffer` (merging concatenates them per term).
    package mutating func appendPositions(to buffer: inout [UInt32]) throws {
        let first = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: Int(currentFrequency())))
        let written = try readPositions(into: &buffer, at: first)
        buffer.removeLast(buffer.count - first - written)
    }

    /// Writes the current document's positions, ascending, to `buffer[start...]` (growing `buffer` when it
    /// is too short, never shrinking it) and returns how many there are: the buffer is reused as is, with
    /// no per-document clearing or appending (phrase matching reads positions for every candidate).
    package mutating func readPositions(into buffer: inout [UInt32], at start: Int = 0) throws -> Int {
        guard let (index, count) = try currentPositionsRange() else { return 0 }
        if buffer.count < start + count { buffer.append(contentsOf: repeatElement(0, count: start + count - buffer.count)) }
        try positionsDecoder.read(count, at: index, bytes: bytes, doc: doc, into: &buffer, at: start)
        return count
    }

    /// `readPositions` into memory the caller owns, with room for `capacity` values (at least
    /// `currentFrequency()`, else it throws): phrase matching keeps its buffers as raw memory, where an
    /// array argument cost a uniqueness check and a closure per candidate document.
    @inline(__always)
    package mutating func readPositions(into output: UnsafeMutablePointer<UInt32>, capacity: Int) throws -> Int {
        guard let (index, count) = try currentPositionsRange() else { return 0 }
        guard count <= capacity else { throw StorageError.limitExceeded("\(count) positions do not fit their buffer") }
        try positionsDecoder.read(count, at: index, bytes: bytes, doc: doc, into: output)
        return count
    }

    /// The value index of the current document's first position and its number of values (its tf), nil
    /// when there is no current document; the term's positions verified on first use and the block's
    /// value starts computed on its first read. The phrase join asks for every key of every candidate, so
    /// the two values are read without bounds checks (the guard keeps `indexInBlock` below `blockLength`,
    /// and `valueStarts` holds `blockLength + 1` values once ready).
    @inline(__always)
    mutating func currentPositionsRange() throws -> (index: Int, count: Int)? {
        let slot = indexInBlock
        // One unsigned comparison: before the first load, and once the list is exhausted (`finish`), the slot
        // is not below `blockLength`.
        guard UInt(bitPattern: slot) < UInt(bitPattern: blockLength) else { return nil }
        // The positions are verified there: a cursor's first read always finds its block's starts not ready.
        if !valueStartsReady { try prepareValueStarts() }
        let range: (index: Int, count: Int) = valueStarts.withUnsafeBufferPointer { starts in
            guard let base = starts.baseAddress, slot &+ 1 < starts.count else { return (0, 0) }
            let first = base[slot]
            // Starts ascend (every tf is at least 1; `prepareValueStarts` checked the last one fits 32 bits).
            return (Int(first), Int(base[slot &+ 1] &- first))
        }
        return range
    }

    /// Sums the block's tfs into `valueStarts` (out of line: once per block, while an inlined loop crowded
    /// the per-read path). A full block's tfs still bit-packed (a phrase's lists are mostly read for their
    /// positions alone) are summed straight from the packed bits in the pass that unpacks them
    /// (`BitPacking.unpackAscending`: a packed value is tf − 1, as a doc-id gap is), without unpacking them
    /// into `frequencies` and summing those in a second pass; they stay packed for `currentFrequency`.
    @inline(never)
    private mutating func prepareValueStarts() throws {
        if positionsCheck != nil { try verifyPositions() }
        let size = PostingsWriter.blockSize
        if valueStarts.count <= size { valueStarts = [UInt32](repeating: 0, count: size + 1) }
        let length = Swift.min(blockLength, size)
        let first = Int64(blockValueIndex)
        let packed = packedFrequencies >= 0 && length == size
        let source = packed ? rawBytes(packedFrequencies, count: Swift.min(postingsEnd, bytes.count) - packedFrequencies)
                            : UnsafeRawBufferPointer(start: nil, count: 0)
        let width = packedFrequencyWidth
        let last: Int64? = frequencies.withUnsafeBufferPointer { values in
            valueStarts.withUnsafeMutableBufferPointer { starts -> Int64? in
                guard let tfs = values.baseAddress, let out = starts.baseAddress,
                      length <= values.count, length < starts.count, first <= Int64(UInt32.max) else { return nil }
                out[0] = UInt32(truncatingIfNeeded: first)
                // `load` checked that the packed bytes exist and that width < 32.
                if packed { return BitPacking.unpackAscending(source, count: size, width: width, after: first, into: out + 1) }
                var running = first
                for slot in 0..<length {
                    running &+= Int64(tfs[slot])
                    out[slot &+ 1] = UInt32(truncatingIfNeeded: running)
                }
                return running
            }
        }
        guard let last, last <= Int64(UInt32.max) else {
            throw StorageError.corrupt(file: bytes.name, offset: positionsStart,
                                       reason: "the position values of block \(block) run past 2^32")
        }
        valueStartsReady = true
    }

    /// Verifies the term's positions bytes on the cursor's first read of them (out of line: once per cursor).
    @inline(never)
    private mutating func verifyPositions() throws {
        guard let check = positionsCheck else { return }
        try check.verify(positionsStart..<positionsEnd, checksum: positionsChecksum, what: "positions")
        positionsCheck = nil
    }
}
