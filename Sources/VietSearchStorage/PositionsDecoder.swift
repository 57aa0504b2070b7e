/// Reads one term's positions (FORMAT.md, "Positions"): the term's values (per document its first
/// position, then each later position's gap − 1) in blocks of 128 bit-packed with exceptions, the last
/// `ttf mod 128` as varints. A document's positions are found by value index (Σ tf of the term's earlier
/// documents); a skip entry gives the byte offset of the block holding its postings block's first value,
/// so reading a candidate document steps over block headers from there. The block holding a document's
/// values is unpacked whole and kept: phrase candidates are dense in their keys' lists, so the next
/// documents read mostly find their values already unpacked (extracting each document's values from the
/// packed bits instead cost ~200 instructions a read, mostly per-read overhead).
///
/// Holds no reference to the bytes (the cursor passes them); its one reference is the unpacked block.
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
    /// The size of block `block` once `fill` has read its header, else -1: the next walk steps over it
    /// without reading that header again (candidates read their keys' blocks in order).
    private var walkedSize = -1
    /// The values (not yet positions) of packed block `cachedBlock` (or of the tail, block `fullBlocks`),
    /// `cachedCount` of them; -1 when none. Shared by copies of the decoder (a class): a copy that fills
    /// it first makes its own (`fill`), so the block number always names what the buffer holds.
    private var cache = PositionValueCache.none
    private var cachedBlock = -1
    private var cachedCount = 0
    /// The value indices `cachedStart ..< cachedEnd` that `cache` holds (empty when none): the common read
    /// is one range check (`documentValues`).
    private var cachedStart = 0
    private var cachedEnd = 0

    /// A decoder over the term's positions bytes `range` holding `valueCount` values.
    @inline(__always)
    init(range: Range<Int>, valueCount: UInt64) {
        start = range.lowerBound
        end = range.upperBound
        self.valueCount = Int(clamping: valueCount)
        fullBlocks = self.valueCount / Self.blockSize
        anchorOffset = start
    }

    /// Back to the state `init` left, over the same positions (`PostingsCursor.rewind`).
    mutating func rewind() {
        self = PositionsDecoder(range: start..<end, valueCount: UInt64(valueCount))
    }

    /// Makes this a decoder over another term's positions (as `init`), keeping the memory for unpacked
    /// values: a merge reads its inputs' terms one after another, and a fresh decoder per term allocated
    /// that memory again on its first read.
    mutating func restart(range: Range<Int>, valueCount: UInt64) {
        let kept = cache
        self = PositionsDecoder(range: range, valueCount: valueCount)
        cache = kept
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
    @inline(__always)
    mutating func read(_ count: Int, at index: Int, bytes: FileBytes, doc: UInt32,
                       into output: UnsafeMutableBufferPointer<UInt32>, at outputStart: Int) throws {
        guard count > 0 else { return }
        guard outputStart >= 0, outputStart + count <= output.count, let out = output.baseAddress else {
            throw StorageError.limitExceeded("\(count) positions do not fit their buffer")
        }
        try read(count, at: index, bytes: bytes, doc: doc, into: out + outputStart)
    }

    /// Decodes values `index ..< index + count` as positions into `out`, which has room for `count`.
    /// A document's values nearly always lie in the block the previous read unpacked (phrase candidates
    /// are dense in their keys' lists, ~28 documents share a block), so the common read is a running sum
    /// over cached values: no block lookup, no bit extraction, no exception search per document.
    @inline(__always)
    mutating func read(_ count: Int, at index: Int, bytes: FileBytes, doc: UInt32,
                       into out: UnsafeMutablePointer<UInt32>) throws {
        guard index >= 0, index + count <= valueCount else {
            throw StorageError.corrupt(file: bytes.name, offset: start,
                                       reason: "positions \(index)..<\(index + count) of doc \(doc) exceed the term's \(valueCount)")
        }
        // Positions are running sums of value + 1 from −1 (wrapping), so the first one is its value.
        var position = UInt64.max
        var done = 0
        var next = index
        while done < count {
            let target = next >> 7
            if cachedBlock != target { try fill(block: target, bytes: bytes) }
            let from = next & (Self.blockSize - 1)
            let n = Swift.min(count - done, cachedCount - from)
            let values = cache.values + from
            var written = out + done
            for slot in 0..<n {
                position = position &+ UInt64(values[slot]) &+ 1
                written.pointee = UInt32(truncatingIfNeeded: position)
                written += 1
            }
            // A value is below 2^32 and 128 of them cannot overflow 64 bits: one check per run.
            guard position <= UInt64(UInt32.max) else {
                throw StorageError.corrupt(file: bytes.name, offset: start, reason: "a position of doc \(doc) overflows 32 bits")
            }
            done += n
            next += n
        }
    }

    /// Values `index ..< index + count` (one document's: its first position, then each gap − 1), not yet
    /// summed into positions: in the unpacked block when they lie in one (nearly always), else gathered
    /// into the decoder's own memory. Valid until the decoder's next read.
    @inline(__always)
    mutating func documentValues(_ count: Int, at index: Int, bytes: FileBytes, doc: UInt32) throws -> UnsafePointer<UInt32> {
        // The cached range lies within the term's values, so inside it no other check is needed.
        if index >= cachedStart && index &+ count <= cachedEnd { return UnsafePointer(cache.values + (index &- cachedStart)) }
        return try uncachedValues(count, at: index, bytes: bytes, doc: doc)
    }

    /// `documentValues` outside the cached block: checked, then unpacked (or gathered across blocks).
    @inline(never)
    private mutating func uncachedValues(_ count: Int, at index: Int, bytes: FileBytes, doc: UInt32) throws -> UnsafePointer<UInt32> {
        guard index >= 0, count >= 0, index + count <= valueCount else {
            throw StorageError.corrupt(file: bytes.name, offset: start,
                                       reason: "positions \(index)..<\(index + count) of doc \(doc) exceed the term's \(valueCount)")
        }
        let target = index >> 7
        let from = index & (Self.blockSize - 1)
        // A document whose values run into the next block (~45% of fills): both blocks side by side.
        if count > 0 && (index &+ count &- 1) >> 7 == target &+ 1 && target < fullBlocks {
            return try straddlingValues(at: index, block: target, bytes: bytes)
        }
        if cachedBlock != target { try fill(block: target, bytes: bytes) }
        if from + count <= cachedCount { return UnsafePointer(cache.values + from) }
        return try gatherValues(count, at: index, bytes: bytes)
    }

    /// `documentValues` for values that start in packed block `target` and end in the next: block `target`
    /// in the buffer's first half (already there, moved down from the second half, or unpacked) and the
    /// next unpacked into the second half, so the values lie contiguous and the cached range covers both
    /// blocks: later documents of either block read them without a fill, and nothing is gathered.
    private mutating func straddlingValues(at index: Int, block target: Int, bytes: FileBytes) throws -> UnsafePointer<UInt32> {
        if !isKnownUniquelyReferenced(&cache) {
            cache = PositionValueCache()
            cachedBlock = -1
            (cachedStart, cachedEnd) = (0, 0)
        }
        let blockStart = target * Self.blockSize
        let values = cache.values
        if cachedBlock != target {
            if cachedStart == blockStart - Self.blockSize && cachedEnd == blockStart + Self.blockSize {
                // Block `target` sits in the second half (an earlier straddle): move it down.
                values.update(from: values + Self.blockSize, count: Self.blockSize)
                cachedBlock = target
                cachedCount = Self.blockSize
                (cachedStart, cachedEnd) = (blockStart, blockStart + Self.blockSize)
            } else {
                try fill(block: target, bytes: bytes)
            }
        }
        // Block `target` is in the first half; the range shrinks to it until the second half is complete.
        cachedEnd = blockStart + Self.blockSize
        let nextCount = try unpack(block: target + 1, bytes: bytes, into: values + Self.blockSize)
        cachedEnd = blockStart + Self.blockSize + nextCount
        return UnsafePointer(values + (index - blockStart))
    }

    /// `documentValues` for a document whose values straddle blocks: copied block by block into `cache.gathered`.
    private mutating func gatherValues(_ count: Int, at index: Int, bytes: FileBytes) throws -> UnsafePointer<UInt32> {
        if !isKnownUniquelyReferenced(&cache) {
            cache = PositionValueCache()
            cachedBlock = -1
            (cachedStart, cachedEnd) = (0, 0)
        }
        if cache.gatheredCapacity < count { cache.reserveGathered(count) }
        let out = cache.gathered
        var done = 0
        var next = index
        while done < count {
            let target = next >> 7
            if cachedBlock != target { try fill(block: target, bytes: bytes) }
            let from = next & (Self.blockSize - 1)
            let n = Swift.min(count - done, cachedCount - from)
            // A plain loop: a document's part of a block is a few values, where a `memcpy` call cost more.
            let source = cache.values + from, destination = out + done
            for slot in 0..<n { destination[slot] = source[slot] }
            done += n
            next += n
        }
        return UnsafePointer(out)
    }

    /// Unpacks block `target` (a packed block, or the tail when it is `fullBlocks`) into the first half of
    /// `cache`, exceptions patched.
    private mutating func fill(block target: Int, bytes: FileBytes) throws {
        // The placeholder, or a buffer a copy of this decoder may still read: make one of our own.
        if !isKnownUniquelyReferenced(&cache) { cache = PositionValueCache() }
        cachedBlock = -1
        (cachedStart, cachedEnd) = (0, 0)
        cachedCount = try unpack(block: target, bytes: bytes, into: cache.values)
        cachedBlock = target
        (cachedStart, cachedEnd) = (target * Self.blockSize, target * Self.blockSize + cachedCount)
    }

    /// Unpacks block `target` (a packed block, or the tail when it is `fullBlocks`) into `values` (room for
    /// 128), exceptions patched; returns how many values it holds.
    private mutating func unpack(block target: Int, bytes: FileBytes, into values: UnsafeMutablePointer<UInt32>) throws -> Int {
        if target >= fullBlocks { return try unpackTail(bytes: bytes, into: values) }
        if block >= 0 && block &+ 1 == target && walkedSize >= 0 && block >= anchorBlock {
            // The block after the one last unpacked (a key's blocks are read in order), whose size its header
            // gave: `walk`'s step written here, without a call per unpacked block.
            blockOffset &+= walkedSize
            block = target
            walkedSize = -1
        } else {
            try walk(to: target, bytes: bytes)
        }
        let header = try blockHeader(at: blockOffset, bytes: bytes)
        walkedSize = header.size
        let lowBits = blockOffset + (header.exceptions > 0 ? 3 : 2)
        let exceptionSlots = lowBits + BitPacking.byteCount(count: Self.blockSize, width: header.width)
        let highBits = exceptionSlots + header.exceptions
        // Word loads start at most at the last byte of the block: 8 bytes from there must be mapped.
        guard blockOffset + header.size + 7 <= bytes.count, let base = bytes.base else {
            throw StorageError.corrupt(file: bytes.name, offset: blockOffset, reason: "positions block too close to the end of the file")
        }
        // The kernel alone when it can take the whole block (nearly always: `unpack` would find the same
        // after a second bounds computation), else `unpack`'s kernel-and-Swift path.
        if !BitPacking.unpackWholeBlock(base + lowBits, byteCount: bytes.count - lowBits, width: header.width, into: values) {
            guard BitPacking.unpack(UnsafeRawBufferPointer(start: base + lowBits, count: bytes.count - lowBits),
                                    count: Self.blockSize, width: header.width, into: values) else {
                throw truncated(bytes, at: blockOffset)
            }
        }
        guard header.exceptions > 0 else { return Self.blockSize }
        // ~6 a block: pointers and widths in registers, masking shifts (`blockHeader` checked width + exception
        // width ≤ 32: width < 32, and ≤ 31 high bits from a bit offset < 8 lie in the word loaded).
        let slots = base + exceptionSlots, high = base + highBits
        let width = UInt32(truncatingIfNeeded: header.width)
        let exceptionWidth = header.exceptionWidth
        let highMask: UInt64 = (1 &<< UInt64(truncatingIfNeeded: exceptionWidth)) &- 1
        var previous = -1
        var highBit = 0
        for exception in 0..<header.exceptions {
            let slot = Int(slots.load(fromByteOffset: exception, as: UInt8.self))
            guard slot > previous, slot < Self.blockSize else {
                throw StorageError.corrupt(file: bytes.name, offset: blockOffset,
                                           reason: "positions block \(target)'s exception slots do not ascend below 128")
            }
            previous = slot
            let word = UInt64(littleEndian: high.loadUnaligned(fromByteOffset: highBit &>> 3, as: UInt64.self))
            values[slot] |= UInt32(truncatingIfNeeded: (word &>> UInt64(truncatingIfNeeded: highBit & 7)) & highMask) &<< width
            highBit &+= exceptionWidth
        }
        return Self.blockSize
    }

    /// Decodes the tail's `valueCount mod 128` varints into `values` and returns their number. One- and
    /// two-byte varints are decoded inline; longer ones and errors take `ByteReader`'s path (same error offsets).
    private mutating func unpackTail(bytes: FileBytes, into values: UnsafeMutablePointer<UInt32>) throws -> Int {
        try walk(to: fullBlocks, bytes: bytes)
        let count = valueCount - fullBlocks * Self.blockSize
        var reader = ByteReader(bytes, from: blockOffset, to: end)
        let inlineLimit = end - 2
        var next = blockOffset
        for slot in 0..<count {
            if next <= inlineLimit, let base = bytes.base, next >= 0 {
                let low = UInt32(base.load(fromByteOffset: next, as: UInt8.self))
                if low < 0x80 {
                    values[slot] = low
                    next += 1
                    continue
                }
                let high = UInt32(base.load(fromByteOffset: next + 1, as: UInt8.self))
                if high < 0x80 {
                    values[slot] = (low & 0x7f) | high << 7
                    next += 2
                    continue
                }
            }
            reader.offset = next
            values[slot] = try reader.readVarint32()
            next = reader.offset
        }
        return count
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
            walkedSize = -1
        }
        while block < target {
            blockOffset += walkedSize >= 0 ? walkedSize : try blockHeader(at: blockOffset, bytes: bytes).size
            block += 1
            walkedSize = -1
        }
    }

    /// A packed block's header at `offset`, checked, with the block's total size (checked to fit).
    @inline(__always)
    private func blockHeader(at offset: Int, bytes: FileBytes) throws
        -> (width: Int, exceptions: Int, exceptionWidth: Int, size: Int) {
        try Self.blockHeader(at: offset, start: start, end: end, bytes: bytes)
    }

    /// `blockHeader` within `start ..< end`: static, so a call passes two bounds, not a copy of the decoder.
    /// Inlined: it runs once per unpacked block, and the call cost a third of it.
    @inline(__always)
    private static func blockHeader(at offset: Int, start: Int, end: Int, bytes: FileBytes) throws
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
        Self.truncated(bytes, at: offset)
    }

    private static func truncated(_ bytes: FileBytes, at offset: Int) -> StorageError {
        StorageError.corrupt(file: bytes.name, offset: offset, reason: "positions block runs past the term's positions (truncated?)")
    }
}
