#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes through the system's iconv (glibc names `TCVN5712-1`, `VISCII`, `CP1258`).
enum IconvDecoder {
    static func decode(_ bytes: [UInt8], from charset: String, encoding: LegacyDecoder.Encoding,
                       replaceInvalid: Bool) throws(LegacyDecodingError) -> String {
        let converter = iconv_open("UTF-8", charset)
        guard let converter, converter != iconv_t(bitPattern: -1) else {
            throw LegacyDecodingError(encoding: encoding, byteOffset: 0,
                                      reason: "this system's iconv cannot convert from \(charset)")
        }
        defer { iconv_close(converter) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        var chunk = [CChar](repeating: 0, count: 1 << 16)
        var input = bytes.map { CChar(bitPattern: $0) }
        var consumed = 0
        let total = input.count
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        var failure: LegacyDecodingError?
        input.withUnsafeMutableBufferPointer { inputBuffer in
            chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                while consumed < total || total == 0 {
                    var inPointer: UnsafeMutablePointer<CChar>? = inputBuffer.baseAddress.map { $0 + consumed }
                    var inLeft = total - consumed
                    var outPointer: UnsafeMutablePointer<CChar>? = chunkBuffer.baseAddress
                    var outLeft = chunkBuffer.count
                    let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                    let produced = chunkBuffer.count - outLeft
                    output.append(contentsOf: chunkBuffer[0..<produced].lazy.map { UInt8(bitPattern: $0) })
                    consumed = total - inLeft
                    if result != -1 { break }
                    let error = errno
                    if error == E2BIG { continue }
                    // EILSEQ (no mapping) or EINVAL (incomplete sequence at the end).
                    if replaceInvalid && consumed < total {
                        // Emit what a stateful converter holds back before the replacement character.
                        var flushPointer: UnsafeMutablePointer<CChar>? = chunkBuffer.baseAddress
                        var flushLeft = chunkBuffer.count
                        _ = iconv(converter, nil, nil, &flushPointer, &flushLeft)
                        output.append(contentsOf: chunkBuffer[0..<(chunkBuffer.count - flushLeft)].lazy.map { UInt8(bitPattern: $0) })
                        output.append(contentsOf: replacement)
                        consumed += 1
                        continue
                    }
                    let byte = consumed < total ? bytes[consumed] : 0
                    failure = LegacyDecodingError(encoding: encoding, byteOffset: consumed,
                                                  reason: "byte 0x\(UTF8Validation.hex(byte)) has no mapping in \(charset)")
                    return
                }
                // Stateful converters (TCVN5712-1 waits for a combining mark after a base letter): flush.
                var outPointer: UnsafeMutablePointer<CChar>? = chunkBuffer.baseAddress
                var outLeft = chunkBuffer.count
                _ = iconv(converter, nil, nil, &outPointer, &outLeft)
                let produced = chunkBuffer.count - outLeft
                output.append(contentsOf: chunkBuffer[0..<produced].lazy.map { UInt8(bitPattern: $0) })
            }
        }
        if let failure { throw failure }
        return String(decoding: output, as: UTF8.self)
    }
}
