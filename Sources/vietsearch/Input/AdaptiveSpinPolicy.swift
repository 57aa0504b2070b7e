/// How long `QueryLineReader` polls stdin before sleeping in `read`, from how soon the previous line came.
///
/// A query that starts right after the process slept in `read` costs 1.3–2.6× one that starts on a CPU
/// that stayed busy (PERFORMANCE.md "Query speed (session 5: lock-step wake-up)"): on a VM an idle vCPU halts,
/// and the next query meets cold caches. Polling keeps the CPU busy, but only pays while the
/// next line comes soon, so the poll is adaptive: it runs (for at most `limitMicroseconds`) only while
/// the previous wait for a line was itself within that limit. A driver that answers each reply at once
/// keeps it on; a session left idle pays one poll of at most the limit, then sleeps on every wait until
/// lines come quickly again.
struct AdaptiveSpinPolicy: Equatable {
    /// The longest poll; 0 never polls.
    let limitMicroseconds: Int
    /// How long the previous wait for input lasted; nil before the first.
    private(set) var previousWaitMicroseconds: Int?

    init(limitMicroseconds: Int) {
        self.limitMicroseconds = Swift.max(0, limitMicroseconds)
    }

    /// The poll budget of the next wait: the limit while input has been arriving within it, else 0.
    var nextPollMicroseconds: Int {
        guard let previous = previousWaitMicroseconds, previous <= limitMicroseconds else { return 0 }
        return limitMicroseconds
    }

    /// Notes how long a wait lasted (from needing input to having some, poll and `read` included).
    mutating func recordWait(microseconds: Int) {
        previousWaitMicroseconds = Swift.max(0, microseconds)
    }
}
