import Foundation
import VietSearch
import XCTest

/// Crash safety under SIGKILL (`CrashHarness`): killed writers leave the last commit intact.
///
/// `VIETSEARCH_CRASH_TRIALS` (default 200) sets the number of trials and `VIETSEARCH_CRASH_SEED` replays a
/// run; the seed is printed. Thousands: `VIETSEARCH_CRASH_TRIALS=3000 swift test --skip-build --filter CrashSafetyTests`.
final class CrashSafetyTests: XCTestCase {
    private var directory = ""
    private var scratch = ""

    override func setUpWithError() throws {
        directory = CLIRunner.temporaryPath("crash")
        scratch = CLIRunner.temporaryPath("crash-input")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        _ = try Index.open(at: directory, createIfMissing: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.removeItem(atPath: scratch)
    }

    func testKilledWritersLeaveTheLastCommitIntact() throws {
        let environment = ProcessInfo.processInfo.environment
        let trials = Int(environment["VIETSEARCH_CRASH_TRIALS"] ?? "") ?? 200
        let seed = UInt64(environment["VIETSEARCH_CRASH_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64(UInt32.max))
        let harness = CrashHarness(directory: directory, scratch: scratch, environment: environment)
        let result = try harness.run(trials: trials, seed: seed)
        if let failure = result.failure { XCTFail(failure) }
        print("crash-safety: " + result.summary)
    }

    /// A writer killed while creating a brand-new index (its generation-0 manifest fsynced as `.tmp`,
    /// not yet renamed) must not leave a directory that can no longer be opened or created.
    func testKilledWhileCreatingAnIndexLeavesItCreatable() throws {
        let fresh = CLIRunner.temporaryPath("crash-create")
        defer { try? FileManager.default.removeItem(atPath: fresh) }
        let input = scratch + "/one.jsonl"
        try #"{"body":"biên giới","id":"a","title":"đảng viên"}"#.write(toFile: input, atomically: false, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        for point in ["manifest-synced", "manifest-renamed"] {
            try? FileManager.default.removeItem(atPath: fresh)
            environment["VIETSEARCH_CRASH_AT"] = point
            let killed = try CrashHarness.runChild(["index", fresh, input], environment: environment, killAfterMicros: nil)
            XCTAssertTrue(killed.signalled, "\(point): the hook must kill the child (\(killed.stderr))")
            environment["VIETSEARCH_CRASH_AT"] = nil
            let again = try CrashHarness.runChild(["index", fresh, input], environment: environment, killAfterMicros: nil)
            XCTAssertEqual(again.status, 0, "\(point): \(again.stderr)")
            let searcher = try Index.open(at: fresh, createIfMissing: false).searcher()
            XCTAssertEqual(try searcher.document(id: "a")?["title"], "đảng viên", point)
        }
    }
}
