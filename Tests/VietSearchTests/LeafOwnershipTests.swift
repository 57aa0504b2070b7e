import XCTest
@testable import VietSearch
@testable import VietSearchQuery
@testable import VietSearchStorage

/// Session 18 made per-query leaves cheaper to copy: `FieldLengthColumn` and `PostingsSkipTable` became
/// views (`unowned(unsafe)` file), a `TermLeaf` dropped its reader and restarts rewind a copy of the cursor
/// (`PostingsCursor.rewind`). These tests pin the two things that makes true:
/// - a leaf keeps its segment's file alive by itself (through its cursor), so its views stay valid after
///   the reader and snapshot that made it are gone, and the file is freed once the leaf is;
/// - a rewound cursor is a cursor just opened: same documents, frequencies and positions, deletes skipped.
final class LeafOwnershipTests: FacadeTestCase {
    private func corpus(documents: Int) -> [Document] {
        let words = ["an", "binh", "cuong", "dung", "giang", "hai"]
        var state: UInt64 = 0x2545_f491
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        return (0..<documents).map { number in
            Document(id: "d\(number)", title: words[next(words.count)],
                     body: (0..<(3 + next(30))).map { _ in next(3) == 0 ? words[next(words.count)] : "x\(next(300))" }.joined(separator: " "))
        }
    }

    /// A one-segment in-memory index of 1,500 documents; with `deleting`, every `deleting`-th one deleted.
    private func segment(deleting step: Int?) throws -> SegmentReader {
        let index = try singleSegmentIndex(of: corpus(documents: 1_500), deletingEvery: step, from: 3)
        let manifest = try index.store.readManifest()
        return try index.store.openSegment(try XCTUnwrap(manifest.segments.first))
    }

    private func walk(_ leaf: inout TermLeaf) throws -> [(UInt32, UInt64)] {
        var seen: [(UInt32, UInt64)] = []
        while leaf.doc != PostingsCursor.noMoreDocs {
            seen.append((leaf.doc, try leaf.score().bitPattern))
            _ = try leaf.nextDoc()
        }
        return seen
    }

    /// Every (doc, tf, positions) of the cursor from where it is to the end.
    private func entries(_ cursor: inout PostingsCursor) throws -> [String] {
        var seen: [String] = []
        while try cursor.nextDoc() != PostingsCursor.noMoreDocs {
            seen.append("\(cursor.doc):\(cursor.currentFrequency()):\(try cursor.positions())")
        }
        return seen
    }

    private func longAndShortTerms(_ reader: SegmentReader) throws -> [(term: [UInt8], info: TermInfo)] {
        let body = try XCTUnwrap(reader.fieldNumber(named: "body"))
        let terms = try reader.terms(field: body, prefix: [], limit: 10_000).sorted { $0.info.documentFrequency > $1.info.documentFrequency }
        let long = try XCTUnwrap(terms.first)
        XCTAssertGreaterThan(long.info.documentFrequency, 300)
        let short = try XCTUnwrap(terms.first { $0.info.documentFrequency > 3 && $0.info.documentFrequency < 128 })
        return [long, short]
    }

    func testLeafKeepsItsFileAliveAfterTheReaderIsGone() throws {
        for step in [nil, 7] {
            var reader: SegmentReader? = try segment(deleting: step)
            weak var file: FileBytes?
            file = reader?.bytes
            var leaves: [TermLeaf] = []
            var expected: [[(UInt32, UInt64)]] = []
            var bounds: [UInt64] = []
            if let segment = reader {
                let body = try XCTUnwrap(segment.fieldNumber(named: "body"))
                for (term, info) in try longAndShortTerms(segment) {
                    let scoring = FieldScoring(clause: "t", fieldName: "body", fieldNumber: body, boost: 1, idf: 2,
                                               avgdl: 10, bm25: BM25(), keys: [term])
                    var reference = try TermLeaf(reader: segment, info: info, scoring: scoring)
                    expected.append(try walk(&reference))
                    bounds.append(try reference.maxScore().bitPattern)
                    leaves.append(try TermLeaf(reader: segment, info: info, scoring: scoring))
                }
            }
            // The reader (and with it its own reference to the file) is released: only the leaves hold it.
            reader = nil
            XCTAssertNotNil(file, "a leaf must keep its segment's file alive")
            for index in leaves.indices {
                // Skip table (bounds), length column (scores), rewound cursor (a moved leaf's restart).
                XCTAssertEqual(try leaves[index].maxScore().bitPattern, bounds[index])
                let middle = expected[index][expected[index].count / 2].0
                XCTAssertEqual(try leaves[index].advance(to: middle), middle)
                _ = try leaves[index].blockMax(at: middle)
                var restart = try leaves[index].restarted()
                let walked = try walk(&restart)
                XCTAssertEqual(walked.map(\.0), expected[index].map(\.0), "deleting \(String(describing: step))")
                XCTAssertEqual(walked.map(\.1), expected[index].map(\.1), "deleting \(String(describing: step))")
                var bits = [UInt64](repeating: 0, count: 1_500 / 64 + 1)
                try leaves[index].markAllDocs(in: &bits)
                XCTAssertEqual(bits.reduce(0) { $0 + $1.nonzeroBitCount }, expected[index].count)
            }
            leaves.removeAll()
            XCTAssertNil(file, "the file outlived every holder: a view holds it strongly, or a leaf leaked")
        }
    }

    func testRewoundCursorReadsAsAFreshOne() throws {
        for step in [nil, 5] {
            let reader = try segment(deleting: step)
            for (_, info) in try longAndShortTerms(reader) {
                var fresh = try reader.postings(info)
                let expected = try entries(&fresh)
                XCTAssertFalse(expected.isEmpty)
                // Moved part way, with positions read (decoder state) and frequencies unpacked, then rewound.
                var cursor = try reader.postings(info)
                var steps = 0
                while steps < expected.count / 2 + 1, try cursor.nextDoc() != PostingsCursor.noMoreDocs {
                    _ = try cursor.positions()
                    steps += 1
                }
                cursor.rewind()
                XCTAssertEqual(try entries(&cursor), expected, "deleting \(String(describing: step))")
                // Rewound at the end, and rewound again before any move.
                cursor.rewind()
                cursor.rewind()
                XCTAssertEqual(try entries(&cursor), expected)
                // A rewound copy and its original step independently.
                var original = try reader.postings(info)
                _ = try original.nextDoc()
                var copy = original
                copy.rewind()
                XCTAssertEqual(try entries(&copy), expected)
                XCTAssertEqual(try entries(&original), Array(expected.dropFirst()))
            }
        }
    }
}
