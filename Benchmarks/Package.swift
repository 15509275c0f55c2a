// swift-tools-version:6.2
import PackageDescription

/// Parley's benchmarks (ordo-one/benchmark), a package of their own so the main package's
/// build and tests never pay for them. Run with `swift package benchmark` in this folder.
let package = Package(
    name: "ParleyBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "parley", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
    ],
    targets: [
        .executableTarget(
            name: "RESTRendering",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "API", package: "parley"),
                .product(name: "Store", package: "parley"),
            ],
            path: "Benchmarks/RESTRendering",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SIPParsing",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SIPMessages", package: "parley"),
            ],
            path: "Benchmarks/SIPParsing",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SMPPCodec",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SMPPMessages", package: "parley"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/SMPPCodec",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "MediaPaths",
            dependencies: [
                "CLibSRTP",
                "CMixFloor",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Media", package: "parley"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/MediaPaths",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // libsrtp2 called directly: the reference for Parley's SRTP cost.
        .systemLibrary(name: "CLibSRTP", path: "Sources/CLibSRTP"),
        // The conference mixer's arithmetic in plain C: the floor for Parley's mixing loops.
        .target(name: "CMixFloor", path: "Sources/CMixFloor", cSettings: [.unsafeFlags(["-O2"])]),
        // speexdsp's jitter buffer, the reference the jitter-buffer traces are replayed through.
        .systemLibrary(name: "CSpeexJitter", path: "Sources/CSpeexJitter"),
        .executableTarget(
            name: "JitterTraces",
            dependencies: [
                "CSpeexJitter",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Media", package: "parley"),
            ],
            path: "Benchmarks/JitterTraces",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
