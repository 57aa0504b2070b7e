/// Serialises a `SegmentBuilder` into the bytes of one segment file (Tantivy's "segment serializer"):
/// one writer per component, emitted in section order, then the section table and footer.
enum SegmentWriter {
    /// The complete file and the facts the manifest records about it.
    static func serialize(_ segmentBuilder: SegmentBuilder, id: SegmentID) throws -> (bytes: [UInt8], checksum: UInt32) {
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
        let stored = try StoredFieldsWriter.write(stored: builder.storedBytes, documentEnds: builder.storedDocumentEnds)
        var idWriter = StoredIDsWriter()
        var documentStart = 0
        for end in builder.storedDocumentEnds {
            idWriter.add(StoredIDsWriter.firstValue(ofStoredDocument: builder.storedBytes[documentStart..<end]))
            documentStart = end
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

        let sections: [[UInt8]] = [terms.blocks, terms.index, postingsWriter.postings, postingsWriter.positions,
                                   fieldLengths, stored.blocks, stored.index, info, ids.blocks, ids.index]
        var out: [UInt8] = []
        out.reserveCapacity(sections.reduce(FileFormat.headerSize + SegmentSection.tableSize + FileFormat.footerSize) {
            $0 + $1.count
        })
        FileFormat.appendHeader(kind: .segment, segmentID: id, to: &out)
        var table: [Range<Int>] = []
        for section in sections {
            table.append(out.count..<(out.count + section.count))
            out.append(contentsOf: section)
        }
        let tableBytes = SegmentSection.encodeTable(table, header: out[0..<FileFormat.headerSize]) { out[table[$0.rawValue]] }
        out.append(contentsOf: tableBytes)
        let checksum = FileFormat.appendFooter(to: &out)
        return (out, checksum)
    }
}
