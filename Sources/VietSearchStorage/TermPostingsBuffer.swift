/// One term's postings decoded for serialisation: parallel doc/frequency arrays and a flat positions
/// array (the positions of `docs[i]` are the next `frequencies[i]` entries).
struct TermPostingsBuffer {
    var docs: [UInt32] = []
    var frequencies: [UInt32] = []
    var positions: [UInt32] = []

    /// Refills from a builder stream (see `SegmentBuffer.termStreams`), keeping capacity.
    mutating func decode(stream: [UInt8]) {
        docs.removeAll(keepingCapacity: true)
        frequencies.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        var index = 0
        var doc: UInt32 = 0
        func next() -> UInt32 {
            var value: UInt32 = 0
            var shift: UInt32 = 0
            while true {
                let byte = stream[index]
                index += 1
                value |= UInt32(byte & 0x7f) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        while index < stream.count {
            doc = docs.isEmpty ? next() : doc + next()
            let frequency = next()
            docs.append(doc)
            frequencies.append(frequency)
            var position: UInt32 = 0
            for offset in 0..<Int(frequency) {
                position = offset == 0 ? next() : position + next()
                positions.append(position)
            }
        }
    }
}
