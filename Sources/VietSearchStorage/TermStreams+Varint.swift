/// The varints of a term's occurrence stream (document deltas and position gaps), written on the hot path
/// of `TermStreams.record`.
extension TermStreams {
    /// `SegmentBuffer.writeVarint` with the one- and two-byte cases unrolled and no overflow checks;
    /// returns the length.
    @inline(__always)
    static func writeVarint(_ value: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
        if value < 0x80 {
            out[0] = UInt8(truncatingIfNeeded: value)
            return 1
        }
        if value < 0x4000 {
            // Two bytes: a document's first position past 127, most doc deltas and the longer gaps.
            out[0] = UInt8(truncatingIfNeeded: value) | 0x80
            out[1] = UInt8(truncatingIfNeeded: value >> 7)
            return 2
        }
        var rest = value
        var length = 0
        while rest >= 0x80 {
            out[length] = UInt8(truncatingIfNeeded: rest) | 0x80
            rest >>= 7
            length &+= 1
        }
        out[length] = UInt8(truncatingIfNeeded: rest)
        return length &+ 1
    }
}
