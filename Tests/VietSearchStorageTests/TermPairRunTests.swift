import XCTest
import VietSearchTestSupport
@testable import VietSearchStorage

/// `addTermPairs` on the direct path records a run in one loop (`TermStreams.addOccurrencePairs`) and
/// patches the frequencies at the document's end (`TermStreams.finishTouchedTerms`): the stream bytes
/// must be the format's (worked out by hand here) and the same as pairs added one by one on the scratch
/// path, also for multi-byte doc deltas, frequencies and positions, pairs naming one term twice, and
/// runs cut short by a wrong id.
final class TermPairRunTests: XCTestCase {
    private typealias Pair = (first: UInt32, second: UInt32)

    private func streams(_ builder: SegmentBuilder) -> [String] {
        builder.buffer.sortedTermIndices().map { "\(builder.buffer.termKeys[$0]) \(Array(builder.buffer.termStreams.bytes($0)))" }
    }

    private func intern(_ builder: SegmentBuilder, _ field: UInt8, _ exact: String, _ folded: String,
                        at position: UInt32) throws -> Pair {
        try Array(exact.utf8).withUnsafeBufferPointer { first in
            try Array(folded.utf8).withUnsafeBufferPointer { second in
                try builder.addOccurrencePairGivingIDs(field: field, first: first, second: second, position: position)
            }
        }
    }

    private func addRun(_ builder: SegmentBuilder, _ field: UInt8, _ pairs: [UInt64], _ positions: [UInt32]) throws {
        try pairs.withUnsafeBufferPointer { pairs in
            try positions.withUnsafeBufferPointer { try builder.addTermPairs(field: field, pairs: pairs, positions: $0) }
        }
    }

    private static func packed(_ pair: Pair) -> UInt64 { UInt64(pair.first) << 32 | UInt64(pair.second) }

    /// Doc 0 interns a and b; docs 1–149 are empty; doc 150 has a at positions 0…199 (position 100 twice:
    /// counted once) and b at 20,000, added as runs.
    func testRunsWriteMultiByteDeltasFrequenciesAndPositions() throws {
        let builder = SegmentBuilder()
        let body = try builder.fieldNumber(for: "body")
        try builder.beginDocument()
        let a = try intern(builder, body, "ea", "fa", at: 0)
        let b = try intern(builder, body, "eb", "fb", at: 1)
        try builder.finishDocument(stored: [], fieldLengths: [2])
        for _ in 1..<150 {
            try builder.beginDocument()
            try builder.finishDocument(stored: [], fieldLengths: [0])
        }
        try builder.beginDocument()
        var pairs: [UInt64] = []
        var positions: [UInt32] = []
        for position: UInt32 in 0..<200 {
            pairs.append(Self.packed(a))
            positions.append(position)
            if position == 100 {
                pairs.append(Self.packed(a))
                positions.append(position)
            }
        }
        pairs.append(Self.packed(b))
        positions.append(20_000)
        try addRun(builder, body, Array(pairs[0..<150]), Array(positions[0..<150]))
        try addRun(builder, body, Array(pairs[150...]), Array(positions[150...]))
        try builder.finishDocument(stored: [], fieldLengths: [20_001])

        // a: doc 0, tf 1, position 0; doc delta 150 (0x96 0x01), tf 200 (0xC8 0x01), position 0, 199 gaps of 1.
        let aStream: [UInt8] = [0, 1, 0, 0x96, 0x01, 0xC8, 0x01, 0] + [UInt8](repeating: 1, count: 199)
        // b: doc 0, tf 1, position 1; doc delta 150, tf 1, position 20,000 (0xA0 0x9C 0x01).
        let bStream: [UInt8] = [0, 1, 1, 0x96, 0x01, 1, 0xA0, 0x9C, 0x01]
        let stream = { (term: UInt32) in Array(builder.buffer.termStreams.bytes(Int(term))) }
        XCTAssertEqual(stream(a.first), aStream)
        XCTAssertEqual(stream(a.second), aStream)
        XCTAssertEqual(stream(b.first), bStream)
        XCTAssertEqual(stream(b.second), bStream)
    }

    /// Random runs over a small vocabulary, with pairs naming one term twice, repeated positions, long
    /// documents (frequencies of 128 and more), terms absent for many documents, positions going back
    /// mid-run and a wrong id mid-run (the document is then abandoned, as the indexer does): the same
    /// streams as the pairs one by one on the scratch path.
    func testRandomRunsGiveWhatSinglePairsGiveOnTheScratchPath() throws {
        func build(runs: Bool) throws -> SegmentBuilder {
            let builder = SegmentBuilder()
            builder.setDirectOccurrencesForTesting(runs)
            let body = try builder.fieldNumber(for: "body")
            var random = SeededGenerator(seed: 2_026_1124)
            var runLengths = SeededGenerator(seed: 11)  // its own generator: the documents are the same either way
            var vocabulary: [Pair] = []
            try builder.beginDocument()
            for word in 0..<12 {
                vocabulary.append(try intern(builder, body, "e\(word)", "f\(word % 4)", at: UInt32(word)))
            }
            try builder.finishDocument(stored: [], fieldLengths: [12])
            let wrong = UInt64(vocabulary[0].first) << 32 | 9_999
            for doc in 1..<400 {
                try builder.beginDocument()
                var pairs: [UInt64] = []
                var positions: [UInt32] = []
                var position = UInt32(random.next(below: 300))
                // Most documents use words 0–5 only; every 150th also words 6–11 (doc deltas above 127).
                let words = doc % 150 == 0 ? vocabulary.count : 6
                for index in 0..<(random.next(below: 10) == 0 ? 900 : 1 + random.next(below: 40)) {
                    let word = vocabulary[random.next(below: words)]
                    switch random.next(below: 20) {
                    case 0: pairs.append(UInt64(word.first) << 32 | UInt64(word.first))  // one term twice
                    case 1: pairs.append(UInt64(word.second) << 32 | UInt64(word.first))
                    default: pairs.append(Self.packed(word))
                    }
                    positions.append(position)
                    if doc % 37 == 5 && index == 20 { position /= 2 } else { position += UInt32(random.next(below: 3)) }
                }
                let wrongAt = doc % 41 == 7 ? pairs.count / 2 : nil
                if let wrongAt { pairs[wrongAt] = wrong }
                do {
                    if runs {
                        var start = 0
                        while start < pairs.count {
                            let end = min(pairs.count, start + 1 + runLengths.next(below: 60))
                            try addRun(builder, body, Array(pairs[start..<end]), Array(positions[start..<end]))
                            start = end
                        }
                    } else {
                        for (pair, position) in zip(pairs, positions) {
                            try builder.addTermPair(field: body, first: UInt32(pair >> 32),
                                                    second: UInt32(pair & 0xFFFF_FFFF), position: position)
                        }
                    }
                    XCTAssertNil(wrongAt, "doc \(doc): the wrong id was accepted")
                    try builder.finishDocument(stored: [], fieldLengths: [position + 1])
                } catch {
                    XCTAssertNotNil(wrongAt, "doc \(doc): \(error)")
                    builder.abandonDocument()
                }
            }
            return builder
        }
        let reference = try build(runs: false)
        XCTAssertEqual(streams(try build(runs: true)), streams(reference))
        XCTAssertEqual(reference.buffer.sortedTermIndices().count, 16)  // 12 exact keys, 4 folded
    }
}
