import CBitUnpack

/// The AVX2 group decoders of `CBitUnpack`, chosen at run time: on a CPU with AVX2 they decode a block's
/// groups of 8 values at ~1 instruction a value (`vpshufb` gathers each value's bytes into its lane,
/// `vpsrlvd` shifts each lane by its own bit offset), against ~4–5 for the Swift loops, which baseline
/// x86-64 code cannot write with per-lane shifts. Elsewhere, or with VIETSEARCH_NO_SIMD=1 in the
/// environment, they decode nothing and `unpack` / `unpackAscending` decode every value in Swift.
extension BitPacking {
    /// Whether the kernels are in use.
    static var kernelsEnabled: Bool { vs_unpack_simd_enabled() != 0 }

    /// Turns the kernels on (where the CPU has them) or off for the whole process; returns whether they
    /// were on. For tests, which compare both paths in one run.
    @discardableResult
    static func setKernelsEnabled(_ enabled: Bool) -> Bool { vs_unpack_set_simd_enabled(enabled ? 1 : 0) != 0 }

    /// Bytes a kernel reads from the first byte of a group of `width`-bit values (CBitUnpack.h): one 8- or
    /// 16-byte load for w ≤ 16, two 16-byte loads (from bytes 0 and ⌊4w/8⌋) for w ≤ 24, 32 bytes for w = 32;
    /// nil where there is no kernel.
    @inline(__always)
    static func kernelReach(width: Int) -> Int? {
        switch width {
        case 1...8: return 8
        case 9...16: return 16
        case 17...24: return (4 * width) >> 3 + 16
        case 32: return 32
        default: return nil
        }
    }

    /// How many of the first `count / 8` groups a kernel may decode from `source` (of `byteCount` bytes):
    /// group g's reads end at g·w + reach, which must not pass the end.
    @inline(__always)
    static func kernelGroups(count: Int, width: Int, byteCount: Int) -> Int {
        guard let reach = kernelReach(width: width) else { return 0 }
        let room = byteCount - reach
        return room < 0 ? 0 : Swift.min(count / 8, room / width + 1)
    }

    /// Decodes the first `kernelGroups` groups with the kernel when it is on; returns how many it decoded
    /// (all or none).
    @inline(__always)
    static func unpackWithKernel(_ base: UnsafeRawPointer, count: Int, width: Int, byteCount: Int,
                                 into destination: UnsafeMutablePointer<UInt32>) -> Int {
        let groups = kernelGroups(count: count, width: width, byteCount: byteCount)
        guard groups > 0 else { return 0 }
        return vs_unpack_groups(base, groups, UInt32(width), destination)
    }

    /// Decodes a whole block of 128 values (16 groups) with the kernel alone, when it is on, has a kernel
    /// for `width` and all 16 groups' reads lie in `byteCount` bytes from `base`; false (nothing decoded)
    /// otherwise. For callers that know their block's width and bytes (`PositionsDecoder.fill`): `unpack`
    /// reaches the same kernel call after its own checks and the arithmetic for its Swift loops.
    @inline(__always)
    static func unpackWholeBlock(_ base: UnsafeRawPointer, byteCount: Int, width: Int,
                                 into destination: UnsafeMutablePointer<UInt32>) -> Bool {
        guard let reach = kernelReach(width: width), 15 &* width &+ reach <= byteCount else { return false }
        return vs_unpack_groups(base, 16, UInt32(truncatingIfNeeded: width), destination) == 16
    }

    /// `unpackWithKernel` for `unpackAscending` (widths ≤ 24): the running sum continues from `running`.
    @inline(__always)
    static func unpackAscendingWithKernel(_ base: UnsafeRawPointer, count: Int, width: Int, byteCount: Int,
                                          running: inout Int64, into destination: UnsafeMutablePointer<UInt32>) -> Int {
        guard width <= 24 else { return 0 }
        let groups = kernelGroups(count: count, width: width, byteCount: byteCount)
        guard groups > 0 else { return 0 }
        var total = UInt64(bitPattern: running)
        let done = vs_unpack_ascending_groups(base, groups, UInt32(width), &total, destination)
        running = Int64(bitPattern: total)
        return done
    }
}
