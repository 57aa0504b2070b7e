/// Every failure the storage layer reports. Each case names the file (and byte offset) involved,
/// so a user can tell a truncated copy from a disk fault from a version mismatch.
package enum StorageError: Error, Equatable, Sendable {
    /// Bytes that do not follow FORMAT.md: `offset` is the byte offset in `file` where reading failed.
    case corrupt(file: String, offset: Int, reason: String)
    /// A file written by an older format than this build can read.
    case versionTooOld(file: String, version: UInt32, oldestSupported: UInt32)
    /// A file written by a newer format than this build can read.
    case versionTooNew(file: String, version: UInt32, newestSupported: UInt32)
    /// A system call failed (`errno` as reported by the OS, 0 if none).
    case io(path: String, operation: String, errno: Int32)
    /// Another writer holds the index's lock; `holder` describes it (e.g. "pid 1234").
    case locked(path: String, holder: String)
    /// The path exists but is not a VietSearch index directory (and creation was not asked for).
    case notAnIndex(path: String)
    /// A limit of the format was exceeded (e.g. more than 255 fields, a term longer than 65,535 bytes).
    case limitExceeded(String)
    /// Placeholder used by skeleton code; must not survive into a release.
    case unimplemented(String)
}
