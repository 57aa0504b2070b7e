import XCTest
@testable import VietSearchQuery

final class QueryAnalyzerTests: XCTestCase {
    private func analyzed(_ query: String) throws -> AnalyzedQuery {
        QueryAnalyzer().analyze(try QueryParser().parse(query))
    }

    private func e(_ text: String) -> [UInt8] { TermKeys.exact(text) }
    private func f(_ text: String) -> [UInt8] { TermKeys.folded(text) }

    func testASCIIWordsUseFoldedKeysAndMarkedWordsExactKeys() throws {
        XCTAssertEqual(try analyzed("dang"), .term(label: "dang", field: nil, key: f("dang")))
        XCTAssertEqual(try analyzed("Đảng"), .term(label: "Đảng", field: nil, key: e("đảng")))
        XCTAssertEqual(try analyzed("DANG"), .term(label: "DANG", field: nil, key: f("dang")))
        // The exact key has its tone on the main vowel, whichever style was typed.
        XCTAssertEqual(try analyzed("hòa"), .term(label: "hòa", field: nil, key: e("hoà")))
        XCTAssertEqual(try analyzed("title:ủy"), .term(label: "title:ủy", field: "title", key: e("uỷ")))
        // NFD input gives the same key.
        XCTAssertEqual(try analyzed("Đa\u{0309}ng"), .term(label: "Đa\u{0309}ng", field: nil, key: e("đảng")))
    }

    func testJoinedAbbreviationIsASingleTerm() throws {
        XCTAssertEqual(try analyzed("TP.HCM"), .term(label: "TP.HCM", field: nil, key: f("tphcm")))
        XCTAssertEqual(try analyzed("QS-QP"), .term(label: "QS-QP", field: nil, key: f("qsqp")))
    }

    func testAWordThatSplitsBecomesAPhrase() throws {
        XCTAssertEqual(try analyzed("23điểm"), .phrase(label: "23điểm", field: nil, keys: [f("23"), e("điểm")], slop: 0))
    }

    func testPunctuationOnlyWordsAreDropped() throws {
        XCTAssertEqual(try analyzed("..."), .nothing)
        XCTAssertEqual(try analyzed("mưa ..."), .boolean([AnalyzedClause(.should, .term(label: "mưa", field: nil, key: e("mưa")))]))
        XCTAssertEqual(try analyzed("\"...\""), .nothing)
    }

    func testPhrases() throws {
        XCTAssertEqual(try analyzed("\"đảng viên\"~1"),
                       .phrase(label: "\"đảng viên\"~1", field: nil, keys: [e("đảng"), e("viên")], slop: 1))
        XCTAssertEqual(try analyzed("\"dang viên\""),
                       .phrase(label: "\"dang viên\"", field: nil, keys: [f("dang"), e("viên")], slop: 0))
        XCTAssertEqual(try analyzed("\"viên\""), .term(label: "\"viên\"", field: nil, key: e("viên")))
        // Joined forms are left out of phrases: the parts carry the positions.
        XCTAssertEqual(try analyzed("\"tại TP.HCM\""),
                       .phrase(label: "\"tại TP.HCM\"", field: nil, keys: [e("tại"), f("tp"), f("hcm")], slop: 0))
    }

    func testPrefixes() throws {
        XCTAssertEqual(try analyzed("dan*"), .prefix(label: "dan*", field: nil, prefix: f("dan")))
        XCTAssertEqual(try analyzed("Đả*"), .prefix(label: "Đả*", field: nil, prefix: e("đả")))
        XCTAssertEqual(try analyzed("body:thờ*"), .prefix(label: "body:thờ*", field: "body", prefix: e("thờ")))
    }

    func testBooleanStructureIsKept() throws {
        XCTAssertEqual(try analyzed("+a -b"), .boolean([AnalyzedClause(.must, .term(label: "a", field: nil, key: f("a"))),
                                                       AnalyzedClause(.mustNot, .term(label: "b", field: nil, key: f("b")))]))
    }
}
