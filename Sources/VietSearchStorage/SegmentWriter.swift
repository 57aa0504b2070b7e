/// Serialises a `SegmentBuilder` into the bytes of one segment file (Tantivy's "segment serializer"):
/// one writer per component, emitted in section order, then the section table and footer.
enum SegmentWriter {
    /// The complete file and the facts the manifest records about it.
    /// The file comes as parts to be written back to back (so the sections are never copied into one
    /// array: that doubled the memory a flush needs).
    static func serialize(_ segmentBuilder: SegmentBuilder, id: SegmentID) throws -> (parts: [[UInt8]], checksum: UInt32) {
        try segmentBuilder.sealStored()
        let builder = segmentBuilder.buffer
        let fieldCount = builder.fieldNames.count
        var termCounts = [UInt64](repeating: 0, count: fieldCount)
        var postingsWriter = PostingsWriter()
        var dictionary = TermDictionaryWriter()
        var key: [UInt8] = []
        var buffer = TermPostingsBuffer()
        for term in builder.sortedTermIndices() {
            let termKey = builder.termKeys[term]
            buffer.decode(stream: builder.termStreams[term])
            let field = Int(termKey.field)
            let location = try postingsWriter.append(buffer, field: termKey.field, fieldLengths: builder.fieldLengths[field])
            var total: UInt64 = 0
            for frequency in buffer.frequencies { total += UInt64(frequency) }
            key.removeAll(keepingCapacity: true)
            key.append(termKey.field)
            key.append(contentsOf: termKey.bytes)
            dictionary.add(key: key, documentFrequency: UInt32(buffer.docs.count), totalTermFrequency: total,
                           location: location)
            termCounts[field] += 1
        }
        let terms = dictionary.finish()
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

        let sections: [[[UInt8]]] = [[terms.blocks], [terms.index], [postingsWriter.postings], [postingsWriter.positions],
                                     [fieldLengths], stored.blocks, [stored.index], [info], [ids.blocks], [ids.index]]
        var header: [UInt8] = []
        FileFormat.appendHeader(kind: .segment, segmentID: id, to: &header)
        var table: [Range<Int>] = []
        var offset = header.count
        var crc = CRC32.checksum(header)
        for section in sections {
            let length = section.reduce(0) { $0 + $1.count }
            table.append(offset..<(offset + length))
            offset += length
            for part in section { crc = CRC32.update(crc, part[...]) }
        }
        // Every eagerly verified section is a single part.
        let tableBytes = SegmentSection.encodeTable(table, header: header[...]) { sections[$0.rawValue][0][...] }
        var trailer = tableBytes
        trailer.append(contentsOf: FileFormat.footerMagic)
        trailer.appendUInt32(FileFormat.checksumAlgorithmCRC32)
        let checksum = CRC32.update(crc, trailer[...])
        trailer.appendUInt32(checksum)
        return ([header] + sections.joined() + [trailer], checksum)
    }
}
