/// The headroom of exact reservations (`TermStreams.reserve(_:extra:exactly:)`), kept apart from the stream
/// table itself.
extension TermStreams {
    /// The headroom an exact reservation that must move a stream allocates beyond the size asked for: an
    /// eighth of it. The segment being assembled grows each of its terms' streams once per appended job;
    /// sized exactly, nearly every append moved every stream (glibc could seldom grow a block in place),
    /// and those copies were ~60% of the writer's append instructions, growing with the segment. The
    /// headroom is physical only: `capacity` (and `heapBytes`, so the memory plan's flush decisions)
    /// stays the size asked for, and `reserve` finds the headroom again with `malloc_usable_size`.
    /// A third instead saved more copies (the appends' instructions −49% against −27%) but raised the
    /// peak RSS of 100k documents by 2–3 MB, past the bound (README, session 14).
    static let exactHeadroomDivisor = 8

    /// Bytes allocated for an exact reservation of `capacity` that moves the stream.
    static func exactRoom(_ capacity: Int) -> Int { capacity + capacity / exactHeadroomDivisor }
}
