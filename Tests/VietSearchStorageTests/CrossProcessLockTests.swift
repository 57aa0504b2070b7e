import Foundation
import XCTest
@testable import VietSearchStorage

/// The lock must also hold against another process (flock is per open file description).
final class CrossProcessLockTests: XCTestCase {
    private func runFlock(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        process.arguments = arguments
        try process.run()
        return process
    }

    func testAnotherProcessSeesOurLockAndWeSeeTheirs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vs-xlock-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try IndexStore.openDirectory(at: directory, createIfMissing: true)
        let lockFile = directory + "/write.lock"

        let lock = try store.lockForWriting()
        let probe = try runFlock(["--nonblock", "--conflict-exit-code", "7", lockFile, "true"])
        probe.waitUntilExit()
        XCTAssertEqual(probe.terminationStatus, 7, "the other process must find the lock taken")
        XCTAssertEqual(try String(contentsOfFile: lockFile, encoding: .utf8), "\(ProcessInfo.processInfo.processIdentifier)\n")
        lock.release()

        let probeAfter = try runFlock(["--nonblock", "--conflict-exit-code", "7", lockFile, "true"])
        probeAfter.waitUntilExit()
        XCTAssertEqual(probeAfter.terminationStatus, 0, "released lock is free for others")

        // Another process holds it: we must get `.locked`, and get it back once it exits.
        let holder = try runFlock([lockFile, "sleep", "1"])
        var sawLocked = false
        for _ in 0..<100 where !sawLocked {
            do {
                let early = try store.lockForWriting()
                early.release()
                usleep(10_000)  // the holder may not have taken it yet
            } catch let StorageError.locked(path, _) {
                XCTAssertEqual(path, lockFile)
                sawLocked = true
            }
        }
        XCTAssertTrue(sawLocked)
        holder.waitUntilExit()
        try store.lockForWriting().release()
    }
}
