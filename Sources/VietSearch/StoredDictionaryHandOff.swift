import Dispatch
import Synchronization
import VietSearchStorage

/// The stored-field dictionary decision of the parallel job that trains it (on the run's first
/// documents), passed to the jobs started while it runs. With the first batch built on a worker
/// rather than inline, the second batch starts on the other worker before the first has decided: it
/// keeps its stored fields raw and takes the decision from here, so the segment still gets one
/// dictionary, trained on the same documents as before. Published once; read by any thread.
final class StoredDictionaryHandOff: Sendable {
    /// nil until published; then the decision (itself nil when the training job made none).
    private let published = Mutex<StoredDictionaryChoice??>(nil)
    private let ready = DispatchSemaphore(value: 0)

    /// Sets the decision (later calls change nothing) and wakes the jobs waiting for it.
    func publish(_ choice: StoredDictionaryChoice?) {
        let first = published.withLock { value -> Bool in
            guard value == nil else { return false }
            value = .some(choice)
            return true
        }
        if first { ready.signal() }
    }

    /// The decision if published (`.some`), without waiting.
    func peek() -> StoredDictionaryChoice?? {
        published.withLock { $0 }
    }

    /// The decision, waiting for it.
    func wait() -> StoredDictionaryChoice? {
        if let choice = peek() { return choice }
        ready.wait()
        // Passed on, so that every waiting job wakes (one signal per waiter, in turn).
        ready.signal()
        return peek() ?? nil
    }
}
