import CZstd
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// zstd one-shot compression of stored-field blocks.
enum Zstd {
    /// Level 3: zstd's default, a good speed/ratio balance for ~16 KiB blocks.
    static let level: Int32 = 3

    /// A compression context reused across the blocks of one segment: `ZSTD_compress` would
    /// allocate and initialise a fresh one (hundreds of KiB of tables) for every 16 KiB block.
    final class Compressor {
        private let context: OpaquePointer?

        init() { context = ZSTD_createCCtx() }
        deinit { ZSTD_freeCCtx(context) }

        func compress(_ input: [UInt8]) throws -> [UInt8] {
            let bound = ZSTD_compressBound(input.count)
            var output = [UInt8](repeating: 0, count: bound)
            let written = output.withUnsafeMutableBytes { destination in
                input.withUnsafeBytes { source in
                    context == nil
                        ? ZSTD_compress(destination.baseAddress, bound, source.baseAddress, input.count, level)
                        : ZSTD_compressCCtx(context, destination.baseAddress, bound, source.baseAddress, input.count, level)
                }
            }
            if ZSTD_isError(written) != 0 {
                throw StorageError.limitExceeded("zstd compression failed: \(String(cString: ZSTD_getErrorName(written)))")
            }
            output.removeSubrange(written...)
            return output
        }
    }

    /// Decompresses `source` into `destination`, which it must fill exactly; false otherwise.
    static func decompress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) -> Bool {
        let rawSize = destination.count
        guard rawSize <= source.count * 32_768 + 1_024 else { return false }
        let declared = ZSTD_getFrameContentSize(source.baseAddress, source.count)
        guard declared < UInt64.max - 1, declared == UInt64(rawSize) else { return false }
        let context = takeDecompressionContext()
        defer { returnDecompressionContext(context) }
        let produced = context == nil
            ? ZSTD_decompress(destination.baseAddress, rawSize, source.baseAddress, source.count)
            : ZSTD_decompressDCtx(context, destination.baseAddress, rawSize, source.baseAddress, source.count)
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
