import XCTest
@testable import vietsearch

/// The load-average rule that turns the stdin poll off on a busy machine.
final class SpareCPUProbeTests: XCTestCase {
    func testSpareWhileTheLoadStaysBelowTheCPUCountPlusAHalf() {
        XCTAssertTrue(SpareCPUProbe.hasSpareCPU(loadAverage: 0, processorCount: 2))
        // A lock-step session alone (polling process + driver) on an otherwise idle 2-CPU machine.
        XCTAssertTrue(SpareCPUProbe.hasSpareCPU(loadAverage: 2.2, processorCount: 2))
        XCTAssertFalse(SpareCPUProbe.hasSpareCPU(loadAverage: 2.5, processorCount: 2))
        XCTAssertFalse(SpareCPUProbe.hasSpareCPU(loadAverage: 9.6, processorCount: 2))
        XCTAssertTrue(SpareCPUProbe.hasSpareCPU(loadAverage: 9.6, processorCount: 16))
    }

    func testReadsTheLoadAgainOnlyAfterTheRefreshInterval() {
        var loads: [Double?] = [0.3, 7.0, nil]
        var reads = 0
        let probe = SpareCPUProbe(processorCount: 2) {
            reads += 1
            return loads.removeFirst()
        }
        XCTAssertTrue(probe.hasSpareCPU(nowMicroseconds: 1_000))
        XCTAssertTrue(probe.hasSpareCPU(nowMicroseconds: 1_000 + SpareCPUProbe.refreshMicroseconds - 1))
        XCTAssertEqual(reads, 1)
        XCTAssertFalse(probe.hasSpareCPU(nowMicroseconds: 1_000 + SpareCPUProbe.refreshMicroseconds))
        XCTAssertEqual(reads, 2)
        // An unreadable load average does not turn the poll off.
        XCTAssertTrue(probe.hasSpareCPU(nowMicroseconds: 1_000 + 2 * SpareCPUProbe.refreshMicroseconds))
        XCTAssertEqual(reads, 3)
        XCTAssertTrue(loads.isEmpty)
    }
}
