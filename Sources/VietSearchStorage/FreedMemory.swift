#if canImport(Glibc)
import Glibc
#endif

/// Gives freed heap pages back to the system (README "Indexing (session 4)", peak memory): after a
/// segment is written, and while a consumed builder's streams are freed during its serialisation.
/// With parallel indexing, builders are allocated on worker threads and freed on the writer's: glibc
/// keeps the freed pages in the workers' arenas, away from the top of any heap, so they stay resident
/// and the process grew with the corpus (2 threads, 100k documents: 224 MB against 125 MB with one).
package enum FreedMemory {
    package static func returnToSystem() {
        #if canImport(Glibc)
        _ = glibcMallocTrim(0)
        #endif
    }
}

#if canImport(Glibc)
/// glibc's `int malloc_trim(size_t)` (<malloc.h> is not part of the Glibc module).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
