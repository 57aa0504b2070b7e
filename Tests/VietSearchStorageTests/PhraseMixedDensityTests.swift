import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// `PostingsCursor.nextExactPhrase` on lists whose density changes along the documents, against a plain
/// model: in the first and last third of the documents every word is dense, in the middle "c" is rare, so
/// one walk goes from dense blocks (a candidate a slot or two ahead) to sparse ones (skip-table jumps) and
/// back. Walks jump ahead within and past blocks, skip deleted documents, and some steps move the cursors
/// through the plain intersection (`nextCommonDoc`, as the phrase scorer does while pruning) before the
/// next phrase search. (Written for session 9's block-local candidate walks, which were not kept; the
/// model comparison holds for any candidate search.)
final class PhraseMixedDensityTests: XCTestCase {
    private static let documentCount = 1_500

    private struct Fixture {
        var reader: SegmentReader
        var words: [[String]]
        var deletions: DeletedDocs
    }

    private func makeFixture(seed: UInt64) throws -> Fixture {
        var generator = SeededGenerator(seed: seed)
        var words: [[String]] = []
        for doc in 0..<Self.documentCount {
            let sparseC = doc >= Self.documentCount / 3 && doc < 2 * Self.documentCount / 3
            let length = generator.next(below: 12) == 0 ? 150 + generator.next(below: 400) : generator.next(below: 25)
            words.append((0..<length).map { _ in
                let roll = generator.next(below: 10)
                if roll < 5 { return "a" }
                if roll < 8 { return "b" }
                // In the middle run "c" is in about one document in 20.
                return !sparseC || generator.next(below: 60) == 0 ? "c" : "b"
            })
        }
        let reader = try bodyWordsSegment(words)
        let deletions = everyNthDeleted(of: Self.documentCount, modulus: 5, remainder: 2)
        return Fixture(reader: reader, words: words, deletions: deletions)
    }

    private func cursor(_ fixture: Fixture, _ word: String, deleting: Bool) throws -> PostingsCursor {
        try bodyWordCursor(fixture.reader, word, deletions: deleting ? fixture.deletions : nil)
    }

    func testEveryMatchVisitedAcrossDensities() throws {
        let fixture = try makeFixture(seed: 0x51d)
        var generator = SeededGenerator(seed: 99)
        var visited = 0, resumedAfterLeapfrog = 0
        let phrases = [["a", "b"], ["b", "a"], ["c", "a"], ["a", "c"], ["a", "a"], ["a", "b", "c"], ["c", "b", "a"],
                       ["a", "b", "a"], ["b", "c", "c"]]
        for deleting in [false, true] {
            for phrase in phrases {
                var opened = try phrase.map { try cursor(fixture, $0, deleting: deleting) }
                for index in opened.indices { _ = try opened[index].nextDoc() }
                // The scorer's stamp map on every other walk, merges only on the rest.
                let join = PhraseJoinMemory(rarestFirst: opened, startsCapacity: 4, stamped: visited % 2 == 0)
                func isLive(_ doc: Int) -> Bool { !(deleting && fixture.deletions.contains(UInt32(doc))) }
                var target: UInt32 = 0
                while true {
                    if generator.next(below: 8) == 0 {
                        // The scorer's other path: the leapfrog to a candidate (all keys, live), then a match after it.
                        let candidate = try PostingsCursor.nextCommonDoc(join.cursors, order: join.order, count: join.count, atOrAfter: target)
                        let expected = fixture.words.indices.first { doc in
                            doc >= Int(target) && isLive(doc) && phrase.allSatisfy(fixture.words[doc].contains)
                        }
                        XCTAssertEqual(candidate, expected.map { UInt32($0) } ?? PostingsCursor.noMoreDocs, "\(phrase) candidate from \(target)")
                        guard candidate != PostingsCursor.noMoreDocs else { break }
                        target = candidate + 1
                        resumedAfterLeapfrog += 1
                    }
                    let found = try join.nextExactPhrase(atOrAfter: target)
                    let expected = fixture.words.indices.first { doc in
                        doc >= Int(target) && isLive(doc) && modelPhraseFrequency(fixture.words[doc], phrase) > 0
                    }
                    guard let expected else {
                        XCTAssertEqual(found.doc, PostingsCursor.noMoreDocs, "\(phrase) after \(target)")
                        break
                    }
                    XCTAssertEqual(found.doc, UInt32(expected), "\(phrase) from \(target), deleting \(deleting)")
                    XCTAssertEqual(found.frequency, modelPhraseFrequency(fixture.words[expected], phrase), "\(phrase) in doc \(expected)")
                    guard found.doc == UInt32(expected) else { break }
                    visited += 1
                    let roll = generator.next(below: 10)
                    target = found.doc + (roll == 0 ? 2 + UInt32(generator.next(below: 40)) : roll == 1 ? 200 + UInt32(generator.next(below: 400)) : 1)
                }
            }
        }
        XCTAssertGreaterThan(visited, 400)
        XCTAssertGreaterThan(resumedAfterLeapfrog, 50)
    }
}
