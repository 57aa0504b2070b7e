import XCTest
@testable import VietSearch

final class SearchTests: FacadeTestCase {
    private let news = [
        Document(id: "party", title: "Đảng viên gương mẫu", body: "Cấp ủy họp bàn công tác phát triển đảng viên mới."),
        Document(id: "weather", title: "Thời tiết Hà Nội", body: "Mưa to, cấp uỷ phường trực chiến chống ngập."),
        Document(id: "split", title: "Viên chức", body: "Viên chức và đảng bộ cơ sở tham gia hội nghị."),
        Document(id: "sport", title: "Bóng đá U23", body: "Đội tuyển U23 thắng 2-0 tại TP.HCM ngày 13/09/2022."),
        Document(id: "dan", title: "Dân số", body: "Dân cư đông đúc, dẫn đầu cả nước."),
    ]

    func testUnaccentedQueryFindsAccentedText() throws {
        try forEachStore { index, store in
            try self.index(news, into: index)
            XCTAssertEqual(try self.ids("\"dang vien\"", in: index), ["party"], store)
            XCTAssertEqual(try self.ids("\u{201C}đảng viên\u{201D}", in: index), ["party"], store)
            XCTAssertEqual(try self.ids("dang vien", in: index).first, "party", store)
            XCTAssertTrue(try self.ids("dang vien", in: index).contains("split"), store)
        }
    }

    func testToneStylesMatchEachOther() throws {
        try forEachStore { index, store in
            try self.index(news, into: index)
            // "cấp uỷ" (main-vowel style) finds both "Cấp ủy" and "cấp uỷ"; so does the old style and ASCII.
            for query in ["\"cấp uỷ\"", "\"cấp ủy\"", "\"cap uy\"", "\"CẤP ỦY\""] {
                XCTAssertEqual(Set(try self.ids(query, in: index)), ["party", "weather"], "\(store) \(query)")
            }
        }
    }

    func testAccentedQueryMatchesExactKeysOnly() throws {
        try forEachStore { index, store in
            try self.index(news, into: index)
            XCTAssertEqual(try self.ids("dân", in: index), ["dan"], store)
            XCTAssertEqual(try self.ids("dẫn", in: index), ["dan"], store)
            XCTAssertEqual(try self.ids("đảng", in: index), ["party", "split"], store)
            XCTAssertEqual(try self.ids("dang", in: index).count, 2, store)
        }
    }

    func testPhraseRequiresAdjacency() throws {
        try forEachStore { index, store in
            try self.index([Document(id: "adjacent", title: "", body: "đảng viên mới"),
                            Document(id: "apart", title: "", body: "viên chức và đảng")], into: index)
            XCTAssertEqual(Set(try self.ids("đảng viên", in: index)), ["adjacent", "apart"], store)
            XCTAssertEqual(try self.ids("\"đảng viên\"", in: index), ["adjacent"], store)
            XCTAssertEqual(try self.ids("\"viên đảng\"", in: index), [], store)
            // Slop: "viên chức và đảng" has "viên … đảng" with two extra words between.
            XCTAssertEqual(try self.ids("\"viên đảng\"~1", in: index), [], store)
            XCTAssertEqual(try self.ids("\"viên đảng\"~2", in: index), ["apart"], store)
        }
    }

    func testBooleanOperators() throws {
        try forEachStore { index, store in
            try self.index(news, into: index)
            XCTAssertEqual(try self.ids("viên AND chức", in: index), ["split"], store)
            XCTAssertEqual(Set(try self.ids("mưa OR bóng", in: index)), ["weather", "sport"], store)
            XCTAssertEqual(Set(try self.ids("cấp uỷ", in: index)), ["party", "weather"], store)
            XCTAssertEqual(try self.ids("cấp uỷ NOT mưa", in: index), ["party"], store)
            XCTAssertEqual(try self.ids("cấp uỷ -mưa", in: index), ["party"], store)
            XCTAssertEqual(try self.ids("cấp +mưa", in: index), ["weather"], store)
            XCTAssertEqual(try self.ids("-mưa", in: index), [], store)
            XCTAssertEqual(try self.ids("(mưa OR bóng) AND u23", in: index), ["sport"], store)
            XCTAssertEqual(Set(try self.ids("viên chức", in: index, options: SearchOptions(limit: 10, defaultOperator: .or))),
                           ["party", "split"], store)
            XCTAssertEqual(try self.ids("viên chức", in: index, options: SearchOptions(limit: 10, defaultOperator: .and)),
                           ["split"], store)
        }
    }

    func testFieldQueries() throws {
        try forEachStore { index, store in
            try self.index(news, into: index)
            XCTAssertEqual(Set(try self.ids("title:viên", in: index)), ["party", "split"], store)
            XCTAssertEqual(try self.ids("body:\"đảng viên\"", in: index), ["party"], store)
            XCTAssertEqual(try self.ids("title:mưa", in: index), [], store)
            XCTAssertEqual(try self.ids("nosuchfield:mưa", in: index), [], store)
        }
    }

    func testPrefixQueries() throws {
        try forEachStore { index, store in
            try self.index(news, into: index)
            XCTAssertEqual(Set(try self.ids("dan*", in: index)), ["party", "split", "dan"], store)
            XCTAssertEqual(try self.ids("dâ*", in: index), ["dan"], store)
            XCTAssertEqual(try self.ids("title:thờ*", in: index), ["weather"], store)
        }
    }

    func testCodesNumbersAndAbbreviations() throws {
        try forEachStore { index, store in
            try self.index(news, into: index)
            XCTAssertEqual(try self.ids("u23", in: index), ["sport"], store)
            XCTAssertEqual(try self.ids("13/09/2022", in: index), ["sport"], store)
            XCTAssertEqual(try self.ids("TP.HCM", in: index), ["sport"], store)
            XCTAssertEqual(try self.ids("tphcm", in: index), ["sport"], store)
            XCTAssertEqual(try self.ids("...", in: index), [], store)
            XCTAssertEqual(try self.ids("mưa ...", in: index), ["weather"], store)
        }
    }

    func testTiesFollowDocumentOrderAcrossSegments() throws {
        try forEachStore(configuration: IndexConfiguration(memoryBudget: 1)) { index, store in
            let twins = (0..<6).map { Document(id: "twin\($0)", title: "song sinh", body: "giống hệt") }
            try self.index(Array(twins[0..<3]), into: index)
            try self.index(Array(twins[3...]), into: index)
            let results = try index.searcher().search("song sinh", options: SearchOptions(limit: 4))
            XCTAssertEqual(results.totalHits, 6, store)
            XCTAssertEqual(results.map(\.id), ["twin0", "twin1", "twin2", "twin3"], store)
            XCTAssertEqual(Set(results.map(\.score)).count, 1, store)
        }
    }

    func testLimitAndTotalHits() throws {
        try forEachStore { index, store in
            try self.index(news, into: index)
            let results = try index.searcher().search("cấp", options: SearchOptions(limit: 1))
            XCTAssertEqual(results.totalHits, 2, store)
            XCTAssertEqual(results.count, 1, store)
            XCTAssertEqual(try index.searcher().search("cấp", options: SearchOptions(limit: 0)).totalHits, 2, store)
            XCTAssertEqual(try index.searcher().search("").totalHits, 0, store)
        }
    }

    func testExplanationComponentsSumToTheScore() throws {
        try forEachStore { index, store in
            try self.index(news, into: index)
            var options = SearchOptions(limit: 10, explain: true)
            options.k1 = 1.5
            for query in ["đảng viên", "\"cap uy\" OR mưa", "dan* +viên", "title:viên body:\"đảng viên\"~1"] {
                let results = try index.searcher().search(query, options: options)
                XCTAssertFalse(results.isEmpty, "\(store) \(query)")
                for hit in results {
                    let explanation = try XCTUnwrap(hit.explanation)
                    XCTAssertEqual(explanation.score, hit.score)
                    let sum = explanation.components.reduce(0) { $0 + $1.score }
                    XCTAssertEqual(sum, hit.score, accuracy: 1e-9 * max(1, hit.score), "\(store) \(query) \(hit.id)")
                    for component in explanation.components {
                        XCTAssertEqual(component.k1, 1.5)
                        XCTAssertEqual(component.b, 0.75)
                        let norm = component.avgdl > 0 ? 1 - component.b + component.b * component.dl / component.avgdl : 1
                        let expected = component.boost * component.idf * component.tf / (component.tf + component.k1 * norm)
                        XCTAssertEqual(component.score, expected, accuracy: 1e-12)
                    }
                }
            }
            let plain = try index.searcher().search("đảng viên")
            XCTAssertNil(plain.first?.explanation, store)
        }
    }

    func testExplanationNamesClauseFieldAndKey() throws {
        try forEachStore { index, store in
            try self.index([Document(id: "1", title: "Cấp ủy", body: "cấp uỷ họp")], into: index)
            // The v1 formula: one component per (clause, field, key) (VietnameseRankingTests covers `.vietnamese`).
            var explained = SearchOptions(explain: true)
            explained.scoring = .bm25
            let hit = try XCTUnwrap(try index.searcher().search("uy", options: explained).first)
            let components = try XCTUnwrap(hit.explanation).components
            XCTAssertEqual(components.map(\.field), ["title", "body"], store)
            XCTAssertEqual(components.map(\.key), ["uy", "uy"], store)
            XCTAssertEqual(components.map(\.keyKind), ["folded", "folded"], store)
            XCTAssertEqual(components.map(\.boost), [2, 1], store)
            XCTAssertEqual(components.map(\.clause), ["uy", "uy"], store)
            let exact = try XCTUnwrap(try index.searcher().search("ủy", options: explained).first)
            XCTAssertEqual(exact.explanation?.components.map(\.key), ["uỷ", "uỷ"], store)
            XCTAssertEqual(exact.explanation?.components.map(\.keyKind), ["exact", "exact"], store)
            let phrase = try XCTUnwrap(try index.searcher().search("\"cấp uy\"", options: explained).first)
            let parts = try XCTUnwrap(phrase.explanation).components
            XCTAssertEqual(parts.map(\.clause), ["\"cấp uy\"", "\"cấp uy\""], store)
            XCTAssertEqual(parts.map(\.key), ["cấp uy", "cấp uy"], store)
            XCTAssertEqual(parts.map(\.keyKind), ["mixed", "mixed"], store)
            XCTAssertEqual(parts.map(\.tf), [1, 1], store)
            XCTAssertEqual(parts.map(\.dl), [2, 3], store)
        }
    }

    func testMalformedQueriesAndOptionsGiveTypedErrors() throws {
        let index = Index.inMemory()
        try self.index(news, into: index)
        let searcher = try index.searcher()
        assertThrows(try searcher.search("(đảng viên"), .queryParse(column: 1, message: "unbalanced '(': it is never closed"))
        XCTAssertThrowsError(try searcher.search("đảng \"viên")) { error in
            guard case .queryParse(let column, _) = error as? VietSearchError else { return XCTFail("\(error)") }
            XCTAssertEqual(column, 6)
        }
        assertThrows(try searcher.search("a", options: SearchOptions(limit: -1)), .invalidArgument("limit must be >= 0 (got -1)"))
        var badB = SearchOptions()
        badB.b = 2
        XCTAssertThrowsError(try searcher.search("a", options: badB))
        var badK1 = SearchOptions()
        badK1.k1 = .nan
        XCTAssertThrowsError(try searcher.search("a", options: badK1))
        var twice = SearchOptions()
        twice.fields = [FieldBoost(field: "title", boost: 1), FieldBoost(field: "title", boost: 2)]
        assertThrows(try searcher.search("a", options: twice),
                     .invalidArgument("a field is listed twice in the searched fields"))
        var negative = SearchOptions()
        negative.fields = [FieldBoost(field: "title", boost: -1)]
        XCTAssertThrowsError(try searcher.search("a", options: negative))
        var custom = SearchOptions()
        custom.fields = [FieldBoost(field: "body", boost: 3)]
        let bodyOnly = try searcher.search("viên", options: custom)
        XCTAssertEqual(Set(bodyOnly.map(\.id)), ["party", "split"])
        XCTAssertEqual(try searcher.search("gương", options: custom).totalHits, 0, "title is not searched")
    }
}
