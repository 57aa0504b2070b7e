import VietSearchAnalysis
import VietSearchQuery
import VietSearchStorage

/// Turns a `Document` into what storage indexes (ARCHITECTURE.md conventions): the id as raw UTF-8 in
/// field `id` (position 0, length 0) and stored first; every field analysed, each token giving its exact
/// and folded keys at its position; field length = the analysis' position count.
struct DocumentEncoder {
    static let idField = TermKeys.idField
    /// Per encoder (one per indexing thread): it keeps scratch memory and a cache of syllable keys.
    private let analyzer = StreamingAnalyzer()

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
    func encode(_ document: Document, into builder: SegmentBuilder) throws -> UInt32 {
        let idNumber = try builder.fieldNumber(for: Self.idField)
        var numbers: [UInt8] = []
        numbers.reserveCapacity(document.fields.count)
        for field in document.fields { numbers.append(try builder.fieldNumber(for: field.name)) }
        var stored = [StoredField(name: Self.idField, value: document.id)]
        stored.reserveCapacity(document.fields.count + 1)
        var lengths = [UInt32](repeating: 0, count: Int(max(numbers.max() ?? 0, idNumber)) + 1)
        try builder.beginDocument()
        if termIDs.use(builder) { analyzer.forgetPayloads() }
        do {
            var id = document.id
            try id.withUTF8 { try builder.addOccurrence(field: idNumber, bytes: $0, position: 0) }
            for (field, number) in zip(document.fields, numbers) {
                let analyzer = self.analyzer
                // Most tokens are spellings whose term ids the analyser keeps for this field (`known`):
                // they come in runs, added by one builder call each (payloads are `exact << 32 | folded`,
                // the pairs `addTermPairs` takes).
                let positions = try analyzer.analyze(field.value, chunkBytes: Self.analysisChunkBytes,
                                                     payloadChannel: number, known: { pairs, positions in
                    try builder.addTermPairs(field: number, pairs: pairs, positions: positions)
                }, token: {
                    try add($0, field: number, to: builder)
                }, pieceEnd: { builder.checkpoint() })
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
    private let keyBytes = KeyScratch()
    /// Which builder the analyser's payloads (term ids of cached spellings) belong to.
    private let termIDs = TermIDPayloads()
    /// `TermKeys`' markers, read once (a global of another module costs an accessor call per read).
    private let exactMarker = TermKeys.exactMarker
    private let foldedMarker = TermKeys.foldedMarker

    /// Adds a token by its key bytes; returns the payload for its spelling (its two term ids) when the
    /// analyser caches it.
    @inline(__always)
    private func add(_ token: KeyedToken, field: UInt8, to builder: SegmentBuilder) throws -> UInt64 {
        let position = UInt32(clamping: token.position)
        // Raw copies into one reused buffer: `Array.append(contentsOf:)` of a few bytes cost about a
        // hundred instructions per call, a sixth of indexing time went into building keys.
        let exactCount = token.exact.count
        let foldedCount = token.folded.count
        let base = keyBytes.reserve(exactCount + foldedCount + 2)
        base[0] = exactMarker
        Self.copy(token.exact, to: base + 1)
        base[exactCount + 1] = foldedMarker
        Self.copy(token.folded, to: base + exactCount + 2)
        let ids = try builder.addOccurrencePairGivingIDs(
            field: field, first: UnsafeBufferPointer(start: base, count: exactCount + 1),
            second: UnsafeBufferPointer(start: base + exactCount + 1, count: foldedCount + 1), position: position)
        return token.keyID >= 0 ? TermIDPayloads.payload(exact: ids.first, folded: ids.second) : StreamingAnalyzer.noPayload
    }

    @inline(__always)
    private static func copy(_ bytes: UnsafeBufferPointer<UInt8>, to target: UnsafeMutablePointer<UInt8>) {
        if let source = bytes.baseAddress, bytes.count > 0 { target.update(from: source, count: bytes.count) }
    }
}

/// A growable byte buffer for one encoder's keys. A class so that the buffer is freed with the last
/// copy of the encoder; an encoder (and so its scratch) is used by one thread at a time.
private final class KeyScratch {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int

    init() {
        capacity = 256
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// The buffer, holding at least `count` bytes (its previous content is not kept).
    @inline(__always)
    func reserve(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        if count > capacity {
            base.deallocate()
            capacity = Swift.max(count, 2 * capacity)
            base = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        }
        return base
    }
}
