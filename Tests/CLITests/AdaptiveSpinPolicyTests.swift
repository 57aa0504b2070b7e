import XCTest
@testable import vietsearch

/// When the stdin reader polls before sleeping in `read`: only while the previous wait for a line
/// was within the poll limit (PERFORMANCE.md "Query speed (session 5: lock-step wake-up)").
final class AdaptiveSpinPolicyTests: XCTestCase {
    func testDoesNotPollBeforeAnyWaitWasSeen() {
        XCTAssertEqual(AdaptiveSpinPolicy(limitMicroseconds: 2_000).nextPollMicroseconds, 0)
    }

    func testPollsUpToTheLimitWhileLinesComeWithinIt() {
        var policy = AdaptiveSpinPolicy(limitMicroseconds: 2_000)
        for wait in [0, 450, 2_000] {
            policy.recordWait(microseconds: wait)
            XCTAssertEqual(policy.nextPollMicroseconds, 2_000, "after a wait of \(wait) µs")
        }
    }

    func testSleepsAfterALongWaitAndPollsAgainOnceLinesComeQuickly() {
        var policy = AdaptiveSpinPolicy(limitMicroseconds: 1_000)
        policy.recordWait(microseconds: 300)
        policy.recordWait(microseconds: 1_001)
        XCTAssertEqual(policy.nextPollMicroseconds, 0)
        policy.recordWait(microseconds: 5_000_000)
        XCTAssertEqual(policy.nextPollMicroseconds, 0)
        policy.recordWait(microseconds: 120)
        XCTAssertEqual(policy.nextPollMicroseconds, 1_000)
    }

    func testZeroLimitNeverPolls() {
        var policy = AdaptiveSpinPolicy(limitMicroseconds: 0)
        policy.recordWait(microseconds: 0)
        XCTAssertEqual(policy.nextPollMicroseconds, 0)
    }

    func testNegativeInputsAreClamped() {
        var policy = AdaptiveSpinPolicy(limitMicroseconds: -5)
        XCTAssertEqual(policy.limitMicroseconds, 0)
        policy = AdaptiveSpinPolicy(limitMicroseconds: 100)
        // Cannot happen with the monotonic clock; a negative wait is taken as no wait.
        policy.recordWait(microseconds: -40)
        XCTAssertEqual(policy.previousWaitMicroseconds, 0)
        XCTAssertEqual(policy.nextPollMicroseconds, 100)
    }
}
