#if canImport(Glibc)
import Glibc
#endif

/// glibc allocator settings for `vietsearch index` (PERFORMANCE.md "Indexing (session 4)", peak memory).
/// By default glibc raises its mmap threshold each time a large block is freed (up to 32 MiB), so the
/// builder's and the serialised sections' large arrays end up in the heap, where freed space stays
/// resident, and each thread gets its own arena, keeping its freed pages from the others. A fixed
/// threshold maps every block of 256 KiB or more on its own (returned to the system when freed), which
/// took the peak RSS of indexing 10k documents from 139 to 125 MB and 30k from 157 to 138 MB
/// (1 thread). Arenas are capped at the number of indexing threads (at least 2): glibc's default of 8 per
/// core let freed memory linger in arenas no thread was using (2 threads, 100k documents: 165 → 155 MB,
/// 30k: 152 → 141 MB). Settings given in the environment (`MALLOC_MMAP_THRESHOLD_`, `MALLOC_ARENA_MAX`)
/// win.
enum AllocatorTuning {
    static let mmapThresholdBytes: Int32 = 256 << 10
    /// `M_MMAP_THRESHOLD` and `M_ARENA_MAX` of glibc's <malloc.h>, which the Glibc module does not export.
    private static let mmapThresholdParameter: Int32 = -3
    private static let arenaMaximumParameter: Int32 = -8

    /// Call before any indexing thread starts.
    static func applyForIndexing(threads: Int) {
        #if canImport(Glibc)
        if getenv("MALLOC_MMAP_THRESHOLD_") == nil {
            _ = glibcMallopt(mmapThresholdParameter, mmapThresholdBytes)
        }
        if getenv("MALLOC_ARENA_MAX") == nil {
            _ = glibcMallopt(arenaMaximumParameter, Int32(clamping: Swift.max(2, threads)))
        }
        #endif
    }
}

#if canImport(Glibc)
/// glibc's `int mallopt(int, int)` (<malloc.h> is not part of the Glibc module; two C ints are passed
/// the same way by the Swift and C calling conventions).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
