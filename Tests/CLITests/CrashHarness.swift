import Foundation
import VietSearch
import VietSearchTestSupport

/// The crash harness behind `CrashSafetyTests` and `CrashHarnessSensitivityTests`: each trial runs
/// `vietsearch index` / `delete` / `merge` in a child process, kills it with SIGKILL (at a random moment,
/// or at a named point of the commit protocol through the test-only `VIETSEARCH_CRASH_AT` hook, e.g.
/// between a manifest's fsync and its rename), then reopens the index and checks that it opens, `check`
/// passes, and its documents are exactly those of the last commit that completed, or of the killed one
/// if its manifest got published: every document intact, nothing of an unfinished commit visible, and a
/// search agreeing with the model. The index at `directory` must exist, empty, before `run`.
struct CrashHarness {
    typealias Model = [String: Document]

    struct Result {
        var seed: UInt64
        var trials = 0
        var killed = 0
        var killedAtPoint = 0
        var committedDespiteKill = 0
        var documents = 0
        var childSeconds = 0.0
        var verifySeconds = 0.0
        /// The first failure, which ended the run.
        var failure: String?

        var summary: String {
            "\(trials) trials, \(killed) killed (\(killedAtPoint) at named points, \(committedDespiteKill) had published "
                + "their commit), \(failure == nil ? 0 : 1) failures, seed \(seed), \(documents) documents at the end; "
                + "\(Int(childSeconds)) s in children, \(Int(verifySeconds)) s verifying"
        }
    }

    private static let crashPoints = ["segment-written", "deletes-written", "merge-installed", "manifest-synced",
                                      "manifest-renamed", "committed", "collecting"]
    private static let words = ["đảng", "viên", "nhà", "nước", "học", "sinh", "cấp", "uỷ", "biên", "giới",
                                "quân", "đội", "hoà", "bình", "kinh", "tế", "xã", "hội", "văn", "hoá"]

    let directory: String
    let scratch: String
    /// The children's environment (the harness sets or clears `VIETSEARCH_CRASH_AT` per trial).
    let environment: [String: String]

    /// Runs up to `trials` trials from `seed`; stops at the first failure.
    func run(trials: Int, seed: UInt64) throws -> Result {
        var random = SeededGenerator(seed: seed)
        var model: Model = [:]
        var nextID = 0
        var result = Result(seed: seed)
        var averageRunMicros = 20_000.0
        var childSeconds = 0.0, verifySeconds = 0.0

        for trial in 0..<trials {
            result.trials = trial + 1
            var after = model
            var arguments: [String]
            // Past 250 documents, deletes take over half the operations and delete more: the index stays
            // small enough to verify every document after every trial.
            let large = model.count > 250
            switch large && random.next(below: 2) == 0 ? 6 : random.next(below: 10) {
            case 0..<6:
                var lines: [String] = []
                for _ in 0..<(1 + random.next(below: 25)) {
                    let document = Self.randomDocument(id: "d\(nextID)", &random)
                    nextID += 1
                    after[document.id] = document
                    lines.append(Self.jsonLine(document))
                }
                for id in model.keys.sorted().shuffledPrefix(random.next(below: 4), &random) {
                    let document = Self.randomDocument(id: id, &random)
                    after[id] = document
                    lines.append(Self.jsonLine(document))
                }
                let input = scratch + "/batch-\(trial).jsonl"
                try lines.joined(separator: "\n").write(toFile: input, atomically: false, encoding: .utf8)
                let budget = ["0.002", "0.01", "1"][random.next(below: 3)]
                arguments = ["index", directory, input, "--memory-budget", budget]
            case 6..<8 where !model.isEmpty:
                let ids = model.keys.sorted().shuffledPrefix(large ? 20 + random.next(below: 40) : 1 + random.next(below: 6), &random)
                for id in ids { after[id] = nil }
                arguments = ["delete", directory] + ids + ["missing-\(trial)"]
            default:
                arguments = ["merge", directory, "--max-segments", String(1 + random.next(below: 3))]
            }

            var childEnvironment = environment
            let mode = random.next(below: 3)
            if mode == 0 {
                let point = Self.crashPoints[random.next(below: Self.crashPoints.count)]
                childEnvironment["VIETSEARCH_CRASH_AT"] = "\(point):\(1 + random.next(below: 3))"
            } else {
                childEnvironment["VIETSEARCH_CRASH_AT"] = nil
            }
            let delay = mode == 1 ? UInt32(Double(random.next(below: 1000)) / 1000 * averageRunMicros * 1.2) : nil
            let run = try Self.runChild(arguments, environment: childEnvironment, killAfterMicros: delay)
            childSeconds += run.micros / 1e6
            let verifyStart = Date()
            defer { verifySeconds += Date().timeIntervalSince(verifyStart) }
            if run.signalled {
                result.killed += 1
                if mode == 0 { result.killedAtPoint += 1 }
            } else if run.status != 0 {
                result.failure = "trial \(trial) (seed \(seed)): \(arguments.joined(separator: " ")) exited \(run.status): \(run.stderr)"
                break
            } else if mode == 2 {
                averageRunMicros = averageRunMicros * 0.8 + run.micros * 0.2
            }

            let problem = Self.verify(directory: directory, before: model, after: after,
                                      mustBeAfter: !run.signalled, probe: Self.words[random.next(below: Self.words.count)])
            switch problem {
            case .matchesAfter:
                if run.signalled && after != model { result.committedDespiteKill += 1 }
                model = after
            case .matchesBefore:
                break
            case .failure(let message):
                result.failure = "trial \(trial) (seed \(seed)) after \(arguments.joined(separator: " ")) "
                    + "[\(childEnvironment["VIETSEARCH_CRASH_AT"] ?? "random kill")]: \(message)"
            }
            if result.failure != nil { break }
        }
        result.documents = model.count
        result.childSeconds = childSeconds
        result.verifySeconds = verifySeconds
        return result
    }

    // MARK: - Child process

    struct ChildRun {
        var status: Int32
        var signalled: Bool
        var stderr: String
        var micros: Double
    }

    static func runChild(_ arguments: [String], environment: [String: String],
                                 killAfterMicros: UInt32?) throws -> ChildRun {
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        let errorPipe = Pipe()
        process.standardError = errorPipe
        let start = DispatchTime.now().uptimeNanoseconds
        try process.run()
        if let killAfterMicros {
            usleep(killAfterMicros)
            kill(process.processIdentifier, SIGKILL)
        }
        let errorData = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let micros = Double(DispatchTime.now().uptimeNanoseconds - start) / 1000
        return ChildRun(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                        stderr: String(decoding: errorData, as: UTF8.self), micros: micros)
    }

    // MARK: - Verification

    private enum Outcome {
        case matchesBefore, matchesAfter, failure(String)
    }

    /// Reopens the index and compares it with both candidate states.
    private static func verify(directory: String, before: Model, after: Model, mustBeAfter: Bool, probe: String) -> Outcome {
        do {
            let index = try Index.open(at: directory, createIfMissing: false)
            let report = try index.check()
            let searcher = try index.searcher()
            var candidates: [(Outcome, Model)] = [(.matchesAfter, after)]
            if !mustBeAfter { candidates.append((.matchesBefore, before)) }
            var mismatches: [String] = []
            for (outcome, model) in candidates {
                if let mismatch = try mismatch(searcher: searcher, model: model, checkedDocuments: report.documents, probe: probe) {
                    mismatches.append(mismatch)
                } else {
                    return outcome
                }
            }
            return .failure("matches no committed state: " + mismatches.joined(separator: "; "))
        } catch {
            return .failure("reopening failed: \(error)")
        }
    }

    private static func mismatch(searcher: Searcher, model: Model, checkedDocuments: Int, probe: String) throws -> String? {
        guard searcher.documentCount == model.count, checkedDocuments == model.count else {
            return "\(searcher.documentCount) documents (check: \(checkedDocuments)), expected \(model.count)"
        }
        for (id, expected) in model {
            guard let found = try searcher.document(id: id) else { return "document \(id) missing" }
            guard found.fields.count == 2, found["title"] == expected["title"], found["body"] == expected["body"] else {
                return "document \(id) differs: \(found.fields) vs \(expected.fields)"
            }
        }
        // Exact-key matching (v1 BM25): the default Vietnamese mode also finds folded look-alikes (hoà → hoá),
        // which the whitespace model below does not.
        var options = SearchOptions(limit: max(1, model.count))
        options.scoring = .bm25
        let hits = try searcher.search(probe, options: options)
        let expectedHits = Set(model.values.filter { (($0["title"] ?? "") + " " + ($0["body"] ?? "")).split(separator: " ").contains(Substring(probe)) }.map(\.id))
        guard Set(hits.map(\.id)) == expectedHits, hits.totalHits == expectedHits.count else {
            return "search \(probe) found \(hits.totalHits) documents, expected \(expectedHits.count)"
        }
        return nil
    }

    // MARK: - Input

    private static func randomDocument(id: String, _ random: inout SeededGenerator) -> Document {
        func text(_ count: Int) -> String {
            (0..<count).map { _ in words[random.next(below: words.count)] }.joined(separator: " ")
        }
        return Document(id: id, title: text(1 + random.next(below: 5)), body: text(1 + random.next(below: 60)))
    }

    private static func jsonLine(_ document: Document) -> String {
        let object = ["id": document.id, "title": document["title"] ?? "", "body": document["body"] ?? ""]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

private extension Array {
    /// The first `count` elements of a seeded shuffle.
    func shuffledPrefix(_ count: Int, _ random: inout SeededGenerator) -> [Element] {
        var copy = self
        for i in stride(from: copy.count - 1, to: 0, by: -1) { copy.swapAt(i, random.next(below: i + 1)) }
        return Array(copy.prefix(count))
    }
}
