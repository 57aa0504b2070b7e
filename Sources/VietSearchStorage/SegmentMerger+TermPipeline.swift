import Foundation

extension SegmentMerger {
    /// Runs a merge's term walk in two stages on two threads: a thread of its own reads the inputs
    /// (the k-way walk of the term dictionaries and `MergedTermCollector`, about 40% of a merge's
    /// instructions) while the calling thread encodes what it collected (`PostingsWriter`, the term
    /// dictionary and the spooling, about 50%). Merged terms cross in batches of up to a few hundred
    /// terms or 64k values (`Limits`), so that the threads meet once per batch, not per term.
    ///
    /// Why: the final merge of an indexing run's flushed segments sits on the critical path after
    /// the last document while the second core is idle (with one indexing thread it only ran the
    /// JSONL read-ahead, finished by then). The bytes written are the same as in one thread: the
    /// writer sees the same terms in the same order (tested).
    ///
    /// Each term's data is copied into a batch's flat arrays (one `memcpy` per array), which the writing
    /// thread reads in place: the reading thread keeps one buffer, with its capacity, as the one-thread
    /// walk does, and the batches hold at most about `2 × Limits.values` values each; a larger term
    /// crosses alone, its buffer swapped (`spare`).
    final class TermPipeline: @unchecked Sendable {
        /// One batch of merged terms, in key order, laid end to end. A value moved between the threads
        /// (its arrays are never shared: a class's properties cost a dynamic exclusivity check each access).
        struct Batch {
            struct Term {
                var field: UInt8
                var termEnd: Int
                var docEnd: Int
                var positionEnd: Int
                var blockStartEnd: Int
                var positionsAreValues: Bool
                var copiedPositions: UnsafeRawBufferPointer?
                var copiedPostings: CopiedPostingsBlocks?
            }
            var terms: [Term] = []
            var termBytes: [UInt8] = []
            var docs: [UInt32] = []
            var frequencies: [UInt32] = []
            var positions: [UInt32] = []
            var copiedBlockStarts: [Int] = []
            /// A term of at least `Limits.values` values, alone in its batch: its buffer itself (moved,
            /// not copied; see `spare`).
            var large: TermPostingsBuffer?
            var largeField: UInt8 = 0
            var largeTerm: [UInt8] = []

            var values: Int { docs.count + positions.count }

            mutating func append(_ buffer: TermPostingsBuffer, field: UInt8, term: ArraySlice<UInt8>) {
                termBytes.append(contentsOf: term)
                docs.append(contentsOf: buffer.docs)
                frequencies.append(contentsOf: buffer.frequencies)
                positions.append(contentsOf: buffer.positions)
                copiedBlockStarts.append(contentsOf: buffer.copiedBlockStarts)
                terms.append(Term(field: field, termEnd: termBytes.count, docEnd: docs.count, positionEnd: positions.count,
                                  blockStartEnd: copiedBlockStarts.count, positionsAreValues: buffer.positionsAreValues,
                                  copiedPositions: buffer.copiedPositions, copiedPostings: buffer.copiedPostings))
            }

            /// Calls `body` with each term in order: a view of its slices of the flat arrays, read in place
            /// (copying them into the writer's own buffer cost ~15% of the writing thread), its field and bytes.
            func forEachTerm(_ body: (PostingsWriter.TermView, UInt8, ArraySlice<UInt8>) throws -> Void) rethrows {
                try docs.withUnsafeBufferPointer { docs in
                    try frequencies.withUnsafeBufferPointer { frequencies in
                        try positions.withUnsafeBufferPointer { positions in
                            try copiedBlockStarts.withUnsafeBufferPointer { blockStarts in
                                var previous = Term(field: 0, termEnd: 0, docEnd: 0, positionEnd: 0, blockStartEnd: 0,
                                                    positionsAreValues: false, copiedPositions: nil, copiedPostings: nil)
                                for term in terms {
                                    let view = PostingsWriter.TermView(
                                        docs: UnsafeBufferPointer(rebasing: docs[previous.docEnd..<term.docEnd]),
                                        frequencies: UnsafeBufferPointer(rebasing: frequencies[previous.docEnd..<term.docEnd]),
                                        positions: UnsafeBufferPointer(rebasing: positions[previous.positionEnd..<term.positionEnd]),
                                        positionsAreValues: term.positionsAreValues, copiedPositions: term.copiedPositions,
                                        copiedBlockStarts: UnsafeBufferPointer(rebasing: blockStarts[previous.blockStartEnd..<term.blockStartEnd]),
                                        copiedPostings: term.copiedPostings)
                                    try body(view, term.field, termBytes[previous.termEnd..<term.termEnd])
                                    previous = term
                                }
                            }
                        }
                    }
                }
            }

            mutating func removeAll() {
                terms.removeAll(keepingCapacity: true)
                termBytes.removeAll(keepingCapacity: true)
                docs.removeAll(keepingCapacity: true)
                frequencies.removeAll(keepingCapacity: true)
                positions.removeAll(keepingCapacity: true)
                copiedBlockStarts.removeAll(keepingCapacity: true)
            }
        }

        /// A batch is handed over at this many terms, or this many documents and position values
        /// (about 0.4k hand-overs for 30k documents; a batch's arrays stay ~0.5 MiB).
        struct Limits: Sendable {
            var terms = 512
            var values = 1 << 16
        }
        /// Batches in circulation: one filled, one written, one spare for the threads' uneven pace.
        static let batchCount = 3

        private let condition = NSCondition()
        /// Guarded by `condition`.
        private var free: [Batch]
        private var full: [Batch] = []
        private var producerFinished = false
        /// The buffer the producer swaps with a large term's (taking the term's place in memory, as the
        /// one-thread walk keeps one buffer of the largest term's size): back here once the term is
        /// written, so two such buffers exist, never one per batch or a copy of a large term.
        private var spare: TermPostingsBuffer? = TermPostingsBuffer()
        private var cancelled = false
        private var failure: (any Error)?

        private let limits: Limits

        private init(limits: Limits) {
            self.limits = limits
            free = (0..<Self.batchCount).map { _ in Batch() }
        }

        /// Hands `produce` an `emit` function to call once per merged term, in key order, with the
        /// term's buffer (which it may swap for another), its new field number and its bytes; runs it
        /// on a thread of its own while `consume` is called on the calling thread with each term, in
        /// the same order. The first error of either side is thrown (a reading
        /// error after every term emitted before it was written), once the producing thread has
        /// stopped (so nothing it reads is released under it).
        static func run(limits: Limits = Limits(), produce: @escaping @Sendable (_ emit: (inout TermPostingsBuffer, UInt8, ArraySlice<UInt8>) throws -> Void) throws -> Void,
                        consume: (PostingsWriter.TermView, UInt8, ArraySlice<UInt8>) throws -> Void) throws {
            let pipeline = TermPipeline(limits: limits)
            let thread = Thread { pipeline.produce(produce) }
            thread.name = "vietsearch-merge-read"
            thread.start()
            do {
                while var batch = pipeline.nextFull() {
                    try batch.forEachTerm(consume)
                    if let large = batch.large {
                        try large.withView { try consume($0, batch.largeField, batch.largeTerm[...]) }
                        batch.large = nil
                        pipeline.returnSpare(large)
                    }
                    batch.removeAll()
                    pipeline.recycle(batch)
                }
            } catch {
                pipeline.cancelAndWait()
                throw error
            }
            if let failure = pipeline.finishedFailure() { throw failure }
        }

        // MARK: The producing thread

        private func produce(_ body: (_ emit: (inout TermPostingsBuffer, UInt8, ArraySlice<UInt8>) throws -> Void) throws -> Void) {
            // `batch` is dropped (replaced by an empty value) as soon as it is sent, so that the writing
            // thread holds its arrays' only reference when it empties them for reuse.
            var batch = Batch()
            var filling = false
            do {
                try body { buffer, field, term in
                    if buffer.docs.count + buffer.positions.count >= self.limits.values {
                        // Alone in a batch of its own, after the terms before it, by swapping buffers.
                        if filling {
                            self.send(batch)
                            batch = Batch()
                            filling = false
                        }
                        var single = try self.nextFree()
                        var swapped = try self.takeSpare()
                        swap(&buffer, &swapped)
                        single.large = swapped
                        single.largeField = field
                        single.largeTerm = Array(term)
                        swapped = TermPostingsBuffer()
                        self.send(single)
                        return
                    }
                    if !filling {
                        batch = try self.nextFree()
                        filling = true
                    }
                    batch.append(buffer, field: field, term: term)
                    if batch.terms.count >= self.limits.terms || batch.values >= self.limits.values {
                        self.send(batch)
                        batch = Batch()
                        filling = false
                    }
                }
                if filling && !batch.terms.isEmpty { send(batch) }
                batch = Batch()
                finish(nil)
            } catch {
                // The terms emitted before the error are handed over too (the writer is told last).
                if filling && !batch.terms.isEmpty { send(batch) }
                batch = Batch()
                finish(error)
            }
        }

        /// A batch to fill; throws `CancellationError` once the consumer gave up.
        private func nextFree() throws -> Batch {
            condition.lock()
            defer { condition.unlock() }
            while free.isEmpty && !cancelled { condition.wait() }
            if cancelled { throw CancellationError() }
            return free.removeLast()
        }

        /// The spare buffer, once the writer has handed it back; throws once the consumer gave up.
        private func takeSpare() throws -> TermPostingsBuffer {
            condition.lock()
            defer { condition.unlock() }
            while spare == nil && !cancelled { condition.wait() }
            guard !cancelled, let taken = spare else { throw CancellationError() }
            spare = nil
            return taken
        }

        /// A written large term's buffer, to be swapped with the next large term's.
        private func returnSpare(_ buffer: TermPostingsBuffer) {
            condition.lock()
            spare = buffer
            condition.broadcast()
            condition.unlock()
        }

        private func send(_ batch: Batch) {
            condition.lock()
            full.append(batch)
            condition.broadcast()
            condition.unlock()
        }

        private func finish(_ error: (any Error)?) {
            condition.lock()
            failure = error
            producerFinished = true
            condition.broadcast()
            condition.unlock()
        }

        // MARK: The consuming (calling) thread

        /// The next filled batch in order, or nil once the producer has finished and all were taken.
        private func nextFull() -> Batch? {
            condition.lock()
            defer { condition.unlock() }
            while full.isEmpty && !producerFinished { condition.wait() }
            return full.isEmpty ? nil : full.removeFirst()
        }

        /// Hands an emptied batch back for filling.
        private func recycle(_ batch: Batch) {
            condition.lock()
            free.append(batch)
            condition.broadcast()
            condition.unlock()
        }

        /// Stops the producer at its next batch and waits until it has returned.
        private func cancelAndWait() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            while !producerFinished { condition.wait() }
            condition.unlock()
        }

        /// The producer's error, once it has finished (the consumer took every batch first).
        private func finishedFailure() -> (any Error)? {
            condition.lock()
            defer { condition.unlock() }
            while !producerFinished { condition.wait() }
            return failure
        }
    }
}
