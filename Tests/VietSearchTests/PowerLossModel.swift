import VietSearchStorage
import VietSearchTestSupport

/// The directory a power cut could leave, built from a prefix of a `FileSystemJournal`.
///
/// The model (POSIX fsync semantics, stricter than ext4's ordered journal):
/// - A file's data is durable once the file is fsynced. Data written since its last fsync may be lost
///   (the last fsynced content remains: nothing for a new file), kept whole, or kept in part: a prefix
///   (a torn write) or its length with the tail zeroed (size updated, blocks never written).
/// - A create, rename or unlink is durable once the directory is fsynced. Each one made since the last
///   directory fsync may independently be lost or kept, in any combination, whatever its order: nothing
///   orders a rename after the creates before it.
/// - A merge's intermediate spool files (`merge-*.tmp`, written outside the backend, never named by a
///   manifest) are not journaled: a random state may hold one with arbitrary bytes.
/// - A rename is atomic: a kept rename moves the inode, a lost one leaves the old name. A file's data and
///   its directory entry are independent: a kept entry may name a file whose unsynced data was lost.
/// It does not model a disk that acknowledges an fsync it has not done, nor damage to fsynced data.
struct PowerLossModel {
    /// How the effects pending at the cut survive.
    enum Choice: CaseIterable {
        /// Every pending directory change and all unsynced data lost.
        case nothingPending
        /// Everything kept: what a killed process (not a power cut) leaves.
        case everythingKept
        /// Every directory change kept, all unsynced data lost (the "zero-length file after rename" case).
        case metadataWithoutData
        /// Each directory change kept or lost at random; each unsynced file lost, kept, torn or zero-tailed;
        /// sometimes a leftover spool file.
        case random
    }

    private enum NameChange {
        case link(String, inode: Int)
        case rename(String, to: String, inode: Int)
        case unlink(String, inode: Int)
    }

    private struct Inode {
        /// The content as of the last fsync.
        var synced: [UInt8] = []
        /// The content written since, if any.
        var unsynced: [UInt8]?
    }

    private let initial: [String: [UInt8]]
    let effects: [FileSystemJournal.Effect]

    /// `initial`: the directory's files when the journal started, all durable.
    init(initial: [String: [UInt8]], effects: [FileSystemJournal.Effect]) {
        self.initial = initial
        self.effects = effects
    }

    /// The files (name → bytes) a power cut after `effects[0..<cut]` may leave, under `choice`.
    func crashState(after cut: Int, choice: Choice, random: inout SeededGenerator) -> [String: [UInt8]] {
        var inodes: [Inode] = []
        var live: [String: Int] = [:]
        for (name, bytes) in initial.sorted(by: { $0.key < $1.key }) {
            live[name] = inodes.count
            inodes.append(Inode(synced: bytes))
        }
        var durable = live
        var pending: [NameChange] = []
        for effect in effects.prefix(cut) {
            switch effect {
            case .create(let name):
                if let inode = live[name] {
                    inodes[inode].unsynced = []
                } else {
                    live[name] = inodes.count
                    pending.append(.link(name, inode: inodes.count))
                    inodes.append(Inode())
                }
            case .write(let name, let bytes):
                if let inode = live[name] { inodes[inode].unsynced = bytes }
            case .fsync(let name):
                if let inode = live[name], let bytes = inodes[inode].unsynced {
                    inodes[inode] = Inode(synced: bytes)
                }
            case .rename(let from, let to):
                if let inode = live.removeValue(forKey: from) {
                    live[to] = inode
                    pending.append(.rename(from, to: to, inode: inode))
                }
            case .unlink(let name):
                if let inode = live.removeValue(forKey: name) { pending.append(.unlink(name, inode: inode)) }
            case .fsyncDirectory:
                durable = live
                pending = []
            }
        }

        var names = durable
        for change in pending where Self.keeps(choice, &random) {
            switch change {
            case .link(let name, let inode):
                names[name] = inode
            case .rename(let from, let to, let inode):
                names[to] = inode
                if names[from] == inode { names[from] = nil }
            case .unlink(let name, let inode):
                if names[name] == inode { names[name] = nil }
            }
        }
        var files = names.mapValues { Self.content(of: inodes[$0], choice, &random) }
        if choice == .random && random.next(below: 4) == 0 {
            // A merge's intermediate spool files are not journaled; one left by the cut may hold anything.
            files["merge-\(random.next(below: 1000))-postings.tmp"] = (0..<random.next(below: 64)).map { _ in UInt8(random.next(below: 256)) }
        }
        return files
    }

    private static func keeps(_ choice: Choice, _ random: inout SeededGenerator) -> Bool {
        switch choice {
        case .nothingPending: false
        case .everythingKept, .metadataWithoutData: true
        case .random: random.next(below: 2) == 0
        }
    }

    private static func content(of inode: Inode, _ choice: Choice, _ random: inout SeededGenerator) -> [UInt8] {
        guard let unsynced = inode.unsynced else { return inode.synced }
        switch choice {
        case .nothingPending, .metadataWithoutData:
            return inode.synced
        case .everythingKept:
            return unsynced
        case .random:
            switch random.next(below: 4) {
            case 0: return inode.synced
            case 1: return unsynced
            case 2: return Array(unsynced.prefix(random.next(below: unsynced.count + 1)))
            default:
                let kept = random.next(below: unsynced.count + 1)
                return Array(unsynced.prefix(kept)) + [UInt8](repeating: 0, count: unsynced.count - kept)
            }
        }
    }
}
