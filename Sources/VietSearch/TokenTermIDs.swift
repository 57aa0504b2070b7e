import VietSearchAnalysis
import VietSearchStorage

/// The builder's term ids of recently seen tokens' keys, by the analyser's `KeyedToken.keyID`, per
/// field: a token whose keys came from the analyser's syllable cache (most words of Vietnamese text)
/// is added by its two term ids, without copying, hashing or comparing its key bytes.
///
/// Valid for one builder at a time: `use(_:)` forgets everything when the builder (or its epoch) changes.
/// Used by one thread at a time (an encoder's).
final class TokenTermIDs {
    /// `keyID` of the token whose ids these are (−1: none), and its exact and folded keys' term ids.
    private struct Entry {
        var keyID: Int
        var exact: UInt32
        var folded: UInt32
    }

    private static let slotCount = StreamingAnalyzer.keyIDSlotCount
    /// Per field number, its table of `slotCount` entries (allocated when the field is first seen).
    /// Unchecked: a per-token read of a class's property otherwise pays a dynamic exclusivity check
    /// (`swift_beginAccess`, 4% of indexing instructions); one thread uses the object at a time.
    @exclusivity(unchecked) private var tables: [UnsafeMutablePointer<Entry>?] = []
    private weak var builder: SegmentBuilder?
    private var builderEpoch = 0

    deinit {
        for table in tables { table?.deallocate() }
    }

    /// Starts a document for `builder`: the cached ids are kept only if they are this builder's.
    func use(_ builder: SegmentBuilder) {
        guard self.builder !== builder || builderEpoch != builder.termIDEpoch else { return }
        self.builder = builder
        builderEpoch = builder.termIDEpoch
        for table in tables { table?.update(repeating: Entry(keyID: -1, exact: 0, folded: 0), count: Self.slotCount) }
    }

    /// The term ids stored for `keyID` in `field`, if any.
    @inline(__always)
    func lookup(field: UInt8, keyID: Int) -> (exact: UInt32, folded: UInt32)? {
        guard Int(field) < tables.count, let table = tables[Int(field)] else { return nil }
        let entry = table[keyID & (Self.slotCount - 1)]
        return entry.keyID == keyID ? (entry.exact, entry.folded) : nil
    }

    /// Remembers the term ids of `keyID`'s keys in `field` (`keyID` ≥ 0).
    func store(field: UInt8, keyID: Int, exact: UInt32, folded: UInt32) {
        while tables.count <= Int(field) { tables.append(nil) }
        let table: UnsafeMutablePointer<Entry>
        if let existing = tables[Int(field)] {
            table = existing
        } else {
            table = .allocate(capacity: Self.slotCount)
            table.initialize(repeating: Entry(keyID: -1, exact: 0, folded: 0), count: Self.slotCount)
            tables[Int(field)] = table
        }
        table[keyID & (Self.slotCount - 1)] = Entry(keyID: keyID, exact: exact, folded: folded)
    }
}
