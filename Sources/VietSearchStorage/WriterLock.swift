import Foundation

/// The held writer lock; released by `release()` or when the value is deinitialised.
package final class WriterLock: @unchecked Sendable {
    private let mutex = NSLock()
    private var onRelease: (() -> Void)?

    /// The pid recorded in the lock file by a previous writer that died without releasing it
    /// (the kernel dropped its flock); nil when the lock was clean.
    package let stalePid: Int32?

    init(stalePid: Int32? = nil, onRelease: @escaping () -> Void) {
        self.stalePid = stalePid
        self.onRelease = onRelease
    }

    /// Releases the lock; later calls do nothing.
    package func release() {
        let action = mutex.withLock { () -> (() -> Void)? in
            defer { onRelease = nil }
            return onRelease
        }
        action?()
    }

    deinit { release() }
}

/// The writer lock as seen from outside.
package enum LockState: Equatable, Sendable {
    /// Nobody holds it; `stalePid` names a dead previous holder whose lock file remains.
    case free(stalePid: Int32?)
    /// A live writer holds it (pid as recorded in the file, if readable).
    case held(pid: Int32?)
}
