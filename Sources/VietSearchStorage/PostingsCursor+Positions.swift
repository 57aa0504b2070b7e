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
        guard let index = try currentPositionsIndex() else { return 0 }
        let count = Int(frequencies[indexInBlock])
        if buffer.count < start + count { buffer.append(contentsOf: repeatElement(0, count: start + count - buffer.count)) }
        try positionsDecoder.read(count, at: index, bytes: bytes, doc: doc, into: &buffer, at: start)
        return count
    }

    /// `readPositions` into memory the caller owns, with room for `capacity` values (at least
    /// `currentFrequency()`, else it throws): phrase matching keeps its buffers as raw memory, where an
    /// array argument cost a uniqueness check and a closure per candidate document.
    @inline(__always)
    package mutating func readPositions(into output: UnsafeMutablePointer<UInt32>, capacity: Int) throws -> Int {
        guard let index = try currentPositionsIndex() else { return 0 }
        let count = Int(frequencies[indexInBlock])
        guard count <= capacity else { throw StorageError.limitExceeded("\(count) positions do not fit their buffer") }
        try positionsDecoder.read(count, at: index, bytes: bytes, doc: doc, into: output)
        return count
    }

    /// The value index of the current document's first position (nil when there is no current document),
    /// the term's positions verified on first use and its frequencies unpacked; marks the document as the
    /// last one read (a later document steps over its values, a repeated read starts over from them).
    @inline(__always)
    mutating func currentPositionsIndex() throws -> Int? {
        guard block >= 0, indexInBlock >= 0, indexInBlock < blockLength, doc != Self.noMoreDocs else { return nil }
        if let check = positionsCheck {
            try check.verify(positionsStart..<positionsEnd, checksum: positionsChecksum, what: "positions")
            positionsCheck = nil
        }
        if positionsDocIndex > indexInBlock {
            // Asked again for the document decoded last: start over from its first position.
            positionsIndex = decodedPositionsIndex
            positionsDocIndex = indexInBlock
        }
        if packedFrequencies >= 0 { unpackFrequencies() }
        if positionsDocIndex < indexInBlock {
            for index in positionsDocIndex..<indexInBlock { positionsIndex += Int(frequencies[index]) }
            positionsDocIndex = indexInBlock
        }
        let index = positionsIndex
        decodedPositionsIndex = index
        positionsIndex += Int(frequencies[indexInBlock])
        positionsDocIndex = indexInBlock + 1
        return index
    }
}
