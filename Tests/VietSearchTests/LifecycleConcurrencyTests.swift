import Foundation
import Synchronization
import XCTest
@testable import VietSearch

/// Readers in several tasks while a writer upserts, deletes, merges and commits; two writers.
final class LifecycleConcurrencyTests: FacadeTestCase {
    /// Every commit holds exactly `documentCount` live documents d0…d(n−1), all carrying the word
    /// `round<r>` of the round that wrote them last; a reader of any snapshot must see exactly
    /// that: n hits for "common", every one of them in a round the snapshot's generation allows.
    func testReadersSeeConsistentSnapshotsDuringWritesAndMerges() async throws {
        for onDisk in [false, true] {
            var configuration = IndexConfiguration(memoryBudget: 2_000)
            configuration.mergePolicy = MergePolicySettings(segmentsPerTier: 3, floorDocuments: 2)
            let index = onDisk ? try Index.open(at: temporaryIndexPath(), configuration: configuration)
                               : Index.inMemory(configuration: configuration)
            let documentCount = 12
            try index.write { writer in
                for doc in 0..<documentCount { try writer.add(Document(id: "d\(doc)", title: "common", body: "round0")) }
            }
            let first = try index.searcher()
            let rounds = 40
            let problems = ProblemLog()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { [index] in
                    for round in 1...rounds {
                        try index.write { writer in
                            // Replace a few documents, delete one and add it back: the count never changes.
                            for doc in stride(from: round % 3, to: documentCount, by: 3) {
                                try writer.upsert(Document(id: "d\(doc)", title: "common", body: "round\(round)"))
                            }
                            let victim = "d\(round % documentCount)"
                            try writer.delete(id: victim)
                            try writer.add(Document(id: victim, title: "common", body: "round\(round)"))
                            if round % 10 == 0 { try writer.forceMerge(maxSegments: 1) }
                        }
                    }
                }
                for reader in 0..<3 {
                    group.addTask { [index, problems] in
                        var searcher = try index.searcher()
                        for _ in 0..<60 {
                            searcher = try searcher.refreshed()
                            let results = try searcher.search("common", options: SearchOptions(limit: 100))
                            var note: String? = nil
                            if results.totalHits != documentCount || searcher.documentCount != documentCount {
                                note = "reader \(reader): \(results.totalHits) hits, \(searcher.documentCount) docs at generation \(searcher.generation)"
                            }
                            if Set(results.map(\.id)).count != documentCount { note = "reader \(reader): duplicate or missing ids" }
                            if let note { problems.append(note) }
                            await Task.yield()
                        }
                    }
                }
                try await group.waitForAll()
            }
            XCTAssertEqual(problems.entries, [], onDisk ? "disk" : "memory")
            // The first snapshot still answers for its own commit, after merges removed its segments.
            let old = try first.search("round0", options: SearchOptions(limit: 100))
            XCTAssertEqual(old.totalHits, documentCount)
            XCTAssertEqual(try first.document(id: "d1")?["body"], "round0")
            let newest = try index.searcher()
            XCTAssertEqual(newest.documentCount, documentCount)
            XCTAssertEqual(try newest.search("round0").totalHits, 0)
            _ = try index.check()
        }
    }

    func testSecondWriterInTheSameProcessIsToldWhoHoldsTheLock() throws {
        let path = temporaryIndexPath()
        let index = try Index.open(at: path)
        let other = try Index.open(at: path)
        let writer = try index.writer()
        XCTAssertThrowsError(try other.writer()) { error in
            guard case .locked(_, let holder)? = error as? VietSearchError else { return XCTFail("\(error)") }
            XCTAssertEqual(holder, "pid \(ProcessInfo.processInfo.processIdentifier)")
        }
        XCTAssertEqual(try other.lockHolder(), "pid \(ProcessInfo.processInfo.processIdentifier)")
        XCTAssertThrowsError(try other.breakStaleLock(), "a live writer's lock is never broken")
        writer.close()
        XCTAssertNil(try other.lockHolder())
        try other.write { try $0.add(Document(id: "a", title: "x", body: "y")) }
        XCTAssertEqual(try index.searcher().documentCount, 1)
    }

    func testStaleLockFileOfADeadProcessDoesNotBlockAndCanBeRemoved() throws {
        let path = temporaryIndexPath()
        let index = try Index.open(at: path)
        // A process that has exited: its pid is free (waited for), and it left its pid in the lock file.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        try "\(process.processIdentifier)\n".write(toFile: path + "/write.lock", atomically: false, encoding: .utf8)
        XCTAssertNil(try index.lockHolder(), "nobody holds the flock")
        try index.breakStaleLock()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "/write.lock"))
        try "\(process.processIdentifier)\n".write(toFile: path + "/write.lock", atomically: false, encoding: .utf8)
        try index.write { try $0.add(Document(id: "a", title: "x", body: "y")) }
        XCTAssertEqual(try index.searcher().documentCount, 1)
    }

    func testWriteClosureCommitsOnReturnAndDiscardsOnThrow() throws {
        struct Stop: Error {}
        try forEachStore { index, store in
            try index.write { try $0.add(Document(id: "kept", title: "an", body: "")) }
            XCTAssertThrowsError(try index.write { writer in
                try writer.add(Document(id: "lost", title: "an", body: ""))
                try writer.delete(id: "kept")
                throw Stop()
            })
            let searcher = try index.searcher()
            XCTAssertEqual(searcher.documentCount, 1, store)
            XCTAssertNotNil(try searcher.document(id: "kept"), store)
            XCTAssertNil(try searcher.document(id: "lost"), store)
            XCTAssertEqual(searcher.generation, 1, store)
        }
    }

    func testUnusedFilesAreRemovedButNotWhileASearcherUsesThem() throws {
        let path = temporaryIndexPath()
        var configuration = IndexConfiguration()
        configuration.mergePolicy = nil
        let index = try Index.open(at: path, configuration: configuration)
        for round in 0..<4 {
            try index.write { try $0.upsert(Document(id: "a", title: "round\(round)", body: "")) }
        }
        let holder = try index.searcher()
        let held = try index.statistics().segmentDetails.map { "seg-\($0.id).vss" }
        XCTAssertEqual(held.count, 1)
        try index.forceMerge(maxSegments: 1)
        for round in 4..<7 {
            try index.write { try $0.upsert(Document(id: "a", title: "round\(round)", body: "")) }
        }
        try index.forceMerge(maxSegments: 1)
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
        for file in held { XCTAssertTrue(names.contains(file), "\(file) is still used by a searcher") }
        XCTAssertEqual(try holder.search("round3").totalHits, 1)
        let heldSegments = Set(held)
        // Releasing the searcher lets the next commit collect them.
        _ = consume holder
        try index.write { try $0.upsert(Document(id: "b", title: "x", body: "")) }
        let after = try FileManager.default.contentsOfDirectory(atPath: path)
        let leftovers = after.filter { heldSegments.contains($0) }
        XCTAssertEqual(leftovers, [], "files of the released snapshot are collected")
        XCTAssertLessThanOrEqual(after.filter { $0.hasPrefix("manifest-") }.count, 2)
    }
}

/// Notes from concurrent tasks.
final class ProblemLog: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ entry: String) { storage.withLock { $0.append(entry) } }
    var entries: [String] { storage.withLock { $0 } }
}
