import XCTest
import VietSearchAnalysis
import VietSearchQuery
import VietSearchTestSupport
@testable import VietSearchStorage
@testable import VietSearch

/// `DocumentEncoder` adds most tokens by term ids kept as payloads beside the analyser's cached spellings
/// (`TermIDPayloads`, in runs through `addTermPairs`) and
/// the builder writes occurrences straight into its term streams: the builders it fills must hold
/// exactly what adding every token's key bytes from `VietnameseAnalyzer.analyze` gives, across builder
/// switches, a joined (emptied) builder reused, and the analyser's key cache being emptied.
final class EncoderTermIDTests: XCTestCase {
    /// The reference: every token's keys as bytes, through the scratch path, no caches.
    private func referenceEncode(_ document: Document, into builder: SegmentBuilder) throws {
        builder.setDirectOccurrencesForTesting(false)
        let analyzer = VietnameseAnalyzer()
        let idField = try builder.fieldNumber(for: "id")
        var numbers: [UInt8] = []
        for field in document.fields { numbers.append(try builder.fieldNumber(for: field.name)) }
        try builder.beginDocument()
        try Array(document.id.utf8).withUnsafeBufferPointer { try builder.addOccurrence(field: idField, bytes: $0, position: 0) }
        var lengths = [UInt32](repeating: 0, count: Int(max(numbers.max() ?? 0, idField)) + 1)
        var stored = [StoredField(name: "id", value: document.id)]
        for (field, number) in zip(document.fields, numbers) {
            let analyzed = analyzer.analyze(field.value)
            for token in analyzed.tokens {
                let exact = TermKeys.exact(token.exact)
                let folded = TermKeys.folded(token.folded)
                try exact.withUnsafeBufferPointer { first in
                    try folded.withUnsafeBufferPointer { second in
                        try builder.addOccurrencePair(field: number, first: first, second: second,
                                                      position: UInt32(token.position))
                    }
                }
            }
            lengths[Int(number)] = UInt32(analyzed.positionCount)
            stored.append(StoredField(name: field.name, value: field.value))
        }
        try builder.finishDocument(stored: stored, fieldLengths: lengths)
    }

    /// Terms (in dictionary order) with their stream bytes.
    private func contents(_ builder: SegmentBuilder) -> [String] {
        builder.buffer.sortedTermIndices().map { id in
            "\(builder.buffer.termKeys[id]) \(Array(builder.buffer.termStreams.bytes(id)))"
        }
    }

    private func documents(count: Int, seed: UInt64) -> [Document] {
        let words = ["Đảng", "viên", "chi", "bộ", "cơ", "sở", "giáo", "dục", "chính", "trị", "tư", "tưởng", "công",
                     "huyện", "xã", "TỈNH", "nhân", "dân", "phát", "triển", "năm", "2024", "người", "thực", "Hoà",
                     "hòa", "QS-QP", "23điểm", "kỹ", "kĩ", "thuỷ", "Thủy", "e\u{301}", "ngày", "13/09/2022",
                     "trong", "TRONG", "Huy", "MY", "my", "tay", "ly"]
        var random = SeededGenerator(seed: seed)
        func text(_ count: Int) -> String {
            (0..<count).map { _ in words[random.next(below: words.count)] }.joined(separator: random.next(below: 9) == 0 ? ", " : " ")
        }
        return (0..<count).map { Document(id: "d\(seed)-\($0)", title: text(6), body: text(40 + random.next(below: 200))) }
    }

    /// More distinct non-ASCII words than the analyser's key cache holds (it is emptied and refilled),
    /// then common words again.
    private func manyDistinctWords() -> Document {
        let letters = Array("abcdeghiklmnopqrstuvxy")
        var words: [String] = []
        for first in letters { for second in letters { for third in letters.prefix(20) { words.append("đ\(first)\(second)\(third)") } } }
        // ASCII words are cached too (more of them than the cache holds, with and without a final y).
        for first in letters { for second in letters { for third in letters.prefix(12) { words.append("b\(first)\(second)\(third)") } } }
        return Document(id: "many", title: "nhân dân", body: words.joined(separator: " ") + " nhân dân viên chức đảng")
    }

    func testBuildersHoldWhatTheKeyBytesGive() throws {
        let encoder = DocumentEncoder()
        let batches = [documents(count: 30, seed: 1), documents(count: 12, seed: 2), documents(count: 20, seed: 3),
                       [manyDistinctWords()] + documents(count: 15, seed: 4), documents(count: 10, seed: 5)]
        let first = SegmentBuilder(), second = SegmentBuilder()
        let referenceFirst = SegmentBuilder(), referenceSecond = SegmentBuilder()
        // first, second, first again, then second is joined into first (emptied) and filled again.
        let targets: [(SegmentBuilder, SegmentBuilder)] = [(first, referenceFirst), (second, referenceSecond),
                                                            (first, referenceFirst)]
        for (batch, (builder, reference)) in zip(batches, targets) {
            for document in batch {
                _ = try encoder.encode(document, into: builder)
                try referenceEncode(document, into: reference)
            }
        }
        XCTAssertEqual(contents(first), contents(referenceFirst))
        XCTAssertEqual(contents(second), contents(referenceSecond))
        try first.append(second)
        try referenceFirst.append(referenceSecond)
        for document in batches[3] + batches[4] {
            _ = try encoder.encode(document, into: second)
            try referenceEncode(document, into: referenceSecond)
        }
        XCTAssertEqual(contents(first), contents(referenceFirst))
        XCTAssertEqual(contents(second), contents(referenceSecond))
        XCTAssertEqual(second.documentCount, 26)
        XCTAssertGreaterThan(second.buffer.terms.count, 9_000)
    }
}
