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
