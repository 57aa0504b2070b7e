/// One occurrence of a term in a field of the document being added.
/// `term` is opaque bytes to storage (the layers above choose their key encoding).
package struct TermOccurrence: Sendable {
    package var field: UInt8
    package var term: [UInt8]
    package var position: UInt32

    package init(field: UInt8, term: [UInt8], position: UInt32) {
        self.field = field
        self.term = term
        self.position = position
    }
}

/// Everything storage needs to know about one document.
package struct DocumentPostings: Sendable {
    /// Stored fields, kept verbatim and returned by `SegmentReader.storedFields(doc:)`.
    package var stored: [StoredField]
    /// Exact length of each indexed field, indexed by field number; missing trailing fields count as 0.
    package var fieldLengths: [UInt32]
    /// Term occurrences in any order; duplicates (same field, term, position) are kept once.
    package var occurrences: [TermOccurrence]

    package init(stored: [StoredField], fieldLengths: [UInt32], occurrences: [TermOccurrence]) {
        self.stored = stored
        self.fieldLengths = fieldLengths
        self.occurrences = occurrences
    }
}

/// The in-memory buffer of a segment being built (Tantivy's "segment writer"): accumulates
/// postings, positions, field lengths and stored fields; `IndexStore.writeSegment` serialises it.
package final class SegmentBuilder {
    /// The format's limits: field numbers are one byte, term lengths fit a u16 (FORMAT.md).
    package static let maximumFieldCount = 255
    package static let maximumTermLength = 65_535
    /// Local doc ids stop below `PostingsCursor.noMoreDocs`.
    package static let maximumDocumentCount = Int(UInt32.max - 1)

    /// Unchecked: a builder is used by one thread at a time, and the per-occurrence calls below would
    /// otherwise each pay a dynamic exclusivity check.
    @exclusivity(unchecked) private(set) var buffer: SegmentBuffer

    /// A builder whose stored fields use `storedDictionary` (shared with other builders, so their
    /// segments can be joined with one dictionary), or, when nil, train their own on the first documents.
    package init(storedDictionary: StoredDictionaryChoice? = nil) {
        buffer = SegmentBuffer(storedDictionary: storedDictionary)
    }

    /// The stored-field dictionary decision, once made (nil before the first ~1 MiB of stored text).
    package var storedDictionary: StoredDictionaryChoice? { buffer.stored.choice }

    /// Moves every document of `other` after this builder's (same result as adding them here, in
    /// order); `other` is left empty. Throws `.limitExceeded`, changing neither, past 255 fields in all.
    /// Returns `other`'s former memory, freed when the value goes: parallel indexing drops it on the
    /// worker thread that allocated it (see `IndexingWorkers`).
    @discardableResult
    package func append(_ other: SegmentBuilder) throws -> RetiredMemory {
        try buffer.append(other.buffer)
        let retired = RetiredMemory(buffer: other.buffer, streams: nil)
        other.buffer = SegmentBuffer()
        other.termIDEpoch += 1
        return retired
    }

    /// Moves the term streams (most of a builder's memory) into memory the calling thread allocates,
    /// same contents and capacities, and returns the old streams. Parallel indexing does it to the
    /// worker's builder that starts the segment it assembles (see `TermStreams.copiedHere`).
    package func moveStreamsToCallingThread() -> RetiredMemory {
        let old = buffer.termStreams
        buffer.termStreams = old.copiedHere()
        return RetiredMemory(streams: old)
    }

    /// Memory a builder gave up, freed when the last copy of this value goes.
    package struct RetiredMemory: @unchecked Sendable {
        fileprivate var buffer: SegmentBuffer?
        fileprivate var streams: TermStreams?
    }

    /// Compresses the stored fields' last block: `IndexStore.serializeSegment` does it first.
    func sealStored() throws {
        try buffer.sealStored()
    }

    /// Compresses the stored fields' raw blocks if the dictionary decision is made (else nothing): a
    /// parallel job does it on its own thread before handing its builder over, instead of the writer
    /// doing it when it appends the builder (serial work).
    package func sealStoredIfDecided() throws {
        try buffer.sealStoredIfDecided()
    }

    /// Makes the stored-field dictionary decision now if it is open and the documents so far are enough
    /// to train one (`storedDictionary` is then set), so that other builders can be given it.
    package func decideStoredDictionaryIfTrainable() throws {
        try buffer.stored.decideIfTrainable()
    }

    /// Leaves the stored-field dictionary decision, while it is open, to `adoptStoredDictionary`: a
    /// parallel job started before the job training on the first documents has decided keeps its stored
    /// fields raw (none trained here, however many) until it is given that decision.
    package func awaitStoredDictionary() {
        buffer.stored.awaitGivenChoice()
    }

    /// Takes the stored-field dictionary decision another builder made (compressing the raw stored
    /// blocks with it); nil lets this builder decide for itself again. Nothing if already decided.
    package func adoptStoredDictionary(_ choice: StoredDictionaryChoice?) throws {
        try buffer.stored.adopt(choice)
    }

    /// Field names in field-number order.
    package var fieldNames: [String] { buffer.fieldNames }

    /// The number for `name`, registering it if new. Throws `.limitExceeded` past 255 fields.
    package func fieldNumber(for name: String) throws -> UInt8 {
        try buffer.fieldNumber(for: name)
    }

    /// Adds a document and returns its local doc id (0, 1, 2, … in call order).
    /// Validates everything first, so a rejected document leaves the buffer unchanged.
    @discardableResult
    package func add(_ document: DocumentPostings) throws -> UInt32 {
        try buffer.add(document)
    }

    /// Starts a document; its occurrences follow, then `finishDocument` (or `abandonDocument`).
    package func beginDocument() throws {
        try buffer.beginDocument()
    }

    /// One occurrence of `(field, bytes)` at `position` in the current document.
    /// Throws `.limitExceeded` for an unregistered field or a term longer than `maximumTermLength`.
    @inline(__always)
    package func addOccurrence(field: UInt8, bytes: UnsafeBufferPointer<UInt8>, position: UInt32) throws {
        try buffer.addOccurrence(field: field, bytes: bytes, position: position)
    }

    /// Occurrences of two keys at one position (a token's exact and folded keys); faster than two
    /// `addOccurrence` calls when `second` is determined by `first`.
    @inline(__always)
    package func addOccurrencePair(field: UInt8, first: UnsafeBufferPointer<UInt8>, second: UnsafeBufferPointer<UInt8>,
                                   position: UInt32) throws {
        try buffer.addOccurrencePair(field: field, first: first, second: second, position: position)
    }

    /// `addOccurrencePair`, returning the two keys' term ids: `addTermPair` takes them for the same
    /// keys again (they stay valid while `termIDEpoch` is unchanged).
    @inline(__always)
    package func addOccurrencePairGivingIDs(field: UInt8, first: UnsafeBufferPointer<UInt8>,
                                            second: UnsafeBufferPointer<UInt8>,
                                            position: UInt32) throws -> (first: UInt32, second: UInt32) {
        try buffer.addOccurrencePair(field: field, first: first, second: second, position: position)
    }

    /// Occurrences at `position` of two keys of `field` that `addOccurrencePair` interned, by the term
    /// ids it returned. Throws `.limitExceeded` outside a document or for ids that are not terms of `field`.
    @inline(__always)
    package func addTermPair(field: UInt8, first: UInt32, second: UInt32, position: UInt32) throws {
        try buffer.addTermPair(field: field, first: first, second: second, position: position)
    }

    /// `addTermPair` for a run of tokens: `pairs[i]` is `first << 32 | second`, added at `positions[i]`
    /// (one call for many tokens). Throws as `addTermPair` does, or if the counts differ; the pairs
    /// before the one that failed stay added (the caller abandons the document).
    package func addTermPairs(field: UInt8, pairs: UnsafeBufferPointer<UInt64>, positions: UnsafeBufferPointer<UInt32>) throws {
        try buffer.addTermPairs(field: field, pairs: pairs, positions: positions)
    }

    /// Changes when term ids given out earlier stop being valid (`append(_:)` empties the appended builder).
    package private(set) var termIDEpoch = 0

    /// Ends the current document with its stored fields and field lengths (by field number) and
    /// returns its local doc id.
    @discardableResult
    package func finishDocument(stored: [StoredField], fieldLengths: [UInt32]) throws -> UInt32 {
        try buffer.finishDocument(stored: stored, fieldLengths: fieldLengths)
    }

    /// Marks a point in the current document after which every field's positions are higher than
    /// before (between analysis chunks): lets the builder compact a huge document's occurrences.
    package func checkpoint() {
        buffer.checkpoint()
    }

    /// Tests only: false sends every document's occurrences through the scratch path (sorted at
    /// `finishDocument`) instead of straight into the term streams.
    func setDirectOccurrencesForTesting(_ enabled: Bool) {
        buffer.directOccurrencesEnabled = enabled
    }

    /// Tests only: compact after this many occurrences instead of 1 Mi.
    func setSpillThresholdForTesting(_ threshold: Int) {
        buffer.spillThreshold = threshold
    }

    /// Forgets the document being added (after an error while adding it).
    package func abandonDocument() {
        buffer.abandonDocument()
    }

    /// Documents added so far.
    package var documentCount: Int { buffer.documentCount }

    /// Approximate heap bytes held by the buffer; the writer flushes when it passes the budget.
    package var estimatedMemoryBytes: Int { buffer.estimatedMemoryBytes }
}
