import Foundation
import VietSearch

/// One input of `vietsearch index`, after directories are expanded.
enum InputSource {
    case jsonl(path: String)
    case text(path: String)
    case standardInput

    /// The name errors use: the path as given (a directory's files as `dir/name`), or "-".
    var name: String {
        switch self {
        case .jsonl(let path), .text(let path): return path
        case .standardInput: return "-"
        }
    }

    /// Expands the command line's INPUTs: a `.jsonl` or `.txt` file, a directory (its `.txt` and
    /// `.jsonl` files sorted by name, not recursive) or `-` (JSONL on standard input).
    static func resolve(_ inputs: [String]) throws -> [InputSource] {
        var sources: [InputSource] = []
        for input in inputs {
            if input == "-" {
                sources.append(.standardInput)
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw VietSearchError.io(path: input, message: "no such file or directory")
            }
            if isDirectory.boolValue {
                sources += try directoryEntries(input)
            } else if let source = fileSource(input) {
                sources.append(source)
            } else {
                throw VietSearchError.invalidInput(
                    source: input, line: 0, message: "unsupported input (expected .jsonl, .txt, a directory or -)")
            }
        }
        return sources
    }

    /// True for JSONL input (a file or standard input): many documents, worth reading ahead.
    var isJSONL: Bool {
        if case .text = self { return false }
        return true
    }

    /// Bytes to read, for the progress bar; nil when unknown (standard input).
    var size: Int? {
        switch self {
        case .jsonl(let path), .text(let path):
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            return (attributes?[.size] as? NSNumber)?.intValue
        case .standardInput:
            return nil
        }
    }

    /// A reader positioned at the first document.
    func open() throws -> DocumentReader {
        switch self {
        case .jsonl(let path): return JSONLDocumentReader(lines: try LineReader(path: path, source: name))
        case .text(let path): return TextDocumentReader(path: path, source: name)
        case .standardInput: return JSONLDocumentReader(lines: try LineReader(path: nil, source: name))
        }
    }

    private static func fileSource(_ path: String) -> InputSource? {
        if path.hasSuffix(".jsonl") { return .jsonl(path: path) }
        if path.hasSuffix(".txt") { return .text(path: path) }
        return nil
    }

    private static func directoryEntries(_ directory: String) throws -> [InputSource] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw VietSearchError.io(path: directory, message: "cannot list directory: \(error.localizedDescription)")
        }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return names.sorted().compactMap { name in
            let path = prefix + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue
            else { return nil }
            return fileSource(path)
        }
    }
}
