import XCTest
import VietSearchTestSupport
@testable import VietSearchStorage

/// `TermTable.sorted` compares 8-byte prefixes first: keys equal on them, zero bytes, keys that are
/// prefixes of others and several fields must still come out in `TermKey.precedes` order.
final class TermTableSortTests: XCTestCase {
    func testSortedMatchesTheDictionaryOrder() {
        var table = TermTable()
        var keys: [TermKey] = []
        var random = SeededGenerator(seed: 5)
        let stems: [[UInt8]] = [[], [0], [0, 0], Array("nghiêng".utf8), Array("nghiêng".utf8) + [0], Array("abcdefg".utf8),
                                Array("abcdefgh".utf8), Array("abcdefghi".utf8), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]]
        for stem in stems {
            for field: UInt8 in [0, 1, 255] {
                for _ in 0..<6 {
                    var bytes = stem
                    for _ in 0..<random.next(below: 4) { bytes.append(UInt8(random.next(below: 3) == 0 ? 0 : random.next(below: 256))) }
                    let key = TermKey(field: field, bytes: bytes)
                    let (_, isNew) = bytes.withUnsafeBufferPointer { table.intern(field: field, bytes: $0) }
                    if isNew { keys.append(key) }
                }
            }
        }
        XCTAssertGreaterThan(keys.count, 100)
        let sorted = table.sorted(Array(0..<table.count)).map { TermKey(field: table.field(of: $0), bytes: table.bytes(of: $0)) }
        XCTAssertEqual(sorted, keys.sorted(by: TermKey.precedes))
        // A subset keeps only its ids.
        let some = Array(stride(from: 0, to: table.count, by: 3))
        XCTAssertEqual(table.sorted(some).map { TermKey(field: table.field(of: $0), bytes: table.bytes(of: $0)) },
                       some.map { keys[$0] }.sorted(by: TermKey.precedes))
    }
}
