/// A term as the segment knows it: field number plus opaque bytes. Sorted by field, then bytes.
struct TermKey: Hashable {
    var field: UInt8
    var bytes: [UInt8]

    /// Hashes the bytes in one call: `Array`'s own `hash(into:)` feeds the hasher byte by byte,
    /// which dominated indexing time.
    func hash(into hasher: inout Hasher) {
        hasher.combine(field)
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (lhs: TermKey, rhs: TermKey) -> Bool {
        lhs.field == rhs.field && lhs.bytes.count == rhs.bytes.count
            && lhs.bytes.withUnsafeBytes { left in rhs.bytes.withUnsafeBytes { right in left.elementsEqual(right) } }
    }

    static func precedes(_ lhs: TermKey, _ rhs: TermKey) -> Bool {
        lhs.field != rhs.field ? lhs.field < rhs.field : lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
