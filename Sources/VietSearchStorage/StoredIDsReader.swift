/// Random access to the id column (FORMAT.md, "Id column"): the block of document `d` is `d / 128`; its
/// checksum is verified on its first read in this open segment (`VerifiedBlocks`), then the id is found
/// at `(d mod 128) · (1 + width)` when the block's ids share one width (`IDBlockWidths`), else by skipping
/// `d mod 128` length-prefixed ids.
struct StoredIDsReader {
    private let bytes: FileBytes
    private let blocks: Range<Int>
    private let index: Range<Int>
    private let documentCount: UInt32
    let blockCount: Int
    /// Blocks whose checksum passed (one set per open segment).
    private let verified: VerifiedBlocks
    /// Blocks whose ids share one length (one table per open segment).
    private let widths: IDBlockWidths

    init(_ bytes: FileBytes, blocks: Range<Int>, index: Range<Int>, documentCount: UInt32) throws {
        self.bytes = bytes
        self.blocks = blocks
        self.index = index
        self.documentCount = documentCount
        var reader = ByteReader(bytes, from: index.lowerBound, to: index.upperBound)
        let count = Int(try reader.readUInt32())
        let expected = (Int(documentCount) + StoredIDsWriter.blockSize - 1) / StoredIDsWriter.blockSize
        guard count == expected, count * StoredIDsWriter.indexEntrySize == index.count - 4,
              index.upperBound <= bytes.count, blocks.upperBound <= bytes.count else {
            throw reader.corrupt("id index holds \(count) blocks in \(index.count) bytes, \(expected) expected for \(documentCount) documents",
                                 at: index.lowerBound)
        }
        blockCount = count
        verified = VerifiedBlocks(blockCount: count)
        widths = IDBlockWidths(blockCount: count)
    }

    /// The byte range of id block `block`, its checksum verified on the block's first use in this open
    /// segment (a damaged block fails every use).
    func blockRange(_ block: Int) throws -> Range<Int> {
        guard block >= 0, block < blockCount else {
            throw StorageError.limitExceeded("id block \(block) is outside \(bytes.name) (\(blockCount) blocks)")
        }
        let entry = index.lowerBound + 4 + block * StoredIDsWriter.indexEntrySize
        let start: UInt64
        let checksum: UInt32
        let end: UInt64
        // The init checked that the whole index lies in the file, so the entry (and the next one's
        // offset) can be loaded straight from the mapping; a backend without a base pointer reads.
        if let base = bytes.base {
            start = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: entry, as: UInt64.self))
            checksum = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: entry + 8, as: UInt32.self))
            end = block + 1 < blockCount
                ? UInt64(littleEndian: base.loadUnaligned(fromByteOffset: entry + 12, as: UInt64.self))
                : UInt64(blocks.count)
        } else {
            var reader = ByteReader(bytes, from: entry, to: index.upperBound)
            start = try reader.readUInt64()
            checksum = try reader.readUInt32()
            end = block + 1 < blockCount ? try reader.readUInt64() : UInt64(blocks.count)
        }
        return try verified.checkedRange(of: block, kind: "id block", start: start, end: end, checksum: checksum,
                                         in: blocks, of: bytes, entry: entry)
    }

    /// The id bytes of `doc`.
    func idBytes(_ doc: UInt32) throws -> [UInt8] {
        let range = try idRange(doc)
        var reader = ByteReader(bytes, from: range.lowerBound, to: range.upperBound)
        return try reader.readBytes(range.count)
    }

    /// Where `doc`'s id bytes lie in the file (inside its verified block).
    private func idRange(_ doc: UInt32) throws -> Range<Int> {
        guard doc < documentCount else {
            throw StorageError.limitExceeded("doc \(doc) is outside \(bytes.name) (\(documentCount) documents)")
        }
        let block = Int(doc) / StoredIDsWriter.blockSize
        let slot = Int(doc) % StoredIDsWriter.blockSize
        let range = try blockRange(block)
        let blockBytes = mappedBytes(of: range)
        let idCount = Swift.min(StoredIDsWriter.blockSize, Int(documentCount) - block * StoredIDsWriter.blockSize)
        if let width = widths.uniformWidth(of: block, idCount: idCount, bytes: blockBytes) {
            // Classified from these very bytes: slot < idCount, so the id lies inside the block.
            let start = range.lowerBound + slot * (1 + width) + 1
            return start..<(start + width)
        }
        let position = try skipIDs(slot, from: 0, in: range, block: blockBytes)
        return try idRange(at: position, in: range)
    }

    /// The block's bytes straight from the mapping (as `ByteReader.remainingBytes` gives them), empty
    /// for a backend without a base pointer or a range outside the file.
    private func mappedBytes(of range: Range<Int>) -> UnsafeRawBufferPointer {
        let end = Swift.min(range.upperBound, bytes.count)
        guard let base = bytes.base, range.lowerBound >= 0, range.lowerBound < end else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: end - range.lowerBound)
    }

    /// The block offset just past `count` length-prefixed ids starting at block offset `position`; the
    /// ids are skipped on the raw block (a one-byte length is the common case); a reader is made only for
    /// a multi-byte length or an error.
    private func skipIDs(_ count: Int, from position: Int, in range: Range<Int>,
                         block: UnsafeRawBufferPointer) throws -> Int {
        var position = position
        var left = count
        while left > 0, position < block.count {
            let length = block[position]
            if length < 0x80 {
                // Cannot overflow: position < block.count and stride ≤ 128. Ids of one width are skipped
                // four at a time: four independent loads instead of a chain of four.
                let stride = 1 &+ Int(length)
                if left >= 4, position &+ 3 &* stride < block.count, block[position &+ stride] == length,
                   block[position &+ 2 &* stride] == length, block[position &+ 3 &* stride] == length {
                    position &+= 4 &* stride
                    left &-= 4
                } else {
                    position &+= stride
                    left &-= 1
                }
                continue
            }
            left &-= 1
            var reader = ByteReader(bytes, from: range.lowerBound + position, to: range.upperBound)
            let longLength = try reader.readCount(limit: reader.remaining, "id length")
            position = reader.offset - range.lowerBound + longLength
        }
        guard position <= block.count else {
            throw ByteReader(bytes, from: range.lowerBound, to: range.upperBound)
                .corrupt("id lengths run past the block", at: range.lowerBound)
        }
        return position
    }

    /// The id bytes whose length prefix starts at block offset `position`.
    private func idRange(at position: Int, in range: Range<Int>) throws -> Range<Int> {
        var reader = ByteReader(bytes, from: range.lowerBound + position, to: range.upperBound)
        let length = try reader.readCount(limit: reader.remaining, "id length")
        return reader.offset..<(reader.offset + length)
    }

    /// The id of `doc` as a string, made straight from the mapped bytes (no intermediate array; a search
    /// returning ids reads one per hit).
    func id(_ doc: UInt32) throws -> String {
        try string(at: try idRange(doc), of: doc)
    }

    /// The id bytes at `range` as a string, checked to lie in the file and to be UTF-8.
    private func string(at range: Range<Int>, of doc: UInt32) throws -> String {
        guard let base = bytes.base, range.lowerBound >= 0, range.upperBound <= bytes.count else {
            throw StorageError.corrupt(file: bytes.name, offset: range.lowerBound, reason: "id of doc \(doc) lies outside the file")
        }
        let raw = UnsafeBufferPointer(start: (base + range.lowerBound).assumingMemoryBound(to: UInt8.self), count: range.count)
        // ASCII (the usual id) is valid UTF-8 as it stands; other bytes go through the validating initialiser.
        var high: UInt8 = 0
        for byte in raw { high |= byte }
        if high < 0x80 {
            // A short ASCII id fits a small string, which this initialiser fills in place without the
            // validation pass of `String(decoding:as:)` (~35 instructions an id, callgrind).
            guard raw.count <= 15 else { return String(decoding: raw, as: UTF8.self) }
            return String(unsafeUninitializedCapacity: raw.count) { buffer in
                _ = buffer.initialize(fromContentsOf: raw)
                return raw.count
            }
        }
        guard let id = String(validating: raw, as: UTF8.self) else {
            throw StorageError.corrupt(file: bytes.name, offset: range.lowerBound, reason: "id of doc \(doc) is not valid UTF-8")
        }
        return id
    }
}
