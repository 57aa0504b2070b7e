/// Reads one term's positions (FORMAT.md, "Positions"): the term's values (per document its first
/// position, then each later position's gap − 1) in blocks of 128 bit-packed with exceptions, the last
/// `ttf mod 128` as varints. A document's positions are found by value index (Σ tf of the term's earlier
/// documents); a skip entry gives the byte offset of the block holding its postings block's first value,
/// so reading a candidate document walks block headers from there and unpacks only the blocks it needs.
///
/// The decoded block is kept: phrase matching reads documents of a postings block in order, often several
/// from one position block. Holds no reference to the bytes (the cursor passes them), so copying the
/// cursor costs no retain for it.
struct PositionsDecoder {
    /// Values per bit-packed block.
    static let blockSize = 128

    /// The term's positions bytes (absolute offsets).
    private let start: Int
    private let end: Int
    /// Values of the term (its total term frequency).
    private let valueCount: Int
    /// Bit-packed blocks before the varint tail.
    private let fullBlocks: Int

    /// A block whose start is known: the current postings block's anchor (from its skip entry).
    private var anchorBlock = 0
    private var anchorOffset = 0
    /// The block last walked to, its start, and whether `values` holds its decoded values.
    private var block = -1
    private var blockOffset = 0
    private var decoded = false
    /// The decoded block's 128 values, then room for its exceptions' high bits; allocated on first use.
    private var values: [UInt32] = []
    /// Within the tail: the value index whose varint starts at `tailOffset` (-1: not known).
    private var tailIndex = -1
    private var tailOffset = 0

    /// A decoder over the term's positions bytes `range` holding `valueCount` values.
    init(range: Range<Int>, valueCount: UInt64) {
        start = range.lowerBound
        end = range.upperBound
        self.valueCount = Int(clamping: valueCount)
        fullBlocks = self.valueCount / Self.blockSize
        anchorOffset = start
    }

    /// Sets the known start of the block holding value `index`: `offset` bytes into the term's positions
    /// (a skip entry's pair). Throws when it cannot be one.
    mutating func anchor(offset: UInt32, index: UInt32, bytes: FileBytes, entryOffset: Int) throws {
        guard Int(index) < valueCount, Int(offset) < end - start else {
            throw StorageError.corrupt(file: bytes.name, offset: entryOffset,
                                       reason: "skip entry's positions (offset \(offset), value \(index)) lie outside the term's \(valueCount) positions")
        }
        anchorBlock = Int(index) / Self.blockSize
        anchorOffset = start + Int(offset)
    }

    /// Decodes values `index ..< index + count` (one document's) as positions into `output[outputStart...]`
    /// (which must have room). `doc` names the document in errors.
    mutating func read(_ count: Int, at index: Int, bytes: FileBytes, doc: UInt32,
                       into output: UnsafeMutableBufferPointer<UInt32>, at outputStart: Int) throws {
        guard count > 0 else { return }
        guard outputStart >= 0, outputStart + count <= output.count, let out = output.baseAddress else {
            throw StorageError.limitExceeded("\(count) positions do not fit their buffer")
        }
        guard index >= 0, index + count <= valueCount else {
            throw StorageError.corrupt(file: bytes.name, offset: start,
                                       reason: "positions \(index)..<\(index + count) of doc \(doc) exceed the term's \(valueCount)")
        }
        var position: UInt64 = 0
        var done = 0
        var next = index
        while done < count {
            let target = next / Self.blockSize
            let n: Int
            if target < fullBlocks {
                try decode(block: target, bytes: bytes)
                let from = next - target * Self.blockSize
                n = Swift.min(count - done, Self.blockSize - from)
                values.withUnsafeBufferPointer { decodedValues in
                    for slot in 0..<n {
                        let value = UInt64(decodedValues[from + slot])
                        position = done + slot == 0 ? value : position + value + 1
                        out[outputStart + done + slot] = UInt32(truncatingIfNeeded: position)
                    }
                }
            } else {
                n = count - done
                try readTail(n, at: next, bytes: bytes, position: &position, first: done == 0,
                             into: out + outputStart + done)
            }
            // Every value is below 2^32 and 128 of them cannot overflow 64 bits: one check per run.
            guard position <= UInt64(UInt32.max) else {
                throw StorageError.corrupt(file: bytes.name, offset: start, reason: "a position of doc \(doc) overflows 32 bits")
            }
            done += n
            next += n
        }
    }

    /// Where block `target` (≤ the number of packed blocks: the tail) starts, relative to the term's
    /// positions, found by stepping over the blocks before it (for `check`, which compares skip entries).
    mutating func blockStart(_ target: Int, bytes: FileBytes) throws -> Int {
        guard target >= 0, target <= fullBlocks else {
            throw StorageError.corrupt(file: bytes.name, offset: start, reason: "positions block \(target) does not exist")
        }
        try walk(to: target, bytes: bytes)
        return blockOffset - start
    }

    /// Where the term's blocks and tail end, relative to its positions (for `check`: they must fill them).
    mutating func encodedLength(bytes: FileBytes) throws -> Int {
        try walk(to: fullBlocks, bytes: bytes)
        return try Self.skipVarints(valueCount - fullBlocks * Self.blockSize, in: bytes, from: blockOffset, to: end) - start
    }

    /// Unpacks block `target` into `values` (unless it is there already).
    private mutating func decode(block target: Int, bytes: FileBytes) throws {
        if block == target && decoded { return }
        try walk(to: target, bytes: bytes)
        if values.isEmpty { values = [UInt32](repeating: 0, count: 2 * Self.blockSize) }
        guard let base = bytes.base else { throw truncated(bytes, at: blockOffset) }
        let header = try blockHeader(at: blockOffset, bytes: bytes)
        let lowBits = blockOffset + (header.exceptions > 0 ? 3 : 2)
        let available = UnsafeRawBufferPointer(start: base + lowBits, count: end - lowBits)
        let unpacked = values.withUnsafeMutableBufferPointer { destination -> Bool in
            guard let out = destination.baseAddress,
                  BitPacking.unpack(available, count: Self.blockSize, width: header.width, into: out) else { return false }
            guard header.exceptions > 0 else { return true }
            // Exceptions: their indices (ascending bytes), then their high bits packed.
            let indices = lowBits + BitPacking.byteCount(count: Self.blockSize, width: header.width)
            let highs = UnsafeRawBufferPointer(start: base + indices + header.exceptions, count: end - indices - header.exceptions)
            guard BitPacking.unpack(highs, count: header.exceptions, width: header.exceptionWidth,
                                    into: out + Self.blockSize) else { return false }
            var previous = -1
            for exception in 0..<header.exceptions {
                let slot = Int(base.load(fromByteOffset: indices + exception, as: UInt8.self))
                guard slot > previous, slot < Self.blockSize else { return false }
                previous = slot
                out[slot] |= out[Self.blockSize + exception] << UInt32(header.width)
            }
            return true
        }
        guard unpacked else {
            throw StorageError.corrupt(file: bytes.name, offset: blockOffset, reason: "positions block \(target) does not decode")
        }
        decoded = true
    }

    /// Moves `block`/`blockOffset` to block `target` (≤ `fullBlocks`, the tail) by stepping over block
    /// headers from the nearest known start at or before it.
    private mutating func walk(to target: Int, bytes: FileBytes) throws {
        if block == target { return }
        if !(block >= 0 && block < target && block >= anchorBlock) {
            guard anchorBlock <= target else {
                throw StorageError.corrupt(file: bytes.name, offset: anchorOffset, reason: "positions read before their skip entry's block")
            }
            block = anchorBlock
            blockOffset = anchorOffset
        }
        decoded = false
        while block < target {
            blockOffset += try blockHeader(at: blockOffset, bytes: bytes).size
            block += 1
        }
    }

    /// A packed block's header at `offset`, checked, with the block's total size (checked to fit).
    private func blockHeader(at offset: Int, bytes: FileBytes) throws
        -> (width: Int, exceptions: Int, exceptionWidth: Int, size: Int) {
        guard let base = bytes.base, offset >= start, offset + 2 <= end, end <= bytes.count else {
            throw truncated(bytes, at: offset)
        }
        let width = Int(base.load(fromByteOffset: offset, as: UInt8.self))
        let exceptions = Int(base.load(fromByteOffset: offset + 1, as: UInt8.self))
        var size = 2 + BitPacking.byteCount(count: Self.blockSize, width: width)
        var exceptionWidth = 0
        if exceptions > 0 {
            guard offset + 3 <= end else { throw truncated(bytes, at: offset) }
            exceptionWidth = Int(base.load(fromByteOffset: offset + 2, as: UInt8.self))
            size += 1 + exceptions + BitPacking.byteCount(count: exceptions, width: exceptionWidth)
        }
        guard width <= 32, exceptions <= Self.blockSize, exceptions == 0 || (exceptionWidth >= 1 && width + exceptionWidth <= 32) else {
            throw StorageError.corrupt(file: bytes.name, offset: offset,
                                       reason: "positions block width \(width), \(exceptions) exceptions of width \(exceptionWidth) is not valid")
        }
        guard size <= end - offset else { throw truncated(bytes, at: offset) }
        return (width, exceptions, exceptionWidth, size)
    }

    private func truncated(_ bytes: FileBytes, at offset: Int) -> StorageError {
        StorageError.corrupt(file: bytes.name, offset: offset, reason: "positions block runs past the term's positions (truncated?)")
    }

    /// Decodes `count` tail varints from value `index` on, continuing `position`.
    private mutating func readTail(_ count: Int, at index: Int, bytes: FileBytes, position: inout UInt64, first: Bool,
                                   into out: UnsafeMutablePointer<UInt32>) throws {
        if tailIndex < 0 || tailIndex > index {
            let saved = (block, blockOffset, decoded)
            try walk(to: fullBlocks, bytes: bytes)
            tailIndex = fullBlocks * Self.blockSize
            tailOffset = blockOffset
            // Keep the decoded block: a later document may still need it.
            (block, blockOffset, decoded) = saved.0 >= 0 && saved.2 ? saved : (block, blockOffset, false)
        }
        if tailIndex < index {
            tailOffset = try Self.skipVarints(index - tailIndex, in: bytes, from: tailOffset, to: end)
            tailIndex = index
        }
        var reader = ByteReader(bytes, from: tailOffset, to: end)
        for slot in 0..<count {
            let value = UInt64(try reader.readVarint32())
            position = first && slot == 0 ? value : position + value + 1
            guard position <= UInt64(UInt32.max) else { throw reader.corrupt("position overflows 32 bits") }
            out[slot] = UInt32(truncatingIfNeeded: position)
        }
        tailOffset = reader.offset
        tailIndex = index + count
    }

    /// The high bit of every byte of a word: a byte without it ends a varint.
    private static let continuationBits: UInt64 = 0x8080_8080_8080_8080

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
