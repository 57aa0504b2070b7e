import VietSearchTestSupport
@testable import VietSearchStorage

/// A builder filled like the indexer fills one: every token adds an exact key "e…x" and a folded key "f…"
/// at the same position in field "body". `foldedWords` < `words` makes some folded keys have two
/// spellings and most only one (shared term data); folded keys sort after every exact key, so any split
/// of the sorted terms into runs separates a folded key from its spellings.
enum PairedKeyCorpus {
    static func builder(documents: Int, tokensPerDocument: UInt32, words: Int, foldedWords: Int, seed: UInt64,
                        storedValue: (Int) -> String) throws -> SegmentBuilder {
        let builder = SegmentBuilder()
        let body = try builder.fieldNumber(for: "body")
        var random = SeededGenerator(seed: seed)
        for number in 0..<documents {
            try builder.beginDocument()
            for position in 0..<tokensPerDocument {
                let word = random.next(below: words)
                let exact = Array("e\(word)x".utf8)
                let folded = Array("f\(word % foldedWords)".utf8)
                try exact.withUnsafeBufferPointer { first in
                    try folded.withUnsafeBufferPointer { second in
                        try builder.addOccurrencePair(field: body, first: first, second: second, position: position)
                    }
                }
            }
            _ = try builder.finishDocument(stored: [StoredField(name: "n", value: storedValue(number))],
                                       fieldLengths: [tokensPerDocument])
        }
        return builder
    }
}
