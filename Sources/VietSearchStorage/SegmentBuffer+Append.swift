extension SegmentBuffer {
    /// Closes the stored fields' last block (and makes their dictionary decision): before serialising.
    mutating func sealStored() throws {
        try stored.seal()
    }

    /// `sealStored` if the stored-field dictionary decision is made.
    mutating func sealStoredIfDecided() throws {
        try stored.sealIfDecided()
    }

    /// Appends every document of `other` after this buffer's, as if they had been added here: field
    /// numbers are matched by name, each term's stream continues with `other`'s (only its first doc
    /// delta changes: it is absolute in `other`), stored blocks are taken compressed. Costs a hash
    /// lookup per distinct term of `other` and a copy of its streams, far less than a segment merge.
    /// Throws `.limitExceeded` (and changes nothing) if the two together have more than 255 fields.
    mutating func append(_ other: SegmentBuffer) throws {
        guard !inDocument, !other.inDocument else { throw StorageError.limitExceeded("append during a document") }
        let newNames = other.fieldNames.filter { fieldNumbers[$0] == nil }.count
        guard fieldNames.count + newNames <= SegmentBuilder.maximumFieldCount else {
            throw StorageError.limitExceeded("more than \(SegmentBuilder.maximumFieldCount) fields (joining two segments being built)")
        }
        guard documentCount + other.documentCount <= SegmentBuilder.maximumDocumentCount else {
            throw StorageError.limitExceeded("more than \(SegmentBuilder.maximumDocumentCount) documents in one segment")
        }
        try stored.append(other.stored)
        var fieldMap: [UInt8] = []
        for name in other.fieldNames { fieldMap.append(try fieldNumber(for: name)) }
        var sourceField = [Int](repeating: -1, count: fieldNames.count)
        for (index, number) in fieldMap.enumerated() { sourceField[Int(number)] = index }
        for field in 0..<fieldLengths.count {
            if sourceField[field] >= 0 {
                fieldLengths[field].append(contentsOf: other.fieldLengths[sourceField[field]])
            } else {
                fieldLengths[field].append(contentsOf: repeatElement(0, count: other.documentCount))
            }
        }
        let base = UInt32(documentCount)
        // Two passes: every term interned first (same order, so the same ids), then every stream
        // appended. Each step of a term is a chain of dependent loads missing the cache (hash slot,
        // key, stream entry, block header, stream end); with both in one long loop body the CPU
        // overlapped little of one term's misses with the next's.
        // And the loads a few terms ahead are asked for early (`prefetch…`: hints, no effect on the result).
        let termCount = other.terms.count
        let ahead = 8
        var hashes = [UInt32](repeating: 0, count: termCount)
        for term in 0..<termCount {
            let field = fieldMap[Int(other.terms.field(of: term))]
            hashes[term] = other.terms.withBytes(of: term) { TermTable.hash(field: field, bytes: $0) }
        }
        var targets = [Int](repeating: -1, count: termCount)
        for term in 0..<termCount {
            if term + ahead < termCount { terms.prefetchSlot(hash: hashes[term + ahead]) }
            guard !other.termStreams.isEmpty(term) else { continue }
            let field = fieldMap[Int(other.terms.field(of: term))]
            let hash = hashes[term]
            // In place: a copy of each key and of each head below cost two allocations per term.
            targets[term] = other.terms.withBytes(of: term) { intern(field: field, bytes: $0, hash: hash) }
        }
        for term in 0..<termCount {
            if term + 2 * ahead < termCount, targets[term + 2 * ahead] >= 0 {
                termStreams.prefetchEntry(targets[term + 2 * ahead])
            }
            if term + ahead < termCount, targets[term + ahead] >= 0 {
                termStreams.prefetchStream(targets[term + ahead])
                other.termStreams.prefetchStream(term + ahead)
            }
            guard targets[term] >= 0 else { continue }
            let source = other.termStreams.bytes(term)
            let id = targets[term]
            var firstDoc: UInt32 = 0
            var shift: UInt32 = 0
            var offset = 0
            while true {
                let byte = source[offset]
                firstDoc |= UInt32(byte & 0x7F) << shift
                offset += 1
                if byte < 0x80 { break }
                shift += 7
            }
            let doc = firstDoc + base
            var head = termStreams.isEmpty(id) ? doc : doc - termStreams.lastDoc(id)
            var headCount = 1
            while head >> (7 * headCount) != 0 && headCount < 5 { headCount += 1 }
            // Exactly what is needed: doubling left the joined segment a fifth larger than one built
            // whole, and the copy a later join makes costs less than the memory.
            let target = termStreams.reserve(id, extra: headCount + source.count - offset, exactly: true)
            for index in 0..<headCount {
                target[index] = UInt8(truncatingIfNeeded: head) & 0x7F | (index < headCount - 1 ? 0x80 : 0)
                head >>= 7
            }
            if let rest = source.baseAddress, source.count > offset {
                (target + headCount).update(from: rest + offset, count: source.count - offset)
            }
            termStreams.commit(id, written: headCount + source.count - offset)
            termStreams.setLastDoc(id, other.termStreams.lastDoc(term) + base)
        }
        idBytes.append(contentsOf: other.idBytes)
        documentCount += other.documentCount
    }
}
