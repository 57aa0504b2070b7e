import Foundation

/// Reads files under the package's top-level `Fixtures/analysis/`.
enum FixtureFiles {
    /// The package root: the first ancestor of this source file that holds `Package.swift`.
    static var packageRoot: URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        return directory
    }

    static func text(_ name: String) throws -> String {
        let url = packageRoot.appendingPathComponent("Fixtures/analysis").appendingPathComponent(name)
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Non-empty lines that do not start with `#`.
    static func lines(_ name: String) throws -> [String] {
        try text(name).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
    }
}
