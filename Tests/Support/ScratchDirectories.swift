import Foundation

/// Temporary directories made by a test case, removed together in its `tearDown` (`removeAll()`).
public final class ScratchDirectories {
    private var paths: [String] = []

    public init() {}

    /// A new empty directory under the system's temporary directory, named `prefix-<UUID>`.
    public func make(_ prefix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        paths.append(path)
        return path
    }

    /// Removes every directory `make` returned (what is already gone is skipped).
    public func removeAll() {
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
        paths = []
    }
}
