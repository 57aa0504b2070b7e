import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// Stored documents (random Unicode, empty, and larger than a 16 KiB block) and field lengths
/// round-trip through zstd blocks and bit-packed length arrays.
final class StoredFieldsTests: XCTestCase {
    func testStoredFieldsAndLengthsRoundTrip() throws {
        var corpus = RandomCorpus(seed: 17)
        var generator = SeededGenerator(seed: 18)
        let builder = SegmentBuilder()
        let fields = try ["a", "b", "c"].map { try builder.fieldNumber(for: $0) }
        var expected: [[StoredField]] = []
        var lengths: [[UInt32]] = []
        for number in 0..<700 {
            var stored: [StoredField] = []
            switch number % 50 {
            case 0: break  // a document with no stored fields
            case 1: stored = [StoredField(name: "big", value: String(repeating: "Đảng viên cấp ủy ", count: 3_000))]
            case 2: stored = [StoredField(name: "", value: ""), StoredField(name: "dup", value: "1"), StoredField(name: "dup", value: "2")]
            default:
                for index in 0..<Int.random(in: 1...4, using: &generator) {
                    stored.append(StoredField(name: "f\(index)", value: corpus.randomText(maxScalars: 400)))
                }
            }
            // Lengths of every magnitude so the packed width varies per field.
            let documentLengths = fields.map { field -> UInt32 in
                switch field {
                case 0: return 0
                case 1: return UInt32.random(in: 0...9, using: &generator)
                default: return number == 650 ? UInt32.max : UInt32.random(in: 0...100_000, using: &generator)
                }
            }
            try builder.add(DocumentPostings(stored: stored, fieldLengths: number == 3 ? [] : documentLengths, occurrences: []))
            expected.append(stored)
            lengths.append(number == 3 ? [0, 0, 0] : documentLengths)
        }
        let store = IndexStore.inMemory()
        let reader = try store.openSegment(try store.writeSegment(builder))
        try reader.verify()
        XCTAssertGreaterThan(reader.stored.blockCount, 10, "many 16 KiB blocks")
        for doc in Array(0..<700).shuffled(using: &generator) {
            XCTAssertEqual(try reader.storedFields(doc: UInt32(doc)), expected[doc], "doc \(doc)")
            for field in 0..<3 {
                XCTAssertEqual(try reader.fieldLength(field: UInt8(field), doc: UInt32(doc)), lengths[doc][field])
            }
        }
        XCTAssertEqual(try reader.fieldLength(field: 77, doc: 0), 0, "an unknown field has length 0")
        XCTAssertThrowsError(try reader.storedFields(doc: 700))
        XCTAssertThrowsError(try reader.fieldLength(field: 0, doc: 700))
        XCTAssertEqual(reader.sumOfFieldLengths(field: 1), lengths.reduce(UInt64(0)) { $0 + UInt64($1[1]) })
    }

    func testFieldRegisteredLateHasZeroLengthForEarlierDocs() throws {
        let builder = SegmentBuilder()
        let first = try builder.fieldNumber(for: "first")
        try builder.add(DocumentPostings(stored: [], fieldLengths: [4], occurrences: [TermOccurrence(field: first, term: [1], position: 3)]))
        let late = try builder.fieldNumber(for: "late")
        try builder.add(DocumentPostings(stored: [], fieldLengths: [2, 9], occurrences: [TermOccurrence(field: late, term: [1], position: 8)]))
        let store = IndexStore.inMemory()
        let reader = try store.openSegment(try store.writeSegment(builder))
        XCTAssertEqual(try reader.fieldLength(field: late, doc: 0), 0)
        XCTAssertEqual(try reader.fieldLength(field: late, doc: 1), 9)
        XCTAssertEqual(reader.fieldNumber(named: "late"), late)
        XCTAssertNil(reader.fieldNumber(named: "never"))
        XCTAssertEqual(reader.sumOfFieldLengths(field: first), 6)
        try reader.verify()
    }
}
