/// A one-line progress bar on standard error, redrawn at most ten times a second. It draws nothing
/// unless standard error is a terminal, so logs and pipes stay clean.
struct ProgressBar {
    private let stream = StandardStream.error
    private let enabled: Bool
    /// Total input bytes, nil when unknown (standard input): then only counts are shown.
    private let totalBytes: Int?
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant

    private static let width = 30
    private static let redrawInterval = Duration.milliseconds(100)

    init(totalBytes: Int?) {
        self.enabled = StandardStream.error.isTerminal
        self.totalBytes = totalBytes
        start = clock.now
        lastDraw = start
    }

    /// Redraws if enough time has passed since the last frame.
    mutating func update(documents: Int, bytes: Int) {
        guard enabled else { return }
        let now = clock.now
        guard now - lastDraw >= Self.redrawInterval else { return }
        lastDraw = now
        draw(documents: documents, bytes: bytes, elapsed: now - start)
    }

    /// Draws the final frame and ends the line.
    mutating func finish(documents: Int, bytes: Int) {
        guard enabled else { return }
        draw(documents: documents, bytes: bytes, elapsed: clock.now - start)
        stream.write("\n")
    }

    private func draw(documents: Int, bytes: Int, elapsed: Duration) {
        let seconds = max(elapsed.seconds, 1e-9)
        let megabytes = Double(bytes) / 1_048_576
        var line = "\r"
        if let totalBytes, totalBytes > 0 {
            let fraction = min(1, Double(bytes) / Double(totalBytes))
            let filled = Int(fraction * Double(Self.width))
            line += "[" + String(repeating: "=", count: filled) + String(repeating: " ", count: Self.width - filled)
            line += "] \(Int(fraction * 100))% "
        }
        line += "\(documents) docs, \(Self.oneDecimal(megabytes)) MB, \(Self.oneDecimal(megabytes / seconds)) MB/s"
        stream.write(line + "\u{1B}[K")
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
