import CBitUnpack

/// The two-key leapfrog's candidates a block pair at a time. On dense lists (each key in 20–60% of the
/// documents) the leapfrog's "is the other cursor on this document" branch goes either way at random, and
/// its mispredictions, with the scans' load-compare chains, were a third of the lazy three-key join's time
/// (perf, session 19–20). Once the leapfrog has found a candidate, the common ids of the two cursors' loaded
/// blocks past it are listed at once by a branch-free SIMD intersection (`vs_intersect_slots`), and the next
/// calls hand them out: a candidate is then two loads and two stores, with no branch on the data. The
/// list lives in the caller's map memory after the position stamps (`phraseStampBytes`), so a phrase
/// scorer keeps it from one match to the next; it is used only while both cursors are still in the blocks
/// it was made from.
extension PostingsCursor {
    /// Where the batch starts in the stamps map (8-byte aligned, after the stamp bytes).
    static let candidateBatchOffset = (Int(phraseStampLimit) + 3 + 7) & ~7

    /// Byte layout of the batch: the identity of the blocks it was made from (both cursors' term offsets and
    /// block numbers), the next entry and the entry count, the first document the batch did not cover, then
    /// the slot lists (room for a block's 128 slots and the kernel's 4-byte stores).
    enum CandidateBatchLayout {
        static let leadTerm = 0, otherTerm = 8, leadBlock = 16, otherBlock = 24, next = 32, count = 36, resume = 40
        /// 1 while the batch holds a listing (zeroed memory: none).
        static let valid = 44
        /// The lead's slot of the last candidate handed out (or the one the listing started after).
        static let anchor = 48
        static let leadSlots = 56, otherSlots = leadSlots + slotRoom
        static let slotRoom = PostingsWriter.blockSize + 4
        static let byteCount = otherSlots + slotRoom
    }

    /// Whether the two cursors' densities are close enough for a batch to pay: the intersection reads every
    /// id of both blocks, the leapfrog only as many of the denser list's as its scans step over. `lead` is
    /// the rarer list. Measured (pinned CPU and `took_us` p50, the 400 harness phrases): a ratio of 8 was a
    /// little better than 4, 16 or none; leaving out dense other lists (in ≥ 3/4 or ≥ 7/8 of the documents,
    /// where the leapfrog's branch is mostly taken) was worse, by 1–3%.
    @inline(__always)
    static func batchesCandidates(lead: UnsafeMutablePointer<PostingsCursor>, other: UnsafeMutablePointer<PostingsCursor>) -> Bool {
        other.pointee.documentFrequency <= lead.pointee.documentFrequency &* 8
    }

    /// `nextCommonDoc(_:_:atOrAfter:)` with the candidates of the current block pair listed once
    /// (`batch`: the caller's stamps map at `candidateBatchOffset`, zeroed before its first use, kept between
    /// calls on the same cursors; nil: the plain leapfrog). The same answer, and the cursors end on it as there.
    /// One copy of the leapfrog, for both cases: with two, the compiler called this function out of line.
    @inline(__always)
    static func nextCommonDoc(_ lead: UnsafeMutablePointer<PostingsCursor>, _ other: UnsafeMutablePointer<PostingsCursor>,
                              atOrAfter target: UInt32, batch: UnsafeMutableRawPointer?) throws -> UInt32 {
        var goal = target
        if let batch {
            let listed = listedCandidate(lead, other, atOrAfter: target, batch: batch)
            if listed.doc != noMoreDocs { return listed.doc }
            guard listed.resume != noMoreDocs else { return noMoreDocs }
            goal = listed.resume
        }
        let doc = try nextCommonDoc(lead, other, atOrAfter: goal)
        if let batch, doc != noMoreDocs, batchesCandidates(lead: lead, other: other) {
            listCandidates(after: lead, other, into: batch)
        }
        return doc
    }

    /// The first listed candidate ≥ `target` (the cursors moved onto it), or `noMoreDocs` and where the
    /// leapfrog resumes: `target`, or past the listed blocks when the listing is used up.
    @inline(__always)
    static func listedCandidate(_ lead: UnsafeMutablePointer<PostingsCursor>, _ other: UnsafeMutablePointer<PostingsCursor>,
                                atOrAfter target: UInt32, batch: UnsafeMutableRawPointer) -> (doc: UInt32, resume: UInt32) {
        typealias L = CandidateBatchLayout
        guard batch.loadUnaligned(fromByteOffset: L.valid, as: Int32.self) == 1 else { return (noMoreDocs, target) }
        var goal = target
        let count = Int(batch.loadUnaligned(fromByteOffset: L.count, as: Int32.self))
        var next = Int(batch.loadUnaligned(fromByteOffset: L.next, as: Int32.self))
        // Made from these cursors' current blocks? (The pruning phase and the lazy join's last key may have
        // moved them; a cursor on another block, or another list, invalidates the batch.)
        if batch.loadUnaligned(fromByteOffset: L.leadBlock, as: Int.self) == lead.pointee.block,
           batch.loadUnaligned(fromByteOffset: L.otherBlock, as: Int.self) == other.pointee.block,
           batch.loadUnaligned(fromByteOffset: L.leadTerm, as: Int.self) == lead.pointee.skipTable,
           batch.loadUnaligned(fromByteOffset: L.otherTerm, as: Int.self) == other.pointee.skipTable,
           // Not moved back before the last candidate handed out (a rewound cursor).
           Int(batch.loadUnaligned(fromByteOffset: L.anchor, as: Int32.self)) <= lead.pointee.indexInBlock {
            let leadFloor = lead.pointee.indexInBlock, otherFloor = other.pointee.indexInBlock
            var stale = false
            let found: (doc: UInt32, leadSlot: Int, otherSlot: Int) = lead.pointee.docs.withUnsafeBufferPointer { leadIDs in
                other.pointee.docs.withUnsafeBufferPointer { otherIDs in
                    while next < count {
                        let leadSlot = Int(batch.load(fromByteOffset: L.leadSlots + next, as: UInt8.self))
                        let otherSlot = Int(batch.load(fromByteOffset: L.otherSlots + next, as: UInt8.self))
                        next &+= 1
                        let doc = leadIDs[leadSlot]
                        // Entries before the goal or behind a cursor are skipped (cursors never move back).
                        guard doc >= goal, leadSlot >= leadFloor, otherSlot >= otherFloor else { continue }
                        // A batch from other lists with the same offsets and blocks would fail here.
                        guard otherIDs[otherSlot] == doc else {
                            stale = true
                            return (noMoreDocs, 0, 0)
                        }
                        if let deletions = lead.pointee.deletions, deletions.contains(doc) { continue }
                        return (doc, leadSlot, otherSlot)
                    }
                    return (noMoreDocs, 0, 0)
                }
            }
            batch.storeBytes(of: Int32(truncatingIfNeeded: next), toByteOffset: L.next, as: Int32.self)
            if found.doc != noMoreDocs {
                batch.storeBytes(of: Int32(truncatingIfNeeded: found.leadSlot), toByteOffset: L.anchor, as: Int32.self)
                lead.pointee.indexInBlock = found.leadSlot
                lead.pointee.doc = found.doc
                other.pointee.indexInBlock = found.otherSlot
                other.pointee.doc = found.doc
                return (found.doc, target)
            }
            // Every common document up to the end of either block was listed: resume past it.
            let resume = batch.loadUnaligned(fromByteOffset: L.resume, as: UInt32.self)
            if !stale && resume > goal { goal = resume }
        }
        batch.storeBytes(of: Int32(0), toByteOffset: L.valid, as: Int32.self)
        return (noMoreDocs, goal)
    }

    /// Lists the common documents of the two cursors' loaded blocks after the ones they are on (a candidate)
    /// into `batch`, when both blocks have enough ids left for the listing to pay.
    @inline(never)
    static func listCandidates(after lead: UnsafeMutablePointer<PostingsCursor>, _ other: UnsafeMutablePointer<PostingsCursor>,
                               into batch: UnsafeMutableRawPointer) {
        typealias L = CandidateBatchLayout
        let leadStart = lead.pointee.indexInBlock &+ 1, otherStart = other.pointee.indexInBlock &+ 1
        let leadLength = lead.pointee.blockLength, otherLength = other.pointee.blockLength
        guard leadLength &- leadStart >= 8, otherLength &- otherStart >= 8 else { return }
        let count = lead.pointee.docs.withUnsafeBufferPointer { leadIDs in
            other.pointee.docs.withUnsafeBufferPointer { otherIDs in
                // The kernel reads up to 3 ids past a block's end: the buffers hold `scanPadding` more.
                precondition(leadLength &+ 3 <= leadIDs.count && otherLength &+ 3 <= otherIDs.count
                             && leadLength <= L.slotRoom - 4 && otherLength <= L.slotRoom - 4)
                return vs_intersect_slots(leadIDs.baseAddress!, leadStart, leadLength, otherIDs.baseAddress!, otherStart,
                                          otherLength, (batch + L.leadSlots).assumingMemoryBound(to: UInt8.self),
                                          (batch + L.otherSlots).assumingMemoryBound(to: UInt8.self))
            }
        }
        let resume = Swift.min(lead.pointee.skipEntry.lastDoc, other.pointee.skipEntry.lastDoc)
        batch.storeBytes(of: lead.pointee.skipTable, toByteOffset: L.leadTerm, as: Int.self)
        batch.storeBytes(of: other.pointee.skipTable, toByteOffset: L.otherTerm, as: Int.self)
        batch.storeBytes(of: lead.pointee.block, toByteOffset: L.leadBlock, as: Int.self)
        batch.storeBytes(of: other.pointee.block, toByteOffset: L.otherBlock, as: Int.self)
        batch.storeBytes(of: Int32(0), toByteOffset: L.next, as: Int32.self)
        batch.storeBytes(of: Int32(truncatingIfNeeded: count), toByteOffset: L.count, as: Int32.self)
        batch.storeBytes(of: resume == noMoreDocs ? noMoreDocs : resume &+ 1, toByteOffset: L.resume, as: UInt32.self)
        batch.storeBytes(of: Int32(truncatingIfNeeded: lead.pointee.indexInBlock), toByteOffset: L.anchor, as: Int32.self)
        batch.storeBytes(of: Int32(1), toByteOffset: L.valid, as: Int32.self)
    }
}
