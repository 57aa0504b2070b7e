/// Reads one term's positions (FORMAT.md, "Positions"): the term's values (per document its first
/// position, then each later position's gap − 1) in blocks of 128 bit-packed with exceptions, the last
/// `ttf mod 128` as varints. A document's positions are found by value index (Σ tf of the term's earlier
/// documents); a skip entry gives the byte offset of the block holding its postings block's first value,
/// so reading a candidate document steps over block headers from there and extracts only its own values
/// from the packed bits (one unaligned load each): phrase matching reads a few positions of scattered
/// documents, where unpacking whole blocks cost more than the varints it replaced.
///
/// Holds no reference to the bytes (the cursor passes them), so copying the cursor costs no retain for it.
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
    /// The block last walked to and its start.
    private var block = -1
    private var blockOffset = 0
    /// The layout of `block` when it was entered for reading (`enteredBlock == block`), else stale.
    private var enteredBlock = -1
    private var width = 0
    private var exceptionCount = 0
    private var exceptionWidth = 0
    /// Absolute offsets of the block's packed low bits, exception slots and packed high bits.
    private var lowBits = 0
    private var exceptionSlots = 0
    private var highBits = 0
    private var lowMask: UInt64 = 0
    private var highMask: UInt64 = 0
    /// Where the last run of the entered block began and its first exception at or after that slot.
    private var exceptionCursorSlot = 0
    private var exceptionCursor = 0
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

    /// Decodes values `index ..< index + count` (one document's) as positions into `buffer[outputStart...]`
    /// (which must have room). Takes the cursor's stored `bytes` as an argument (borrowed, no retain).
    mutating func read(_ count: Int, at index: Int, bytes: FileBytes, doc: UInt32,
                       into buffer: inout [UInt32], at outputStart: Int) throws {
        try buffer.withUnsafeMutableBufferPointer { output in
            try read(count, at: index, bytes: bytes, doc: doc, into: output, at: outputStart)
        }
    }

    /// Decodes values `index ..< index + count` (one document's) as positions into `output[outputStart...]`
    /// (which must have room). `doc` names the document in errors.
    mutating func read(_ count: Int, at index: Int, bytes: FileBytes, doc: UInt32,
                       into output: UnsafeMutableBufferPointer<UInt32>, at outputStart: Int) throws {
        guard count > 0 else { return }
        guard outputStart >= 0, outputStart + count <= output.count, let out = output.baseAddress else {
            throw StorageError.limitExceeded("\(count) positions do not fit their buffer")
        }
        guard index >= 0, index + count <= valueCount, let base = bytes.base, end <= bytes.count else {
            throw StorageError.corrupt(file: bytes.name, offset: start,
                                       reason: "positions \(index)..<\(index + count) of doc \(doc) exceed the term's \(valueCount)")
        }
        // Positions are running sums of value + 1 from −1 (wrapping), so the first one is its value.
        var position = UInt64.max
        var done = 0
        var next = index
        while done < count {
            let target = next >> 7
            let n: Int
            if target < fullBlocks {
                if enteredBlock != target || block != target { try enter(block: target, bytes: bytes) }
                let from = next & (Self.blockSize - 1)
                n = Swift.min(count - done, Self.blockSize - from)
                decodeRun(base, from: from, count: n, position: &position, into: out + outputStart + done)
            } else {
                n = count - done
                try readTail(n, at: next, bytes: bytes, position: &position, into: out + outputStart + done)
            }
            // A value is below 2^32 and 128 of them cannot overflow 64 bits: one check per run.
            guard position <= UInt64(UInt32.max) else {
                throw StorageError.corrupt(file: bytes.name, offset: start, reason: "a position of doc \(doc) overflows 32 bits")
            }
            done += n
            next += n
        }
    }

    /// Decodes slots `from ..< from + count` of the entered block: one unaligned word load per value
    /// (`enter` checked that 8 bytes can be loaded at every value's first byte), exceptions patched.
    @inline(__always)
    private mutating func decodeRun(_ base: UnsafeRawPointer, from: Int, count: Int, position: inout UInt64,
                                    into output: UnsafeMutablePointer<UInt32>) {
        let width = width, mask = lowMask
        let low = base + lowBits
        // The first exception at or after `from` (exception slots ascend; runs of a block usually do too).
        if from < exceptionCursorSlot { exceptionCursor = 0 }
        var exception = exceptionCursor
        while exception < exceptionCount && Int(base.load(fromByteOffset: exceptionSlots &+ exception, as: UInt8.self)) < from {
            exception &+= 1
        }
        exceptionCursor = exception
        exceptionCursorSlot = from
        var nextException = exception < exceptionCount ? Int(base.load(fromByteOffset: exceptionSlots &+ exception, as: UInt8.self)) : Self.blockSize
        var bit = from &* width
        var slot = from
        let last = from &+ count
        var written = output
        while slot < last {
            var value = (UInt64(littleEndian: low.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self)) >> UInt64(bit & 7)) & mask
            if slot == nextException {
                let highBit = exception &* exceptionWidth
                let high = (UInt64(littleEndian: (base + highBits).loadUnaligned(fromByteOffset: highBit >> 3, as: UInt64.self))
                            >> UInt64(highBit & 7)) & highMask
                value |= high << UInt64(width)
                exception &+= 1
                nextException = exception < exceptionCount ? Int(base.load(fromByteOffset: exceptionSlots &+ exception, as: UInt8.self)) : Self.blockSize
            }
            position = position &+ value &+ 1
            written.pointee = UInt32(truncatingIfNeeded: position)
            written += 1
            bit &+= width
            slot &+= 1
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

    /// Walks to packed block `target` and reads its layout, checking its exception slots ascend below 128.
    private mutating func enter(block target: Int, bytes: FileBytes) throws {
        try walk(to: target, bytes: bytes)
        let header = try blockHeader(at: blockOffset, bytes: bytes)
        width = header.width
        exceptionCount = header.exceptions
        exceptionWidth = header.exceptionWidth
        lowBits = blockOffset + (header.exceptions > 0 ? 3 : 2)
        exceptionSlots = lowBits + BitPacking.byteCount(count: Self.blockSize, width: header.width)
        highBits = exceptionSlots + header.exceptions
        lowMask = (1 << UInt64(header.width)) - 1
        highMask = (1 << UInt64(header.exceptionWidth)) - 1
        exceptionCursorSlot = 0
        exceptionCursor = 0
        // Word loads start at most at the last byte of the block: 8 bytes from there must be mapped.
        guard blockOffset + header.size + 7 <= bytes.count else {
            throw StorageError.corrupt(file: bytes.name, offset: blockOffset, reason: "positions block too close to the end of the file")
        }
        if let base = bytes.base {
            var previous = -1
            for exception in 0..<header.exceptions {
                let slot = Int(base.load(fromByteOffset: exceptionSlots + exception, as: UInt8.self))
                guard slot > previous, slot < Self.blockSize else {
                    throw StorageError.corrupt(file: bytes.name, offset: blockOffset,
                                               reason: "positions block \(target)'s exception slots do not ascend below 128")
                }
                previous = slot
            }
        }
        enteredBlock = target
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

    /// Decodes `count` tail varints from value `index` on, continuing `position` (the caller checks it). One- and two-byte
    /// varints are decoded inline; longer ones and errors take `ByteReader`'s path (same error offsets).
    private mutating func readTail(_ count: Int, at index: Int, bytes: FileBytes, position: inout UInt64,
                                   into out: UnsafeMutablePointer<UInt32>) throws {
        if tailIndex < 0 || tailIndex > index {
            let saved = (block, blockOffset)
            try walk(to: fullBlocks, bytes: bytes)
            tailIndex = fullBlocks * Self.blockSize
            tailOffset = blockOffset
            // Keep the entered block: a later document may still need it.
            if enteredBlock >= 0 && saved.0 == enteredBlock { (block, blockOffset) = saved }
        }
        if tailIndex < index {
            tailOffset = try Self.skipVarints(index - tailIndex, in: bytes, from: tailOffset, to: end)
            tailIndex = index
        }
        var reader = ByteReader(bytes, from: tailOffset, to: end)
        let inlineLimit = end - 2
        var next = tailOffset
        for slot in 0..<count {
            var value: UInt64
            if next <= inlineLimit, let base = bytes.base {
                value = UInt64(base.load(fromByteOffset: next, as: UInt8.self))
                if value < 0x80 {
                    next += 1
                } else if case let high = UInt64(base.load(fromByteOffset: next + 1, as: UInt8.self)), high < 0x80 {
                    value = (value & 0x7f) | high << 7
                    next += 2
                } else {
                    reader.offset = next
                    value = UInt64(try reader.readVarint32())
                    next = reader.offset
                }
            } else {
                reader.offset = next
                value = UInt64(try reader.readVarint32())
                next = reader.offset
            }
            position = position &+ value &+ 1
            out[slot] = UInt32(truncatingIfNeeded: position)
        }
        tailOffset = next
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
