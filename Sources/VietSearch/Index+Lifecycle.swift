import VietSearchStorage

extension Index {
    /// Runs `body` with a writer and commits when it returns; if it throws, the batch is discarded
    /// (rolled back) and the error rethrown. The writer lock is held for the duration.
    ///
    /// ```swift
    /// try index.write { w in
    ///     try w.upsert(Document(id: "1", title: "Đảng viên", body: "…"))
    ///     try w.delete(id: "2")
    /// }
    /// ```
    @discardableResult
    public func write<Result>(_ body: (IndexWriter) throws -> Result) throws -> Result {
        let writer = try writer()
        defer { writer.close() }
        let result: Result
        do {
            result = try body(writer)
        } catch {
            try? writer.rollback()
            throw error
        }
        try writer.commit()
        return result
    }

    /// Merges the index down to at most `maxSegments` segments without deleted documents
    /// (takes the writer lock for the duration).
    public func forceMerge(maxSegments: Int = 1) throws {
        try write { try $0.forceMerge(maxSegments: maxSegments) }
    }

    /// Who holds the writer lock: nil when free, else a description such as "pid 1234".
    public func lockHolder() throws -> String? {
        try VietSearchError.mapping {
            switch try store.lockState() {
            case .free: return nil
            case .held(let pid): return pid.map { "pid \($0)" } ?? "another writer"
            }
        }
    }

    /// Removes a stale writer lock file left by a crashed process. Never breaks a live writer's lock:
    /// throws `.locked` naming the holder if one is running. (A crashed writer's lock never blocks
    /// anyway, since the kernel drops its flock; this only tidies the file.)
    public func breakStaleLock() throws {
        try VietSearchError.mapping { try store.breakStaleLock() }
    }
}
