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

/// A term as the segment knows it: field number plus opaque bytes. Sorted by field, then bytes.
struct TermKey: Hashable {
    var field: UInt8
    var bytes: [UInt8]

    /// Hashes the bytes in one call: `Array`'s own `hash(into:)` feeds the hasher byte by byte,
    /// which dominated indexing time.
    func hash(into hasher: inout Hasher) {
        hasher.combine(field)
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (lhs: TermKey, rhs: TermKey) -> Bool {
        lhs.field == rhs.field && lhs.bytes.count == rhs.bytes.count
            && lhs.bytes.withUnsafeBytes { left in rhs.bytes.withUnsafeBytes { right in left.elementsEqual(right) } }
    }

    static func precedes(_ lhs: TermKey, _ rhs: TermKey) -> Bool {
        lhs.field != rhs.field ? lhs.field < rhs.field : lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}

/// One term's postings decoded for serialisation: parallel doc/frequency arrays and a flat positions
/// array (the positions of `docs[i]` are the next `frequencies[i]` entries).
struct TermPostingsBuffer {
    var docs: [UInt32] = []
    var frequencies: [UInt32] = []
    var positions: [UInt32] = []

    /// Refills from a builder stream (see `SegmentBuilder.termStreams`), keeping capacity.
    mutating func decode(stream: [UInt8]) {
        docs.removeAll(keepingCapacity: true)
        frequencies.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        var index = 0
        var doc: UInt32 = 0
        func next() -> UInt32 {
            var value: UInt32 = 0
            var shift: UInt32 = 0
            while true {
                let byte = stream[index]
                index += 1
                value |= UInt32(byte & 0x7f) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        while index < stream.count {
            doc = docs.isEmpty ? next() : doc + next()
            let frequency = next()
            docs.append(doc)
            frequencies.append(frequency)
            var position: UInt32 = 0
            for offset in 0..<Int(frequency) {
                position = offset == 0 ? next() : position + next()
                positions.append(position)
            }
        }
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

    /// Field names in field-number order.
    package private(set) var fieldNames: [String] = []
    private var fieldNumbers: [String: UInt8] = [:]

    private var termIDs: [TermKey: Int] = [:]
    private(set) var termKeys: [TermKey] = []
    /// Per term, one byte stream of varints `docDelta, tf, position, positionGap × (tf − 1), …`
    /// (the first doc is absolute): one heap buffer per term means one cache miss per (term, document)
    /// while indexing, and varints keep the buffer about a quarter of the size of 32-bit arrays.
    private(set) var termStreams: [[UInt8]] = []
    /// The last doc added to each term, for the next doc delta.
    private var termLastDocs: [UInt32] = []
    /// `fieldLengths[field][doc]`.
    private(set) var fieldLengths: [[UInt32]] = []
    /// Stored fields of every document, serialised back to back (FORMAT.md, "Stored document").
    private(set) var storedBytes: [UInt8] = []
    /// End offset in `storedBytes` of each document.
    private(set) var storedDocumentEnds: [Int] = []

    /// Reused between `add` calls so a document costs no allocation beyond array growth:
    /// one `term id << 32 | position` per occurrence, so sorting groups terms and orders positions.
    private var scratch: [UInt64] = []
    /// Heap bytes held by the term streams, tracked by capacity as they grow.
    private var postingArrayBytes = 0
    /// Bytes held by term keys and per-term bookkeeping.
    private var termBytes = 0

    package init() {}

    /// The number for `name`, registering it if new. Throws `.limitExceeded` past 255 fields.
    package func fieldNumber(for name: String) throws -> UInt8 {
        if let number = fieldNumbers[name] { return number }
        guard fieldNames.count < Self.maximumFieldCount else {
            throw StorageError.limitExceeded("more than \(Self.maximumFieldCount) fields (adding \"\(name)\")")
        }
        let number = UInt8(fieldNames.count)
        fieldNames.append(name)
        fieldNumbers[name] = number
        fieldLengths.append([UInt32](repeating: 0, count: documentCount))
        return number
    }

    /// Adds a document and returns its local doc id (0, 1, 2, … in call order).
    /// Validates everything first, so a rejected document leaves the buffer unchanged.
    @discardableResult
    package func add(_ document: DocumentPostings) throws -> UInt32 {
        guard documentCount < Self.maximumDocumentCount else {
            throw StorageError.limitExceeded("more than \(Self.maximumDocumentCount) documents in one segment")
        }
        guard document.fieldLengths.count <= fieldNames.count else {
            throw StorageError.limitExceeded("document has \(document.fieldLengths.count) field lengths but only \(fieldNames.count) fields are registered")
        }
        for occurrence in document.occurrences {
            guard Int(occurrence.field) < fieldNames.count else {
                throw StorageError.limitExceeded("field number \(occurrence.field) is not registered (use fieldNumber(for:))")
            }
            guard occurrence.term.count <= Self.maximumTermLength else {
                throw StorageError.limitExceeded("term of \(occurrence.term.count) bytes (maximum \(Self.maximumTermLength))")
            }
        }
        let doc = UInt32(documentCount)

        scratch.removeAll(keepingCapacity: true)
        for occurrence in document.occurrences {
            let key = TermKey(field: occurrence.field, bytes: occurrence.term)
            let term: Int
            if let known = termIDs[key] {
                term = known
            } else {
                term = termKeys.count
                termIDs[key] = term
                termKeys.append(key)
                termStreams.append([])
                termLastDocs.append(0)
                // Key bytes twice (dictionary + key list share storage, but hashing tables add overhead)
                // plus an array header and the dictionary slot.
                termBytes += occurrence.term.count + 160
            }
            scratch.append(UInt64(term) << 32 | UInt64(occurrence.position))
        }
        scratch.sort()

        var index = 0
        while index < scratch.count {
            let term = Int(scratch[index] >> 32)
            let groupStart = index
            var frequency: UInt32 = 0
            var previous = UInt64.max
            while index < scratch.count && Int(scratch[index] >> 32) == term {
                if scratch[index] != previous { frequency += 1 }
                previous = scratch[index]
                index += 1
            }
            let before = termStreams[term].capacity
            termStreams[term].appendVarint(termStreams[term].isEmpty ? doc : doc - termLastDocs[term])
            termLastDocs[term] = doc
            termStreams[term].appendVarint(frequency)
            var previousPosition: UInt32? = nil
            for entry in scratch[groupStart..<index] {
                let position = UInt32(truncatingIfNeeded: entry)
                if let last = previousPosition {
                    if position == last { continue }
                    termStreams[term].appendVarint(position - last)
                } else {
                    termStreams[term].appendVarint(position)
                }
                previousPosition = position
            }
            postingArrayBytes += termStreams[term].capacity - before
        }

        for field in 0..<fieldLengths.count {
            fieldLengths[field].append(field < document.fieldLengths.count ? document.fieldLengths[field] : 0)
        }

        storedBytes.appendVarint(document.stored.count)
        for field in document.stored {
            storedBytes.appendLengthPrefixed(Array(field.name.utf8))
            storedBytes.appendLengthPrefixed(Array(field.value.utf8))
        }
        storedDocumentEnds.append(storedBytes.count)
        return doc
    }

    /// Documents added so far.
    package var documentCount: Int { storedDocumentEnds.count }

    /// Approximate heap bytes held by the buffer; the writer flushes when it passes the budget.
    /// Counts array capacities (not just counts), per-term overhead, field lengths and stored bytes.
    package var estimatedMemoryBytes: Int {
        postingArrayBytes + termBytes + 4 * termLastDocs.capacity + storedBytes.capacity + 8 * storedDocumentEnds.capacity
            + 4 * fieldLengths.count * Swift.max(documentCount, 1) + 8 * scratch.capacity
    }

    /// Term indices in dictionary order (field, then bytes).
    func sortedTermIndices() -> [Int] {
        termKeys.indices.sorted { TermKey.precedes(termKeys[$0], termKeys[$1]) }
    }
}
