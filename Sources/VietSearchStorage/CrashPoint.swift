import Foundation

/// A test-only fault-injection hook: lets the crash-safety harness kill a writer at a precise point of
/// the commit protocol (for instance between a manifest's fsync and its rename), which a random
/// `SIGKILL` from outside would hit only by luck.
///
/// Off by default: it acts only when the environment variable `VIETSEARCH_CRASH_AT` is set, as
/// `<point>` or `<point>:<n>` (die on the n-th time the point is reached, 1-based). The process then
/// sends itself `SIGKILL`, so nothing (no `defer`, no buffered write) runs after it, as in a power cut
/// of the process. Points are named in `Name`; FORMAT.md's commit protocol says where each sits.
package enum CrashPoint {
    /// The named places where the writer can be made to die.
    package enum Name: String, CaseIterable, Sendable {
        /// A new segment file is written and fsynced, not yet named by any manifest.
        case segmentWritten = "segment-written"
        /// A deletes file is written and fsynced, not yet named by any manifest.
        case deletesWritten = "deletes-written"
        /// A merged segment has been renamed into place, not yet named by any manifest.
        case mergeInstalled = "merge-installed"
        /// `manifest-<g>.vsm.tmp` is written and fsynced, not yet renamed.
        case manifestSynced = "manifest-synced"
        /// The manifest is renamed into place, the directory not yet fsynced.
        case manifestRenamed = "manifest-renamed"
        /// The commit is durable; old manifests not yet pruned, unreferenced files not yet removed.
        case committed = "committed"
        /// In the middle of removing unreferenced files (after the first removal).
        case collecting = "collecting"
    }

    private struct Target: Sendable {
        var name: String
        var hit: Int
    }

    /// Parsed once: the hook costs one comparison of an optional when off.
    private static let target: Target? = {
        guard let value = ProcessInfo.processInfo.environment["VIETSEARCH_CRASH_AT"], !value.isEmpty else { return nil }
        let parts = value.split(separator: ":", maxSplits: 1)
        let hit = parts.count == 2 ? Int(parts[1]) ?? 1 : 1
        return Target(name: String(parts[0]), hit: max(1, hit))
    }()

    private final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var value = 0
    }

    private static let counter = Counter()

    /// Kills the process with `SIGKILL` if `VIETSEARCH_CRASH_AT` names `point` and this is the chosen hit.
    package static func reach(_ point: Name) {
        guard let target, target.name == point.rawValue else { return }
        counter.lock.lock()
        counter.value += 1
        let count = counter.value
        counter.lock.unlock()
        if count == target.hit { kill(getpid(), SIGKILL) }
    }
}
