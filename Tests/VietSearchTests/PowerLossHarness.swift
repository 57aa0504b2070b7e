import Foundation
import VietSearch
import VietSearchStorage
import VietSearchTestSupport

/// Runs a seeded sequence of commits, deletes, merges and rollbacks on a real directory while a
/// `FileSystemJournal` records what the writer does to it, then, for every cut point of that journal,
/// builds the directories a power cut could leave (`PowerLossModel`) and checks each: the index opens,
/// `check` passes, it holds exactly the documents of the newest manifest present, and that commit is not
/// older than the last one made durable before the cut. Every sixteenth state is also written to again
/// (a writer opens, commits, and the result passes `check`).
struct PowerLossHarness {
    typealias Model = [String: Document]

    struct Result {
        var steps = 0
        var effects = 0
        var cutPoints = 0
        var statesChecked = 0
        var failures: [String] = []
    }

    private static let words = ["đảng", "viên", "nhà", "nước", "học", "sinh", "biên", "giới", "hoà", "bình", "văn", "hoá"]

    let workspace: String
    let seed: UInt64
    let steps: Int
    /// Random choices per cut point, on top of the three fixed ones.
    let randomChoices: Int
    /// Stop at the first failing state (the sensitivity tests only need to know a breakage is caught).
    let stopAtFirstFailure: Bool
    /// The writer's merge policy (nil: automatic merging off, so every commit publishes the segments it
    /// flushed as they are instead of merging them first).
    var mergePolicy: MergePolicySettings? = MergePolicySettings(segmentsPerTier: 3, floorDocuments: 2)

    func run() throws -> Result {
        let directory = workspace + "/index"
        let (initial, effects, models) = try record(directory: directory)
        let model = PowerLossModel(initial: initial, effects: effects)
        var result = Result(steps: steps, effects: effects.count, cutPoints: effects.count + 1)
        var random = SeededGenerator(seed: seed ^ 0x5EED)
        var seen = Set<Int>()
        let crashDirectory = workspace + "/crash"
        for cut in 0...effects.count {
            let durable = Self.newestGeneration(in: model.crashState(after: cut, choice: .nothingPending, random: &random))
            var choices: [PowerLossModel.Choice] = [.nothingPending, .everythingKept, .metadataWithoutData]
            choices += Array(repeating: .random, count: randomChoices)
            for choice in choices {
                let state = model.crashState(after: cut, choice: choice, random: &random)
                guard seen.insert(Self.digest(state)).inserted else { continue }
                result.statesChecked += 1
                let writeAfter = result.statesChecked % 16 == 0
                if let problem = verify(state, in: crashDirectory, models: models, durable: durable, writeAfter: writeAfter) {
                    result.failures.append("cut \(cut)/\(effects.count) after \(Self.describe(effects.prefix(cut).last)) "
                        + "[\(choice)] seed \(seed): \(problem); files: \(state.keys.sorted().joined(separator: " "))")
                    if stopAtFirstFailure { return result }
                }
            }
        }
        return result
    }

    // MARK: - Recording

    /// Runs the workload; returns the files before it, the journal, and the documents of each generation.
    private func record(directory: String) throws -> ([String: [UInt8]], [FileSystemJournal.Effect], [UInt64: Model]) {
        var configuration = IndexConfiguration(memoryBudget: 2_000)
        configuration.mergePolicy = mergePolicy
        let index = try Index.open(at: directory, createIfMissing: true, configuration: configuration)
        let initial = try Self.files(in: directory)
        let journal = FileSystemJournal.start(directory: directory)
        defer { journal.stop() }
        var random = SeededGenerator(seed: seed)
        var models: [UInt64: Model] = [0: [:]]
        var model: Model = [:]
        var nextID = 0
        let writer = try index.writer()
        defer { writer.close() }
        for _ in 0..<steps {
            let before = writer.committedGeneration
            switch random.next(below: 10) {
            case 0..<5:
                for _ in 0..<(1 + random.next(below: 6)) {
                    let document = Self.randomDocument(id: "d\(nextID)", &random)
                    nextID += 1
                    try writer.add(document)
                    model[document.id] = document
                }
                for id in model.keys.sorted().prefix(random.next(below: 3)) {
                    let document = Self.randomDocument(id: id, &random)
                    _ = try writer.upsert(document)
                    model[id] = document
                }
                try writer.commit()
            case 5..<7 where !model.isEmpty:
                let ids = model.keys.sorted()
                for _ in 0..<(1 + random.next(below: 3)) {
                    let id = ids[random.next(below: ids.count)]
                    _ = try writer.delete(id: id)
                    model[id] = nil
                }
                try writer.commit()
            case 7:
                try writer.forceMerge(maxSegments: 1 + random.next(below: 2))
            case 8:
                for _ in 0..<(1 + random.next(below: 8)) {
                    try writer.add(Self.randomDocument(id: "rolled-back-\(nextID)", &random))
                    nextID += 1
                }
                try writer.rollback()
            default:
                let ids = model.keys.sorted()
                if let id = ids.isEmpty ? nil : ids[random.next(below: ids.count)] {
                    let document = Self.randomDocument(id: id, &random)
                    _ = try writer.upsert(document)
                    model[id] = document
                    try writer.commit()
                }
            }
            guard writer.committedGeneration > before else { continue }
            for generation in (before + 1)...writer.committedGeneration { models[generation] = model }
        }
        return (initial, journal.effects, models)
    }

    // MARK: - Verification

    private func verify(_ state: [String: [UInt8]], in directory: String, models: [UInt64: Model],
                        durable: UInt64?, writeAfter: Bool) -> String? {
        do {
            try Self.materialize(state, at: directory)
            guard let newest = Self.newestGeneration(in: state) else { return "no manifest left" }
            guard let expected = models[newest] else { return "manifest generation \(newest) was never committed" }
            if let durable, newest < durable { return "generation \(newest) opened, \(durable) was durable" }
            let index = try Index.open(at: directory, createIfMissing: false)
            let report = try index.check()
            guard report.generation == newest else { return "opened generation \(report.generation), newest is \(newest)" }
            if let mismatch = try Self.mismatch(try index.searcher(), expected, checked: report.documents) { return mismatch }
            guard writeAfter else { return nil }
            let writer = try index.writer()
            try writer.add(Document(id: "after-power-loss", title: "hoà bình", body: "sau khi mất điện"))
            try writer.commit()
            writer.close()
            var after = expected
            after["after-power-loss"] = Document(id: "after-power-loss", title: "hoà bình", body: "sau khi mất điện")
            let again = try Index.open(at: directory, createIfMissing: false)
            return try Self.mismatch(try again.searcher(), after, checked: try again.check().documents).map { "after a new commit: \($0)" }
        } catch {
            return "\(error)"
        }
    }

    private static func mismatch(_ searcher: Searcher, _ model: Model, checked: Int) throws -> String? {
        guard searcher.documentCount == model.count, checked == model.count else {
            return "\(searcher.documentCount) documents (check: \(checked)), expected \(model.count)"
        }
        for (id, expected) in model {
            guard let found = try searcher.document(id: id) else { return "document \(id) missing" }
            guard found == expected else { return "document \(id) differs: \(found.fields) vs \(expected.fields)" }
        }
        return nil
    }

    // MARK: - Files

    static func files(in directory: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            files[name] = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
        }
        return files
    }

    private static func materialize(_ state: [String: [UInt8]], at directory: String) throws {
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, bytes) in state {
            try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + name))
        }
    }

    private static func newestGeneration(in state: [String: [UInt8]]) -> UInt64? {
        state.keys.compactMap { name -> UInt64? in
            guard name.hasPrefix("manifest-"), name.hasSuffix(".vsm") else { return nil }
            return UInt64(name.dropFirst("manifest-".count).dropLast(".vsm".count), radix: 16)
        }.max()
    }

    private static func digest(_ state: [String: [UInt8]]) -> Int {
        var hasher = Hasher()
        for name in state.keys.sorted() {
            hasher.combine(name)
            hasher.combine(state[name])
        }
        return hasher.finalize()
    }

    private static func describe(_ effect: FileSystemJournal.Effect?) -> String {
        switch effect {
        case nil: "nothing"
        case .create(let name)?: "create \(name)"
        case .write(let name, let bytes)?: "write \(name) (\(bytes.count) bytes)"
        case .fsync(let name)?: "fsync \(name)"
        case .rename(let from, let to)?: "rename \(from) → \(to)"
        case .unlink(let name)?: "unlink \(name)"
        case .fsyncDirectory?: "fsync directory"
        }
    }

    private static func randomDocument(id: String, _ random: inout SeededGenerator) -> Document {
        func text(_ count: Int) -> String {
            (0..<count).map { _ in words[random.next(below: words.count)] }.joined(separator: " ")
        }
        return Document(id: id, title: text(1 + random.next(below: 4)), body: text(1 + random.next(below: 30)))
    }
}
