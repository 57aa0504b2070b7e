// Measures VietnameseAnalyzer throughput: reads text files (default: the package's seeds/*.txt), analyses
// each file as one document, repeated until about 50 MB have gone through, and prints MB/s and tokens/s.
//
// Usage: analysis-bench [--mb N] [--runs N] [FILE...]
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
    var paths: [String] = []
    while !arguments.isEmpty {
        let argument = arguments.removeFirst()
        switch argument {
        case "--mb", "--runs":
            guard let value = arguments.first.flatMap(Double.init), value > 0 else {
                throw BenchmarkError(description: "\(argument) needs a positive number")
            }
            arguments.removeFirst()
            if argument == "--mb" { targetMB = value } else { runs = Int(value) }
        default:
            paths.append(argument)
        }
    }
    let files = paths.isEmpty ? try defaultFiles() : paths.map { URL(fileURLWithPath: $0) }
    let documents = try files.map { url -> String in
        do { return try String(contentsOf: url, encoding: .utf8) } catch {
            throw BenchmarkError(description: "cannot read \(url.path) as UTF-8: \(error)")
        }
    }
    let bytesPerPass = documents.reduce(0) { $0 + $1.utf8.count }
    guard bytesPerPass > 0 else { throw BenchmarkError(description: "the input files are empty") }
    let passes = max(1, Int((targetMB * 1_000_000 / Double(bytesPerPass)).rounded(.up)))

    let analyzer = VietnameseAnalyzer()
    _ = documents.map { analyzer.analyze($0) }  // warm-up: builds the lookup tables
    print("input: \(files.count) files, \(bytesPerPass) bytes, repeated \(passes)× = "
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
                for document in documents { tokens &+= analyzer.analyze(document).tokens.count }
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
}

do {
    try run()
} catch {
    FileHandle.standardError.write("analysis-bench: \(error)\n".data(using: .utf8) ?? Data())
    exit(1)
}
