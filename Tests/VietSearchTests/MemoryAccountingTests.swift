import Foundation
import XCTest
import VietSearchStorage
import VietSearchTestSupport
@testable import VietSearch

/// The writer keeps indexing memory within its budget by counting what it holds: these tests check that
/// the counts are honest (against the allocator and the serialised segment) and that the writer acts
/// on them, with one thread and with several.
final class MemoryAccountingTests: FacadeTestCase {
    /// Deterministic Vietnamese-like documents (syllables drawn from a fixed list, Zipf-like skew).
    private func documents(count: Int, seed: UInt64) -> [Document] {
        let syllables = ["đảng", "viên", "chi", "bộ", "cơ", "sở", "giáo", "dục", "chính", "trị", "tư", "tưởng", "công",
                         "tác", "huyện", "xã", "tỉnh", "nhân", "dân", "phát", "triển", "kinh", "tế", "năm", "2024",
                         "người", "thực", "hiện", "nghị", "quyết", "đại", "hội", "lần", "thứ", "mười", "ba"]
        var random = SeededGenerator(seed: seed)
        func text(_ words: Int) -> String {
            (0..<words).map { _ in
                let word = syllables[min(random.next(below: syllables.count), random.next(below: syllables.count))]
                return random.next(below: 60) == 0 ? word + "\(random.next(below: 5_000))" : word
            }.joined(separator: " ")
        }
        return (0..<count).map { Document(id: "doc-\($0)", title: text(8), body: text(150 + random.next(below: 300))) }
    }

    func testBuilderEstimateMatchesTheAllocator() throws {
        let documents = documents(count: 400, seed: 7)
        let encoder = DocumentEncoder()
        let warmUp = SegmentBuilder()
        for document in documents.prefix(20) { _ = try encoder.encode(document, into: warmUp) }
        let before = Self.heapBytesInUse()
        let builder = SegmentBuilder()
        for document in documents { _ = try encoder.encode(document, into: builder) }
        let heap = Self.heapBytesInUse() - before
        let estimate = builder.estimatedMemoryBytes
        XCTAssertGreaterThan(heap, 100_000)
        // The estimate may err a little either way (malloc rounding), never by much: an estimate far below
        // the heap would let RSS run past the budget.
        XCTAssertGreaterThanOrEqual(Double(estimate), 0.85 * Double(heap), "estimate \(estimate), heap \(heap)")
        XCTAssertLessThanOrEqual(Double(estimate), 1.3 * Double(heap), "estimate \(estimate), heap \(heap)")
        withExtendedLifetime(builder) {}
    }

    func testSerialisationOverheadCoversTheSegmentBytes() throws {
        let encoder = DocumentEncoder()
        let builder = SegmentBuilder()
        for document in documents(count: 300, seed: 11) { _ = try encoder.encode(document, into: builder) }
        let segment = try IndexStore.serializeSegment(builder)
        // While a builder is written, memory holds its sections (written one after the other, never
        // copied together); the stored blocks are the builder's own.
        XCTAssertLessThanOrEqual(Double(segment.memoryBytes),
                                 IndexingMemoryPlan.serializationOverhead * Double(builder.estimatedMemoryBytes))
        XCTAssertGreaterThan(segment.memoryBytes, 10_000)
    }

    func testPlanFitsTheBudget() {
        for budget in [10_000, 1 << 20, 64 << 20, 1 << 30] {
            for threads in [1, 2, 3, 8] {
                var plan = IndexingMemoryPlan(budget: budget, threads: threads)
                for observed in [nil, 2.0, 6.0, 1.0] {
                    if let observed { plan.observe(builderBytes: Int(observed * 1_000), textBytes: 1_000) }
                    if threads == 1 {
                        XCTAssertLessThanOrEqual(Double(plan.flushBytes) * (1 + IndexingMemoryPlan.serializationOverhead),
                                                 Double(budget))
                    } else {
                        // `threads` jobs running and one finished beside the one queued (each at its flush
                        // point with its text), the batch being filled, and the segment they are assembled
                        // into with its serialisation.
                        XCTAssertEqual(plan.jobsInFlight, threads + 1)
                        // The first batches (the first trains the stored-field dictionary) keep their size.
                        XCTAssertEqual(plan.firstBatchBytes, max(1, Int(IndexingMemoryPlan.parallelShare * Double(budget)
                            / (Double(threads) * plan.jobFactor + 1)) / 4))
                        XCTAssertLessThanOrEqual(plan.firstBatchBytes, plan.batchBytes)
                        let job = Double(plan.batchBytes) + Double(plan.flushBytes)
                        let segment = Double(plan.segmentBytes) * (1 + IndexingMemoryPlan.serializationOverhead)
                        XCTAssertLessThanOrEqual(Double(threads + 1) * job + Double(plan.batchBytes) + segment, Double(budget),
                                                 "\(budget) \(threads) \(plan.builderBytesPerTextByte)")
                    }
                    XCTAssertGreaterThan(plan.flushBytes, 0)
                }
                // After the first report, a rise is taken at once, a fall slowly.
                XCTAssertTrue(plan.isCalibrated)
                XCTAssertGreaterThanOrEqual(plan.builderBytesPerTextByte, 2.0)
            }
        }
        XCTAssertEqual(IndexingMemoryPlan(budget: 1, threads: 8).batchBytes, 1)
    }

    func testWriterStaysWithinItsBudgetWithOneTwoAndThreeThreads() throws {
        let documents = documents(count: 1_200, seed: 3)
        let largest = documents.map { $0.fields.reduce(0) { $0 + $1.value.utf8.count } }.max() ?? 0
        for threads in [1, 2, 3] {
            let budget = 2 << 20
            var configuration = IndexConfiguration(memoryBudget: budget, threads: threads)
            configuration.mergePolicy = nil
            let index = Index.inMemory(configuration: configuration)
            let writer = try index.writer()
            for document in documents { try writer.add(document) }
            try writer.commit()
            let peak = writer.peakTrackedIndexingBytes
            let ratio = writer.indexingPlan.builderBytesPerTextByte
            let jobFactor = writer.indexingPlan.jobFactor
            writer.close()
            XCTAssertGreaterThan(try index.statistics().segments, 3, "\(threads) threads: the budget must force flushes")
            // One document can overshoot the point where a flush is decided (its builder bytes: about
            // builderBytesPerTextByte times its text); nothing else may.
            let plan = IndexingMemoryPlan(budget: budget, threads: threads)
            if threads == 1 {
                XCTAssertLessThanOrEqual(peak, budget)
            } else {
                // Batches are cut before the document that would overflow them; what remains is the
                // builder's growth by one document past its flush point in each job.
                // Other jobs are counted at the current ratio, which follows the noisy per-batch ratios of
                // small batches upward and varies with thread timing: measured up to 1.2 times the budget.
                let slack = Int(Double(plan.jobsInFlight) * jobFactor * Double(largest))
                XCTAssertLessThanOrEqual(peak, budget + budget / 2 + slack, "\(threads) threads")
            }
            print("memory accounting: \(threads) threads, budget \(budget), peak accounted \(peak), builder bytes per text byte \(ratio)")
            XCTAssertGreaterThan(peak, budget / 4, "\(threads) threads: the accounting must see the buffer")
        }
    }

    /// Bytes the C allocator has handed out and not taken back, all arenas: what it got from the system
    /// minus its free chunks, plus mmapped blocks, from glibc's `malloc_info` report (looked up at run
    /// time: `<malloc.h>` is not in Swift's Glibc module).
    /// Under AddressSanitizer or ThreadSanitizer, whose allocator replaces glibc's (so `malloc_info` sees
    /// nothing), the sanitizer runtime's own count of bytes allocated and not freed.
    private static func heapBytesInUse() -> Int {
        typealias AllocatedBytes = @convention(c) () -> Int
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__sanitizer_get_current_allocated_bytes") {
            return unsafeBitCast(symbol, to: AllocatedBytes.self)()
        }
        typealias MallocInfo = @convention(c) (Int32, UnsafeMutablePointer<FILE>?) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_info") else { return 0 }
        let mallocInfo = unsafeBitCast(symbol, to: MallocInfo.self)
        var buffer: UnsafeMutablePointer<CChar>?
        var reportLength = 0
        guard let stream = open_memstream(&buffer, &reportLength) else { return 0 }
        _ = mallocInfo(0, stream)
        fclose(stream)
        defer { free(buffer) }
        guard let buffer else { return 0 }
        let report = String(cString: buffer)
        // The totals come last, after the per-arena sections.
        guard let totals = report.range(of: "</heap>", options: .backwards) else { return 0 }
        let tail = report[totals.upperBound...]
        guard let system = tail.range(of: "<system type=\"current\" size=\"") else { return 0 }
        let current = Int(tail[system.upperBound...].prefix { $0.isNumber }) ?? 0
        return current - Self.size(of: "fast", in: tail) - Self.size(of: "rest", in: tail) + Self.size(of: "mmap", in: tail)
    }

    /// The `size` attribute of `<total type="KIND" count="…" size="…"/>` in `report`.
    private static func size(of kind: String, in report: Substring) -> Int {
        guard let start = report.range(of: "<total type=\"\(kind)\"") else { return 0 }
        let rest = report[start.upperBound...]
        guard let attribute = rest.range(of: "size=\"") else { return 0 }
        return Int(rest[attribute.upperBound...].prefix { $0.isNumber }) ?? 0
    }
}
