import Foundation

/// One index of seeds/ shared by the read-only tests (indexing once keeps the suite fast), removed when the test
/// process exits (no test owns it, so no tearDown can).
enum SeedIndex {
    static let path: String = {
        let path = CLIRunner.temporaryPath("seeds")
        _ = try? CLIRunner.run(["index", path, CLIRunner.seeds])
        atexit { try? FileManager.default.removeItem(atPath: SeedIndex.path) }
        return path
    }()

    /// The seed documents' ids (file names without extension).
    static var ids: Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: CLIRunner.seeds)) ?? []
        return Set(names.filter { $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) })
    }

    /// Ids of the seeds whose lowercased text contains `phrase` (an independent oracle for phrase queries).
    static func ids(containing phrase: String) -> Set<String> {
        Set(ids.filter { id in
            let url = URL(fileURLWithPath: CLIRunner.seeds + "/" + id + ".txt")
            let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
            return text.lowercased().precomposedStringWithCanonicalMapping.contains(phrase)
        })
    }
}
