// Measures VietnameseAnalyzer throughput: reads text files (default: the package's seeds/*.txt), analyses
// each file as one document, repeated until about 50 MB have gone through, and prints MB/s and tokens/s.
// With `--jsonl FILE`, every string field except `id` of every line is one document (the indexer's view
// of the shared harness's corpus); with `--chunk-bytes N`, documents go through the chunked API the
// indexer used before `StreamingAnalyzer` (`analyze(_:chunkBytes:_:)`) instead of `analyze(_:)`; with
// `--streaming`, through `StreamingAnalyzer` (what the indexer uses: keys as bytes, 256 KiB pieces),
// whose keys are summed so that they are not optimised away.
//
// With `--verify`, nothing is timed: every document goes through both analysers and any difference in
// positions, offsets, keys or flags is printed (exit status 1).
//
// Usage: analysis-bench [--mb N] [--runs N] [--chunk-bytes N | --streaming | --verify] [--jsonl FILE...] [FILE...]
import Foundation
import VietSearch

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
}

func packageRoot() -> URL {
    // Benchmarks/Sources/analysis-bench/main.swift → the VietSearch package root.
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
}

func defaultFiles() throws -> [URL] {
    let seeds = packageRoot().appendingPathComponent("seeds")
    let names = try FileManager.default.contentsOfDirectory(atPath: seeds.path).filter { $0.hasSuffix(".txt") }
    guard !names.isEmpty else { throw BenchmarkError(description: "no .txt files in \(seeds.path)") }
    return names.sorted().map { seeds.appendingPathComponent($0) }
}

/// CPU time of this process (user + system), in seconds.
func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

func run() throws {
    var arguments = Array(CommandLine.arguments.dropFirst())
    var targetMB = 50.0
    var runs = 3
    var chunkBytes = 0
    var streaming = false
    var verify = false
    var paths: [String] = []
    var jsonlPaths: [String] = []
    while !arguments.isEmpty {
        let argument = arguments.removeFirst()
        switch argument {
        case "--mb", "--runs", "--chunk-bytes":
            guard let value = arguments.first.flatMap(Double.init), value > 0 else {
                throw BenchmarkError(description: "\(argument) needs a positive number")
            }
            arguments.removeFirst()
            switch argument {
            case "--mb": targetMB = value
            case "--runs": runs = Int(value)
            default: chunkBytes = Int(value)
            }
        case "--streaming":
            streaming = true
        case "--verify":
            verify = true
        case "--jsonl":
            guard let path = arguments.first else { throw BenchmarkError(description: "--jsonl needs a file") }
            arguments.removeFirst()
            jsonlPaths.append(path)
        default:
            paths.append(argument)
        }
    }
    let files = paths.isEmpty && jsonlPaths.isEmpty ? try defaultFiles() : paths.map { URL(fileURLWithPath: $0) }
    var documents = try files.map { url -> String in
        do { return try String(contentsOf: url, encoding: .utf8) } catch {
            throw BenchmarkError(description: "cannot read \(url.path) as UTF-8: \(error)")
        }
    }
    for path in jsonlPaths { documents += try jsonlFields(path) }
    if verify {
        let differences = verifyStreaming(documents)
        print("verified \(documents.count) documents: \(differences) differ")
        if differences > 0 { exit(1) }
        return
    }
    let bytesPerPass = documents.reduce(0) { $0 + $1.utf8.count }
    guard bytesPerPass > 0 else { throw BenchmarkError(description: "the input files are empty") }
    let passes = max(1, Int((targetMB * 1_000_000 / Double(bytesPerPass)).rounded(.up)))

    let analyzer = VietnameseAnalyzer()
    let streamingAnalyzer = StreamingAnalyzer()
    var keyBytes = 0
    func tokenCount(_ document: String) -> Int {
        if streaming {
            var count = 0
            var bytes = 0
            _ = streamingAnalyzer.analyze(document, chunkBytes: 256 << 10, token: { token in
                count += 1
                bytes &+= token.exact.count &+ token.folded.count
            }, pieceEnd: {})
            keyBytes &+= bytes
            return count
        }
        guard chunkBytes > 0 else { return analyzer.analyze(document).tokens.count }
        var count = 0
        _ = analyzer.analyze(document, chunkBytes: chunkBytes) { count += $0.count }
        return count
    }
    _ = documents.map { tokenCount($0) }  // warm-up: builds the lookup tables
    print("input: \(documents.count) documents, \(bytesPerPass) bytes, repeated \(passes)× = "
          + String(format: "%.1f MB", Double(bytesPerPass * passes) / 1_000_000))
    // CPU time is reported beside wall time because the machine's cores are shared: on a busy machine the
    // wall-clock figure understates the analyser's single-core speed.
    var best = Double.infinity
    var bestCPU = Double.infinity
    var tokensPerRun = 0
    let megabytes = Double(bytesPerPass * passes) / 1_000_000
    for run in 1...runs {
        var tokens = 0
        let cpuStart = cpuSeconds()
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<passes {
                for document in documents { tokens &+= tokenCount(document) }
            }
        }
        let cpu = cpuSeconds() - cpuStart
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        best = min(best, seconds)
        bestCPU = min(bestCPU, cpu)
        tokensPerRun = tokens
        print(String(format: "run %d: wall %.3f s (%.1f MB/s, %.2f M tokens/s), cpu %.3f s (%.1f MB/s)", run,
                     seconds, megabytes / seconds, Double(tokens) / 1_000_000 / seconds, cpu, megabytes / cpu))
    }
    print(String(format: "best: %.1f MB/s, %.2f M tokens/s wall; %.1f MB/s, %.2f M tokens/s per CPU second "
                 + "(%d tokens per run)", megabytes / best, Double(tokensPerRun) / 1_000_000 / best,
                 megabytes / bestCPU, Double(tokensPerRun) / 1_000_000 / bestCPU, tokensPerRun))
    if streaming { print("key bytes (all runs): \(keyBytes)") }
}

/// Compares `StreamingAnalyzer` with `VietnameseAnalyzer.analyze` on every document (whole, and in
/// 1 KiB pieces); returns how many differ.
func verifyStreaming(_ documents: [String]) -> Int {
    let reference = VietnameseAnalyzer()
    let streaming = StreamingAnalyzer()
    var differing = 0
    var tokenTotal = 0
    for (number, document) in documents.enumerated() {
        let expected = reference.analyze(document)
        for chunkBytes in [1 << 30, 1_024] {
            var tokens: [Token] = []
            let positions = streaming.analyze(document, chunkBytes: chunkBytes, token: { token in
                tokens.append(Token(text: "", position: token.position,
                                    exact: String(decoding: token.exact, as: UTF8.self),
                                    folded: String(decoding: token.folded, as: UTF8.self), start: token.start,
                                    end: token.end, isJoinedForm: token.isJoinedForm,
                                    hasNonASCIILetter: token.hasNonASCIILetter))
            }, pieceEnd: {})
            let wanted = expected.tokens.map { token -> Token in
                var copy = token
                copy.text = ""
                return copy
            }
            if positions != expected.positionCount || tokens != wanted {
                differing += 1
                let index = zip(tokens, wanted).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                    ?? min(tokens.count, wanted.count)
                print("document \(number) (pieces of \(chunkBytes) bytes) differs at token \(index): "
                      + "\(index < tokens.count ? "\(tokens[index])" : "none") vs "
                      + "\(index < wanted.count ? "\(wanted[index])" : "none")")
                break
            }
        }
        tokenTotal += expected.tokens.count
    }
    print("\(tokenTotal) tokens compared")
    return differing
}

/// Every string field except `id` of every line of a JSONL file.
func jsonlFields(_ path: String) throws -> [String] {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
        throw BenchmarkError(description: "cannot read \(path) as UTF-8: \(error)")
    }
    var fields: [String] = []
    for (number, line) in text.utf8.split(separator: UInt8(ascii: "\n")).enumerated() {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            throw BenchmarkError(description: "\(path):\(number + 1): not a JSON object")
        }
        for key in object.keys.sorted() where key != "id" {
            if let value = object[key] as? String { fields.append(value) }
        }
    }
    return fields
}

do {
    try run()
} catch {
    FileHandle.standardError.write("analysis-bench: \(error)\n".data(using: .utf8) ?? Data())
    exit(1)
}
