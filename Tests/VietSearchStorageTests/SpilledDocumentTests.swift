import XCTest
import VietSearchTestSupport
@testable import VietSearchStorage

/// A huge document's occurrences are compacted between checkpoints (`SegmentBuffer.checkpoint`); the
/// postings must be exactly those of the plain path.
final class SpilledDocumentTests: XCTestCase {
    /// Adds three documents, the middle one long and cut by checkpoints, with the exact/folded pairs,
    /// repeated positions and two fields the encoder produces.
    private func build(spillThreshold: Int) throws -> SegmentBuilder {
        let builder = SegmentBuilder()
        builder.setSpillThresholdForTesting(spillThreshold)
        // Spilling is part of the scratch path; the plain build takes the direct path.
        builder.setDirectOccurrencesForTesting(spillThreshold == Int.max)
        let title = try builder.fieldNumber(for: "title")
        let body = try builder.fieldNumber(for: "body")
        var random = SeededGenerator(seed: 9)
        for (number, length) in [40, 5_000, 60].enumerated() {
            try builder.beginDocument()
            for field in [title, body] {
                var position: UInt32 = 0
                for index in 0..<(field == title ? 10 : length) {
                    let word = Array("từ\(random.next(below: 50))".utf8)
                    let folded = Array("tu\(random.next(below: 50) % 7)".utf8)
                    try word.withUnsafeBufferPointer { first in
                        try folded.withUnsafeBufferPointer { second in
                            try builder.addOccurrencePair(field: field, first: first, second: second, position: position)
                            if index % 13 == 0 {  // the same key twice at one position counts once
                                try builder.addOccurrence(field: field, bytes: first, position: position)
                            }
                        }
                    }
                    position += 1
                    if index % 97 == 96 { builder.checkpoint() }
                }
                builder.checkpoint()
            }
            try builder.finishDocument(stored: [StoredField(name: "n", value: "\(number)")], fieldLengths: [10, UInt32(length)])
        }
        return builder
    }

    func testSpilledPostingsEqualPlainPostings() throws {
        let plain = try build(spillThreshold: Int.max)
        let spilled = try build(spillThreshold: 64)
        XCTAssertEqual(plain.buffer.sortedTermIndices().map { plain.buffer.termKeys[$0] },
                       spilled.buffer.sortedTermIndices().map { spilled.buffer.termKeys[$0] })
        XCTAssertGreaterThan(plain.buffer.terms.count, 60)
        XCTAssertEqual((0..<plain.buffer.terms.count).map { Array(plain.buffer.termStreams.bytes($0)) },
                       (0..<spilled.buffer.terms.count).map { Array(spilled.buffer.termStreams.bytes($0)) })
        XCTAssertEqual(plain.buffer.idBytes, spilled.buffer.idBytes)
        // And the segment reads back the same.
        let store = IndexStore.inMemory()
        let plainReader = try store.openSegment(try store.writeSegment(plain))
        let spilledReader = try store.openSegment(try store.writeSegment(spilled))
        XCTAssertEqual(plainReader.documentCount, 3)
        XCTAssertEqual(try plainReader.fieldLength(field: 1, doc: 1), try spilledReader.fieldLength(field: 1, doc: 1))
        for doc: UInt32 in 0..<3 { XCTAssertEqual(try plainReader.storedFields(doc: doc), try spilledReader.storedFields(doc: doc)) }
    }
}
