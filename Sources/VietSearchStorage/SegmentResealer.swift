/// A test and fuzzing tool: recomputes every checksum of a (deliberately damaged) segment file, inner
/// range checksums first, then the metadata checksum and the footer, so that the structural decoders
/// rather than the checksums face the damage. Best effort: a structure too damaged to walk keeps its old
/// checksums. Never used on real indexes.
package enum SegmentResealer {
    /// The file with its checksums made consistent with its (damaged) bytes.
    package static func reseal(_ input: [UInt8]) -> [UInt8] {
        var out = input
        let sectionCount = SegmentSection.allCases.count
        let countOffset = out.count - FileFormat.footerSize - 8
        let tableStart = countOffset - sectionCount * SegmentSection.tableEntrySize
        if tableStart >= FileFormat.headerSize, let sections = sectionRanges(out, tableStart: tableStart) {
            resealTermBlocks(&out, sections)
            resealStoredBlocks(&out, sections)
            resealIDBlocks(&out, sections)
            var crc = CRC32.update(0, out[0..<FileFormat.headerSize])
            for section in SegmentSection.eagerlyVerified { crc = CRC32.update(crc, out[sections[section.rawValue]]) }
            out.setUInt32(CRC32.update(crc, out[tableStart..<(countOffset + 4)]), at: countOffset + 4)
        }
        if out.count >= FileFormat.headerSize + FileFormat.footerSize {
            out.setUInt32(CRC32.update(0, out[0..<(out.count - 4)]), at: out.count - 4)
        }
        return out
    }

    /// The table's ranges when every one lies inside the file before the table.
    private static func sectionRanges(_ bytes: [UInt8], tableStart: Int) -> [Range<Int>]? {
        let file = FileBytes(name: "reseal", copying: bytes)
        var reader = ByteReader(file, at: tableStart)
        var ranges: [Range<Int>] = []
        for _ in SegmentSection.allCases {
            guard let offset = try? reader.readUInt64(), let length = try? reader.readUInt64(),
                  offset <= UInt64(tableStart), length <= UInt64(tableStart) - offset else { return nil }
            ranges.append(Int(offset)..<Int(offset + length))
        }
        return ranges
    }

    private static func resealTermBlocks(_ out: inout [UInt8], _ sections: [Range<Int>]) {
        let file = FileBytes(name: "reseal", copying: out)
        let blocks = sections[SegmentSection.termBlocks.rawValue], index = sections[SegmentSection.termIndex.rawValue]
        let postings = sections[SegmentSection.postings.rawValue], positions = sections[SegmentSection.positions.rawValue]
        var reader = ByteReader(file, from: index.lowerBound, to: index.upperBound)
        guard let count = try? reader.readUInt32(), Int(count) <= (index.count - 4) / TermDictionary.indexEntrySize else { return }
        let blockCount = Int(count)
        for block in 0..<blockCount {
            let entry = index.lowerBound + 4 + block * TermDictionary.indexEntrySize
            var entryReader = ByteReader(file, from: entry, to: index.upperBound)
            guard let start = try? entryReader.readUInt64() else { return }
            var end = UInt64(blocks.count)
            if block + 1 < blockCount {
                guard (try? entryReader.skip(8)) != nil, let next = try? entryReader.readUInt64() else { return }
                end = next
            }
            guard start < end, end <= UInt64(blocks.count) else { continue }
            let range = (blocks.lowerBound + Int(start))..<(blocks.lowerBound + Int(end))
            resealTermEntries(&out, file, block: range, postings: postings, positions: positions)
            out.setUInt32(CRC32.update(0, out[range]), at: entry + 12)
        }
    }

    /// Rewrites each term entry's two range checksums, as far as the block decodes.
    private static func resealTermEntries(_ out: inout [UInt8], _ file: FileBytes, block: Range<Int>,
                                          postings: Range<Int>, positions: Range<Int>) {
        var reader = ByteReader(file, from: block.lowerBound, to: block.upperBound)
        guard let terms = try? reader.readVarint(), var postingsOffset = try? reader.readVarint(),
              var positionsOffset = try? reader.readVarint() else { return }
        for _ in 0..<Swift.min(terms, UInt64(block.count)) {
            guard (try? reader.readVarint()) != nil, let suffix = try? reader.readVarint(), suffix <= UInt64(reader.remaining),
                  (try? reader.skip(Int(suffix))) != nil, (try? reader.readVarint()) != nil, (try? reader.readVarint()) != nil,
                  let lengthAndFlag = try? reader.readVarint(), let positionsLength = try? reader.readVarint() else { return }
            let postingsLength = lengthAndFlag >> 1
            var ownPostings = postingsOffset, ownPositions = positionsOffset
            if lengthAndFlag & 1 == 1 {
                guard let sharedPostings = try? reader.readVarint(), let sharedPositions = try? reader.readVarint() else { return }
                ownPostings = sharedPostings
                ownPositions = sharedPositions
            } else {
                postingsOffset &+= postingsLength
                positionsOffset &+= positionsLength
            }
            guard reader.remaining >= 8 else { return }
            let checksums = reader.offset
            out.setUInt32(checksum(out, within: postings, offset: ownPostings, length: postingsLength), at: checksums)
            out.setUInt32(checksum(out, within: positions, offset: ownPositions, length: positionsLength), at: checksums + 4)
            guard (try? reader.skip(8)) != nil else { return }
        }
    }

    private static func checksum(_ out: [UInt8], within section: Range<Int>, offset: UInt64, length: UInt64) -> UInt32 {
        guard offset <= UInt64(section.count), length <= UInt64(section.count) - offset else { return 0 }
        let start = section.lowerBound + Int(offset)
        return CRC32.update(0, out[start..<(start + Int(length))])
    }

    private static func resealStoredBlocks(_ out: inout [UInt8], _ sections: [Range<Int>]) {
        let file = FileBytes(name: "reseal", copying: out)
        let blocks = sections[SegmentSection.storedBlocks.rawValue], index = sections[SegmentSection.storedIndex.rawValue]
        var reader = ByteReader(file, from: index.lowerBound, to: index.upperBound)
        guard let dictionaryCount = try? reader.readUInt32() else { return }
        for _ in 0..<Swift.min(Int(dictionaryCount), reader.remaining / StoredIndexBuilder.dictionaryEntrySize) {
            let entry = reader.offset
            guard let offset = try? reader.readUInt64(), let length = try? reader.readUInt32(),
                  (try? reader.skip(4)) != nil else { return }
            out.setUInt32(checksum(out, within: blocks, offset: offset, length: UInt64(length)), at: entry + 12)
        }
        guard let count = try? reader.readUInt32() else { return }
        for _ in 0..<Swift.min(Int(count), reader.remaining / StoredIndexBuilder.blockEntrySize) {
            let entry = reader.offset
            guard (try? reader.skip(4)) != nil, let offset = try? reader.readUInt64(), let size = try? reader.readUInt32(),
                  (try? reader.skip(12)) != nil else { return }
            out.setUInt32(checksum(out, within: blocks, offset: offset, length: UInt64(size)), at: entry + 20)
        }
    }

    private static func resealIDBlocks(_ out: inout [UInt8], _ sections: [Range<Int>]) {
        let file = FileBytes(name: "reseal", copying: out)
        let blocks = sections[SegmentSection.idBlocks.rawValue], index = sections[SegmentSection.idIndex.rawValue]
        var reader = ByteReader(file, from: index.lowerBound, to: index.upperBound)
        guard let count = try? reader.readUInt32() else { return }
        let blockCount = Swift.min(Int(count), (index.count - 4) / StoredIDsWriter.indexEntrySize)
        for block in 0..<blockCount {
            let entry = reader.offset
            guard let start = try? reader.readUInt64(), (try? reader.skip(4)) != nil else { return }
            var end = UInt64(blocks.count)
            if block + 1 < blockCount {
                var next = ByteReader(file, from: reader.offset, to: index.upperBound)
                guard let offset = try? next.readUInt64() else { return }
                end = offset
            }
            guard start <= end else { continue }
            out.setUInt32(checksum(out, within: blocks, offset: start, length: end - start), at: entry + 8)
        }
    }
}
