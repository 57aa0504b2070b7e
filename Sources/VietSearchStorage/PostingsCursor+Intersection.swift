/// Leapfrog intersection of a segment's cursors (a phrase's keys): the documents holding every term.
/// Kept in the storage module so that a step within a decoded block is a plain loop over its doc ids;
/// driving the leapfrog from the query module cost a cross-module `nextDoc`/`advance(to:)` call, a
/// deletion check and a skip-table look-up per step (~150 instructions), for lists where most steps
/// move one or two documents.
extension PostingsCursor {
    /// Moves the cursors to the first live document ≥ `target` that all of them hold and returns it, or
    /// `noMoreDocs`. `order` lists the `count` cursors to try, rarest first (the leapfrog's lead); every
    /// cursor must have moved at least once and all must read the same segment (same deletions). Cursors
    /// not on the returned document are somewhere at or before it (possibly on a deleted document).
    package static func nextCommonDoc(_ cursors: UnsafeMutablePointer<PostingsCursor>, order: UnsafePointer<Int>, count: Int,
                                      atOrAfter target: UInt32) throws -> UInt32 {
        guard count > 0 else { return noMoreDocs }
        var goal = target
        while true {
            var agreeing = 0
            var rank = 0
            while agreeing < count {
                let current = try cursors[order[rank]].storedDoc(atLeast: goal)
                if current == noMoreDocs { return current }
                if current == goal {
                    agreeing += 1
                } else {
                    goal = current
                    agreeing = 1
                }
                rank = rank + 1 == count ? 0 : rank + 1
            }
            guard let deletions = cursors[0].deletions, deletions.contains(goal) else { return goal }
            guard goal < noMoreDocs - 1 else { return noMoreDocs }
            goal += 1
        }
    }

    /// `nextCommonDoc` for two cursors (`lead` the rarer), without the general loop's rank bookkeeping.
    @inline(__always)
    static func nextCommonDoc(_ lead: UnsafeMutablePointer<PostingsCursor>, _ other: UnsafeMutablePointer<PostingsCursor>,
                              atOrAfter target: UInt32) throws -> UInt32 {
        var goal = target
        while true {
            let doc = try lead.pointee.storedDoc(atLeast: goal)
            guard doc != noMoreDocs else { return doc }
            let found = try other.pointee.storedDoc(atLeast: doc)
            if found != doc {
                guard found != noMoreDocs else { return found }
                goal = found
                continue
            }
            guard let deletions = lead.pointee.deletions, deletions.contains(doc) else { return doc }
            guard doc < noMoreDocs - 1 else { return noMoreDocs }
            goal = doc + 1
        }
    }

    /// `nextCommonDoc` for three cursors, rarest first.
    @inline(__always)
    static func nextCommonDoc(_ lead: UnsafeMutablePointer<PostingsCursor>, _ second: UnsafeMutablePointer<PostingsCursor>,
                              _ third: UnsafeMutablePointer<PostingsCursor>, atOrAfter target: UInt32) throws -> UInt32 {
        var goal = target
        while true {
            let doc = try lead.pointee.storedDoc(atLeast: goal)
            guard doc != noMoreDocs else { return doc }
            let found = try second.pointee.storedDoc(atLeast: doc)
            if found != doc {
                guard found != noMoreDocs else { return found }
                goal = found
                continue
            }
            let last = try third.pointee.storedDoc(atLeast: doc)
            if last != doc {
                guard last != noMoreDocs else { return last }
                goal = last
                continue
            }
            guard let deletions = lead.pointee.deletions, deletions.contains(doc) else { return doc }
            guard doc < noMoreDocs - 1 else { return noMoreDocs }
            goal = doc + 1
        }
    }

    /// Ids past a block's end in `docs`, all `UInt32.max`, so that `scanWindow` ids can be read from any
    /// slot of a block.
    static let scanPadding = 8
    /// Ids compared per step of the counting scan.
    static let scanWindow = 4

    /// The first document of the list ≥ `goal`, deleted or not. A goal inside the decoded block is found by
    /// scanning its doc ids (dense lists: a few slots ahead); otherwise `advanceStored` uses the skip table.
    /// The block's last id is `skipEntry.lastDoc` (`load` checked they agree), one load rather than the id
    /// array's buffer and then its element (this runs ~10,000 times a phrase query).
    @inline(__always)
    mutating func storedDoc(atLeast goal: UInt32) throws -> UInt32 {
        if doc >= goal && block >= 0 { return doc }
        // On a document of a loaded block (one unsigned comparison: before the first load and after the end
        // `indexInBlock` is not below `blockLength`).
        if UInt(bitPattern: indexInBlock) < UInt(bitPattern: blockLength) && skipEntry.lastDoc >= goal {
            // The scan stops at the last id at the latest; the current one is below the goal (checked above).
            let found: (slot: Int, doc: UInt32) = docs.withUnsafeBufferPointer { ids in
                let slot = Self.firstSlot(in: ids, from: indexInBlock + 1, notBelow: goal)
                return (slot, ids[slot])
            }
            indexInBlock = found.slot
            doc = found.doc
            return doc
        }
        return try advanceStored(to: goal)
    }

    /// The first slot at or after `from` whose id is ≥ `goal`, in ascending `ids` that hold such an id at or
    /// after `from` and are followed by `scanPadding` ids of `UInt32.max`. The ids below the goal are
    /// counted four at a time (a compare and add each, no branch), so the loop's exit, which went either
    /// way on dense lists where the goal is one to three slots ahead, is taken once per call in most calls.
    @inline(__always)
    static func firstSlot(in ids: UnsafeBufferPointer<UInt32>, from: Int, notBelow goal: UInt32) -> Int {
        var slot = from
        while true {
            // Ascending ids: the count of ids below the goal in the window is the goal's offset in it.
            let below = (ids[slot] < goal ? 1 : 0) &+ (ids[slot &+ 1] < goal ? 1 : 0)
                &+ (ids[slot &+ 2] < goal ? 1 : 0) &+ (ids[slot &+ 3] < goal ? 1 : 0)
            slot &+= below
            if below < scanWindow { return slot }
        }
    }
}
