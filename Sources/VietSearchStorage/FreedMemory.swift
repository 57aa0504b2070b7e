#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gives freed heap pages back to the system (PERFORMANCE.md "Indexing (session 4)", peak memory): after a
/// segment is written, and while a consumed builder's streams are freed during its serialisation.
/// glibc keeps freed pages in the middle of a heap resident: with parallel indexing, builders freed
/// untrimmed made the process grow with the corpus (2 threads, 100k documents: 224 MB against 125 MB
/// with one). Since session 10 a worker's job memory is freed by that worker and reused by its next
/// job, untrimmed, and a segment being assembled is moved to the writer's memory and trimmed here.
package enum FreedMemory {
    package static func returnToSystem() {
        #if canImport(Glibc)
        _ = glibcMallocTrim(0)
        #endif
    }

    /// Gives the whole pages of `bytes`' unused capacity back to the system, keeping the array as it is:
    /// an encoder's output reserved from an estimate keeps room it never fills until the segment is
    /// written. Pages never written (a large block the allocator mapped fresh) cost nothing already; those
    /// of recycled heap memory would stay resident. Copying the bytes to an array of their exact size
    /// (what this replaces) faulted in and copied every encoded byte once more, at the flush's memory peak.
    /// Returns the bytes the array still holds resident at most (its count, rounded up to whole pages).
    @discardableResult
    static func releaseUnusedCapacity(of bytes: [UInt8]) -> Int {
        let pageSize = Self.pageSize
        let count = bytes.count
        let held = (count + pageSize - 1) / pageSize * pageSize
        guard bytes.capacity - count >= Self.minimumReleasedBytes else { return Swift.min(held, bytes.capacity) }
        // Read-only access: a mutable one would copy an array whose buffer is shared.
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            // Only whole pages strictly inside the array's storage: the allocator's own headers lie outside it.
            let start = (UInt(bitPattern: base + count) + UInt(pageSize) - 1) & ~UInt(pageSize - 1)
            let end = UInt(bitPattern: base + bytes.capacity) & ~UInt(pageSize - 1)
            guard end > start, let page = UnsafeMutableRawPointer(bitPattern: start) else { return }
            #if canImport(Glibc)
            _ = madvise(page, Int(end - start), MADV_DONTNEED)
            #elseif canImport(Darwin)
            _ = madvise(page, Int(end - start), MADV_FREE)
            #endif
        }
        return held
    }

    /// Unused capacity below this is left alone (not worth a system call).
    static let minimumReleasedBytes = 64 << 10

    private static let pageSize: Int = {
        #if canImport(Glibc) || canImport(Darwin)
        let size = sysconf(Int32(_SC_PAGESIZE))
        return size > 0 ? size : 4096
        #else
        return 4096
        #endif
    }()
}

#if canImport(Glibc)
/// glibc's `int malloc_trim(size_t)` (<malloc.h> is not part of the Glibc module).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
