import Foundation
import XCTest
import VietSearchStorage

/// Power-loss simulation (`PowerLossHarness`, model in `PowerLossModel`): every cut point of the file-system
/// effects of a random sequence of commits, deletes, merges and rollbacks, under adversarial choices of
/// what survives, must leave an index that opens, passes `check` and holds the newest commit present,
/// never older than the last durable one. Then the harness's sensitivity: each deliberately broken commit
/// protocol (`CommitBreakage`) must make it report failures.
///
/// `VIETSEARCH_POWERLOSS_SEQUENCES` (default 2) sets the number of sequences, `VIETSEARCH_POWERLOSS_STEPS`
/// (default 25) their length, `VIETSEARCH_POWERLOSS_SEED` replays one; the seed is printed.
final class PowerLossTests: XCTestCase {
    private var workspace = ""

    override func setUpWithError() throws {
        // Thousands of crash states are written out and opened: in RAM when the system has /dev/shm (the
        // model, not the file system, decides what survives), else in the temporary directory.
        let shm = "/dev/shm"
        let root = FileManager.default.isWritableFile(atPath: shm) ? shm : FileManager.default.temporaryDirectory.path
        workspace = root + "/vietsearch-powerloss-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: workspace)
    }

    func testEveryCutPointLeavesTheLastDurableCommit() throws {
        let environment = ProcessInfo.processInfo.environment
        let sequences = Int(environment["VIETSEARCH_POWERLOSS_SEQUENCES"] ?? "") ?? 2
        let steps = Int(environment["VIETSEARCH_POWERLOSS_STEPS"] ?? "") ?? 25
        let firstSeed = UInt64(environment["VIETSEARCH_POWERLOSS_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64(UInt32.max))
        var total = PowerLossHarness.Result()
        for sequence in 0..<sequences {
            let seed = firstSeed &+ UInt64(sequence)
            let harness = PowerLossHarness(workspace: workspace + "/\(sequence)", seed: seed, steps: steps,
                                           randomChoices: 3, stopAtFirstFailure: false)
            let result = try CommitBreakage.withActive(nil) { try harness.run() }
            total.steps += result.steps
            total.effects += result.effects
            total.cutPoints += result.cutPoints
            total.statesChecked += result.statesChecked
            total.failures += result.failures
            XCTAssertGreaterThan(result.statesChecked, result.cutPoints / 2, "seed \(seed): too few distinct states")
        }
        for failure in total.failures.prefix(5) { XCTFail(failure) }
        print("power-loss: \(sequences) sequences (first seed \(firstSeed)) of \(steps) steps, \(total.effects) file-system "
            + "effects, \(total.cutPoints) cut points, \(total.statesChecked) distinct crash states checked, "
            + "\(total.failures.count) failures")
    }

    /// Each breakage must be caught: a harness that passes a broken protocol proves nothing.
    func testEveryCommitBreakageIsCaught() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["VIETSEARCH_POWERLOSS_SEED"] ?? "") ?? 7
        var caught: [String] = []
        for breakage in CommitBreakage.allCases {
            // Without automatic merging: with it, a commit publishes the merge of its flushed segments
            // (fsynced by the merge) rather than the flushed segments themselves, which would hide
            // publish-before-segment-fsync; forceMerge steps still exercise merges.
            let harness = PowerLossHarness(workspace: workspace + "/" + breakage.rawValue, seed: seed, steps: 12,
                                           randomChoices: 3, stopAtFirstFailure: true, mergePolicy: nil)
            let result = try CommitBreakage.withActive(breakage) { try harness.run() }
            XCTAssertFalse(result.failures.isEmpty, "\(breakage.rawValue): the power-loss harness did not notice "
                + "(\(result.statesChecked) states over \(result.cutPoints) cut points)")
            if let failure = result.failures.first {
                caught.append("\(breakage.rawValue) after \(result.statesChecked) states: \(failure.prefix(160))")
            }
        }
        print("power-loss sensitivity (seed \(seed)): \(caught.count) of \(CommitBreakage.allCases.count) breakages caught\n  "
            + caught.joined(separator: "\n  "))
    }
}
