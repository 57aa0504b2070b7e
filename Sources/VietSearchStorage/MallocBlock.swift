#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the allocator knows about a malloc block: `TermStreams` keeps headroom beyond a stream's
/// accounted capacity and finds it again here instead of storing a second capacity per term (which
/// would widen every term's entry, and the memory estimate with it).
enum MallocBlock {
    /// Usable bytes of the malloc block at `base` (at least the size it was allocated with); 0 where
    /// the allocator cannot tell, so callers fall back to reallocating.
    static func usableBytes(_ base: UnsafeMutablePointer<UInt8>) -> Int {
        #if canImport(Glibc)
        return glibcMallocUsableSize(UnsafeMutableRawPointer(base))
        #elseif canImport(Darwin)
        return malloc_size(UnsafeRawPointer(base))
        #else
        return 0
        #endif
    }
}

#if canImport(Glibc)
/// glibc's `size_t malloc_usable_size(void *)` (<malloc.h> is not part of the Glibc module).
@_silgen_name("malloc_usable_size")
private func glibcMallocUsableSize(_ pointer: UnsafeMutableRawPointer?) -> Int
#endif
