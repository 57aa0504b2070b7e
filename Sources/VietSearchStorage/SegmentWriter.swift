/// Serialises a `SegmentBuilder` into the bytes of one segment file (Tantivy's "segment serializer"):
/// one writer per component, emitted in section order, then the section table and footer.
enum SegmentWriter {
    /// The complete file and the facts the manifest records about it.
    /// The file comes as parts to be written back to back (so the sections are never copied into one
    /// array: that doubled the memory a flush needs).
    /// Postings are encoded by `threads` threads (`ParallelPostingsEncoder`; the bytes do not depend on it).
    /// `consuming`: the builder's term streams are freed as their postings are encoded (the builder
    /// must not be serialised again or read after that: only its stored fields and ids remain).
    static func serialize(_ segmentBuilder: SegmentBuilder, id: SegmentID, threads: Int = 1, consuming: Bool = false)
        throws -> (parts: [ArraySlice<UInt8>], checksum: UInt32, memoryBytes: Int) {
        try segmentBuilder.sealStored()
        let builder = segmentBuilder.buffer
        let fieldCount = builder.fieldNames.count
        let sortedTerms = builder.sortedTermIndices()
        // The dictionary is built as the encoder joins its runs, while later runs still encode.
        let dictionary = DictionaryInProgress(builder: builder, sortedTerms: sortedTerms, fieldCount: fieldCount)
        let encoded = try ParallelPostingsEncoder.encode(builder, terms: sortedTerms, parts: threads,
                                                     releasingStreams: consuming) { range, locations, frequencies, totals in
            dictionary.add(range, locations: locations, documentFrequencies: frequencies, totalTermFrequencies: totals)
        }
        let termCounts = dictionary.termCounts
        let terms = dictionary.writer.finish()
        let stored = try builder.stored.sections()
        var idWriter = StoredIDsWriter()
        var position = 0
        for _ in 0..<builder.documentCount {
            // Our own `lbytes` (SegmentBuffer.idBytes), so well formed.
            var length = 0
            var shift = 0
            while true {
                let byte = builder.idBytes[position]
                length |= Int(byte & 0x7F) << shift
                position += 1
                if byte < 0x80 { break }
                shift += 7
            }
            idWriter.add(builder.idBytes[position..<(position + length)])
            position += length
        }
        let ids = idWriter.finish()

        var sums = [UInt64](repeating: 0, count: fieldCount)
        var fieldLengths: [UInt8] = []
        for field in 0..<fieldCount {
            var width = 0
            for length in builder.fieldLengths[field] {
                sums[field] += UInt64(length)
                width = Swift.max(width, BitPacking.width(of: length))
            }
            fieldLengths.append(UInt8(width))
            BitPacking.pack(builder.fieldLengths[field], width: width, into: &fieldLengths)
        }

        var info: [UInt8] = []
        info.appendUInt32(UInt32(builder.documentCount))
        info.appendVarint(fieldCount)
        for field in 0..<fieldCount {
            info.appendLengthPrefixed(Array(builder.fieldNames[field].utf8))
            info.appendVarint(sums[field])
            info.appendVarint(termCounts[field])
        }

        let sections: [[ArraySlice<UInt8>]] = [[terms.blocks[...]], [terms.index[...]], encoded.postings, encoded.positions,
                                               [fieldLengths[...]], stored.blocks.map { $0[...] }, [stored.index[...]],
                                               [info[...]], [ids.blocks[...]], [ids.index[...]]]
        var header: [UInt8] = []
        FileFormat.appendHeader(kind: .segment, segmentID: id, to: &header)
        var table: [Range<Int>] = []
        var offset = header.count
        var crc = CRC32.checksum(header)
        for section in sections {
            let length = section.reduce(0) { $0 + $1.count }
            table.append(offset..<(offset + length))
            offset += length
        }
        crc = CRC32.update(crc, parts: Array(sections.joined()), threads: threads)
        // Every eagerly verified section is a single part.
        let tableBytes = SegmentSection.encodeTable(table, header: header[...]) { sections[$0.rawValue][0] }
        var trailer = tableBytes
        trailer.append(contentsOf: FileFormat.footerMagic)
        trailer.appendUInt32(FileFormat.checksumAlgorithmCRC32)
        let checksum = CRC32.update(crc, trailer[...])
        trailer.appendUInt32(checksum)
        // The stored blocks are the builder's own arrays; everything else was made here.
        let memory = encoded.memoryBytes + terms.blocks.capacity + terms.index.capacity + fieldLengths.capacity
            + stored.index.capacity + info.capacity + ids.blocks.capacity + ids.index.capacity
        return ([header[...]] + Array(sections.joined()) + [trailer[...]], checksum, memory)
    }
}

/// The term dictionary of a segment being serialised, filled run by run as `ParallelPostingsEncoder`
/// joins them (one call at a time, in term order: the encoder's lock orders them).
private final class DictionaryInProgress {
    private let builder: SegmentBuffer
    private let sortedTerms: [Int]
    var writer = TermDictionaryWriter()
    /// Terms per field number.
    private(set) var termCounts: [UInt64]
    private var key: [UInt8] = []

    init(builder: SegmentBuffer, sortedTerms: [Int], fieldCount: Int) {
        self.builder = builder
        self.sortedTerms = sortedTerms
        termCounts = [UInt64](repeating: 0, count: fieldCount)
    }

    func add(_ range: Range<Int>, locations: ArraySlice<TermDataLocation>, documentFrequencies: ArraySlice<UInt32>,
             totalTermFrequencies: ArraySlice<UInt64>) {
        let termKeys = builder.termKeys
        for index in range {
            let termKey = termKeys[sortedTerms[index]]
            key.removeAll(keepingCapacity: true)
            key.append(termKey.field)
            key.append(contentsOf: termKey.bytes)
            writer.add(key: key, documentFrequency: documentFrequencies[index],
                       totalTermFrequency: totalTermFrequencies[index], location: locations[index])
            termCounts[Int(termKey.field)] += 1
        }
    }
}
