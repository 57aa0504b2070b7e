#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
private let systemPoll = Glibc.poll
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
private let systemPoll = Darwin.poll
#endif

/// The query lines of `vietsearch search` without QUERY, read from a file descriptor (standard input).
///
/// When no whole line is buffered it first polls the descriptor without blocking for at most
/// `spinMicroseconds`, and only then blocks in `read`. A driver that sends the next query as soon as it
/// has read an answer (the shared harness) usually sends it within that window, so the query starts on a
/// CPU that never went idle (README "Query speed (session 4: disjunctions of terms)"). The spin is
/// bounded: an idle session costs at most that much CPU per answer, then sleeps in `read`.
final class QueryLineReader {
    /// Off by default: polling trades CPU for latency, a choice for the caller (`--stdin-spin-us 1000` is
    /// what paid with a lock-step driver; README "Query speed (session 4: disjunctions of terms)").
    static let defaultSpinMicroseconds = 0
    /// A cap so that no setting turns the wait into a busy loop.
    static let maximumSpinMicroseconds = 10_000
    private static let chunkSize = 64 << 10

    private let fileDescriptor: Int32
    private let spinMicroseconds: Int
    private var buffer: [UInt8] = []
    /// Start of the unconsumed bytes in `buffer`.
    private var cursor = 0
    private var reachedEnd = false
    /// Where `read` puts bytes before they are appended to `buffer`.
    private let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)

    init(fileDescriptor: Int32 = 0, spinMicroseconds: Int) {
        self.fileDescriptor = fileDescriptor
        self.spinMicroseconds = Swift.max(0, spinMicroseconds)
    }

    deinit {
        chunk.deallocate()
    }

    /// The next line without its `\n` (and a `\r` before it), invalid UTF-8 repaired as `readLine`
    /// does; nil at the end of the input. A read error ends the input, as it ends `readLine`.
    func next() -> String? {
        var scanned = cursor
        while true {
            if let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                return take(upTo: newline, skipping: 1)
            }
            if reachedEnd {
                return cursor < buffer.count ? take(upTo: buffer.count, skipping: 0) : nil
            }
            scanned = buffer.count - cursor
            fill()
            scanned += cursor
        }
    }

    private func take(upTo end: Int, skipping separatorLength: Int) -> String {
        var lineEnd = end
        if separatorLength > 0, lineEnd > cursor, buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        let line = String(decoding: buffer[cursor..<lineEnd], as: UTF8.self)
        cursor = end + separatorLength
        return line
    }

    /// Drops consumed bytes and appends what the descriptor has (at least one byte unless at its end).
    private func fill() {
        if cursor > 0 {
            buffer.removeSubrange(0..<cursor)
            cursor = 0
        }
        waitBriefly()
        var readCount = -1
        repeat {
            readCount = systemRead(fileDescriptor, chunk.baseAddress, chunk.count)
        } while readCount < 0 && errno == EINTR
        guard readCount > 0 else {
            reachedEnd = true
            return
        }
        // Only the bytes read are copied: zeroing a whole chunk per query would evict cache lines the
        // next query needs.
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<readCount]))
    }

    /// Polls without blocking until input is ready or `spinMicroseconds` have passed.
    private func waitBriefly() {
        guard spinMicroseconds > 0 else { return }
        let deadline = Self.nowMicroseconds() + spinMicroseconds
        var request = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        repeat {
            request.revents = 0
            if systemPoll(&request, 1, 0) != 0 { return }
            // Lets a driver pinned to the same CPU run (it is the one that will write the next line).
            sched_yield()
        } while Self.nowMicroseconds() < deadline
    }

    private static func nowMicroseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return now.tv_sec * 1_000_000 + now.tv_nsec / 1_000
    }
}
