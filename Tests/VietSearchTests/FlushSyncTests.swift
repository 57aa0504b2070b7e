import Foundation
import XCTest
import VietSearch
import VietSearchStorage

/// Flushed segments are written without fsync and synced by the commit only when it publishes them as
/// they are (PERFORMANCE.md "Indexing (session 13: flushes and the final merge)"): every segment a manifest
/// names must still be fsynced before that manifest is renamed into place, and a flush the commit
/// merges away is never synced.
final class FlushSyncTests: FacadeTestCase {
    private struct Journaled {
        var effects: [FileSystemJournal.Effect]
        var published: [String]
    }

    /// Adds `count` documents with a budget small enough to flush several segments, then commits.
    private func indexAndCommit(count: Int, mergePolicy: MergePolicySettings?) throws -> Journaled {
        let path = temporaryIndexPath()
        var configuration = IndexConfiguration(memoryBudget: 4_000, threads: 1)
        configuration.mergePolicy = mergePolicy
        let index = try Index.open(at: path, createIfMissing: true, configuration: configuration)
        let journal = FileSystemJournal.start(directory: path)
        defer { journal.stop() }
        let writer = try index.writer()
        defer { writer.close() }
        for number in 0..<count {
            try writer.add(Document(id: "d\(number)", title: "tiêu đề \(number)",
                                    body: "nội dung số \(number) của văn bản thử \(number % 7)"))
        }
        XCTAssertGreaterThan(writer.pendingSegments, 1, "the budget should have flushed several segments")
        try writer.commit()
        let searcher = try index.searcher()
        XCTAssertEqual(searcher.documentCount, count)
        XCTAssertEqual(try searcher.search("\"số 17\"").first?.id, "d17")
        // The commit removed the files no manifest names.
        let published = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasPrefix("seg-") }
        return Journaled(effects: journal.effects, published: published)
    }

    private func createdSegments(_ effects: [FileSystemJournal.Effect]) -> [String] {
        effects.compactMap { if case .create(let name) = $0, name.hasPrefix("seg-") { return name } else { return nil } }
    }

    /// Index of the rename that put the newest manifest in place.
    private func manifestRename(_ effects: [FileSystemJournal.Effect]) -> Int? {
        effects.lastIndex { if case .rename(_, let to) = $0 { return to.hasPrefix("manifest-") } else { return false } }
    }

    private func fsyncIndex(of name: String, in effects: [FileSystemJournal.Effect]) -> Int? {
        effects.firstIndex(of: .fsync(name))
    }

    /// Where `name` was made durable: its own fsync, or (a merge's output) its spool file's before the
    /// rename that installed it.
    private func durableIndex(of name: String, in effects: [FileSystemJournal.Effect]) -> Int? {
        if let synced = fsyncIndex(of: name, in: effects) { return synced }
        for effect in effects { if case .rename(let from, name) = effect { return fsyncIndex(of: from, in: effects) } }
        return nil
    }

    func testFlushesMergedAtTheCommitAreNeverSynced() throws {
        let run = try indexAndCommit(count: 60, mergePolicy: MergePolicySettings())
        let rename = try XCTUnwrap(manifestRename(run.effects))
        let flushes = createdSegments(run.effects)
        XCTAssertGreaterThan(flushes.count, run.published.count)
        XCTAssertTrue(Set(flushes).isDisjoint(with: run.published), "every flush is merged at the commit")
        for name in run.published {
            let synced = try XCTUnwrap(durableIndex(of: name, in: run.effects), "\(name) published unsynced")
            XCTAssertLessThan(synced, rename)
        }
        for name in flushes { XCTAssertNil(fsyncIndex(of: name, in: run.effects), "\(name) merged away but synced") }
    }

    func testFlushesPublishedAsTheyAreAreSyncedBeforeTheManifest() throws {
        let run = try indexAndCommit(count: 60, mergePolicy: nil)
        let rename = try XCTUnwrap(manifestRename(run.effects))
        XCTAssertGreaterThan(run.published.count, 1)
        XCTAssertEqual(Set(run.published), Set(createdSegments(run.effects)))
        for name in run.published {
            let synced = try XCTUnwrap(fsyncIndex(of: name, in: run.effects), "\(name) published unsynced")
            XCTAssertLessThan(synced, rename)
            // Synced by the commit, not by the flush: written (and other segments created) before it.
            let written = try XCTUnwrap(run.effects.firstIndex { if case .write(name, _) = $0 { return true } else { return false } })
            XCTAssertLessThan(written, synced)
        }
        // The directory entries are durable before the manifest names them.
        let lastSync = try XCTUnwrap(run.published.compactMap { fsyncIndex(of: $0, in: run.effects) }.max())
        XCTAssertTrue(run.effects[lastSync..<rename].contains(.fsyncDirectory))
    }

    /// The commit's only flush: its fsync starts right after its write (on another thread) and the commit
    /// waits for it before writing the manifest: one fsync, after the write, before the manifest's `.tmp`
    /// is even created; with one thread and with two (the pipeline's assembled segment).
    func testCommitsOnlyFlushIsSyncedOnceBeforeTheManifestIsWritten() throws {
        for threads in [1, 2] {
            let path = temporaryIndexPath()
            let configuration = IndexConfiguration(memoryBudget: 64 << 20, threads: threads)
            let index = try Index.open(at: path, createIfMissing: true, configuration: configuration)
            let journal = FileSystemJournal.start(directory: path)
            defer { journal.stop() }
            let writer = try index.writer()
            for number in 0..<300 {
                try writer.add(Document(id: "d\(number)", title: "tiêu đề \(number)",
                                        body: "nội dung số \(number) của văn bản thử \(number % 7)"))
            }
            XCTAssertEqual(writer.pendingSegments, 0, "nothing flushed before the commit")
            try writer.commit()
            writer.close()
            let effects = journal.effects
            let segments = createdSegments(effects)
            XCTAssertEqual(segments.count, 1)
            let name = try XCTUnwrap(segments.first)
            let synced = effects.indices.filter { effects[$0] == .fsync(name) }
            XCTAssertEqual(synced.count, 1, "threads \(threads)")
            let written = try XCTUnwrap(effects.firstIndex { if case .write(name, _) = $0 { return true } else { return false } })
            let manifestCreated = try XCTUnwrap(effects.lastIndex {
                if case .create(let file) = $0 { return file.hasPrefix("manifest-") } else { return false } })
            XCTAssertLessThan(written, synced[0])
            XCTAssertLessThan(synced[0], manifestCreated)
            XCTAssertLessThan(manifestCreated, try XCTUnwrap(manifestRename(effects)))
            XCTAssertEqual(try index.searcher().search("\"số 17\"").first?.id, "d17")
        }
    }
}
