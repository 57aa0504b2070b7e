import XCTest
import VietSearchTestSupport
@testable import VietSearchStorage

/// The direct path (occurrences written straight into the term streams while positions ascend) must
/// give the scratch path's streams byte for byte, and undo a document cleanly.
final class DirectOccurrenceTests: XCTestCase {
    private func add(_ builder: SegmentBuilder, _ field: UInt8, _ key: String, _ position: UInt32) throws {
        try Array(key.utf8).withUnsafeBufferPointer { try builder.addOccurrence(field: field, bytes: $0, position: position) }
    }

    private func streams(_ builder: SegmentBuilder) -> [String] {
        builder.buffer.sortedTermIndices().map { "\(builder.buffer.termKeys[$0]) \(Array(builder.buffer.termStreams.bytes($0)))" }
    }

    func testStreamOfATermWithALargeFrequencyAndRepeatedPositions() throws {
        let builder = SegmentBuilder()
        let body = try builder.fieldNumber(for: "body")
        for doc in 0..<2 {
            try builder.beginDocument()
            for position: UInt32 in 0..<200 {
                try add(builder, body, "a", position * 2)
                if position % 50 == 0 { try add(builder, body, "a", position * 2) }  // counted once
            }
            try add(builder, body, "b", 500)
            try builder.finishDocument(stored: [StoredField(name: "n", value: "\(doc)")], fieldLengths: [500])
        }
        // doc 0 (absolute), tf 200 (two bytes), position 0, then gaps of 2; doc delta 1 for the second.
        let group = [200 & 0x7F | 0x80, 1, 0] + [UInt8](repeating: 2, count: 199)
        let a = try XCTUnwrap(builder.buffer.sortedTermIndices().first)
        XCTAssertEqual(Array(builder.buffer.termStreams.bytes(a)), [0] + group + [1] + group)
        XCTAssertEqual(Array(builder.buffer.termStreams.bytes(a + 1)), [0, 1, 0xF4, 0x03, 1, 1, 0xF4, 0x03])
    }

    func testPositionsGoingBackMoveTheDocumentToTheScratchPath() throws {
        let builder = SegmentBuilder()
        let body = try builder.fieldNumber(for: "body")
        try builder.beginDocument()
        try add(builder, body, "x", 7)
        try add(builder, body, "y", 1)  // lower than x's, but another term: still direct
        try add(builder, body, "x", 4)  // x goes back: the document so far moves to the scratch path
        try add(builder, body, "x", 9)
        try add(builder, body, "x", 7)  // a repeat, counted once
        try builder.finishDocument(stored: [], fieldLengths: [10])
        try builder.beginDocument()
        try add(builder, body, "x", 2)
        try builder.finishDocument(stored: [], fieldLengths: [3])
        // x: doc 0, tf 3, positions 4, 7, 9 (gaps 3, 2); doc delta 1, tf 1, position 2. y: doc 0, tf 1, position 1.
        let ids = builder.buffer.sortedTermIndices()
        XCTAssertEqual(ids.map { builder.buffer.termKeys[$0].bytes }, [Array("x".utf8), Array("y".utf8)])
        XCTAssertEqual(Array(builder.buffer.termStreams.bytes(ids[0])), [0, 3, 4, 3, 2, 1, 1, 2])
        XCTAssertEqual(Array(builder.buffer.termStreams.bytes(ids[1])), [0, 1, 1])
    }

    /// Documents of random pairs and single keys in two fields, some abandoned (before and after
    /// positions stop ascending), some whose positions go back mid-way, some restarted by a second
    /// `beginDocument`: the same streams with and without the direct path.
    func testDirectAndScratchPathsGiveTheSameStreams() throws {
        func build(direct: Bool) throws -> SegmentBuilder {
            let builder = SegmentBuilder()
            builder.setDirectOccurrencesForTesting(direct)
            let fields = [try builder.fieldNumber(for: "title"), try builder.fieldNumber(for: "body")]
            var random = SeededGenerator(seed: 42)
            var finished = 0
            for round in 0..<120 {
                try builder.beginDocument()
                if round % 17 == 3 {  // a document restarted: its first part is forgotten
                    try add(builder, fields[1], "gone\(round)", 0)
                    try builder.beginDocument()
                }
                for field in fields {
                    var position: UInt32 = 0
                    for index in 0..<(field == fields[0] ? 5 : 30 + random.next(below: 300)) {
                        let word = Array("từ\(random.next(below: 40))".utf8)
                        let folded = Array("tu\(random.next(below: 40) % 6)".utf8)
                        let ids = try word.withUnsafeBufferPointer { first in
                            try folded.withUnsafeBufferPointer { second in
                                try builder.addOccurrencePairGivingIDs(field: field, first: first, second: second, position: position)
                            }
                        }
                        if index % 11 == 0 {  // the same pair again at this position, by id
                            try builder.addTermPair(field: field, first: ids.first, second: ids.second, position: position)
                        }
                        if round % 7 == 5 && index == 20 { position = 3 } else { position += UInt32(random.next(below: 3)) }
                    }
                }
                if round % 13 == 6 || round % 14 == 5 {
                    builder.abandonDocument()
                    continue
                }
                try builder.finishDocument(stored: [StoredField(name: "n", value: "\(round)")], fieldLengths: [5, 400])
                finished += 1
            }
            XCTAssertEqual(builder.documentCount, finished)
            return builder
        }
        let direct = try build(direct: true)
        let scratch = try build(direct: false)
        XCTAssertGreaterThan(direct.buffer.sortedTermIndices().count, 80)
        XCTAssertEqual(streams(direct), streams(scratch))
    }

    func testTermPairIDsMustBeTermsOfTheField() throws {
        let builder = SegmentBuilder()
        let title = try builder.fieldNumber(for: "title")
        let body = try builder.fieldNumber(for: "body")
        try builder.beginDocument()
        let ids = try Array("a".utf8).withUnsafeBufferPointer { first in
            try Array("b".utf8).withUnsafeBufferPointer { try builder.addOccurrencePairGivingIDs(field: title, first: first, second: $0, position: 0) }
        }
        XCTAssertThrowsError(try builder.addTermPair(field: body, first: ids.first, second: ids.second, position: 1))
        XCTAssertThrowsError(try builder.addTermPair(field: title, first: ids.first, second: 99, position: 1))
        XCTAssertNoThrow(try builder.addTermPair(field: title, first: ids.second, second: ids.first, position: 1))
    }
    /// Runs of pairs (`addTermPairs`, the indexer's cached spellings) give what the same pairs added one by
    /// one (`addTermPair`) give, on the direct path and the scratch path, including pairs whose first or
    /// second term's positions go back mid-run (the document then moves to the scratch path).
    func testTermPairRunsGiveWhatSinglePairsGive() throws {
        func build(runs: Bool, direct: Bool) throws -> SegmentBuilder {
            let builder = SegmentBuilder()
            builder.setDirectOccurrencesForTesting(direct)
            let fields = [try builder.fieldNumber(for: "title"), try builder.fieldNumber(for: "body")]
            var random = SeededGenerator(seed: 7)
            var runLengths = SeededGenerator(seed: 8)  // its own generator: the documents are the same either way
            // A first document interns the pairs: exact keys "e<n>" with the folded key "f<n % 5>"
            // (several exact keys share one); the documents after it add them by id.
            var vocabulary: [[(first: UInt32, second: UInt32)]] = []
            try builder.beginDocument()
            for field in fields {
                var ids: [(first: UInt32, second: UInt32)] = []
                for word in 0..<30 {
                    ids.append(try Array("e\(word)".utf8).withUnsafeBufferPointer { first in
                        try Array("f\(word % 5)".utf8).withUnsafeBufferPointer { second in
                            try builder.addOccurrencePairGivingIDs(field: field, first: first, second: second,
                                                                   position: UInt32(word))
                        }
                    })
                }
                vocabulary.append(ids)
            }
            try builder.finishDocument(stored: [], fieldLengths: [30, 30])
            for round in 0..<60 {
                try builder.beginDocument()
                for (field, fieldPairs) in zip(fields, vocabulary) {
                    var pairs: [UInt64] = []
                    var positions: [UInt32] = []
                    var position: UInt32 = 0
                    for index in 0..<(20 + random.next(below: 200)) {
                        let ids = fieldPairs[random.next(below: fieldPairs.count)]
                        pairs.append(UInt64(ids.first) << 32 | UInt64(ids.second))
                        positions.append(position)
                        if round % 6 == 1 && index == 40 { position = UInt32(random.next(below: 10)) } else {
                            position += UInt32(random.next(below: 3))
                        }
                    }
                    if runs {
                        var start = 0
                        while start < pairs.count {
                            let end = min(pairs.count, start + 1 + runLengths.next(below: 25))
                            try pairs[start..<end].withUnsafeBufferPointer { pairRun in
                                try positions[start..<end].withUnsafeBufferPointer {
                                    try builder.addTermPairs(field: field, pairs: pairRun, positions: $0)
                                }
                            }
                            start = end
                        }
                    } else {
                        for (pair, position) in zip(pairs, positions) {
                            try builder.addTermPair(field: field, first: UInt32(pair >> 32), second: UInt32(pair & 0xFFFF_FFFF),
                                                    position: position)
                        }
                    }
                }
                try builder.finishDocument(stored: [StoredField(name: "n", value: "\(round)")], fieldLengths: [300, 300])
            }
            return builder
        }
        let reference = try build(runs: false, direct: false)
        XCTAssertEqual(streams(try build(runs: true, direct: true)), streams(reference))
        XCTAssertEqual(streams(try build(runs: true, direct: false)), streams(reference))
        XCTAssertEqual(streams(try build(runs: false, direct: true)), streams(reference))
        XCTAssertGreaterThan(reference.buffer.sortedTermIndices().count, 60)
    }

    func testTermPairRunsAreChecked() throws {
        let builder = SegmentBuilder()
        let title = try builder.fieldNumber(for: "title")
        let body = try builder.fieldNumber(for: "body")
        let pair = [UInt64(0) << 32 | 1]
        let position: [UInt32] = [3]
        func run(_ field: UInt8, _ pairs: [UInt64], _ positions: [UInt32]) throws {
            try pairs.withUnsafeBufferPointer { pairs in
                try positions.withUnsafeBufferPointer { try builder.addTermPairs(field: field, pairs: pairs, positions: $0) }
            }
        }
        XCTAssertThrowsError(try run(title, pair, position))  // outside a document
        try builder.beginDocument()
        _ = try Array("a".utf8).withUnsafeBufferPointer { first in
            try Array("b".utf8).withUnsafeBufferPointer { try builder.addOccurrencePairGivingIDs(field: title, first: first, second: $0, position: 0) }
        }
        XCTAssertThrowsError(try run(body, pair, position))  // terms of another field
        XCTAssertThrowsError(try run(title, pair + [UInt64(2) << 32], position + [4]))  // no term 2
        XCTAssertThrowsError(try run(title, pair, []))  // counts differ
        XCTAssertNoThrow(try run(title, pair + [UInt64(1) << 32], position + [4]))
    }
}
