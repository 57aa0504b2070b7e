/// Per-field facts from the segment info section.
struct SegmentFieldInfo {
    var name: String
    var sumOfLengths: UInt64
    var termCount: UInt64
}

/// Where each section of a segment file lies, plus the decoded segment info (FORMAT.md, "Segment file").
/// Parsing reads only the table and the info section, never the whole file.
struct SegmentLayout {
    /// Absolute byte ranges, indexed by `SegmentSection.rawValue`.
    let sections: [Range<Int>]
    let documentCount: UInt32
    let fields: [SegmentFieldInfo]

    func range(_ section: SegmentSection) -> Range<Int> { sections[section.rawValue] }

    static func parse(_ bytes: FileBytes) throws -> SegmentLayout {
        let countOffset = bytes.count - FileFormat.footerSize - 8
        var reader = ByteReader(bytes, at: countOffset)
        let sectionCount = try reader.readUInt32()
        guard sectionCount == UInt32(SegmentSection.allCases.count) else {
            throw StorageError.corrupt(file: bytes.name, offset: countOffset,
                                       reason: "section count \(sectionCount), expected \(SegmentSection.allCases.count)")
        }
        let tableStart = countOffset - SegmentSection.allCases.count * SegmentSection.tableEntrySize
        guard tableStart >= FileFormat.headerSize else {
            throw StorageError.corrupt(file: bytes.name, offset: countOffset, reason: "section table overlaps the header")
        }
        reader = ByteReader(bytes, from: tableStart, to: countOffset)
        var sections: [Range<Int>] = []
        var previousEnd = FileFormat.headerSize
        for section in SegmentSection.allCases {
            let entryOffset = reader.offset
            let offset = try reader.readUInt64()
            let length = try reader.readUInt64()
            guard offset >= UInt64(previousEnd), offset <= UInt64(tableStart),
                  length <= UInt64(tableStart) - offset else {
                throw StorageError.corrupt(file: bytes.name, offset: entryOffset,
                                           reason: "\(section.name) section \(offset)+\(length) lies outside \(previousEnd)..<\(tableStart)")
            }
            sections.append(Int(offset)..<Int(offset + length))
            previousEnd = Int(offset + length)
        }

        try verifyMetadataChecksum(bytes, sections: sections, tableStart: tableStart, countOffset: countOffset)

        let info = sections[SegmentSection.segmentInfo.rawValue]
        reader = ByteReader(bytes, from: info.lowerBound, to: info.upperBound)
        let documentCount = try reader.readUInt32()
        guard documentCount < PostingsCursor.noMoreDocs else {
            throw reader.corrupt("document count \(documentCount) is reserved", at: info.lowerBound)
        }
        let fieldCount = try reader.readCount(limit: SegmentBuilder.maximumFieldCount, "field count")
        var fields: [SegmentFieldInfo] = []
        for _ in 0..<fieldCount {
            let nameOffset = reader.offset
            let nameLength = try reader.readCount(limit: reader.remaining, "field name length")
            guard let name = String(validating: try reader.readBytes(nameLength), as: UTF8.self) else {
                throw reader.corrupt("field name is not valid UTF-8", at: nameOffset)
            }
            let sum = try reader.readVarint()
            let terms = try reader.readVarint()
            fields.append(SegmentFieldInfo(name: name, sumOfLengths: sum, termCount: terms))
        }
        guard reader.isAtEnd else { throw reader.corrupt("\(reader.remaining) unexpected bytes after segment info") }
        return SegmentLayout(sections: sections, documentCount: documentCount, fields: fields)
    }

    /// The eager half of "every byte checksummed before use": header, table and the small sections every
    /// search reads (term index, field lengths, stored index, segment info).
    private static func verifyMetadataChecksum(_ bytes: FileBytes, sections: [Range<Int>], tableStart: Int,
                                               countOffset: Int) throws {
        var reader = ByteReader(bytes, at: countOffset + 4)
        let stored = try reader.readUInt32()
        var crc = bytes.crc32(0..<FileFormat.headerSize)
        for section in SegmentSection.eagerlyVerified { crc = bytes.crc32(sections[section.rawValue], continuing: crc) }
        crc = bytes.crc32(tableStart..<(countOffset + 4), continuing: crc)
        guard crc == stored else {
            throw StorageError.corrupt(file: bytes.name, offset: countOffset + 4,
                                       reason: "metadata checksum failed (header, section table, term index, field lengths, stored index or segment info damaged): stored \(FileFormat.hex(stored)), computed \(FileFormat.hex(crc))")
        }
    }
}
