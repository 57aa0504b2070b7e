import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// A builder started before the stored-field dictionary is decided can wait for another builder's
/// decision (`awaitStoredDictionary`, `adoptStoredDictionary`): parallel indexing's second job, built
/// beside the first one, which trains the dictionary.
final class StoredDictionaryAdoptionTests: XCTestCase {
    /// News-like documents (phrases shared across documents, what a dictionary learns), about 2.4 kB each.
    private func addNewsLike(_ count: Int, seed: UInt64, to builder: SegmentBuilder) throws -> [[StoredField]] {
        var generator = SeededGenerator(seed: seed)
        let words = ["Đảng", "viên", "cấp", "ủy", "xây", "dựng", "chỉnh", "đốn", "nâng", "cao", "chất", "lượng", "trong",
                     "tình", "hình", "mới", "đời", "sống", "chính", "quyền", "địa", "phương", "Hội", "nghị", "cán", "bộ"]
        var phraseGenerator = SeededGenerator(seed: 1_000)
        let phrases = (0..<400).map { _ in
            (0..<5).map { _ in words[Int.random(in: 0..<words.count, using: &phraseGenerator)] }.joined(separator: " ")
        }
        _ = try builder.fieldNumber(for: "body")
        var added: [[StoredField]] = []
        for number in 0..<count {
            let parts = (0..<Int.random(in: 40...120, using: &generator)).map { _ in
                phrases[Int.random(in: 0..<phrases.count, using: &generator)]
            }
            let stored = [StoredField(name: "id", value: "doc\(seed)-\(number)"),
                          StoredField(name: "body", value: parts.joined(separator: ", "))]
            try builder.add(DocumentPostings(stored: stored, fieldLengths: [UInt32(parts.count)], occurrences: []))
            added.append(stored)
        }
        return added
    }

    /// Past the 1 MiB a builder otherwise trains on, a waiting builder stays undecided; given the other
    /// builder's decision it uses that very dictionary, and the two joined hold one dictionary that every
    /// block uses, with every document readable.
    func testWaitingBuilderTrainsNoneAndTakesTheDecisionGiven() throws {
        let control = SegmentBuilder()
        _ = try addNewsLike(600, seed: 7, to: control)
        XCTAssertNotNil(control.storedDictionary, "600 documents pass the 1 MiB training sample: decided while adding")

        let trainer = SegmentBuilder()
        let first = try addNewsLike(150, seed: 4, to: trainer)
        let waiting = SegmentBuilder()
        waiting.awaitStoredDictionary()
        let second = try addNewsLike(600, seed: 7, to: waiting)
        XCTAssertNil(waiting.storedDictionary, "a waiting builder trains no dictionary of its own")
        try waiting.decideStoredDictionaryIfTrainable()
        XCTAssertNil(waiting.storedDictionary, "nor when asked to decide early")

        try trainer.decideStoredDictionaryIfTrainable()
        let choice = try XCTUnwrap(trainer.storedDictionary)
        XCTAssertNotNil(choice.bytes)
        try waiting.adoptStoredDictionary(choice)
        XCTAssertTrue(waiting.storedDictionary === choice)
        try waiting.sealStoredIfDecided()
        try trainer.append(waiting)

        let store = IndexStore.inMemory()
        let reader = try store.openSegment(try store.writeSegment(trainer))
        try reader.verify()
        XCTAssertEqual(reader.stored.dictionaries.entries.count, 1)
        for block in 0..<reader.stored.blockCount { XCTAssertEqual(try reader.stored.entry(block).dictionary, 1, "block \(block)") }
        let expected = first + second
        XCTAssertEqual(reader.documentCount, UInt32(expected.count))
        for doc in [0, 149, 150, 151, 400, 749] { XCTAssertEqual(try reader.storedFields(doc: UInt32(doc)), expected[doc]) }
    }

    /// Given no decision (the training builder made none), a waiting builder decides for itself again;
    /// one already decided keeps its own decision.
    func testNoDecisionGivenLetsTheBuilderDecideAndADecidedOneKeepsItsOwn() throws {
        let waiting = SegmentBuilder()
        waiting.awaitStoredDictionary()
        _ = try addNewsLike(200, seed: 8, to: waiting)
        try waiting.adoptStoredDictionary(nil)
        XCTAssertNil(waiting.storedDictionary)
        try waiting.decideStoredDictionaryIfTrainable()
        let own = try XCTUnwrap(waiting.storedDictionary)

        let other = SegmentBuilder()
        _ = try addNewsLike(200, seed: 9, to: other)
        try other.decideStoredDictionaryIfTrainable()
        try waiting.adoptStoredDictionary(try XCTUnwrap(other.storedDictionary))
        XCTAssertTrue(waiting.storedDictionary === own)
    }
}
