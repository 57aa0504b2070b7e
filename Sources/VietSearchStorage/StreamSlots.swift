#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The memory of one `TermStreams`: slots of a few fixed sizes carved from slabs it allocates, a slot
/// given up by a growing stream kept on its size's free list for the next stream that needs that size,
/// and every slab freed together when the streams go (`TermStreams` mallocs streams larger than
/// `largestSlot`, few and rarely grown, and exact-size ones). Why: a term's stream grew by `realloc`,
/// a malloc call and its arena lock, for every doubling of every term (about 110k per worker on 10k
/// documents), and with the CLI's cap of 2 malloc arenas (`AllocatorTuning`) a worker shares its arena
/// with the writer's or the read-ahead thread, so the two waited on each other's lock thousands of
/// times in a run. A slot costs no lock and no chunk header (a 16-byte malloc takes a 32-byte chunk).
///
/// Sizes: 16, 32, ... 128 bytes, then four per doubling (160, 192, 224, 256, 320, ...) up to
/// `largestSlot`: doubling streams use the powers of two. A size whose free list is empty splits a free
/// slot of twice (or four, eight times) its size before carving new bytes. Used by one thread at a
/// time, except `discard`.
struct StreamSlots: ~Copyable {
    /// Largest slot; larger streams are malloc'd.
    static let largestSlot = 32 << 10
    /// Slab size: under the CLI's fixed mmap threshold (256 KiB), so slabs come from the allocating
    /// thread's heap and a worker's next job reuses the pages of the last one's slabs (an mmap each
    /// would fault every slab's pages in anew).
    static let slabBytes = 128 << 10
    /// Number of slot sizes (the last is `largestSlot`).
    static let classCount = sizeClass(forCapacity: largestSlot) + 1

    /// Heads of the free lists, one per size class; a free slot's first 8 bytes point to the next.
    private var freeHeads: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    /// Every slab, to free them together.
    private var slabs: UnsafeMutablePointer<UnsafeMutableRawPointer>?
    private var slabCount = 0
    private var slabCapacity = 0
    /// The unused end of the newest slab.
    private var bump: UnsafeMutableRawPointer?
    private var bumpEnd: UnsafeMutableRawPointer?

    init() {}

    deinit {
        if let slabs {
            for index in 0..<slabCount { free(slabs[index]) }
            free(slabs)
        }
        free(freeHeads)
    }

    /// Bytes of the slabs.
    var reservedBytes: Int { slabCount * Self.slabBytes }

    /// The size class of a stream of `capacity` bytes (up to `largestSlot`).
    @inline(__always)
    static func sizeClass(forCapacity capacity: Int) -> Int {
        if capacity <= 128 { return Swift.max(0, (capacity &+ 15) >> 4 &- 1) }
        let last = capacity &- 1
        let log = Int.bitWidth &- 1 &- last.leadingZeroBitCount  // 2^log <= last < 2^(log+1)
        return 8 &+ (log &- 7) &* 4 &+ ((last >> (log &- 2)) & 3)
    }

    /// Bytes of a slot of `sizeClass`.
    @inline(__always)
    static func slotBytes(ofClass sizeClass: Int) -> Int {
        if sizeClass < 8 { return (sizeClass &+ 1) << 4 }
        let log = 7 &+ (sizeClass &- 8) >> 2
        return (1 << log) &+ (((sizeClass &- 8) & 3) &+ 1) << (log &- 2)
    }

    /// True if memory for `capacity` bytes is a slot of the same size as for `other` (growing from one
    /// to the other moves nothing).
    static func sameSlot(_ capacity: Int, _ other: Int) -> Bool {
        sizeClass(forCapacity: capacity) == sizeClass(forCapacity: other)
    }

    /// A slot for a stream of `capacity` bytes (at most `largestSlot`), to give back with `deallocate`
    /// (same capacity) or move with `resize`.
    mutating func allocate(capacity: Int) -> UnsafeMutablePointer<UInt8> {
        let sizeClass = Self.sizeClass(forCapacity: capacity)
        if let heads = freeHeads {
            if let slot = heads[sizeClass] {
                heads[sizeClass] = slot.load(as: UnsafeMutableRawPointer?.self)
                return slot.assumingMemoryBound(to: UInt8.self)
            }
            if let slot = split(sizeClass, heads: heads) { return slot.assumingMemoryBound(to: UInt8.self) }
        }
        return carve(Self.slotBytes(ofClass: sizeClass)).assumingMemoryBound(to: UInt8.self)
    }

    /// Gives back a slot from `allocate(capacity:)`: it goes on its free list.
    mutating func deallocate(_ memory: UnsafeMutablePointer<UInt8>, capacity: Int) {
        push(UnsafeMutableRawPointer(memory), sizeClass: Self.sizeClass(forCapacity: capacity))
    }

    /// A slot for `newCapacity` bytes (at most `largestSlot`) holding the first `count` bytes of `memory`
    /// (nil: none yet), a slot for `oldCapacity`, which is given back unless it is returned (it fits).
    mutating func resize(_ memory: UnsafeMutablePointer<UInt8>?, count: Int, oldCapacity: Int,
                         newCapacity: Int) -> UnsafeMutablePointer<UInt8> {
        guard let memory else { return allocate(capacity: newCapacity) }
        if Self.sameSlot(oldCapacity, newCapacity) { return memory }
        let moved = allocate(capacity: newCapacity)
        moved.update(from: memory, count: Swift.min(count, newCapacity))
        deallocate(memory, capacity: oldCapacity)
        return moved
    }

    /// A free slot of `sizeClass` cut from one of twice, four or eight times its size (every such
    /// multiple of a slot size is a slot size), the other parts put on their free lists; nil if none.
    /// Doubling streams free each slot as they move to the next size up, and without this a list whose
    /// size no stream needed any more kept its slots to the end (1 thread, 10k documents: 5 MB).
    private mutating func split(_ sizeClass: Int, heads: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> UnsafeMutableRawPointer? {
        let bytes = Self.slotBytes(ofClass: sizeClass)
        var factor = 2
        while factor <= 8 && bytes * factor <= Self.largestSlot {
            let larger = Self.sizeClass(forCapacity: bytes * factor)
            if let slot = heads[larger] {
                heads[larger] = slot.load(as: UnsafeMutableRawPointer?.self)
                for part in 1..<factor { push(slot + part * bytes, sizeClass: sizeClass) }
                return slot
            }
            factor *= 2
        }
        return nil
    }

    /// Lets go of a slot for good while the streams are being consumed: its whole pages are returned to
    /// the system (its bytes become zeros; the slot is not reused). Safe from several threads at once for
    /// distinct slots: touches nothing of `self` but constants. What freeing each stream did before
    /// (malloc_trim then gave the freed pages back), so that the encoded postings of a flush take the
    /// place of its streams rather than coming on top of them.
    func discard(_ memory: UnsafeMutablePointer<UInt8>, capacity: Int) {
        let slot = Self.slotBytes(ofClass: Self.sizeClass(forCapacity: capacity))
        let page = Self.pageBytes
        guard slot >= 2 * page else { return }
        let start = (Int(bitPattern: memory) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: memory) + slot) & ~(page - 1)
        guard end > start, let pages = UnsafeMutableRawPointer(bitPattern: start) else { return }
        #if canImport(Glibc)
        _ = madvise(pages, end - start, Int32(MADV_DONTNEED))
        #endif
    }

    private static let pageBytes: Int = {
        let size = Int(sysconf(Int32(_SC_PAGESIZE)))
        return size > 0 ? size : 4096
    }()

    /// `bytes` (a slot size) from the newest slab, or a new one; the old slab's end is cut into slots
    /// for the free lists.
    private mutating func carve(_ bytes: Int) -> UnsafeMutableRawPointer {
        if let start = bump, let end = bumpEnd, end - start >= bytes {
            bump = start + bytes
            return start
        }
        if let start = bump, let end = bumpEnd { keep(start, bytes: end - start) }
        guard let slab = malloc(Self.slabBytes) else { Self.outOfMemory() }
        if slabCount == slabCapacity {
            let capacity = Swift.max(16, 2 * slabCapacity)
            guard let grown = realloc(slabs, capacity * MemoryLayout<UnsafeMutableRawPointer>.stride) else { Self.outOfMemory() }
            slabs = grown.assumingMemoryBound(to: UnsafeMutableRawPointer.self)
            slabCapacity = capacity
        }
        slabs?[slabCount] = slab
        slabCount += 1
        bump = slab + bytes
        bumpEnd = slab + Self.slabBytes
        return slab
    }

    /// Puts the `bytes` at `start` (a multiple of 16) on the free lists, largest slots first.
    private mutating func keep(_ start: UnsafeMutableRawPointer, bytes: Int) {
        var start = start
        var left = bytes
        while left >= 16 {
            var sizeClass = Self.sizeClass(forCapacity: Swift.min(left, Self.largestSlot))
            if Self.slotBytes(ofClass: sizeClass) > left { sizeClass -= 1 }
            push(start, sizeClass: sizeClass)
            start += Self.slotBytes(ofClass: sizeClass)
            left -= Self.slotBytes(ofClass: sizeClass)
        }
    }

    private mutating func push(_ slot: UnsafeMutableRawPointer, sizeClass: Int) {
        if freeHeads == nil {
            guard let heads = calloc(Self.classCount, MemoryLayout<UnsafeMutableRawPointer?>.stride) else { Self.outOfMemory() }
            freeHeads = heads.bindMemory(to: UnsafeMutableRawPointer?.self, capacity: Self.classCount)
        }
        guard let heads = freeHeads else { return }
        slot.storeBytes(of: heads[sizeClass], as: UnsafeMutableRawPointer?.self)
        heads[sizeClass] = slot
    }

    /// Out of memory: nothing sensible can continue (as when a Swift array cannot grow).
    private static func outOfMemory() -> Never {
        let message = "VietSearch: out of memory while building a segment\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        abort()
    }
}
