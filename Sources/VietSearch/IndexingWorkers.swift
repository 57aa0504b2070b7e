import Dispatch
import Foundation
import Synchronization

/// Long-lived threads that run parallel indexing's jobs, for the life of a writer: each has a FIFO queue
/// of its own, and they share one more (`runOnAny`), from which whichever thread is free first takes.
/// A thread per job (the earlier way) got whichever glibc malloc arena was free when it started, so a
/// job's memory was freed by the writer's thread, or reallocated by it, while a later job allocated in
/// the same arena, and the two waited for each other on the arena's lock (most of the context switches
/// left in a 2-thread run). A worker keeps its arena for its life; the writer sends the memory its jobs
/// allocated back to it to be freed there (`release`), so the writer's thread never touches a worker's
/// arena and a worker reuses its own freed pages for its next job instead of faulting in new ones.
final class IndexingWorkers: @unchecked Sendable {
    typealias Task = @Sendable () -> Void
    typealias SharedTask = @Sendable (_ worker: Int) -> Void

    /// Every queue, guarded by `changed`'s lock.
    private struct Queues {
        /// Per worker, in order; nil stops the thread. A worker runs its own tasks before shared ones.
        var own: [[Task?]]
        var shared: [SharedTask] = []
    }

    /// Memory sent back to one worker, dropped there at its next task or between the documents of the
    /// job it runs (`dropReleasedMemory`), whichever comes first.
    private final class ReturnedMemory: @unchecked Sendable {
        private let held = Mutex<[ReleasedMemoryHolder]>([])
        private let isEmpty = Atomic<Bool>(true)

        func post(_ memory: ReleasedMemoryHolder) {
            held.withLock { $0.append(memory) }
            isEmpty.store(false, ordering: .releasing)
        }

        /// Drops what was posted so far. Only on the worker's own thread (its arena holds the memory).
        func drop() {
            guard !isEmpty.load(ordering: .acquiring) else { return }
            let memory = held.withLock { posted -> [ReleasedMemoryHolder] in
                isEmpty.store(true, ordering: .relaxed)
                defer { posted = [] }
                return posted
            }
            for holder in memory { holder.drop() }
        }
    }

    /// The queues, held by the threads (not `IndexingWorkers`, whose deinit stops them).
    private final class Board: @unchecked Sendable {
        private var queues: Queues
        private let changed = NSCondition()

        init(count: Int) { queues = Queues(own: Array(repeating: [], count: count)) }

        func submit(_ task: Task?, to index: Int) {
            changed.lock()
            queues.own[index].append(task)
            changed.unlock()
            changed.broadcast()
        }

        func submitShared(_ task: @escaping SharedTask) {
            changed.lock()
            queues.shared.append(task)
            changed.unlock()
            changed.broadcast()
        }

        private enum Next {
            case own(Task)
            case shared(SharedTask)
            case stop
        }

        func runUntilStopped(worker index: Int) {
            while true {
                changed.lock()
                while queues.own[index].isEmpty && queues.shared.isEmpty { changed.wait() }
                let next: Next
                if !queues.own[index].isEmpty {
                    next = queues.own[index].removeFirst().map { .own($0) } ?? .stop
                } else {
                    next = .shared(queues.shared.removeFirst())
                }
                changed.unlock()
                // The task's captures (a job's builders, for `release`) are freed here, on this thread.
                switch next {
                case .own(let task): task()
                case .shared(let task): task(index)
                case .stop: return
                }
            }
        }
    }

    private let board: Board
    private let returned: [ReturnedMemory]

    /// Starts `count` threads. Threads of their own, not a Dispatch queue: a writer used from Swift
    /// concurrency tasks blocks its pool thread in `SegmentBuildJob.wait()`, and a job queued behind the
    /// blocked pool could never run.
    init(count: Int) {
        let count = Swift.max(1, count)
        let board = Board(count: count)
        self.board = board
        returned = (0..<count).map { _ in ReturnedMemory() }
        for index in 0..<count {
            let thread = Thread { board.runUntilStopped(worker: index) }
            thread.start()
        }
    }

    /// Each thread finishes its own queue, then ends (a stopped thread takes no more shared tasks).
    deinit {
        for index in 0..<count { board.submit(nil, to: index) }
    }

    var count: Int { returned.count }

    /// Runs `task` on worker `index % count` after the tasks already queued there.
    func run(on index: Int, _ task: @escaping Task) {
        board.submit(task, to: index % count)
    }

    /// Runs `task` on the first worker free of its own tasks, after the shared tasks already queued (in
    /// order taken, not necessarily in order finished); `task` is told which worker runs it.
    func runOnAny(_ task: @escaping SharedTask) {
        board.submitShared(task)
    }

    /// Blocks until every worker has run its own tasks queued so far (the memory sent to `release` is
    /// freed). Shared tasks still queued may run later.
    func drain() {
        let done = DispatchSemaphore(value: 0)
        for index in 0..<count { run(on: index) { done.signal() } }
        for _ in 0..<count { done.wait() }
    }

    /// Drops `memory` on worker `index % count` (the one that allocated it): between two documents of
    /// the job it runs, or at its next task. Not after its queued tasks: a job may be about to start
    /// there (`IndexingMemoryPlan.jobsInFlight`), and the memory, a builder's worth, would have stayed
    /// for the whole of it. The caller must hold no other reference to what `memory` holds, or the last
    /// reference, and the free, may stay with it.
    func release<Memory>(_ memory: consuming Memory, on index: Int) {
        let mailbox = returned[index % count]
        mailbox.post(ReleasedMemory(memory))
        run(on: index) { mailbox.drop() }
    }

    /// Frees the memory sent back to worker `index % count` so far: called on that worker's thread, by
    /// the job it runs, between documents (an atomic load when there is none).
    func dropReleasedMemory(onWorker index: Int) {
        returned[index % count].drop()
    }
}

/// Memory waiting to be dropped on the worker that allocated it.
private class ReleasedMemoryHolder: @unchecked Sendable {
    func drop() {}
}

/// Carries memory to the thread that frees it (`IndexingWorkers.release`): used by one thread at a time.
private final class ReleasedMemory<Value>: ReleasedMemoryHolder, @unchecked Sendable {
    private var value: Value?
    init(_ value: consuming Value) { self.value = value }
    override func drop() { value = nil }
}
