import XCTest
@testable import VietSearch
@testable import VietSearchQuery
import VietSearchStorage

/// Queries over many segments must answer exactly as over one merged segment of the same documents, and
/// the snapshot-level shortcuts that keep them cheap (spellings probed only until the folded key's
/// occurrences are accounted for, per-snapshot caches) must not change any answer.
final class MultiSegmentQueryTests: FacadeTestCase {
    private static let words = ["đảng", "đang", "dang", "đáng", "dáng", "đăng", "viên", "viện", "vien", "việt",
                                "người", "ngươi", "nguội", "công", "cống", "cong", "tác", "tắc", "học", "hóa",
                                "hoá", "xây", "dựng", "dung", "dùng", "phố", "nước", "nuoc", "bản", "bán", "ban"]

    /// Skewed draws from `words`, so common spellings have long lists and rare ones a few documents.
    private func corpus(documents: Int, seed: UInt64) -> [Document] {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func word() -> String {
            let draw = next(1_000)
            return Self.words[draw * draw * Self.words.count / 1_000_000]
        }
        return (0..<documents).map { number in
            let title = (0..<(1 + next(5))).map { _ in word() }.joined(separator: " ")
            let body = (0..<(3 + next(40))).map { _ in word() }.joined(separator: " ")
            return Document(id: "doc\(number)", title: title, body: body)
        }
    }

    /// Several segments (no merge policy, a small budget), with deletes: every 9th document, and the only
    /// document holding `dạng`, so that spelling's term is in its segment's dictionary with no live document.
    private func segmentedIndex() throws -> Index {
        var configuration = IndexConfiguration(memoryBudget: 256 << 10)
        configuration.mergePolicy = nil
        let index = Index.inMemory(configuration: configuration)
        var documents = corpus(documents: 1_500, seed: 0x5eed)
        documents[3] = Document(id: "doc3", title: "dạng đảng", body: "dạng viên")
        try self.index(documents, into: index)
        try index.write { writer in
            for number in stride(from: 0, to: 1_500, by: 9) { try writer.delete(id: "doc\(number)") }
            try writer.delete(id: "doc3")
        }
        return index
    }

    private func segments(_ index: Index) throws -> [SegmentReader] {
        try index.store.readManifest().segments.map { try index.store.openSegment($0) }
    }

    /// The spellings of `folded` by brute force: every marked variant looked up in every field of every
    /// segment (what `IndexVocabulary` did before it stopped early).
    private func probedSpellings(_ folded: String, segments: [SegmentReader], fields: [String],
                                 typed: String?) throws -> [(key: String, frequency: UInt64)] {
        var found: [(key: String, frequency: UInt64)] = []
        for spelling in MarkVariants.spellings(of: folded) {
            if let typed, !MarkVariants.isCompatible(typed: typed, candidate: spelling) { continue }
            var frequency: UInt64 = 0
            for segment in segments {
                for field in fields {
                    guard let number = segment.fieldNumber(named: field),
                          let info = try segment.termInfo(field: number, term: TermKeys.exact(spelling)) else { continue }
                    frequency += UInt64(info.documentFrequency)
                }
            }
            guard frequency > 0, VietnameseQueryExpander.fold(spelling) == folded else { continue }
            found.append((spelling, frequency))
        }
        return found.sorted { $0.frequency != $1.frequency ? $0.frequency > $1.frequency : $0.key < $1.key }
    }

    func testSpellingsEqualProbingEveryVariantEverywhere() throws {
        let index = try segmentedIndex()
        let segments = try segments(index)
        XCTAssertGreaterThan(segments.count, 3, "the test wants several segments")
        let typedWords: [String?] = [nil, "đang", "đảng", "viên", "vien", "ngươi", "cong", "bán"]
        for fields in [["title", "body"], ["body"], ["title"]] {
            let shared = DocumentFrequencyCache()
            // Binding's cache of per-segment infos: the folded keys' infos are kept and read back there.
            let lookups = TermLookupCache()
            for folded in ["dang", "vien", "viet", "nguoi", "cong", "tac", "hoa", "dung", "ban", "xay", "absent"] {
                for typed in typedWords where typed.map({ VietnameseQueryExpander.fold($0) == folded }) ?? true {
                    let expected = try probedSpellings(folded, segments: segments, fields: fields, typed: typed)
                    // Alone, and through shared caches that already hold other words' and forms' lists.
                    for cache in [nil, shared] {
                        var vocabulary = IndexVocabulary(segments: segments, fields: fields, shared: cache,
                                                         lookups: cache == nil ? nil : lookups)
                        let found = try vocabulary.spellings(folded: folded, compatibleWith: typed,
                                                             fold: VietnameseQueryExpander.fold)
                        let label = "\(folded) typed \(typed ?? "-") in \(fields)"
                        XCTAssertEqual(found.map(\.key), expected.map(\.key), label)
                        XCTAssertEqual(found.map(\.frequency), expected.map(\.frequency), label)
                    }
                }
            }
            XCTAssertGreaterThan(lookups.count, 0, "folded keys' infos are kept for binding")
        }
        // The deleted-only spelling is in a dictionary but must not be listed.
        var vocabulary = IndexVocabulary(segments: segments, fields: ["title", "body"])
        let dang = try vocabulary.spellings(folded: "dang", compatibleWith: nil, fold: VietnameseQueryExpander.fold)
        XCTAssertFalse(dang.contains { $0.key == "dạng" })
        XCTAssertTrue(dang.contains { $0.key == "đảng" })
    }

    /// Spelling lists are kept per snapshot: a commit that adds a spelling is seen by a new searcher, and
    /// the old searcher keeps answering from its own commit.
    func testSpellingsAreKeptPerSnapshot() throws {
        let index = Index.inMemory()
        try self.index([Document(id: "a", title: "đảng viên", body: "đảng viên gương mẫu"),
                        Document(id: "b", title: "đảng bộ", body: "công tác đảng")], into: index)
        var options = SearchOptions(limit: 10)
        options.scoring = .bm25
        let before = try index.searcher()
        XCTAssertEqual(try before.search("dang", options: options).suggestion, "đảng")
        try self.index((0..<5).map { Document(id: "n\($0)", title: "dáng đi", body: "dáng người dáng vẻ") }, into: index)
        let after = try index.searcher()
        XCTAssertEqual(try after.search("dang", options: options).suggestion, "dáng")
        XCTAssertEqual(try before.search("dang", options: options).suggestion, "đảng", "the old snapshot's list")
    }

    /// The same documents in several segments (with deletes) and merged into one: the same hits, scores,
    /// suggestions, and totals wherever both are exact, for every scoring and threshold.
    func testSegmentedIndexAnswersAsTheMergedOne() throws {
        let segmented = try segmentedIndex()
        XCTAssertGreaterThan(try segments(segmented).count, 3)
        let merged = try segmentedIndex()
        try merged.forceMerge(maxSegments: 1)
        XCTAssertEqual(try segments(merged).count, 1)
        let queries = ["đảng", "dang", "vien", "viên", "đang vien", "dang vien", "người OR công", "nuoc OR phố OR dung",
                       "đảng AND viên", "dang AND vien", "\"xây dựng\"", "\"dang vien\"", "title:đảng OR body:viên",
                       "ban", "bán hóa", "cong tac"]
        let many = try segmented.searcher(), one = try merged.searcher()
        var compared = 0
        for scoring in ScoringModel.allCases {
            for (limit, threshold) in [(10, 1_000), (10, 50), (100, Int.max), (1, 0)] {
                var options = SearchOptions(limit: limit)
                options.scoring = scoring
                options.totalHitsThreshold = threshold
                for query in queries {
                    let label = "\(query) \(scoring) top-\(limit) threshold \(threshold)"
                    let a = try many.search(query, options: options), b = try one.search(query, options: options)
                    XCTAssertEqual(a.map(\.id), b.map(\.id), label)
                    XCTAssertEqual(a.map(\.score.bitPattern), b.map(\.score.bitPattern), label)
                    XCTAssertEqual(a.suggestion, b.suggestion, label)
                    if a.totalHitsIsExact && b.totalHitsIsExact { XCTAssertEqual(a.totalHits, b.totalHits, label) }
                    XCTAssertGreaterThanOrEqual(a.totalHits, Swift.min(a.count, limit), label)
                    compared += a.count
                }
            }
        }
        XCTAssertGreaterThan(compared, 500)
    }
}
