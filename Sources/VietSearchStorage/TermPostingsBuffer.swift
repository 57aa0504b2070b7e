/// One term's postings decoded for serialisation: parallel doc/frequency arrays and a flat positions
/// array (the positions of `docs[i]` are the next `frequencies[i]` entries).
struct TermPostingsBuffer {
    var docs: [UInt32] = []
    var frequencies: [UInt32] = []
    var positions: [UInt32] = []

    /// Refills from a builder stream (see `SegmentBuffer.termStreams`), keeping capacity. The stream is
    /// our own (well formed); it is read through a pointer (bounds checks per byte were a third of the
    /// decoding) into arrays reserved for its worst case (every value takes at least one byte).
    mutating func decode(stream bytes: UnsafeBufferPointer<UInt8>) {
        docs.removeAll(keepingCapacity: true)
        frequencies.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        docs.reserveCapacity(bytes.count / 3 + 1)
        frequencies.reserveCapacity(bytes.count / 3 + 1)
        positions.reserveCapacity(bytes.count)
        do {
            guard let base = bytes.baseAddress else { return }
            let end = bytes.count
            var index = 0
            @inline(__always) func next() -> UInt32 {
                var value: UInt32 = 0
                var shift: UInt32 = 0
                while true {
                    let byte = base[index]
                    index += 1
                    value |= UInt32(byte & 0x7f) << shift
                    if byte < 0x80 { return value }
                    shift += 7
                }
            }
            var doc: UInt32 = 0
            var first = true
            while index < end {
                doc = first ? next() : doc + next()
                first = false
                let frequency = next()
                docs.append(doc)
                frequencies.append(frequency)
                var position = next()
                positions.append(position)
                var remaining = Int(frequency) - 1
                while remaining > 0 {
                    position += next()
                    positions.append(position)
                    remaining -= 1
                }
            }
        }
    }
}
