// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets for kymon's parsers; scripts/fuzz builds and runs them.
// Build: swift build -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer,address
// SwiftPM gives every executable a `main` of its own, which wins over libFuzzer's, so each target
// starts libFuzzer's driver itself (and still exports LLVMFuzzerTestOneInput, which libFuzzer's main needs).
let package = Package(
    name: "KymonFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "kymon", path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(name: "CLibFuzzer"),
        .executableTarget(name: "FuzzDocument", dependencies: ["CLibFuzzer", .product(name: "KyQuery", package: "kymon")]),
        .executableTarget(name: "FuzzEvent", dependencies: ["CLibFuzzer", .product(name: "KyQuery", package: "kymon")]),
        .executableTarget(name: "FuzzConfig", dependencies: ["CLibFuzzer", .product(name: "KyQuery", package: "kymon")]),
        .executableTarget(
            name: "FuzzRemotingFrame",
            dependencies: ["CLibFuzzer", .product(name: "RocketMQ", package: "kymon"), .product(name: "NIOCore", package: "swift-nio")]
        ),
        .executableTarget(name: "FuzzRoute", dependencies: ["CLibFuzzer", .product(name: "RocketMQ", package: "kymon")]),
    ],
    swiftLanguageModes: [.v6]
)
