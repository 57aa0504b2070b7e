import XCTest
import VietSearchTestSupport
@testable import VietSearchStorage

/// `SegmentBuilder.append` (parallel indexing joins its workers' builders with it): the joined segment
/// must read exactly as if every document had been added to one builder, whatever field numbers each
/// builder gave, and keep stored blocks with the dictionary they were compressed with.
final class SegmentAppendTests: XCTestCase {
    /// `document` (field numbers of `source`) renumbered for a segment whose fields are `names`.
    private func renumbered(_ document: DocumentPostings, from source: SegmentBuilder, to names: [String]) -> DocumentPostings {
        var mapped = document
        let target = source.fieldNames.map { name in UInt8(names.firstIndex(of: name) ?? 0) }
        mapped.occurrences = document.occurrences.map {
            TermOccurrence(field: target[Int($0.field)], term: $0.term, position: $0.position)
        }
        var lengths = [UInt32](repeating: 0, count: names.count)
        for (field, length) in document.fieldLengths.enumerated() { lengths[Int(target[field])] = length }
        mapped.fieldLengths = lengths
        return mapped
    }

    func testJoinedBuildersReadAsOneBuilderWithFieldsMatchedByName() throws {
        var corpus = RandomCorpus(seed: 41)
        let first = SegmentBuilder()
        let second = SegmentBuilder()
        // The second builder numbers its fields differently and has one the first lacks.
        _ = try second.fieldNumber(for: "body")
        let extra = try second.fieldNumber(for: "extra")
        var documents: [(DocumentPostings, SegmentBuilder)] = []
        for number in 0..<50 {
            let document = try corpus.document(number: number, builder: first)
            try first.add(document)
            documents.append((document, first))
        }
        for number in 50..<90 {
            var document = try corpus.document(number: number, builder: second)
            if number % 3 == 0 {
                document.occurrences.append(TermOccurrence(field: extra, term: Array("thêm\(number % 4)".utf8), position: 0))
                document.fieldLengths[Int(extra)] = 1
                document.stored.append(StoredField(name: "extra", value: "thêm"))
            }
            try second.add(document)
            documents.append((document, second))
        }
        let secondNames = second.fieldNames
        try first.append(second)
        XCTAssertEqual(first.documentCount, 90)
        XCTAssertEqual(second.documentCount, 0, "the appended builder is emptied")
        XCTAssertEqual(first.fieldNames, ["id", "title", "body", "extra"])

        var model = SegmentModel()
        model.fieldNames = first.fieldNames
        for (document, source) in documents {
            let sourceNames = source === first ? ["id", "title", "body"] : secondNames
            let sourceBuilder = SegmentBuilder()
            for name in sourceNames { _ = try sourceBuilder.fieldNumber(for: name) }
            model.add(renumbered(document, from: sourceBuilder, to: model.fieldNames), fieldCount: model.fieldNames.count)
        }
        let store = IndexStore.inMemory()
        let reader = try store.openSegment(try store.writeSegment(first))
        try reader.verify()
        try assertSegment(reader, equals: model)
    }

    func testBuildersSharingADictionaryChoiceEndWithOneDictionary() throws {
        // Enough stored text (over 1 MiB) for the first builder to train and keep a dictionary.
        let words = ["Đảng", "viên", "cấp", "ủy", "xây", "dựng", "chỉnh", "đốn", "nâng", "cao", "chất", "lượng", "trong",
                     "tình", "hình", "mới", "đời", "sống", "chính", "quyền", "địa", "phương", "nhân", "dân", "cán", "bộ"]
        var generator = SeededGenerator(seed: 5)
        // Phrases that recur across documents but rarely within one block: what a dictionary learns.
        let phrases = (0..<1_500).map { number in
            (0..<8).map { _ in words[Int.random(in: 0..<words.count, using: &generator)] }.joined(separator: " ") + " \(number)"
        }
        func text() -> String {
            (0..<Int.random(in: 30...60, using: &generator)).map { _ in phrases[Int.random(in: 0..<phrases.count, using: &generator)] }
                .joined(separator: ". ")
        }
        let first = SegmentBuilder()
        var expected: [[StoredField]] = []
        for number in 0..<700 {
            let stored = [StoredField(name: "id", value: "a\(number)"), StoredField(name: "body", value: text())]
            try first.add(DocumentPostings(stored: stored, fieldLengths: [], occurrences: []))
            expected.append(stored)
        }
        let choice = try XCTUnwrap(first.storedDictionary, "decided after the first MiB")
        XCTAssertNotNil(choice.bytes, "this text pays for a dictionary")
        let second = SegmentBuilder(storedDictionary: choice)
        for number in 0..<200 {
            let stored = [StoredField(name: "id", value: "b\(number)"), StoredField(name: "body", value: text())]
            try second.add(DocumentPostings(stored: stored, fieldLengths: [], occurrences: []))
            expected.append(stored)
        }
        try first.append(second)
        let store = IndexStore.inMemory()
        let reader = try store.openSegment(try store.writeSegment(first))
        try reader.verify()
        XCTAssertEqual(reader.stored.dictionaries.entries.count, 1)
        for block in 0..<reader.stored.blockCount { XCTAssertEqual(try reader.stored.entry(block).dictionary, 1) }
        for doc in [0, 699, 700, 899] {
            XCTAssertEqual(try reader.storedFields(doc: UInt32(doc)), expected[doc], "doc \(doc)")
            XCTAssertEqual(try reader.storedID(doc: UInt32(doc)), expected[doc][0].value)
        }
    }
}

/// `ParallelPostingsEncoder`: a segment's bytes must not depend on how many threads encoded its postings,
/// shared term data included (a folded key whose only spelling lies in another thread's run of terms).
final class ParallelPostingsEncoderTests: XCTestCase {
    func testSegmentBytesAreTheSameForAnyThreadCount() throws {
        // Most folded keys have one spelling (shared data), some two; runs split them from their spellings.
        let builder = try PairedKeyCorpus.builder(documents: 400, tokensPerDocument: 60, words: 3_000,
                                                  foldedWords: 2_600, seed: 17, storedValue: { "\($0)" })
        let id = SegmentID.random()
        let single = try SegmentWriter.serialize(builder, id: id, threads: 1)
        let singleBytes = Array(single.parts.joined())
        var sharedTerms = 0
        for threads in [2, 3, 7] {
            let parallel = try SegmentWriter.serialize(builder, id: id, threads: threads)
            XCTAssertTrue(Array(parallel.parts.joined()) == singleBytes, "\(threads) threads")
            XCTAssertEqual(parallel.checksum, single.checksum)
        }
        let encoded = try ParallelPostingsEncoder.encode(builder.buffer, terms: builder.buffer.sortedTermIndices(), parts: 3)
        sharedTerms = encoded.locations.filter(\.isShared).count
        XCTAssertGreaterThan(sharedTerms, 500, "the test must exercise sharing across runs")
        let store = IndexStore.inMemory()
        let reader = try store.openSegment(try store.writeSegment(IndexStore.serializeSegment(builder, threads: 3)))
        try reader.verify()
    }
}
