import VietSearchStorage

/// A per-segment cursor over the documents a query (or sub-query) matches, in doc-id order, with
/// their scores (Lucene's Scorer). Invariant: a scorer is always positioned — on creation it already
/// sits on its first match (or `PostingsCursor.noMoreDocs`), so composites can read `doc` at any time.
package protocol DocScorer: AnyObject {
    /// The current document, or `PostingsCursor.noMoreDocs`.
    var doc: UInt32 { get }
    /// Moves to the next match.
    func nextDoc() throws -> UInt32
    /// Moves to the first match >= `target`; a no-op when already there.
    func advance(to target: UInt32) throws -> UInt32
    /// Score of the current document.
    func score() throws -> Double
    /// An upper bound of the number of matches, used to lead conjunctions with the rarest clause.
    var cost: UInt64 { get }
    /// Appends the components that make up `score()` for the current document, in summing order.
    func explain(into components: inout [ScoreContribution]) throws
}

/// One addend of a score: a clause scored in one field for one key (the facade's `ScoreComponent`).
package struct ScoreContribution: Sendable, Equatable {
    package var clause: String
    package var field: String
    package var key: String
    package var keyKind: String
    package var boost: Double
    package var idf: Double
    package var tf: Double
    package var dl: Double
    package var avgdl: Double
    package var k1: Double
    package var b: Double
    package var score: Double

    package init(clause: String, field: String, key: String, keyKind: String, boost: Double, idf: Double,
                 tf: Double, dl: Double, avgdl: Double, k1: Double, b: Double, score: Double) {
        self.clause = clause; self.field = field; self.key = key; self.keyKind = keyKind
        self.boost = boost; self.idf = idf; self.tf = tf; self.dl = dl; self.avgdl = avgdl
        self.k1 = k1; self.b = b; self.score = score
    }
}

/// What a leaf scorer needs to compute and explain BM25 for one (clause, field).
struct FieldScoring {
    var clause: String
    var fieldName: String
    var fieldNumber: UInt8
    var boost: Double
    var idf: Double
    var avgdl: Double
    var bm25: BM25
    /// The key (or, for a phrase, the space-joined keys) and its kind, for explanations.
    var keyText: String
    var keyKind: String

    func contribution(tf: Double, dl: Double) -> ScoreContribution {
        ScoreContribution(clause: clause, field: fieldName, key: keyText, keyKind: keyKind, boost: boost, idf: idf,
                          tf: tf, dl: dl, avgdl: avgdl, k1: bm25.k1, b: bm25.b,
                          score: bm25.score(boost: boost, idf: idf, tf: tf, dl: dl, avgdl: avgdl))
    }
}
