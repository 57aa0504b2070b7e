import XCTest
@testable import VietSearchQuery
import VietSearchTestSupport

final class QueryParserTests: XCTestCase {
    private func parsed(_ query: String, _ op: DefaultOperator = .or) throws -> String {
        try QueryParser(defaultOperator: op).parse(query).description
    }

    private func assertError(_ query: String, column: Int, containing fragment: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try QueryParser().parse(query), file: file, line: line) { error in
            guard let parseError = error as? QueryParseError else {
                return XCTFail("expected QueryParseError, got \(error)", file: file, line: line)
            }
            XCTAssertEqual(parseError.column, column, "\(parseError)", file: file, line: line)
            XCTAssertTrue(parseError.message.contains(fragment), parseError.message, file: file, line: line)
        }
    }

    func testBareTermsUseTheDefaultOperator() throws {
        XCTAssertEqual(try parsed("dang vien"), "dang vien")
        XCTAssertEqual(try parsed("dang vien", .and), "+dang +vien")
        XCTAssertEqual(try parsed("dang"), "dang")
        XCTAssertEqual(try QueryParser().parse("dang"), .term(field: nil, text: "dang"))
    }

    func testExplicitOperatorsAndPrecedence() throws {
        XCTAssertEqual(try parsed("a AND b"), "+a +b")
        XCTAssertEqual(try parsed("a OR b"), "a b")
        XCTAssertEqual(try parsed("a OR b", .and), "a b")
        XCTAssertEqual(try parsed("a AND b OR c"), "(+a +b) c")
        XCTAssertEqual(try parsed("a OR b AND c"), "a (+b +c)")
        XCTAssertEqual(try parsed("a b OR c", .and), "(+a +b) c")
        XCTAssertEqual(try parsed("a AND b c"), "(+a +b) c")
        XCTAssertEqual(try parsed("(a OR b) AND c"), "+(a b) +c")
    }

    /// Words are cut from the query's scalars and re-encoded: multi-byte letters, decomposed marks and
    /// scalars outside the BMP must come back byte for byte, and only exact `AND`/`OR`/`NOT` are operators.
    func testWordsKeepTheirExactTextAndOnlyWholeOperatorsAreOperators() throws {
        let decomposed = "Vie\u{0323}\u{0302}t"
        XCTAssertEqual(try QueryParser().parse(decomposed), .term(field: nil, text: decomposed))
        XCTAssertEqual(try QueryParser().parse("  đảng😀 "), .term(field: nil, text: "đảng😀"))
        XCTAssertEqual(try QueryParser().parse("tiêu_đề:Hà"), .term(field: nil, text: "tiêu_đề:Hà"))
        XCTAssertEqual(try QueryParser().parse("title:Hà"), .term(field: "title", text: "Hà"))
        XCTAssertEqual(try QueryParser().parse("\"Hà  Nội\"~2"), .phrase(field: nil, text: "Hà  Nội", slop: 2))
        XCTAssertEqual(try parsed("ANDY OR NOTE"), "ANDY NOTE")
        XCTAssertEqual(try parsed("AN ORB NO N"), "AN ORB NO N")
        XCTAssertEqual(try parsed("a NOT b", .and), "+a -b")
    }

    func testLowercaseKeywordsAreTerms() throws {
        XCTAssertEqual(try parsed("a and b or c not d"), "a and b or c not d")
        XCTAssertEqual(try parsed("And"), "And")
    }

    func testModifiers() throws {
        XCTAssertEqual(try parsed("a -b +c"), "a -b +c")
        XCTAssertEqual(try parsed("NOT x"), "-x")
        XCTAssertEqual(try parsed("-x"), "-x")
        XCTAssertEqual(try parsed("+x"), "x")
        XCTAssertEqual(try parsed("a NOT b"), "a -b")
        XCTAssertEqual(try parsed("a AND NOT b"), "+a -b")
        XCTAssertEqual(try parsed("a AND -b OR c"), "(+a -b) c")
        XCTAssertEqual(try parsed("+(a b) -c"), "+(a b) -c")
        XCTAssertEqual(try QueryParser().parse("NOT x"), .boolean([QueryClause(.mustNot, .term(field: nil, text: "x"))]))
    }

    func testHyphensAndDotsInsideWordsStayInTheWord() throws {
        XCTAssertEqual(try QueryParser().parse("QS-QP"), .term(field: nil, text: "QS-QP"))
        XCTAssertEqual(try QueryParser().parse("TP.HCM"), .term(field: nil, text: "TP.HCM"))
        XCTAssertEqual(try QueryParser().parse("10:30"), .term(field: nil, text: "10:30"))
        XCTAssertEqual(try QueryParser().parse("13/09/2022"), .term(field: nil, text: "13/09/2022"))
    }

    func testPhrases() throws {
        XCTAssertEqual(try QueryParser().parse("\"đảng viên\""), .phrase(field: nil, text: "đảng viên", slop: 0))
        XCTAssertEqual(try QueryParser().parse("\"đảng viên\"~2"), .phrase(field: nil, text: "đảng viên", slop: 2))
        XCTAssertEqual(try parsed("a \"b c\" d"), "a \"b c\" d")
        XCTAssertEqual(try parsed("\"b c\"~3 AND d"), "+\"b c\"~3 +d")
    }

    func testTypographicQuotesMakeAPhraseWhenBalanced() throws {
        XCTAssertEqual(try QueryParser().parse("\u{201C}đảng viên\u{201D}"), .phrase(field: nil, text: "đảng viên", slop: 0))
        XCTAssertEqual(try QueryParser().parse("title:\u{201C}a b\u{201D}~2"), .phrase(field: "title", text: "a b", slop: 2))
        // Without its closing mark the opening one is an ordinary character of the word.
        XCTAssertEqual(try QueryParser().parse("\u{201C}đảng viên"), .boolean([
            QueryClause(.should, .term(field: nil, text: "\u{201C}đảng")), QueryClause(.should, .term(field: nil, text: "viên")),
        ]))
    }

    func testFields() throws {
        XCTAssertEqual(try QueryParser().parse("title:hà"), .term(field: "title", text: "hà"))
        XCTAssertEqual(try QueryParser().parse("title:\"a b\""), .phrase(field: "title", text: "a b", slop: 0))
        XCTAssertEqual(try parsed("title:(a b) c"), "(title:a title:b) c")
        XCTAssertEqual(try QueryParser().parse("body:dan*"), .prefix(field: "body", text: "dan"))
        XCTAssertEqual(try QueryParser().parse("title:a:b"), .term(field: "title", text: "a:b"))
        XCTAssertEqual(try parsed("-title:x"), "-title:x")
    }

    func testPrefix() throws {
        XCTAssertEqual(try QueryParser().parse("dan*"), .prefix(field: nil, text: "dan"))
        XCTAssertEqual(try QueryParser().parse("đả*"), .prefix(field: nil, text: "đả"))
        XCTAssertEqual(try QueryParser().parse("a*b"), .term(field: nil, text: "a*b"))
    }

    func testEmptyQueryIsAnEmptyBoolean() throws {
        XCTAssertEqual(try QueryParser().parse(""), .boolean([]))
        XCTAssertEqual(try QueryParser().parse("   "), .boolean([]))
        XCTAssertEqual(try parsed("(a)"), "a")
    }

    func testErrorsCarryTheColumn() {
        assertError("\"abc", column: 1, containing: "quote")
        assertError("a \"b", column: 3, containing: "quote")
        assertError("(a b", column: 1, containing: "'('")
        assertError("a b)", column: 4, containing: "')'")
        assertError("a AND", column: 3, containing: "AND")
        assertError("AND a", column: 1, containing: "AND")
        assertError("a OR OR b", column: 3, containing: "OR")
        assertError("NOT", column: 1, containing: "NOT")
        assertError("a NOT", column: 3, containing: "NOT")
        assertError("a +", column: 3, containing: "+")
        assertError("a - b", column: 3, containing: "-")
        assertError("*", column: 1, containing: "prefix")
        assertError("title:", column: 1, containing: "title")
        assertError("title: a", column: 1, containing: "title")
        assertError("()", column: 1, containing: "empty")
        assertError("\"a b\"~", column: 6, containing: "~")
        assertError("\"a b\"x", column: 6, containing: "phrase")
        assertError("(a AND)", column: 4, containing: "AND")
    }

    func testColumnsCountCharactersNotScalarsOrBytes() {
        assertError("đảng (", column: 6, containing: "'('")
        // "a" + combining grave is one character: the '(' is the 4th character, the 5th scalar.
        assertError("a\u{0300}b (", column: 4, containing: "'('")
        assertError("Hà Nội)", column: 7, containing: "')'")
    }

    func testNestingLimit() throws {
        let deepest = String(repeating: "(", count: QueryLimits.maxNesting) + "a" + String(repeating: ")", count: QueryLimits.maxNesting)
        XCTAssertEqual(try parsed(deepest), "a")
        let tooDeep = "(" + deepest + ")"
        assertError(tooDeep, column: QueryLimits.maxNesting + 1, containing: "nested")
    }

    func testClauseLimit() throws {
        let most = Array(repeating: "a", count: QueryLimits.maxClauses).joined(separator: " ")
        XCTAssertNoThrow(try QueryParser().parse(most))
        assertError(most + " b", column: most.count + 2, containing: "clauses")
    }

    func testLengthLimit() throws {
        let longest = String(repeating: "a", count: QueryLimits.maxQueryLength)
        XCTAssertNoThrow(try QueryParser().parse(longest))
        assertError(longest + "b", column: QueryLimits.maxQueryLength + 1, containing: "longer")
    }

    func testRandomStringsNeverCrash() {
        let alphabet: [String] = ["a", "b", "đ", "ả", "\u{0301}", " ", " ", "(", ")", "\"", "~", "2", "*", ":",
                                  "+", "-", "AND", "OR", "NOT", "title", ".", "\u{200B}", "\t"]
        var generator = SeededGenerator(seed: 42)
        var parsedCount = 0, rejected = 0
        for _ in 0..<5_000 {
            let length = Int.random(in: 0...14, using: &generator)
            let query = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }.joined()
            for op in [DefaultOperator.or, .and] {
                do {
                    let node = try QueryParser(defaultOperator: op).parse(query)
                    _ = QueryAnalyzer().analyze(node)
                    parsedCount += 1
                } catch let error as QueryParseError {
                    XCTAssertGreaterThanOrEqual(error.column, 1)
                    XCTAssertLessThanOrEqual(error.column, query.count + 1, "\(query): \(error)")
                    rejected += 1
                } catch {
                    XCTFail("unexpected error \(error) for \(query)")
                }
            }
        }
        XCTAssertGreaterThan(parsedCount, 1_000)
        XCTAssertGreaterThan(rejected, 1_000)
    }
}
