import Dispatch
import Foundation
import VietSearchStorage

/// A contiguous run of documents turned into serialised segments on a worker thread (parallel
/// indexing). The writer creates it, `start()`s it and later `wait()`s for it in creation order, so
/// segments come out in input order whatever the thread count. Nothing is shared with the writer while
/// it runs: the job owns its documents, builder and output, and the writer reads them only after `wait()`.
final class SegmentBuildJob: @unchecked Sendable {
    /// Serialised segments, each with the number of documents it holds (in order).
    private(set) var output: [(segment: SerializedSegment, documents: Int)] = []
    /// The error that stopped the job, with the id of the document it happened on.
    private(set) var failure: (error: any Error, documentID: String)?
    /// Peak of (batch text + builder estimate + serialised output) while the job ran, for accounting tests.
    private(set) var peakTrackedBytes = 0
    /// Largest builder estimate reached (to calibrate `IndexingMemoryPlan`).
    private(set) var peakBuilderBytes = 0
    /// Bytes of text in the batch.
    let textBytes: Int

    private var documents: [Document]
    private let flushBytes: Int
    private let finished = DispatchSemaphore(value: 0)

    init(documents: [Document], textBytes: Int, flushBytes: Int) {
        self.documents = documents
        self.textBytes = textBytes
        self.flushBytes = flushBytes
    }

    /// Runs the job on a worker thread, or, `inline`, on the caller's thread before returning.
    func start(inline: Bool = false) {
        if inline {
            run()
            finished.signal()
            return
        }
        // A thread of its own, not a Dispatch queue: a writer used from Swift concurrency tasks blocks
        // its pool thread in `wait()`, and a job queued behind the blocked pool could never run.
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.start()
    }

    private var isDone = false

    /// Blocks until the job is done.
    func wait() {
        guard !isDone else { return }
        finished.wait()
        isDone = true
    }

    /// True when the job is done (then its output may be read), without blocking.
    func poll() -> Bool {
        if !isDone && finished.wait(timeout: .now()) == .success { isDone = true }
        return isDone
    }

    private func run() {
        let encoder = DocumentEncoder()
        var builder = SegmentBuilder()
        var outputBytes = 0
        let batch = documents
        documents = []  // the job's copy is `batch`, released when `run` returns
        for document in batch {
            do {
                _ = try encoder.encode(document, into: builder)
                peakBuilderBytes = max(peakBuilderBytes, builder.estimatedMemoryBytes)
                peakTrackedBytes = max(peakTrackedBytes, textBytes + builder.estimatedMemoryBytes + outputBytes)
                if builder.estimatedMemoryBytes >= flushBytes {
                    outputBytes += try emit(builder)
                    builder = SegmentBuilder()
                }
            } catch {
                failure = (error, document.id)
                output = []
                return
            }
        }
        do {
            if builder.documentCount > 0 { outputBytes += try emit(builder) }
        } catch {
            failure = (error, batch.last?.id ?? "")
            output = []
        }
    }

    private func emit(_ builder: SegmentBuilder) throws -> Int {
        let segment = try IndexStore.serializeSegment(builder)
        output.append((segment, builder.documentCount))
        return segment.memoryBytes
    }
}
