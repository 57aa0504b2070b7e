import XCTest
@testable import VietSearch
import VietSearchQuery
import VietSearchAnalysis

/// The snapshot-wide cache of spelling frequencies (`.vietnamese` expansion and restoration) must not
/// change any answer, and repeated words must not be looked up again.
final class DocumentFrequencyCacheTests: FacadeTestCase {
    private func engine(_ index: Index) throws -> QueryEngine {
        let manifest = try index.store.readManifest()
        return QueryEngine(segments: try manifest.segments.map { try index.store.openSegment($0) })
    }

    func testCachedAnswersEqualFreshOnesAndRepeatsAddNoLookups() throws {
        let index = Index.inMemory()
        try self.index([Document(id: "a", title: "đảng viên gương mẫu", body: "công tác đảng viên"),
                        Document(id: "b", title: "đang học", body: "học sinh đang đến trường"),
                        Document(id: "c", title: "dang dở", body: "viện nghiên cứu"),
                        Document(id: "d", title: "kinh tế", body: "đảng bộ và viên chức")], into: index)
        var options = QueryOptions(limit: 10)
        options.scoring = .vietnamese(.measuredDefault)
        options.suggest = true
        let cached = try engine(index)
        XCTAssertEqual(cached.frequencyCache.count, 0)
        _ = try cached.search("đang vien", options: options)
        let first = try cached.search("dang vien", options: options)
        let entries = cached.frequencyCache.count
        let lists = cached.frequencyCache.spellingListCount
        let bound = cached.lookupCache.count
        let pairs = cached.frequencyCache.pairEntryCount
        XCTAssertGreaterThan(pairs, 0, "restoring two bare words counts their candidate pairs")
        XCTAssertGreaterThan(entries, 0, "expansion and restoration look spellings up")
        XCTAssertGreaterThan(lists, 0, "restoration lists the spellings of each bare word")
        XCTAssertGreaterThan(bound, 0, "binding looks keys up")
        let again = try cached.search("dang vien", options: options)
        XCTAssertEqual(cached.frequencyCache.count, entries, "a repeated query looks nothing up again")
        XCTAssertEqual(cached.frequencyCache.spellingListCount, lists)
        XCTAssertEqual(cached.lookupCache.count, bound, "a repeated query binds from the cache")
        XCTAssertEqual(cached.frequencyCache.pairEntryCount, pairs, "and counts no pair again")
        let fresh = try engine(index).search("dang vien", options: options)
        for result in [first, again] {
            XCTAssertFalse(result.hits.isEmpty)
            XCTAssertEqual(result.hits.map(\.doc), fresh.hits.map(\.doc))
            XCTAssertEqual(result.hits.map(\.score.bitPattern), fresh.hits.map(\.score.bitPattern))
            XCTAssertEqual(result.totalHits, fresh.totalHits)
            XCTAssertEqual(result.suggestion, fresh.suggestion)
        }
        XCTAssertEqual(fresh.suggestion, "đảng viên")
    }

    /// Expanding a marked word folds it (analysis) once per snapshot; the kept form must be the one
    /// analysis gives and change no answer.
    func testFoldedFormsAreKeptAndEqualAnalysis() throws {
        let index = Index.inMemory()
        try self.index([Document(id: "a", title: "đảng viên gương mẫu", body: "Đảng bộ"),
                        Document(id: "b", title: "đang học", body: "dang dở")], into: index)
        var options = QueryOptions(limit: 10)
        options.scoring = .vietnamese(.measuredDefault)
        let cached = try engine(index)
        XCTAssertEqual(cached.frequencyCache.foldedFormCount, 0)
        let first = try cached.search("đảng viên", options: options)
        let forms = cached.frequencyCache.foldedFormCount
        XCTAssertGreaterThan(forms, 0, "expansion folds each marked word")
        XCTAssertEqual(cached.frequencyCache.folded(of: "đảng"), VietnameseAnalyzer().analyze("đảng").tokens.first?.folded)
        XCTAssertEqual(cached.frequencyCache.folded(of: "đảng"), "dang")
        let again = try cached.search("đảng viên", options: options)
        XCTAssertEqual(cached.frequencyCache.foldedFormCount, forms, "a repeated word is not folded again")
        let fresh = try engine(index).search("đảng viên", options: options)
        for result in [first, again] {
            XCTAssertFalse(result.hits.isEmpty)
            XCTAssertEqual(result.hits.map(\.doc), fresh.hits.map(\.doc))
            XCTAssertEqual(result.hits.map(\.score.bitPattern), fresh.hits.map(\.score.bitPattern))
            XCTAssertEqual(result.totalHits, fresh.totalHits)
        }
    }
}
