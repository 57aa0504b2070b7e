/// How the writer splits its memory budget (PERFORMANCE.md, the "Indexing" sections on peak memory).
///
/// Writing a segment holds, besides the in-memory builder, the sections serialised from it (written to
/// the file one after the other, never copied together), so one thread flushes its builder at
/// `budget / (1 + serializationOverhead)`. With `threads` workers, a share `parallelShare` of the budget
/// holds up to `jobsInFlight` jobs (a batch of raw documents and the builder it becomes) plus the batch
/// being filled, so a batch is cut at `parallelShare · budget / (jobsInFlight · jobFactor + 1)` bytes of text; the
/// rest holds the segment assembled from finished jobs' builders and its serialisation
/// (`segmentBytes`). The builder's size per text byte depends on the corpus (distinct terms cost more
/// than repeated ones): the first batch is built alone to measure it, and later jobs keep it up to date
/// (`observe`).
struct IndexingMemoryPlan: Equatable {
    /// Bytes of segment data in memory while a builder is serialised, per builder byte (its sections
    /// but the stored blocks, which the builder already holds compressed). Measured on the 10k-document
    /// synthetic corpus: 43 MB of sections (by capacity) for a 59-65 MB builder.
    static let serializationOverhead = 0.75
    /// Builder bytes per byte of document text before any job has reported: 1.4-1.55 measured on the
    /// 10k-document synthetic corpus (postings, term table, stored text compressed).
    static let initialBuilderBytesPerTextByte = 1.6
    /// Share of the budget for the parallel jobs and the batch being filled (the rest: the segment
    /// they are assembled into). Smaller batches leave more room for one large segment; they cost an
    /// append each (cheap) and keep both threads busy as well.
    static let parallelShare = 0.2
    /// Bookkeeping per buffered document (its id in the writer's id table), beyond the id's bytes.
    static let perDocumentBytes = 96

    let budget: Int
    let threads: Int
    /// Builder bytes per text byte, as last observed (biased upward: a rise is taken at once, a fall slowly).
    private(set) var builderBytesPerTextByte = Self.initialBuilderBytesPerTextByte

    init(budget: Int, threads: Int) {
        self.budget = Swift.max(1, budget)
        self.threads = Swift.max(1, threads)
    }

    /// A job may let its builder grow this much past the expected size before splitting its batch
    /// (so that a slightly denser batch does not end in a tiny extra segment); it also absorbs an
    /// underestimated ratio before the first jobs report.
    static let builderHeadroom = 1.25

    /// Memory of one parallel job per byte of its batch's text: the text and its builder (with headroom).
    var jobFactor: Double { 1 + Self.builderHeadroom * builderBytesPerTextByte }

    /// Jobs dispatched and not yet collected, at most (parallel mode): one per thread running, plus one
    /// queued behind the oldest on its worker, so that the worker starts it the moment the oldest ends
    /// instead of idling while the writer appends the oldest's builder and fills the next batch. Once
    /// the queued job starts, the oldest's builder (finished, not yet appended) is still held: that is
    /// the extra job the budget pays for, with smaller batches.
    var jobsInFlight: Int { threads + 1 }

    /// A batch is handed to a worker when its documents' text reaches this (parallel mode only).
    var batchBytes: Int { batchBytes(holdingJobs: jobsInFlight) }

    /// A batch's text when the parallel share holds `jobs` jobs plus the batch being filled.
    private func batchBytes(holdingJobs jobs: Int) -> Int {
        Swift.max(1, Int(Self.parallelShare * Double(budget) / (Double(jobs) * jobFactor + 1)))
    }

    /// The first batches' size, before a job has calibrated the plan: a quarter of a batch sized for
    /// `threads` jobs, not `jobsInFlight`. The first job trains the segment's stored-field dictionary on
    /// its batch (samples up to `StoredFieldsWriter.trainingSampleBytes`); cut a third smaller with the
    /// queued job, it made the 10k-document corpus's stored fields 3.7% larger. A quarter batch is far
    /// inside the budget whatever the jobs in flight.
    var firstBatchBytes: Int { batchBytes(holdingJobs: threads) / 4 }

    /// The segment assembled from parallel jobs' builders is serialised before it would pass this.
    var segmentBytes: Int {
        Swift.max(1, Int((1 - Self.parallelShare) * Double(budget) / (1 + Self.serializationOverhead)))
    }

    /// A builder is flushed when its estimated bytes reach this. In parallel mode a batch normally
    /// becomes one builder of about `builderBytesPerTextByte × batchBytes`; the limit, with headroom,
    /// splits a batch whose documents index larger than expected instead of letting it overrun.
    var flushBytes: Int {
        if threads == 1 { return Swift.max(1, Int(Double(budget) / (1 + Self.serializationOverhead))) }
        return Swift.max(1, Int(Self.builderHeadroom * builderBytesPerTextByte * Double(batchBytes)))
    }

    /// True once a job has reported its ratio.
    private(set) var isCalibrated = false

    /// Takes a finished job's ratio of builder bytes to text bytes into account.
    mutating func observe(builderBytes: Int, textBytes: Int) {
        guard textBytes > 0, builderBytes > 0 else { return }
        let observed = Double(builderBytes) / Double(textBytes)
        builderBytesPerTextByte = isCalibrated ? Swift.max(observed, 0.75 * builderBytesPerTextByte + 0.25 * observed)
            : observed
        isCalibrated = true
    }
}
