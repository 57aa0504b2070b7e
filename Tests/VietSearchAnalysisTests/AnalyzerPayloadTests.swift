import XCTest
import VietSearchAnalysis
import VietSearchTestSupport

/// Payloads kept beside cached spellings (`StreamingAnalyzer.analyze(_:chunkBytes:payloadChannel:known:
/// token:pieceEnd:)`): every token must reach the caller exactly once and in order, either with its keys
/// (`token`) or as the payload the caller returned for an earlier token of the same spelling in the same
/// channel (`known`), across channels, `forgetPayloads()`, pieces and the cache being emptied and
/// refilled. The reference is `VietnameseAnalyzer.analyze` of the same text.
final class AnalyzerPayloadTests: XCTestCase {
    /// One token as the caller sees it: position and keys.
    private struct Seen: Equatable {
        var position: Int
        var keys: String
    }

    private func texts() -> [String] {
        let common = ["Đảng", "viên", "chi", "bộ", "cơ", "sở", "giáo", "dục", "TỈNH", "nhân", "dân", "2024", "người",
                      "Hoà", "hòa", "QS-QP", "23điểm", "kỹ", "thuỷ", "Thủy", "e\u{301}", "13/09/2022", "trong", "TRONG",
                      "Huy", "MY", "my", "tay", "ly", "Nguyễn", "Ư", "ngày"]
        let letters = Array("abcdeghiklmnopqrstuvxy")
        var rare: [String] = []  // more distinct cached spellings than the cache holds
        for first in letters { for second in letters { for third in letters.prefix(20) { rare.append("đ\(first)\(second)\(third)") } } }
        var random = SeededGenerator(seed: 11)
        var result: [String] = []
        for text in 0..<60 {
            var words: [String] = []
            for _ in 0..<(50 + random.next(below: 400)) {
                words.append(random.next(below: 3) == 0 && text % 4 == 1 ? rare[random.next(below: rare.count)]
                                                                         : common[random.next(below: common.count)])
            }
            result.append(words.joined(separator: random.next(below: 5) == 0 ? ", " : " "))
        }
        return result
    }

    func testEveryTokenArrivesOnceInOrderWithItsKeysOrItsPayload() {
        let reference = VietnameseAnalyzer()
        let analyzer = StreamingAnalyzer()
        var nextPayload: UInt64 = 1  // never reused, so a stale payload finds nothing
        var registries: [[UInt64: String]] = Array(repeating: [:], count: 3)
        var knownCount = 0
        var tokenCount = 0
        for (number, text) in texts().enumerated() {
            if number % 9 == 8 {
                analyzer.forgetPayloads()
                registries = Array(repeating: [:], count: 3)
            }
            let channel = number % 3
            var seen: [Seen] = []
            var pieceEnds = 0
            let positionCount = analyzer.analyze(text, chunkBytes: number % 2 == 0 ? 1 << 30 : 97,
                                                 payloadChannel: UInt8(channel), known: { payloads, positions in
                XCTAssertEqual(payloads.count, positions.count)
                for (payload, position) in zip(payloads, positions) {
                    guard let keys = registries[channel][payload] else {
                        return XCTFail("text \(number): payload \(payload) was not given in channel \(channel)")
                    }
                    seen.append(Seen(position: Int(position), keys: keys))
                    knownCount += 1
                }
            }, token: { token in
                let keys = String(decoding: token.exact, as: UTF8.self) + "|" + String(decoding: token.folded, as: UTF8.self)
                seen.append(Seen(position: token.position, keys: keys))
                tokenCount += 1
                guard token.keyID >= 0 else { return StreamingAnalyzer.noPayload }
                let payload = nextPayload
                nextPayload += 1
                registries[channel][payload] = keys
                return payload
            }, pieceEnd: { pieceEnds += 1 })
            let wanted = reference.analyze(text)
            XCTAssertEqual(positionCount, wanted.positionCount, "text \(number)")
            XCTAssertEqual(seen, wanted.tokens.map { Seen(position: $0.position, keys: "\($0.exact)|\($0.folded)") },
                           "text \(number)")
            XCTAssertGreaterThan(pieceEnds, 0)
        }
        // Most tokens are known spellings; the others include every first sighting per channel.
        XCTAssertGreaterThan(knownCount, 2 * tokenCount)
    }

    /// Without a payload channel nothing is known: every token comes with its keys.
    func testTheAnalyserWithoutPayloadsGivesEveryTokenItsKeys() {
        let analyzer = StreamingAnalyzer()
        var count = 0
        for _ in 0..<2 {
            _ = analyzer.analyze("trong trong người người 2024", chunkBytes: 1 << 30, token: { _ in count += 1 }, pieceEnd: {})
        }
        XCTAssertEqual(count, 10)
    }
}
