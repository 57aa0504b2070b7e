import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether the machine has a CPU to spare for `QueryLineReader`'s poll, from the 1-minute load average.
///
/// Polling pays only when the CPU would otherwise go idle: on a busy machine other tasks run while this
/// process sleeps anyway (so its caches are cold whatever it does), and CPU time spent polling is charged
/// to this process by the scheduler, which then preempts it sooner in the middle of a query (README
/// "Query speed (session 5: lock-step wake-up)"). A lock-step session itself adds about one to the load
/// (the polling process and its driver), hence the allowance of half a CPU above the CPU count.
final class SpareCPUProbe {
    /// How often the load average is read again (`getloadavg` reads `/proc/loadavg`).
    static let refreshMicroseconds = 250_000

    private let processorCount: Int
    private let readLoadAverage: () -> Double?
    private var checkedAt: Int?
    private var lastAnswer = true

    /// `readLoadAverage` is the 1-minute load average, nil when unknown (tests pass their own).
    init(processorCount: Int = ProcessInfo.processInfo.activeProcessorCount,
         readLoadAverage: @escaping () -> Double? = SpareCPUProbe.systemLoadAverage) {
        self.processorCount = Swift.max(1, processorCount)
        self.readLoadAverage = readLoadAverage
    }

    /// The system's 1-minute load average (`getloadavg`), nil when it cannot be read.
    static func systemLoadAverage() -> Double? {
        var load = [0.0]
        return getloadavg(&load, 1) == 1 ? load[0] : nil
    }

    /// True when the load average leaves a CPU for polling (also when it cannot be read).
    static func hasSpareCPU(loadAverage: Double, processorCount: Int) -> Bool {
        loadAverage < Double(processorCount) + 0.5
    }

    /// The answer for the load average read at most `refreshMicroseconds` before `nowMicroseconds`.
    func hasSpareCPU(nowMicroseconds: Int) -> Bool {
        if let checkedAt, nowMicroseconds - checkedAt < Self.refreshMicroseconds { return lastAnswer }
        checkedAt = nowMicroseconds
        lastAnswer = readLoadAverage().map { Self.hasSpareCPU(loadAverage: $0, processorCount: processorCount) } ?? true
        return lastAnswer
    }
}
