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

    /// offset u64 + length u64.
    static let tableEntrySize = 16
    /// Table entries plus the trailing section count u32.
    static var tableSize: Int { allCases.count * tableEntrySize + 4 }

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
        }
    }
}
