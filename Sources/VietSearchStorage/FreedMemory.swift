#if canImport(Glibc)
import Glibc
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
}

#if canImport(Glibc)
/// glibc's `int malloc_trim(size_t)` (<malloc.h> is not part of the Glibc module).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
