/// One live segment as `IndexStatistics` reports it.
public struct SegmentStatistics: Sendable, Equatable {
    /// The segment id (32 hex digits), as in its file name.
    public var id: String
    /// Documents stored in the segment, deleted ones included.
    public var documents: Int
    /// Documents of the segment deleted as of this commit (dropped by the next merge that includes it).
    public var deletedDocuments: Int
    /// Generation of the commit that wrote the segment's current deletes file; 0 when it has none.
    public var deletesGeneration: UInt64
    /// Size of the segment file plus its deletes file.
    public var bytes: Int
}
