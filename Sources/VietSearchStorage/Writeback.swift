#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts the kernel writing a file's dirty pages to disk while the rest of the file is still being
/// written, so the fsync that follows waits only for what was written last. A hint with no effect on
/// durability (only the fsync counts): on systems without `sync_file_range` it does nothing. Used for a
/// merge's output (`SpoolFile.startsWriteback`, every 8 MB) and for the segment of a commit's only flush,
/// whose fsync starts right after the write (`BackgroundSync`): 10k documents, 2 threads, the segment's
/// write start → manifest rename fell from 74–83 to 67–71 ms (README session 15).
/// Session 14 started it for every segment, flushes merged away included, and lost 4% at 30k.
struct Writeback {
    /// Bytes between two writeback starts: large enough that the extra system calls are few (7 for a
    /// 30 MB segment), small enough that the disk starts early in the write.
    static let defaultStretch = 4 << 20

    private let fd: Int32
    /// Bytes between two writeback starts.
    var stretch = Writeback.defaultStretch
    /// Bytes written to `fd` so far, and how many of them writeback was started for.
    private var written = 0
    private var started = 0

    init(fd: Int32) { self.fd = fd }

    /// Records `count` more bytes written and starts writeback once a whole stretch is pending.
    mutating func wrote(_ count: Int) {
        written += count
        if written - started >= stretch { startPending() }
    }

    /// Starts writeback for every byte written and not yet started.
    mutating func startPending() {
        guard written > started else { return }
        // Asynchronous (SYNC_FILE_RANGE_WRITE): only starts the writeback; errors surface at fsync.
        _ = Self.syncFileRange?(fd, Int64(started), Int64(written - started), Self.syncFileRangeWrite)
        started = written
    }

    /// Linux's `sync_file_range` (not in the Swift Glibc module: a GNU extension), or nil elsewhere.
    private static let syncFileRange: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32)? = {
        #if os(Linux)
        guard let symbol = dlsym(nil, "sync_file_range") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32).self)
        #else
        return nil
        #endif
    }()
    /// `SYNC_FILE_RANGE_WRITE` (linux/fs.h).
    private static let syncFileRangeWrite: UInt32 = 2
}
