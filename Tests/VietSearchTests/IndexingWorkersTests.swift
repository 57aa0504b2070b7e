import Dispatch
import Foundation
import Synchronization
import XCTest
@testable import VietSearch

/// `IndexingWorkers`: each worker runs its tasks in order on one long-lived thread of its own (so a
/// job's memory stays in that thread's malloc arena), and `release` frees what it is given there.
final class IndexingWorkersTests: XCTestCase {
    /// What happened, in order, with the thread it happened on.
    private final class Log: Sendable {
        private let entries = Mutex<[(String, UInt)]>([])
        func record(_ event: String) { entries.withLock { $0.append((event, UInt(pthread_self()))) } }
        var all: [(String, UInt)] { entries.withLock { $0 } }
    }

    /// Records where (and in what order) it was freed.
    private final class Tracked: Sendable {
        let name: String
        let log: Log
        init(name: String, log: Log) { self.name = name; self.log = log }
        deinit { log.record("freed " + name) }
    }

    func testEachWorkerRunsItsTasksInOrderOnOneThreadAndFreesReleasedMemoryThere() {
        let log = Log()
        let done = DispatchSemaphore(value: 0)
        do {
            let workers = IndexingWorkers(count: 2)
            for step in 0..<6 {
                workers.run(on: step) {
                    // Slower early tasks: a later task on the other worker must not overtake its own worker's.
                    usleep(UInt32(2_000 * (6 - step)))
                    log.record("task \(step)")
                }
            }
            workers.release([Tracked(name: "a", log: log), Tracked(name: "b", log: log)], on: 1)
            // Each worker's last task: the other tasks and the release are done once both ran.
            workers.run(on: 0) { done.signal() }
            workers.run(on: 1) { done.signal() }
            done.wait()
            done.wait()
        }
        let entries = log.all
        let caller = UInt(pthread_self())
        func thread(of name: String) -> UInt? { entries.first { $0.0 == name }?.1 }
        let even = thread(of: "task 0")
        let odd = thread(of: "task 1")
        XCTAssertNotNil(even)
        XCTAssertNotNil(odd)
        XCTAssertNotEqual(even, odd, "two workers, two threads")
        XCTAssertNotEqual(even, caller)
        XCTAssertNotEqual(odd, caller)
        for step in 0..<6 { XCTAssertEqual(thread(of: "task \(step)"), step % 2 == 0 ? even : odd, "task \(step)") }
        XCTAssertEqual(thread(of: "freed a"), odd, "freed on the worker it was sent to")
        XCTAssertEqual(thread(of: "freed b"), odd)
        let order = entries.map(\.0)
        for worker in [[0, 2, 4], [1, 3, 5]] {
            let positions = worker.compactMap { order.firstIndex(of: "task \($0)") }
            XCTAssertEqual(positions, positions.sorted(), "a worker's tasks run in the order given")
        }
        if let freed = order.firstIndex(of: "freed a"), let last = order.firstIndex(of: "task 5") {
            XCTAssertGreaterThan(freed, last, "released after the tasks queued before it")
        }
    }
}
