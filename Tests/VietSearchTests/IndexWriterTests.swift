import Foundation
import XCTest
@testable import VietSearch

final class IndexWriterTests: FacadeTestCase {
    func testAddCommitSearchAndStoredFields() throws {
        try forEachStore { index, store in
            try self.index([Document(id: "d1", title: "Đảng viên", body: "Công tác giáo dục"),
                            Document(id: "d2", title: "Thời tiết", body: "Mưa to ở Hà Nội")], into: index)
            let searcher = try index.searcher()
            XCTAssertEqual(searcher.documentCount, 2, store)
            XCTAssertEqual(searcher.generation, 1, store)
            let results = try searcher.search("giáo dục")
            XCTAssertEqual(results.totalHits, 1, store)
            XCTAssertEqual(results.first?.id, "d1", store)
            XCTAssertEqual(results.first?["title"], "Đảng viên", store)
            XCTAssertEqual(results.first?["body"], "Công tác giáo dục", store)
            XCTAssertEqual(results.first?.fields.map(\.name), ["title", "body"], store)
            XCTAssertEqual(try searcher.document(id: "d2"),
                           Document(id: "d2", title: "Thời tiết", body: "Mưa to ở Hà Nội"), store)
            XCTAssertNil(try searcher.document(id: "nope"), store)
        }
    }

    func testReopenedDirectoryIndexKeepsItsDocuments() throws {
        let path = temporaryIndexPath()
        try index([Document(id: "a", title: "Cấp ủy", body: "họp")], into: try Index.open(at: path))
        let reopened = try Index.open(at: path, createIfMissing: false)
        XCTAssertEqual(try ids("cap uy", in: reopened), ["a"])
    }

    func testOpeningAMissingIndexWithoutCreateFails() {
        let path = temporaryIndexPath()
        XCTAssertThrowsError(try Index.open(at: path, createIfMissing: false)) { error in
            guard case .notAnIndex = error as? VietSearchError else { return XCTFail("\(error)") }
        }
    }

    func testDuplicateIDInTheSameBatch() throws {
        try forEachStore { index, _ in
            let writer = try index.writer()
            defer { writer.close() }
            try writer.add(Document(id: "x", title: "một", body: ""))
            self.assertThrows(try writer.add(Document(id: "x", title: "hai", body: "")),
                              .duplicateID(id: "x", source: "document", line: 0))
            XCTAssertEqual(writer.pendingDocuments, 1)
        }
    }

    func testDuplicateIDInAFlushedButUncommittedSegment() throws {
        try forEachStore(configuration: IndexConfiguration(memoryBudget: 1, threads: 1)) { index, store in
            let writer = try index.writer()
            defer { writer.close() }
            try writer.add(Document(id: "x", title: "một", body: ""))
            try writer.add(Document(id: "y", title: "hai", body: ""))
            XCTAssertEqual(writer.pendingSegments, 2, store)
            self.assertThrows(try writer.add(Document(id: "x", title: "ba", body: "")),
                              .duplicateID(id: "x", source: "document", line: 0))
            XCTAssertEqual(writer.pendingDocuments, 2, store)
            try writer.commit()
            XCTAssertEqual(try self.ids("mot hai ba", in: index), ["x", "y"], store)
        }
    }

    func testDuplicateOfACommittedID() throws {
        try forEachStore { index, _ in
            try self.index([Document(id: "x", title: "một", body: "")], into: index)
            let writer = try index.writer()
            defer { writer.close() }
            self.assertThrows(try writer.add(Document(id: "x", title: "hai", body: "")),
                              .duplicateID(id: "x", source: "document", line: 0))
            try writer.add(Document(id: "y", title: "ba", body: ""))
            try writer.commit()
            self.assertThrows(try writer.add(Document(id: "y", title: "bốn", body: "")),
                              .duplicateID(id: "y", source: "document", line: 0))
        }
    }

    func testInvalidDocumentsAreRejected() throws {
        try forEachStore { index, _ in
            let writer = try index.writer()
            defer { writer.close() }
            for bad in [Document(id: "", title: "a", body: "b"),
                        Document(id: "1", fields: [("", "x")]),
                        Document(id: "2", fields: [("id", "x")]),
                        Document(id: "3", fields: [("title", "x"), ("title", "y")])] {
                XCTAssertThrowsError(try writer.add(bad)) { error in
                    guard case .invalidInput(let source, _, _) = error as? VietSearchError else { return XCTFail("\(error)") }
                    XCTAssertEqual(source, "document")
                }
            }
            XCTAssertEqual(writer.pendingDocuments, 0)
        }
    }

    func testRollbackDiscardsUncommittedDocuments() throws {
        try forEachStore(configuration: IndexConfiguration(memoryBudget: 1, threads: 1)) { index, store in
            try self.index([Document(id: "kept", title: "giữ lại", body: "")], into: index)
            let writer = try index.writer()
            defer { writer.close() }
            try writer.add(Document(id: "gone", title: "bỏ đi", body: ""))
            try writer.add(Document(id: "gone2", title: "bỏ đi", body: ""))
            XCTAssertGreaterThan(writer.pendingSegments, 0, store)
            try writer.rollback()
            XCTAssertEqual(writer.pendingDocuments, 0, store)
            XCTAssertEqual(writer.pendingSegments, 0, store)
            try writer.commit()
            XCTAssertEqual(try self.ids("bo di giu lai", in: index), ["kept"], store)
            // The rolled-back id is free again.
            try writer.add(Document(id: "gone", title: "trở lại", body: ""))
            try writer.commit()
            XCTAssertEqual(try self.ids("\"tro lai\"", in: index), ["gone"], store)
        }
    }

    func testRollbackAndCloseDeleteUncommittedSegmentFiles() throws {
        let path = temporaryIndexPath()
        let index = try Index.open(at: path, configuration: IndexConfiguration(memoryBudget: 1, threads: 1))
        try self.index([Document(id: "kept", title: "giữ", body: "")], into: index)
        let committedFiles = Set(try FileManager.default.contentsOfDirectory(atPath: path))
        let writer = try index.writer()
        for number in 0..<3 { try writer.add(Document(id: "tmp\(number)", title: "tạm", body: "")) }
        XCTAssertEqual(writer.pendingSegments, 3)
        XCTAssertGreaterThan(Set(try FileManager.default.contentsOfDirectory(atPath: path)).subtracting(committedFiles).count, 0)
        try writer.rollback()
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: path)), committedFiles)
        try writer.add(Document(id: "tmp9", title: "tạm", body: ""))
        writer.close()
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: path)), committedFiles)
        XCTAssertEqual(try index.searcher().documentCount, 1)
    }

    func testClosingAWriterDiscardsItsBatchAndReleasesTheLock() throws {
        try forEachStore { index, store in
            let writer = try index.writer()
            try writer.add(Document(id: "a", title: "chưa lưu", body: ""))
            writer.close()
            XCTAssertThrowsError(try writer.add(Document(id: "b", title: "x", body: "")))
            let second = try index.writer()
            try second.commit()
            second.close()
            XCTAssertEqual(try index.searcher().documentCount, 0, store)
        }
    }

    func testASecondWriterIsLocked() throws {
        try forEachStore { index, store in
            let writer = try index.writer()
            XCTAssertThrowsError(try index.writer(), store) { error in
                guard case .locked = error as? VietSearchError else { return XCTFail("\(error)") }
            }
            writer.close()
            XCTAssertNoThrow(try index.writer().close(), store)
        }
    }

    func testWriterLockAppliesAcrossIndexHandlesOfOneDirectory() throws {
        let path = temporaryIndexPath()
        let first = try Index.open(at: path)
        let writer = try first.writer()
        defer { writer.close() }
        XCTAssertThrowsError(try Index.open(at: path).writer()) { error in
            guard case .locked = error as? VietSearchError else { return XCTFail("\(error)") }
        }
    }

    func testASearcherIsASnapshot() throws {
        try forEachStore { index, store in
            try self.index([Document(id: "1", title: "hà nội", body: "")], into: index)
            let before = try index.searcher()
            try self.index([Document(id: "2", title: "hà nội", body: "")], into: index)
            XCTAssertEqual(try before.search("ha noi").map(\.id), ["1"], store)
            XCTAssertEqual(before.generation, 1, store)
            XCTAssertEqual(try index.searcher().search("ha noi").totalHits, 2, store)
            XCTAssertEqual(try index.searcher().generation, 2, store)
        }
    }

    func testUncommittedDocumentsAreInvisible() throws {
        try forEachStore { index, store in
            let writer = try index.writer()
            defer { writer.close() }
            try writer.add(Document(id: "1", title: "hà nội", body: ""))
            XCTAssertEqual(try index.searcher().search("ha noi").totalHits, 0, store)
            try writer.commit()
            XCTAssertEqual(try index.searcher().search("ha noi").totalHits, 1, store)
        }
    }

    func testSmallMemoryBudgetWritesSeveralSegments() throws {
        var configuration = IndexConfiguration(memoryBudget: 1, threads: 1)
        configuration.mergePolicy = nil  // published as flushed, not merged by the commit
        try forEachStore(configuration: configuration) { index, store in
            let writer = try index.writer()
            defer { writer.close() }
            for number in 0..<5 { try writer.add(Document(id: "\(number)", title: "tin số \(number)", body: "")) }
            XCTAssertEqual(writer.pendingSegments, 5, store)
            try writer.commit()
            let statistics = try index.statistics()
            XCTAssertEqual(statistics.segments, 5, store)
            XCTAssertEqual(statistics.documents, 5, store)
            XCTAssertEqual(try index.check().documents, 5, store)
            XCTAssertEqual(try self.ids("tin", in: index), ["0", "1", "2", "3", "4"], store)
        }
    }

    func testCommitMergesWhatItFlushedAndPublishesOneGeneration() throws {
        for threads in [1, 3] {
            let path = temporaryIndexPath()
            let index = try Index.open(at: path, createIfMissing: true, configuration: IndexConfiguration(memoryBudget: 1, threads: threads))
            let writer = try index.writer()
            defer { writer.close() }
            // One document per flushed segment: 10 flushes, the default segmentsPerTier, merge into one.
            for number in 0..<10 { try writer.add(Document(id: "\(number)", title: "tin số \(number)", body: "")) }
            try writer.commit()
            XCTAssertEqual(writer.pendingSegments, 0)
            let statistics = try index.statistics()
            XCTAssertEqual(statistics.segments, 1, "\(threads) threads")
            XCTAssertEqual(statistics.generation, 1, "\(threads) threads: one commit, one generation")
            XCTAssertEqual(try self.ids("tin", in: index), (0..<10).map { "\($0)" }, "\(threads) threads: input order kept")
            let segmentFiles = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".vss") }
            XCTAssertEqual(segmentFiles.count, 1, "\(threads) threads: no superseded segment left on disk")
            XCTAssertEqual(try index.check().documents, 10)
        }
    }

    func testCommitMergesAtMostSegmentsPerTierFlushedSegmentsAtOnce() throws {
        var configuration = IndexConfiguration(memoryBudget: 1, threads: 1)
        configuration.mergePolicy = MergePolicySettings(segmentsPerTier: 4)
        try forEachStore(configuration: configuration) { index, store in
            let writer = try index.writer()
            defer { writer.close() }
            for number in 0..<10 { try writer.add(Document(id: "\(number)", title: "tin số \(number)", body: "")) }
            XCTAssertEqual(writer.pendingSegments, 10, store)
            try writer.commit()
            // Flushed 10, merged 4 + 4 + 2: three segments, below the tier size, so no further merge.
            let statistics = try index.statistics()
            XCTAssertEqual(statistics.segments, 3, store)
            XCTAssertEqual(statistics.generation, 1, store)
            XCTAssertEqual(try self.ids("tin", in: index), (0..<10).map { "\($0)" }, store)
        }
    }

    func testFlushedSegmentWithPendingDeletesIsMergedOnlyAfterTheCommit() throws {
        try forEachStore(configuration: IndexConfiguration(memoryBudget: 1, threads: 1)) { index, store in
            let writer = try index.writer()
            defer { writer.close() }
            for number in 0..<6 { try writer.add(Document(id: "\(number)", title: "tin số \(number)", body: "")) }
            // "2" is in a flushed segment: replacing it is a pending delete there, which a merge made
            // before publishing would lose.
            try writer.upsert(Document(id: "2", title: "bài thay thế", body: ""))
            try writer.delete(id: "4")
            try writer.commit()
            XCTAssertEqual(try self.ids("tin", in: index), ["0", "1", "3", "5"], store)
            XCTAssertEqual(try self.ids("thay thế", in: index), ["2"], store)
            let statistics = try index.statistics()
            XCTAssertEqual(statistics.documents, 5, store)
            // Flushed: 0 1 2 3 4 5 2' (one document each). Merged before publishing: the runs between the
            // segments of 2 and 4, [0 1], [3] and [5 2']; 2 and 4 lose their only document and are dropped.
            XCTAssertEqual(statistics.segments, 3, store)
            XCTAssertEqual(try index.check().documents, 5, store)
        }
    }
}
