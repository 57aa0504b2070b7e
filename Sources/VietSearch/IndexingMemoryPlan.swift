/// How the writer splits its memory budget (README "Performance", memory while indexing).
///
/// Writing a segment holds, besides the in-memory builder, the segment's sections and then the whole
/// file they are concatenated into, so one thread flushes its builder at
/// `budget / (1 + serializationOverhead)`, not at the budget. With `threads` workers, memory holds up
/// to `threads` jobs (a batch of raw documents, the builder it becomes, its serialisation) plus the
/// batch being filled, so a batch is cut at `budget / (threads · jobFactor + 1)` bytes of text. The
/// builder's size per text byte depends on the corpus (distinct terms cost more than repeated ones): the
/// first batch is built alone to measure it, and later jobs keep it up to date (`observe`).
struct IndexingMemoryPlan: Equatable {
    /// Bytes of segment data in memory while a builder is serialised, per builder byte (the sections,
    /// then the file). Measured on the generated corpus: a 64 MiB builder gives a 32 MB file, and the
    /// sections' arrays grow by doubling.
    static let serializationOverhead = 1.25
    /// Builder bytes per byte of document text before any job has reported: 2.5 measured on the
    /// generated news corpus (stored text, postings, term table).
    static let initialBuilderBytesPerTextByte = 2.5
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

    /// Memory of one parallel job per byte of its batch's text: the text, its builder (with headroom),
    /// the serialisation.
    var jobFactor: Double { 1 + Self.builderHeadroom * builderBytesPerTextByte * (1 + Self.serializationOverhead) }

    /// A batch is handed to a worker when its documents' text reaches this (parallel mode only).
    var batchBytes: Int {
        Swift.max(1, Int(Double(budget) / (Double(threads) * jobFactor + 1)))
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
