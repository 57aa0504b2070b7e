import Dispatch
import Foundation
import Synchronization
import VietSearchStorage

/// A contiguous run of documents turned into segment builders on a worker thread (parallel indexing).
/// The writer creates it, `start()`s it and later `wait()`s for it in creation order, and appends the
/// builders to the segment it is assembling, so documents keep input order whatever the thread count.
/// Nothing is shared with the writer while it runs: the job owns its documents, builders and output
/// (the stored-field dictionary it is given is immutable), and the writer reads them only after `wait()`.
final class SegmentBuildJob: @unchecked Sendable {
    /// Builders in document order (more than one only when the batch indexed larger than planned).
    private(set) var output: [SegmentBuilder] = []
    /// The error that stopped the job, with the id of the document it happened on.
    private(set) var failure: (error: any Error, documentID: String)?
    /// Peak of (batch text + builder estimates) while the job ran, for accounting tests.
    private(set) var peakTrackedBytes = 0
    /// Largest builder estimate reached (to calibrate `IndexingMemoryPlan`).
    private(set) var peakBuilderBytes = 0
    /// Bytes of text in the batch.
    let textBytes: Int
    /// The worker thread the job ran on, unless started inline (nil): that thread's arena holds the
    /// job's memory. Set by the worker before the job is done (read after `wait()`/`poll()`).
    private(set) var worker: Int?

    private var documents: [Document]
    private let flushBytes: Int
    private let storedDictionary: StoredDictionaryChoice?
    /// Where this job, training the stored-field dictionary, publishes its decision for jobs started
    /// before it is made; or where such a job takes it from (`StoredDictionaryHandOff`).
    private let dictionaryHandOff: DictionaryHandOff?
    /// One per worker (the job uses its worker's; inline, the first).
    private let encoders: [DocumentEncoder]
    private let finished = DispatchSemaphore(value: 0)
    /// Set (release) when the job is done, so that `poll()` is a load: a zero-timeout semaphore wait is a
    /// futex call that put the writer's thread to sleep and woke it again on every document it added
    /// (9,000 of the 13,000 context switches of a 2-thread 10k-document run).
    private let completed = Atomic<Bool>(false)
    /// When a worker started the job (`DispatchTime` nanoseconds; 0: not yet), read by the writer while
    /// the job runs to cut the last batch (`IndexingPipeline.dispatchLastBatch`).
    private let started = Atomic<UInt64>(0)
    /// Wall time of the run, once done (worker jobs only).
    private(set) var runNanoseconds: UInt64?

    /// When the job started on its worker, or nil.
    var startedNanoseconds: UInt64? {
        let value = started.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    /// A job's part in passing the stored-field dictionary decision on while it is being made.
    enum DictionaryHandOff {
        /// The job trains the dictionary (its `storedDictionary` is nil) and publishes its decision.
        case publishes(StoredDictionaryHandOff)
        /// The job takes the decision published there (its `storedDictionary` is nil).
        case adopts(StoredDictionaryHandOff)
    }

    /// `storedDictionary`: the choice every builder of the output segment shares (nil: train one, or
    /// take it from `dictionaryHandOff`). `encoders`: one per worker of `start(on:)`'s workers, used by
    /// no job but that worker's (a syllable key cache, warm from earlier batches, is
    /// not thread-safe).
    init(documents: [Document], textBytes: Int, flushBytes: Int, storedDictionary: StoredDictionaryChoice?,
         dictionaryHandOff: DictionaryHandOff? = nil, encoders: [DocumentEncoder]) {
        self.documents = documents
        self.textBytes = textBytes
        self.flushBytes = flushBytes
        self.storedDictionary = storedDictionary
        self.dictionaryHandOff = storedDictionary == nil ? dictionaryHandOff : nil
        self.encoders = encoders
    }

    /// Runs the job on the first of `workers` free (after the jobs started before it), or, with no
    /// workers, on the caller's thread before returning.
    func start(on workers: IndexingWorkers?) {
        guard let workers else {
            run(encoder: encoders[0])
            completed.store(true, ordering: .releasing)
            finished.signal()
            return
        }
        workers.runOnAny { [self] worker in
            let start = DispatchTime.now().uptimeNanoseconds
            self.worker = worker
            started.store(start, ordering: .relaxed)
            run(encoder: encoders[worker % encoders.count]) { workers.dropReleasedMemory(onWorker: worker) }
            runNanoseconds = DispatchTime.now().uptimeNanoseconds &- start
            completed.store(true, ordering: .releasing)
            finished.signal()
        }
    }

    private var isDone = false

    /// Takes the output (the writer then owns the builders, and sends what is left of them back to the
    /// job's worker to be freed). The batch's documents are freed here, by the thread that made them.
    func takeOutput() -> [SegmentBuilder] {
        defer {
            output = []
            documents = []
        }
        return output
    }

    /// Blocks until the job is done.
    func wait() {
        guard !isDone else { return }
        finished.wait()
        isDone = true
    }

    /// True when the job is done (then its output may be read), without blocking.
    func poll() -> Bool {
        guard !isDone, completed.load(ordering: .acquiring) else { return isDone }
        // Consumes the signal, so that a later `wait()` does not block.
        wait()
        return true
    }

    /// Builds the batch; `betweenDocuments` runs after each document (the worker frees memory the
    /// writer sent back meanwhile).
    private func run(encoder: DocumentEncoder, betweenDocuments: () -> Void = {}) {
        var publishing: StoredDictionaryHandOff?
        var adopting: StoredDictionaryHandOff?
        switch dictionaryHandOff {
        case .publishes(let handOff): publishing = handOff
        case .adopts(let handOff): adopting = handOff
        case nil: break
        }
        // Published in every case, a failure included (nil: the waiting jobs then decide for themselves).
        defer { publishing?.publish(nil) }
        var builder = SegmentBuilder(storedDictionary: storedDictionary)
        if adopting != nil { builder.awaitStoredDictionary() }
        var outputBytes = 0
        // The documents stay until the writer takes the output: the writer's thread allocated them and
        // frees them there, rather than this thread waiting on the writer's malloc arena lock for each.
        let batch = documents
        for document in batch {
            do {
                _ = try encoder.encode(document, into: builder)
                betweenDocuments()
                if let handOff = adopting, let given = handOff.peek() {
                    try adopt(given, into: output + [builder])
                    adopting = nil
                }
                if let handOff = publishing, let decided = builder.storedDictionary {
                    handOff.publish(decided)
                    publishing = nil
                }
                peakBuilderBytes = max(peakBuilderBytes, builder.estimatedMemoryBytes)
                peakTrackedBytes = max(peakTrackedBytes, textBytes + builder.estimatedMemoryBytes + outputBytes)
                if builder.estimatedMemoryBytes >= flushBytes {
                    outputBytes += builder.estimatedMemoryBytes
                    output.append(builder)
                    builder = SegmentBuilder(storedDictionary: storedDictionary ?? builder.storedDictionary)
                    if adopting != nil { builder.awaitStoredDictionary() }
                }
            } catch {
                failure = (error, document.id)
                output = []
                return
            }
        }
        do {
            if let handOff = adopting {
                // Built before the training job decided: wait for its decision (it runs on another worker).
                try adopt(handOff.wait(), into: output + [builder])
            }
        } catch {
            failure = (error, batch.last?.id ?? "")
            output = []
            return
        }
        guard builder.documentCount > 0 else { return }
        do {
            if storedDictionary == nil {
                // Decide the stored-field dictionary now (on this batch) rather than when the builder is
                // joined: the first batch is a quarter size, under the 1 MiB the decision waits for, and
                // the jobs started before it was joined each trained their own (2 threads: 3 trainings of
                // ~120 M instructions per run, and 2-3 dictionaries in one segment).
                try builder.decideStoredDictionaryIfTrainable()
            }
            publishing?.publish(builder.storedDictionary)
            // The last raw blocks are compressed here rather than by the writer's append (serial).
            try builder.sealStoredIfDecided()
        } catch {
            failure = (error, batch.last?.id ?? "")
            output = []
            return
        }
        output.append(builder)
    }

    /// True if this job trains the stored-field dictionary and publishes its decision to `handOff`.
    func publishesDictionary(to handOff: StoredDictionaryHandOff) -> Bool {
        if case .publishes(let own) = dictionaryHandOff { return own === handOff }
        return false
    }

    /// Gives `builders` (undecided, waiting for it) the training job's decision.
    private func adopt(_ choice: StoredDictionaryChoice?, into builders: [SegmentBuilder]) throws {
        for builder in builders { try builder.adoptStoredDictionary(choice) }
    }
}
