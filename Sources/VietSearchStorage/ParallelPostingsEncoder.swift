import Dispatch
import Synchronization

/// Encodes a builder's postings and positions (FORMAT.md, "Postings", "Positions") on several threads:
/// the sorted terms are cut into `parts` contiguous runs of about equal stream bytes, each encoded by
/// its own `PostingsWriter`, and the runs are laid end to end. A term's bytes do not depend on where
/// they lie (skip entries are relative to the term), so only offsets move; and "Shared term data" is
/// restored across runs: a term whose bytes equal those of a term of the same field in an earlier run
/// points at them instead, exactly as one writer would have decided, so the segment is byte for byte
/// the one a single writer produces (tested). The sections come back as slices of the runs' buffers,
/// never copied into one array.
struct ParallelPostingsEncoder {
    struct Output {
        var postings: [ArraySlice<UInt8>] = []
        var positions: [ArraySlice<UInt8>] = []
        /// Per term, in dictionary order.
        var locations: [TermDataLocation] = []
        var documentFrequencies: [UInt32] = []
        var totalTermFrequencies: [UInt64] = []
        /// Heap bytes of the runs' buffers.
        var memoryBytes = 0
    }

    /// One run's encoding, in its own coordinates.
    private struct Run {
        var postings: [UInt8] = []
        var positions: [UInt8] = []
        var locations: [TermDataLocation] = []
        var documentFrequencies: [UInt32] = []
        var totalTermFrequencies: [UInt64] = []
        /// Bytes `postings` and `positions` may hold resident (their unused capacity was given back).
        var residentBytes = 0
        var error: (any Error)?
    }

    /// What identifies equal term data (as `PostingsWriter` shares it), with the field.
    private struct ContentKey: Hashable {
        var field: UInt8
        var postingsLength: UInt64
        var positionsLength: UInt64
        var postingsChecksum: UInt32
        var positionsChecksum: UInt32
    }

    /// The first term with some content: its index in `terms` and its run (the location and bytes are
    /// looked up there). Small on purpose: the map holds every shareable term, and since the runs are
    /// joined while later runs encode it is alive at the flush's memory peak (with the location and
    /// ranges inline, 10k documents peaked ~5 MB higher).
    private struct FirstWritten {
        var term: UInt32
        var run: UInt32
    }

    /// One slot per run, each written by its own thread (no array: concurrent writes to one array's
    /// elements would be overlapping accesses to the array).
    private struct Slots: @unchecked Sendable {
        let base: UnsafeMutablePointer<Run>
    }

    /// The builder, read (never written) by every run's thread.
    private struct SharedBuilder: @unchecked Sendable {
        let buffer: SegmentBuffer
    }

    /// Stream bytes per run when the builder is large: small runs keep each run's buffers (which grow
    /// by doubling, and are copied when they do) a few MiB, instead of one run's arrays growing to the
    /// whole segment's postings with a transient copy at each doubling.
    static let runStreamBytes = 4 << 20
    /// How many terms ahead of the one being encoded its entry, then its stream's start, are asked for.
    static let entryLookahead = 16
    static let streamLookahead = 8

    /// Receives each run's joined terms, in term order, while later runs may still be encoding:
    /// `terms` indexes `encode`'s `terms`, and the three slices hold their final values in that order.
    typealias JoinedTerms = (_ terms: Range<Int>, _ locations: ArraySlice<TermDataLocation>,
                             _ documentFrequencies: ArraySlice<UInt32>, _ totalTermFrequencies: ArraySlice<UInt64>) -> Void

    /// Encodes `terms` (sorted) of `builder` on `parts` threads. `releasingStreams`: frees each term's
    /// builder stream once decoded (the builder is being consumed), so that the encoded sections take
    /// the place of the streams in memory rather than coming on top of them.
    /// `runBytes`: stream bytes per run (tests make it small to exercise many runs).
    /// `joined`: called once per run, in run order, never two at a time, as soon as the run and every
    /// run before it are encoded: the runs are joined (offsets moved, data shared across runs) by the
    /// thread that completes that prefix, so the serial join, and the caller's per-term work (the term
    /// dictionary), overlap the runs still encoding instead of following the last one (README
    /// "Indexing (session 11: two threads, the end of the run)").
    static func encode(_ builder: SegmentBuffer, terms: [Int], parts requested: Int,
                       releasingStreams: Bool = false, runBytes: Int = Self.runStreamBytes,
                       joined: JoinedTerms? = nil) throws -> Output {
        let threads = Swift.max(1, requested)
        var total = 0
        for term in terms { total += builder.termStreams.byteCount(term) }
        let wanted = Swift.max(threads, total / Swift.max(1, runBytes))
        let parts = Swift.max(1, Swift.min(wanted, terms.count / 1_024 + 1))
        var bounds = [0]
        if parts > 1 {
            var sum = 0
            for (index, term) in terms.enumerated() where bounds.count < parts {
                sum += builder.termStreams.byteCount(term)
                if sum * parts >= total * bounds.count { bounds.append(index + 1) }
            }
        }
        bounds.append(terms.count)
        let splitPoints = bounds
        let runCount = splitPoints.count - 1
        let slots = Slots(base: UnsafeMutablePointer<Run>.allocate(capacity: runCount))
        slots.base.initialize(repeating: Run(), count: runCount)
        defer {
            slots.base.deinitialize(count: runCount)
            slots.base.deallocate()
        }
        let shared = SharedBuilder(buffer: builder)
        let joiner = RunJoiner(slots: slots, splitPoints: splitPoints, fields: terms.map { builder.terms.field(of: $0) },
                               joined: joined)
        let encodeRun = { @Sendable (run: Int) in
            let builder = shared.buffer
            var output = Run()
            var writer = PostingsWriter()
            var buffer = TermPostingsBuffer()
            // Room for the run's encoded bytes from the start (measured on the 10k-document corpus: postings
            // 0.15-0.25 and positions 0.45-0.57 times the stream bytes): grown by doubling, the arrays were
            // copied, and their pages faulted in, about twice over before the exact copy below.
            var streamBytes = 0
            for term in terms[splitPoints[run]..<splitPoints[run + 1]] { streamBytes += builder.termStreams.byteCount(term) }
            writer.reserveCapacity(postings: streamBytes * 3 / 10, positions: streamBytes * 13 / 20)
            do {
                let runEnd = splitPoints[run + 1]
                for position in splitPoints[run]..<runEnd {
                    // Terms come in key order, their entries and streams in the order the terms were first
                    // met: each would miss the cache.
                    if position &+ Self.entryLookahead < runEnd {
                        builder.termStreams.prefetchEntry(terms[position &+ Self.entryLookahead])
                    }
                    if position &+ Self.streamLookahead < runEnd {
                        builder.termStreams.prefetchForDecoding(terms[position &+ Self.streamLookahead])
                    }
                    let term = terms[position]
                    buffer.decode(stream: builder.termStreams.bytes(term))
                    if releasingStreams { builder.termStreams.release(term) }
                    let field = builder.terms.field(of: term)
                    output.locations.append(try writer.append(buffer, field: field,
                                                              fieldLengths: builder.fieldLengths[Int(field)]))
                    var total: UInt64 = 0
                    for frequency in buffer.frequencies { total += UInt64(frequency) }
                    output.documentFrequencies.append(UInt32(buffer.docs.count))
                    output.totalTermFrequencies.append(total)
                }
            } catch {
                output.error = error
            }
            // Kept until the file is written: the room the estimate left unused goes back to the system.
            output.postings = writer.postings
            output.positions = writer.positions
            output.residentBytes = FreedMemory.releaseUnusedCapacity(of: output.postings)
                + FreedMemory.releaseUnusedCapacity(of: output.positions)
            slots.base[run] = output
            // The run's streams were freed among long-lived blocks, where glibc keeps them resident.
            if releasingStreams { FreedMemory.returnToSystem() }
            joiner.finished(run)
        }
        let workers = Swift.min(threads, runCount)
        if workers == 1 {
            for run in 0..<runCount { encodeRun(run) }
        } else {
            // Each worker takes the next run not taken yet: runs of equal stream bytes differ in cost, and
            // a fixed share (runs w, w + workers, ...) left one thread working alone at the end.
            let nextRun = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let run = nextRun.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard run < runCount else { break }
                    encodeRun(run)
                }
            }
        }
        if releasingStreams { builder.termStreams.recountHeapBytes() }
        for run in 0..<runCount { if let error = slots.base[run].error { throw error } }
        return joiner.takeOutput()
    }
}

extension ParallelPostingsEncoder {
    /// Lays the runs end to end as they finish, in run order, moving offsets and sharing data equal to
    /// an earlier run's: whichever thread finishes a run joins every run from the first not yet joined
    /// up to the first not yet finished, unless another thread is joining (a flag kept under the lock:
    /// one joining thread at a time, so joins, and `joined` calls, never overlap and go in order).
    /// Reads a run's slot only after its thread stored it and marked it finished under the lock.
    private final class RunJoiner: @unchecked Sendable {
        private let slots: Slots
        private let splitPoints: [Int]
        private let fields: [UInt8]
        private let joined: JoinedTerms?
        private let lock = Mutex<Void>(())
        private var isFinished: [Bool]
        private var nextToJoin = 0
        /// A run that failed stops the joining (the encoder throws its error).
        private var stopped = false
        /// A thread is joining runs (only it touches `output` and the join state meanwhile).
        private var joining = false
        private var output = Output()
        private var firstWritten: [ContentKey: FirstWritten] = [:]
        private var postingsBase: UInt64 = 0
        private var positionsBase: UInt64 = 0

        init(slots: Slots, splitPoints: [Int], fields: [UInt8], joined: JoinedTerms?) {
            self.slots = slots
            self.splitPoints = splitPoints
            self.fields = fields
            self.joined = joined
            isFinished = [Bool](repeating: false, count: splitPoints.count - 1)
            // Exact sizes from the start: grown by doubling, the copies came on top of the flush's peak.
            let termCount = splitPoints.last ?? 0
            output.locations.reserveCapacity(termCount)
            output.documentFrequencies.reserveCapacity(termCount)
            output.totalTermFrequencies.reserveCapacity(termCount)
        }

        /// Run `run`'s slot is stored: joins what can be joined, unless another thread is joining (it
        /// then joins this run too, and this thread goes on encoding rather than waiting for it).
        func finished(_ run: Int) {
            var next: Int? = lock.withLock { _ in
                isFinished[run] = true
                return claimNext()
            }
            while let index = next {
                if slots.base[index].error != nil {
                    lock.withLock { _ in
                        stopped = true
                        joining = false
                    }
                    break
                }
                let first = output.locations.count
                join(index)
                let range = first..<output.locations.count
                joined?(range, output.locations[range], output.documentFrequencies[range],
                        output.totalTermFrequencies[range])
                next = lock.withLock { _ in
                    joining = false
                    return claimNext()
                }
            }
        }

        /// Under the lock: the next run to join if it is finished and no thread is joining (this thread
        /// then is).
        private func claimNext() -> Int? {
            guard !joining, !stopped, nextToJoin < isFinished.count, isFinished[nextToJoin] else { return nil }
            joining = true
            nextToJoin += 1
            return nextToJoin - 1
        }

        /// The joined output (call once every run's thread is done: that ordering is the synchronisation).
        func takeOutput() -> Output {
            defer { output = Output() }
            return output
        }

        private func join(_ runIndex: Int) {
            let run = slots.base[runIndex]
            var termIndex = splitPoints[runIndex]
            output.memoryBytes += run.residentBytes
            // Owned terms of the run, by their offset in the run: their final location.
            var moved: [UInt64: TermDataLocation] = [:]
            moved.reserveCapacity(run.locations.count)
            var removedPostings: UInt64 = 0
            var removedPositions: UInt64 = 0
            var postingsRunStart = 0
            var positionsRunStart = 0
            for var location in run.locations {
                let field = fields[termIndex]
                termIndex += 1
                if location.isShared {
                    // Shares an earlier owned term of this run, already placed.
                    location = moved[location.postingsOffset] ?? location
                    location.isShared = true
                    output.locations.append(location)
                    continue
                }
                let postingsRange = Int(location.postingsOffset)..<Int(location.postingsOffset + location.postingsLength)
                let positionsRange = Int(location.positionsOffset)..<Int(location.positionsOffset + location.positionsLength)
                let key = ContentKey(field: field, postingsLength: location.postingsLength,
                                     positionsLength: location.positionsLength,
                                     postingsChecksum: location.postingsChecksum, positionsChecksum: location.positionsChecksum)
                let shareable = location.postingsLength + location.positionsLength >= PostingsWriter.minimumSharedBytes
                if shareable, let earlier = firstWritten[key], runIndex > 0, Int(earlier.run) < runIndex,
                   case let earlierRun = slots.base[Int(earlier.run)],
                   case let local = earlierRun.locations[Int(earlier.term) - splitPoints[Int(earlier.run)]],
                   earlierRun.postings[Int(local.postingsOffset)..<Int(local.postingsOffset + local.postingsLength)]
                       == run.postings[postingsRange],
                   earlierRun.positions[Int(local.positionsOffset)..<Int(local.positionsOffset + local.positionsLength)]
                       == run.positions[positionsRange] {
                    // Equal to an earlier run's term: drop these bytes, point there.
                    if postingsRunStart < postingsRange.lowerBound {
                        output.postings.append(run.postings[postingsRunStart..<postingsRange.lowerBound])
                    }
                    if positionsRunStart < positionsRange.lowerBound {
                        output.positions.append(run.positions[positionsRunStart..<positionsRange.lowerBound])
                    }
                    postingsRunStart = postingsRange.upperBound
                    positionsRunStart = positionsRange.upperBound
                    removedPostings += location.postingsLength
                    removedPositions += location.positionsLength
                    let earlierLocation = output.locations[Int(earlier.term)]
                    var shared = earlierLocation
                    shared.isShared = true
                    moved[location.postingsOffset] = earlierLocation
                    output.locations.append(shared)
                    continue
                }
                let original = location.postingsOffset
                location.postingsOffset = location.postingsOffset - removedPostings + postingsBase
                location.positionsOffset = location.positionsOffset - removedPositions + positionsBase
                moved[original] = location
                if shareable && firstWritten[key] == nil {
                    firstWritten[key] = FirstWritten(term: UInt32(termIndex - 1), run: UInt32(runIndex))
                }
                output.locations.append(location)
            }
            if postingsRunStart < run.postings.count { output.postings.append(run.postings[postingsRunStart...]) }
            if positionsRunStart < run.positions.count { output.positions.append(run.positions[positionsRunStart...]) }
            postingsBase += UInt64(run.postings.count) - removedPostings
            positionsBase += UInt64(run.positions.count) - removedPositions
            output.documentFrequencies += run.documentFrequencies
            output.totalTermFrequencies += run.totalTermFrequencies
        }
    }
}
