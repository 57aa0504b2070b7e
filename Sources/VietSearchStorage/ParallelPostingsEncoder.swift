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

    /// The first term with some content: its final location, and its bytes in its run.
    private struct FirstWritten {
        var location: TermDataLocation
        var run: Int
        var postings: Range<Int>
        var positions: Range<Int>
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

    /// Encodes `terms` (sorted) of `builder` on `parts` threads. `releasingStreams`: frees each term's
    /// builder stream once decoded (the builder is being consumed), so that the encoded sections take
    /// the place of the streams in memory rather than coming on top of them.
    /// `runBytes`: stream bytes per run (tests make it small to exercise many runs).
    static func encode(_ builder: SegmentBuffer, terms: [Int], parts requested: Int,
                       releasingStreams: Bool = false, runBytes: Int = Self.runStreamBytes) throws -> Output {
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
                for term in terms[splitPoints[run]..<splitPoints[run + 1]] {
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
            // Exact capacity: a grown array may be up to twice its bytes, kept until the file is written.
            output.postings = Self.exactCopy(writer.postings)
            output.positions = Self.exactCopy(writer.positions)
            slots.base[run] = output
            // The run's streams were freed among long-lived blocks, where glibc keeps them resident.
            if releasingStreams { FreedMemory.returnToSystem() }
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
        let runs = Array(UnsafeBufferPointer(start: slots.base, count: runCount))
        for run in runs { if let error = run.error { throw error } }
        return join(runs, fields: terms.map { builder.terms.field(of: $0) })
    }

    /// `bytes` in an array of exactly their size (or `bytes` itself when little would be saved).
    private static func exactCopy(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.capacity - bytes.count > bytes.count / 8 + 4_096 else { return bytes }
        return [UInt8](unsafeUninitializedCapacity: bytes.count) { target, initialized in
            bytes.withUnsafeBufferPointer { source in
                if let base = source.baseAddress, let targetBase = target.baseAddress, !source.isEmpty {
                    targetBase.update(from: base, count: source.count)
                }
            }
            initialized = bytes.count
        }
    }

    /// Lays the runs end to end, moving offsets and sharing data equal to an earlier run's.
    private static func join(_ runs: [Run], fields: [UInt8]) -> Output {
        var output = Output()
        var firstWritten: [ContentKey: FirstWritten] = [:]
        var postingsBase: UInt64 = 0
        var positionsBase: UInt64 = 0
        var termIndex = 0
        for (runIndex, run) in runs.enumerated() {
            output.memoryBytes += run.postings.capacity + run.positions.capacity
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
                if shareable, let earlier = firstWritten[key], runIndex > 0, earlier.run < runIndex,
                   runs[earlier.run].postings[earlier.postings] == run.postings[postingsRange],
                   runs[earlier.run].positions[earlier.positions] == run.positions[positionsRange] {
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
                    var shared = earlier.location
                    shared.isShared = true
                    moved[location.postingsOffset] = earlier.location
                    output.locations.append(shared)
                    continue
                }
                let original = location.postingsOffset
                location.postingsOffset = location.postingsOffset - removedPostings + postingsBase
                location.positionsOffset = location.positionsOffset - removedPositions + positionsBase
                moved[original] = location
                if shareable && firstWritten[key] == nil {
                    firstWritten[key] = FirstWritten(location: location, run: runIndex, postings: postingsRange,
                                                     positions: positionsRange)
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
        return output
    }
}
