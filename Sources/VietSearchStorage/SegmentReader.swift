/// Where a term's data lives in its segment, plus its statistics.
package struct TermInfo: Hashable, Sendable {
    /// Documents containing the term (in this segment).
    package var documentFrequency: UInt32
    /// Sum of the term's frequencies over those documents.
    package var totalTermFrequency: UInt64
    /// Byte offsets/lengths the reader needs; opaque to callers.
    package var postingsOffset: UInt64
    package var positionsOffset: UInt64
}

/// Byte counts per component of a segment, for `stats`.
package struct SegmentComponentSizes: Sendable {
    package var termDictionary: Int
    package var postings: Int
    package var positions: Int
    package var fieldLengths: Int
    package var storedFields: Int
    package var other: Int
}

/// A read-only view of one segment over its mapped bytes. Cheap to open; safe to share between
/// threads; keeps its mapping alive as long as it (or a cursor from it) exists.
package final class SegmentReader: @unchecked Sendable {
    package let meta: SegmentMeta

    init(meta: SegmentMeta) { self.meta = meta }

    package var documentCount: UInt32 { meta.documentCount }

    /// Field names in field-number order.
    package var fieldNames: [String] { [] }

    /// The field number of `name` in this segment, nil if no document of the segment has it.
    package func fieldNumber(named name: String) -> UInt8? { nil }

    /// Sum over the segment's documents of the field's length (for avgdl).
    package func sumOfFieldLengths(field: UInt8) -> UInt64 { 0 }

    /// Number of distinct terms of the field.
    package func termCount(field: UInt8) -> UInt64 { 0 }

    /// Exact length of `field` in `doc`.
    package func fieldLength(field: UInt8, doc: UInt32) throws -> UInt32 {
        throw StorageError.unimplemented("SegmentReader.fieldLength")
    }

    /// Exact lookup; nil if the field does not have the term. Does not scan the dictionary.
    package func termInfo(field: UInt8, term: [UInt8]) throws -> TermInfo? {
        throw StorageError.unimplemented("SegmentReader.termInfo")
    }

    /// Terms of the field starting with `prefix`, in byte order, at most `limit` of them.
    package func terms(field: UInt8, prefix: [UInt8], limit: Int) throws -> [(term: [UInt8], info: TermInfo)] {
        throw StorageError.unimplemented("SegmentReader.terms")
    }

    /// A cursor over the term's postings.
    package func postings(_ info: TermInfo) throws -> PostingsCursor {
        throw StorageError.unimplemented("SegmentReader.postings")
    }

    /// The stored fields of `doc`, exactly as added.
    package func storedFields(doc: UInt32) throws -> [StoredField] {
        throw StorageError.unimplemented("SegmentReader.storedFields")
    }

    /// Full verification for `check`: whole-file CRC, then every structure decoded and cross-checked.
    package func verify() throws {
        throw StorageError.unimplemented("SegmentReader.verify")
    }

    /// Bytes per component.
    package var componentSizes: SegmentComponentSizes {
        SegmentComponentSizes(termDictionary: 0, postings: 0, positions: 0, fieldLengths: 0, storedFields: 0, other: 0)
    }
}
