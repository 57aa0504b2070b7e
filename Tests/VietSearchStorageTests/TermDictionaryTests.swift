import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// Exact and prefix lookups against a sorted array model, over keys with shared prefixes,
/// extreme bytes (0x00, 0xff) and several fields.
final class TermDictionaryTests: XCTestCase {
    private func randomKeys(seed: UInt64, count: Int) -> Set<TermKey> {
        var generator = SeededGenerator(seed: seed)
        var keys = Set<TermKey>()
        let stems: [[UInt8]] = [[], Array("ng".utf8), Array("nguy".utf8), [0x00], [0xff, 0xff], Array("đ".utf8)]
        while keys.count < count {
            var bytes = stems[Int.random(in: 0..<stems.count, using: &generator)]
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                let pick = Int.random(in: 0..<10, using: &generator)
                bytes.append(pick < 7 ? UInt8.random(in: 0x61...0x66, using: &generator)
                                      : [0x00, 0xff, 0x80][pick - 7])
            }
            keys.insert(TermKey(field: UInt8.random(in: 0...3, using: &generator), bytes: bytes))
        }
        return keys
    }

    private func makeReader(keys: Set<TermKey>) throws -> SegmentReader {
        let builder = SegmentBuilder()
        for name in ["a", "b", "c", "d"] { _ = try builder.fieldNumber(for: name) }
        let occurrences = keys.map { TermOccurrence(field: $0.field, term: $0.bytes, position: 0) }
        try builder.add(DocumentPostings(stored: [], fieldLengths: [1, 1, 1, 1], occurrences: occurrences))
        let store = IndexStore.inMemory()
        return try store.openSegment(try store.writeSegment(builder))
    }

    func testExactAndPrefixLookupMatchSortedModel() throws {
        for (seed, count) in [(1, 1), (2, 31), (3, 32), (4, 33), (5, 64), (6, 2_000)] as [(UInt64, Int)] {
            let keys = randomKeys(seed: seed, count: count)
            let reader = try makeReader(keys: keys)
            let sorted = keys.sorted(by: TermKey.precedes)
            XCTAssertEqual((0...3).map { reader.termCount(field: UInt8($0)) }.reduce(0, +), UInt64(count))
            for key in sorted {
                let info = try reader.termInfo(field: key.field, term: key.bytes)
                XCTAssertEqual(info?.documentFrequency, 1, "\(key)")
            }
            // Absent keys: neighbours of present keys.
            var generator = SeededGenerator(seed: seed &+ 100)
            for key in sorted.prefix(200) {
                for candidate in [key.bytes + [0x00], key.bytes + [0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61], Array(key.bytes.dropLast())] {
                    let probe = TermKey(field: key.field, bytes: candidate)
                    XCTAssertEqual(try reader.termInfo(field: probe.field, term: probe.bytes) != nil, keys.contains(probe), "\(probe)")
                }
            }
            XCTAssertNil(try reader.termInfo(field: 9, term: []))
            // Prefixes: every prefix of some keys, plus random short ones, with several limits.
            var prefixes: [TermKey] = [TermKey(field: 0, bytes: []), TermKey(field: 3, bytes: [0xff])]
            for key in sorted.shuffled(using: &generator).prefix(60) {
                prefixes.append(TermKey(field: key.field, bytes: Array(key.bytes.prefix(Int.random(in: 0...key.bytes.count, using: &generator)))))
            }
            for prefix in prefixes {
                let expected = sorted.filter { $0.field == prefix.field && $0.bytes.starts(with: prefix.bytes) }.map(\.bytes)
                for limit in [1, 5, Int.max] {
                    let got = try reader.terms(field: prefix.field, prefix: prefix.bytes, limit: limit).map(\.term)
                    XCTAssertEqual(got, Array(expected.prefix(limit)), "prefix \(prefix) limit \(limit)")
                }
            }
            XCTAssertEqual(try reader.terms(field: 0, prefix: [], limit: 0).count, 0)
            try reader.verify()
        }
    }

    func testEmptyDictionary() throws {
        let reader = try makeReader(keys: [])
        XCTAssertNil(try reader.termInfo(field: 0, term: Array("x".utf8)))
        XCTAssertEqual(try reader.terms(field: 0, prefix: [], limit: 10).count, 0)
        try reader.verify()
    }

    func testTooLongTermAndTooManyFieldsAreRejected() throws {
        let builder = SegmentBuilder()
        let field = try builder.fieldNumber(for: "body")
        let long = [UInt8](repeating: 0x61, count: SegmentBuilder.maximumTermLength + 1)
        XCTAssertThrowsError(try builder.add(DocumentPostings(stored: [], fieldLengths: [1],
                                                               occurrences: [TermOccurrence(field: field, term: long, position: 0)])))
        XCTAssertEqual(builder.documentCount, 0, "a rejected document leaves no trace")
        XCTAssertThrowsError(try builder.add(DocumentPostings(stored: [], fieldLengths: [],
                                                               occurrences: [TermOccurrence(field: 7, term: [1], position: 0)])))
        for number in 1..<255 { _ = try builder.fieldNumber(for: "f\(number)") }
        XCTAssertEqual(builder.fieldNames.count, 255)
        XCTAssertThrowsError(try builder.fieldNumber(for: "one too many")) { error in
            guard case StorageError.limitExceeded = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try builder.fieldNumber(for: "body"), field, "existing names keep their number")
    }
}
