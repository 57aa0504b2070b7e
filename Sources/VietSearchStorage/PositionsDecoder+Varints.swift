/// Skipping the varint tail of a term's positions (FORMAT.md, "Positions"): values nobody asked for are
/// stepped over a word at a time.
extension PositionsDecoder {
    /// The high bit of every byte of a word: a byte without it ends a varint.
    fileprivate static let continuationBits: UInt64 = 0x8080_8080_8080_8080

    /// The offset just past `count` varints starting at `offset` (values nobody asked for).
    static func skipVarints(_ count: Int, in bytes: FileBytes, from offset: Int, to end: Int) throws -> Int {
        let limit = Swift.min(end, bytes.count)
        guard count > 0 else { return offset }
        guard let base = bytes.base, offset >= 0 else {
            var reader = ByteReader(bytes, from: offset, to: limit)
            try reader.skipVarints(count)
            return reader.offset
        }
        var position = offset
        var left = count
        // Whole words while they end fewer varints than are left (so the last one skipped is complete).
        while left > 8, position + 8 <= limit {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            let ends = (~word & continuationBits).nonzeroBitCount
            guard ends < left else { break }
            left -= ends
            position += 8
        }
        var reader = ByteReader(bytes, from: position, to: limit)
        try reader.skipVarints(left)
        return reader.offset
    }
}
