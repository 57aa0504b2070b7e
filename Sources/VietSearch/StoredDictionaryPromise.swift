import Foundation
import VietSearchStorage

/// The stored-field dictionary decision of the first parallel job, for the job started next to it
/// before it finished (so that the second worker need not wait for the first job to be collected, and
/// the segment still ends with one dictionary). The deciding job fulfils it exactly once, also when it
/// fails (with nil: the waiting job then decides for itself); a job only ever waits for an earlier one,
/// which never waits, so there is no cycle.
final class StoredDictionaryPromise: @unchecked Sendable {
    private let condition = NSCondition()
    private var isFulfilled = false
    private var choice: StoredDictionaryChoice?

    /// Publishes the decision (nil: none was made); later calls are ignored.
    func fulfil(_ decision: StoredDictionaryChoice?) {
        condition.lock()
        defer { condition.unlock() }
        guard !isFulfilled else { return }
        choice = decision
        isFulfilled = true
        condition.broadcast()
    }

    /// Blocks until the decision is published and returns it.
    func wait() -> StoredDictionaryChoice? {
        condition.lock()
        defer { condition.unlock() }
        while !isFulfilled { condition.wait() }
        return choice
    }
}
