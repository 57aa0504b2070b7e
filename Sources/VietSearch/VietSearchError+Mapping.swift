#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VietSearchQuery
import VietSearchStorage

extension VietSearchError {
    /// The facade's view of a storage failure; keeps the file, offset and versions.
    init(_ error: StorageError) {
        switch error {
        case .corrupt(let file, let offset, let reason):
            self = .corruptIndex(file: file, offset: offset, reason: reason)
        case .versionTooOld(let file, let version, let oldest):
            self = .formatTooOld(file: file, version: Int(version), oldestSupported: Int(oldest))
        case .versionTooNew(let file, let version, let newest):
            self = .formatTooNew(file: file, version: Int(version), newestSupported: Int(newest))
        case .io(let path, let operation, let code):
            let detail = code == 0 ? "" : ": " + String(cString: strerror(code)) + " (errno \(code))"
            self = .io(path: path, message: operation + " failed" + detail)
        case .locked(let path, let holder):
            self = .locked(path: path, holder: holder)
        case .notAnIndex(let path):
            self = .notAnIndex(path: path)
        case .limitExceeded(let what):
            self = .limitExceeded(what)
        case .unimplemented(let what):
            self = .io(path: "", message: "not implemented: " + what)
        }
    }

    /// Runs `body`, turning every lower-layer error into a `VietSearchError`.
    static func mapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as VietSearchError {
            throw error
        } catch let error as StorageError {
            throw VietSearchError(error)
        } catch let error as QueryParseError {
            throw VietSearchError.queryParse(column: error.column, message: error.message)
        } catch let error as QueryLimitError {
            throw VietSearchError.limitExceeded(error.message)
        }
    }
}
