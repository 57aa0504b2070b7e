// swift-tools-version: 6.0
// Benchmarks live in their own package so the library's package stays free of benchmark targets.
// Build and run: swift build -c release --package-path Benchmarks && Benchmarks/.build/release/analysis-bench
import PackageDescription

let package = Package(
    name: "VietSearchBenchmarks",
    dependencies: [
        .package(name: "VietSearch", path: ".."),
    ],
    targets: [
        .executableTarget(name: "analysis-bench", dependencies: [
            .product(name: "VietSearch", package: "VietSearch"),
        ]),
        .executableTarget(name: "engine-bench", dependencies: [
            .product(name: "VietSearch", package: "VietSearch"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
