/// The choice of `nextExactPhrase`'s loop, made once per phrase scorer: which join runs depends only on the
/// number of keys and on the last key's document frequency in the segment, fixed for a set of cursors.
extension PostingsCursor {
    /// Which loop `nextExactPhrase` runs for a phrase's cursors. It depends only on the number of keys and on
    /// the last key's document frequency in its segment, so a scorer chooses it once (`exactPhraseJoin`)
    /// rather than per match (the choice cost ~13 instructions on every match, callgrind).
    /// Public (not package) so that the dispatch below can be `@inlinable`: this toolchain inlines only public
    /// `@inlinable` code across modules.
    public enum ExactPhraseJoin: Sendable {
        case pair, triple, tripleLazyLast, general
    }

    /// The loop `nextExactPhrase` runs for these cursors (`order`: by ascending document frequency).
    package static func exactPhraseJoin(_ cursors: UnsafeMutablePointer<PostingsCursor>, order: UnsafePointer<Int>,
                                        count: Int) -> ExactPhraseJoin {
        switch count {
        case 2: return .pair
        case 3:
            return isLazyLast(documentFrequency: cursors[order[2]].documentFrequency, of: cursors[order[2]].documentCount)
                ? .tripleLazyLast : .triple
        default: return .general
        }
    }

    /// `nextExactPhrase` with its loop already chosen (`exactPhraseJoin` of the same cursors, order and count).
    /// Public `@inlinable`, so that the switch is inlined into the phrase scorer's `nextMatch` (a `package`
    /// `@inlinable` function is always called out of line across modules, session 18): one call per match.
    @inlinable
    public static func nextExactPhrase(_ cursors: UnsafeMutablePointer<PostingsCursor>, order: UnsafePointer<Int>, count: Int,
                                        join: ExactPhraseJoin, atOrAfter target: UInt32,
                                        starts: inout UnsafeMutablePointer<UInt32>, capacity: inout Int,
                                        stamps: UnsafeMutablePointer<UInt8>?) throws -> (doc: UInt32, frequency: Int) {
        switch join {
        case .pair: return try nextExactPair(cursors, order: order, atOrAfter: target, stamps: stamps)
        case .tripleLazyLast:
            return try nextExactTripleLazyLast(cursors, order: order, atOrAfter: target, starts: &starts, capacity: &capacity,
                                               stamps: stamps)
        case .triple:
            return try nextExactTriple(cursors, order: order, atOrAfter: target, starts: &starts, capacity: &capacity,
                                       stamps: stamps)
        case .general:
            return try nextExactPhraseGeneral(cursors, order: order, count: count, atOrAfter: target, starts: &starts,
                                              capacity: &capacity)
        }
    }

    /// `nextExactPhrase` for one key, or four and more: the general leapfrog, then the general join.
    @inline(never) @usableFromInline
    package static func nextExactPhraseGeneral(_ cursors: UnsafeMutablePointer<PostingsCursor>, order: UnsafePointer<Int>,
                                               count: Int, atOrAfter target: UInt32, starts: inout UnsafeMutablePointer<UInt32>,
                                               capacity: inout Int) throws -> (doc: UInt32, frequency: Int) {
        var next = target
        while true {
            let doc = try nextCommonDoc(cursors, order: order, count: count, atOrAfter: next)
            guard doc != noMoreDocs else { return (doc, 0) }
            let frequency = try exactPhraseFrequency(cursors, count: count, starts: &starts, capacity: &capacity)
            if frequency > 0 { return (doc, frequency) }
            guard doc < noMoreDocs - 1 else { return (noMoreDocs, 0) }
            next = doc + 1
        }
    }
}
