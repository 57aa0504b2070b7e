/// Reads a term's positions (FORMAT.md, "Positions": per document, its positions as varint gaps) straight
/// from the mapped bytes. Phrase matching reads positions for every candidate document, and skipping the
/// positions of the documents in between costs as much: both loops work on a raw pointer with one bounds
/// check per varint (or per 8 bytes when skipping) instead of going through `ByteReader` byte by byte.
/// Varints longer than two bytes (rare: gaps of 16,384 or more) and every error take `ByteReader`'s path,
/// so errors name the same byte offsets.
enum PositionsDecoder {
    /// The high bit of every byte of a word: a byte without it ends a varint.
    private static let continuationBits: UInt64 = 0x8080_8080_8080_8080

    /// The offset just past `count` varints starting at `offset` (positions nobody asked for).
    static func skip(_ count: Int, in bytes: FileBytes, from offset: Int, to end: Int) throws -> Int {
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

    /// Decodes `count` gaps starting at `offset` into ascending positions written to `output[start...]`
    /// (which must have room) and returns the offset past them. Positions must ascend strictly and fit
    /// 32 bits (`doc` names the document in errors).
    static func decode(_ count: Int, in bytes: FileBytes, from offset: Int, to end: Int, doc: UInt32,
                       into output: UnsafeMutableBufferPointer<UInt32>, at start: Int) throws -> Int {
        guard count > 0 else { return offset }
        guard start >= 0, start + count <= output.count, let out = output.baseAddress else {
            throw StorageError.limitExceeded("\(count) positions do not fit their buffer")
        }
        let limit = Swift.min(end, bytes.count)
        var reader = ByteReader(bytes, from: offset, to: limit)
        var position: UInt64 = 0
        // Two-byte varints and shorter are decoded inline while two bytes remain; the rest take the reader.
        let base = bytes.base
        let inlineLimit = base == nil || offset < 0 ? Int.min : limit - 2
        var next = offset
        for index in 0..<count {
            let varintStart = next
            var delta: UInt64
            if varintStart <= inlineLimit, let base {
                delta = UInt64(base.load(fromByteOffset: varintStart, as: UInt8.self))
                next = varintStart + 1
                if delta >= 0x80 {
                    let high = UInt64(base.load(fromByteOffset: varintStart + 1, as: UInt8.self))
                    if high < 0x80 {
                        delta = (delta & 0x7f) | high << 7
                        next = varintStart + 2
                    } else {
                        reader.offset = varintStart
                        delta = UInt64(try reader.readVarint32())
                        next = reader.offset
                    }
                }
            } else {
                reader.offset = varintStart
                delta = UInt64(try reader.readVarint32())
                next = reader.offset
            }
            guard index == 0 || delta > 0 else {
                throw reader.corrupt("positions of doc \(doc) are not ascending", at: varintStart)
            }
            position += delta
            guard position <= UInt64(UInt32.max) else { throw reader.corrupt("position overflows 32 bits", at: varintStart) }
            out[start + index] = UInt32(truncatingIfNeeded: position)
        }
        return next
    }
}
