/// The contents of a segment being built. A struct held by `SegmentBuilder` so that adding a
/// document is one exclusive access to the class rather than one per array operation (class
/// properties carry dynamic exclusivity checks that showed up in indexing profiles).
struct SegmentBuffer {
    /// Field names in field-number order.
    private(set) var fieldNames: [String] = []
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
    /// Stored fields of every document back to back, each a FORMAT.md `StoredDoc` without its length prefix.
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

    /// The number for `name`, registering it if new. Throws `.limitExceeded` past 255 fields.
    mutating func fieldNumber(for name: String) throws -> UInt8 {
        if let number = fieldNumbers[name] { return number }
        guard fieldNames.count < SegmentBuilder.maximumFieldCount else {
            throw StorageError.limitExceeded("more than \(SegmentBuilder.maximumFieldCount) fields (adding \"\(name)\")")
        }
        let number = UInt8(fieldNames.count)
        fieldNames.append(name)
        fieldNumbers[name] = number
        fieldLengths.append([UInt32](repeating: 0, count: documentCount))
        return number
    }

    /// Adds a document and returns its local doc id (0, 1, 2, … in call order).
    /// Validates everything first, so a rejected document leaves the buffer unchanged.
    mutating func add(_ document: DocumentPostings) throws -> UInt32 {
        guard documentCount < SegmentBuilder.maximumDocumentCount else {
            throw StorageError.limitExceeded("more than \(SegmentBuilder.maximumDocumentCount) documents in one segment")
        }
        guard document.fieldLengths.count <= fieldNames.count else {
            throw StorageError.limitExceeded("document has \(document.fieldLengths.count) field lengths but only \(fieldNames.count) fields are registered")
        }
        for occurrence in document.occurrences {
            guard Int(occurrence.field) < fieldNames.count else {
                throw StorageError.limitExceeded("field number \(occurrence.field) is not registered (use fieldNumber(for:))")
            }
            guard occurrence.term.count <= SegmentBuilder.maximumTermLength else {
                throw StorageError.limitExceeded("term of \(occurrence.term.count) bytes (maximum \(SegmentBuilder.maximumTermLength))")
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
            storedBytes.appendVarint(field.name.utf8.count)
            storedBytes.append(contentsOf: field.name.utf8)
            storedBytes.appendVarint(field.value.utf8.count)
            storedBytes.append(contentsOf: field.value.utf8)
        }
        storedDocumentEnds.append(storedBytes.count)
        return doc
    }

    /// Documents added so far.
    var documentCount: Int { storedDocumentEnds.count }

    /// Counts array capacities (not just counts), per-term overhead, field lengths and stored bytes.
    var estimatedMemoryBytes: Int {
        postingArrayBytes + termBytes + 4 * termLastDocs.capacity + storedBytes.capacity + 8 * storedDocumentEnds.capacity
            + 4 * fieldLengths.count * Swift.max(documentCount, 1) + 8 * scratch.capacity
    }

    /// Term indices in dictionary order (field, then bytes).
    func sortedTermIndices() -> [Int] {
        termKeys.indices.sorted { TermKey.precedes(termKeys[$0], termKeys[$1]) }
    }
}
