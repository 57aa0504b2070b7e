import VietSearchStorage

/// The per-document state of one key in one field of one segment: its postings cursor, its field's
/// lengths and the BM25 numbers, as a value. `TermScorer` wraps one for the scorer tree; `TermDisjunction`
/// keeps them side by side in one buffer and steps them in place, with no class, existential or reference
/// counting per document (those were most of a term query's instructions, callgrind, session 4).
///
/// Reference counting: a leaf is copied (restarts, moves into buffers) and destroyed several times a query,
/// and each copy retained every reference it holds. It holds its file through its cursor only: the length
/// column and skip table are views of that same file (`unowned(unsafe)` in storage, checked in `init`), and
/// restarts rewind a copy of the cursor instead of asking the segment reader for the list again, so the leaf
/// needs no reader.
struct TermLeaf {
    private(set) var cursor: PostingsCursor
    /// The current document, or `PostingsCursor.noMoreDocs`.
    private(set) var doc: UInt32
    /// The list's first live document: while `doc` is still this one the leaf has not moved.
    private let firstDoc: UInt32
    let info: TermInfo
    /// A view of the cursor's file (kept alive by `cursor`).
    private let lengths: FieldLengthColumn
    /// The list's per-block bounds, read by `moveShallow` (through `cursor` they copied it, see the type);
    /// a view of the cursor's file like `lengths`.
    private let skips: PostingsSkipTable
    let boost: Double, idf: Double, avgdl: Double, bm25: BM25
    /// Documents in the list (deleted ones included).
    var cost: UInt64 { UInt64(info.documentFrequency) }

    /// Block-max cache: the skip block holding the last target, its last doc and BM25 bound.
    private var shallowBlock = -1
    private var shallowLastDoc: UInt32 = 0
    private var shallowBound = 0.0
    /// The cached block's max term frequency (0 past the last block).
    private var shallowMaxFrequency = 0.0

    /// A leaf on its first document.
    init(reader: SegmentReader, info: TermInfo, scoring: FieldScoring) throws {
        try self.init(reader: reader, info: info, scoring: scoring, fieldNumber: scoring.fieldNumber)
    }

    /// A leaf on its first document, for `scoring` in the segment's field `fieldNumber` (the binding's
    /// `scoring` is read in place: a modified copy retained and released its strings and key arrays).
    init(reader: SegmentReader, info: TermInfo, scoring: borrowing FieldScoring, fieldNumber: UInt8) throws {
        var cursor = try reader.postings(info)
        let first = try cursor.nextDoc()
        self.init(opened: consume cursor, first: first, lengths: reader.fieldLengthColumn(field: fieldNumber), info: info,
                  scoring: scoring)
    }

    /// A leaf over `cursor` (of `info`'s list, moved to its first document `first`) and `lengths` (the
    /// column of the scored field in the cursor's segment). Not throwing: a throwing init built the leaf
    /// aside and copied it out, and a leaf made in a throwing expression was copied into its array (every
    /// reference retained and released again, callgrind, sessions 7 and 18); callers open the cursor first.
    init(opened cursor: consuming PostingsCursor, first: UInt32, lengths: FieldLengthColumn, info: TermInfo,
         scoring: borrowing FieldScoring) {
        // Read before the cursor moves into the leaf: read after, the cursor was copied (its references
        // retained and released) to outlive the move (callgrind, session 18).
        skips = cursor.skipTableView
        // The views are valid because the cursor holds their file: they must come from the same segment.
        assert(lengths.views(cursor) && skips.views(cursor), "a leaf's length column and skip table must view its cursor's file")
        self.cursor = cursor
        doc = first
        firstDoc = first
        self.info = info
        self.lengths = lengths
        boost = scoring.boost
        idf = scoring.idf
        avgdl = scoring.avgdl
        bm25 = scoring.bm25
    }

    /// A leaf over the same list back on its first document, with a cursor of its own. `mutating` (it
    /// changes nothing) for the same reason as `maxScore`.
    mutating func restarted() throws -> TermLeaf {
        var copy = self
        // A leaf still on its first document is its own restart: the copy shares the decoded block (an
        // array copied on the first write), where a new cursor cost ~2k instructions to open plus a block
        // decode (callgrind, session 7; the seeds of θ and the counting lookups restart unmoved leaves).
        if doc != firstDoc {
            copy.cursor.rewind()
            copy.doc = try copy.cursor.nextDoc()
        }
        copy.shallowBlock = -1
        copy.shallowLastDoc = 0
        copy.shallowBound = 0
        copy.shallowMaxFrequency = 0
        return copy
    }

    @inline(__always)
    mutating func nextDoc() throws -> UInt32 {
        if doc != PostingsCursor.noMoreDocs { doc = try cursor.nextDoc() }
        return doc
    }

    @inline(__always)
    mutating func advance(to target: UInt32) throws -> UInt32 {
        if target > doc { doc = try cursor.advance(to: target) }
        return doc
    }

    /// BM25 of the current document (the same expression as `FieldScoring.contribution`, so bit-identical).
    @inline(__always)
    mutating func score() throws -> Double {
        let dl = try lengths.length(doc)
        return bm25.score(boost: boost, idf: idf, tf: Double(cursor.currentFrequency()), dl: Double(dl), avgdl: avgdl)
    }

    /// The current document's length in the field and term frequency (explanations).
    mutating func lengthAndFrequency() throws -> (dl: UInt32, tf: UInt32) {
        (try lengths.length(doc), cursor.currentFrequency())
    }

    /// An upper bound of `score()` over the whole list: the best of the per-block bounds (max tf, min field
    /// length), which stay valid for any k1 and b since BM25 grows with tf and shrinks with dl.
    /// Read through the skip table view (direct loads, as `moveShallow`): the cursor's `forEachBlockBound`
    /// made a byte reader per entry plus a closure call, ~150 instructions a block (callgrind, and2: ~9k of a
    /// median query's fixed cost for its four leaves).
    /// `mutating` although it changes nothing: leaves live in buffers and arrays, and a non-mutating call on
    /// one there loaded a copy of the whole leaf (~10 references retained, then released) to pass it, where a
    /// mutating call passes its address (callgrind, session 18: ~600 instructions a call).
    mutating func maxScore() throws -> Double {
        var best = 0.0
        for index in 0..<skips.blockCount {
            let entry = try skips.blockBounds(index)
            best = Swift.max(best, bm25.score(boost: boost, idf: idf, tf: Double(entry.maxFrequency),
                                              dl: Double(entry.minFieldLength), avgdl: avgdl))
        }
        return best
    }

    /// The block holding `target` in the skip table, its last doc and BM25 bound (cached per block).
    @inline(__always)
    mutating func blockMax(at target: UInt32) throws -> (lastDoc: UInt32, bound: Double) {
        if target <= shallowLastDoc && shallowBlock >= 0 { return (shallowLastDoc, shallowBound) }
        return try moveShallow(to: target)
    }

    private mutating func moveShallow(to target: UInt32) throws -> (lastDoc: UInt32, bound: Double) {
        let blocks = skips.blockCount
        var index = Swift.max(shallowBlock, 0)
        while index < blocks {
            let entry = try skips.blockBounds(index)
            if entry.lastDoc >= target {
                shallowBlock = index
                shallowLastDoc = entry.lastDoc
                shallowMaxFrequency = Double(entry.maxFrequency)
                shallowBound = bm25.score(boost: boost, idf: idf, tf: shallowMaxFrequency,
                                          dl: Double(entry.minFieldLength), avgdl: avgdl)
                return (shallowLastDoc, shallowBound)
            }
            index += 1
        }
        // Past the last block: nothing more to score.
        shallowBlock = blocks
        shallowLastDoc = PostingsCursor.noMoreDocs - 1
        shallowBound = 0
        shallowMaxFrequency = 0
        return (shallowLastDoc, 0)
    }

    /// An upper bound of `score()` over the documents `start...end` (`start` not before the last target of
    /// `blockMax`): the best bound of the blocks holding them. The blocks past `start`'s are read from the
    /// skip table without moving the cached block, which later `blockMax` calls in the window still need.
    mutating func windowBound(from start: UInt32, through end: UInt32) throws -> Double {
        let first = try blockMax(at: start)
        guard first.lastDoc < end else { return first.bound }
        var best = first.bound
        var index = shallowBlock + 1
        while index < skips.blockCount {
            let entry = try skips.blockBounds(index)
            best = Swift.max(best, bm25.score(boost: boost, idf: idf, tf: Double(entry.maxFrequency),
                                              dl: Double(entry.minFieldLength), avgdl: avgdl))
            if entry.lastDoc >= end { break }
            index += 1
        }
        return best
    }

    /// An upper bound of `score()` on document `target` (not before the current one), tighter than
    /// `blockMax`: the block's max term frequency with the document's own field length, read from the
    /// length column without decoding the block (the block's min length is often far from the document's).
    @inline(__always)
    mutating func documentBound(at target: UInt32) throws -> Double {
        _ = try blockMax(at: target)
        guard shallowMaxFrequency > 0 else { return 0 }
        let dl = try lengths.length(target)
        return bm25.score(boost: boost, idf: idf, tf: shallowMaxFrequency, dl: Double(dl), avgdl: avgdl)
    }

    /// Sets the bit of every live document of the term's list (this leaf does not move; `mutating` for
    /// the same reason as `maxScore`).
    mutating func markAllDocs(in bits: inout [UInt64]) throws {
        if doc == firstDoc {
            // Not moved yet: a copy of the cursor marks from its loaded block (see `restarted`).
            var all = cursor
            try all.markAllDocsFromFirst(in: &bits)
            return
        }
        var all = cursor
        all.rewind()
        try all.markRemainingDocs(in: &bits)
    }
}
