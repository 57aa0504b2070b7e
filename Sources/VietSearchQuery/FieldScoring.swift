/// What a leaf scorer needs to compute and explain BM25 for one (clause, field).
struct FieldScoring {
    var clause: String
    var fieldName: String
    var fieldNumber: UInt8
    var boost: Double
    var idf: Double
    var avgdl: Double
    var bm25: BM25
    /// The term bytes scored (several for a phrase); decoded only when explaining.
    var keys: [[UInt8]]

    func contribution(tf: Double, dl: Double) -> ScoreContribution {
        let described = keys.map(TermKeys.describe)
        let kinds = Set(described.map(\.kind))
        return ScoreContribution(clause: clause, field: fieldName, key: described.map(\.key).joined(separator: " "),
                                 keyKind: kinds.count == 1 ? (kinds.first ?? "mixed") : "mixed", boost: boost,
                                 idf: idf, tf: tf, dl: dl, avgdl: avgdl, k1: bm25.k1, b: bm25.b,
                                 score: bm25.score(boost: boost, idf: idf, tf: tf, dl: dl, avgdl: avgdl))
    }
}
