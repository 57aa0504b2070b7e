import XCTest
@testable import VietSearch

/// `.vietnamese` scoring (README "Ranking"): exact before folded, partial marks, adjacency, restoration;
/// and `.bm25` stays the v1 formula.
final class VietnameseRankingTests: FacadeTestCase {
    private func options(_ scoring: ScoringModel, limit: Int = 10, explain: Bool = false) -> SearchOptions {
        var options = SearchOptions(limit: limit, explain: explain)
        options.scoring = scoring
        return options
    }

    private func search(_ query: String, _ index: Index, _ scoring: ScoringModel = .vietnamese) throws -> [String] {
        try index.searcher().search(query, options: options(scoring)).map(\.id)
    }

    func testExactMatchOutranksFoldedOnlyMatch() throws {
        try forEachStore { index, store in
            // The folded-only document is shorter and repeats the words: BM25 on folded keys alone prefers it.
            try self.index([Document(id: "exact", title: "", body: "Bản đồ hành chính các tỉnh phía bắc năm nay"),
                            Document(id: "folded", title: "", body: "bán độ, bán độ"),
                            Document(id: "other", title: "", body: "thời tiết")], into: index)
            XCTAssertEqual(try self.search("bản đồ", index), ["exact", "folded"], store)
            XCTAssertEqual(try self.search("bán độ", index), ["folded", "exact"], store)
            // bm25 matches the exact keys only.
            XCTAssertEqual(try self.search("bản đồ", index, .bm25), ["exact"], store)
            // Unaccented: folded keys, both documents.
            XCTAssertEqual(Set(try self.search("ban do", index)), ["exact", "folded"], store)
        }
    }

    func testFoldedWeightIsVisibleInExplanation() throws {
        try forEachStore { index, store in
            try self.index([Document(id: "1", title: "", body: "bán độ")], into: index)
            var options = self.options(.vietnamese, explain: true)
            options.foldedWeight = 0.25
            let hit = try XCTUnwrap(try index.searcher().search("bản", options: options).first, store)
            let components = try XCTUnwrap(hit.explanation?.components, store)
            XCTAssertEqual(components.map(\.keyKind), ["folded"], store)
            XCTAssertEqual(components.first?.boost ?? 0, 0.25, accuracy: 1e-12, store)  // body boost 1 × w
            XCTAssertEqual(components.reduce(0) { $0 + $1.score }, hit.score, accuracy: 1e-9, store)
        }
    }

    func testPartialMarksPreferCompatibleSpellings() throws {
        try forEachStore { index, store in
            try self.index([Document(id: "dang", title: "", body: "dáng viện"),
                            Document(id: "đảng", title: "", body: "đảng viên"),
                            Document(id: "other", title: "", body: "viên gạch")], into: index)
            // `đang` asks for đ: `đảng` keeps every typed mark, `dáng` does not.
            XCTAssertEqual(try self.search("đang vien", index).first, "đảng", store)
            XCTAssertEqual(try self.search("dáng vien", index).first, "dang", store)
            // An explicit tone is a typed mark too: `đáng` is not compatible with `đảng`.
            let explained = try index.searcher().search("đáng", options: self.options(.vietnamese, explain: true))
            XCTAssertEqual(explained.first?.explanation?.components.map(\.keyKind), ["folded"], store)
        }
    }

    func testAdjacencyPutsThePhraseFirst() throws {
        try forEachStore { index, store in
            try self.index([Document(id: "apart", title: "", body: "viên chức đang làm"),
                            Document(id: "phrase", title: "", body: "Hội nghị đảng viên mới của chi bộ phường"),
                            Document(id: "none", title: "", body: "bầu cử")], into: index)
            XCTAssertEqual(try self.search("dang vien", index), ["phrase", "apart"], store)
            // Plain BM25 has no notion of adjacency: the shorter document wins.
            XCTAssertEqual(try self.search("dang vien", index, .bm25), ["apart", "phrase"], store)
            // No adjacency weights: the bonus is gone.
            var flat = self.options(.vietnamese)
            flat.adjacencyWeight = 0
            XCTAssertEqual(try index.searcher().search("dang vien", options: flat).map(\.id), ["apart", "phrase"], store)
        }
    }

    func testRestorationFromIndexStatistics() throws {
        try forEachStore { index, store in
            try self.index([Document(id: "1", title: "", body: "Tôi đang đọc, anh đang viết, chị đang nghe."),
                            Document(id: "2", title: "", body: "Công tác xây dựng đảng và đảng viên."),
                            Document(id: "3", title: "", body: "Xây dựng nhà, đang xây nhà.")], into: index)
            let searcher = try index.searcher()
            // `đang` is the most frequent spelling of `dang`, but `đảng` follows `dựng` and precedes `viên`.
            XCTAssertEqual(try searcher.search("dang", options: self.options(.vietnamese)).suggestion, "đang", store)
            XCTAssertEqual(try searcher.search("dang vien", options: self.options(.vietnamese)).suggestion, "đảng viên", store)
            XCTAssertEqual(try searcher.search("xay dung dang", options: self.options(.vietnamese)).suggestion,
                           "xây dựng đảng", store)
            XCTAssertEqual(try searcher.search("Xay dung", options: self.options(.bm25)).suggestion, "Xây dựng", store)
            // Nothing to restore: typed marks, unknown words, syntax.
            XCTAssertNil(try searcher.search("đảng viên", options: self.options(.vietnamese)).suggestion, store)
            XCTAssertNil(try searcher.search("zzz", options: self.options(.vietnamese)).suggestion, store)
            XCTAssertNil(try searcher.search("\"dang vien\"", options: self.options(.vietnamese)).suggestion, store)
            var off = self.options(.vietnamese)
            off.suggest = false
            XCTAssertNil(try searcher.search("dang vien", options: off).suggestion, store)
        }
    }

    func testBM25ModeIsTheV1Formula() throws {
        try forEachStore { index, store in
            try self.index([Document(id: "a", title: "Đảng", body: "đảng viên đang"),
                            Document(id: "b", title: "", body: "dang dở")], into: index)
            let hits = try index.searcher().search("đảng viên", options: self.options(.bm25, explain: true)).hits
            XCTAssertEqual(hits.map(\.id), ["a"], store)
            let components = try XCTUnwrap(hits.first?.explanation?.components, store)
            // One component per (clause, field, key), exact keys only, field boosts unchanged.
            XCTAssertEqual(components.map(\.key), ["đảng", "đảng", "viên"], store)
            XCTAssertEqual(components.map(\.boost), [2, 1, 1], store)
            // N = 2, n = 1 for every key: idf = ln(1 + 1.5/1.5) = ln 2; title dl 1 avgdl 0.5, body dl 3 avgdl 2.5.
            let idf = log(2.0)
            let title = 2 * idf * 1 / (1 + 1.2 * (0.25 + 0.75 * 1 / 0.5))
            let body = idf * 1 / (1 + 1.2 * (0.25 + 0.75 * 3 / 2.5))
            XCTAssertEqual(hits[0].score, title + 2 * body, accuracy: 1e-12, store)
        }
    }

    func testTypingResidueIsDecodedOnlyWithoutPostings() throws {
        try forEachStore { index, store in
            try self.index([Document(id: "party", title: "", body: "Đảng viên gương mẫu"),
                            Document(id: "litre", title: "", body: "một lít nước")], into: index)
            XCTAssertEqual(try self.search("ddangr", index), ["party"], store)
            XCTAssertEqual(try self.search("d9a3ng vieen", index), ["party"], store)
            XCTAssertEqual(try self.search("list", index), ["litre"], store)
            // bm25 never decodes.
            XCTAssertEqual(try self.search("ddangr", index, .bm25), [], store)
            // A plain token with postings is taken as typed: `list` no longer reaches `lít`.
            try self.index([Document(id: "english", title: "", body: "the list command")], into: index)
            XCTAssertEqual(try self.search("list", index), ["english"], store)
            // A code is not residue.
            XCTAssertEqual(try self.search("h5n1", index), [], store)
        }
    }

    func testExcludedWordsExcludeOnlyTheirSpellings() throws {
        try forEachStore { index, store in
            try self.index([Document(id: "map", title: "", body: "bản đồ thành phố"),
                            Document(id: "fix", title: "", body: "bán độ bóng đá thành phố")], into: index)
            XCTAssertEqual(try self.search("thành phố -bản", index), ["fix"], store)
            XCTAssertEqual(try self.search("thành phố -bán", index), ["map"], store)
            XCTAssertEqual(try self.search("thành phố -ban", index), [], store)
            XCTAssertEqual(try self.search("+thành +phố", index).count, 2, store)
        }
    }

    func testSegmentsDoNotChangeVietnameseScores() throws {
        let set = try RelevanceSet(directory: RelevanceSet.fixtureDirectory)
        let documents = Array(set.documents.prefix(30))
        let single = Index.inMemory()
        try self.index(documents, into: single)
        let split = Index.inMemory(memoryBudget: 20_000)
        try self.index(documents, into: split)
        XCTAssertGreaterThan(try split.statistics().segments, 1)
        for query in ["dang vien", "đang vien", "bản đồ", "tệp tai lieu", "cấp uy -dang", "ddangr", "tep"] {
            let one = try single.searcher().search(query, options: options(.vietnamese))
            let many = try split.searcher().search(query, options: options(.vietnamese))
            XCTAssertEqual(one.map(\.id), many.map(\.id), query)
            XCTAssertEqual(one.totalHits, many.totalHits, query)
            XCTAssertEqual(one.suggestion, many.suggestion, query)
            for (a, b) in zip(one, many) { XCTAssertEqual(a.score, b.score, accuracy: 1e-9 * max(1, a.score), query) }
        }
    }

    func testDeleteByQueryNeverReachesFoldedLookAlikes() throws {
        try forEachStore { index, store in
            try self.index([Document(id: "sell", title: "", body: "bán hàng"),
                            Document(id: "map", title: "", body: "bản đồ"),
                            Document(id: "shoot", title: "", body: "bắn súng")], into: index)
            XCTAssertEqual(Set(try self.search("bán", index)), ["sell", "map", "shoot"], store)  // folded, for less
            let writer = try index.writer()
            defer { writer.close() }
            XCTAssertEqual(try writer.delete(query: "bán"), 1, store)
            try writer.commit()
            XCTAssertEqual(Set(try self.search("ban", index)), ["map", "shoot"], store)
        }
    }

    func testInvalidWeightsAreRejected() throws {
        let searcher = try Index.inMemory().searcher()
        var options = SearchOptions()
        options.foldedWeight = 1
        assertThrows(try searcher.search("a", options: options), .invalidArgument("foldedWeight must be >= 0 and < 1 (got 1.0)"))
        options = SearchOptions()
        options.adjacencyWeight = -1
        assertThrows(try searcher.search("a", options: options),
                     .invalidArgument("adjacencyWeight must be a finite number >= 0 (got -1.0)"))
    }
}
