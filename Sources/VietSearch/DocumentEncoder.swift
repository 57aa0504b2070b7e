import VietSearchAnalysis
import VietSearchQuery
import VietSearchStorage

/// Turns a `Document` into what storage indexes (ARCHITECTURE.md conventions): the id as raw UTF-8 in
/// field `id` (position 0, length 0) and stored first; every field analysed, each token giving its exact
/// and folded keys at its position; field length = the analysis' position count.
struct DocumentEncoder {
    static let idField = TermKeys.idField
    private let analyzer = VietnameseAnalyzer()

    /// Throws `.invalidInput` for an empty id or an empty, repeated or reserved field name.
    func validate(_ document: Document) throws {
        guard !document.id.isEmpty else {
            throw VietSearchError.invalidInput(source: "document", line: 0, message: "document id is empty")
        }
        var seen = Set<String>()
        for field in document.fields {
            guard !field.name.isEmpty else {
                throw VietSearchError.invalidInput(source: "document", line: 0,
                                                   message: "document \(document.id): a field name is empty")
            }
            guard field.name != Self.idField else {
                throw VietSearchError.invalidInput(source: "document", line: 0,
                                                   message: "document \(document.id): field name \"id\" is reserved")
            }
            guard seen.insert(field.name).inserted else {
                throw VietSearchError.invalidInput(source: "document", line: 0,
                                                   message: "document \(document.id): field \"\(field.name)\" appears twice")
            }
        }
    }

    /// Fields are analysed in pieces of this many bytes (cut between tokens), so a huge field never has
    /// all its tokens in memory at once; the keys are the same as analysing it whole.
    static let analysisChunkBytes = 256 << 10

    /// Adds `document` to `builder` and returns its local doc id: each token's keys are written into
    /// one reusable buffer and handed to the builder as they come, so indexing a token allocates
    /// nothing. On error the builder is left as it was (the document is abandoned).
    mutating func encode(_ document: Document, into builder: SegmentBuilder) throws -> UInt32 {
        let idNumber = try builder.fieldNumber(for: Self.idField)
        var numbers: [UInt8] = []
        numbers.reserveCapacity(document.fields.count)
        for field in document.fields { numbers.append(try builder.fieldNumber(for: field.name)) }
        var stored = [StoredField(name: Self.idField, value: document.id)]
        stored.reserveCapacity(document.fields.count + 1)
        var lengths = [UInt32](repeating: 0, count: Int(max(numbers.max() ?? 0, idNumber)) + 1)
        try builder.beginDocument()
        do {
            var id = document.id
            try id.withUTF8 { try builder.addOccurrence(field: idNumber, bytes: $0, position: 0) }
            for (field, number) in zip(document.fields, numbers) {
                let positions = try analyzer.analyze(field.value, chunkBytes: Self.analysisChunkBytes) { tokens in
                    for token in tokens { try add(token, field: number, to: builder) }
                    builder.checkpoint()
                }
                lengths[Int(number)] = UInt32(clamping: positions)
                stored.append(StoredField(name: field.name, value: field.value))
            }
            return try builder.finishDocument(stored: stored, fieldLengths: lengths)
        } catch {
            builder.abandonDocument()
            throw error
        }
    }

    /// Reused for every token: `'e' + exact key` then `'f' + folded key` (TermKeys' encoding).
    private var keyBytes: [UInt8] = []

    @inline(__always)
    private mutating func add(_ token: Token, field: UInt8, to builder: SegmentBuilder) throws {
        keyBytes.removeAll(keepingCapacity: true)
        keyBytes.append(TermKeys.exactMarker)
        // Through `withUTF8`: appending a `String.UTF8View` took the generic element-by-element path
        // (8% of indexing for keys of a few bytes).
        var exact = token.exact
        exact.withUTF8 { keyBytes.append(contentsOf: $0) }
        let split = keyBytes.count
        keyBytes.append(TermKeys.foldedMarker)
        var folded = token.folded
        folded.withUTF8 { keyBytes.append(contentsOf: $0) }
        let position = UInt32(clamping: token.position)
        try keyBytes.withUnsafeBufferPointer { bytes in
            try builder.addOccurrencePair(field: field, first: UnsafeBufferPointer(rebasing: bytes[..<split]),
                                          second: UnsafeBufferPointer(rebasing: bytes[split...]), position: position)
        }
    }
}
