/// One commit opened for reading: its manifest and segment readers, with its files leased so this
/// process's garbage collection keeps them until the snapshot is released. Immutable, Sendable.
package final class StoreSnapshot: Sendable {
    package let manifest: Manifest
    package let segments: [SegmentReader]
    private let lease: FileLease

    init(manifest: Manifest, segments: [SegmentReader], lease: FileLease) {
        self.manifest = manifest
        self.segments = segments
        self.lease = lease
    }

    package var generation: UInt64 { manifest.generation }

    /// Live documents of the snapshot.
    package var liveDocumentCount: Int { segments.reduce(0) { $0 + Int($1.liveDocumentCount) } }
}
