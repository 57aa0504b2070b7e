/// Constants shared by every VietSearch file: the common header and footer (see FORMAT.md, "Header and footer").
enum FileFormat {
    /// "VSRC": first four bytes of every file.
    static let headerMagic: [UInt8] = [0x56, 0x53, 0x52, 0x43]
    /// "VSFT": first four bytes of every footer.
    static let footerMagic: [UInt8] = [0x56, 0x53, 0x46, 0x54]
    /// The only format version this build writes.
    static let currentVersion: UInt32 = 4
    /// Oldest version this build reads: version 1 segments have no checksums a search can verify,
    /// version 2 stored fields have no dictionaries and version 3 positions are varints (FORMAT.md,
    /// "Version policy"): rebuild such an index.
    static let oldestReadableVersion: UInt32 = 4
    /// Footer checksum algorithm 1 = CRC-32 (zlib / ISO-HDLC polynomial).
    static let checksumAlgorithmCRC32: UInt32 = 1

    /// magic(4) version(4) kind(1) reserved(3) segment id(16).
    static let headerSize = 28
    /// magic(4) algorithm(4) crc(4).
    static let footerSize = 12

    enum Kind: UInt8 {
        case segment = 1
        case manifest = 2
        case deletes = 3
    }

    /// Appends the common header.
    static func appendHeader(kind: Kind, segmentID: SegmentID?, to out: inout [UInt8]) {
        out.append(contentsOf: headerMagic)
        out.appendUInt32(currentVersion)
        out.append(kind.rawValue)
        out.append(contentsOf: [0, 0, 0])
        out.append(contentsOf: segmentID?.bytes ?? [UInt8](repeating: 0, count: 16))
    }

    /// Appends the footer; returns the CRC stored in it (covering every byte before the CRC itself).
    @discardableResult
    static func appendFooter(to out: inout [UInt8]) -> UInt32 {
        out.append(contentsOf: footerMagic)
        out.appendUInt32(checksumAlgorithmCRC32)
        let crc = CRC32.checksum(out)
        out.appendUInt32(crc)
        return crc
    }

    /// Checks magic, then version (before anything else, so old/new files never read as "corrupt"), then
    /// kind, then reserved bytes; returns the segment id bytes of the header.
    static func checkHeader(_ bytes: FileBytes, expecting kind: Kind) throws -> [UInt8] {
        var reader = ByteReader(bytes)
        guard bytes.count >= 8 else {
            throw StorageError.corrupt(file: bytes.name, offset: 0,
                                       reason: "file of \(bytes.count) bytes is too short for a header (truncated?)")
        }
        let magic = try reader.readBytes(4)
        guard magic == headerMagic else {
            throw StorageError.corrupt(file: bytes.name, offset: 0, reason: "bad header magic (not a VietSearch file?)")
        }
        let version = try reader.readUInt32()
        if version < oldestReadableVersion {
            throw StorageError.versionTooOld(file: bytes.name, version: version, oldestSupported: oldestReadableVersion)
        }
        if version > currentVersion {
            throw StorageError.versionTooNew(file: bytes.name, version: version, newestSupported: currentVersion)
        }
        guard bytes.count >= headerSize + footerSize else {
            throw StorageError.corrupt(file: bytes.name, offset: bytes.count,
                                       reason: "file of \(bytes.count) bytes is too short for header and footer (truncated?)")
        }
        let kindByte = try reader.readUInt8()
        guard kindByte == kind.rawValue else {
            throw StorageError.corrupt(file: bytes.name, offset: 8,
                                       reason: "file kind \(kindByte), expected \(kind.rawValue) (misnamed file?)")
        }
        let reserved = try reader.readBytes(3)
        guard reserved == [0, 0, 0] else {
            throw StorageError.corrupt(file: bytes.name, offset: 9, reason: "reserved header bytes are not zero")
        }
        return try reader.readBytes(16)
    }

    /// Checks the footer's magic and algorithm and returns its stored CRC (cheap: no checksum computed).
    static func checkFooter(_ bytes: FileBytes) throws -> UInt32 {
        let start = bytes.count - footerSize
        var reader = ByteReader(bytes, at: start)
        guard try reader.readBytes(4) == footerMagic else {
            throw StorageError.corrupt(file: bytes.name, offset: start, reason: "misplaced footer (file truncated?)")
        }
        let algorithm = try reader.readUInt32()
        guard algorithm == checksumAlgorithmCRC32 else {
            throw StorageError.corrupt(file: bytes.name, offset: start + 4,
                                       reason: "unknown checksum algorithm \(algorithm)")
        }
        return try reader.readUInt32()
    }

    /// Recomputes the CRC of every byte before the stored one and compares (reads the whole file).
    static func verifyChecksum(_ bytes: FileBytes) throws -> UInt32 {
        let stored = try checkFooter(bytes)
        let computed = bytes.crc32(prefix: bytes.count - 4)
        guard computed == stored else {
            throw StorageError.corrupt(file: bytes.name, offset: bytes.count - 4,
                                       reason: "checksum failed: stored \(hex(stored)), computed \(hex(computed)) (hardware problem?)")
        }
        return stored
    }

    /// The CRC stored in the footer of a complete file's bytes.
    static func storedChecksum(of file: [UInt8]) -> UInt32 {
        let end = file.count
        return UInt32(file[end - 4]) | UInt32(file[end - 3]) << 8 | UInt32(file[end - 2]) << 16 | UInt32(file[end - 1]) << 24
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
