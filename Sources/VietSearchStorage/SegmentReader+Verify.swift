/// Full verification for `check`: every byte is checksummed and every structure decoded and
/// cross-checked against the others (FORMAT.md, "Invariants").
extension SegmentReader {
    /// Whole-file CRC, then term dictionary, postings, positions, field lengths and stored fields.
    package func verify() throws {
        let checksum = try FileFormat.verifyChecksum(bytes)
        guard checksum == meta.checksum else {
            throw StorageError.corrupt(file: bytes.name, offset: bytes.count - 4, reason: "checksum differs from the manifest's")
        }
        let sums = try verifyFieldLengths()
        for (field, info) in layout.fields.enumerated() where sums[field] != info.sumOfLengths {
            throw StorageError.corrupt(file: bytes.name, offset: layout.range(.segmentInfo).lowerBound,
                                       reason: "field \(info.name) lengths sum to \(sums[field]), segment info says \(info.sumOfLengths)")
        }
        try verifyTerms()
        try verifyStoredFields()
    }

    /// A cursor over every document of the list, deleted ones included (verification checks the
    /// bytes as written).
    func rawPostings(_ info: TermInfo) throws -> PostingsCursor {
        try PostingsCursor(bytes, postings: layout.range(.postings), positions: layout.range(.positions),
                           documentCount: layout.documentCount, info: info, checksums: checksums)
    }

    private func verifyFieldLengths() throws -> [UInt64] {
        var sums = [UInt64](repeating: 0, count: layout.fields.count)
        for field in 0..<layout.fields.count {
            for doc in 0..<layout.documentCount {
                sums[field] += UInt64(try fieldLength(field: UInt8(field), doc: doc))
            }
        }
        return sums
    }

    private func verifyTerms() throws {
        let blocksRange = layout.range(.termBlocks)
        var termCounts = [UInt64](repeating: 0, count: layout.fields.count)
        var previousKey: [UInt8]? = nil
        var expectedStart = blocksRange.lowerBound
        for block in 0..<dictionary.blockCount {
            let range = try dictionary.blockRange(block)
            guard range.lowerBound == expectedStart else {
                throw StorageError.corrupt(file: bytes.name, offset: range.lowerBound, reason: "term block \(block) does not follow the previous one")
            }
            expectedStart = range.upperBound
            let indexKey = try dictionary.firstKey(block)
            var iterator = try dictionary.iterator(block: block)
            var first = true
            while try iterator.next() {
                let key = iterator.key
                if first {
                    guard key == indexKey else {
                        throw StorageError.corrupt(file: bytes.name, offset: iterator.entryOffset, reason: "term block \(block) starts with a key other than its index entry")
                    }
                    first = false
                }
                if let previousKey {
                    guard dictionary.compare(previousKey, key) < 0 else {
                        throw StorageError.corrupt(file: bytes.name, offset: iterator.entryOffset, reason: "terms are not in strictly ascending order")
                    }
                }
                previousKey = key
                let field = Int(key[0])
                guard field < layout.fields.count else {
                    throw StorageError.corrupt(file: bytes.name, offset: iterator.entryOffset, reason: "term of unknown field \(field)")
                }
                termCounts[field] += 1
                try verifyPostings(iterator.info, field: UInt8(field), entryOffset: iterator.entryOffset)
            }
        }
        guard expectedStart == blocksRange.upperBound else {
            throw StorageError.corrupt(file: bytes.name, offset: expectedStart, reason: "bytes after the last term block")
        }
        for (field, info) in layout.fields.enumerated() where termCounts[field] != info.termCount {
            throw StorageError.corrupt(file: bytes.name, offset: layout.range(.segmentInfo).lowerBound,
                                       reason: "field \(info.name) has \(termCounts[field]) terms, segment info says \(info.termCount)")
        }
    }

    private func verifyPostings(_ info: TermInfo, field: UInt8, entryOffset: Int) throws {
        var cursor = try rawPostings(info)
        var documents: UInt32 = 0
        var total: UInt64 = 0
        var positions = PositionsChecker(self, info)
        while try cursor.nextDoc() != PostingsCursor.noMoreDocs {
            try positions.atDocument(Int(documents), valuesBefore: total, entryOffset: entryOffset)
            documents += 1
            let frequency = cursor.termFrequency
            total += UInt64(frequency)
            let impact = cursor.blockMaxImpact
            let length = try fieldLength(field: field, doc: cursor.doc)
            guard frequency <= impact.termFrequency, length >= impact.fieldLength else {
                throw StorageError.corrupt(file: bytes.name, offset: entryOffset,
                                           reason: "doc \(cursor.doc) (tf \(frequency), length \(length)) beats its block's bound (\(impact.termFrequency), \(impact.fieldLength))")
            }
            guard try cursor.positions().count == Int(frequency) else {
                throw StorageError.corrupt(file: bytes.name, offset: entryOffset, reason: "positions count differs from tf for doc \(cursor.doc)")
            }
        }
        guard documents == info.documentFrequency, total == info.totalTermFrequency else {
            throw StorageError.corrupt(file: bytes.name, offset: entryOffset,
                                       reason: "postings hold \(documents) docs / \(total) occurrences, the dictionary says \(info.documentFrequency) / \(info.totalTermFrequency)")
        }
        try positions.finish(entryOffset: entryOffset)
    }

    /// Checks what reading positions by skip entry takes on trust (FORMAT.md, "Positions"): each skip
    /// entry names the block holding its first doc's first value and that value's index, and the blocks and
    /// tail fill the term's positions bytes exactly.
    private struct PositionsChecker {
        let segment: SegmentReader
        let info: TermInfo
        var decoder: PositionsDecoder
        let skipTable: Int

        init(_ segment: SegmentReader, _ info: TermInfo) {
            self.segment = segment
            self.info = info
            let positions = segment.layout.range(.positions).lowerBound + Int(clamping: info.positionsOffset)
            decoder = PositionsDecoder(range: positions..<(positions + Int(clamping: info.positionsLength)), valueCount: info.totalTermFrequency)
            skipTable = segment.layout.range(.postings).lowerBound + Int(clamping: info.postingsOffset)
        }

        mutating func atDocument(_ index: Int, valuesBefore: UInt64, entryOffset: Int) throws {
            guard info.encodedDocumentFrequency >= UInt32(PostingsWriter.blockSize), index % PostingsWriter.blockSize == 0 else { return }
            let entry = skipTable + index / PostingsWriter.blockSize * PostingsWriter.skipEntrySize + 16
            var reader = ByteReader(segment.bytes, from: entry, to: entry + 8)
            let blockStart = try reader.readUInt32()
            let valueIndex = try reader.readUInt32()
            let expectedStart = try decoder.blockStart(Int(valuesBefore) / PositionsDecoder.blockSize, bytes: segment.bytes)
            guard UInt64(valueIndex) == valuesBefore, Int(blockStart) == expectedStart else {
                throw StorageError.corrupt(file: segment.bytes.name, offset: entry,
                                           reason: "skip entry's positions (block at \(blockStart), value \(valueIndex)) differ from the term's (\(expectedStart), \(valuesBefore))")
            }
        }

        mutating func finish(entryOffset: Int) throws {
            let length = try decoder.encodedLength(bytes: segment.bytes)
            guard UInt64(length) == info.positionsLength else {
                throw StorageError.corrupt(file: segment.bytes.name, offset: entryOffset,
                                           reason: "positions take \(length) of the term's \(info.positionsLength) bytes")
            }
        }
    }

    private func verifyStoredFields() throws {
        var expectedDoc: UInt32 = 0
        var expectedOffset = layout.range(.storedBlocks).lowerBound
        for (index, dictionary) in stored.dictionaries.entries.enumerated() {
            guard dictionary.range.lowerBound == expectedOffset else {
                throw StorageError.corrupt(file: bytes.name, offset: dictionary.entryOffset,
                                           reason: "stored-field dictionary \(index + 1) does not follow the previous one")
            }
            _ = try stored.dictionaries.dictionary(UInt32(index + 1))
            expectedOffset = dictionary.range.upperBound
        }
        for block in 0..<stored.blockCount {
            let entry = try stored.entry(block)
            guard entry.firstDoc == expectedDoc, entry.range.lowerBound == expectedOffset else {
                throw StorageError.corrupt(file: bytes.name, offset: entry.entryOffset, reason: "stored block \(block) does not follow the previous one")
            }
            var reader = ByteReader(try stored.decompress(entry))
            for doc in entry.firstDoc..<entry.endDoc {
                let fields = try StoredFieldsReader.decodeDocument(&reader)
                guard try ids.idBytes(doc) == Array((fields.first?.value ?? "").utf8) else {
                    throw StorageError.corrupt(file: bytes.name, offset: layout.range(.idIndex).lowerBound,
                                               reason: "the id column's entry for doc \(doc) differs from its first stored field")
                }
            }
            guard reader.isAtEnd else { throw reader.corrupt("\(reader.remaining) unexpected bytes after the block's documents") }
            expectedDoc = entry.endDoc
            expectedOffset = entry.range.upperBound
        }
        guard expectedDoc == layout.documentCount, expectedOffset == layout.range(.storedBlocks).upperBound else {
            throw StorageError.corrupt(file: bytes.name, offset: layout.range(.storedIndex).lowerBound,
                                       reason: "stored blocks cover \(expectedDoc) of \(layout.documentCount) documents")
        }
    }
}
