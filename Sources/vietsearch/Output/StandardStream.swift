#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// Writes straight to a file descriptor (no stdio buffer), so each call reaches the reader at once:
/// `search` answers queries in lock-step with a driver that waits for every line.
struct StandardStream: Sendable {
    let fileDescriptor: Int32

    static let output = StandardStream(fileDescriptor: 1)
    static let error = StandardStream(fileDescriptor: 2)

    /// True when the stream is a terminal (progress bars only go there).
    var isTerminal: Bool { isatty(fileDescriptor) == 1 }

    /// Writes all of `text`, retrying short writes and interrupted calls. A closed pipe ends the
    /// write silently: there is nobody left to tell.
    func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            guard var pointer = buffer.baseAddress else { return }
            var remaining = buffer.count
            while remaining > 0 {
                let written = systemWrite(fileDescriptor, pointer, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                pointer += written
                remaining -= written
            }
        }
    }

    /// Writes `text` followed by a newline, in one system call.
    func writeLine(_ text: String) {
        write(text + "\n")
    }
}
