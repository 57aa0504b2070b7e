/// `PositionsDecoder`'s memory: room for two blocks' values side by side (a document straddling two
/// blocks reads them contiguous) and for one document's values gathered across more blocks (raw memory,
/// freed with the object), made on a decoder's first read. Sendable unchecked: a decoder writes only an
/// object it alone references (`fill`, `straddlingValues`, `gatherValues`), and the shared placeholder
/// is never written.
final class PositionValueCache: @unchecked Sendable {
    /// A placeholder for decoders that have read nothing (most cursors never read positions).
    static let none = PositionValueCache(capacity: 0)
    let values: UnsafeMutablePointer<UInt32>
    private(set) var gathered: UnsafeMutablePointer<UInt32>
    private(set) var gatheredCapacity: Int

    init(capacity: Int = PositionsDecoder.blockSize) {
        // Two blocks side by side for a document that straddles them (`straddlingValues`).
        values = .allocate(capacity: Swift.max(2 * capacity, 1))
        gatheredCapacity = capacity
        gathered = .allocate(capacity: Swift.max(capacity, 1))
    }

    /// Room for at least `count` values (the contents are not kept).
    func reserveGathered(_ count: Int) {
        gathered.deallocate()
        gatheredCapacity = Swift.max(count, gatheredCapacity * 2)
        gathered = .allocate(capacity: gatheredCapacity)
    }

    deinit {
        values.deallocate()
        gathered.deallocate()
    }
}
