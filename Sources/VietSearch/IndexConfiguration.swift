/// Settings for opening an index.
public struct IndexConfiguration: Sendable {
    /// Indexing buffer in bytes: a segment is flushed when the in-memory buffer passes it. Default 64 MiB.
    public var memoryBudget: Int = 64 << 20

    public init(memoryBudget: Int = 64 << 20) {
        self.memoryBudget = memoryBudget
    }
}
