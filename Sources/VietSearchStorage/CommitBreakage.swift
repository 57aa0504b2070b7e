import Foundation

/// Test-only, deliberately broken variants of the commit protocol: the harness-sensitivity tests run the
/// crash harness and the power-loss test against each and check that they report failures, which shows
/// the harnesses would notice such a bug. Selected by `VIETSEARCH_BREAK_COMMIT=<name>` (child processes)
/// or `CommitBreakage.withActive` (in-process); both are compiled into debug builds only, so a release
/// build never breaks its commits whatever its environment says.
package enum CommitBreakage: String, CaseIterable, Sendable {
    /// The manifest `.tmp` is renamed into place without ever being fsynced.
    case skipManifestFsync = "skip-manifest-fsync"
    /// The manifest `.tmp` is renamed first and fsynced after.
    case renameBeforeFsync = "rename-before-fsync"
    /// The manifest is written under its final name (no `.tmp` + rename), fsynced, then the directory.
    case manifestInPlace = "manifest-in-place"
    /// New segments are written without fsync and fsynced only once the manifest naming them is published.
    case publishBeforeSegmentFsync = "publish-before-segment-fsync"
    /// Every existing manifest is pruned before the new one is written.
    case pruneBeforePublish = "prune-before-publish"
    /// The old manifests are pruned after the rename but before the directory fsync that makes it durable.
    case pruneBeforeDirectorySync = "prune-before-directory-sync"
    /// The v1 protocol: no directory fsync between writing the files and renaming the manifest, so the
    /// rename may become durable while a segment's directory entry does not.
    case noDirectorySyncBeforeRename = "no-directory-sync-before-rename"

    /// The breakage in force: the in-process override, else `VIETSEARCH_BREAK_COMMIT`. Always nil in
    /// release builds.
    package static var active: CommitBreakage? {
        #if DEBUG
        override.withLock { $0 } ?? fromEnvironment
        #else
        nil
        #endif
    }

    /// Runs `body` with `breakage` in force in this process (nil: the environment's, if any).
    package static func withActive<T>(_ breakage: CommitBreakage?, _ body: () throws -> T) rethrows -> T {
        let previous = override.withLock { value in
            defer { value = breakage }
            return value
        }
        defer { override.withLock { $0 = previous } }
        return try body()
    }

    private static let fromEnvironment: CommitBreakage? =
        ProcessInfo.processInfo.environment["VIETSEARCH_BREAK_COMMIT"].flatMap(CommitBreakage.init(rawValue:))

    private static let override = Override()

    private final class Override: @unchecked Sendable {
        private let lock = NSLock()
        private var value: CommitBreakage?

        func withLock<T>(_ body: (inout CommitBreakage?) -> T) -> T {
            lock.withLock { body(&value) }
        }
    }

    // MARK: The broken steps (called by `IndexStore` only when a breakage is active)

    /// Before the manifest is published.
    func beforePublish(in store: IndexStore) throws {
        guard self == .pruneBeforePublish else { return }
        for name in try store.backend.fileNames() where Manifest.generation(fromFileName: name) != nil {
            try store.backend.remove(name)
        }
    }

    /// Publishes `manifest` as `name` the broken way; false when this breakage keeps the normal publish.
    func publish(_ manifest: Manifest, as name: String, in store: IndexStore) throws -> Bool {
        let backend = store.backend, temporary = name + ".tmp"
        switch self {
        case .skipManifestFsync:
            try backend.writeUnsynced(temporary, manifest.encoded())
            try backend.syncDirectory()
            CrashPoint.reach(.manifestSynced)
            try backend.renameDurably(temporary, to: name)
        case .renameBeforeFsync:
            try backend.writeUnsynced(temporary, manifest.encoded())
            try backend.syncDirectory()
            try backend.rename(temporary, to: name)
            CrashPoint.reach(.manifestRenamed)
            try backend.sync(name)
            try backend.syncDirectory()
        case .manifestInPlace:
            try backend.writeDurably(name, manifest.encoded())
            CrashPoint.reach(.manifestRenamed)
            try backend.syncDirectory()
        case .pruneBeforeDirectorySync:
            try backend.writeDurably(temporary, manifest.encoded())
            try backend.syncDirectory()
            CrashPoint.reach(.manifestSynced)
            try backend.rename(temporary, to: name)
            for old in try backend.fileNames() where (Manifest.generation(fromFileName: old) ?? .max) < manifest.generation {
                try backend.remove(old)
            }
            CrashPoint.reach(.manifestRenamed)
            try backend.syncDirectory()
        case .noDirectorySyncBeforeRename:
            try backend.writeDurably(temporary, manifest.encoded())
            CrashPoint.reach(.manifestSynced)
            try backend.renameDurably(temporary, to: name)
        case .publishBeforeSegmentFsync, .pruneBeforePublish:
            return false
        }
        return true
    }

    /// After the manifest is published.
    func afterPublish(_ manifest: Manifest, in store: IndexStore) throws {
        guard self == .publishBeforeSegmentFsync else { return }
        for segment in manifest.segments { try store.backend.sync(segment.fileName) }
    }
}
