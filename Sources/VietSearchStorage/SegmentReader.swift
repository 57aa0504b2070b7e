/// Where a term's data lives in its segment, plus its statistics.
package struct TermInfo: Hashable, Sendable {
    /// Live documents containing the term (in this segment): deleted documents are not counted.
    package var documentFrequency: UInt32
    /// Documents in the term's posting list as written, deleted ones included (the postings layout
    /// depends on it). Equal to `documentFrequency` in a segment without deletes.
    package var encodedDocumentFrequency: UInt32 = 0
    /// Sum of the term's frequencies over those documents.
    package var totalTermFrequency: UInt64
    /// Byte offsets/lengths the reader needs; opaque to callers.
    package var postingsOffset: UInt64
    package var positionsOffset: UInt64
    package var postingsLength: UInt64 = 0
    package var positionsLength: UInt64 = 0
    /// CRC-32 of the term's postings and positions bytes, verified before they are decoded.
    package var postingsChecksum: UInt32 = 0
    package var positionsChecksum: UInt32 = 0
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
    let bytes: FileBytes
    let layout: SegmentLayout
    let dictionary: TermDictionary
    private let lengths: FieldLengthsReader
    let stored: StoredFieldsReader
    let ids: StoredIDsReader
    private let fieldNumbers: [String: UInt8]
    /// Verified postings and positions ranges, shared by every cursor of this segment.
    let checksums: RangeChecksums
    /// Deleted documents as of the manifest that opened this reader; nil when none.
    package let deletions: DeletedDocs?

    /// Checks header, footer, size, id and document count against `meta` and parses the section
    /// table and segment info; reads nothing else.
    init(meta: SegmentMeta, bytes: FileBytes, deletions: DeletedDocs? = nil) throws {
        self.meta = meta
        self.deletions = (deletions?.deletedCount ?? 0) > 0 ? deletions : nil
        self.bytes = bytes
        checksums = RangeChecksums(bytes)
        let id = try FileFormat.checkHeader(bytes, expecting: .segment)
        guard UInt64(bytes.count) == meta.fileSize else {
            throw StorageError.corrupt(file: bytes.name, offset: bytes.count,
                                       reason: "file has \(bytes.count) bytes, the manifest says \(meta.fileSize) (truncated or replaced?)")
        }
        guard id == meta.id.bytes else {
            throw StorageError.corrupt(file: bytes.name, offset: 12,
                                       reason: "segment id does not match the manifest (file copied from another segment?)")
        }
        let checksum = try FileFormat.checkFooter(bytes)
        guard checksum == meta.checksum else {
            throw StorageError.corrupt(file: bytes.name, offset: bytes.count - 4,
                                       reason: "footer checksum \(FileFormat.hex(checksum)) differs from the manifest's \(FileFormat.hex(meta.checksum))")
        }
        layout = try SegmentLayout.parse(bytes)
        guard layout.documentCount == meta.documentCount else {
            throw StorageError.corrupt(file: bytes.name, offset: layout.range(.segmentInfo).lowerBound,
                                       reason: "segment holds \(layout.documentCount) documents, the manifest says \(meta.documentCount)")
        }
        dictionary = try TermDictionary(bytes, blocks: layout.range(.termBlocks), index: layout.range(.termIndex))
        lengths = try FieldLengthsReader(bytes, section: layout.range(.fieldLengths),
                                         documentCount: Int(layout.documentCount), fieldCount: layout.fields.count)
        stored = try StoredFieldsReader(bytes, blocks: layout.range(.storedBlocks), index: layout.range(.storedIndex),
                                        documentCount: layout.documentCount)
        ids = try StoredIDsReader(bytes, blocks: layout.range(.idBlocks), index: layout.range(.idIndex),
                                  documentCount: layout.documentCount)
        var numbers: [String: UInt8] = [:]
        for (number, field) in layout.fields.enumerated() { numbers[field.name] = UInt8(number) }
        fieldNumbers = numbers
    }

    /// Unmaps the pages this process has touched (they stay in the page cache). Opening a segment
    /// reads only its ends, but the kernel maps whole large folios around each read (measured: a third
    /// of a freshly written 13 MB file), so a writer holding many flushed segments grew its RSS.
    package func releaseResidentPages() {
        bytes.releaseResidentPages()
    }

    /// Documents stored in the segment, deleted ones included: local doc ids are `0 ..< documentCount`.
    package var documentCount: UInt32 { meta.documentCount }

    /// Documents not deleted (BM25's N counts these).
    package var liveDocumentCount: UInt32 { documentCount - (deletions?.deletedCount ?? 0) }

    /// Deleted documents of the snapshot this reader belongs to.
    package var deletedCount: UInt32 { deletions?.deletedCount ?? 0 }

    /// Whether `doc` is deleted in this reader's snapshot.
    @inline(__always)
    package func isDeleted(_ doc: UInt32) -> Bool { deletions?.contains(doc) ?? false }

    /// Field names in field-number order.
    package var fieldNames: [String] { layout.fields.map(\.name) }

    /// The field number of `name` in this segment, nil if no document of the segment has it.
    package func fieldNumber(named name: String) -> UInt8? { fieldNumbers[name] }

    /// Sum over the segment's live documents of the field's length (for avgdl): the deletes file
    /// carries the deleted documents' sums, so this stays O(1).
    package func sumOfFieldLengths(field: UInt8) -> UInt64 {
        guard Int(field) < layout.fields.count else { return 0 }
        let total = layout.fields[Int(field)].sumOfLengths
        let deleted = deletions.map { Int(field) < $0.deletedLengthSums.count ? $0.deletedLengthSums[Int(field)] : 0 } ?? 0
        return total - Swift.min(total, deleted)
    }

    /// `field`'s lengths for a scoring loop (`fieldLength(field:doc:)` without the per-call hops).
    package func fieldLengthColumn(field: UInt8) -> FieldLengthColumn {
        lengths.column(field: field)
    }

    /// Number of distinct terms of the field.
    package func termCount(field: UInt8) -> UInt64 {
        Int(field) < layout.fields.count ? layout.fields[Int(field)].termCount : 0
    }

    /// Exact length of `field` in `doc`.
    package func fieldLength(field: UInt8, doc: UInt32) throws -> UInt32 {
        try lengths.length(field: field, doc: doc)
    }

    /// Exact lookup; nil if no live document's field has the term. Does not scan the dictionary.
    /// In a segment with deletes, the live document frequency is counted through the postings
    /// (O(df) per looked-up term: the price of exact BM25 statistics until a merge drops them).
    package func termInfo(field: UInt8, term: [UInt8]) throws -> TermInfo? {
        guard let info = try dictionary.lookup(field: field, term: term) else { return nil }
        return try live(info)
    }

    /// Terms of the field starting with `prefix` that some live document has, in byte order, at most
    /// `limit` of them.
    package func terms(field: UInt8, prefix: [UInt8], limit: Int) throws -> [(term: [UInt8], info: TermInfo)] {
        var key = [field]
        key.append(contentsOf: prefix)
        var results: [(term: [UInt8], info: TermInfo)] = []
        for entry in try dictionary.scan(prefix: key, limit: deletions == nil ? limit : Int.max) {
            guard let info = try live(entry.info) else { continue }
            results.append((Array(entry.key.dropFirst()), info))
            if results.count >= limit { break }
        }
        return results
    }

    /// `info` with its live document frequency; nil when every document having the term is deleted.
    private func live(_ info: TermInfo) throws -> TermInfo? {
        guard deletions != nil else { return info }
        var cursor = try postings(info)
        var live: UInt32 = 0
        while try cursor.nextDoc() != PostingsCursor.noMoreDocs { live += 1 }
        guard live > 0 else { return nil }
        var result = info
        result.documentFrequency = live
        return result
    }

    /// A cursor over the term's postings; it skips deleted documents.
    package func postings(_ info: TermInfo) throws -> PostingsCursor {
        try PostingsCursor(bytes, postings: layout.range(.postings), positions: layout.range(.positions),
                           documentCount: layout.documentCount, info: info, deletions: deletions,
                           checksums: checksums)
    }

    /// The stored fields of `doc`, exactly as added.
    package func storedFields(doc: UInt32) throws -> [StoredField] {
        try stored.document(doc)
    }

    /// The stored fields of `doc` named in `names`, in stored order. The others are skipped without
    /// decoding: validating a long body's UTF-8 dominated search time when only ids and titles are shown.
    package func storedFields(doc: UInt32, only names: Set<String>) throws -> [StoredField] {
        try stored.document(doc, only: names)
    }

    /// The value of `doc`'s first stored field (the facade's document id), read from the uncompressed
    /// id column: no stored block is decompressed.
    package func storedID(doc: UInt32) throws -> String {
        try ids.id(doc)
    }

    /// Bytes per component.
    package var componentSizes: SegmentComponentSizes {
        let termDictionary = layout.range(.termBlocks).count + layout.range(.termIndex).count
        let postings = layout.range(.postings).count
        let positions = layout.range(.positions).count
        let fieldLengths = layout.range(.fieldLengths).count
        let storedFields = layout.range(.storedBlocks).count + layout.range(.storedIndex).count
            + layout.range(.idBlocks).count + layout.range(.idIndex).count
        let other = bytes.count - termDictionary - postings - positions - fieldLengths - storedFields
        return SegmentComponentSizes(termDictionary: termDictionary, postings: postings, positions: positions,
                                     fieldLengths: fieldLengths, storedFields: storedFields, other: other)
    }
}
