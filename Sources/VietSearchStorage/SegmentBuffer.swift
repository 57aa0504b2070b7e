/// The contents of a segment being built. A struct held by `SegmentBuilder` so that adding a
/// document is one exclusive access to the class rather than one per array operation (class
/// properties carry dynamic exclusivity checks that showed up in indexing profiles).
///
/// A document is added in three steps: `beginDocument`, its term occurrences one by one
/// (`addOccurrence`, or `addOccurrencePair` for two keys at one position), then `finishDocument` with
/// its stored fields and lengths. While each field's positions ascend (the analyser's order),
/// occurrences are written straight into the term streams (`SegmentBuffer+DirectOccurrences`) and
/// `abandonDocument` cuts them off again; otherwise they go to a per-document scratch list that is
/// sorted and appended to the term streams at the end. (Members that `append(_:)` and the direct
/// path, in their own files, use are internal rather than private.)
struct SegmentBuffer {
    /// Field names in field-number order.
    private(set) var fieldNames: [String] = []
    var fieldNumbers: [String: UInt8] = [:]

    private(set) var terms = TermTable()
    /// Per term, one byte stream of varints `docDelta, tf, position, positionGap × (tf − 1), …`
    /// (the first doc is absolute): one heap buffer per term means one cache miss per (term, document)
    /// while indexing, and varints keep the buffer about a quarter of the size of 32-bit arrays.
    var termStreams = TermStreams()
    /// True while the current document's occurrences go straight to the streams.
    var collectsDirectly = false
    /// Tests only: false sends every document through `scratch` (the two paths must agree).
    var directOccurrencesEnabled = true
    /// For a term used as the first key of `addOccurrencePair`, the id of the second key it came with
    /// last time (−1: none yet): the second key (a folded key) is nearly always the same, so it is
    /// checked by one byte comparison instead of a second hash lookup.
    private var pairedTerms: [Int32] = []
    /// `fieldLengths[field][doc]`.
    var fieldLengths: [[UInt32]] = []
    /// Stored fields, compressed in blocks as documents finish.
    var stored: StoredFieldsWriter
    /// Each document's id (its first stored value) as `lbytes`, back to back: the id column's input.
    var idBytes: [UInt8] = []
    /// The StoredDoc body of the document being finished (reused).
    private var storedScratch: [UInt8] = []
    var documentCount = 0

    /// The document being added: one `term id << 32 | position` per occurrence, so sorting groups
    /// terms and orders positions. Reused between documents.
    var scratch: [UInt64] = []
    private var sorter = OccurrenceSort()
    /// A huge document's occurrences moved out of `scratch` (see `checkpoint`), per term: its positions
    /// already in stream form (first absolute, then gaps), about 1.5 bytes per occurrence instead of 8.
    private var spilled: [Int: SpilledPositions] = [:]
    private var spilledBytes = 0

    /// Occurrences of one term in the document being added, encoded as they will be in its stream.
    private struct SpilledPositions {
        var frequency: UInt32 = 0
        var last: UInt32 = 0
        var bytes: [UInt8] = []
    }

    /// Per field, the last position added in the current document, and whether every field's
    /// positions came in ascending order so far (then a sort by term alone orders `scratch`).
    private var fieldLastPositions: [UInt32] = []
    var positionsAscend = true

    /// `scratch` entries beyond which `checkpoint` spills them (default 1 Mi entries, 8 MiB).
    var spillThreshold = 1 << 20

    init(storedDictionary: StoredDictionaryChoice? = nil) {
        stored = StoredFieldsWriter(choice: storedDictionary)
    }
    var inDocument = false

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
        fieldLastPositions.append(0)
        return number
    }

    /// Starts a document (forgetting the occurrences of an unfinished one).
    mutating func beginDocument() throws {
        guard documentCount < SegmentBuilder.maximumDocumentCount else {
            throw StorageError.limitExceeded("more than \(SegmentBuilder.maximumDocumentCount) documents in one segment")
        }
        if inDocument && collectsDirectly { undoDirectOccurrences(keepingThem: false) }
        scratch.removeAll(keepingCapacity: true)
        spilled = [:]
        spilledBytes = 0
        inDocument = true
        for field in fieldLastPositions.indices { fieldLastPositions[field] = 0 }
        positionsAscend = true
        collectsDirectly = directOccurrencesEnabled
        termStreams.forgetTouchedTerms()
    }

    /// Forgets the document being added. Terms it introduced stay interned without postings; they are
    /// left out of the segment (`sortedTermIndices`).
    mutating func abandonDocument() {
        if inDocument && collectsDirectly { undoDirectOccurrences(keepingThem: false) }
        scratch.removeAll(keepingCapacity: true)
        spilled = [:]
        spilledBytes = 0
        inDocument = false
    }

    /// Called between pieces of a document whose later occurrences all have higher positions than the
    /// earlier ones in each field (the encoder calls it between analysis chunks). If the document's
    /// occurrences pass `spillThreshold`, they are sorted and moved into compact per-term position
    /// lists, so a huge document costs about 1.5 bytes per occurrence rather than 16 (key and sort).
    mutating func checkpoint() {
        guard scratch.count >= spillThreshold else { return }
        spillScratch()
    }

    private mutating func spillScratch() {
        sorter.sort(&scratch)
        var index = 0
        while index < scratch.count {
            let term = Int(scratch[index] >> 32)
            var list = spilled.removeValue(forKey: term) ?? SpilledPositions()
            let before = list.bytes.capacity
            while index < scratch.count && Int(scratch[index] >> 32) == term {
                let position = UInt32(truncatingIfNeeded: scratch[index])
                if list.frequency == 0 {
                    list.bytes.appendVarint(position)
                    list.frequency = 1
                    list.last = position
                } else if position != list.last {
                    list.bytes.appendVarint(position - list.last)
                    list.frequency += 1
                    list.last = position
                }
                index += 1
            }
            spilledBytes += list.bytes.capacity - before + (before == 0 ? Self.heapBlockOverhead + 64 : 0)
            spilled[term] = list
        }
        scratch.removeAll(keepingCapacity: true)
    }

    /// Appends the spilled occurrences of the document `doc` to the term streams.
    private mutating func appendSpilled(doc: UInt32) {
        spillScratch()
        for term in spilled.keys.sorted() {
            guard let list = spilled[term] else { continue }
            var group: [UInt8] = []
            group.appendVarint(termStreams.isEmpty(term) ? doc : doc - termStreams.lastDoc(term))
            termStreams.setLastDoc(term, doc)
            group.appendVarint(list.frequency)
            group.append(contentsOf: list.bytes)
            group.withUnsafeBufferPointer { termStreams.append(term, $0) }
        }
        spilled = [:]
        spilledBytes = 0
        scratch = []
    }

    /// One occurrence of `(field, bytes)` at `position` in the current document.
    @inline(__always)
    mutating func addOccurrence(field: UInt8, bytes: UnsafeBufferPointer<UInt8>, position: UInt32) throws {
        try check(field: field, bytes: bytes)
        if !collectsDirectly { notePosition(position, field: field) }
        let term = intern(field: field, bytes: bytes)
        record(term, at: position)
    }

    /// One occurrence of term `term` in the current document: in its stream while its positions ascend
    /// (the direct path), else in `scratch` (`notePosition` was called).
    @inline(__always)
    private mutating func record(_ term: Int, at position: UInt32) {
        if collectsDirectly {
            if termStreams.addOccurrence(term, doc: UInt32(truncatingIfNeeded: documentCount), position: position) { return }
            // Positions went back: the document so far moves to `scratch`, which sorts it.
            undoDirectOccurrences(keepingThem: true)
            positionsAscend = false
        }
        scratch.append(UInt64(term) << 32 | UInt64(position))
    }

    /// Occurrences of two keys at one position (a token's exact and folded keys). `second` should be a
    /// function of `first` for speed (it is then found without hashing), but any bytes are correct.
    /// Returns the two keys' term ids, for `addTermPair`.
    @inline(__always) @discardableResult
    mutating func addOccurrencePair(field: UInt8, first: UnsafeBufferPointer<UInt8>, second: UnsafeBufferPointer<UInt8>,
                                    position: UInt32) throws -> (first: UInt32, second: UInt32) {
        try check(field: field, bytes: first)
        try check(field: field, bytes: second)
        if !collectsDirectly { notePosition(position, field: field) }
        let firstTerm = intern(field: field, bytes: first)
        let paired = Int(pairedTerms[firstTerm])
        let secondTerm: Int
        if paired >= 0 && terms.keyEquals(paired, field: field, bytes: second) {
            secondTerm = paired
        } else {
            secondTerm = intern(field: field, bytes: second)
            pairedTerms[firstTerm] = Int32(truncatingIfNeeded: secondTerm)
        }
        record(firstTerm, at: position)
        record(secondTerm, at: position)
        return (UInt32(truncatingIfNeeded: firstTerm), UInt32(truncatingIfNeeded: secondTerm))
    }

    /// A term belongs to one field, so positions ascending within each field means ascending within
    /// each term. (`check` made sure `field` is registered.)
    @inline(__always)
    mutating func notePosition(_ position: UInt32, field: UInt8) {
        if position < fieldLastPositions[Int(field)] {
            positionsAscend = false
        } else {
            fieldLastPositions[Int(field)] = position
        }
    }

    @inline(__always)
    private func check(field: UInt8, bytes: UnsafeBufferPointer<UInt8>) throws {
        guard inDocument else { throw StorageError.limitExceeded("occurrence added outside a document (call beginDocument first)") }
        guard Int(field) < fieldNames.count else {
            throw StorageError.limitExceeded("field number \(field) is not registered (use fieldNumber(for:))")
        }
        guard bytes.count <= SegmentBuilder.maximumTermLength else {
            throw StorageError.limitExceeded("term of \(bytes.count) bytes (maximum \(SegmentBuilder.maximumTermLength))")
        }
    }

    @inline(__always)
    mutating func intern(field: UInt8, bytes: UnsafeBufferPointer<UInt8>) -> Int {
        intern(field: field, bytes: bytes, hash: TermTable.hash(field: field, bytes: bytes))
    }

    /// `intern(field:bytes:)` given the key's `TermTable.hash(field:bytes:)`.
    @inline(__always)
    mutating func intern(field: UInt8, bytes: UnsafeBufferPointer<UInt8>, hash: UInt32) -> Int {
        let (term, isNew) = terms.intern(field: field, bytes: bytes, hash: hash)
        if isNew {
            termStreams.appendEmpty(field: field)
            pairedTerms.append(-1)
        }
        return term
    }

    /// Ends the current document: appends its postings, field lengths (indexed by field number; missing
    /// trailing fields count as 0) and stored fields, and returns its local doc id (0, 1, 2, …).
    mutating func finishDocument(stored: [StoredField], fieldLengths documentLengths: [UInt32]) throws -> UInt32 {
        guard inDocument else { throw StorageError.limitExceeded("finishDocument without beginDocument") }
        guard documentLengths.count <= fieldNames.count else {
            throw StorageError.limitExceeded("document has \(documentLengths.count) field lengths but only \(fieldNames.count) fields are registered")
        }
        inDocument = false
        let doc = UInt32(documentCount)
        if collectsDirectly {
            finishDirectOccurrences()
        } else if !spilled.isEmpty {
            appendSpilled(doc: doc)
        } else {
            appendScratch(doc: doc)
        }
        scratch.removeAll(keepingCapacity: true)
        try finishStored(stored: stored, fieldLengths: documentLengths)
        documentCount += 1
        return doc
    }

    /// Appends the document's occurrences (in `scratch`) to the term streams.
    private mutating func appendScratch(doc: UInt32) {
        if positionsAscend { sorter.groupByTerm(&scratch, termCount: terms.count) } else { sorter.sort(&scratch) }
        // Each (term, doc) group's varints are written straight into the term's stream, after reserving
        // room for the worst case (5 bytes per value).
        let streams = termStreams
        scratch.withUnsafeBufferPointer { entries in
                var index = 0
                while index < entries.count {
                    let term = Int(entries[index] >> 32)
                    let groupStart = index
                    var frequency: UInt32 = 0
                    var previous = UInt64.max
                    while index < entries.count && Int(entries[index] >> 32) == term {
                        if entries[index] != previous { frequency += 1 }
                        previous = entries[index]
                        index += 1
                    }
                    let isFirst = streams.isEmpty(term)
                    let encoded = streams.reserve(term, extra: 5 * (index - groupStart + 2))
                    var length = Self.writeVarint(isFirst ? doc : doc - streams.lastDoc(term), to: encoded, at: 0)
                    streams.setLastDoc(term, doc)
                    length = Self.writeVarint(frequency, to: encoded, at: length)
                    var last = UInt32(truncatingIfNeeded: entries[groupStart])
                    length = Self.writeVarint(last, to: encoded, at: length)
                    var entry = groupStart + 1
                    while entry < index {
                        let position = UInt32(truncatingIfNeeded: entries[entry])
                        if position != last {
                            length = Self.writeVarint(position - last, to: encoded, at: length)
                            last = position
                        }
                        entry += 1
                    }
                    streams.commit(term, written: length)
                }
        }
    }

    private mutating func finishStored(stored fields: [StoredField], fieldLengths documentLengths: [UInt32]) throws {
        for field in 0..<fieldLengths.count {
            fieldLengths[field].append(field < documentLengths.count ? documentLengths[field] : 0)
        }
        storedScratch.removeAll(keepingCapacity: true)
        storedScratch.appendVarint(fields.count)
        for field in fields {
            storedScratch.appendVarint(field.name.utf8.count)
            storedScratch.append(contentsOf: field.name.utf8)
            storedScratch.appendVarint(field.value.utf8.count)
            storedScratch.append(contentsOf: field.value.utf8)
        }
        try stored.add(storedDocument: storedScratch)
        let id = fields.first?.value.utf8
        idBytes.appendVarint(id?.count ?? 0)
        if let id { idBytes.append(contentsOf: id) }
    }

    /// LEB128 (as `appendVarint`) into `bytes` at `offset`; returns the offset after it.
    @inline(__always)
    static func writeVarint(_ value: UInt32, to bytes: UnsafeMutablePointer<UInt8>, at offset: Int) -> Int {
        var rest = value
        var end = offset
        while rest >= 0x80 {
            bytes[end] = UInt8(truncatingIfNeeded: rest) | 0x80
            rest >>= 7
            end += 1
        }
        bytes[end] = UInt8(rest)
        return end + 1
    }

    /// Adds a whole document and returns its local doc id. Validates everything first, so a rejected
    /// document leaves the buffer unchanged.
    mutating func add(_ document: DocumentPostings) throws -> UInt32 {
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
        try beginDocument()
        for occurrence in document.occurrences {
            try occurrence.term.withUnsafeBufferPointer {
                try addOccurrence(field: occurrence.field, bytes: $0, position: occurrence.position)
            }
        }
        return try finishDocument(stored: document.stored, fieldLengths: document.fieldLengths)
    }


    /// Heap bytes held, by array capacity: term table, streams (plus each stream's heap block header
    /// and the malloc overhead around it), per-term arrays, field lengths, stored bytes and the
    /// current document's scratch. `MemoryAccountingTests` checks it against the allocator's count.
    var estimatedMemoryBytes: Int {
        let perTermArrays = 4 * pairedTerms.capacity
        // A stream's allocator block has a 16-byte header (the table of streams is in `heapBytes`).
        let streamHeaders = 16 * termStreams.count
        let lengths = fieldLengths.reduce(0) { $0 + 4 * $1.capacity + Self.heapBlockOverhead }
        return terms.memoryBytes + termStreams.heapBytes + streamHeaders + perTermArrays + lengths
            + stored.memoryBytes + idBytes.capacity + storedScratch.capacity + 8 * scratch.capacity + sorter.memoryBytes
            + spilledBytes
    }

    /// A Swift array's heap header (32 bytes) plus malloc's chunk header and rounding (about 16).
    static let heapBlockOverhead = 48

    /// Ids of the terms with postings, in dictionary order (field, then bytes).
    func sortedTermIndices() -> [Int] {
        terms.sorted((0..<terms.count).filter { !termStreams.isEmpty($0) })
    }

    /// Term keys by id, for serialisation.
    var termKeys: TermKeyList { TermKeyList(terms: terms) }
}

/// Read access to the builder's term keys as `TermKey` values (copied on access; used once per term
/// when the segment is written).
struct TermKeyList {
    let terms: TermTable
    subscript(id: Int) -> TermKey { TermKey(field: terms.field(of: id), bytes: terms.bytes(of: id)) }
}
