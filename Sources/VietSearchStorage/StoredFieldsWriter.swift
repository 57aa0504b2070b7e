import CZstd

/// Whether the stored fields of a run of documents are compressed with a dictionary, and which:
/// decided once on the first documents and shared, read-only, by every builder that is given it (the
/// parallel jobs of one output segment), so their blocks can end in one segment with one dictionary.
package final class StoredDictionaryChoice: Sendable {
    /// The zstd dictionary, or nil when none pays.
    let bytes: [UInt8]?
    let checksum: UInt32
    /// `bytes` digested for compression once, for every builder given this choice (nil: no
    /// dictionary, or zstd could not load it, which compressing then reports).
    let digested: Zstd.CompressionDictionary?

    init(bytes: [UInt8]?) {
        self.bytes = bytes
        checksum = bytes.map { CRC32.checksum($0) } ?? 0
        digested = bytes.flatMap { Zstd.CompressionDictionary($0) }
    }
}

/// Compresses documents' stored fields into ~4 KiB zstd blocks as the documents arrive (FORMAT.md,
/// "Stored fields"), so a segment being built holds its stored text compressed (about a quarter of
/// the raw bytes) instead of raw. The dictionary is trained on the first `trainingSampleBytes` of
/// documents (kept raw until then), or given by the caller.
struct StoredFieldsWriter {
    /// Raw bytes per block before compression. Every hit shown costs one block decompression, and zstd's
    /// per-frame cost (entropy tables) dominated search: measured on the 10k-doc synthetic news corpus,
    /// 4 KiB instead of 16 KiB halved top-10 latency (t1 p50 404 → 203 µs) for an 8% larger index.
    /// With a dictionary, 8 KiB blocks would save under 1% more.
    static let targetBlockSize = 4 * 1024

    /// Largest dictionary: zstd's recommended ~100 KiB. Measured on the 10k-doc synthetic corpus (4 KiB
    /// blocks, level 3): no dictionary 18.3 MB, 64 KiB 9.62 MB, 110 KiB 9.46 MB of frames.
    static let dictionaryCapacity = 110 * 1024
    /// Below this many raw bytes a segment gets no dictionary: the dictionary would cost more than it saves.
    static let minimumBytesForDictionary = 128 * 1024
    /// Raw bytes of the first documents the dictionary is trained on (1 MiB trains in ~15 ms and
    /// compresses within 2% of training on everything); they stay uncompressed until then.
    static let trainingSampleBytes = 1 << 20
    /// A huge document is sampled by its start (fastCover needs ~9 bytes of memory per sample byte).
    static let maximumSampleBytes = 16 * 1024
    /// Blocks whose savings are measured with and without the dictionary before it is kept.
    static let trialBlocks = 32
    /// Raw blocks are compressed in runs of about this many bytes: one 4 KiB block at a time, between
    /// documents' analysis, found the dictionary's match tables out of cache and took 3 times as long.
    static let compressionRunBytes = 256 * 1024

    /// Bytes of compressed frames per part of `frameParts`.
    static let framePartBytes = 1 << 20

    /// One compressed frame: where it lies in the frames (`frameParts` then `frames`, back to back), what
    /// it holds.
    struct Block {
        var firstDoc: UInt32
        var frameStart: Int
        var compressedSize: Int
        var rawSize: Int
        var checksum: UInt32
        /// Index in `dictionaries`, or -1 for none.
        var dictionary: Int
    }

    /// The dictionary decision, once made (given, or trained on the first documents).
    private(set) var choice: StoredDictionaryChoice?
    private var compressor: Zstd.Compressor?
    /// The digested dictionary the compressor uses (nil: none, or no block compressed yet).
    var compressionDictionary: Zstd.CompressionDictionary? { compressor?.digested }
    /// Index of `choice` in `dictionaries` (-1: no dictionary), set when the compressor starts.
    private var choiceIndex = -1
    /// Dictionaries the blocks use (more than one only after `append`ing writers that chose differently).
    private(set) var dictionaries: [StoredDictionaryChoice] = []
    /// Compressed frames back to back, and their entries: earlier parts (this writer's and appended
    /// writers' frames, taken as they are: copying them into one array cost a copy of every appended
    /// frame, and another at each doubling), then the part being filled.
    private var frameParts: [[UInt8]] = []
    private var frames: [UInt8] = []
    /// Bytes and capacity of `frameParts`.
    private var partBytes = 0
    private var partCapacity = 0
    private(set) var blocks: [Block] = []
    /// Closed raw blocks not compressed yet (each a RawBlock) and their first docs; before the
    /// decision, each document's StoredDoc range in `pending`, for training.
    private var pending: [UInt8] = []
    private var pendingBlocks: [(firstDoc: UInt32, range: Range<Int>)] = []
    private var pendingDocuments: [Range<Int>] = []
    /// The block being filled (a RawBlock) and its first doc.
    private var current: [UInt8] = []
    private var currentFirstDoc: UInt32 = 0
    private(set) var documentCount = 0
    /// The decision will be given (`adopt`) by another writer training on earlier documents: this one
    /// keeps its documents raw past `trainingSampleBytes` rather than train a dictionary of its own
    /// (a second dictionary in the segment, and ~15 ms of training, for nothing).
    private(set) var awaitsGivenChoice = false

    init(choice: StoredDictionaryChoice? = nil) {
        self.choice = choice
    }

    /// Leaves the dictionary decision, while it is open, to a later `adopt`.
    mutating func awaitGivenChoice() {
        if choice == nil { awaitsGivenChoice = true }
    }

    /// Takes the decision another writer made (`given`), compressing the raw blocks kept so far with it;
    /// nil (that writer made none) lets this one decide for itself again. Nothing when already decided.
    mutating func adopt(_ given: StoredDictionaryChoice?) throws {
        awaitsGivenChoice = false
        guard choice == nil, let given else { return }
        choice = given
        pendingDocuments = []
        try compressPending()
    }

    /// Appends the next document, given as a StoredDoc body (field count, name/value pairs).
    mutating func add(storedDocument body: [UInt8]) throws {
        if current.isEmpty { currentFirstDoc = UInt32(documentCount) }
        let start = current.count
        current.appendVarint(body.count)
        current.append(contentsOf: body)
        if choice == nil { pendingDocuments.append((pending.count + start)..<(pending.count + current.count)) }
        documentCount += 1
        if current.count >= Self.targetBlockSize { try closeBlock() }
    }

    /// Queues the block being filled for compression (kept raw while the dictionary is undecided).
    private mutating func closeBlock() throws {
        guard !current.isEmpty else { return }
        pendingBlocks.append((currentFirstDoc, pending.count..<(pending.count + current.count)))
        pending.append(contentsOf: current)
        current.removeAll(keepingCapacity: true)
        if choice == nil {
            if pending.count >= Self.trainingSampleBytes && !awaitsGivenChoice { try decide() }
        } else if pending.count >= Self.compressionRunBytes {
            try compressPending()
        }
    }

    private mutating func compressPending() throws {
        for block in pendingBlocks { try compress(pending[block.range], firstDoc: block.firstDoc) }
        pending.removeAll(keepingCapacity: true)
        pendingBlocks.removeAll(keepingCapacity: true)
    }

    private mutating func compress(_ raw: ArraySlice<UInt8>, firstDoc: UInt32) throws {
        if compressor == nil { try startCompressor() }
        guard let compressor else { return }
        if frames.count + raw.count + 1_024 > Self.framePartBytes && !frames.isEmpty {
            // A full part is kept as it is and the next one given its whole room at once: one array grown
            // by doubling to the segment's frames was copied, and its pages faulted in, about twice over.
            closeFramePart()
            frames.reserveCapacity(Self.framePartBytes)
        }
        let frameStart = frames.count
        try raw.withUnsafeBytes { try compressor.compress($0, appendingTo: &frames) }
        blocks.append(Block(firstDoc: firstDoc, frameStart: partBytes + frameStart, compressedSize: frames.count - frameStart,
                            rawSize: raw.count, checksum: CRC32.update(0, frames[frameStart...]),
                            dictionary: choiceIndex))
    }

    private mutating func startCompressor() throws {
        if let bytes = choice?.bytes, choice?.digested == nil {
            throw Zstd.CompressionDictionary.rejection(byteCount: bytes.count)
        }
        compressor = try Zstd.Compressor(digested: choice?.digested)
        guard let choice, choice.bytes != nil else { return }
        if let existing = dictionaries.firstIndex(where: { $0 === choice }) {
            choiceIndex = existing
        } else {
            choiceIndex = dictionaries.count
            dictionaries.append(choice)
        }
    }

    /// Trains a dictionary on the raw documents so far, keeps it if a trial shows it pays over them,
    /// and compresses the raw blocks.
    private mutating func decide() throws {
        var trained: [UInt8]?
        if pending.count >= Self.minimumBytesForDictionary {
            trained = Self.trainDictionary(raw: pending, documents: pendingDocuments)
        }
        // Digested once, for the trial and, if kept, for every builder given the choice.
        var candidate = trained.map { StoredDictionaryChoice(bytes: $0) }
        if let dictionary = trained, let candidateChoice = candidate {
            // Keep the dictionary only if a sample of blocks shows it saves clearly more than it costs
            // (text without shared phrasing gains little beyond zstd's per-frame tables).
            guard let digested = candidateChoice.digested else {
                throw Zstd.CompressionDictionary.rejection(byteCount: dictionary.count)
            }
            let plain = try Zstd.Compressor()
            let withDictionary = try Zstd.Compressor(digested: digested)
            let step = Swift.max(1, pendingBlocks.count / Self.trialBlocks)
            var sampledRaw = 0
            var saved = 0
            for block in Swift.stride(from: 0, to: pendingBlocks.count, by: step) {
                let raw = Array(pending[pendingBlocks[block].range])
                sampledRaw += raw.count
                saved += try plain.compress(raw).count - withDictionary.compress(raw).count
            }
            let projected = sampledRaw == 0 ? 0 : Double(saved) * Double(pending.count) / Double(sampledRaw)
            if projected < 1.25 * Double(dictionary.count) { candidate = nil }
        }
        choice = candidate ?? StoredDictionaryChoice(bytes: nil)
        try compressPending()
        pending = []
        pendingDocuments = []
    }

    /// A dictionary trained on each raw document (a StoredDoc, length prefix included, cut at
    /// `maximumSampleBytes`), or nil when zstd cannot train on them.
    static func trainDictionary(raw: [UInt8], documents: [Range<Int>]) -> [UInt8]? {
        var samples: [UInt8] = []
        var sizes: [Int] = []
        samples.reserveCapacity(raw.count)
        for document in documents {
            let cut = document.lowerBound..<Swift.min(document.upperBound, document.lowerBound + maximumSampleBytes)
            samples.append(contentsOf: raw[cut])
            sizes.append(cut.count)
        }
        return Zstd.trainDictionary(samples: samples, sizes: sizes, capacity: Swift.min(dictionaryCapacity, raw.count / 16))
    }

    /// Seals now if the dictionary decision is open and at least `minimumBytesForDictionary` raw bytes
    /// wait (fewer would decide "no dictionary" for every builder given the decision).
    mutating func decideIfTrainable() throws {
        guard choice == nil, !awaitsGivenChoice, pending.count + current.count >= Self.minimumBytesForDictionary else { return }
        try seal()
    }

    /// Closes the block being filled and makes the dictionary decision if it is still open, so every
    /// document is in a compressed block. Adding more documents afterwards starts a new block.
    mutating func seal() throws {
        try closeBlock()
        if choice == nil {
            try decide()
        } else {
            try compressPending()
        }
    }

    /// `seal` once the dictionary decision is made (an undecided writer keeps its raw documents for it).
    mutating func sealIfDecided() throws {
        if choice != nil { try seal() }
    }

    /// Appends every document of `other` after this writer's (both are sealed first): its frames are
    /// taken as they are, with its dictionary (shared ones, the same object, appear once).
    mutating func append(_ other: StoredFieldsWriter) throws {
        try seal()
        var other = other
        try other.seal()
        var renumbered: [Int] = []
        for dictionary in other.dictionaries {
            if let existing = dictionaries.firstIndex(where: { $0 === dictionary }) {
                renumbered.append(existing)
            } else {
                renumbered.append(dictionaries.count)
                dictionaries.append(dictionary)
            }
        }
        closeFramePart()
        let frameBase = partBytes
        let docBase = UInt32(documentCount)
        for var block in other.blocks {
            block.firstDoc += docBase
            block.frameStart += frameBase
            block.dictionary = block.dictionary < 0 ? -1 : renumbered[block.dictionary]
            blocks.append(block)
        }
        for part in other.frameParts + [other.frames] where !part.isEmpty {
            partBytes += part.count
            partCapacity += part.capacity
            frameParts.append(part)
        }
        documentCount += other.documentCount
    }

    /// Moves the frames being filled to `frameParts` (later frames start a new part).
    private mutating func closeFramePart() {
        guard !frames.isEmpty else { return }
        partBytes += frames.count
        partCapacity += frames.capacity
        frameParts.append(frames)
        frames = []
    }

    /// The StoredBlocks section as parts written back to back (dictionaries, then frames), and the
    /// StoredIndex section. Seal first.
    func sections() throws -> (blocks: [[UInt8]], index: [UInt8]) {
        var index = StoredIndexBuilder()
        var parts: [[UInt8]] = []
        for dictionary in dictionaries {
            guard let bytes = dictionary.bytes else { continue }
            _ = try index.addDictionary(length: bytes.count, checksum: dictionary.checksum)
            parts.append(bytes)
        }
        for block in blocks {
            try index.addBlock(firstDoc: block.firstDoc, compressedSize: block.compressedSize, rawSize: block.rawSize,
                               checksum: block.checksum, dictionary: UInt32(block.dictionary + 1))
        }
        parts += frameParts
        parts.append(frames)
        return (parts, index.finish())
    }

    /// Heap bytes held: frames, entries, raw bytes awaiting the decision, the block being filled and
    /// the zstd compression context (with its digested dictionary).
    var memoryBytes: Int {
        partCapacity + frames.capacity + MemoryLayout<Block>.stride * blocks.capacity + pending.capacity
            + 24 * pendingBlocks.capacity + 16 * pendingDocuments.capacity + current.capacity
            + (compressor?.memoryBytes ?? 0)
    }
}
