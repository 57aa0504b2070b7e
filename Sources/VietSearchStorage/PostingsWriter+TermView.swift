extension PostingsWriter {
    /// One term's postings as `append` reads them, in place: a `TermPostingsBuffer`'s arrays, or a
    /// term's slices of a merge batch's flat arrays (`SegmentMerger.TermPipeline`), which the writing
    /// thread used to copy into a buffer of its own first (~15% of its instructions at 30k documents).
    /// The pointers are valid only inside the call that made the view.
    struct TermView {
        var docs: UnsafeBufferPointer<UInt32>
        var frequencies: UnsafeBufferPointer<UInt32>
        /// Position values or positions, as `positionsAreValues` says (see `TermPostingsBuffer`).
        var positions: UnsafeBufferPointer<UInt32>
        var positionsAreValues: Bool
        /// As `TermPostingsBuffer.copiedPositions`, `copiedBlockStarts` and `copiedPostings`.
        var copiedPositions: UnsafeRawBufferPointer?
        var copiedBlockStarts: UnsafeBufferPointer<Int>
        var copiedPostings: CopiedPostingsBlocks?

        /// The term's documents, the copied blocks' included.
        var documentCount: Int { (copiedPostings?.documentCount ?? 0) + docs.count }

        /// Σ tf over the term's documents, the copied blocks' included.
        var totalTermFrequency: UInt64 {
            var total = UInt64(copiedPostings?.frequencySum ?? 0)
            for frequency in frequencies { total &+= UInt64(frequency) }
            return total
        }
    }

    /// Appends the term held in `buffer` (see `append(_:field:fieldLengths:)` for views).
    mutating func append(_ buffer: TermPostingsBuffer, field: UInt8, fieldLengths: [UInt32]) throws -> TermDataLocation {
        try buffer.withView { try append($0, field: field, fieldLengths: fieldLengths) }
    }
}

extension TermPostingsBuffer {
    /// The buffer's arrays as a view for `PostingsWriter`, valid inside `body`.
    func withView<Result>(_ body: (PostingsWriter.TermView) throws -> Result) rethrows -> Result {
        try docs.withUnsafeBufferPointer { docs in
            try frequencies.withUnsafeBufferPointer { frequencies in
                try positions.withUnsafeBufferPointer { positions in
                    try copiedBlockStarts.withUnsafeBufferPointer { blockStarts in
                        try body(PostingsWriter.TermView(docs: docs, frequencies: frequencies, positions: positions,
                                                         positionsAreValues: positionsAreValues,
                                                         copiedPositions: copiedPositions, copiedBlockStarts: blockStarts,
                                                         copiedPostings: copiedPostings))
                    }
                }
            }
        }
    }
}
