/// Random documents over the words "a", "b" and "c" for the positions and phrase-join tests: mostly short
/// documents, one in `longOneIn` long (a frequent word's values then straddle position blocks, and some
/// documents hold hundreds of one word), words skewed so that they differ in tf per document and in df.
/// Draws from the caller's generator, in a fixed order, so a test that keeps drawing from it afterwards
/// replays exactly from its seed.
public enum RandomWordDocuments {
    /// `count` documents; a word is "a" when a roll in 0..<10 is below `aBelow`, else "b" below `bBelow`,
    /// else "c".
    public static func make(count: Int, longOneIn: Int, longLengths: ClosedRange<Int>, shortLengths: ClosedRange<Int>,
                            aBelow: Int, bBelow: Int, using generator: inout SeededGenerator) -> [[String]] {
        var documents: [[String]] = []
        documents.reserveCapacity(count)
        for _ in 0..<count {
            let length = Int.random(in: 0..<longOneIn, using: &generator) == 0 ? Int.random(in: longLengths, using: &generator)
                                                                                : Int.random(in: shortLengths, using: &generator)
            documents.append((0..<length).map { _ -> String in
                let roll = Int.random(in: 0..<10, using: &generator)
                return roll < aBelow ? "a" : roll < bBelow ? "b" : "c"
            })
        }
        return documents
    }
}
