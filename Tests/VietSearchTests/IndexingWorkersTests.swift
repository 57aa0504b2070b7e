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

    /// A job waiting in the shared queue goes to the first worker free: with one worker held in a long
    /// task, every shared task runs on the other, in the order given, without waiting for the first.
    func testSharedTasksGoToTheWorkerThatIsFree() {
        let log = Log()
        let workers = IndexingWorkers(count: 2)
        let hold = DispatchSemaphore(value: 0)
        let held = DispatchSemaphore(value: 0)
        workers.run(on: 0) {
            log.record("held")
            held.signal()
            hold.wait()
        }
        held.wait()
        let done = DispatchSemaphore(value: 0)
        let ranOn = Mutex<[Int]>([])
        for step in 0..<5 {
            workers.runOnAny { worker in
                ranOn.withLock { $0.append(worker) }
                log.record("shared \(step)")
                done.signal()
            }
        }
        for step in 0..<5 {
            XCTAssertEqual(done.wait(timeout: .now() + 10), .success, "shared task \(step) waited for the held worker")
        }
        hold.signal()
        workers.drain()
        XCTAssertEqual(ranOn.withLock { $0 }, [1, 1, 1, 1, 1])
        let order = log.all.map(\.0)
        XCTAssertEqual(order.filter { $0.hasPrefix("shared") }, (0..<5).map { "shared \($0)" })
        let heldThread = log.all.first { $0.0 == "held" }?.1
        XCTAssertTrue(log.all.filter { $0.0.hasPrefix("shared") }.allSatisfy { $0.1 != heldThread })
    }

    /// Memory released to a worker that is running a job is freed there between the job's documents
    /// (`dropReleasedMemory`), not after the job: a builder's worth would otherwise stay for a whole job.
    func testReleasedMemoryIsFreedByTheRunningJobBetweenDocuments() {
        let log = Log()
        let workers = IndexingWorkers(count: 2)
        let released = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        workers.run(on: 1) {
            log.record("job started")
            released.wait()
            workers.dropReleasedMemory(onWorker: 1)
            log.record("job between documents")
            finished.signal()
        }
        workers.release([Tracked(name: "a", log: log)], on: 1)
        // Posted to worker 0: the job on worker 1 must not free it.
        workers.release([Tracked(name: "b", log: log)], on: 0)
        released.signal()
        XCTAssertEqual(finished.wait(timeout: .now() + 10), .success)
        workers.drain()
        let entries = log.all
        let order = entries.map(\.0)
        let jobThread = entries.first { $0.0 == "job started" }?.1
        XCTAssertEqual(entries.first { $0.0 == "freed a" }?.1, jobThread, "freed on the worker it was sent to")
        XCTAssertNotEqual(entries.first { $0.0 == "freed b" }?.1, jobThread)
        if let freed = order.firstIndex(of: "freed a"), let between = order.firstIndex(of: "job between documents") {
            XCTAssertLessThan(freed, between, "freed while the job runs")
        } else {
            XCTFail("not freed: \(order)")
        }
    }
}
