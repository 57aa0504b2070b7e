/// Writes the id column (FORMAT.md, "Id column"): each document's first stored value (the facade stores
/// the document id there) uncompressed, in blocks of 128 documents with a checksum each, so showing a
/// hit's id costs a CRC over a small block instead of a zstd frame decompression.
struct StoredIDsWriter {
    static let blockSize = 128
    /// offset u64 + checksum u32.
    static let indexEntrySize = 12

    /// The IdBlocks section being built (since the last `drainBlocks()`).
    private(set) var blocks: [UInt8] = []
    private var drained: UInt64 = 0
    private var entries: [(offset: UInt64, checksum: UInt32)] = []
    private var blockStart = 0
    private var inBlock = 0

    /// Appends the next document's id bytes.
    mutating func add<Bytes: Collection<UInt8>>(_ id: Bytes) {
        if inBlock == Self.blockSize { finishBlock() }
        if inBlock == 0 { blockStart = blocks.count }
        blocks.appendVarint(id.count)
        blocks.append(contentsOf: id)
        inBlock += 1
    }

    private mutating func finishBlock() {
        guard inBlock > 0 else { return }
        entries.append((UInt64(blockStart) + drained, CRC32.update(0, blocks[blockStart...])))
        inBlock = 0
    }

    /// Hands out the bytes of finished blocks (a merge spools them); call between documents.
    mutating func drainBlocks() -> [UInt8] {
        let keep = inBlock > 0 ? blockStart : blocks.count
        let result = Array(blocks[..<keep])
        blocks.removeSubrange(..<keep)
        drained += UInt64(keep)
        blockStart -= keep
        return result
    }

    /// Finishes the last block; returns the remaining IdBlocks bytes and the IdIndex section.
    mutating func finish() -> (blocks: [UInt8], index: [UInt8]) {
        finishBlock()
        var index: [UInt8] = []
        index.appendUInt32(UInt32(entries.count))
        for entry in entries {
            index.appendUInt64(entry.offset)
            index.appendUInt32(entry.checksum)
        }
        return (blocks, index)
    }

    /// The first field value of a serialised StoredDoc body (`fieldCount`, then name/value pairs), or
    /// nothing for a document without fields. The bytes come from our own builder.
    static func firstValue(ofStoredDocument document: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var position = document.startIndex
        func varint() -> Int? {
            var value = 0
            var shift = 0
            while position < document.endIndex, shift < 63 {
                let byte = document[position]
                position += 1
                value |= Int(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        guard let count = varint(), count > 0, let nameLength = varint(), nameLength <= document.endIndex - position else { return [] }
        position += nameLength
        guard let valueLength = varint(), valueLength <= document.endIndex - position else { return [] }
        return document[position..<(position + valueLength)]
    }
}

/// Random access to the id column: the block of document `d` is `d / 128`; its checksum is verified
/// on its first read in this open segment (`VerifiedBlocks`), then `d mod 128` length-prefixed ids are skipped.
struct StoredIDsReader {
    private let bytes: FileBytes
    private let blocks: Range<Int>
    private let index: Range<Int>
    private let documentCount: UInt32
    let blockCount: Int
    /// Blocks whose checksum passed (one set per open segment).
    private let verified: VerifiedBlocks

    init(_ bytes: FileBytes, blocks: Range<Int>, index: Range<Int>, documentCount: UInt32) throws {
        self.bytes = bytes
        self.blocks = blocks
        self.index = index
        self.documentCount = documentCount
        var reader = ByteReader(bytes, from: index.lowerBound, to: index.upperBound)
        let count = Int(try reader.readUInt32())
        let expected = (Int(documentCount) + StoredIDsWriter.blockSize - 1) / StoredIDsWriter.blockSize
        guard count == expected, count * StoredIDsWriter.indexEntrySize == index.count - 4 else {
            throw reader.corrupt("id index holds \(count) blocks in \(index.count) bytes, \(expected) expected for \(documentCount) documents",
                                 at: index.lowerBound)
        }
        blockCount = count
        verified = VerifiedBlocks(blockCount: count)
    }

    /// The byte range of id block `block`, its checksum verified on the block's first use in this open
    /// segment (a damaged block fails every use).
    func blockRange(_ block: Int) throws -> Range<Int> {
        let entry = index.lowerBound + 4 + block * StoredIDsWriter.indexEntrySize
        var reader = ByteReader(bytes, from: entry, to: index.upperBound)
        let start = try reader.readUInt64()
        let checksum = try reader.readUInt32()
        let end = block + 1 < blockCount ? try reader.readUInt64() : UInt64(blocks.count)
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
        let range = try blockRange(of: doc)
        let position = try skipIDs(Int(doc) % StoredIDsWriter.blockSize, from: 0, in: range)
        return try idRange(at: position, in: range)
    }

    /// The verified block holding `doc`.
    private func blockRange(of doc: UInt32) throws -> Range<Int> {
        guard doc < documentCount else {
            throw StorageError.limitExceeded("doc \(doc) is outside \(bytes.name) (\(documentCount) documents)")
        }
        return try blockRange(Int(doc) / StoredIDsWriter.blockSize)
    }

    /// The block offset just past `count` length-prefixed ids starting at block offset `position`; the
    /// ids are skipped on the raw block (a one-byte length is the common case).
    private func skipIDs(_ count: Int, from position: Int, in range: Range<Int>) throws -> Int {
        // The block's bytes straight from the mapping (as `ByteReader.remainingBytes` gives them); a
        // reader is made only for a multi-byte length or an error.
        let end = Swift.min(range.upperBound, bytes.count)
        var block = UnsafeRawBufferPointer(start: nil, count: 0)
        if let base = bytes.base, range.lowerBound >= 0, range.lowerBound < end {
            block = UnsafeRawBufferPointer(start: base + range.lowerBound, count: end - range.lowerBound)
        }
        var position = position
        var left = count
        while left > 0, position < block.count {
            let length = block[position]
            if length < 0x80 {
                // Cannot overflow: position < block.count and stride ≤ 128. Ids of one width (the usual
                // case) are skipped four at a time: four independent loads instead of a chain of four.
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
        if high < 0x80 { return String(decoding: raw, as: UTF8.self) }
        guard let id = String(validating: raw, as: UTF8.self) else {
            throw StorageError.corrupt(file: bytes.name, offset: range.lowerBound, reason: "id of doc \(doc) is not valid UTF-8")
        }
        return id
    }
}
