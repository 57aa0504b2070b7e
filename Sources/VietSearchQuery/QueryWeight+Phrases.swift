extension QueryWeight {
    /// Phrases and SHOULD-only groups of them (`"a b"` in several fields, `"a b" OR "c d"`): the shape
    /// `PhrasePruner` takes (its leaves, from `disjunctiveLeaves`, are all two-phase phrases).
    var isPhraseDisjunction: Bool { Self.isPhraseDisjunction(root) }

    private static func isPhraseDisjunction(_ clause: BoundQuery) -> Bool {
        switch clause {
        case .phrases: return true
        case .boolean(let must, let should, let mustNot) where must.isEmpty && mustNot.isEmpty:
            return should.allSatisfy(isPhraseDisjunction)
        default: return false
        }
    }
}
