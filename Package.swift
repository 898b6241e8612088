// swift-tools-version:6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "dbtsh",
    products: [
        .executable(name: "dbtsh", targets: ["dbtsh"]),
        .executable(name: "dbtsh-sandbox", targets: ["dbtsh-sandbox"]),
        .executable(name: "dbtsh-bench", targets: ["dbtsh-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.30.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.20.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
    ],
    targets: [
        // Terminal layer: libedit behind a C shim (variadics, signals, the self-pipe reader).
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"]), .brew(["libedit"])]
        ),
        .target(name: "CLineEditShim", dependencies: ["CLibEdit"]),
        .target(name: "LineEditor", dependencies: ["CLineEditShim", "CLibEdit", "TerminalText"], swiftSettings: strict),

        // Text safe for a terminal: control characters made visible, dbtsh's styles. Pure.
        .target(name: "TerminalText", swiftSettings: strict),

        // prctl(PR_SET_DUMPABLE) behind a C shim (prctl is variadic).
        .target(name: "CProcessHardening"),

        // The dbt Cloud API client.
        .target(
            name: "DbtCloud",
            dependencies: [
                "CProcessHardening",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources/openapi-index.json")],
            swiftSettings: strict
        ),

        // Where credentials and defaults come from: flags, environment, dbtsh's profiles file,
        // ./dbt_project.yml, ~/.dbt/dbt_cloud.yml. No HTTP.
        .target(
            name: "Config",
            dependencies: ["DbtCloud", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),

        // dbt artifacts: lean decoders, indexes, failures, diffs. Pure.
        .target(name: "DbtArtifacts", swiftSettings: strict),

        // A faithful local dbt Cloud on loopback, with real dbt artifacts.
        .target(
            name: "Sandbox",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: strict
        ),

        // Test support shared by tests and benchmarks, never linked into dbtsh: a misbehaving
        // HTTP server on loopback (HostileServer), sandbox harnesses, synthetic artifacts,
        // seeded randomness.
        .target(
            name: "TestSupport",
            dependencies: [
                "Sandbox", "DbtCloud",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),

        // The interpreter: session, lexer, registry, commands, completion, rendering.
        .target(name: "Shell", dependencies: ["DbtCloud", "DbtArtifacts", "TerminalText"], swiftSettings: strict),

        // The process side of Shell's console: file descriptors, terminal size, spawned processes.
        .target(name: "TerminalIO", dependencies: ["Shell", "LineEditor", "TerminalText"], swiftSettings: strict),

        .executableTarget(
            name: "dbtsh",
            dependencies: [
                "Shell", "TerminalIO", "LineEditor", "DbtCloud", "Config", "Sandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "dbtsh-sandbox",
            dependencies: [
                "Sandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "dbtsh-bench",
            dependencies: ["Sandbox", "DbtCloud", "DbtArtifacts", "Shell", "TestSupport"],
            swiftSettings: strict
        ),

        .testTarget(name: "TerminalTextTests", dependencies: ["TerminalText"], swiftSettings: strict),
        .testTarget(name: "LineEditorTests", dependencies: ["LineEditor", "TerminalText"], swiftSettings: strict),
        .testTarget(
            name: "DbtCloudTests",
            dependencies: ["DbtCloud", "Sandbox", "TestSupport"],
            resources: [.copy("Resources")],
            swiftSettings: strict
        ),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "DbtCloud"], resources: [.copy("Resources")], swiftSettings: strict),
        .testTarget(name: "DbtArtifactsTests", dependencies: ["DbtArtifacts", "Sandbox", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "SandboxTests", dependencies: ["Sandbox", "DbtCloud", "DbtArtifacts", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ShellTests", dependencies: ["Shell", "Config", "TerminalIO", "TerminalText", "Sandbox", "DbtCloud", "DbtArtifacts", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "EndToEndTests", dependencies: ["dbtsh", "Sandbox", "TestSupport"], swiftSettings: strict),
    ]
)
