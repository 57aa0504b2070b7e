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
/// When no whole line is buffered it may first poll the descriptor without blocking, and only then
/// blocks in `read`. A driver that sends the next query as soon as it has read an answer (the shared
/// harness) usually sends it within the poll, so the query starts on a CPU that never went idle (README
/// "Query speed (session 5: lock-step wake-up)"). `AdaptiveSpinPolicy` decides when to poll and for how
/// long: only while lines have been arriving within the limit, so an idle session sleeps in `read`; and
/// only while the machine has a CPU to spare (`SpareCPUProbe`).
final class QueryLineReader {
    /// The poll limit of `vietsearch search` (adaptive, see `AdaptiveSpinPolicy`): longer than the ~0.35–0.6
    /// ms a Python driver takes to read an answer and send the next line, short enough that an idle
    /// session's last poll costs next to nothing.
    static let defaultSpinMicroseconds = 2_000
    /// A cap so that no setting turns the wait into a busy loop.
    static let maximumSpinMicroseconds = 10_000
    private static let chunkSize = 64 << 10
    /// A poll round (poll + `sched_yield`) takes a few µs when nothing else wants the CPU; a longer one
    /// means another task ran.
    private static let contendedYieldMicroseconds = 50

    private let fileDescriptor: Int32
    private var spinPolicy: AdaptiveSpinPolicy
    private let spareCPU = SpareCPUProbe()
    private var buffer: [UInt8] = []
    /// Start of the unconsumed bytes in `buffer`.
    private var cursor = 0
    private var reachedEnd = false
    /// Where `read` puts bytes before they are appended to `buffer`.
    private let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)

    /// `spinMicroseconds` is the poll limit (0: never poll).
    init(fileDescriptor: Int32 = 0, spinMicroseconds: Int) {
        self.fileDescriptor = fileDescriptor
        self.spinPolicy = AdaptiveSpinPolicy(limitMicroseconds: spinMicroseconds)
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
        let waitStart = Self.nowMicroseconds()
        let pollBudget = spinPolicy.nextPollMicroseconds
        if pollBudget > 0, spareCPU.hasSpareCPU(nowMicroseconds: waitStart) {
            poll(forMicroseconds: pollBudget)
        }
        var readCount = -1
        repeat {
            readCount = systemRead(fileDescriptor, chunk.baseAddress, chunk.count)
        } while readCount < 0 && errno == EINTR
        spinPolicy.recordWait(microseconds: Self.nowMicroseconds() - waitStart)
        guard readCount > 0 else {
            reachedEnd = true
            return
        }
        // Only the bytes read are copied: zeroing a whole chunk per query would evict cache lines the
        // next query needs.
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<readCount]))
    }

    /// Polls without blocking until input is ready or `microseconds` have passed, or until another task
    /// took the CPU during a `sched_yield`: then the CPU is wanted (and its caches are that task's by
    /// now), so polling on would only take CPU time from it and get this process preempted later, in
    /// the middle of a query; sleeping in `read` is better.
    private func poll(forMicroseconds microseconds: Int) {
        guard microseconds > 0 else { return }
        var now = Self.nowMicroseconds()
        let deadline = now + microseconds
        var request = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        repeat {
            request.revents = 0
            if systemPoll(&request, 1, 0) != 0 { return }
            // Lets a driver pinned to the same CPU run (it is the one that will write the next line).
            sched_yield()
            let afterYield = Self.nowMicroseconds()
            if afterYield - now > Self.contendedYieldMicroseconds { return }
            now = afterYield
        } while now < deadline
    }

    private static func nowMicroseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return now.tv_sec * 1_000_000 + now.tv_nsec / 1_000
    }
}
