/// The sections of a segment file, in file order; the section table lists them in this order
/// (FORMAT.md, "Segment file").
enum SegmentSection: Int, CaseIterable {
    case termBlocks = 0
    case termIndex
    case postings
    case positions
    case fieldLengths
    case storedBlocks
    case storedIndex
    case segmentInfo
    case idBlocks
    case idIndex

    /// offset u64 + length u64.
    static let tableEntrySize = 16
    /// Table entries plus the trailing section count u32 and metadata checksum u32.
    static var tableSize: Int { allCases.count * tableEntrySize + 8 }

    /// The sections every search reads and that are small (a few bytes per document or per 32 terms):
    /// the metadata checksum covers them, in this order, so they are verified when the segment opens.
    static let eagerlyVerified: [SegmentSection] = [.termIndex, .fieldLengths, .storedIndex, .segmentInfo, .idIndex]

    /// The section table: an entry per section, the count, then the metadata checksum (FORMAT.md,
    /// "Segment file"), a CRC-32 over the header, the eagerly verified sections and the table before it.
    static func encodeTable(_ table: [Range<Int>], header: ArraySlice<UInt8>,
                            bytes: (SegmentSection) -> ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        for range in table {
            out.appendUInt64(UInt64(range.lowerBound))
            out.appendUInt64(UInt64(range.count))
        }
        out.appendUInt32(UInt32(table.count))
        var crc = CRC32.update(0, header)
        for section in eagerlyVerified { crc = CRC32.update(crc, bytes(section)) }
        out.appendUInt32(CRC32.update(crc, out[...]))
        return out
    }

    var name: String {
        switch self {
        case .termBlocks: "term blocks"
        case .termIndex: "term index"
        case .postings: "postings"
        case .positions: "positions"
        case .fieldLengths: "field lengths"
        case .storedBlocks: "stored blocks"
        case .storedIndex: "stored index"
        case .segmentInfo: "segment info"
        case .idBlocks: "id blocks"
        case .idIndex: "id index"
        }
    }
}
