import Foundation
import XCTest
@testable import VietSearchStorage

/// `StreamSlots` (term streams' slots carved from slabs) and `TermStreams` on top of it: every stream must
/// read back what was written to it whatever the growth path (doubling slots, exact sizes, malloc'd large
/// streams), slots given up by growth must be reused, and `heapBytes` must stay the sum of the capacities
/// asked for (the memory plan's flush decisions depend on it).
final class StreamSlotsTests: XCTestCase {
    func testSlotSizesAreTheSmallestListedSizeThatFits() {
        // Written out by hand: 16-byte steps to 128, then four per doubling.
        let expected = [16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640]
        for (sizeClass, bytes) in expected.enumerated() {
            XCTAssertEqual(StreamSlots.slotBytes(ofClass: sizeClass), bytes, "class \(sizeClass)")
        }
        XCTAssertEqual(StreamSlots.slotBytes(ofClass: StreamSlots.classCount - 1), StreamSlots.largestSlot)
        var previous = 0
        for capacity in 0...StreamSlots.largestSlot {
            let sizeClass = StreamSlots.sizeClass(forCapacity: capacity)
            let bytes = StreamSlots.slotBytes(ofClass: sizeClass)
            XCTAssertGreaterThanOrEqual(bytes, Swift.max(1, capacity), "capacity \(capacity)")
            if sizeClass > 0 { XCTAssertLessThan(StreamSlots.slotBytes(ofClass: sizeClass - 1), capacity, "capacity \(capacity)") }
            XCTAssertEqual(bytes % 16, 0)
            XCTAssertGreaterThanOrEqual(sizeClass, previous, "classes grow with the capacity")
            previous = sizeClass
            if capacity > 128 { XCTAssertLessThan(4 * (bytes - capacity), capacity, "under a quarter lost at \(capacity)") }
            if capacity >= 16 && capacity & (capacity - 1) == 0 { XCTAssertEqual(bytes, capacity, "powers of two are slot sizes") }
        }
    }

    func testSlotsNeverOverlapAndFreedSlotsAreReused() {
        var slots = StreamSlots()
        var generator = SplitMix(seed: 11)
        var live: [(memory: UnsafeMutablePointer<UInt8>, capacity: Int, mark: UInt8)] = []
        for round in 0..<3 {
            for index in 0..<2_000 {
                let capacity = [0, 1, 15, 16, 17, 100, 129, 1_000, 4_096, 8_193, StreamSlots.largestSlot][index % 11]
                    + (index % 5 == 0 ? generator.next(below: 64) : 0)
                let clamped = Swift.min(capacity, StreamSlots.largestSlot)
                let memory = slots.allocate(capacity: clamped)
                let mark = UInt8(truncatingIfNeeded: index &* 7 &+ round)
                memory.update(repeating: mark, count: StreamSlots.slotBytes(ofClass: StreamSlots.sizeClass(forCapacity: clamped)))
                live.append((memory, clamped, mark))
            }
            // Every slot still holds its own mark: none was handed out twice.
            for slot in live {
                let bytes = StreamSlots.slotBytes(ofClass: StreamSlots.sizeClass(forCapacity: slot.capacity))
                XCTAssertTrue(UnsafeBufferPointer(start: slot.memory, count: bytes).allSatisfy { $0 == slot.mark })
            }
            let reservedBeforeFreeing = slots.reservedBytes
            // Give back every other slot, then ask for the same sizes again: no new slab is needed.
            var kept: [(memory: UnsafeMutablePointer<UInt8>, capacity: Int, mark: UInt8)] = []
            var freed: [Int] = []
            for (index, slot) in live.enumerated() {
                if index % 2 == 0 { kept.append(slot) } else {
                    slots.deallocate(slot.memory, capacity: slot.capacity)
                    freed.append(slot.capacity)
                }
            }
            for capacity in freed {
                let memory = slots.allocate(capacity: capacity)
                memory.update(repeating: 0xEE, count: StreamSlots.slotBytes(ofClass: StreamSlots.sizeClass(forCapacity: capacity)))
                kept.append((memory, capacity, 0xEE))
            }
            XCTAssertEqual(slots.reservedBytes, reservedBeforeFreeing, "round \(round): freed slots were reused")
            live = kept
        }
    }

    func testResizeKeepsTheBytesAndMovesOnlyToAnotherSlotSize() {
        var slots = StreamSlots()
        var memory = slots.allocate(capacity: 17)
        for index in 0..<17 { memory[index] = UInt8(index) }
        XCTAssertEqual(slots.resize(memory, count: 17, oldCapacity: 17, newCapacity: 32), memory, "17 and 32 share a slot size")
        var capacity = 32
        var expected = (0..<17).map { UInt8($0) }
        while capacity < StreamSlots.largestSlot {
            let grown = slots.resize(memory, count: expected.count, oldCapacity: capacity, newCapacity: 2 * capacity)
            XCTAssertNotEqual(grown, memory)
            XCTAssertEqual(Array(UnsafeBufferPointer(start: grown, count: expected.count)), expected)
            memory = grown
            capacity *= 2
            for index in expected.count..<capacity / 2 + 1 { memory[index] = UInt8(truncatingIfNeeded: index * 13) }
            expected += (expected.count..<capacity / 2 + 1).map { UInt8(truncatingIfNeeded: $0 * 13) }
        }
        let fresh = slots.resize(nil, count: 0, oldCapacity: 0, newCapacity: 40)
        fresh.update(repeating: 1, count: 48)
        XCTAssertEqual(Array(UnsafeBufferPointer(start: memory, count: expected.count)), expected)
    }

    func testStreamsMatchAModelOverManyTermsAndEveryGrowthPath() {
        let streams = TermStreams()
        var model: [[UInt8]] = []
        var capacities: [Int] = []
        var generator = SplitMix(seed: 5)
        let termCount = 3_000
        for term in 0..<termCount {
            streams.appendEmpty(field: UInt8(term % 3))
            model.append([])
            capacities.append(0)
        }
        // Zipf-like: a few terms get most bytes (past the largest slot), most get a few.
        for step in 0..<60_000 {
            let term = Int(Double(termCount) * pow(Double(generator.next(below: 1_000_000)) / 1_000_000, 4))
            let length = 1 + generator.next(below: step % 97 == 0 ? 3_000 : 12)
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &+ step &* 31) }
            let exactly = step % 7 == 0
            let target = streams.reserve(term, extra: length, exactly: exactly)
            bytes.withUnsafeBufferPointer { target.update(from: $0.baseAddress!, count: length) }
            streams.commit(term, written: length)
            // The growth rule of a malloc'd stream (independent of where the bytes live).
            let needed = model[term].count + length
            if needed > capacities[term] {
                capacities[term] = exactly ? needed : Swift.max(16, needed, 2 * capacities[term])
            }
            model[term] += bytes
        }
        var largest = 0
        for term in 0..<termCount {
            XCTAssertEqual(Array(streams.bytes(term)), model[term], "term \(term)")
            largest = Swift.max(largest, model[term].count)
        }
        XCTAssertGreaterThan(largest, 2 * StreamSlots.largestSlot, "some streams outgrew the slots")
        let capacityBytes = capacities.reduce(0, +)
        let tableBytes = streams.heapBytes - capacityBytes
        XCTAssertGreaterThanOrEqual(tableBytes, 0)
        XCTAssertLessThanOrEqual(tableBytes, 2 * termCount * 48, "heapBytes is the capacities plus the table")
        let before = streams.heapBytes
        streams.recountHeapBytes()
        XCTAssertEqual(streams.heapBytes, before)
        XCTAssertGreaterThanOrEqual(streams.reservedStreamBytes, capacityBytes / 2)
        XCTAssertLessThanOrEqual(streams.reservedStreamBytes, capacityBytes + capacityBytes / 2 + 2 * StreamSlots.slabBytes)

        // A copy (the writer's, in malloc blocks) reads the same and keeps the estimate; released terms
        // empty, the others untouched.
        let copy = streams.copiedHere()
        XCTAssertEqual(copy.heapBytes, streams.heapBytes)
        for term in stride(from: 0, to: termCount, by: 3) { streams.release(term) }
        for term in 0..<termCount {
            XCTAssertEqual(Array(copy.bytes(term)), model[term], "copy, term \(term)")
            XCTAssertEqual(Array(streams.bytes(term)), term % 3 == 0 ? [] : model[term], "released, term \(term)")
        }
        streams.recountHeapBytes()
        XCTAssertEqual(streams.heapBytes, tableBytes + capacities.enumerated().filter { $0.offset % 3 != 0 }.map(\.element).reduce(0, +))
    }

    func testStreamsGrownOneAfterAnotherReuseEachOthersSlots() {
        let streams = TermStreams()
        let termCount = 2_000
        for _ in 0..<termCount { streams.appendEmpty(field: 0) }
        // Term by term to 1 KiB by one-byte appends: each term's old slots (16 ... 512 bytes) are free
        // when the next term needs them. Without reuse the slabs would hold about twice the streams.
        for term in 0..<termCount {
            for index in 0..<1_024 {
                streams.reserve(term, extra: 1)[0] = UInt8(truncatingIfNeeded: index ^ term)
                streams.commit(term, written: 1)
            }
        }
        let live = termCount * 1_024
        XCTAssertLessThanOrEqual(streams.reservedStreamBytes, live + 2 * StreamSlots.slabBytes)
        XCTAssertEqual(Array(streams.bytes(1_234)), (0..<1_024).map { UInt8(truncatingIfNeeded: $0 ^ 1_234) })
    }

    func testExactSizesAtSlotEdges() {
        let streams = TermStreams()
        let sizes = [0, 1, 16, 17, 128, 129, StreamSlots.largestSlot - 1, StreamSlots.largestSlot, StreamSlots.largestSlot + 1]
        for _ in sizes { streams.appendEmpty(field: 1) }
        for (term, size) in sizes.enumerated() {
            for exactly in [false, true] {
                let before = streams.byteCount(term)
                let target = streams.reserve(term, extra: size, exactly: exactly)
                for index in 0..<size { target[index] = UInt8(truncatingIfNeeded: index &+ term) }
                streams.commit(term, written: size)
                XCTAssertEqual(streams.byteCount(term), before + size)
            }
            let expected = (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ term) }
            XCTAssertEqual(Array(streams.bytes(term)), expected + expected, "size \(size)")
            XCTAssertEqual(streams.isEmpty(term), size == 0)
        }
    }
}

/// A small deterministic generator (SplitMix64).
private struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        value ^= value >> 31
        return Int(value % UInt64(bound))
    }
}
