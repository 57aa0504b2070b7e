import Foundation
import XCTest

/// A test case whose index paths come from `newIndexPath` and are removed after each test.
class TemporaryPathsTestCase: XCTestCase {
    private var paths: [String] = []

    override func tearDown() {
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
        paths.removeAll()
        super.tearDown()
    }

    /// A fresh path (nothing exists there yet) ending in `suffix`, removed in `tearDown`.
    func newIndexPath(_ label: String = "index", suffix: String = "") -> String {
        let path = CLIRunner.temporaryPath(label) + suffix
        paths.append(path)
        return path
    }
}
