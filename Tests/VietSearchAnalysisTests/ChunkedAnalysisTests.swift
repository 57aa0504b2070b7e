import XCTest
import VietSearchAnalysis
import VietSearchTestSupport

/// `analyze(_:chunkBytes:_:)` cuts where no token can cross, so its tokens are those of `analyze`.
final class ChunkedAnalysisTests: XCTestCase {
    func testChunkedAnalysisEqualsWholeAnalysis() {
        let pieces = ["Đảng viên", "QS-QP", "2.500.000đồng", "13/09/2022", "U23", "l'État", "cấp uỷ", "HĐND",
                      "e-mail: a.b@c.vn", "Ðảng", "Hoà", "23điểm", "…", "\u{301}a", "kỹ thuật", "quy", "A-lô", "\n\n"]
        var random = SeededGenerator(seed: 5)
        var text = ""
        for _ in 0..<4_000 {
            text += pieces[random.next(below: pieces.count)]
            text += [" ", ", ", ". ", "-", "/", "\t", ""][random.next(below: 7)]
        }
        let analyzer = VietnameseAnalyzer()
        let whole = analyzer.analyze(text)
        for chunkBytes in [1, 7, 100, 4_096, 1 << 20] {
            var tokens: [Token] = []
            var calls = 0
            let positions = analyzer.analyze(text, chunkBytes: chunkBytes) { piece in
                tokens += piece
                calls += 1
            }
            XCTAssertEqual(positions, whole.positionCount, "chunk \(chunkBytes)")
            XCTAssertEqual(tokens, whole.tokens, "chunk \(chunkBytes)")
            if chunkBytes <= 100 { XCTAssertGreaterThan(calls, 100) }
        }
    }
}
