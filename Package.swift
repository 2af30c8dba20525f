// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "kymon",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kymon", targets: ["kymon"]),
        .library(name: "KyQuery", targets: ["KyQuery"]),
        .library(name: "KyChannels", targets: ["KyChannels"]),
        .library(name: "RocketMQ", targets: ["RocketMQ"]),
        .library(name: "KyWatch", targets: ["KyWatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        .executableTarget(
            name: "kymon",
            dependencies: [
                "KyQuery",
                "KyChannels",
                "KyWatch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // Finds where a skipped JSON container ends, 64 bytes at a time (C: SSE2/AVX2 intrinsics).
        .target(name: "CKySkip"),
        // malloc_trim for MemoryTrim (C: glibc's malloc.h is not in Swift's Glibc module).
        .target(name: "CKyMemory"),
        .target(
            name: "KyQuery",
            dependencies: [
                "CKySkip",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "KyWatch",
            dependencies: [
                "KyQuery",
                "CKyMemory",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"]), .brew(["hiredis"])]),
        .target(
            name: "KyChannels",
            dependencies: [
                "KyQuery",
                "RocketMQ",
                "CHiredis",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "RocketMQ",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "RocketMQTestSupport",
            dependencies: [
                "RocketMQ",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Tests/RocketMQTestSupport"
        ),
        .testTarget(
            name: "RocketMQTests",
            dependencies: [
                "RocketMQ",
                "RocketMQTestSupport",
                "KyTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [.copy("Wire")]
        ),
        .target(
            name: "KyTestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/KyTestSupport"
        ),
        .testTarget(
            name: "KyQueryTests",
            dependencies: ["KyQuery", "KyTestSupport"],
            // Snapshots/ holds expected tables, read from the source tree through #filePath.
            exclude: ["Snapshots"],
            resources: [.copy("Captures"), .copy("Hostile")]
        ),
        .testTarget(
            name: "KyChannelsTests",
            dependencies: [
                "KyChannels",
                "KyQuery",
                "KyTestSupport",
                "RocketMQ",
                "RocketMQTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "KyWatchTests",
            dependencies: [
                "KyWatch",
                "KyQuery",
                "KyTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            resources: [.copy("Streams"), .copy("Expected")]
        ),
        .testTarget(
            name: "kymonTests",
            dependencies: ["kymon", "KyQuery", "KyTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
