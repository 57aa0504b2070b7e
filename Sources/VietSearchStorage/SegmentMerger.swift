import Foundation

/// Streams N segments into one new segment, dropping deleted documents and renumbering the rest in
/// order (segment order, then local doc id). Memory stays bounded: term dictionaries are walked in
/// key order one field at a time (a k-way merge), each term's merged postings are written and
/// spooled to disk before the next, stored documents are recompressed block by block. What is held
/// in memory is per document (a doc map and the field lengths, 4 bytes each) and per term block
/// (the sparse term index), never the postings or stored fields of the index. Stored-field blocks of a
/// segment without deletes are copied compressed, as they are (only their index entries are renumbered).
struct SegmentMerger {
    let segments: [SegmentReader]
    /// Directory for the spool files and the output.
    let spoolDirectory: String
    let id: SegmentID
    /// Whether terms are gathered in bulk (`MergedTermCollector`) or document by document through
    /// cursors (the reference path the tests compare it with: both write the same bytes).
    var collectsInBulk = true
    /// Whether the inputs are read on a thread of their own while the calling thread writes
    /// (`TermPipeline`; not with a single processor, where it would only add the hand-over); off, one
    /// thread does both (the tests compare the two: same bytes).
    var collectsOnOwnThread = ProcessInfo.processInfo.activeProcessorCount > 1
    /// When the reading thread hands a batch over (tests make them small).
    var pipelineLimits = TermPipeline.Limits()

    /// The merged file, complete on disk at `path` (not yet under its final name), and its facts.
    struct Output {
        var path: String
        var documentCount: UInt32
        var fileSize: UInt64
        var checksum: UInt32
    }

    func merge() throws -> Output {
        // New doc ids: live documents in segment order, then local doc id.
        var docMaps: [[UInt32]] = []
        var documentCount = 0
        for segment in segments {
            var map = [UInt32](repeating: UInt32.max, count: Int(segment.documentCount))
            for doc in 0..<segment.documentCount where !segment.isDeleted(doc) {
                map[Int(doc)] = UInt32(documentCount)
                documentCount += 1
            }
            docMaps.append(map)
        }
        guard documentCount <= SegmentBuilder.maximumDocumentCount else {
            throw StorageError.limitExceeded("merged segment would hold \(documentCount) documents")
        }

        // Fields: the union, numbered in order of first appearance.
        var fieldNames: [String] = []
        var fieldMaps: [[UInt8]] = []
        for segment in segments {
            var map: [UInt8] = []
            for name in segment.fieldNames {
                if let number = fieldNames.firstIndex(of: name) {
                    map.append(UInt8(number))
                } else {
                    guard fieldNames.count < SegmentBuilder.maximumFieldCount else {
                        throw StorageError.limitExceeded("merged segment would have more than \(SegmentBuilder.maximumFieldCount) fields")
                    }
                    map.append(UInt8(fieldNames.count))
                    fieldNames.append(name)
                }
            }
            fieldMaps.append(map)
        }

        var lengths = [[UInt32]](repeating: [UInt32](repeating: 0, count: documentCount), count: fieldNames.count)
        for (index, segment) in segments.enumerated() {
            for (oldField, newField) in fieldMaps[index].enumerated() {
                for doc in 0..<segment.documentCount {
                    let newDoc = docMaps[index][Int(doc)]
                    if newDoc != UInt32.max {
                        lengths[Int(newField)][Int(newDoc)] = try segment.fieldLength(field: UInt8(oldField), doc: doc)
                    }
                }
            }
        }

        let base = spoolDirectory + "/merge-\(id)"
        var spools: [SpoolFile] = []
        defer { for spool in spools { spool.remove() } }
        func spool(_ name: String) throws -> SpoolFile {
            let file = try SpoolFile(path: "\(base)-\(name).tmp")
            spools.append(file)
            return file
        }
        let termBlocks = try spool("terms"), postings = try spool("postings"), positions = try spool("positions")

        let termCounts = try mergeTerms(fieldCount: fieldNames.count, fieldMaps: fieldMaps, docMaps: docMaps,
                                        lengths: lengths, termBlocks: termBlocks, postings: postings, positions: positions)
        let termIndex = termCounts.index

        var fieldLengths: [UInt8] = []
        var sums = [UInt64](repeating: 0, count: fieldNames.count)
        for field in 0..<fieldNames.count {
            var width = 0
            for length in lengths[field] {
                sums[field] += UInt64(length)
                width = Swift.max(width, BitPacking.width(of: length))
            }
            fieldLengths.append(UInt8(width))
            BitPacking.pack(lengths[field], width: width, into: &fieldLengths)
        }
        lengths = []

        var info: [UInt8] = []
        info.appendUInt32(UInt32(documentCount))
        info.appendVarint(fieldNames.count)
        for field in 0..<fieldNames.count {
            info.appendLengthPrefixed(Array(fieldNames[field].utf8))
            info.appendVarint(sums[field])
            info.appendVarint(termCounts.perField[field])
        }

        let outputPath = base + ".vss.tmp"
        let output = try SpoolFile(path: outputPath)
        output.startsWriteback = true
        let checksum: UInt32
        do {
            checksum = try assemble(into: output, termBlocks: termBlocks, termIndex: termIndex, postings: postings,
                                    positions: positions, fieldLengths: fieldLengths, info: info, docMaps: docMaps)
            try output.sync()
            try output.closeKeeping()
        } catch {
            output.remove()
            throw error
        }
        return Output(path: outputPath, documentCount: UInt32(documentCount), fileSize: UInt64(output.size), checksum: checksum)
    }

    /// Writes the segment file: header, sections in table order, table, footer; the CRC accumulates as
    /// we go (returned). Stored blocks and ids are merged straight into the file (they come after the
    /// term sections, which were spooled while the terms were merged), not spooled and copied.
    private func assemble(into output: SpoolFile, termBlocks: SpoolFile, termIndex: [UInt8], postings: SpoolFile,
                          positions: SpoolFile, fieldLengths: [UInt8], info: [UInt8], docMaps: [[UInt32]]) throws -> UInt32 {
        var header: [UInt8] = []
        FileFormat.appendHeader(kind: .segment, segmentID: id, to: &header)
        try output.append(header)
        var table: [Range<Int>] = []
        func section(_ write: () throws -> Void) throws {
            let start = output.size
            try write()
            table.append(start..<output.size)
        }
        try section { try termBlocks.copy(to: output) }
        try section { try output.append(termIndex) }
        try section { try postings.copy(to: output) }
        try section { try positions.copy(to: output) }
        try section { try output.append(fieldLengths) }
        var storedIndex: [UInt8] = [], idIndex: [UInt8] = []
        try section { storedIndex = try mergeStoredFields(docMaps: docMaps, into: output) }
        try section { try output.append(storedIndex) }
        try section { try output.append(info) }
        try section { idIndex = try mergeIDs(docMaps: docMaps, into: output) }
        try section { try output.append(idIndex) }
        var tail = SegmentSection.encodeTable(table, header: header[...]) { section in
            switch section {
            case .termIndex: termIndex[...]
            case .fieldLengths: fieldLengths[...]
            case .storedIndex: storedIndex[...]
            case .segmentInfo: info[...]
            case .idIndex: idIndex[...]
            default: []
            }
        }
        tail.append(contentsOf: FileFormat.footerMagic)
        tail.appendUInt32(FileFormat.checksumAlgorithmCRC32)
        try output.append(tail)
        let checksum = output.crc
        var crcBytes: [UInt8] = []
        crcBytes.appendUInt32(checksum)
        try output.append(crcBytes)
        return checksum
    }

    /// The k-way term merge, field by field in new field order (so keys come out ascending): the
    /// inputs are read on a thread of their own while this one writes (`TermPipeline`), unless
    /// `collectsOnOwnThread` is off.
    private func mergeTerms(fieldCount: Int, fieldMaps: [[UInt8]], docMaps: [[UInt32]], lengths: [[UInt32]],
                            termBlocks: SpoolFile, postings: SpoolFile, positions: SpoolFile) throws
        -> (index: [UInt8], perField: [UInt64]) {
        var dictionary = TermDictionaryWriter()
        var writer = PostingsWriter()
        var perField = [UInt64](repeating: 0, count: fieldCount)
        var key: [UInt8] = []
        func write(_ buffer: PostingsWriter.TermView, field newField: UInt8, term: ArraySlice<UInt8>) throws {
            let location = try writer.append(buffer, field: newField, fieldLengths: lengths[Int(newField)])
            let total = buffer.totalTermFrequency
            key.removeAll(keepingCapacity: true)
            key.append(newField)
            key.append(contentsOf: term)
            dictionary.add(key: key, documentFrequency: UInt32(buffer.documentCount), totalTermFrequency: total,
                           location: location)
            perField[Int(newField)] += 1
            if writer.postings.count + writer.positions.count >= SpoolFile.bufferSize {
                try writer.drain { try postings.append($0); try positions.append($1) }
                try termBlocks.append(dictionary.drainBlocks())
                releaseInputPages()
            }
        }
        let segments = segments, bulk = collectsInBulk
        if collectsOnOwnThread {
            try TermPipeline.run(limits: pipelineLimits, produce: { emit in
                try Self.walkTerms(segments, fieldCount: fieldCount, fieldMaps: fieldMaps, docMaps: docMaps, inBulk: bulk, emit)
            }, consume: write)
        } else {
            try Self.walkTerms(segments, fieldCount: fieldCount, fieldMaps: fieldMaps, docMaps: docMaps, inBulk: bulk) { buffer, field, term in
                try buffer.withView { try write($0, field: field, term: term) }
            }
        }
        try writer.drain { try postings.append($0); try positions.append($1) }
        let finished = dictionary.finish()
        try termBlocks.append(finished.blocks)
        return (finished.index, perField)
    }

    /// Walks the inputs' term dictionaries in merged key order and calls `emit` with each merged term
    /// that has a live document: its postings gathered (renumbered, deleted documents dropped) into a
    /// buffer `emit` may swap for another, its new field and its bytes.
    private static func walkTerms(_ segments: [SegmentReader], fieldCount: Int, fieldMaps: [[UInt8]], docMaps: [[UInt32]],
                                  inBulk collectsInBulk: Bool,
                                  _ emit: (inout TermPostingsBuffer, UInt8, ArraySlice<UInt8>) throws -> Void) throws {
        var buffer = TermPostingsBuffer()
        var collector = MergedTermCollector()
        for newField in 0..<fieldCount {
            // One stream per segment that has the field; `active[i]` is false once exhausted.
            var streams: [(segment: Int, stream: TermStream)] = []
            for (index, segment) in segments.enumerated() {
                guard let oldField = fieldMaps[index].firstIndex(of: UInt8(newField)) else { continue }
                var stream = try TermStream(dictionary: segment.dictionary, field: UInt8(oldField))
                if try stream.next() { streams.append((index, stream)) }
            }
            var smallest: [UInt8] = []
            while !streams.isEmpty {
                var smallestIndex = 0
                for index in streams.indices.dropFirst()
                where streams[index].stream.term.lexicographicallyPrecedes(streams[smallestIndex].stream.term) {
                    smallestIndex = index
                }
                smallest.removeAll(keepingCapacity: true)
                smallest.append(contentsOf: streams[smallestIndex].stream.term)
                buffer.removeAll(positionsAreValues: collectsInBulk)
                // Streams are in segment order, so appended doc ids ascend. Advanced in place.
                var index = 0
                while index < streams.count {
                    guard streams[index].stream.term == smallest else {
                        index += 1
                        continue
                    }
                    let segmentIndex = streams[index].segment
                    if collectsInBulk {
                        try collector.append(streams[index].stream.info, of: segments[segmentIndex], docMap: docMaps[segmentIndex],
                                             to: &buffer)
                    } else {
                        var cursor = try segments[segmentIndex].postings(streams[index].stream.info)
                        while try cursor.nextDoc() != PostingsCursor.noMoreDocs {
                            buffer.docs.append(docMaps[segmentIndex][Int(cursor.doc)])
                            buffer.frequencies.append(cursor.termFrequency)
                            try cursor.appendPositions(to: &buffer.positions)
                        }
                    }
                    if try streams[index].stream.next() {
                        index += 1
                    } else {
                        streams.remove(at: index)
                    }
                }
                guard buffer.documentCount > 0 else { continue }
                try emit(&buffer, UInt8(newField), smallest[...])
            }
        }
    }

    /// Copies the live documents' ids into the new id column; returns the id index section.
    private func mergeIDs(docMaps: [[UInt32]], into blocks: SpoolFile) throws -> [UInt8] {
        var writer = StoredIDsWriter()
        for (segmentIndex, segment) in segments.enumerated() {
            for doc in 0..<segment.documentCount where docMaps[segmentIndex][Int(doc)] != UInt32.max {
                writer.add(try segment.ids.idBytes(doc))
                if writer.blocks.count >= SpoolFile.bufferSize { try blocks.append(writer.drainBlocks()) }
            }
        }
        let finished = writer.finish()
        try blocks.append(finished.blocks)
        return finished.index
    }

    /// Copies every input's stored-field dictionaries, then its blocks: as they are for an input without
    /// deletes (no recompression), else its live documents recompressed into ~4 KiB blocks with the same
    /// dictionary (trained on those documents). Returns the stored index section.
    private func mergeStoredFields(docMaps: [[UInt32]], into blocks: SpoolFile) throws -> [UInt8] {
        var index = StoredIndexBuilder()
        // New dictionary numbers: renumbered[segment][old number − 1].
        var renumbered: [[UInt32]] = []
        var dictionaryBytes: [UInt32: [UInt8]] = [:]
        for segment in segments {
            var numbers: [UInt32] = []
            for entry in segment.stored.dictionaries.entries {
                // Verified before copying: the new segment's checksums would otherwise vouch for damage.
                try segment.bytes.verifyChecksum(of: entry.range, expected: entry.checksum, what: "stored-field dictionary")
                var reader = ByteReader(segment.bytes, from: entry.range.lowerBound, to: entry.range.upperBound)
                let bytes = try reader.readBytes(entry.range.count)
                let number = try index.addDictionary(length: bytes.count, checksum: entry.checksum)
                if segment.deletions != nil { dictionaryBytes[number] = bytes }
                numbers.append(number)
                try blocks.append(bytes)
            }
            renumbered.append(numbers)
        }

        var raw: [UInt8] = []
        var rawDictionary: UInt32 = 0
        var blockFirstDoc: UInt32 = 0
        var nextDoc: UInt32 = 0
        var compressors: [UInt32: Zstd.Compressor] = [:]
        func flush() throws {
            guard !raw.isEmpty else { return }
            let compressor: Zstd.Compressor
            if let existing = compressors[rawDictionary] {
                compressor = existing
            } else {
                compressor = try Zstd.Compressor(dictionary: rawDictionary == 0 ? nil : dictionaryBytes[rawDictionary])
                compressors[rawDictionary] = compressor
            }
            let compressed = try compressor.compress(raw)
            try index.addBlock(firstDoc: blockFirstDoc, compressedSize: compressed.count, rawSize: raw.count,
                               checksum: CRC32.checksum(compressed), dictionary: rawDictionary)
            try blocks.append(compressed)
            raw.removeAll(keepingCapacity: true)
            blockFirstDoc = nextDoc
        }
        for (segmentIndex, segment) in segments.enumerated() {
            let stored = segment.stored
            func newDictionary(_ entry: StoredFieldsReader.BlockEntry) -> UInt32 {
                entry.dictionary == 0 ? 0 : renumbered[segmentIndex][Int(entry.dictionary) - 1]
            }
            if segment.deletions == nil {
                try flush()
                for block in 0..<stored.blockCount {
                    let entry = try stored.entry(block)
                    try stored.verify(entry)
                    var reader = ByteReader(segment.bytes, from: entry.range.lowerBound, to: entry.range.upperBound)
                    let compressed = try reader.readBytes(entry.range.count)
                    try index.addBlock(firstDoc: nextDoc, compressedSize: compressed.count, rawSize: entry.rawSize,
                                       checksum: entry.checksum, dictionary: newDictionary(entry))
                    try blocks.append(compressed)
                    nextDoc += entry.endDoc - entry.firstDoc
                }
                blockFirstDoc = nextDoc
                segment.bytes.releaseResidentPages()
                continue
            }
            for block in 0..<stored.blockCount {
                let entry = try stored.entry(block)
                let decompressed = try stored.decompress(entry)
                if newDictionary(entry) != rawDictionary {
                    try flush()
                    rawDictionary = newDictionary(entry)
                }
                var reader = ByteReader(decompressed)
                for doc in entry.firstDoc..<entry.endDoc {
                    let start = reader.offset
                    try reader.skip(try reader.readCount(limit: reader.remaining, "stored document length"))
                    guard docMaps[segmentIndex][Int(doc)] != UInt32.max else { continue }
                    var copy = ByteReader(decompressed, from: start, to: reader.offset)
                    try copy.readBytes(reader.offset - start, appendingTo: &raw)
                    nextDoc += 1
                    if raw.count >= StoredFieldsWriter.targetBlockSize { try flush() }
                }
            }
        }
        try flush()
        releaseInputPages()
        return index.finish()
    }

    /// Drops the pages of the inputs' mappings that the merge has read so far: the merge reads every
    /// input byte once, and the touched pages of a mapping count in the process's RSS (which then grew
    /// with the index size while merging); they stay in the page cache, so a later read costs no I/O.
    private func releaseInputPages() {
        for segment in segments { segment.bytes.releaseResidentPages() }
    }
}
