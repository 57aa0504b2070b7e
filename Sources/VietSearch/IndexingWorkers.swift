import Dispatch
import Foundation
import Synchronization

/// Long-lived threads that run parallel indexing's jobs, one FIFO queue each, for the life of a writer.
/// A thread per job (the earlier way) got whichever glibc malloc arena was free when it started, so a
/// job's memory was freed by the writer's thread, or reallocated by it, while a later job allocated in
/// the same arena, and the two waited for each other on the arena's lock (most of the context switches
/// left in a 2-thread run). A worker keeps its arena for its life; the writer sends the memory its jobs
/// allocated back to it to be freed there (`release`), so the writer's thread never touches a worker's
/// arena and a worker reuses its own freed pages for its next job instead of faulting in new ones.
final class IndexingWorkers: @unchecked Sendable {
    /// One thread and its queue.
    private final class Worker: @unchecked Sendable {
        /// Pending tasks in order; nil stops the thread.
        private let tasks = Mutex<[(@Sendable () -> Void)?]>([])
        private let pending = DispatchSemaphore(value: 0)

        func submit(_ task: (@Sendable () -> Void)?) {
            tasks.withLock { $0.append(task) }
            pending.signal()
        }

        func runUntilStopped() {
            while true {
                pending.wait()
                guard let task = tasks.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { return }
                // The task's captures (a job's builders, for `release`) are freed here, on this thread.
                task()
            }
        }
    }

    private let workers: [Worker]

    /// Starts `count` threads. Threads of their own, not a Dispatch queue: a writer used from Swift
    /// concurrency tasks blocks its pool thread in `SegmentBuildJob.wait()`, and a job queued behind the
    /// blocked pool could never run.
    init(count: Int) {
        workers = (0..<Swift.max(1, count)).map { _ in Worker() }
        for worker in workers {
            let thread = Thread { worker.runUntilStopped() }
            thread.start()
        }
    }

    /// Each thread finishes its queue, then ends.
    deinit {
        for worker in workers { worker.submit(nil) }
    }

    var count: Int { workers.count }

    /// Runs `task` on worker `index % count` after the tasks already queued there.
    func run(on index: Int, _ task: @escaping @Sendable () -> Void) {
        workers[index % workers.count].submit(task)
    }

    /// Blocks until every worker has run the tasks queued so far (the memory sent to `release` is freed).
    func drain() {
        let done = DispatchSemaphore(value: 0)
        for worker in workers { worker.submit { done.signal() } }
        for _ in workers { done.wait() }
    }

    /// Drops `memory` on worker `index % count` (the one that allocated it), after its queued tasks. The
    /// caller must hold no other reference to what `memory` holds, or the last reference, and the
    /// free, may stay with it.
    func release<Memory>(_ memory: consuming Memory, on index: Int) {
        let holder = ReleasedMemory(memory)
        run(on: index) { holder.drop() }
    }
}

/// Carries memory to the thread that frees it (`IndexingWorkers.release`): used by one thread at a time.
private final class ReleasedMemory<Value>: @unchecked Sendable {
    private var value: Value?
    init(_ value: consuming Value) { self.value = value }
    func drop() { value = nil }
}
