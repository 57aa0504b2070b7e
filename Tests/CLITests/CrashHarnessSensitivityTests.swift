import Foundation
import VietSearch
import VietSearchStorage
import XCTest

/// Sensitivity of the SIGKILL crash harness: run against a deliberately broken commit protocol
/// (`VIETSEARCH_BREAK_COMMIT`, debug builds only), it must report a failure.
///
/// A killed process keeps the kernel's page cache, so this harness can only see breakages that leave a
/// wrong state in the file system itself: it catches `prune-before-publish` (no manifest left between
/// the prune and the rename). Breakages of fsync or of the order of directory changes are invisible to it
/// by construction; `PowerLossTests.testEveryCommitBreakageIsCaught` catches all of them.
/// `VIETSEARCH_CRASH_SENSITIVITY_TRIALS=N` also runs N trials against every other breakage and prints
/// what it finds (the measurement behind README "Reliability").
final class CrashHarnessSensitivityTests: XCTestCase {
    private var workspace = ""

    override func setUpWithError() throws {
        workspace = CLIRunner.temporaryPath("crash-sensitivity")
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: workspace)
    }

    func testCrashHarnessCatchesABrokenCommitProtocol() throws {
        let result = try run(.pruneBeforePublish, trials: 300, seed: 11)
        XCTAssertNotNil(result.failure, "the crash harness passed a broken commit protocol: \(result.summary)")
        var lines = ["prune-before-publish: " + (result.failure == nil ? "not caught" : "caught after \(result.trials) trials")]
        // The other breakages are measured on request only (minutes of child processes, nothing to assert).
        if let trials = Int(ProcessInfo.processInfo.environment["VIETSEARCH_CRASH_SENSITIVITY_TRIALS"] ?? "") {
            for breakage in CommitBreakage.allCases where breakage != .pruneBeforePublish {
                let other = try run(breakage, trials: trials, seed: 11)
                lines.append("\(breakage.rawValue): " + (other.failure == nil
                    ? "not caught in \(other.trials) trials (\(other.killed) killed)" : "caught after \(other.trials) trials"))
            }
        }
        print("crash-harness sensitivity:\n  " + lines.joined(separator: "\n  "))
        if let failure = result.failure { print("  first failure: \(failure.prefix(240))") }
    }

    private func run(_ breakage: CommitBreakage, trials: Int, seed: UInt64) throws -> CrashHarness.Result {
        let directory = workspace + "/" + breakage.rawValue
        let scratch = directory + "-input"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        _ = try Index.open(at: directory, createIfMissing: true)
        var environment = ProcessInfo.processInfo.environment
        environment["VIETSEARCH_BREAK_COMMIT"] = breakage.rawValue
        return try CrashHarness(directory: directory, scratch: scratch, environment: environment).run(trials: trials, seed: seed)
    }
}
