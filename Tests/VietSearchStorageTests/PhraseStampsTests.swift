import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// The joins by position stamps (`PostingsCursor+PhraseStamps.swift`) against the model: more candidates than
/// there are stamps (the map cleared when they wrap), documents whose positions run past the map's limit (left
/// to the merge) with phrases on both sides of it and across it, and the two-key join's own answer at the limit.
final class PhraseStampsTests: XCTestCase {
    /// 400 short random documents of "a", "b", "c", "x", then long ones: "a b c" around the limit (4,095)
    /// and far past it, and a long document of fillers with the phrase only past the limit.
    private static func documents() -> [[String]] {
        var generator = SeededGenerator(seed: 0x57a)
        let words = ["a", "b", "c", "x"]
        var documents = (0..<400).map { _ in
            (0..<(3 + generator.next(below: 60))).map { _ in words[generator.next(below: words.count)] }
        }
        for start in [4_088, 4_091, 4_092, 4_093, 4_094, 4_095, 4_096, 6_000] {
            var long = Array(repeating: "x", count: 6_100)
            for (offset, word) in ["a", "b", "c"].enumerated() { long[start + offset] = word }
            long[10] = "a"; long[11] = "b"; long[20] = "c"; long[21] = "b"
            documents.append(long)
        }
        // A stamped position at the limit's byte while the other key's only positions are clamped to it.
        var edge = Array(repeating: "x", count: 4_200)
        edge[4_094] = "a"; edge[4_097] = "b"; edge[4_098] = "b"; edge[4_099] = "c"; edge[4_100] = "c"; edge[4_101] = "c"
        documents.append(edge)
        var late = Array(repeating: "x", count: 5_000)
        late[4_500] = "a"; late[4_501] = "b"; late[4_502] = "c"; late[4_800] = "b"
        documents.append(late)
        return documents
    }

    func testStampedJoinsMatchModelAcrossWrapsAndLimit() throws {
        let documents = Self.documents()
        let reader = try bodyWordsSegment(documents)
        var matches = 0
        for phrase in [["a", "b"], ["b", "a"], ["a", "b", "c"], ["c", "a", "b"], ["b", "c", "b"], ["a", "a"], ["x", "a", "b"]] {
            var opened = try phrase.map { try bodyWordCursor(reader, $0, deletions: nil) }
            for index in opened.indices { _ = try opened[index].nextDoc() }
            let memory = PhraseJoinMemory(rarestFirst: opened, startsCapacity: 1, stamped: true)
            let found = try memory.allMatches()
            XCTAssertEqual(found, modelPhraseMatches(documents, phrase), "\(phrase)")
            matches += found.count
        }
        XCTAssertGreaterThan(matches, 400)
    }

    /// Position values (first position, then gap − 1) of ascending positions.
    private func values(_ positions: [UInt32]) -> [UInt32] {
        positions.enumerated().map { $0.offset == 0 ? $0.element : $0.element - positions[$0.offset - 1] - 1 }
    }

    /// The two-key join directly: the count of `p` with `p + 1` in the other list (from a set, not a merge),
    /// either key stamped (the one with fewer positions), −1 exactly when a stamped position would reach
    /// 4,095, and the map left usable for the next call.
    func testAdjacentPairsByStampsCountsAndDeclinesAtTheLimit() {
        let map = UnsafeMutablePointer<UInt8>.allocate(capacity: PostingsCursor.phraseStampBytes)
        map.initialize(repeating: 0, count: PostingsCursor.phraseStampBytes)
        defer { map.deallocate() }
        var generator = SeededGenerator(seed: 0xab)
        // At the limit: the stamped key's last position on the limit's byte, the other key's clamped onto it.
        let edges: [([UInt32], [UInt32])] = [([4_094], [4_096, 4_097]), ([4_093], [4_094, 4_096]), ([5_000, 6_000, 7_000], [4_095]),
                                              ([5_000, 6_000, 7_000], [4_094]), ([4_093, 4_200], [4_094])]
        for round in 0..<(600 + edges.count) {
            let span = round % 3 == 0 ? 4_200 : 300
            let random = {
                Array(Set((0..<(1 + generator.next(below: 40))).map { _ in UInt32(generator.next(below: span)) })).sorted()
            }
            let (first, second) = round < edges.count ? edges[round] : (random(), random())
            let secondSet = Set(second)
            let pairs = first.filter { secondSet.contains($0 + 1) }.count
            let stampedLast = first.count <= second.count ? (first.last ?? 0) + 1 : (second.last ?? 0)
            let firstValues = values(first), secondValues = values(second)
            let joined = firstValues.withUnsafeBufferPointer { a in
                secondValues.withUnsafeBufferPointer { b in
                    PostingsCursor.adjacentPairsByStamps((a.baseAddress!, a.count), (b.baseAddress!, b.count), stamps: map)
                }
            }
            if stampedLast >= 4_095 {
                XCTAssertEqual(joined.pairs, -1, "round \(round)")
            } else {
                XCTAssertEqual(joined.pairs, pairs, "round \(round): \(first) / \(second)")
            }
        }
    }

    /// `exactPhraseFrequency` with the stamp map (the pruning phase's confirmation: keys ordered by tf per
    /// document, both of its steps by stamps) on every document holding all the keys, against the model:
    /// wrapped stamps, and long documents whose positions reach the limit (left to the merges).
    func testStampedExactPhraseFrequencyOnEveryCandidate() throws {
        let documents = Self.documents()
        let reader = try bodyWordsSegment(documents)
        var candidates = 0, matching = 0
        for phrase in [["a", "b"], ["b", "a"], ["a", "b", "c"], ["c", "a", "b"], ["b", "c", "b"], ["x", "a", "b"], ["a", "x", "x"]] {
            var opened = try phrase.map { try bodyWordCursor(reader, $0, deletions: nil) }
            for index in opened.indices { _ = try opened[index].nextDoc() }
            let memory = PhraseJoinMemory(rarestFirst: opened, startsCapacity: 1, stamped: true)
            var target: UInt32 = 0
            while true {
                let doc = try PostingsCursor.nextCommonDoc(memory.cursors, order: memory.order, count: memory.count, atOrAfter: target)
                guard doc != PostingsCursor.noMoreDocs else { break }
                let frequency = try PostingsCursor.exactPhraseFrequency(memory.cursors, count: memory.count, starts: &memory.starts,
                                                                        capacity: &memory.capacity, stamps: memory.stamps)
                let expected = modelPhraseFrequency(documents[Int(doc)], phrase)
                XCTAssertEqual(frequency, expected, "\(phrase) in doc \(doc)")
                candidates += 1
                matching += expected > 0 ? 1 : 0
                target = doc + 1
            }
        }
        // More candidates than stamps (they wrap), and both answers common.
        XCTAssertGreaterThan(candidates, 600)
        XCTAssertGreaterThan(matching, 200)
        XCTAssertGreaterThan(candidates - matching, 200)
    }

    /// The three-key join's last step directly: how many kept starts `p` have `p + offset` (wrapping, as for a
    /// last key before the lead in the phrase) among the last key's positions, from a set rather than stamps,
    /// and −1 exactly when the highest of two or more targets reaches 4,095 (a single one is scanned for).
    func testKeptWithLastByStampsCountsAndDeclinesAtTheLimit() {
        let map = UnsafeMutablePointer<UInt8>.allocate(capacity: PostingsCursor.phraseStampBytes)
        map.initialize(repeating: 0, count: PostingsCursor.phraseStampBytes)
        defer { map.deallocate() }
        var generator = SeededGenerator(seed: 0x1a57)
        var declined = 0, found = 0
        // (kept, last position in the phrase − the lead's, last key's positions): targets on and around the limit.
        let edges: [([UInt32], Int, [UInt32])] = [([4_093], 1, [4_094]), ([4_094], 1, [4_095]), ([4_096], -2, [4_094]),
                                                  ([4_095], -1, [4_094, 4_095]), ([10, 4_093], 2, [12, 4_095, 4_096])]
        for round in 0..<(900 + edges.count) {
            let span = round % 3 == 0 ? 4_200 : 300
            let shift = round < edges.count ? edges[round].1 : [-2, -1, 1, 2][generator.next(below: 4)]
            let random = { (low: Int) in
                Array(Set((0..<(1 + generator.next(below: 30))).map { _ in UInt32(low + generator.next(below: span)) })).sorted()
            }
            let kept = round < edges.count ? edges[round].0 : random(2)
            let last = round < edges.count ? edges[round].2 : random(0)
            let lastSet = Set(last)
            let expected = kept.filter { lastSet.contains(UInt32(Int($0) + shift)) }.count
            let highest = Int(kept.last ?? 0) + shift
            let lastValues = values(last)
            let offset = UInt64(bitPattern: Int64(shift))
            let probe = kept.withUnsafeBufferPointer { k in
                lastValues.withUnsafeBufferPointer { l in
                    PostingsCursor.keptWithLastByStamps(k.baseAddress!, k.count, offset: offset, (l.baseAddress!, l.count), stamps: map)
                }
            }
            // One kept start is scanned for, not stamped: no limit then.
            if highest >= 4_095 && kept.count > 1 {
                XCTAssertEqual(probe.matches, -1, "round \(round)")
                declined += 1
            } else {
                XCTAssertEqual(probe.matches, expected, "round \(round): \(kept) + \(shift) / \(last)")
                // The probe sums the last key's positions up to the highest target, at least one of them.
                XCTAssertTrue(lastSet.contains(UInt32(probe.end)), "round \(round)")
                found += expected
            }
        }
        XCTAssertGreaterThan(declined, 50)
        XCTAssertGreaterThan(found, 100)
    }
}
