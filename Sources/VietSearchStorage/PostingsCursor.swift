/// Iterates one term's postings in doc-id order (Lucene's DocIdSetIterator shape): call `nextDoc()`
/// or `advance(to:)` first; both return `PostingsCursor.noMoreDocs` at the end.
///
/// Decodes one 128-doc block at a time into two reused buffers; positions are read lazily, only for
/// documents whose `positions()` is asked for. Layout: FORMAT.md, "Postings".
///
/// Its initialisers live in an extension at the end of this file, so that the memberwise one exists: opening
/// a list goes through it (see `init(_:postings:positions:documentCount:info:deletions:checksums:)`).
public struct PostingsCursor {
    package static let noMoreDocs = UInt32.max

    /// The current document, or `noMoreDocs`; undefined before the first move. (The `@usableFromInline`
    /// members are what the inlined fast paths of `nextDoc` and `currentFrequency` read and step.)
    @usableFromInline package internal(set) var doc: UInt32 = 0

    let bytes: FileBytes
    let postingsEnd: Int
    let positionsStart: Int
    let positionsEnd: Int
    let documentCount: UInt32
    let documentFrequency: Int
    let blockCount: Int
    /// Lists of 128 documents or more start with one skip entry per block; shorter ones with none.
    let hasSkipTable: Bool
    let skipTable: Int
    let blocksStart: Int
    /// Documents to skip (the snapshot's deletes); nil when none.
    @usableFromInline let deletions: DeletedDocs?
    /// Verifies the term's positions bytes before the first read of them (most queries never read
    /// positions, so they are not checksummed when the cursor opens); nil once verified or unchecked.
    var positionsCheck: RangeChecksums?
    let positionsChecksum: UInt32

    private(set) var block = -1
    @usableFromInline private(set) var blockLength = 0
    @usableFromInline var indexInBlock = -1
    @usableFromInline private(set) var docs: [UInt32]
    @usableFromInline var frequencies: [UInt32]
    /// Where the current block's bit-packed frequencies start while `frequencies` does not hold them yet
    /// (unpacked on first use), else -1; and their bit width.
    @usableFromInline var packedFrequencies = -1
    /// Whether a frequency was read alone from the packed block since it was loaded: the first read takes
    /// one value (a lookup from another list wants one), the second unpacks the block.
    var readOnePackedFrequency = false
    var packedFrequencyWidth = 0
    private(set) var skipEntry = (lastDoc: UInt32(0), maxFrequency: UInt32(0), minFieldLength: UInt32(0))
    /// The term's positions (FORMAT.md, "Positions"), read by value index.
    var positionsDecoder: PositionsDecoder
    /// Index of the first position value of the current block's first document (its skip entry's).
    var blockValueIndex = 0
    /// `valueStarts[i]`: the index of the first position value of the block's document `i` (the block's
    /// index plus the tfs before it), and past the block's last document the index after its values (so
    /// document `i`'s tf is `valueStarts[i + 1] − valueStarts[i]`); valid while `valueStartsReady`: computed
    /// once per block on the first positions read, so that a read is two loads instead of a sum over the
    /// documents stepped over. Value indices are below 2^32 (skip entries hold them in 32 bits).
    var valueStarts: [UInt32]
    var valueStartsReady = false

    /// The buffers of a cursor before its first block (see `init`).
    private static let unloadedDocs = [UInt32](repeating: UInt32.max, count: PostingsWriter.blockSize + scanPadding)
    private static let unloadedFrequencies = [UInt32](repeating: 0, count: PostingsWriter.blockSize)

    /// An exhausted cursor (for a term absent from a segment).
    package static func empty() -> PostingsCursor {
        PostingsCursor(emptyOver: noBytes)
    }

    /// Shared by every empty cursor: a zero-document cursor never touches its bytes.
    private static let noBytes = FileBytes(name: "(empty)", copying: [])

    /// Back before the list's first document, as a cursor just opened over it: a restart without opening
    /// the list again (its bounds were checked and its postings verified then; the positions' check, if
    /// not yet done, still runs on their first read). Keeps the file and deletes it holds.
    package mutating func rewind() {
        doc = 0
        block = -1
        blockLength = 0
        indexInBlock = -1
        docs = Self.unloadedDocs
        frequencies = Self.unloadedFrequencies
        packedFrequencies = -1
        readOnePackedFrequency = false
        packedFrequencyWidth = 0
        skipEntry = (lastDoc: 0, maxFrequency: 0, minFieldLength: 0)
        positionsDecoder.rewind()
        blockValueIndex = 0
        valueStarts = []
        valueStartsReady = false
    }

    /// Moves to the next live document. Inlinable: the step inside a decoded block without deletions is
    /// a few instructions, less than a call from the query module's loops.
    /// Public, not package: Swift 6.3 never inlines a `package` `@inlinable` function into another module (every
    /// call stayed out of line in the release build, session 18); VietSearchStorage is not a product, so
    /// nothing is exposed to host applications.
    @inlinable @inline(__always)
    public mutating func nextDoc() throws -> UInt32 {
        let next = indexInBlock &+ 1
        if next < blockLength && deletions == nil {
            indexInBlock = next
            doc = docs[next]
            return doc
        }
        return try slowNextDoc()
    }

    /// `nextDoc` across a block boundary, at the end, or with deletions.
    @usableFromInline
    mutating func slowNextDoc() throws -> UInt32 {
        let next = try nextStoredDoc()
        guard let deletions else { return next }
        return try skipDeleted(from: next, deletions)
    }

    /// Moves to the first live document >= `target` (using skip entries), never backwards.
    package mutating func advance(to target: UInt32) throws -> UInt32 {
        let next = try advanceStored(to: target)
        guard let deletions else { return next }
        return try skipDeleted(from: next, deletions)
    }

    private mutating func skipDeleted(from first: UInt32, _ deletions: DeletedDocs) throws -> UInt32 {
        var current = first
        while current != Self.noMoreDocs && deletions.contains(current) { current = try nextStoredDoc() }
        return current
    }

    /// Moves to the next document of the list, deleted or not.
    private mutating func nextStoredDoc() throws -> UInt32 {
        if doc == Self.noMoreDocs && block >= 0 { return doc }
        indexInBlock += 1
        if indexInBlock >= blockLength {
            guard block + 1 < blockCount else { return finish() }
            try load(block: block + 1)
            indexInBlock = 0
        }
        doc = docs[indexInBlock]
        return doc
    }

    /// Moves to the first document of the list >= `target`, deleted or not.
    mutating func advanceStored(to target: UInt32) throws -> UInt32 {
        if block >= 0 {
            if doc == Self.noMoreDocs || (indexInBlock >= 0 && doc >= target) { return doc }
        }
        if hasSkipTable {
            var candidate = Swift.max(block, 0)
            // A target in the loaded block (most advances of a list stepped beside another) needs no
            // skip entry read: the block's last doc is kept from its entry.
            if block < 0 || target > skipEntry.lastDoc {
                while candidate < blockCount, try lastDoc(ofBlock: candidate) < target { candidate += 1 }
            }
            guard candidate < blockCount else { return finish() }
            if candidate != block { try load(block: candidate) }
        } else if block < 0 {
            guard blockCount > 0 else { return finish() }
            try load(block: 0)
        }
        if indexInBlock < 0 { indexInBlock = 0 }
        let from = indexInBlock, length = blockLength
        indexInBlock = docs.withUnsafeBufferPointer { ids in
            // The first slot holding a doc ≥ target. Most advances land a few slots ahead (conjunctions of
            // similar lists), where a short scan predicts well; a sparse list's advances land anywhere in a
            // dense list's block, where binary search saves the ~3 instructions per doc stepped over.
            let scanEnd = Swift.min(from &+ 8, length)
            var slot = from
            while slot < scanEnd && ids[slot] < target { slot += 1 }
            if slot < scanEnd || slot == length { return slot }
            var low = slot, high = length
            while low < high {
                let middle = (low + high) >> 1
                if ids[middle] < target { low = middle + 1 } else { high = middle }
            }
            return low
        }
        guard indexInBlock < blockLength else { return finish() }
        doc = docs[indexInBlock]
        return doc
    }

    mutating func finish() -> UInt32 {
        block = Swift.max(block, 0)
        indexInBlock = blockLength
        doc = Self.noMoreDocs
        return doc
    }

    /// Decodes block `index` into `docs`/`frequencies` and checks it against its skip entry.
    mutating func load(block index: Int, frequencies wantsFrequencies: Bool = true) throws {
        var bounds = (lastDoc: UInt32(0), maxFrequency: UInt32(0), minFieldLength: UInt32(0))
        var reader: ByteReader
        if hasSkipTable {
            let entryOffset = skipTable + index * PostingsWriter.skipEntrySize
            let blockOffset: Int
            let positionsBlockOffset: UInt32
            let positionsValueIndex: UInt32
            if let base = bytes.base, entryOffset >= 0, entryOffset + PostingsWriter.skipEntrySize <= blocksStart,
               blocksStart <= bytes.count {
                // Direct loads (the checks a reader would make, done once): six reads through a reader were
                // ~40% of a block's load outside the unpacking (callgrind).
                func word(_ field: Int) -> UInt32 {
                    UInt32(littleEndian: base.loadUnaligned(fromByteOffset: entryOffset + 4 * field, as: UInt32.self))
                }
                bounds = (word(0), word(1), word(2))
                blockOffset = Int(word(3))
                positionsBlockOffset = word(4)
                positionsValueIndex = word(5)
            } else {
                var entry = ByteReader(bytes, from: entryOffset, to: blocksStart)
                bounds.lastDoc = try entry.readUInt32()
                bounds.maxFrequency = try entry.readUInt32()
                bounds.minFieldLength = try entry.readUInt32()
                blockOffset = Int(try entry.readUInt32())
                positionsBlockOffset = try entry.readUInt32()
                positionsValueIndex = try entry.readUInt32()
            }
            guard blockOffset <= postingsEnd - blocksStart else {
                throw StorageError.corrupt(file: bytes.name, offset: entryOffset, reason: "skip entry \(index) points outside its section")
            }
            reader = ByteReader(bytes, from: blocksStart + blockOffset, to: postingsEnd)
            try positionsDecoder.anchor(offset: positionsBlockOffset, index: positionsValueIndex, bytes: bytes, entryOffset: entryOffset)
            blockValueIndex = Int(positionsValueIndex)
        } else {
            reader = ByteReader(bytes, from: blocksStart, to: postingsEnd)
            bounds.maxFrequency = try reader.readVarint32()
            bounds.minFieldLength = try reader.readVarint32()
            blockValueIndex = 0
        }
        let previous: Int64 = index == 0 ? -1 : Int64(try lastDoc(ofBlock: index - 1))
        let length = index == blockCount - 1 ? documentFrequency - index * PostingsWriter.blockSize : PostingsWriter.blockSize
        let start = reader.offset
        var current = previous
        if length == PostingsWriter.blockSize {
            let deltaWidth = Int(try reader.readUInt8())
            let frequencyWidth = Int(try reader.readUInt8())
            guard deltaWidth <= 32, frequencyWidth <= 32 else {
                throw reader.corrupt("bit width \(deltaWidth)/\(frequencyWidth) exceeds 32", at: start)
            }
            current = try Self.unpackAscending(&reader, width: deltaWidth, after: previous, into: &docs)
            let frequencyStart = reader.offset
            try reader.withBytes(BitPacking.byteCount(count: PostingsWriter.blockSize, width: frequencyWidth),
                                 "bit-packed block") { _ in }
            // Deltas are ≥ 0, so ids ascend and checking the last against the count checks them all;
            // 128 deltas of at most 32 bits cannot overflow Int64.
            guard current < Int64(documentCount) else {
                throw reader.corrupt("doc id \(current) in block \(index) is not below the document count \(documentCount)", at: start)
            }
            if wantsFrequencies && frequencyWidth == 32 {
                // Only a 32-bit frequency can overflow when incremented: check it now rather than on use.
                var frequencyReader = ByteReader(bytes, from: frequencyStart, to: postingsEnd)
                try Self.unpack(&frequencyReader, width: frequencyWidth, into: &frequencies)
                if frequencies.contains(UInt32.max) { throw reader.corrupt("term frequency overflows", at: start) }
                for slot in 0..<length { frequencies[slot] &+= 1 }
                packedFrequencies = -1
            } else {
                packedFrequencies = wantsFrequencies ? frequencyStart : -1
                packedFrequencyWidth = frequencyWidth
            }
        } else {
            packedFrequencies = -1
            for slot in 0..<length {
                let entryStart = reader.offset
                let code = try reader.readVarint()
                current += Int64(code >> 1) + 1
                guard code >> 1 < UInt64(UInt32.max), current < Int64(documentCount) else {
                    throw reader.corrupt("doc id in block \(index) is not below the document count \(documentCount)", at: entryStart)
                }
                docs[slot] = UInt32(current)
                if code & 1 == 1 {
                    frequencies[slot] = 1
                } else {
                    frequencies[slot] = try reader.readVarint32()
                    guard frequencies[slot] >= 2 else {
                        throw reader.corrupt("explicit term frequency \(frequencies[slot]) below 2", at: entryStart)
                    }
                }
            }
            // A short (last) block leaves the previous block's smaller ids after it: the counting scan must
            // see only ids that are not below any goal there.
            for slot in length..<PostingsWriter.blockSize { docs[slot] = UInt32.max }
        }
        if hasSkipTable {
            guard current == Int64(bounds.lastDoc) else {
                throw reader.corrupt("block \(index) ends at doc \(current), its skip entry says \(bounds.lastDoc)", at: start)
            }
        } else {
            bounds.lastDoc = UInt32(current)
        }
        block = index
        blockLength = length
        readOnePackedFrequency = false
        indexInBlock = -1
        skipEntry = bounds
        valueStartsReady = false
    }

    /// Unpacks 128 values at the reader's offset and moves past them. The decoder may read (and discard)
    /// bytes after them up to the reader's end (the term's postings end), which lets it use whole-word
    /// loads to the last value. Static: a method would borrow the cursor while `values` (one of its
    /// buffers) is modified, and that copy made every block decode reallocate the buffer (callgrind).
    private static func unpack(_ reader: inout ByteReader, width: Int, into values: inout [UInt32]) throws {
        let size = BitPacking.byteCount(count: PostingsWriter.blockSize, width: width)
        let start = reader.offset
        let source = reader.remainingBytes
        try reader.withBytes(size, "bit-packed block") { _ in }
        let unpacked = values.withUnsafeMutableBufferPointer { destination in
            guard let base = destination.baseAddress else { return false }
            return BitPacking.unpack(source, count: PostingsWriter.blockSize, width: width, into: base)
        }
        guard unpacked else { throw reader.corrupt("bit-packed block does not decode", at: start) }
    }

    /// `unpack` for doc-id gaps: the ids themselves, after `previous` (`BitPacking.unpackAscending`); returns
    /// the last one.
    private static func unpackAscending(_ reader: inout ByteReader, width: Int, after previous: Int64,
                                        into values: inout [UInt32]) throws -> Int64 {
        let size = BitPacking.byteCount(count: PostingsWriter.blockSize, width: width)
        let start = reader.offset
        let source = reader.remainingBytes
        try reader.withBytes(size, "bit-packed block") { _ in }
        let last = values.withUnsafeMutableBufferPointer { destination -> Int64? in
            guard let base = destination.baseAddress else { return nil }
            return BitPacking.unpackAscending(source, count: PostingsWriter.blockSize, width: width, after: previous, into: base)
        }
        guard let last else { throw reader.corrupt("bit-packed block does not decode", at: start) }
        return last
    }
}

extension PostingsCursor {
    private init(emptyOver bytes: FileBytes) {
        self.bytes = bytes
        postingsEnd = 0
        positionsStart = 0
        positionsEnd = 0
        documentCount = 0
        documentFrequency = 0
        blockCount = 0
        hasSkipTable = false
        skipTable = 0
        blocksStart = 0
        deletions = nil
        positionsCheck = nil
        positionsChecksum = 0
        positionsDecoder = PositionsDecoder(range: 0..<0, valueCount: 0)
        docs = []
        frequencies = []
        valueStarts = []
    }

    /// A cursor over the term's bytes within the two sections; `checksums` verifies the postings now
    /// and the positions on first use (FORMAT.md, "Checksums").
    init(_ bytes: FileBytes, postings: Range<Int>, positions: Range<Int>, documentCount: UInt32, info: TermInfo,
         deletions: DeletedDocs? = nil, checksums: RangeChecksums) throws {
        guard info.postingsOffset <= UInt64(postings.count), info.postingsLength <= UInt64(postings.count) - info.postingsOffset,
              info.positionsOffset <= UInt64(positions.count), info.positionsLength <= UInt64(positions.count) - info.positionsOffset else {
            throw StorageError.corrupt(file: bytes.name, offset: postings.lowerBound,
                                       reason: "term postings \(info.postingsOffset)+\(info.postingsLength) or positions \(info.positionsOffset)+\(info.positionsLength) do not fit their sections")
        }
        let termPostings = (postings.lowerBound + Int(info.postingsOffset))..<(postings.lowerBound + Int(info.postingsOffset + info.postingsLength))
        let termPositions = (positions.lowerBound + Int(info.positionsOffset))..<(positions.lowerBound + Int(info.positionsOffset + info.positionsLength))
        try checksums.verify(termPostings, checksum: info.postingsChecksum, what: "postings")
        let documentFrequency = Int(info.encodedDocumentFrequency)
        let blockCount = (documentFrequency + PostingsWriter.blockSize - 1) / PostingsWriter.blockSize
        let hasSkipTable = documentFrequency >= PostingsWriter.blockSize
        let skipTableSize = hasSkipTable ? blockCount * PostingsWriter.skipEntrySize : 0
        guard info.encodedDocumentFrequency <= documentCount, skipTableSize <= termPostings.count else {
            throw StorageError.corrupt(file: bytes.name, offset: termPostings.lowerBound,
                                       reason: "term postings (df \(info.encodedDocumentFrequency), offset \(info.postingsOffset), positions \(info.positionsOffset)) do not fit their sections")
        }
        // The memberwise initialiser, which stores straight into the result: an initialiser of the struct's
        // own assembled the 321-byte cursor on the stack, copied it (every reference retained) and released
        // the original (~550 instructions an opening, callgrind). `docs` and `frequencies` are shared
        // templates, copied on the first write (a block decode): `Array(repeating:count:)` goes through the
        // standard library's unspecialised allocation (~450 instructions more than the copy, callgrind), and
        // a cursor whose frequencies stay packed never copies that one. `docs` is padded with `UInt32.max`
        // past the block (`scanPadding`): the counting scan of `storedDoc(atLeast:)` reads whole windows of
        // ids, and a padding id is never below a goal. `valueStarts` is made on the first positions read
        // (`prepareValueStarts`): most cursors never read positions.
        self.init(bytes: bytes, postingsEnd: termPostings.upperBound, positionsStart: termPositions.lowerBound,
                  positionsEnd: termPositions.upperBound, documentCount: documentCount,
                  documentFrequency: documentFrequency, blockCount: blockCount, hasSkipTable: hasSkipTable,
                  skipTable: termPostings.lowerBound, blocksStart: termPostings.lowerBound + skipTableSize,
                  deletions: deletions, positionsCheck: checksums, positionsChecksum: info.positionsChecksum,
                  docs: Self.unloadedDocs, frequencies: Self.unloadedFrequencies,
                  positionsDecoder: PositionsDecoder(range: termPositions, valueCount: info.totalTermFrequency),
                  valueStarts: [])
    }
}
