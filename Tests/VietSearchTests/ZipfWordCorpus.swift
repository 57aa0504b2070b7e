import XCTest
@testable import VietSearch
import VietSearchQuery

/// Random corpora for the pruning tests that compare against exhaustive scoring: bodies of Zipf-like
/// Vietnamese words (the first words in most bodies, the last in few) mixed with filler words, and short
/// titles that hold the words rarely (short lists with high bounds).
struct ZipfWordCorpus {
    static let words = ["đảng", "viên", "xây", "dựng", "công", "tác", "giáo", "dục", "người", "dân",
                        "nước", "hiếm", "lạ", "xa"]

    /// A body has 5 to 4 + `bodyLengthSpread` words.
    var bodyLengthSpread: Int
    /// One body word in `fillerOneIn` is a filler ("chữN") instead of a Zipf word.
    var fillerOneIn: Int

    func documents(count: Int, seed: UInt64) -> [Document] {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        // Word w drawn with weight ~1/(w+1).
        func word() -> String {
            let rank = next(Self.words.count) * next(Self.words.count + 1) / Self.words.count
            return Self.words[Swift.min(rank, Self.words.count - 1)]
        }
        return (0..<count).map { number in
            let title = (0..<(2 + next(6))).map { _ in next(5) == 0 ? word() : "tin\(next(80))" }
            let body = (0..<(5 + next(bodyLengthSpread))).map { _ in next(fillerOneIn) == 0 ? "chữ\(next(400))" : word() }
            return Document(id: "doc\(number)", title: title.joined(separator: " "), body: body.joined(separator: " "))
        }
    }
}

extension FacadeTestCase {
    /// A query engine over `corpus`'s documents: one segment, or (`segmented`) many small unmerged ones
    /// with every `deletingEvery`-th document from `deletingFrom` on deleted.
    func engine(over corpus: ZipfWordCorpus, documents: Int, seed: UInt64, segmented: Bool,
                deletingFrom: Int, deletingEvery: Int) throws -> QueryEngine {
        var configuration = IndexConfiguration(memoryBudget: segmented ? 512 << 10 : 64 << 20)
        if segmented { configuration.mergePolicy = nil }
        let index = Index.inMemory(configuration: configuration)
        try self.index(corpus.documents(count: documents, seed: seed), into: index)
        if segmented {
            let writer = try index.writer()
            for number in stride(from: deletingFrom, to: documents, by: deletingEvery) {
                XCTAssertTrue(try writer.delete(id: "doc\(number)"))
            }
            try writer.commit()
            writer.close()
        }
        let manifest = try index.store.readManifest()
        return QueryEngine(segments: try manifest.segments.map { try index.store.openSegment($0) })
    }
}
