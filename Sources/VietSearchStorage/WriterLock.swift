import Foundation

/// The held writer lock; released by `release()` or when the value is deinitialised.
package final class WriterLock: @unchecked Sendable {
    private let mutex = NSLock()
    private var onRelease: (() -> Void)?

    init(onRelease: @escaping () -> Void) { self.onRelease = onRelease }

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
