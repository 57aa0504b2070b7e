import XCTest
import VietSearchAnalysis

/// Token boundaries, positions, offsets and abbreviation forms (VIETNAMESE.md §6). Expected values are
/// written by hand from the spec.
final class TokenizationTests: XCTestCase {
    private let analyzer = VietnameseAnalyzer()

    private func texts(_ input: String) -> [String] {
        analyzer.analyze(input).tokens.map(\.text)
    }

    private func exacts(_ input: String) -> [String] {
        analyzer.analyze(input).tokens.map(\.exact)
    }

    func testSyllablesGetConsecutivePositions() {
        let result = analyzer.analyze("Đảng ủy quân sự")
        XCTAssertEqual(result.tokens.map(\.text), ["Đảng", "ủy", "quân", "sự"])
        XCTAssertEqual(result.tokens.map(\.position), [0, 1, 2, 3])
        XCTAssertEqual(result.positionCount, 4)
    }

    func testEmptyAndPunctuationOnlyTextGiveNoTokens() {
        XCTAssertEqual(analyzer.analyze("").positionCount, 0)
        XCTAssertEqual(analyzer.analyze("").tokens, [])
        XCTAssertEqual(analyzer.analyze(" … “” – — ,.;").tokens, [])
    }

    func testDigitGroupsStayWhole() {
        XCTAssertEqual(texts("Ngày 13/09/2022 lúc 09:24 giá 2.500.000 đồng tăng 3,5% năm 2020-2021"),
                       ["Ngày", "13/09/2022", "lúc", "09:24", "giá", "2.500.000", "đồng", "tăng", "3,5", "năm",
                        "2020-2021"])
    }

    func testTrailingSeparatorIsNotPartOfToken() {
        XCTAssertEqual(texts("năm 2022. Sau đó, 15, 16"), ["năm", "2022", "Sau", "đó", "15", "16"])
    }

    func testCodesStayWhole() {
        XCTAssertEqual(exacts("U23 H5N1 4G F5"), ["u23", "h5n1", "4g", "f5"])
    }

    func testDigitsGluedToVietnameseWordSplit() {
        let result = analyzer.analyze("đạt 23điểm")
        XCTAssertEqual(result.tokens.map(\.text), ["đạt", "23", "điểm"])
        XCTAssertEqual(result.tokens.map(\.position), [0, 1, 2])
        XCTAssertEqual(result.tokens.map(\.start), [0, 7, 9])  // đạt is 6 bytes
    }

    func testHyphenatedAbbreviationGivesPartsAndJoinedForm() {
        let result = analyzer.analyze("QS-QP")
        XCTAssertEqual(result.tokens.map(\.exact), ["qs", "qp", "qsqp"])
        XCTAssertEqual(result.tokens.map(\.position), [0, 1, 1])
        XCTAssertEqual(result.tokens.map(\.isJoinedForm), [false, false, true])
        XCTAssertEqual(result.tokens.map(\.text), ["QS", "QP", "QS-QP"])
        XCTAssertEqual(result.tokens[2].start, 0)
        XCTAssertEqual(result.tokens[2].end, 5)
        XCTAssertEqual(result.positionCount, 2)
    }

    func testDottedAbbreviationGivesPartsAndJoinedForm() {
        let result = analyzer.analyze("tại TP.HCM hôm nay")
        XCTAssertEqual(result.tokens.map(\.exact), ["tại", "tp", "hcm", "tphcm", "hôm", "nay"])
        XCTAssertEqual(result.tokens.map(\.position), [0, 1, 2, 2, 3, 4])
        XCTAssertEqual(result.positionCount, 5)
        XCTAssertEqual(result.tokens[3].text, "TP.HCM")
    }

    func testOtherHyphenatedWordsSplit() {
        XCTAssertEqual(texts("a-lô Pa-ri Covid-19"), ["a", "lô", "Pa", "ri", "Covid", "19"])
        XCTAssertFalse(analyzer.analyze("a-lô Covid-19").tokens.contains(where: \.isJoinedForm))
    }

    func testQuotesBracketsAndDashesSeparate() {
        XCTAssertEqual(texts("“cấp ủy” ‘x’ «y» \"z\" 'w' (HĐND) [a] {b} c–d e—f"),
                       ["cấp", "ủy", "x", "y", "z", "w", "HĐND", "a", "b", "c", "d", "e", "f"])
    }

    func testAbbreviationsOfInitialsWithDStroke() {
        let result = analyzer.analyze("Quyết định số 1989/QĐ-BGDĐT")
        XCTAssertEqual(result.tokens.map(\.exact), ["quyết", "định", "số", "1989", "qđ", "bgdđt", "qđbgdđt"])
        XCTAssertEqual(result.tokens.last?.folded, "qdbgddt")
        XCTAssertEqual(result.tokens.map(\.position), [0, 1, 2, 3, 4, 5, 5])
    }

    func testAllCapsWordsWithTonesAreNotAbbreviations() {
        let result = analyzer.analyze("HÀ NỘI-VIỆT NAM")
        XCTAssertEqual(result.tokens.map(\.exact), ["hà", "nội", "việt", "nam"])
        XCTAssertFalse(result.tokens.contains(where: \.isJoinedForm))
    }

    func testMixedCaseDottedWordsSplitWithoutJoinedForm() {
        XCTAssertEqual(exacts("Tp.HCM vnexpress.net a@b.vn"), ["tp", "hcm", "vnexpress", "net", "a", "b", "vn"])
    }

    func testUnicodeHyphensJoinAbbreviations() {
        XCTAssertEqual(exacts("QS\u{2010}QP"), ["qs", "qp", "qsqp"])
    }

    func testDoubledConnectorsSeparate() {
        XCTAssertEqual(texts("1..2 a--b 3//4 https://x.vn"), ["1", "2", "a", "b", "3", "4", "https", "x", "vn"])
    }

    func testNumberGroupsGluedToAWordKeepTheirDigits() {
        XCTAssertEqual(texts("giá 2.500.000đồng, phí 5.000đ và 2,5triệu"),
                       ["giá", "2.500.000", "đồng", "phí", "5.000", "đ", "và", "2,5", "triệu"])
        XCTAssertEqual(texts("điểm23.5 1.23điểm"), ["điểm", "23.5", "1.23", "điểm"])
        // ASCII units stay glued as codes, so only the last group joins them (a documented limit).
        XCTAssertEqual(texts("1.5km 3.đây"), ["1", "5km", "3", "đây"])
    }

    func testApostrophesSeparate() {
        XCTAssertEqual(exacts("l'État don’t"), ["l", "état", "don", "t"])
    }

    func testEmailAndURLSplitAtPunctuation() {
        XCTAssertEqual(exacts("toasoan@qdnd.vn https://www.qdnd.vn/chinh-tri/tin-tuc?id=12"),
                       ["toasoan", "qdnd", "vn", "https", "www", "qdnd", "vn", "chinh", "tri", "tin", "tuc", "id", "12"])
    }
}
