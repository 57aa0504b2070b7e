#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte stream of every term of a segment being built (see `SegmentBuffer.termStreams`), in raw
/// allocator blocks: appending a (term, document) group of a few bytes to a Swift array cost a
/// uniqueness check and a memmove call each, about a seventh of indexing. Used by one thread at a time;
/// a `SegmentBuffer` and its copies share it (they are read-only copies: serialisation, joining).
final class TermStreams {
    private struct Entry {
        var base: UnsafeMutablePointer<UInt8>?
        var count: Int
        var capacity: Int
    }

    @exclusivity(unchecked) private var table: UnsafeMutablePointer<Entry>?
    @exclusivity(unchecked) private var tableCapacity = 0
    /// Number of terms.
    @exclusivity(unchecked) private(set) var count = 0
    /// Bytes allocated for the streams (by capacity) and the table.
    @exclusivity(unchecked) private(set) var heapBytes = 0

    deinit {
        for term in 0..<count { free(table?[term].base) }
        free(table)
    }

    /// Adds an empty stream for a new term.
    func appendEmpty() {
        if count == tableCapacity {
            let capacity = Swift.max(1_024, 2 * tableCapacity)
            guard let grown = realloc(table, capacity * MemoryLayout<Entry>.stride) else { fatalAllocationFailure() }
            table = grown.assumingMemoryBound(to: Entry.self)
            heapBytes += (capacity - tableCapacity) * MemoryLayout<Entry>.stride
            tableCapacity = capacity
        }
        table?[count] = Entry(base: nil, count: 0, capacity: 0)
        count += 1
    }

    func isEmpty(_ term: Int) -> Bool { table?[term].count ?? 0 == 0 }

    /// Bytes in `term`'s stream.
    func byteCount(_ term: Int) -> Int { table?[term].count ?? 0 }

    /// Room for `extra` more bytes at the end of `term`'s stream: write them there, then `commit`.
    /// Grows by doubling, or, `exactly`, to the size asked for.
    @inline(__always)
    func reserve(_ term: Int, extra: Int, exactly: Bool = false) -> UnsafeMutablePointer<UInt8> {
        guard let table else { fatalAllocationFailure() }
        let entry = table[term]
        if let base = entry.base, entry.count + extra <= entry.capacity { return base + entry.count }
        let capacity = exactly ? entry.count + extra : Swift.max(16, Swift.max(entry.count + extra, 2 * entry.capacity))
        guard let grown = realloc(entry.base, capacity) else { fatalAllocationFailure() }
        let base = grown.assumingMemoryBound(to: UInt8.self)
        heapBytes += capacity - entry.capacity
        table[term].base = base
        table[term].capacity = capacity
        return base + entry.count
    }

    /// Makes `written` bytes written after `reserve` part of the stream.
    @inline(__always)
    func commit(_ term: Int, written: Int) {
        table?[term].count += written
    }

    /// Appends `bytes` to `term`'s stream.
    func append(_ term: Int, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(term, extra: bytes.count).update(from: source, count: bytes.count)
        commit(term, written: bytes.count)
    }

    /// `term`'s stream; valid until the stream next grows.
    func bytes(_ term: Int) -> UnsafeBufferPointer<UInt8> {
        guard let entry = table?[term] else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: entry.base, count: entry.count)
    }

    /// Frees `term`'s stream, leaving it empty: serialisation consumes a builder's streams term by
    /// term so that the encoded postings replace them instead of adding to them (the peak of a flush).
    /// Several threads may release distinct terms at once; `heapBytes` is brought up to date by
    /// `recountHeapBytes()` afterwards.
    func release(_ term: Int) {
        guard let table else { return }
        free(table[term].base)
        table[term] = Entry(base: nil, count: 0, capacity: 0)
    }

    /// Recomputes `heapBytes` after `release` calls.
    func recountHeapBytes() {
        var bytes = tableCapacity * MemoryLayout<Entry>.stride
        for term in 0..<count { bytes += table?[term].capacity ?? 0 }
        heapBytes = bytes
    }

    /// Out of memory: nothing sensible can continue (as when a Swift array cannot grow).
    private func fatalAllocationFailure() -> Never {
        let message = "VietSearch: out of memory while building a segment\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        abort()
    }
}
