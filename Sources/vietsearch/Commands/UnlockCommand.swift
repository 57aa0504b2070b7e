import ArgumentParser
import VietSearch

/// `vietsearch unlock INDEX_DIR`: removes a stale writer lock file; never breaks a live writer's lock.
struct UnlockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Remove the writer lock file left by a crashed writer (a live writer's lock is never broken).",
        discussion: """
            A crashed writer's lock does not block the next writer anyway (the kernel releases it when \
            the process dies); this tidies its file. If a running writer holds the lock, this fails \
            naming it and changes nothing.
            """)

    @OptionGroup var location: IndexLocation

    func run() throws {
        let index = try location.openExisting()
        try index.breakStaleLock()
        StandardStream.output.writeLine("the index is not locked")
    }
}
