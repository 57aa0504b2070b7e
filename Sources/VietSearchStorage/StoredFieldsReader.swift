/// Random access to stored documents (FORMAT.md, "Stored fields"): binary search the block index by
/// first doc id, decompress that one block (with its dictionary, if any), skip to the document inside it.
struct StoredFieldsReader {
    private let bytes: FileBytes
    private let blocks: Range<Int>
    private let index: Range<Int>
    private let documentCount: UInt32
    let blockCount: Int
    /// Where the block entries start (after the dictionary table and the block count).
    private let blockEntriesStart: Int
    let dictionaries: StoredDictionaries

    struct BlockEntry {
        var firstDoc: UInt32
        /// One past the block's last doc (the next block's first doc, or the document count).
        var endDoc: UInt32
        var range: Range<Int>
        var rawSize: Int
        var entryOffset: Int
        /// CRC-32 of the compressed frame, verified before it is decompressed or copied.
        var checksum: UInt32
        /// 0: compressed without a dictionary; d ≥ 1: with dictionary d.
        var dictionary: UInt32
    }

    init(_ bytes: FileBytes, blocks: Range<Int>, index: Range<Int>, documentCount: UInt32) throws {
        self.bytes = bytes
        self.blocks = blocks
        self.index = index
        self.documentCount = documentCount
        var reader = ByteReader(bytes, from: index.lowerBound, to: index.upperBound)
        let dictionaryCount = Int(try reader.readUInt32())
        guard dictionaryCount <= reader.remaining / StoredIndexBuilder.dictionaryEntrySize else {
            throw reader.corrupt("stored index claims \(dictionaryCount) dictionaries but holds \(reader.remaining) bytes", at: index.lowerBound)
        }
        var entries: [StoredDictionaries.Entry] = []
        for index in 0..<dictionaryCount {
            let number = index + 1
            let entryOffset = reader.offset
            let offset = try reader.readUInt64()
            let length = try reader.readUInt32()
            let checksum = try reader.readUInt32()
            guard offset <= UInt64(blocks.count), UInt64(length) <= UInt64(blocks.count) - offset else {
                throw StorageError.corrupt(file: bytes.name, offset: entryOffset,
                                           reason: "stored-field dictionary \(number) (bytes \(offset)+\(length)) lies outside the stored blocks")
            }
            let start = blocks.lowerBound + Int(offset)
            entries.append(.init(range: start..<(start + Int(length)), checksum: checksum, entryOffset: entryOffset))
        }
        dictionaries = StoredDictionaries(bytes, entries: entries)
        let countOffset = reader.offset
        let count = Int(try reader.readUInt32())
        guard count * StoredIndexBuilder.blockEntrySize == reader.remaining else {
            throw reader.corrupt("stored index claims \(count) blocks but holds \(reader.remaining) bytes of entries", at: countOffset)
        }
        blockCount = count
        blockEntriesStart = reader.offset
    }

    func entry(_ block: Int) throws -> BlockEntry {
        let entryOffset = blockEntriesStart + block * StoredIndexBuilder.blockEntrySize
        var reader = ByteReader(bytes, from: entryOffset, to: index.upperBound)
        let firstDoc = try reader.readUInt32()
        let offset = try reader.readUInt64()
        let compressedSize = try reader.readUInt32()
        let rawSize = try reader.readUInt32()
        let checksum = try reader.readUInt32()
        let dictionary = try reader.readUInt32()
        let endDoc = block + 1 < blockCount ? try reader.readUInt32() : documentCount
        guard firstDoc < endDoc, endDoc <= documentCount, offset <= UInt64(blocks.count),
              UInt64(compressedSize) <= UInt64(blocks.count) - offset,
              dictionary <= UInt32(dictionaries.entries.count) else {
            throw StorageError.corrupt(file: bytes.name, offset: entryOffset,
                                       reason: "stored block \(block) (docs \(firstDoc)..<\(endDoc), bytes \(offset)+\(compressedSize), dictionary \(dictionary)) is inconsistent")
        }
        let start = blocks.lowerBound + Int(offset)
        return BlockEntry(firstDoc: firstDoc, endDoc: endDoc, range: start..<(start + Int(compressedSize)),
                          rawSize: Int(rawSize), entryOffset: entryOffset, checksum: checksum, dictionary: dictionary)
    }

    /// The block holding `doc`.
    func block(containing doc: UInt32) throws -> Int {
        var low = 0
        var high = blockCount
        while low < high {
            let middle = (low + high) / 2
            if try entry(middle).firstDoc <= doc { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else {
            throw StorageError.corrupt(file: bytes.name, offset: index.lowerBound, reason: "no stored block holds doc \(doc)")
        }
        return low - 1
    }

    /// Decompresses a block into its own bounds-checked byte view (offsets in errors are then
    /// relative to the raw block, named in the file name).
    func decompress(_ entry: BlockEntry) throws -> FileBytes {
        try verify(entry)
        let dictionary = entry.dictionary == 0 ? nil : try dictionaries.dictionary(entry.dictionary)
        var reader = ByteReader(bytes, from: entry.range.lowerBound, to: entry.range.upperBound)
        let name = "\(bytes.name) (stored block at byte \(entry.range.lowerBound), decompressed)"
        let raw = try reader.withBytes(entry.range.count, "stored block") { source in
            entry.rawSize == 0 ? FileBytes(name: name, copying: [])
                : FileBytes(name: name, count: entry.rawSize) { Zstd.decompress(source, into: $0, dictionary: dictionary) }
        }
        guard let raw else {
            throw StorageError.corrupt(file: bytes.name, offset: entry.range.lowerBound,
                                       reason: "stored block does not decompress to its recorded \(entry.rawSize) bytes")
        }
        return raw
    }

    /// Checks the compressed frame against its index entry's checksum (about 1 µs for a 4 KiB block,
    /// small beside decompressing it, so it is not memoised).
    func verify(_ entry: BlockEntry) throws {
        try bytes.verifyChecksum(of: entry.range, expected: entry.checksum, what: "stored block")
    }

    func document(_ doc: UInt32, only names: Set<String>? = nil) throws -> [StoredField] {
        guard doc < documentCount else {
            throw StorageError.limitExceeded("doc \(doc) is outside \(bytes.name) (\(documentCount) documents)")
        }
        let entry = try entry(try block(containing: doc))
        guard doc < entry.endDoc else {
            throw StorageError.corrupt(file: bytes.name, offset: entry.entryOffset, reason: "no stored block holds doc \(doc)")
        }
        let raw = try decompress(entry)
        var reader = ByteReader(raw)
        for _ in entry.firstDoc..<doc {
            try reader.skip(try reader.readCount(limit: reader.remaining, "stored document length"))
        }
        return try Self.decodeDocument(&reader, only: names)
    }

    /// Reads one length-prefixed stored document; with `names`, only those fields' values are decoded.
    static func decodeDocument(_ reader: inout ByteReader, only names: Set<String>? = nil) throws -> [StoredField] {
        let length = try reader.readCount(limit: reader.remaining, "stored document length")
        var document = ByteReader(reader.bytes, from: reader.offset, to: reader.offset + length)
        try reader.skip(length)
        let count = try document.readCount(limit: document.remaining, "stored field count")
        var fields: [StoredField] = []
        fields.reserveCapacity(count)
        for _ in 0..<count {
            let name = try readString(&document)
            if let names, !names.contains(name) {
                try document.skip(try document.readCount(limit: document.remaining, "string length"))
                continue
            }
            let value = try readString(&document)
            fields.append(StoredField(name: name, value: value))
        }
        guard document.isAtEnd else { throw document.corrupt("\(document.remaining) unexpected bytes after stored fields") }
        return fields
    }

    private static func readString(_ reader: inout ByteReader) throws -> String {
        let start = reader.offset
        let length = try reader.readCount(limit: reader.remaining, "string length")
        guard let string = String(validating: try reader.readBytes(length), as: UTF8.self) else {
            throw reader.corrupt("stored string is not valid UTF-8", at: start)
        }
        return string
    }
}
