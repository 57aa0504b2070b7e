// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "VietSearch",
    products: [
        .library(name: "VietSearch", targets: ["VietSearch"]),
        .executable(name: "vietsearch", targets: ["vietsearch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
    ],
    targets: [
        // C libraries from the system (Debian: libzstd-dev, zlib1g-dev).
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // AVX2 kernels (bit-unpacking, intersections, term-stream decoding, UTF-8 checks, word splitting), chosen at
        // run time (baseline x86-64 code elsewhere). No unsafeFlags:
        // they would stop other packages depending on this one by version. For callgrind, build with
        // `-Xcc -gdwarf-4` (clang's default DWARF 5 stops valgrind 3.19 reading the binary).
        .target(name: "CBitUnpack"),
        // Bytes on disk: segments, manifest, codecs. Knows nothing of language.
        .target(name: "VietSearchStorage", dependencies: ["CZstd", "CZlib", "CBitUnpack"]),
        // Vietnamese text -> tokens with exact and folded keys. Knows nothing of storage.
        .target(name: "VietSearchAnalysis", dependencies: ["CBitUnpack"]),
        // Query parsing, BM25, execution over segments, top-k.
        .target(name: "VietSearchQuery", dependencies: ["VietSearchStorage", "VietSearchAnalysis"]),
        // The library host applications import.
        .target(name: "VietSearch", dependencies: ["VietSearchStorage", "VietSearchAnalysis", "VietSearchQuery"]),
        // Thin CLI over the facade.
        .executableTarget(name: "vietsearch", dependencies: [
            "VietSearch",
            "CBitUnpack",  // the AVX2 UTF-8 check of the JSONL reader
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Helpers shared by the test targets only (seeded random numbers); not a product.
        .target(name: "VietSearchTestSupport", path: "Tests/Support"),
        .testTarget(name: "VietSearchStorageTests", dependencies: ["VietSearchStorage", "VietSearchTestSupport"]),
        .testTarget(name: "VietSearchAnalysisTests",
                    dependencies: ["VietSearchAnalysis", "CBitUnpack", "VietSearchTestSupport"]),
        .testTarget(name: "VietSearchQueryTests",
                    dependencies: ["VietSearchQuery", "VietSearchStorage", "VietSearchAnalysis", "VietSearchTestSupport"]),
        .testTarget(name: "VietSearchTests", dependencies: ["VietSearch", "VietSearchTestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["vietsearch", "VietSearchTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
