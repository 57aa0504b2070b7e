import Foundation
import XCTest

/// `vietsearch delete`, `merge`, and what `stats` shows of segments, deletes and generations.
final class LifecycleCommandTests: TemporaryPathsTestCase {
    private func stats(_ index: String) throws -> [String: Any] {
        let output = try CLIRunner.run(["stats", index, "--json"])
        XCTAssertEqual(output.status, 0, output.stderr)
        return try XCTUnwrap(try output.jsonLines().first)
    }

    func testDeleteByIDAndQueryThenMergeDropsThem() throws {
        let index = newIndexPath()
        // Two runs: two segments.
        XCTAssertEqual(try CLIRunner.run(["index", index, CLIRunner.fixture("news.jsonl")]).status, 0)
        XCTAssertEqual(try CLIRunner.run(["index", index, CLIRunner.seeds]).status, 0)
        XCTAssertEqual(try stats(index)["documents"] as? Int, 8)

        let byID = try CLIRunner.run(["delete", index, "n1", "nope", "--json"])
        XCTAssertEqual(byID.status, 0, byID.stderr)
        let summary = try XCTUnwrap(try byID.jsonLines().first)
        XCTAssertEqual(summary["deleted"] as? Int, 1)
        XCTAssertEqual(summary["not_found"] as? [String], ["nope"])
        XCTAssertEqual(summary["documents"] as? Int, 7)

        var current = try stats(index)
        XCTAssertEqual(current["deleted_documents"] as? Int, 1)
        let segments = try XCTUnwrap(current["segment_list"] as? [[String: Any]])
        XCTAssertEqual(segments.count, 2)
        XCTAssertEqual(segments.map { $0["deleted"] as? Int }, [1, 0])
        XCTAssertEqual(segments[0]["deletes_generation"] as? Int, current["generation"] as? Int)
        XCTAssertEqual(segments[1]["deletes_generation"] as? Int, 0)
        let searchDeleted = try CLIRunner.run(["search", index, "id:n1", "--json"]).jsonLines()
        XCTAssertEqual(searchDeleted.first?["total_hits"] as? Int, 0)

        // The phrase is in all five seeds (the second segment) and nowhere else now: count, then delete them.
        let matching = try CLIRunner.run(["search", index, "\"đảng viên\"", "--json", "--limit", "100"]).jsonLines()
        let expected = try XCTUnwrap(matching.first?["total_hits"] as? Int)
        XCTAssertEqual(expected, 5)
        let byQuery = try CLIRunner.run(["delete", index, "--query", "\"đảng viên\"", "--json"])
        XCTAssertEqual(byQuery.status, 0, byQuery.stderr)
        XCTAssertEqual(try byQuery.jsonLines().first?["deleted"] as? Int, expected)
        current = try stats(index)
        XCTAssertEqual(current["documents"] as? Int, 2)
        // A segment left without live documents is dropped from the commit, deletes and all.
        XCTAssertEqual((current["segment_list"] as? [[String: Any]])?.count, 1)
        XCTAssertEqual(current["deleted_documents"] as? Int, 1)

        let merge = try CLIRunner.run(["merge", index, "--max-segments", "1", "--json"])
        XCTAssertEqual(merge.status, 0, merge.stderr)
        let merged = try XCTUnwrap(try merge.jsonLines().first)
        XCTAssertEqual(merged["segments"] as? Int, 1)
        XCTAssertEqual(merged["deleted_dropped"] as? Int, 1)
        XCTAssertNotNil(merged["mb_per_second"] as? Double)
        current = try stats(index)
        XCTAssertEqual(current["documents"] as? Int, 2)
        XCTAssertEqual(current["deleted_documents"] as? Int, 0)
        XCTAssertEqual(try CLIRunner.run(["check", index]).status, 0)
        let after = try CLIRunner.run(["search", index, "\"đảng viên\"", "--json"]).jsonLines()
        XCTAssertEqual(after.first?["total_hits"] as? Int, 0)
    }

    func testUsageErrors() throws {
        let index = newIndexPath()
        XCTAssertEqual(try CLIRunner.run(["index", index, CLIRunner.fixture("news.jsonl")]).status, 0)
        XCTAssertEqual(try CLIRunner.run(["delete", index]).status, 2, "nothing to delete")
        XCTAssertEqual(try CLIRunner.run(["merge", index, "--max-segments", "0"]).status, 2)
        let parse = try CLIRunner.run(["delete", index, "--query", "(unbalanced"])
        XCTAssertEqual(parse.status, 1)
        XCTAssertTrue(parse.stderr.contains("column"), parse.stderr)
        XCTAssertEqual(try stats(index)["documents"] as? Int, 3, "a failed delete commits nothing")
    }
}

/// `unlock` and `stats`' lock line against a writer in another process.
final class LockCommandTests: XCTestCase {
    func testUnlockRefusesALiveWriterAndRemovesAStaleLockFile() throws {
        let index = CLIRunner.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: index) }
        XCTAssertEqual(try CLIRunner.run(["index", index, CLIRunner.fixture("news.jsonl")]).status, 0)
        // A writer in another process: `index -` holds the lock while it waits for stdin.
        let holder = Process()
        holder.executableURL = CLIRunner.binary
        holder.arguments = ["index", index, "-"]
        let input = Pipe()
        holder.standardInput = input
        holder.standardOutput = FileHandle.nullDevice
        holder.standardError = FileHandle.nullDevice
        try holder.run()
        defer { if holder.isRunning { holder.terminate() } }
        let lockFile = index + "/write.lock"
        let deadline = Date().addingTimeInterval(60)
        while (try? String(contentsOfFile: lockFile, encoding: .utf8)) != "\(holder.processIdentifier)\n" && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        let stats = try CLIRunner.run(["stats", index, "--json"]).jsonLines().first
        XCTAssertEqual(stats?["locked_by"] as? String, "pid \(holder.processIdentifier)")
        let refused = try CLIRunner.run(["unlock", index])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("locked by another writer (pid \(holder.processIdentifier))"), refused.stderr)
        let delete = try CLIRunner.run(["delete", index, "n1"])
        XCTAssertEqual(delete.status, 1, "a second writer is refused")

        // Kill the writer: its lock file stays, but nobody holds it.
        holder.terminate()
        holder.waitUntilExit()
        XCTAssertTrue(FileManager.default.fileExists(atPath: lockFile))
        XCTAssertTrue(try CLIRunner.run(["stats", index, "--json"]).stdout.contains("\"locked_by\": null"))
        XCTAssertEqual(try CLIRunner.run(["delete", index, "n1"]).status, 0, "a dead writer's lock never blocks")
        let unlock = try CLIRunner.run(["unlock", index])
        XCTAssertEqual(unlock.status, 0, unlock.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: lockFile))
    }
}
