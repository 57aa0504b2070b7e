import XCTest
@testable import VietSearch
@testable import VietSearchQuery
import VietSearchStorage

/// `TermLeaf.restarted` and `markAllDocs` (which reuse an unmoved leaf's cursor). `restarted` hands back a leaf on the list's first document whether the leaf has moved or not
/// (an unmoved leaf is copied, sharing its decoded block; a moved one opens a new cursor), and the copy
/// and the original then step independently: both walk the whole list with the same scores.
final class TermLeafRestartTests: FacadeTestCase {
    private func reader() throws -> SegmentReader {
        let words = ["an", "binh", "cuong", "dung", "giang", "hai"]
        var state: UInt64 = 0x51_7cc1
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let documents = (0..<1_200).map { number in
            Document(id: "d\(number)", title: words[next(words.count)],
                     body: (0..<(3 + next(20))).map { _ in next(3) == 0 ? words[next(words.count)] : "x\(next(400))" }.joined(separator: " "))
        }
        let index = Index.inMemory()
        try self.index(documents, into: index)
        let manifest = try index.store.readManifest()
        return try index.store.openSegment(try XCTUnwrap(manifest.segments.first))
    }

    private func walk(_ leaf: inout TermLeaf) throws -> [(UInt32, Double)] {
        var seen: [(UInt32, Double)] = []
        while leaf.doc != PostingsCursor.noMoreDocs {
            seen.append((leaf.doc, try leaf.score()))
            _ = try leaf.nextDoc()
        }
        return seen
    }

    private func bitset(_ docs: [UInt32], documents: Int) -> [UInt64] {
        var bits = [UInt64](repeating: 0, count: (documents + 63) / 64)
        for doc in docs { bits[Int(doc) >> 6] |= 1 << UInt64(doc & 63) }
        return bits
    }

    private func assertSame(_ left: [(UInt32, Double)], _ right: [(UInt32, Double)], _ message: String,
                            line: UInt = #line) {
        XCTAssertEqual(left.map(\.0), right.map(\.0), message, line: line)
        XCTAssertEqual(left.map(\.1.bitPattern), right.map(\.1.bitPattern), message, line: line)
    }

    func testRestartOfMovedAndUnmovedLeavesWalksTheWholeList() throws {
        let reader = try reader()
        let body = try XCTUnwrap(reader.fieldNumber(named: "body"))
        let terms = try reader.terms(field: body, prefix: [], limit: 10_000).sorted { $0.info.documentFrequency > $1.info.documentFrequency }
        // A list of several 128-document blocks and a one-block list.
        let long = try XCTUnwrap(terms.first)
        let short = try XCTUnwrap(terms.first { $0.info.documentFrequency > 3 && $0.info.documentFrequency < 128 })
        XCTAssertGreaterThan(long.info.documentFrequency, 300)
        for (term, info) in [long, short] {
            let scoring = FieldScoring(clause: "t", fieldName: "body", fieldNumber: body, boost: 1, idf: 2, avgdl: 10,
                                       bm25: BM25(), keys: [term])
            var reference = try TermLeaf(reader: reader, info: info, scoring: scoring)
            let expected = try walk(&reference)
            XCTAssertEqual(expected.count, Int(info.documentFrequency))

            // Unmoved: the restart and the original each walk the whole list.
            var original = try TermLeaf(reader: reader, info: info, scoring: scoring)
            var restart = try original.restarted()
            assertSame(try walk(&restart), expected, "restart of an unmoved leaf")
            assertSame(try walk(&original), expected, "an unmoved leaf after its restart walked")

            // Moved past its first block (or first documents): the restart starts over, the original goes on.
            var moved = try TermLeaf(reader: reader, info: info, scoring: scoring)
            let target = expected[expected.count * 2 / 3].0
            XCTAssertEqual(try moved.advance(to: target), target)
            var movedRestart = try moved.restarted()
            assertSame(try walk(&movedRestart), expected, "restart of a moved leaf")
            assertSame(try walk(&moved), Array(expected[(expected.count * 2 / 3)...]), "a moved leaf after its restart walked")

            // Marking every document: from an unmoved leaf (its cursor copied, the loaded block marked too)
            // and from a moved one (a new cursor), each the whole list, the leaf left where it was.
            let expectedBits = bitset(expected.map(\.0), documents: Int(reader.documentCount))
            var unmoved = try TermLeaf(reader: reader, info: info, scoring: scoring)
            var bits = [UInt64](repeating: 0, count: expectedBits.count)
            try unmoved.markAllDocs(in: &bits)
            XCTAssertEqual(bits, expectedBits, "marked from an unmoved leaf")
            assertSame(try walk(&unmoved), expected, "an unmoved leaf after marking")
            var movedAgain = try TermLeaf(reader: reader, info: info, scoring: scoring)
            _ = try movedAgain.advance(to: target)
            bits = [UInt64](repeating: 0, count: expectedBits.count)
            try movedAgain.markAllDocs(in: &bits)
            XCTAssertEqual(bits, expectedBits, "marked from a moved leaf")
            XCTAssertEqual(movedAgain.doc, target)
        }
    }

    /// `maxScore` reads the skip table view directly: it must equal the best BM25 over the blocks' (max tf,
    /// min length) pairs as the cursor's own `forEachBlockBound` reports them (the former way), and bound
    /// every document's score; for a multi-block list (skip table) and a one-block list (header pair).
    func testMaxScoreIsTheBestBlockBound() throws {
        let reader = try reader()
        let body = try XCTUnwrap(reader.fieldNumber(named: "body"))
        let terms = try reader.terms(field: body, prefix: [], limit: 10_000).sorted { $0.info.documentFrequency > $1.info.documentFrequency }
        let long = try XCTUnwrap(terms.first)
        let short = try XCTUnwrap(terms.first { $0.info.documentFrequency > 3 && $0.info.documentFrequency < 128 })
        for (term, info) in [long, short] {
            let scoring = FieldScoring(clause: "t", fieldName: "body", fieldNumber: body, boost: 1.5, idf: 2, avgdl: 10,
                                       bm25: BM25(), keys: [term])
            var leaf = try TermLeaf(reader: reader, info: info, scoring: scoring)
            var expected = 0.0
            var blocks = 0
            try reader.postings(info).forEachBlockBound { maxFrequency, minFieldLength in
                blocks += 1
                expected = Swift.max(expected, scoring.bm25.score(boost: 1.5, idf: 2, tf: Double(maxFrequency),
                                                                  dl: Double(minFieldLength), avgdl: 10))
            }
            XCTAssertEqual(blocks, (Int(info.documentFrequency) + 127) / 128)
            let bound = try leaf.maxScore()
            XCTAssertEqual(bound.bitPattern, expected.bitPattern, "\(info.documentFrequency) documents")
            let scores = try walk(&leaf).map(\.1)
            XCTAssertLessThanOrEqual(try XCTUnwrap(scores.max()), bound)
            XCTAssertGreaterThan(bound, 0)
        }
    }
}
