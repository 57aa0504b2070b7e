import VietSearch
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// Reads a file (or standard input) as lines of raw bytes in fixed-size chunks, so a JSONL corpus of
/// any size streams through bounded memory. Lines end at `\n`; the last line may lack it.
final class LineReader {
    /// One line without its `\n`, with its 1-based number and the byte offset of its first byte.
    struct Line {
        var bytes: ArraySlice<UInt8>
        var number: Int
        var offset: Int
    }

    private static let chunkSize = 1 << 20

    /// Name used in errors ("-" for standard input).
    let source: String
    private let fileDescriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    /// `chunkSize` zero bytes: the room each read fills.
    private lazy var zeroChunk = [UInt8](repeating: 0, count: Self.chunkSize)
    /// Start of the unconsumed bytes in `buffer`.
    private var cursor = 0
    private var reachedEnd = false
    private var lineNumber = 0
    /// File offset of `buffer[0]`.
    private var bufferOffset = 0

    /// Bytes handed out as lines so far (for progress).
    private(set) var bytesConsumed = 0

    /// Opens `path` for reading, or standard input when `path` is nil.
    init(path: String?, source: String) throws {
        self.source = source
        if let path {
            let descriptor = open(path, O_RDONLY)
            if descriptor < 0 { throw VietSearchError.io(path: source, message: Self.lastErrorMessage()) }
            fileDescriptor = descriptor
            ownsDescriptor = true
        } else {
            fileDescriptor = 0
            ownsDescriptor = false
        }
    }

    /// Reads lines from `bytes` already in memory (input decoded from a legacy encoding).
    init(bytes: [UInt8], source: String) {
        self.source = source
        fileDescriptor = -1
        ownsDescriptor = false
        buffer = bytes
        reachedEnd = true
    }

    deinit {
        if ownsDescriptor { close(fileDescriptor) }
    }

    /// The next line, or nil at the end of the input.
    func next() throws -> Line? {
        // Bytes before `scanned` (relative to the line start) are known to hold no newline, so a line
        // longer than a chunk is scanned once, not once per chunk.
        var scanned = 0
        while true {
            if let newline = Self.firstNewline(in: buffer, from: cursor + scanned) {
                return take(upTo: newline, skipping: 1)
            }
            if reachedEnd {
                return cursor < buffer.count ? take(upTo: buffer.count, skipping: 0) : nil
            }
            scanned = buffer.count - cursor
            try fill()
        }
    }

    /// Index of the first `\n` in `bytes[start...]`: `memchr` scans a word or more at a time, where
    /// `firstIndex(of:)` went byte by byte (~4% of indexing a JSONL corpus).
    private static func firstNewline(in bytes: [UInt8], from start: Int) -> Int? {
        bytes.withUnsafeBufferPointer { storage in
            guard let base = storage.baseAddress, start < storage.count,
                  let found = memchr(base + start, Int32(UInt8(ascii: "\n")), storage.count - start) else { return nil }
            return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
        }
    }

    private func take(upTo end: Int, skipping separatorLength: Int) -> Line {
        lineNumber += 1
        let line = Line(bytes: buffer[cursor..<end], number: lineNumber, offset: bufferOffset + cursor)
        bytesConsumed += end + separatorLength - cursor
        cursor = end + separatorLength
        return line
    }

    /// Drops consumed bytes and appends the next chunk.
    private func fill() throws {
        if cursor > 0 {
            buffer.removeSubrange(0..<cursor)
            bufferOffset += cursor
            cursor = 0
        }
        let oldCount = buffer.count
        // An Array of zeros is one copy even in debug builds; a generic `repeatElement` append is
        // element by element there (0.4 s per chunk, which dominated every debug-build CLI run). The
        // zeros are made once (a fresh array per chunk was an allocation and a memset each time).
        buffer.append(contentsOf: zeroChunk)
        var readCount = -1
        buffer.withUnsafeMutableBufferPointer { storage in
            guard let base = storage.baseAddress else { return }
            repeat {
                readCount = systemRead(fileDescriptor, base + oldCount, Self.chunkSize)
            } while readCount < 0 && errno == EINTR
        }
        if readCount < 0 {
            buffer.removeSubrange(oldCount...)
            throw VietSearchError.io(path: source, message: "read failed: " + Self.lastErrorMessage())
        }
        buffer.removeSubrange((oldCount + readCount)...)
        if readCount == 0 { reachedEnd = true }
    }

    private static func lastErrorMessage() -> String {
        String(cString: strerror(errno))
    }
}
