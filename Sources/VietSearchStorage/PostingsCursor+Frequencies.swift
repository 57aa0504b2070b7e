/// Reading term frequencies (FORMAT.md, "Postings"): a full block's frequencies stay bit-packed until a
/// caller wants them (a cursor leapfrogging through a conjunction or phrase reads most blocks for their
/// doc ids alone); the first read of a block takes one value from the packed bits, the second unpacks it.
extension PostingsCursor {
    /// Term frequency in the current document.
    package var termFrequency: UInt32 {
        guard indexInBlock >= 0 && indexInBlock < blockLength else { return 0 }
        guard packedFrequencies >= 0 else { return frequencies[indexInBlock] }
        // Not unpacked yet: read the one value (this getter cannot unpack the block).
        let width = packedFrequencyWidth
        let source = rawBytes(packedFrequencies, count: BitPacking.byteCount(count: PostingsWriter.blockSize, width: width))
        return (BitPacking.value(at: indexInBlock, width: width, in: source) ?? 0) &+ 1
    }

    /// `termFrequency` for a cursor held in a class property: a mutating call accesses it in place, where
    /// the getter made Swift copy the whole cursor (three retains and releases) per scored document.
    /// Inlinable, as `nextDoc`.
    /// Public for cross-module inlining, as `PostingsCursor.nextDoc`.
    @inlinable @inline(__always)
    public mutating func currentFrequency() -> UInt32 {
        if packedFrequencies < 0 && indexInBlock >= 0 && indexInBlock < blockLength { return frequencies[indexInBlock] }
        return slowCurrentFrequency()
    }

    /// `currentFrequency` on the first read of a block's frequencies, or off a document.
    @usableFromInline
    mutating func slowCurrentFrequency() -> UInt32 {
        guard indexInBlock >= 0 && indexInBlock < blockLength else { return 0 }
        if packedFrequencies >= 0 {
            if !readOnePackedFrequency {
                readOnePackedFrequency = true
                return termFrequency
            }
            unpackFrequencies()
        }
        return frequencies[indexInBlock]
    }

    /// Unpacks the current block's frequencies, left packed by `load` until a caller wants one (a cursor
    /// leapfrogging through a conjunction or phrase reads most blocks for their doc ids alone).
    mutating func unpackFrequencies() {
        let width = packedFrequencyWidth
        let source = rawBytes(packedFrequencies, count: Swift.min(postingsEnd, bytes.count) - packedFrequencies)
        packedFrequencies = -1
        frequencies.withUnsafeMutableBufferPointer { values in
            // `load` checked that the bytes exist and that width < 32 (no value overflows when incremented).
            guard let base = values.baseAddress,
                  BitPacking.unpack(source, count: PostingsWriter.blockSize, width: width, into: base) else { return }
            for slot in 0..<PostingsWriter.blockSize { base[slot] &+= 1 }
        }
    }

    /// `count` mapped bytes from `offset` (empty when there are none); callers have bounds-checked them.
    func rawBytes(_ offset: Int, count: Int) -> UnsafeRawBufferPointer {
        guard let base = bytes.base, offset >= 0, count > 0, offset + count <= bytes.count else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        return UnsafeRawBufferPointer(start: base + offset, count: count)
    }
}
