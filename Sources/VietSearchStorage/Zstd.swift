import CZstd
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// zstd one-shot compression of stored-field blocks.
enum Zstd {
    /// Level 3: zstd's default. With a dictionary, levels 5-7 saved 5-10% more at 2-4x the compression time
    /// (measured on the 10k-doc synthetic corpus), which indexing cannot afford.
    static let level: Int32 = 3

    /// A compression context reused across the blocks of one segment: `ZSTD_compress` would
    /// allocate and initialise a fresh one (hundreds of KiB of tables) for every block. With a
    /// dictionary, every frame is compressed against it (a digested `ZSTD_CDict`, built once) and omits
    /// the dictionary id from its header: the stored index says which dictionary a frame needs.
    final class Compressor {
        private let context: OpaquePointer?
        /// Kept alive here: the context refers to its digested tables for every frame.
        let digested: CompressionDictionary?
        private var dictionary: OpaquePointer? { digested?.digested }

        /// A compressor digesting `bytes` as its own dictionary, or with none.
        convenience init(dictionary bytes: [UInt8]? = nil) throws {
            try self.init(digested: bytes.map { bytes in
                guard let digested = CompressionDictionary(bytes) else {
                    throw CompressionDictionary.rejection(byteCount: bytes.count)
                }
                return digested
            })
        }

        /// A compressor using `dictionary`, already digested (shared with other compressors, on any
        /// thread), or none.
        init(digested dictionary: CompressionDictionary?) throws {
            context = ZSTD_createCCtx()
            digested = dictionary
            guard context != nil else {
                throw StorageError.limitExceeded("zstd could not create a compression context")
            }
        }

        deinit {
            ZSTD_freeCCtx(context)
        }

        /// Heap bytes of the context and the digested dictionary (for memory accounting; a shared
        /// dictionary is counted by each compressor using it, as when each digested its own).
        var memoryBytes: Int { ZSTD_sizeof_CCtx(context) + ZSTD_sizeof_CDict(dictionary) }

        /// Compresses `input` into a frame appended to `out` (no array per frame: a block's frame is
        /// written in place, after room for the worst case, which is then trimmed).
        func compress(_ input: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) throws {
            let bound = ZSTD_compressBound(input.count)
            let start = out.count
            if out.capacity < start + bound { out.reserveCapacity(Swift.max(start + bound, 2 * out.capacity)) }
            out.appendZeros(bound)
            let written = out.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return compress(input, into: base + start, capacity: bound)
            }
            if ZSTD_isError(written) != 0 {
                out.removeSubrange(start...)
                throw StorageError.limitExceeded("zstd compression failed: \(String(cString: ZSTD_getErrorName(written)))")
            }
            out.removeSubrange((start + written)...)
        }

        /// One frame of `input` at `destination` (zstd's result: its size or an error code).
        private func compress(_ input: UnsafeRawBufferPointer, into destination: UnsafeMutableRawPointer, capacity: Int) -> Int {
            guard let context else {
                return ZSTD_compress(destination, capacity, input.baseAddress, input.count, level)
            }
            guard let dictionary else {
                return ZSTD_compressCCtx(context, destination, capacity, input.baseAddress, input.count, level)
            }
            ZSTD_CCtx_reset(context, ZSTD_reset_session_and_parameters)
            ZSTD_CCtx_setParameter(context, ZSTD_c_dictIDFlag, 0)
            ZSTD_CCtx_refCDict(context, dictionary)
            return ZSTD_compress2(context, destination, capacity, input.baseAddress, input.count)
        }

        func compress(_ input: [UInt8]) throws -> [UInt8] {
            var output: [UInt8] = []
            try input.withUnsafeBytes { try compress($0, appendingTo: &output) }
            return output
        }
    }

    /// A digested compression dictionary (`ZSTD_CDict`, level `level`): digesting costs ~2.7 M
    /// instructions for a 110 KiB dictionary, so one is made per dictionary and shared by every
    /// compressor using it (with 2 indexing threads, each job's builder digested it again: 28 times in a
    /// 10k-document run). Immutable after init; zstd allows concurrent use of one CDict by many contexts.
    final class CompressionDictionary: @unchecked Sendable {
        fileprivate let digested: OpaquePointer

        /// nil when zstd rejects the bytes as a dictionary.
        init?(_ bytes: [UInt8]) {
            guard let digested = bytes.withUnsafeBytes({ ZSTD_createCDict($0.baseAddress, bytes.count, level) }) else {
                return nil
            }
            self.digested = digested
        }

        /// The error for a dictionary of `byteCount` bytes that zstd would not load.
        static func rejection(byteCount: Int) -> StorageError {
            StorageError.limitExceeded("zstd could not load a \(byteCount)-byte compression dictionary")
        }

        deinit { ZSTD_freeCDict(digested) }
    }

    /// A digested decompression dictionary (`ZSTD_DDict`): building it parses the dictionary's entropy
    /// tables once, so each frame decoded with it costs no more than a frame without a dictionary.
    final class DecompressionDictionary: @unchecked Sendable {
        /// Immutable after init; zstd allows concurrent use of one DDict by many contexts.
        fileprivate let digested: OpaquePointer

        /// nil when zstd rejects the bytes as a dictionary.
        init?(_ bytes: UnsafeRawBufferPointer) {
            guard let digested = ZSTD_createDDict(bytes.baseAddress, bytes.count) else { return nil }
            self.digested = digested
        }

        deinit { ZSTD_freeDDict(digested) }
    }

    /// Trains a zstd dictionary of at most `capacity` bytes on `samples` (concatenated, `sizes` each) with
    /// fastCover and fixed parameters (k 200, d 8, f 18, accel 2: measured on the 10k-doc synthetic corpus,
    /// as good as zstd's parameter search at a tenth of its time, ~15 ms per MiB of samples). Deterministic
    /// (single-threaded). nil when zstd cannot train on them (too few or too small samples).
    static func trainDictionary(samples: [UInt8], sizes: [Int], capacity: Int) -> [UInt8]? {
        guard !sizes.isEmpty, capacity >= 256 else { return nil }
        var parameters = ZDICT_fastCover_params_t()
        parameters.k = 200
        parameters.d = 8
        parameters.f = 18
        parameters.accel = 2
        parameters.steps = 1
        parameters.nbThreads = 1
        parameters.splitPoint = 1.0
        parameters.zParams.compressionLevel = level
        var dictionary = [UInt8](repeating: 0, count: capacity)
        let written = dictionary.withUnsafeMutableBytes { destination in
            samples.withUnsafeBytes { source in
                sizes.withUnsafeBufferPointer { sizes in
                    ZDICT_trainFromBuffer_fastCover(destination.baseAddress, capacity, source.baseAddress,
                                                    sizes.baseAddress, UInt32(sizes.count), parameters)
                }
            }
        }
        guard ZDICT_isError(written) == 0, written > 0 else { return nil }
        dictionary.removeSubrange(written...)
        return dictionary
    }

    /// Decompresses `source` into `destination`, which it must fill exactly; false otherwise.
    static func decompress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer,
                           dictionary: DecompressionDictionary? = nil) -> Bool {
        let rawSize = destination.count
        guard rawSize <= source.count * 32_768 + 1_024 else { return false }
        let declared = ZSTD_getFrameContentSize(source.baseAddress, source.count)
        guard declared < UInt64.max - 1, declared == UInt64(rawSize) else { return false }
        let context = takeDecompressionContext()
        defer { returnDecompressionContext(context) }
        let produced: Int
        if let context, let dictionary {
            produced = ZSTD_decompress_usingDDict(context, destination.baseAddress, rawSize, source.baseAddress,
                                                  source.count, dictionary.digested)
        } else if dictionary != nil {
            return false
        } else {
            produced = context == nil
                ? ZSTD_decompress(destination.baseAddress, rawSize, source.baseAddress, source.count)
                : ZSTD_decompressDCtx(context, destination.baseAddress, rawSize, source.baseAddress, source.count)
        }
        return ZSTD_isError(produced) == 0 && produced == rawSize
    }

    /// Idle decompression contexts shared by all threads: `ZSTD_decompress` creates and frees a ~100 KiB
    /// context on every call, which cost more than decompressing a 16 KiB block (measured: stored-field
    /// reads were a third of query time). Contexts are never freed; at most one per concurrent reader.
    private static let pool = ContextPool()

    /// The pool behind a pthread mutex: with a `Mutex` in a `static let`, ThreadSanitizer reported the
    /// array's accesses as races (it does not see that lock's hand-off; it intercepts pthread locks).
    private final class ContextPool: @unchecked Sendable {
        private let lock: UnsafeMutablePointer<pthread_mutex_t>
        /// Guarded by `lock`.
        private var idle: [OpaquePointer] = []

        init() {
            lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
            pthread_mutex_init(lock, nil)
        }

        func take() -> OpaquePointer? {
            pthread_mutex_lock(lock)
            defer { pthread_mutex_unlock(lock) }
            return idle.popLast()
        }

        func put(_ context: OpaquePointer) {
            pthread_mutex_lock(lock)
            defer { pthread_mutex_unlock(lock) }
            idle.append(context)
        }
    }

    private static func takeDecompressionContext() -> OpaquePointer? {
        pool.take() ?? ZSTD_createDCtx()
    }

    private static func returnDecompressionContext(_ context: OpaquePointer?) {
        guard let context else { return }
        pool.put(context)
    }
}
