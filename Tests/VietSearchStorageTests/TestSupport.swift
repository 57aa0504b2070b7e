import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// A plain in-memory model of a segment: what the reader must give back.
struct SegmentModel {
    var fieldNames: [String] = []
    /// (field, term) -> doc -> positions ascending, deduplicated.
    var postings: [TermKey: [UInt32: [UInt32]]] = [:]
    var lengths: [[UInt32]] = []
    var stored: [[StoredField]] = []

    mutating func add(_ document: DocumentPostings, fieldCount: Int) {
        let doc = UInt32(stored.count)
        stored.append(document.stored)
        lengths.append((0..<fieldCount).map { $0 < document.fieldLengths.count ? document.fieldLengths[$0] : 0 })
        for occurrence in document.occurrences {
            let key = TermKey(field: occurrence.field, bytes: occurrence.term)
            var positions = postings[key, default: [:]][doc, default: []]
            if !positions.contains(occurrence.position) { positions.append(occurrence.position) }
            postings[key, default: [:]][doc] = positions.sorted()
        }
    }

    var sortedKeys: [TermKey] { postings.keys.sorted(by: TermKey.precedes) }
}

/// Random documents over a small vocabulary (so terms repeat) with random Unicode stored values.
struct RandomCorpus {
    var generator: SeededGenerator
    let vocabulary: [[UInt8]]
    let fieldNames = ["id", "title", "body"]

    init(seed: UInt64, vocabularySize: Int = 60) {
        generator = SeededGenerator(seed: seed)
        var words: [[UInt8]] = []
        let alphabet = Array("abcdeđgihklmnoôơpqrstuưvxyàáảãạ".unicodeScalars)
        for index in 0..<vocabularySize {
            var word = ""
            for _ in 0..<Int.random(in: 1...7, using: &generator) {
                word.unicodeScalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
            }
            words.append(Array((word + String(index % 7)).utf8))
        }
        vocabulary = words
    }

    mutating func randomText(maxScalars: Int) -> String {
        let pools: [ClosedRange<UInt32>] = [0x20...0x7e, 0xc0...0x1ff, 0x1ea0...0x1ef9, 0x4e00...0x4fff, 0x1f600...0x1f64f]
        var text = ""
        for _ in 0..<Int.random(in: 0...maxScalars, using: &generator) {
            let pool = pools[Int.random(in: 0..<pools.count, using: &generator)]
            if let scalar = Unicode.Scalar(UInt32.random(in: pool, using: &generator)) { text.unicodeScalars.append(scalar) }
        }
        return text
    }

    /// A document whose field numbers come from `builder`.
    mutating func document(number: Int, builder: SegmentBuilder, maxTokens: Int = 40) throws -> DocumentPostings {
        var occurrences: [TermOccurrence] = []
        var lengths: [UInt32] = []
        let idField = try builder.fieldNumber(for: "id")
        occurrences.append(TermOccurrence(field: idField, term: Array("doc\(number)".utf8), position: 0))
        lengths.append(0)
        for name in ["title", "body"] {
            let field = try builder.fieldNumber(for: name)
            let count = Int.random(in: 0...(name == "title" ? 8 : maxTokens), using: &generator)
            for position in 0..<count {
                let word = vocabulary[Int.random(in: 0..<vocabulary.count, using: &generator)]
                occurrences.append(TermOccurrence(field: field, term: word, position: UInt32(position)))
                // Sometimes stack a second term on the same position, and sometimes repeat an occurrence.
                if Int.random(in: 0..<10, using: &generator) == 0 {
                    occurrences.append(TermOccurrence(field: field, term: word + [0x21], position: UInt32(position)))
                }
                if Int.random(in: 0..<20, using: &generator) == 0 {
                    occurrences.append(TermOccurrence(field: field, term: word, position: UInt32(position)))
                }
            }
            lengths.append(UInt32(count))
        }
        occurrences.shuffle(using: &generator)
        let stored = [StoredField(name: "id", value: "doc\(number)"),
                      StoredField(name: "title", value: randomText(maxScalars: 30)),
                      StoredField(name: "body", value: randomText(maxScalars: 200))]
        return DocumentPostings(stored: stored, fieldLengths: lengths, occurrences: occurrences)
    }
}

/// Checks every reader answer against the model.
func assertSegment(_ reader: SegmentReader, equals model: SegmentModel, file: StaticString = #filePath, line: UInt = #line) throws {
    XCTAssertEqual(reader.documentCount, UInt32(model.stored.count), file: file, line: line)
    XCTAssertEqual(reader.fieldNames, model.fieldNames, file: file, line: line)
    for doc in 0..<model.stored.count {
        XCTAssertEqual(try reader.storedFields(doc: UInt32(doc)), model.stored[doc], "stored doc \(doc)", file: file, line: line)
        // The id column holds the first stored value (the facade's id), or "" for a document storing nothing.
        XCTAssertEqual(try reader.storedID(doc: UInt32(doc)), model.stored[doc].first?.value ?? "", "id of doc \(doc)", file: file, line: line)
        for field in 0..<model.fieldNames.count {
            XCTAssertEqual(try reader.fieldLength(field: UInt8(field), doc: UInt32(doc)), model.lengths[doc][field], file: file, line: line)
        }
    }
    for field in 0..<model.fieldNames.count {
        let sum = model.lengths.reduce(UInt64(0)) { $0 + UInt64($1[field]) }
        XCTAssertEqual(reader.sumOfFieldLengths(field: UInt8(field)), sum, file: file, line: line)
        let terms = model.postings.keys.filter { $0.field == UInt8(field) }.count
        XCTAssertEqual(reader.termCount(field: UInt8(field)), UInt64(terms), file: file, line: line)
    }
    for key in model.sortedKeys {
        guard let expected = model.postings[key] else { continue }
        let info = try XCTUnwrap(try reader.termInfo(field: key.field, term: key.bytes), "term \(key)", file: file, line: line)
        XCTAssertEqual(info.documentFrequency, UInt32(expected.count), file: file, line: line)
        XCTAssertEqual(info.totalTermFrequency, expected.values.reduce(UInt64(0)) { $0 + UInt64($1.count) }, file: file, line: line)
        var cursor = try reader.postings(info)
        for doc in expected.keys.sorted() {
            XCTAssertEqual(try cursor.nextDoc(), doc, file: file, line: line)
            XCTAssertEqual(cursor.termFrequency, UInt32(expected[doc]?.count ?? 0), file: file, line: line)
            XCTAssertEqual(try cursor.positions(), expected[doc], file: file, line: line)
        }
        XCTAssertEqual(try cursor.nextDoc(), PostingsCursor.noMoreDocs, file: file, line: line)
    }
}

/// A segment with one field, "body", holding each document's words at their indices (the positions and
/// phrase-join tests' documents, `RandomWordDocuments`), written to an in-memory store and opened.
func bodyWordsSegment(_ documents: [[String]]) throws -> SegmentReader {
    let builder = SegmentBuilder()
    let body = try builder.fieldNumber(for: "body")
    for document in documents {
        let occurrences = document.enumerated().map {
            TermOccurrence(field: body, term: Array($0.element.utf8), position: UInt32($0.offset))
        }
        try builder.add(DocumentPostings(stored: [], fieldLengths: [UInt32(document.count)], occurrences: occurrences))
    }
    let store = IndexStore.inMemory()
    return try store.openSegment(try store.writeSegment(builder))
}

/// Deletions of every document `doc` of `documentCount` with `doc % modulus == remainder` (the phrase-join tests'
/// deleted documents, spread over every block).
func everyNthDeleted(of documentCount: Int, modulus: Int, remainder: Int) -> DeletedDocs {
    var bits = [UInt64](repeating: 0, count: (documentCount + 63) / 64)
    var deleted: UInt32 = 0
    for doc in 0..<documentCount where doc % modulus == remainder {
        bits[doc / 64] |= 1 << UInt64(doc % 64)
        deleted += 1
    }
    return DeletedDocs(maxDoc: UInt32(documentCount), words: bits, deletedCount: deleted, deletedLengthSums: [0])
}

/// A cursor over `word`'s postings (field 0) of `reader`, skipping `deletions` when given.
func bodyWordCursor(_ reader: SegmentReader, _ word: String, deletions: DeletedDocs?) throws -> PostingsCursor {
    let info = try XCTUnwrap(try reader.termInfo(field: 0, term: Array(word.utf8)))
    return try PostingsCursor(reader.bytes, postings: reader.layout.range(.postings), positions: reader.layout.range(.positions),
                              documentCount: reader.layout.documentCount, info: info,
                              deletions: deletions, checksums: reader.checksums)
}

/// Starts `s` with `phrase[i]` at `s + i` for every `i` (the definition of exact phrase frequency): the model the
/// phrase joins are checked against.
func modelPhraseFrequency(_ words: [String], _ phrase: [String]) -> Int {
    guard words.count >= phrase.count else { return 0 }
    return (0...(words.count - phrase.count)).filter { start in
        phrase.indices.allSatisfy { words[start + $0] == phrase[$0] }
    }.count
}

/// Every document `documents` (one word list each) holds `phrase` in, with its exact phrase frequency.
func modelPhraseMatches(_ documents: [[String]], _ phrase: [String]) -> [Int: Int] {
    var matches: [Int: Int] = [:]
    for (doc, words) in documents.enumerated() {
        let frequency = modelPhraseFrequency(words, phrase)
        if frequency > 0 { matches[doc] = frequency }
    }
    return matches
}

/// The phrase join's pointer arguments as the phrase scorer holds them: the cursors, the intersection's
/// order of them and the three-key join's scratch starts, in raw memory freed with this object (the join
/// tests' set-up, one place instead of a copy per test).
final class PhraseJoinMemory {
    let cursors: UnsafeMutablePointer<PostingsCursor>
    let order: UnsafeMutablePointer<Int>
    let count: Int
    var starts: UnsafeMutablePointer<UInt32>
    var capacity: Int
    /// The joins' map of position stamps (`nextExactPhrase`'s `stamps`), zeroed; nil to join by merges only.
    let stamps: UnsafeMutablePointer<UInt8>?

    /// `opened` in phrase order, `order` the cursor indices to lead the intersection with; `startsCapacity`
    /// small in tests, so that the join's growing of `starts` runs; `stamped`: pass a stamp map, as the scorer does.
    init(_ opened: [PostingsCursor], order: [Int], startsCapacity: Int, stamped: Bool = false) {
        if stamped {
            let map = UnsafeMutablePointer<UInt8>.allocate(capacity: PostingsCursor.phraseStampBytes)
            map.initialize(repeating: 0, count: PostingsCursor.phraseStampBytes)
            stamps = map
        } else {
            stamps = nil
        }
        count = opened.count
        cursors = .allocate(capacity: Swift.max(count, 1))
        cursors.initialize(from: opened, count: count)
        self.order = .allocate(capacity: Swift.max(count, 1))
        self.order.initialize(from: order, count: count)
        capacity = startsCapacity
        starts = .allocate(capacity: startsCapacity)
    }

    /// The scorer's order: rarest key (lowest document frequency) first.
    convenience init(rarestFirst opened: [PostingsCursor], startsCapacity: Int, stamped: Bool = false) {
        let frequencies = opened.map(\.documentFrequency)
        self.init(opened, order: opened.indices.sorted { frequencies[$0] < frequencies[$1] }, startsCapacity: startsCapacity,
                  stamped: stamped)
    }

    /// `PostingsCursor.nextExactPhrase` on these cursors, with this memory's starts and stamps.
    func nextExactPhrase(atOrAfter target: UInt32) throws -> (doc: UInt32, frequency: Int) {
        try PostingsCursor.nextExactPhrase(cursors, order: order, count: count, atOrAfter: target, starts: &starts,
                                           capacity: &capacity, stamps: stamps)
    }

    /// Every document the join finds, with its phrase frequency (the join run to the end from doc 0).
    func allMatches() throws -> [Int: Int] {
        var found: [Int: Int] = [:]
        var target: UInt32 = 0
        while true {
            let next = try nextExactPhrase(atOrAfter: target)
            guard next.doc != PostingsCursor.noMoreDocs else { return found }
            found[Int(next.doc)] = next.frequency
            target = next.doc + 1
        }
    }

    deinit {
        cursors.deinitialize(count: count)
        cursors.deallocate()
        order.deallocate()
        starts.deallocate()
        stamps?.deallocate()
    }
}
