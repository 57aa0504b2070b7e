import CBitUnpack
import Glibc
import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// `vs_phrase_pair_small` (CBitUnpack, `PostingsCursor.smallPairCount`): the branch-free join of two keys with
/// at most 16 positions each on a document (one vector a key up to 8, two up to 16), held to its header's contract against sets, and the phrase joins that
/// use it checked against the model with the kernels on and off.
final class PhrasePairKernelTests: XCTestCase {
    /// Position values (first position, then gap − 1) of ascending positions.
    private func values(_ positions: [UInt32]) -> [UInt32] {
        positions.enumerated().map { $0.offset == 0 ? $0.element : $0.element - positions[$0.offset - 1] - 1 }
    }

    /// `count` distinct ascending positions below `span` (fewer when the span is too small).
    private func positions(_ generator: inout SeededGenerator, count: Int, span: Int) -> [UInt32] {
        var set = Set<UInt32>()
        for _ in 0..<(count * 4) where set.count < count { set.insert(UInt32(generator.next(below: span))) }
        return set.sorted()
    }

    private func kernel(_ first: [UInt32], _ second: [UInt32], distance: UInt32, minStart: UInt32) -> Int {
        let firstValues = values(first), secondValues = values(second)
        return firstValues.withUnsafeBufferPointer { a in
            secondValues.withUnsafeBufferPointer { b in
                Int(vs_phrase_pair_small(a.baseAddress, a.count, b.baseAddress, b.count, distance, minStart))
            }
        }
    }

    /// The model: positions p ≥ minStart of `first` with p + distance (modulo 2^32) among `second`'s.
    private func model(_ first: [UInt32], _ second: [UInt32], distance: UInt32, minStart: UInt32) -> Int {
        let others = Set(second)
        return first.filter { $0 >= minStart && others.contains($0 &+ distance) }.count
    }

    func testCountsMatchASetForEveryKeyOrder() throws {
        try XCTSkipUnless(BitPacking.kernelsEnabled, "no AVX2 kernels on this CPU (the kernel declines everything, checked below)")
        var generator = SeededGenerator(seed: 0x9a18)
        var counted = 0, paired = 0
        for round in 0..<9_000 {
            // Dense spans make matches common; wide ones put positions far apart (large values).
            let span = [12, 40, 3_000, 1 << 24][round % 4]
            // Counts 1...16 on either side: both kernels, and one key in one vector with the other in two.
            let first = positions(&generator, count: 1 + generator.next(below: round % 3 == 0 ? 8 : 16), span: span)
            let second = positions(&generator, count: 1 + generator.next(below: round % 5 == 0 ? 8 : 16), span: span)
            // Keys k (first) and k' (second) of a phrase of up to 5 keys: distance k' − k, starts from k.
            let k = UInt32(generator.next(below: 5)), other = UInt32(generator.next(below: 5))
            let distance = other &- k
            let found = kernel(first, second, distance: distance, minStart: k)
            XCTAssertEqual(found, model(first, second, distance: distance, minStart: k),
                           "round \(round): \(first) / \(second), keys \(k) and \(other)")
            counted += 1
            paired += found
        }
        XCTAssertEqual(counted, 9_000)
        XCTAssertGreaterThan(paired, 3_000)
    }

    /// Edge cases by hand: every position of both keys in play, none, positions before the phrase can start,
    /// the largest values taken (2^26 − 1 each, 16 of them: sums just below 2^30), 8 and 9 positions.
    func testHandPickedCases() throws {
        try XCTSkipUnless(BitPacking.kernelsEnabled, "no AVX2 kernels on this CPU")
        XCTAssertEqual(kernel([0, 1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7, 8], distance: 1, minStart: 0), 8)
        XCTAssertEqual(kernel([0, 2, 4, 6], [0, 2, 4, 6, 8, 10, 12, 14], distance: 1, minStart: 0), 0)
        // A phrase "b a": key 1 first in the document at position 0 cannot start a phrase (start −1).
        XCTAssertEqual(kernel([0, 5], [4, 9], distance: 0 &- 1, minStart: 1), 1)
        let big: UInt32 = (1 << 26) - 1
        let farFirst = (0..<16).map { UInt32($0) * (big + 1) + big - 1 }
        let farSecond = farFirst.map { $0 + 1 }
        XCTAssertEqual(kernel(farFirst, farSecond, distance: 1, minStart: 0), 16)
        XCTAssertEqual(kernel(Array(farFirst.prefix(8)), Array(farSecond.prefix(9)), distance: 1, minStart: 0), 8)
        XCTAssertEqual(kernel(Array(farFirst.prefix(9)), Array(farSecond.prefix(8)), distance: 1, minStart: 0), 8)
        // Matches only in the second vector of each key, against the first vector of the other.
        let low = Array(UInt32(0)..<16).map { $0 * 2 }
        XCTAssertEqual(kernel(low, [29, 31, 100], distance: 1, minStart: 0), 2)
        XCTAssertEqual(kernel([27, 29], low.map { $0 + 1 }, distance: 0, minStart: 0), 2)
        XCTAssertEqual(kernel([7], [8], distance: 1, minStart: 0), 1)
        XCTAssertEqual(kernel([7], [9], distance: 1, minStart: 0), 0)
    }

    /// The cases the header says the kernel declines (−1): the caller then joins in Swift.
    func testDeclinesWhatItDoesNotTake() {
        let kernelsOn = BitPacking.kernelsEnabled
        func answer(_ first: [UInt32], _ second: [UInt32], distance: UInt32 = 1, minStart: UInt32 = 0) -> Int {
            kernel(first, second, distance: distance, minStart: minStart)
        }
        XCTAssertEqual(answer([], [1]), -1)
        XCTAssertEqual(answer([1], []), -1)
        XCTAssertEqual(answer(Array(0..<17), [1]), -1)
        XCTAssertEqual(answer([1], Array(0..<17)), -1)
        XCTAssertEqual(answer(Array(0..<16), [1]), kernelsOn ? 1 : -1)
        XCTAssertEqual(answer([1 << 26], [(1 << 26) + 1]), -1, "a value of 2^26")
        XCTAssertEqual(answer([1], [0, (1 << 26) + 1]), -1, "a later value of 2^26")
        XCTAssertEqual(answer(Array(0..<12), Array(1..<10) + [(1 << 26) + 20]), -1, "a value of 2^26 in a second vector")
        XCTAssertEqual(answer([2_000], [2_000], minStart: 1_025), -1)
        XCTAssertEqual(answer([0], [1_025], distance: 1_025), -1)
        XCTAssertEqual(answer([1_025], [0], distance: 0 &- 1_025), -1)
        XCTAssertEqual(answer([0], [1_024], distance: 1_024), kernelsOn ? 1 : -1)
        XCTAssertEqual(answer([1_024], [0], distance: 0 &- 1_024, minStart: 1_024), kernelsOn ? 1 : -1)
        // A start below −distance could wrap: declined, whatever the positions.
        XCTAssertEqual(answer([0], [5], distance: 0 &- 1, minStart: 0), -1)
        XCTAssertEqual(answer([3], [1], distance: 0 &- 2, minStart: 1), -1)
        let previous = BitPacking.setKernelsEnabled(false)
        defer { BitPacking.setKernelsEnabled(previous) }
        XCTAssertEqual(answer([1], [2]), -1, "kernels off")
    }

    /// The masked loads read nothing past either key's values: both end at a page the process may not read.
    func testReadsNothingPastTheValues() throws {
        try XCTSkipUnless(BitPacking.kernelsEnabled, "no AVX2 kernels on this CPU")
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let memory = mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              memory != MAP_FAILED else { return XCTFail("mmap failed") }
        defer { munmap(memory, 2 * page) }
        XCTAssertEqual(mprotect(memory + page, page, PROT_NONE), 0)
        let end = (memory + page).assumingMemoryBound(to: UInt32.self)
        for count in 1...16 {
            let first = end - count
            for slot in 0..<count { first[slot] = slot == 0 ? 3 : 0 }
            // The second key's values right before the first's: positions 4, 5, ….
            let second = first - count
            for slot in 0..<count { second[slot] = slot == 0 ? 4 : 0 }
            XCTAssertEqual(Int(vs_phrase_pair_small(first, count, second, count, 1, 0)), count, "count \(count)")
            XCTAssertEqual(Int(vs_phrase_pair_small(second, count, first, count, 0 &- 1, 1)), count, "count \(count), reversed")
        }
    }

    /// The two- and three-key joins (stamped and merged, every key order) against the model on documents whose
    /// keys have few positions (the kernel's case) and many (the Swift joins'), with the kernels on and off.
    func testJoinsMatchTheModelWithKernelsOnAndOff() throws {
        var generator = SeededGenerator(seed: 0x5a17)
        let vocabulary = ["a", "b", "c", "x", "y"]
        let documents: [[String]] = (0..<300).map { index in
            // Short documents keep every tf at 8 or below; every fifth is long (tfs past 8).
            let length = index % 5 == 0 ? 60 + generator.next(below: 60) : 2 + generator.next(below: 14)
            return (0..<length).map { _ in vocabulary[generator.next(below: vocabulary.count)] }
        }
        let reader = try bodyWordsSegment(documents)
        let phrases = [["a", "b"], ["b", "a"], ["a", "a"], ["a", "b", "c"], ["c", "a", "b"], ["a", "x", "a"]]
        let previous = BitPacking.kernelsEnabled
        defer { BitPacking.setKernelsEnabled(previous) }
        var matches = 0
        for kernels in [true, false] {
            BitPacking.setKernelsEnabled(kernels)
            for phrase in phrases {
                let expected = modelPhraseMatches(documents, phrase)
                let orders = phrase.count == 2 ? [[0, 1], [1, 0]] : [[0, 1, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]
                for order in orders {
                    for stamped in [false, true] {
                        var opened = try phrase.map { try bodyWordCursor(reader, $0, deletions: nil) }
                        for index in opened.indices { _ = try opened[index].nextDoc() }
                        let memory = PhraseJoinMemory(opened, order: order, startsCapacity: 1, stamped: stamped)
                        let found = try memory.allMatches()
                        XCTAssertEqual(found, expected, "\(phrase), order \(order), stamped \(stamped), kernels \(kernels)")
                        matches += found.count
                    }
                }
            }
        }
        XCTAssertGreaterThan(matches, 2_000)
    }
}
