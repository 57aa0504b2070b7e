import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// `PostingsWriter` reading a merge batch's slices in place (`TermPipeline.Batch.forEachTerm`, session
/// 13) writes the bytes, locations and sharing decisions it writes from each term's own buffer.
final class PostingsWriterViewTests: XCTestCase {
    /// Random terms: list lengths around the 128-document blocks (short, ending on one, crossing them),
    /// long position lists, positions given as positions or as values, a repeated term (shared data).
    private func terms(seed: UInt64) -> [(buffer: TermPostingsBuffer, field: UInt8)] {
        var generator = SeededGenerator(seed: seed)
        let counts = [1, 2, 127, 128, 129, 255, 256, 257, 600, 3, 0, 40, 384, 1000, 7]
        var result: [(buffer: TermPostingsBuffer, field: UInt8)] = []
        for (index, count) in counts.enumerated() {
            var buffer = TermPostingsBuffer()
            buffer.positionsAreValues = index % 3 != 0
            var doc: UInt32 = 0
            for _ in 0..<count {
                doc += 1 + UInt32(generator.next(below: 9))
                // Some documents with long position lists (several 128-value blocks for one term).
                let frequency = generator.next(below: 20) == 0 ? 150 + generator.next(below: 200) : 1 + generator.next(below: 4)
                buffer.docs.append(doc)
                buffer.frequencies.append(UInt32(frequency))
                var position: UInt32 = UInt32(generator.next(below: 5))
                for _ in 0..<frequency {
                    buffer.positions.append(buffer.positionsAreValues ? UInt32(generator.next(below: 40)) : position)
                    position += 1 + UInt32(generator.next(below: 30))
                }
            }
            result.append((buffer, UInt8(index < 8 ? 1 : 2)))
            if index == 5 { result.append((buffer, 1)) }
        }
        return result
    }

    func testBatchSlicesWriteTheBytesOfEachTermsOwnBuffer() throws {
        for seed in [UInt64(1), 2, 3] {
            let terms = terms(seed: seed)
            let lengths = (0..<20_000).map { UInt32(1 + $0 % 97) }
            var reference = PostingsWriter()
            var expected: [TermDataLocation] = []
            for term in terms { expected.append(try reference.append(term.buffer, field: term.field, fieldLengths: lengths)) }

            // The terms end to end in one batch (slices at non-zero offsets of the flat arrays).
            var batch = SegmentMerger.TermPipeline.Batch()
            for (index, term) in terms.enumerated() { batch.append(term.buffer, field: term.field, term: Array("t\(index)".utf8)[...]) }
            var viewed = PostingsWriter()
            var got: [TermDataLocation] = []
            var names: [String] = []
            var totals: [UInt64] = []
            try batch.forEachTerm { view, field, bytes in
                got.append(try viewed.append(view, field: field, fieldLengths: lengths))
                names.append(String(decoding: bytes, as: UTF8.self))
                totals.append(view.totalTermFrequency)
            }
            XCTAssertEqual(names, terms.indices.map { "t\($0)" })
            XCTAssertEqual(totals, terms.map { $0.buffer.frequencies.reduce(UInt64(0)) { $0 + UInt64($1) } })
            XCTAssertEqual(viewed.postings, reference.postings, "seed \(seed)")
            XCTAssertEqual(viewed.positions, reference.positions, "seed \(seed)")
            XCTAssertEqual(got.count, expected.count)
            for (index, (a, b)) in zip(got, expected).enumerated() {
                XCTAssertEqual([a.postingsOffset, a.postingsLength, a.positionsOffset, a.positionsLength],
                               [b.postingsOffset, b.postingsLength, b.positionsOffset, b.positionsLength], "term \(index)")
                XCTAssertEqual([a.postingsChecksum, a.positionsChecksum], [b.postingsChecksum, b.positionsChecksum], "term \(index)")
                XCTAssertEqual(a.isShared, b.isShared, "term \(index)")
            }
            XCTAssertTrue(got[6].isShared, "the repeated term shares the first one's data")
        }
    }

    /// Positions given as positions are turned into the values (first, then gaps − 1) before packing:
    /// checked against values computed here, through the other path.
    func testPositionsAsPositionsWriteTheirValuesBytes() throws {
        var asPositions = TermPostingsBuffer()
        asPositions.docs = [3, 9, 10]
        asPositions.frequencies = [2, 1, 3]
        asPositions.positions = [4, 9, 0, 1, 5, 6]
        var asValues = asPositions
        asValues.positionsAreValues = true
        asValues.positions = [4, 4, 0, 1, 3, 0]
        let lengths = [UInt32](repeating: 5, count: 20)
        var first = PostingsWriter(), second = PostingsWriter()
        _ = try first.append(asPositions, field: 0, fieldLengths: lengths)
        _ = try second.append(asValues, field: 0, fieldLengths: lengths)
        XCTAssertEqual(first.positions, second.positions)
        XCTAssertEqual(first.postings, second.postings)
    }
}
