import Dispatch
import VietSearchStorage

/// Turns the documents the writer adds into serialised segments, in input order, within the memory
/// plan. With one thread it encodes each document into one builder on the caller's thread; with more,
/// it cuts the input into contiguous batches that worker threads build (`SegmentBuildJob`), `threads` at
/// a time with one more queued (`IndexingMemoryPlan.jobsInFlight`), and appends their builders in order
/// to one segment being assembled
/// (`SegmentBuilder.append`: cheap, unlike a merge of written segments), serialised when it reaches
/// the plan's segment size. Documents are numbered by ordinal in the order added; each produced
/// segment says which ordinals it holds (its local doc ids in the same order).
final class IndexingPipeline {
    /// A segment ready to be written, holding the documents numbered `ordinals`.
    struct Produced {
        var segment: SerializedSegment
        var ordinals: Range<Int>
    }

    /// A worker rejected a document that passed the checks made when it was added (not expected):
    /// its batch is lost, so the writer must discard everything uncommitted.
    struct WorkerFailure: Error {
        var error: VietSearchError
    }

    private(set) var plan: IndexingMemoryPlan
    /// The ordinal the next added document gets.
    private(set) var nextOrdinal = 0
    /// First ordinal not yet handed out in a produced segment.
    private var producedOrdinal = 0

    // One thread.
    private let encoder = DocumentEncoder()
    private var builder = SegmentBuilder()
    private var builderIDBytes = 0

    // Several threads.
    private var batch: [Document] = []
    private var batchTextBytes = 0
    private var batchFieldNames: Set<String> = []
    private var jobs: [SegmentBuildJob] = []
    private var jobTextBytes: [Int] = []
    /// One encoder per worker: a job uses the one of the worker that runs it, and a worker runs its
    /// jobs one after the other, so no two running jobs share one. Reusing them keeps
    /// their syllable key caches warm (a fresh cache per batch cost the slow analysis path again).
    private lazy var encoders = (0..<plan.threads).map { _ in DocumentEncoder() }
    private(set) var dispatchedJobs = 0
    /// The threads jobs run on (each job on the first free, with that thread's encoder), started with
    /// the first job.
    private var workers: IndexingWorkers?
    /// Wall time per text byte of the last collected worker job (0: none yet), to cut the last batch.
    private var lastJobNanosecondsPerByte = 0.0
    /// The segment being assembled from finished jobs' builders.
    private var assembled: SegmentBuilder?
    /// The stored-field dictionary decision of the first job that made one, given to later jobs so
    /// that the assembled segment has one dictionary.
    private var storedDictionary: StoredDictionaryChoice?
    /// While the job training the stored-field dictionary runs (none given yet), where it publishes
    /// its decision for the jobs started beside it; cleared when that job is collected.
    private var dictionaryInTraining: StoredDictionaryHandOff?

    /// Largest memory the pipeline accounted for at once (builders, batches, serialised output).
    private(set) var peakTrackedBytes = 0

    init(plan: IndexingMemoryPlan) {
        self.plan = plan
    }

    /// Documents added and not yet produced.
    var bufferedDocuments: Int { nextOrdinal - producedOrdinal }

    /// Adds `document` (already validated) under ordinal `nextOrdinal` and returns the segments that
    /// became ready, oldest first. A document the builder rejects (too many fields, a term too long)
    /// throws before anything changes.
    func add(_ document: Document) throws -> [Produced] {
        if plan.threads == 1 {
            _ = try encoder.encode(document, into: builder)
            nextOrdinal += 1
            builderIDBytes += document.id.utf8.count + IndexingMemoryPlan.perDocumentBytes
            let tracked = builder.estimatedMemoryBytes + builderIDBytes
            peakTrackedBytes = max(peakTrackedBytes, tracked)
            return tracked >= plan.flushBytes ? [try produceBuilder()] : []
        }
        try checkBeforeBatching(document)
        // Finished jobs are collected as soon as seen, so their segments are written (and their memory
        // freed) without waiting for the pipeline to fill.
        var produced: [Produced] = []
        while let oldest = jobs.first, oldest.poll() { produced += try collectOldestJob() }
        // A batch never exceeds its size by a document, unless that one document is larger.
        let documentBytes = Self.textBytes(of: document)
        if !batch.isEmpty && batchTextBytes + documentBytes > batchLimit { produced += try dispatchBatch() }
        batch.append(document)
        batchTextBytes += documentBytes
        nextOrdinal += 1
        peakTrackedBytes = max(peakTrackedBytes, trackedParallelBytes)
        if batchTextBytes >= batchLimit { produced += try dispatchBatch() }
        return produced
    }

    /// Text bytes at which the batch being filled is handed over. Until the first job is collected (its
    /// builder-to-text ratio calibrates the plan, before batches are sized for several jobs at once),
    /// batches are smaller (`firstBatchBytes`): they are sized on the plan's initial guess, and the first
    /// ones start the run (a full-size first batch built alone was a sixth of a 10k-document run).
    private var batchLimit: Int { plan.isCalibrated ? plan.batchBytes : plan.firstBatchBytes }

    /// Everything added so far, as segments (waits for the workers).
    func finish() throws -> [Produced] {
        if plan.threads == 1 { return builder.documentCount > 0 ? [try produceBuilder()] : [] }
        var produced = batch.isEmpty ? [] : try dispatchLastBatch()
        while !jobs.isEmpty { produced += try collectOldestJob() }
        if let workers {
            // The workers keep their freed job memory for their next jobs; none comes before the next
            // batch, so it goes back to the system before the last segment is serialised (the run's
            // memory peak), once the workers have freed what was sent back to them.
            workers.drain()
            FreedMemory.returnToSystem()
        }
        if let assembled {
            self.assembled = nil
            produced.append(try produce(assembled))
        }
        return produced
    }

    /// Forgets every buffered document (jobs still running finish on their own; their output is dropped).
    func reset() {
        builder = SegmentBuilder()
        builderIDBytes = 0
        batch = []
        batchTextBytes = 0
        batchFieldNames = []
        jobs = []
        jobTextBytes = []
        assembled = nil
        storedDictionary = nil
        dictionaryInTraining = nil
        // Dropped jobs may still be running with the old encoders.
        encoders = (0..<plan.threads).map { _ in DocumentEncoder() }
        producedOrdinal = nextOrdinal
    }

    private func produceBuilder() throws -> Produced {
        let produced = try produce(builder)
        builder = SegmentBuilder()
        builderIDBytes = 0
        return produced
    }

    /// Serialises `segmentBuilder`, which holds the documents from `producedOrdinal` on.
    private func produce(_ segmentBuilder: SegmentBuilder) throws -> Produced {
        let builderBytes = segmentBuilder.estimatedMemoryBytes
        // The builder is dropped after this: its streams are freed as they are encoded.
        // With one indexing thread the second core idles during a flush: its postings are encoded on two
        // (the same bytes for any count; PERFORMANCE.md "Indexing (session 13: flushes and the final merge)").
        let segment = try IndexStore.serializeSegment(segmentBuilder, threads: max(plan.threads, min(2, IndexConfiguration.defaultThreads)),
                                                      consuming: true)
        peakTrackedBytes = max(peakTrackedBytes, (plan.threads == 1 ? builderIDBytes : trackedParallelBytes)
                                   + builderBytes + segment.memoryBytes)
        let ordinals = producedOrdinal..<producedOrdinal + segmentBuilder.documentCount
        producedOrdinal = ordinals.upperBound
        return Produced(segment: segment, ordinals: ordinals)
    }

    /// Appends a finished job's builder to the segment being assembled, first producing that segment
    /// if the two would pass the plan's segment size (or 255 fields together).
    /// `retired` collects what is left of `next` once appended, for its worker to free.
    /// A builder that starts the assembled segment and `ranOnWorker` gets its streams copied into this
    /// thread's memory first (`SegmentBuilder.moveStreamsToCallingThread`): the appends that follow
    /// reallocate them here, not in the worker's arena, and the segment is freed, after it is written,
    /// where `FreedMemory` trims it (left in the workers' arenas, 100k documents peaked 6 MB higher).
    private func assemble(_ next: SegmentBuilder, worker: Int?,
                          retired: inout [SegmentBuilder.RetiredMemory]) throws -> [Produced] {
        let ranOnWorker = worker != nil
        guard let current = assembled else {
            assembled = next
            if ranOnWorker { retired.append(next.moveStreamsToCallingThread()) }
            return []
        }
        let fields = Set(current.fieldNames).union(next.fieldNames).count
        if current.estimatedMemoryBytes + next.estimatedMemoryBytes > plan.segmentBytes
            || fields > SegmentBuilder.maximumFieldCount {
            assembled = next
            if ranOnWorker { retired.append(next.moveStreamsToCallingThread()) }
            // The worker's copy of `next` goes back now, not after `current` is serialised: that is
            // the run's memory peak, and the copy is a whole builder.
            release(&retired, to: worker)
            // Free pages kept by the arenas (the writer's: the last segment's sections) go back to the
            // system before the peak, as `finish` does before the last segment.
            FreedMemory.returnToSystem()
            return [try produce(current)]
        }
        retired.append(try current.append(next))
        return []
    }

    /// Starts a job for the current batch, first collecting the oldest jobs while `jobsInFlight` are
    /// dispatched. With `threads` running, the batch waits in the workers' shared queue: the first
    /// worker to finish its job starts it at once, while the writer appends the oldest's builder and
    /// fills the next batch (with a worker waiting for the writer to do both, the two cores were busy
    /// 1.66 of 2 on average).
    private func dispatchBatch() throws -> [Produced] {
        var produced: [Produced] = []
        while jobs.count >= plan.jobsInFlight { produced += try collectOldestJob() }
        dispatch(batch, textBytes: batchTextBytes)
        batch = []
        batchTextBytes = 0
        batchFieldNames = []
        return produced
    }

    /// The last batch, when the input ends. With 2 workers, one is usually still building the job before
    /// it: given whole to the free worker, the last job ran alone for up to a job's time while the other
    /// core idled. It is cut so that both end together: the free worker gets the larger part, larger by
    /// what the busy one still has to do (estimated from the pace of the last collected job), and the
    /// other part waits in the shared queue for whichever worker ends first (each uses its own encoder).
    private func dispatchLastBatch() throws -> [Produced] {
        var produced: [Produced] = []
        while jobs.count >= plan.threads { produced += try collectOldestJob() }
        let free = batchTextBytes - Self.splitPoint(total: batchTextBytes, busyRemaining: busyWorkerRemainingBytes)
        guard plan.threads == 2, workers != nil, jobs.count == 1, free < batchTextBytes else {
            dispatch(batch, textBytes: batchTextBytes)
            batch = []
            batchTextBytes = 0
            batchFieldNames = []
            return produced
        }
        var cut = 0
        var firstBytes = 0
        while cut < batch.count && firstBytes < free {
            firstBytes += Self.textBytes(of: batch[cut])
            cut += 1
        }
        dispatch(Array(batch[..<cut]), textBytes: firstBytes)
        if cut < batch.count { dispatch(Array(batch[cut...]), textBytes: batchTextBytes - firstBytes) }
        batch = []
        batchTextBytes = 0
        batchFieldNames = []
        return produced
    }

    /// Text bytes of the last batch for the busy worker (the rest goes to the free one): half of what
    /// the two have left in all, less the busy worker's remaining work; 0 (no cut) when that is under
    /// a sixteenth of the batch (a tiny job costs more than it balances).
    static func splitPoint(total: Int, busyRemaining: Int) -> Int {
        let busyShare = (total - busyRemaining) / 2
        return busyShare * 16 < total ? 0 : busyShare
    }

    /// Text bytes the newest running job has still to build, from the pace (text bytes per second) of
    /// the last job collected; 0 when not known.
    private var busyWorkerRemainingBytes: Int {
        guard let running = jobs.last, let started = running.startedNanoseconds, lastJobNanosecondsPerByte > 0 else { return 0 }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds &- started)
        return Swift.max(0, running.textBytes - Int(elapsed / lastJobNanosecondsPerByte))
    }

    /// Starts a job for `documents` on the first worker free (jobs start in the order dispatched).
    /// Every job runs on a worker, the first one too: built on the caller's thread (to calibrate the
    /// plan with no worker running, as before), it left the other core idle for its whole time, about 4%
    /// of a 2-thread 10k-document run. Now the second (quarter) batch is built beside it; as the first
    /// job trains the stored-field dictionary, the jobs started before it decides take its decision
    /// (`StoredDictionaryHandOff`) rather than train their own.
    private func dispatch(_ documents: [Document], textBytes: Int) {
        var handOff: SegmentBuildJob.DictionaryHandOff?
        if storedDictionary == nil, let training = dictionaryInTraining, let published = training.peek() {
            // The training job decided, not yet collected (a job is dispatched before the oldest is):
            // its decision is given as if collected; none made, this job trains again.
            storedDictionary = published
            dictionaryInTraining = nil
        }
        if storedDictionary == nil {
            if let training = dictionaryInTraining {
                handOff = .adopts(training)
            } else {
                let training = StoredDictionaryHandOff()
                dictionaryInTraining = training
                handOff = .publishes(training)
            }
        }
        let job = SegmentBuildJob(documents: documents, textBytes: textBytes, flushBytes: plan.flushBytes,
                                  storedDictionary: storedDictionary, dictionaryHandOff: handOff,
                                  encoders: encoders)
        dispatchedJobs += 1
        jobs.append(job)
        jobTextBytes.append(textBytes)
        if workers == nil { workers = IndexingWorkers(count: plan.threads) }
        job.start(on: workers)
    }

    private func collectOldestJob() throws -> [Produced] {
        let job = jobs.removeFirst()
        jobTextBytes.removeFirst()
        job.wait()
        peakTrackedBytes = max(peakTrackedBytes, job.peakTrackedBytes + trackedParallelBytes)
        plan.observe(builderBytes: job.peakBuilderBytes, textBytes: job.textBytes)
        if let nanoseconds = job.runNanoseconds, job.textBytes > 0 {
            lastJobNanosecondsPerByte = Double(nanoseconds) / Double(job.textBytes)
        }
        if let failure = job.failure {
            reset()
            throw WorkerFailure(error: VietSearchError.invalidInput(
                source: "document", line: 0, message: "document \(failure.documentID): \(failure.error)"))
        }
        var produced: [Produced] = []
        var retired: [SegmentBuilder.RetiredMemory] = []
        // The training job has published its decision by now (later jobs are given it, or, if it
        // made none, the next job dispatched trains again).
        if let training = dictionaryInTraining, job.publishesDictionary(to: training) { dictionaryInTraining = nil }
        for builder in job.takeOutput() {
            if storedDictionary == nil { storedDictionary = builder.storedDictionary }
            produced += try assemble(builder, worker: job.worker, retired: &retired)
        }
        release(&retired, to: job.worker)
        return produced
    }

    /// Sends what is left of appended builders back to the worker whose arena holds it, to be freed
    /// there: not here, where each free waited on the arena's lock while that thread allocated. The heap
    /// is no longer trimmed after each job: the worker reuses those pages for its next job instead of
    /// faulting in new ones (PERFORMANCE.md "Indexing (session 10: ...)": 100k documents, minor faults
    /// −30%, same peak RSS).
    private func release(_ retired: inout [SegmentBuilder.RetiredMemory], to worker: Int?) {
        guard let workers, let worker, !retired.isEmpty else { return }
        let memory = retired
        retired = []
        workers.release(consume memory, on: worker)
    }

    /// Accounted bytes outside running jobs' builders: the batch being filled, each job's text (a job's
    /// builder is at most `jobFactor − 1` times its text, see `IndexingMemoryPlan`) and the segment
    /// being assembled.
    private var trackedParallelBytes: Int {
        batchTextBytes + batch.count * IndexingMemoryPlan.perDocumentBytes
            + Int(Double(jobTextBytes.reduce(0, +)) * plan.jobFactor) + (assembled?.estimatedMemoryBytes ?? 0)
    }

    /// What a worker could reject, checked here so that the error names the document being added:
    /// the 255-field limit of a segment (counted over the batch, which a worker may split but never
    /// joins to another) and terms too long (a text run without a space or punctuation byte near the
    /// limit is analysed here, rarely, to find out).
    private func checkBeforeBatching(_ document: Document) throws {
        var newNames = 0
        for field in document.fields where !batchFieldNames.contains(field.name) { newNames += 1 }
        if batchFieldNames.count + newNames + 1 > SegmentBuilder.maximumFieldCount {
            throw VietSearchError.limitExceeded("more than \(SegmentBuilder.maximumFieldCount) fields (adding document \(document.id))")
        }
        let suspicious = SegmentBuilder.maximumTermLength / 4
        // Only a field at least that long can hold such a run (scanning every byte cost 5% of a run).
        if document.fields.contains(where: { $0.value.utf8.count >= suspicious && Self.longestRun(in: $0.value) >= suspicious }) {
            _ = try encoder.encode(document, into: SegmentBuilder())
        }
        for field in document.fields { batchFieldNames.insert(field.name) }
    }

    private static func textBytes(of document: Document) -> Int {
        document.fields.reduce(document.id.utf8.count) { $0 + $1.value.utf8.count }
    }

    /// Longest run of bytes with no ASCII space, control or punctuation byte (where tokens end).
    private static func longestRun(in text: String) -> Int {
        var longest = 0
        var run = 0
        for byte in text.utf8 {
            if byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) {
                run += 1
            } else {
                longest = max(longest, run)
                run = 0
            }
        }
        return max(longest, run)
    }
}
