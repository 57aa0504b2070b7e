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

    private(set) var buffer = SegmentBuffer()

    package init() {}

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

    /// Documents added so far.
    package var documentCount: Int { buffer.documentCount }

    /// Approximate heap bytes held by the buffer; the writer flushes when it passes the budget.
    package var estimatedMemoryBytes: Int { buffer.estimatedMemoryBytes }
}
