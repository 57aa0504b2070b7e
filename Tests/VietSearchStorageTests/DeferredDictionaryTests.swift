import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// A parallel job started before the first job has decided the stored-field dictionary defers its own
/// decision (`SegmentBuilder(defersDictionaryDecision:)`) and takes the first job's when it ends: its
/// segment must then be the one it would have written had it been given that dictionary from the start.
final class DeferredDictionaryTests: XCTestCase {
    /// News-like stored documents (phrases recurring across documents: what a dictionary learns), about
    /// 2 KiB each.
    private func newsLikeDocuments(seed: UInt64, count: Int) -> [[StoredField]] {
        let words = ["Đảng", "viên", "cấp", "ủy", "xây", "dựng", "chỉnh", "đốn", "nâng", "cao", "chất", "lượng", "trong",
                     "tình", "hình", "mới", "đời", "sống", "chính", "quyền", "địa", "phương", "nhân", "dân", "cán", "bộ"]
        var phraseGenerator = SeededGenerator(seed: 77)
        let phrases = (0..<500).map { _ in
            (0..<6).map { _ in words[Int.random(in: 0..<words.count, using: &phraseGenerator)] }.joined(separator: " ")
        }
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { number in
            let body = (0..<Int.random(in: 30...70, using: &generator)).map { _ in
                phrases[Int.random(in: 0..<phrases.count, using: &generator)]
            }.joined(separator: ". ")
            return [StoredField(name: "id", value: "d\(seed)-\(number)"), StoredField(name: "body", value: body)]
        }
    }

    private func build(_ documents: [[StoredField]], choice: StoredDictionaryChoice?, defers: Bool) throws -> SegmentBuilder {
        let builder = SegmentBuilder(storedDictionary: choice, defersDictionaryDecision: defers)
        for stored in documents { try builder.add(DocumentPostings(stored: stored, fieldLengths: [], occurrences: [])) }
        return builder
    }

    /// A serialised segment's bytes between its header and its trailer (the parts holding its random id).
    private func sectionBytes(_ builder: SegmentBuilder) throws -> [UInt8] {
        Array(try IndexStore.serializeSegment(builder).parts.dropFirst().dropLast().joined())
    }

    func testDeferredBuilderTakesTheGivenDecisionAsIfGivenAtTheStart() throws {
        // Both runs pass the 1 MiB after which an undecided builder trains its own dictionary.
        let first = try build(newsLikeDocuments(seed: 1, count: 700), choice: nil, defers: false)
        let choice = try XCTUnwrap(first.storedDictionary, "decided after the first MiB")
        XCTAssertNotNil(choice.bytes, "this text pays for a dictionary")
        let documents = newsLikeDocuments(seed: 2, count: 700)
        let deferred = try build(documents, choice: nil, defers: true)
        XCTAssertNil(deferred.storedDictionary, "a deferring builder does not decide by itself")
        try deferred.resolveDeferredStoredDictionary(choice)
        XCTAssertTrue(deferred.storedDictionary === choice)
        let given = try build(documents, choice: choice, defers: false)
        let expected = try sectionBytes(given)
        XCTAssertGreaterThan(expected.count, 100_000)
        XCTAssertEqual(try sectionBytes(deferred), expected)
    }

    func testDeferredBuilderLeftWithoutADecisionMakesItsOwn() throws {
        let documents = newsLikeDocuments(seed: 3, count: 700)
        let deferred = try build(documents, choice: nil, defers: true)
        try deferred.resolveDeferredStoredDictionary(nil)
        try deferred.decideStoredDictionaryIfTrainable()
        XCTAssertNotNil(try XCTUnwrap(deferred.storedDictionary).bytes, "trained on its own documents")
        let store = IndexStore.inMemory()
        let reader = try store.openSegment(try store.writeSegment(deferred))
        try reader.verify()
        XCTAssertEqual(reader.stored.dictionaries.entries.count, 1)
        for doc in [0, 350, 699] { XCTAssertEqual(try reader.storedFields(doc: UInt32(doc)), documents[doc], "doc \(doc)") }
    }
}
