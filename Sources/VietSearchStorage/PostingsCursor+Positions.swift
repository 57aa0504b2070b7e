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
    /// which is at most both arrays' length).
    @inline(__always)
    mutating func currentPositionsRange() throws -> (index: Int, count: Int)? {
        let slot = indexInBlock
        // One unsigned comparison: before the first load, and once the list is exhausted (`finish`), the slot
        // is not below `blockLength`.
        guard UInt(bitPattern: slot) < UInt(bitPattern: blockLength) else { return nil }
        if positionsCheck != nil { try verifyPositions() }
        if !valueStartsReady { prepareValueStarts() }
        let index: Int = valueStarts.withUnsafeBufferPointer { starts in
            guard let base = starts.baseAddress, slot < starts.count else { return 0 }
            return base[slot]
        }
        let count: Int = frequencies.withUnsafeBufferPointer { values in
            guard let base = values.baseAddress, slot < values.count else { return 0 }
            return Int(base[slot])
        }
        return (index, count)
    }

    /// Unpacks the block's frequencies if still packed and sums them into `valueStarts` (out of line: once
    /// per block, while an inlined loop crowded the per-read path). A tf is below 2^32 and a block holds
    /// 128, so the sums cannot overflow.
    @inline(never)
    private mutating func prepareValueStarts() {
        if packedFrequencies >= 0 { unpackFrequencies() }
        if valueStarts.count < PostingsWriter.blockSize { valueStarts = [Int](repeating: 0, count: PostingsWriter.blockSize) }
        let length = Swift.min(blockLength, PostingsWriter.blockSize)
        let first = blockValueIndex
        frequencies.withUnsafeBufferPointer { values in
            valueStarts.withUnsafeMutableBufferPointer { starts in
                guard let tfs = values.baseAddress, let out = starts.baseAddress,
                      length <= values.count, length <= starts.count else { return }
                var running = first
                for slot in 0..<length {
                    out[slot] = running
                    running &+= Int(tfs[slot])
                }
            }
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
