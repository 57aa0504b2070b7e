import CBitUnpack

/// One term's postings decoded for serialisation: parallel doc/frequency arrays and a flat positions
/// array (the positions of `docs[i]` are the next `frequencies[i]` entries).
struct TermPostingsBuffer {
    var docs: [UInt32] = []
    var frequencies: [UInt32] = []
    var positions: [UInt32] = []
    /// True when `positions` holds position values as the format writes them (per document its first
    /// position, then each gap − 1) rather than positions: `decode(stream:)` gives them so, and
    /// `PostingsWriter` then uses them as they are.
    var positionsAreValues = false
    /// Packed position blocks that come before `positions`' values, as bytes to copy (a merge's first
    /// input of the term without deletes: its full blocks are the merged term's first blocks, byte for
    /// byte; inside the input's mapping, valid while its reader is open), or nil. `positions` then holds
    /// the values after them, from value `copiedValueCount`.
    var copiedPositions: UnsafeRawBufferPointer?
    /// Where each copied block starts in `copiedPositions` (kept across terms for its capacity).
    var copiedBlockStarts: [Int] = []
    /// The values the copied blocks hold.
    var copiedValueCount: Int { copiedPositions == nil ? 0 : copiedBlockStarts.count * PositionsDecoder.blockSize }
    /// Whole postings blocks that come before `docs`, as bytes to copy (a merge's first input of the term
    /// when its doc ids keep their numbers: its full blocks are the merged term's first blocks, byte for
    /// byte), or nil. `docs` and `frequencies` then hold the documents after them.
    var copiedPostings: CopiedPostingsBlocks?

    /// The term's documents, the copied blocks' included.
    var documentCount: Int { (copiedPostings?.documentCount ?? 0) + docs.count }

    /// Empties the buffer for the next term, keeping capacity.
    mutating func removeAll(positionsAreValues: Bool) {
        docs.removeAll(keepingCapacity: true)
        frequencies.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        self.positionsAreValues = positionsAreValues
        copiedPositions = nil
        copiedBlockStarts.removeAll(keepingCapacity: true)
        copiedPostings = nil
    }

    /// Raw buffers a stream is decoded into before being copied to the arrays in one piece each.
    private let scratch = DecodeScratch()

    /// Refills from a builder stream (see `SegmentBuffer.termStreams`), keeping capacity: with the
    /// `CBitUnpack` kernel where it is on (`vs_decode_term_stream`: many varints per step, no branch on each
    /// value's length), else with `decodeScalar`. Both give the same arrays (`TermStreamDecodeTests`).
    mutating func decode(stream bytes: UnsafeBufferPointer<UInt8>) {
        removeAll(positionsAreValues: true)
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        // A (doc, tf, position) group takes at least 3 bytes; every value at least 1. The kernel writes
        // 8 values at a time, so the value buffers get 8 more.
        scratch.reserve(groups: bytes.count / 3 + 1, values: bytes.count + 8)
        var groupCount = 0
        var positionCount = 0
        let status = vs_decode_term_stream(
            base, bytes.count, scratch.flatValues, scratch.docs, scratch.frequencies, scratch.positions,
            &groupCount, &positionCount)
        // -1 (values that do not form whole groups) cannot come from `TermStreams`' own streams.
        precondition(status >= 0, "malformed term stream")
        guard status == 1 else { return decodeScalar(base: base, count: bytes.count) }
        docs.append(contentsOf: UnsafeBufferPointer(start: scratch.docs, count: groupCount))
        frequencies.append(contentsOf: UnsafeBufferPointer(start: scratch.frequencies, count: groupCount))
        positions.append(contentsOf: UnsafeBufferPointer(start: scratch.positions, count: positionCount))
    }

    /// The same as `decode(stream:)` one value at a time in Swift (where the kernel is off, and the
    /// reference the tests hold it to). The stream is our own (well formed); it is read through a pointer
    /// (bounds checks per byte were a third of the decoding) into raw buffers sized for its worst case
    /// (every value takes at least one byte), then copied to the arrays: appending value by value to the
    /// arrays cost as much as the decoding.
    mutating func decodeScalar(stream bytes: UnsafeBufferPointer<UInt8>) {
        removeAll(positionsAreValues: true)
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        scratch.reserve(groups: bytes.count / 3 + 1, values: bytes.count)
        decodeScalar(base: base, count: bytes.count)
    }

    /// `decodeScalar(stream:)`'s loop, into emptied arrays and a reserved scratch.
    private mutating func decodeScalar(base: UnsafePointer<UInt8>, count end: Int) {
        let docOut = scratch.docs, frequencyOut = scratch.frequencies, positionOut = scratch.positions
        var index = 0
        @inline(__always) func next() -> UInt32 {
            // Most values (doc deltas of common terms, frequencies, gaps) take one byte.
            let first = base[index]
            index += 1
            if first < 0x80 { return UInt32(first) }
            var value = UInt32(first & 0x7F)
            var shift: UInt32 = 7
            while true {
                let byte = base[index]
                index += 1
                value |= UInt32(byte & 0x7f) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        var groups = 0
        var values = 0
        var doc: UInt32 = 0
        while index < end {
            doc = groups == 0 ? next() : doc &+ next()
            let frequency = next()
            docOut[groups] = doc
            frequencyOut[groups] = frequency
            groups += 1
            positionOut[values] = next()
            values += 1
            var remaining = Int(frequency) - 1
            while remaining > 0 {
                // The stream holds gaps (≥ 1: a document's positions are distinct); the format, gaps − 1.
                positionOut[values] = next() &- 1
                values += 1
                remaining -= 1
            }
        }
        docs.append(contentsOf: UnsafeBufferPointer(start: docOut, count: groups))
        frequencies.append(contentsOf: UnsafeBufferPointer(start: frequencyOut, count: groups))
        positions.append(contentsOf: UnsafeBufferPointer(start: positionOut, count: values))
    }
}

/// Growable raw buffers for `TermPostingsBuffer.decode` (a class so that they are freed with the last
/// copy of the buffer; a buffer is used by one thread at a time).
private final class DecodeScratch {
    private(set) var docs: UnsafeMutablePointer<UInt32>
    private(set) var frequencies: UnsafeMutablePointer<UInt32>
    private(set) var positions: UnsafeMutablePointer<UInt32>
    /// The kernel's first pass: every varint of the stream, before they are split into the three.
    private(set) var flatValues: UnsafeMutablePointer<UInt32>
    private var groupCapacity = 64
    private var valueCapacity = 64

    init() {
        docs = .allocate(capacity: groupCapacity)
        frequencies = .allocate(capacity: groupCapacity)
        positions = .allocate(capacity: valueCapacity)
        flatValues = .allocate(capacity: valueCapacity)
    }

    deinit {
        docs.deallocate()
        frequencies.deallocate()
        positions.deallocate()
        flatValues.deallocate()
    }

    /// Room for at least `groups` docs and frequencies and `values` positions and flat values (contents
    /// not kept).
    func reserve(groups: Int, values: Int) {
        if groups > groupCapacity {
            groupCapacity = Swift.max(groups, 2 * groupCapacity)
            docs.deallocate()
            frequencies.deallocate()
            docs = .allocate(capacity: groupCapacity)
            frequencies = .allocate(capacity: groupCapacity)
        }
        if values > valueCapacity {
            valueCapacity = Swift.max(values, 2 * valueCapacity)
            positions.deallocate()
            flatValues.deallocate()
            positions = .allocate(capacity: valueCapacity)
            flatValues = .allocate(capacity: valueCapacity)
        }
    }
}

