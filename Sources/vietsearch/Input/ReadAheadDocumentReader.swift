import Foundation
import VietSearch

/// Reads another reader's documents on a thread of its own, a few chunks ahead of the caller, so that
/// reading and parsing JSONL overlaps indexing (as Tantivy's writer receives documents from the
/// caller's thread while its own indexing threads work). Documents, errors and their order are the
/// wrapped reader's: an error is thrown where the wrapped reader threw it, after every document before it.
///
/// Documents cross threads in chunks (up to `chunkDocuments` documents or `chunkBytes` input bytes),
/// so that the two threads meet once per chunk, not once per document; at most `chunkLimit` chunks
/// wait, which bounds the memory held ahead (about `chunkLimit × chunkBytes` of text).
/// `chunkBytes` is 128 KiB since session 16 (was 256 KiB): the faster UTF-8 check keeps the queue
/// fuller, and the text held ahead counts in the peak RSS at 100k documents, which sits within ~1 MB
/// of the 128 MiB budget (6 runs at 256 KiB: 128,096–131,180 KiB; 4 at 128 KiB: 127,324–129,336).
final class ReadAheadDocumentReader: DocumentReader {
    static let chunkDocuments = 64
    static let chunkBytes = 128 << 10
    static let chunkLimit = 4

    private let channel: Channel
    private var current = Chunk()
    private var nextInChunk = 0
    private var consumed = 0

    /// Starts reading `source` at once on a new thread; `source` must not be used by anyone else.
    init(_ source: DocumentReader) {
        channel = Channel(source: source)
        let channel = self.channel
        Thread { channel.produce() }.start()
    }

    deinit {
        // The reading thread, blocked on a full channel or still reading, stops at its next chunk.
        channel.cancel()
    }

    var bytesConsumed: Int { consumed }

    func next() throws -> SourcedDocument? {
        while nextInChunk == current.documents.count {
            if current.isLast {
                // What the wrapped reader consumed up to its end or error (blank lines, the failing line).
                consumed = current.bytesConsumedAtEnd
                if let failure = current.failure {
                    current.failure = nil
                    throw failure
                }
                return nil
            }
            current = channel.take()
            nextInChunk = 0
        }
        let entry = current.documents[nextInChunk]
        // Dropped from the chunk so that the document's text is freed when the writer is done with it.
        current.documents[nextInChunk] = Chunk.Entry.empty
        nextInChunk += 1
        consumed = entry.bytesConsumed
        return entry.document
    }

    /// Documents read ahead, handed over together.
    struct Chunk {
        struct Entry {
            var document: SourcedDocument
            /// The wrapped reader's `bytesConsumed` after this document.
            var bytesConsumed: Int

            static let empty = Entry(document: SourcedDocument(document: Document(id: "", fields: []), source: "", line: 0),
                                     bytesConsumed: 0)
        }

        var documents: [Entry] = []
        /// The error that ended the input after these documents.
        var failure: (any Error)?
        /// True for the input's last chunk (after the end or an error).
        var isLast = false
        var bytesConsumedAtEnd = 0
    }

    /// The chunks between the reading thread and the caller; the wrapped reader is used only by the
    /// reading thread.
    private final class Channel: @unchecked Sendable {
        private let source: DocumentReader
        private let condition = NSCondition()
        private var ready: [Chunk] = []
        private var isCancelled = false

        init(source: DocumentReader) {
            self.source = source
        }

        /// The reading thread's loop: chunks of documents until the end, an error or `cancel()`.
        func produce() {
            var chunk = Chunk()
            var chunkStart = 0
            while true {
                do {
                    guard let document = try source.next() else {
                        chunk.isLast = true
                        chunk.bytesConsumedAtEnd = source.bytesConsumed
                        _ = publish(chunk)
                        return
                    }
                    chunk.documents.append(Chunk.Entry(document: document, bytesConsumed: source.bytesConsumed))
                } catch {
                    chunk.failure = error
                    chunk.isLast = true
                    chunk.bytesConsumedAtEnd = source.bytesConsumed
                    _ = publish(chunk)
                    return
                }
                if chunk.documents.count >= ReadAheadDocumentReader.chunkDocuments
                    || source.bytesConsumed - chunkStart >= ReadAheadDocumentReader.chunkBytes {
                    guard publish(chunk) else { return }
                    chunk = Chunk()
                    chunk.documents.reserveCapacity(ReadAheadDocumentReader.chunkDocuments)
                    chunkStart = source.bytesConsumed
                }
            }
        }

        /// Waits for room, then queues `chunk`; false when cancelled.
        private func publish(_ chunk: Chunk) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while ready.count >= ReadAheadDocumentReader.chunkLimit && !isCancelled { condition.wait() }
            if isCancelled { return false }
            ready.append(chunk)
            condition.broadcast()
            return true
        }

        /// The oldest chunk, waiting for one if none is ready.
        func take() -> Chunk {
            condition.lock()
            defer { condition.unlock() }
            while ready.isEmpty { condition.wait() }
            let chunk = ready.removeFirst()
            condition.broadcast()
            return chunk
        }

        /// Makes the reading thread stop and drop what it holds.
        func cancel() {
            condition.lock()
            isCancelled = true
            ready = []
            condition.broadcast()
            condition.unlock()
        }
    }
}
