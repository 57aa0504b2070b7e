#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lucene's BM25 with exact document lengths (README "Ranking"):
/// `boost · idf · tf / (tf + k1·(1 − b + b·dl/avgdl))`, `idf = ln(1 + (N − n + 0.5)/(n + 0.5))`.
package struct BM25: Sendable, Equatable {
    /// Term-frequency saturation; 1.2 as in Lucene and Tantivy.
    package var k1: Double
    /// Strength of length normalisation; 0.75 as in Lucene and Tantivy.
    package var b: Double

    package init(k1: Double = 1.2, b: Double = 0.75) {
        self.k1 = k1
        self.b = b
    }

    /// `N` documents in the whole index, `n` of them having the key in the field.
    package static func idf(documentCount: UInt64, documentFrequency: UInt64) -> Double {
        let total = Double(documentCount), having = Double(documentFrequency)
        return log(1 + (total - having + 0.5) / (having + 0.5))
    }

    /// One (clause, field) component. An empty field (avgdl 0) has no length to normalise by, so its norm is 1.
    @inline(__always)
    package func score(boost: Double, idf: Double, tf: Double, dl: Double, avgdl: Double) -> Double {
        let lengthNorm = avgdl > 0 ? 1 - b + b * dl / avgdl : 1
        return boost * idf * tf / (tf + k1 * lengthNorm)
    }
}
