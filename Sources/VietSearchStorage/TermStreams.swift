import CBitUnpack
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte stream of every term of a segment being built (see `SegmentBuffer.termStreams`), in raw
/// memory: appending a (term, document) group of a few bytes to a Swift array cost a uniqueness check
/// and a memmove call each, about a seventh of indexing. The streams live in slots of this object's
/// own slabs (`StreamSlots`), not one malloc block each: growing them took a malloc arena lock per
/// doubling, which other threads sharing the arena waited on. Used by one thread at a time; a
/// `SegmentBuffer` and its copies share it (they are read-only copies: serialisation, joining).
final class TermStreams {
    /// A term's stream, and where its writing stands: the last document added to it (`UInt32.max`:
    /// none), and on the direct path (`addOccurrence`) that document's last position and frequency so far.
    private struct Entry {
        var base: UnsafeMutablePointer<UInt8>?
        var count: Int
        var capacity: Int
        var lastDoc: UInt32 = .max
        var lastPosition: UInt32 = 0
        var frequency: UInt32 = 0
        /// The term's field number (for `areTerms`).
        var field: UInt8 = 0
        /// The stream is a malloc block (larger than a slot, or sized exactly), not a slot of `slots`.
        var isMalloced = false
    }

    @exclusivity(unchecked) private var table: UnsafeMutablePointer<Entry>?
    @exclusivity(unchecked) private var tableCapacity = 0
    /// Number of terms.
    @exclusivity(unchecked) private(set) var count = 0
    /// Bytes allocated for the streams (by capacity) and the table.
    @exclusivity(unchecked) private(set) var heapBytes = 0

    /// The terms `addOccurrence` met in the current document, in order (`touchedCount` of them).
    @exclusivity(unchecked) private var touched: UnsafeMutablePointer<TouchedTerm>?
    @exclusivity(unchecked) private var touchedCount = 0
    @exclusivity(unchecked) private var touchedCapacity = 0
    /// The streams' memory (freed with this object).
    @exclusivity(unchecked) private var slots = StreamSlots()

    deinit {
        if let table { for term in 0..<count where table[term].isMalloced { free(table[term].base) } }
        free(table)
        free(touched)
    }

    /// Bytes the streams take from malloc (slabs, malloc'd streams by capacity), for tests and measures.
    var reservedStreamBytes: Int {
        var bytes = slots.reservedBytes
        for term in 0..<count where table?[term].isMalloced ?? false { bytes += table?[term].capacity ?? 0 }
        return bytes
    }

    /// Adds an empty stream for a new term of `field`.
    func appendEmpty(field: UInt8) {
        if count == tableCapacity {
            let capacity = Swift.max(256, 2 * tableCapacity)
            guard let grown = realloc(table, capacity * MemoryLayout<Entry>.stride) else { fatalAllocationFailure() }
            table = grown.assumingMemoryBound(to: Entry.self)
            heapBytes += (capacity - tableCapacity) * MemoryLayout<Entry>.stride
            tableCapacity = capacity
        }
        table?[count] = Entry(base: nil, count: 0, capacity: 0, field: field)
        count += 1
    }

    func isEmpty(_ term: Int) -> Bool { table?[term].count ?? 0 == 0 }

    /// True if `first` and `second` are term ids of `field` (a token's two keys, checked together: one
    /// unwrap and one bound for both).
    @inline(__always)
    func areTerms(_ first: UInt32, _ second: UInt32, of field: UInt8) -> Bool {
        guard let table, Int(Swift.max(first, second)) < count else { return false }
        return table[Int(first)].field == field && table[Int(second)].field == field
    }

    /// The last document added to `term`'s stream (`UInt32.max`: none), for the next doc delta.
    func lastDoc(_ term: Int) -> UInt32 { table?[term].lastDoc ?? .max }

    /// Sets `lastDoc(term)` (after a document's group was appended to the stream).
    func setLastDoc(_ term: Int, _ doc: UInt32) { table?[term].lastDoc = doc }

    /// Appends an occurrence of `term` at `position` in document `doc`: on its first occurrence in
    /// `doc` the doc delta, a one-byte frequency placeholder (the frequency is written at the
    /// document's end) and the position, noting the term in `touchedTerms`; then the gap from the last
    /// position (none for the same position again). Returns false, changing nothing, if `position` is
    /// below the term's last one in `doc` (the stream needs them ascending).
    @inline(__always)
    func addOccurrence(_ term: Int, doc: UInt32, position: UInt32) -> Bool {
        guard let entry = table.map({ $0 + term }) else { fatalAllocationFailure() }
        let lastDoc = entry.pointee.lastDoc
        if lastDoc != doc {
            let streamCount = entry.pointee.count
            let out = room(entry, term: term, extra: 11)
            var length = SegmentBuffer.writeVarint(lastDoc == .max ? doc : doc - lastDoc, to: out, at: 0)
            if touchedCount == touchedCapacity { growTouched() }
            touched?[touchedCount] = TouchedTerm(term: term, streamCount: streamCount,
                                                 frequencyOffset: streamCount + length, previousLastDoc: lastDoc)
            touchedCount += 1
            out[length] = 1
            length = SegmentBuffer.writeVarint(position, to: out, at: length + 1)
            entry.pointee.count = streamCount + length
            entry.pointee.lastDoc = doc
            entry.pointee.lastPosition = position
            entry.pointee.frequency = 1
            return true
        }
        let last = entry.pointee.lastPosition
        guard position > last else { return position == last }  // the same key twice at one position counts once
        let out = room(entry, term: term, extra: 5)
        entry.pointee.count += SegmentBuffer.writeVarint(position - last, to: out, at: 0)
        entry.pointee.lastPosition = position
        entry.pointee.frequency += 1
        return true
    }

    /// `addOccurrence` of both terms of each pair of a run, `pairs[i]` being `first << 32 | second` at
    /// `positions[i]`, in one loop with the table, the touched list and the document in registers (the
    /// calls one occurrence at a time, with their checks, cost about 80 instructions an occurrence, most
    /// of them spills and reloads). Stops before the first pair that is not two terms of `field` or whose
    /// position is below a term's last one in `doc`, leaving that pair unrecorded, and returns its index
    /// (the caller handles it with the checks and fallbacks of `addOccurrence`); the pairs' count when
    /// every pair was recorded. Writes the same bytes as `addOccurrence` (tested).
    func addOccurrencePairs(_ pairs: UnsafeBufferPointer<UInt64>, positions: UnsafeBufferPointer<UInt32>,
                            field: UInt8, doc: UInt32) -> Int {
        guard let table, let pairBase = pairs.baseAddress, let positionBase = positions.baseAddress else { return 0 }
        let pairCount = Swift.min(pairs.count, positions.count)
        let termCount = UInt64(count)
        var touchedBase = touched
        var touchedUsed = touchedCount
        defer { touchedCount = touchedUsed }
        var index = 0
        while index < pairCount {
            let pair = pairBase[index]
            let first = pair >> 32
            let second = pair & 0xFFFF_FFFF
            guard Swift.max(first, second) < termCount else { break }
            let firstEntry = table + Int(truncatingIfNeeded: first)
            let secondEntry = table + Int(truncatingIfNeeded: second)
            let position = positionBase[index]
            guard firstEntry.pointee.field == field, secondEntry.pointee.field == field,
                  firstEntry.pointee.lastDoc != doc || position >= firstEntry.pointee.lastPosition,
                  secondEntry.pointee.lastDoc != doc || position >= secondEntry.pointee.lastPosition else { break }
            record(firstEntry, term: Int(truncatingIfNeeded: first), doc: doc, position: position,
                   touched: &touchedBase, touchedCount: &touchedUsed)
            record(secondEntry, term: Int(truncatingIfNeeded: second), doc: doc, position: position,
                   touched: &touchedBase, touchedCount: &touchedUsed)
            index &+= 1
        }
        return index
    }

    /// One occurrence for `addOccurrencePairs`, whose position is known not to be below the term's last
    /// one in `doc`, with the touched list in the caller's locals (`self`'s are brought up to date only
    /// when it grows). The same bytes, entry and touched-list changes as `addOccurrence`.
    @inline(__always)
    private func record(_ entry: UnsafeMutablePointer<Entry>, term: Int, doc: UInt32, position: UInt32,
                        touched: inout UnsafeMutablePointer<TouchedTerm>?, touchedCount: inout Int) {
        let lastDoc = entry.pointee.lastDoc
        let streamCount = entry.pointee.count
        if lastDoc != doc {
            let out = room(entry, term: term, extra: 11)
            var length = Self.writeVarint(lastDoc == .max ? doc : doc &- lastDoc, to: out)
            if touchedCount == touchedCapacity {
                self.touchedCount = touchedCount
                growTouched()
                touched = self.touched
            }
            touched?[touchedCount] = TouchedTerm(term: term, streamCount: streamCount,
                                                 frequencyOffset: streamCount &+ length, previousLastDoc: lastDoc)
            touchedCount &+= 1
            out[length] = 1
            length &+= 1
            length &+= Self.writeVarint(position, to: out + length)
            entry.pointee.count = streamCount &+ length
            entry.pointee.lastDoc = doc
            entry.pointee.lastPosition = position
            entry.pointee.frequency = 1
            return
        }
        let last = entry.pointee.lastPosition
        guard position != last else { return }  // the same key twice at one position counts once
        let out = room(entry, term: term, extra: 5)
        entry.pointee.count = streamCount &+ Self.writeVarint(position &- last, to: out)
        entry.pointee.lastPosition = position
        entry.pointee.frequency &+= 1
    }

    /// `reserve` for the entry at hand: its fast path inline, growth out of line.
    @inline(__always)
    private func room(_ entry: UnsafeMutablePointer<Entry>, term: Int, extra: Int) -> UnsafeMutablePointer<UInt8> {
        let count = entry.pointee.count
        if count &+ extra <= entry.pointee.capacity, let base = entry.pointee.base { return base + count }
        return grow(term, extra: extra)
    }

    @inline(never)
    private func grow(_ term: Int, extra: Int) -> UnsafeMutablePointer<UInt8> {
        reserve(term, extra: extra)
    }

    /// The terms `addOccurrence` met since `forgetTouchedTerms()`, in order.
    var touchedTerms: UnsafeBufferPointer<TouchedTerm> { UnsafeBufferPointer(start: touched, count: touchedCount) }

    /// Empties `touchedTerms` (the document was finished or undone).
    func forgetTouchedTerms() { touchedCount = 0 }

    private func growTouched() {
        let capacity = Swift.max(64, 2 * touchedCapacity)
        guard let grown = realloc(touched, capacity * MemoryLayout<TouchedTerm>.stride) else { fatalAllocationFailure() }
        touched = grown.assumingMemoryBound(to: TouchedTerm.self)
        heapBytes += (capacity - touchedCapacity) * MemoryLayout<TouchedTerm>.stride
        touchedCapacity = capacity
    }

    /// Ends the current document for the direct path: writes each touched term's frequency into its
    /// placeholder byte (moving the positions up when it takes more than one byte, which is rare), then
    /// empties `touchedTerms`. Here rather than in `SegmentBuffer` so that the table is read once, not
    /// unwrapped per call for each touched term.
    func finishTouchedTerms() {
        guard let table, let touched else {
            touchedCount = 0
            return
        }
        for index in 0..<touchedCount {
            let record = touched[index]
            let entry = table + record.term
            let frequency = entry.pointee.frequency
            if frequency < 0x80, let base = entry.pointee.base {
                base[record.frequencyOffset] = UInt8(truncatingIfNeeded: frequency)
                continue
            }
            var size = 1
            while frequency >> (7 * size) != 0 { size += 1 }
            let tail = entry.pointee.count - record.frequencyOffset - 1
            _ = reserve(record.term, extra: size - 1)
            guard let base = entry.pointee.base else { continue }
            (base + record.frequencyOffset + size).update(from: base + record.frequencyOffset + 1, count: tail)
            _ = SegmentBuffer.writeVarint(frequency, to: base, at: record.frequencyOffset)
            entry.pointee.count += size - 1
        }
        touchedCount = 0
    }

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
        if exactly, entry.isMalloced, let base = entry.base, MallocBlock.usableBytes(base) >= capacity {
            // Room left by an earlier exact reservation's headroom (below): no realloc, no copy.
            heapBytes += capacity - entry.capacity
            table[term].capacity = capacity
            return base + entry.count
        }
        let base: UnsafeMutablePointer<UInt8>
        if !entry.isMalloced && capacity <= StreamSlots.largestSlot
            && (!exactly || entry.base != nil && StreamSlots.sameSlot(entry.capacity, capacity)) {
            base = slots.resize(entry.base, count: entry.count, oldCapacity: entry.capacity, newCapacity: capacity)
        } else {
            // Large streams and exact sizes (segments joined on the writer's thread, whose every append
            // would leave the last size's slot unused) are malloc blocks, grown by `realloc`.
            base = mallocResize(entry, to: capacity, room: exactly ? Self.exactRoom(capacity) : capacity)
            table[term].isMalloced = true
        }
        // The capacity asked for, not the slot's: the same growth, the same estimate and so the same
        // flush decisions as when each stream was a malloc block of that size.
        heapBytes += capacity - entry.capacity
        table[term].base = base
        table[term].capacity = capacity
        return base + entry.count
    }

    /// `entry`'s stream in a malloc block of `capacity` bytes (`room` ≥ `capacity` of them allocated):
    /// reallocated, or copied out of its slot.
    private func mallocResize(_ entry: Entry, to capacity: Int, room: Int) -> UnsafeMutablePointer<UInt8> {
        if entry.isMalloced || entry.base == nil {
            guard let grown = realloc(entry.base, Swift.max(1, room)) else { fatalAllocationFailure() }
            return grown.assumingMemoryBound(to: UInt8.self)
        }
        guard let moved = malloc(Swift.max(1, room)), let base = entry.base else { fatalAllocationFailure() }
        moved.copyMemory(from: base, byteCount: entry.count)
        slots.deallocate(base, capacity: entry.capacity)
        return moved.assumingMemoryBound(to: UInt8.self)
    }

    /// Starts loading `term`'s entry in the table (a hint, before `prefetchStream` or `prefetchForDecoding`).
    @inline(__always)
    func prefetchEntry(_ term: Int) {
        guard let table, term < count else { return }
        vs_prefetch_for_write(table + term)
    }

    /// Starts loading the start of `term`'s stream, its malloc block header (8 bytes before it, read by
    /// `malloc_usable_size` and `realloc`) and its end (a hint; the entry is best cached by then).
    @inline(__always)
    func prefetchStream(_ term: Int) {
        guard let table, term < count, let start = table[term].base else { return }
        if table[term].isMalloced { vs_prefetch_for_write(start - 8) }
        vs_prefetch_for_write(start)
        vs_prefetch_for_write(start + table[term].count)
    }

    /// Starts loading the first bytes of `term`'s stream (a hint; the entry is best cached by then).
    @inline(__always)
    func prefetchForDecoding(_ term: Int) {
        guard let table, term < count, let start = table[term].base else { return }
        vs_prefetch_for_read(start)
        vs_prefetch_for_read(start + 64)
    }

    /// Makes `written` bytes written after `reserve` part of the stream.
    @inline(__always)
    func commit(_ term: Int, written: Int) {
        table?[term].count += written
    }

    /// Undoes a document's `addOccurrence` calls: the stream back to its first `count` bytes (capacity
    /// is kept) and its last document to `lastDoc`.
    func truncate(_ term: Int, to count: Int, lastDoc: UInt32) {
        guard let table, count <= table[term].count else { return }
        table[term].count = count
        table[term].lastDoc = lastDoc
    }

    /// Appends `bytes` to `term`'s stream.
    func append(_ term: Int, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(term, extra: bytes.count).update(from: source, count: bytes.count)
        commit(term, written: bytes.count)
    }

    /// A copy in memory the calling thread allocates, each stream with its capacity (so `heapBytes`, and
    /// the memory plan's decisions, stay the same). Parallel indexing starts the segment it assembles
    /// from a worker's builder: grown in place, its streams stayed in the worker's malloc arena, and
    /// every later append's `realloc` waited on that arena's lock while the worker allocated.
    func copiedHere() -> TermStreams {
        let copy = TermStreams()
        if let table, tableCapacity > 0 {
            guard let raw = malloc(tableCapacity * MemoryLayout<Entry>.stride) else { fatalAllocationFailure() }
            let entries = raw.bindMemory(to: Entry.self, capacity: tableCapacity)
            entries.initialize(from: table, count: count)
            // Malloc blocks, as the segment's later appends reserve exact sizes (see `reserve`).
            for term in 0..<count {
                guard let base = table[term].base else { continue }
                guard let fresh = malloc(Swift.max(1, table[term].capacity)) else { fatalAllocationFailure() }
                fresh.copyMemory(from: base, byteCount: table[term].count)
                entries[term].base = fresh.assumingMemoryBound(to: UInt8.self)
                entries[term].isMalloced = true
            }
            copy.table = entries
            copy.tableCapacity = tableCapacity
            copy.count = count
        }
        if let touched, touchedCapacity > 0 {
            guard let raw = malloc(touchedCapacity * MemoryLayout<TouchedTerm>.stride) else { fatalAllocationFailure() }
            copy.touched = raw.bindMemory(to: TouchedTerm.self, capacity: touchedCapacity)
            copy.touched?.initialize(from: touched, count: touchedCount)
            copy.touchedCapacity = touchedCapacity
            copy.touchedCount = touchedCount
        }
        copy.heapBytes = heapBytes
        return copy
    }

    /// `term`'s stream; valid until the stream next grows.
    func bytes(_ term: Int) -> UnsafeBufferPointer<UInt8> {
        guard let entry = table?[term] else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: entry.base, count: entry.count)
    }

    /// Frees `term`'s stream, leaving it empty: serialisation consumes a builder's streams term by
    /// term so that the encoded postings replace them instead of adding to them (the peak of a flush).
    /// Several threads may release distinct terms at once; `recountHeapBytes()` updates `heapBytes` afterwards.
    /// The memory is not reused (`StreamSlots.discard`): only for a builder being consumed.
    func release(_ term: Int) {
        guard let table else { return }
        if let base = table[term].base {
            if table[term].isMalloced { free(base) } else { slots.discard(base, capacity: table[term].capacity) }
        }
        table[term].base = nil
        table[term].isMalloced = false
        (table[term].count, table[term].capacity) = (0, 0)
    }

    /// Recomputes `heapBytes` after `release` calls.
    func recountHeapBytes() {
        var bytes = tableCapacity * MemoryLayout<Entry>.stride + touchedCapacity * MemoryLayout<TouchedTerm>.stride
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
