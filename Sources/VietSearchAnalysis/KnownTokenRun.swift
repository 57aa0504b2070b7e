/// Tokens whose spelling has a payload in the analyser's cache (see
/// `StreamingAnalyzer.analyze(_:chunkBytes:payloadChannel:known:token:pieceEnd:)`), collected in order and
/// handed over as one run: a call per run instead of a closure call per token (the indexer passes the
/// run to its builder in one call, which checks the document state once).
struct KnownTokenRun {
    private(set) var payloads: UnsafeMutablePointer<UInt64>
    private(set) var positions: UnsafeMutablePointer<UInt32>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        payloads = .allocate(capacity: capacity)
        positions = .allocate(capacity: capacity)
    }

    /// Frees the buffers; the run must not be used afterwards (its owner calls this when it is freed).
    func deallocate() {
        payloads.deallocate()
        positions.deallocate()
    }

    /// Makes room for `extra` more tokens without a check per `append` (called with a split's span count).
    mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let larger = Swift.max(count + extra, 2 * capacity)
        let grownPayloads = UnsafeMutablePointer<UInt64>.allocate(capacity: larger)
        let grownPositions = UnsafeMutablePointer<UInt32>.allocate(capacity: larger)
        grownPayloads.moveInitialize(from: payloads, count: count)
        grownPositions.moveInitialize(from: positions, count: count)
        deallocate()
        payloads = grownPayloads
        positions = grownPositions
        capacity = larger
    }

    /// Adds a token; `reserve` must have made room for it.
    @inline(__always)
    mutating func append(payload: UInt64, position: Int) {
        payloads[count] = payload
        positions[count] = UInt32(clamping: position)
        count &+= 1  // below the reserved capacity
    }

    /// Hands the collected tokens to `known` (if any) and empties the run.
    @inline(__always)
    mutating func flush(_ known: (UnsafeBufferPointer<UInt64>, UnsafeBufferPointer<UInt32>) throws -> Void) rethrows {
        guard count > 0 else { return }
        let collected = count
        count = 0
        try known(UnsafeBufferPointer(start: payloads, count: collected), UnsafeBufferPointer(start: positions, count: collected))
    }
}
