import XCTest
import VietSearch
@testable import vietsearch

/// The CLI's snippet formatting without a process: bold on a terminal, brackets otherwise, ellipses.
final class SnippetPrinterTests: XCTestCase {
    private let snippet = Snippet(field: "body", text: "cho cán bộ, đảng viên.\ttrẻ",
                                  highlights: [(15, 22), (23, 28)], characterHighlights: [(12, 16), (17, 21)],
                                  byteOffset: 12, startsAtFieldStart: false, endsAtFieldEnd: false)

    func testTerminalGetsBoldAndPipesGetBrackets() {
        XCTAssertEqual(SnippetPrinter.text([snippet], indent: "  ", terminal: true),
                       "  …cho cán bộ, \u{1B}[1mđảng\u{1B}[0m \u{1B}[1mviên\u{1B}[0m. trẻ…\n")
        XCTAssertEqual(SnippetPrinter.text([snippet], indent: "", terminal: false), "…cho cán bộ, [đảng] [viên]. trẻ…\n")
    }

    func testFieldLabelAndNoEllipsisAtEdgesOrAfterAFullStop() {
        var title = snippet
        title.field = "title"
        title.text = "Đảng viên."
        title.highlights = [(0, 7)]
        title.characterHighlights = [(0, 4)]
        title.startsAtFieldStart = true
        XCTAssertEqual(SnippetPrinter.text([title], indent: "", terminal: false), "title: [Đảng] viên.\n")
    }

    func testJSONCarriesBothOffsetKinds() {
        XCTAssertEqual(SnippetPrinter.json([snippet]).encoded,
                       "[{\"field\": \"body\", \"text\": \"cho cán bộ, đảng viên.\\ttrẻ\", \"offset\": 12, "
                       + "\"highlights\": [[15, 22], [23, 28]], \"char_highlights\": [[12, 16], [17, 21]]}]")
    }
}
