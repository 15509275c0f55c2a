// swift-tools-version:6.2
import Foundation
import PackageDescription

/// Parley: a programmable voice platform. Layers point downward only
/// (Parley → ParleyServer → API → Store); see docs/architecture.md.
let package = Package(
    name: "parley",
    products: [
        .executable(name: "parley", targets: ["Parley"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "API", targets: ["API"]),
        .library(name: "ParleyServer", targets: ["ParleyServer"]),
        .library(name: "SIPMessages", targets: ["SIPMessages"]),
        .library(name: "SIP", targets: ["SIP"]),
        .library(name: "SDP", targets: ["SDP"]),
        .library(name: "Media", targets: ["Media"]),
        .library(name: "SMPPMessages", targets: ["SMPPMessages"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.1.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // OTLP over HTTP only: the gRPC exporter would bring grpc-swift for nothing.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        .target(
            name: "Store",
            dependencies: [
                "Addressing",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                // scrypt, for console passwords.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // Where peers reach Parley: advertised addresses, the route toward a peer, names, CIDR blocks.
        .target(name: "Addressing"),
        // RFC 3261 messages: parsing and serialising only, no I/O (also the fuzz target's subject).
        .target(name: "SIPMessages"),
        // SMPP 3.4 PDUs, GSM 03.38 and UCS-2 text, concatenation, delivery receipts: no I/O.
        .target(name: "SMPPMessages", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        // An ESME's transceiver bind to an SMSC over SwiftNIO: keep-alive, reconnection, window, back-pressure.
        .target(
            name: "SMPP",
            dependencies: [
                "SMPPMessages",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // RFC 4566 session descriptions and RFC 3264 offer/answer, handing media a plain description.
        .target(name: "SDP"),
        .target(
            name: "SIP",
            dependencies: [
                "Addressing",
                "SIPMessages",
                "Store",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // Where a SIP dialog, a media session and (later) an RCML document meet: routing and call legs.
        .systemLibrary(name: "CEspeakNG", pkgConfig: "espeak-ng", providers: [.apt(["libespeak-ng-dev"])]),
        .systemLibrary(name: "CPocketSphinx", pkgConfig: "pocketsphinx", providers: [.apt(["libpocketsphinx-dev"])]),
        .systemLibrary(name: "CSpeexDSP", pkgConfig: "speexdsp", providers: [.apt(["libspeexdsp-dev"])]),
        .systemLibrary(name: "CSRTP", pkgConfig: "libsrtp2", providers: [.apt(["libsrtp2-dev"])]),
        .systemLibrary(name: "COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),
        // Linux's epoll and eventfd, which Swift's Glibc module leaves out: the media loops' readiness.
        .systemLibrary(name: "CEpoll"),
        .target(
            name: "Speech",
            dependencies: ["CEspeakNG", "CPocketSphinx", "Media", .product(name: "Metrics", package: "swift-metrics")]
        ),
        .target(
            name: "Media",
            dependencies: [
                "COpus",
                "CSpeexDSP",
                "CSRTP",
                "CEpoll",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Voice",
            dependencies: [
                "Addressing",
                "Media",
                "Speech",
                "SDP",
                "SIP",
                "SIPMessages",
                "Store",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // SMTP (RFC 5321) over SwiftNIO: replies, RFC 5322 messages, STARTTLS and AUTH.
        .target(
            name: "SMTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // SMS over SMPP and e-mail over SMTP (and, to come, one-time passwords): above Voice, whose
        // webhooks it uses and whose calls the voice channel of 2FA will make.
        .target(
            name: "Messaging",
            dependencies: [
                "SMPP",
                "SMPPMessages",
                "SMTP",
                "Store",
                "Voice",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "API",
            dependencies: [
                "Addressing",
                "SIP",
                "Store",
                "Voice",
                "Messaging",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            // Parley's own OpenAPI document, compiled in (served at /openapi.json).
            resources: [.embedInCode("openapi.json")]
        ),
        // The console: server-rendered pages over the same editors and repositories as the API.
        .target(
            name: "Console",
            dependencies: [
                "API",
                "Messaging",
                "SIP",
                "Store",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [
                .embedInCode("Templates/layout-top.mustache"), .embedInCode("Templates/layout-bottom.mustache"),
                .embedInCode("Templates/login.mustache"), .embedInCode("Templates/password.mustache"),
                .embedInCode("Templates/dashboard.mustache"), .embedInCode("Templates/applications.mustache"),
                .embedInCode("Templates/application.mustache"), .embedInCode("Templates/clients.mustache"),
                .embedInCode("Templates/client.mustache"), .embedInCode("Templates/calls.mustache"),
                .embedInCode("Templates/call-row.mustache"), .embedInCode("Templates/call.mustache"),
                .embedInCode("Templates/numbers.mustache"), .embedInCode("Templates/number.mustache"),
                .embedInCode("Templates/credentials.mustache"), .embedInCode("Templates/settings.mustache"),
                .embedInCode("Templates/messages.mustache"), .embedInCode("Templates/recordings.mustache"),
                .embedInCode("Templates/notifications.mustache"),
                .embedInCode("Templates/code.mustache"), .embedInCode("Templates/profile.mustache"),
                .embedInCode("Templates/error.mustache"), .embedInCode("Templates/field.mustache"),
                .embedInCode("Assets/console.css"), .embedInCode("Assets/console.js"),
            ]
        ),
        .target(
            name: "ParleyServer",
            dependencies: [
                "Messaging",
                "SMPP",
                "SMPPMessages",
                "SMTP",
                "Addressing",
                "API",
                "Console",
                "Media",
                "Speech",
                "SIP",
                "SIPMessages",
                "Voice",
                "Store",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .executableTarget(
            name: "Parley",
            dependencies: [
                "API",
                "Console",
                "ParleyServer",
                "Store",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            plugins: ["BuildInfo"]
        ),
        // Writes the commit the executable is built from (for `parley --version`).
        .plugin(name: "BuildInfo", capability: .buildTool()),
        .testTarget(name: "StoreTests", dependencies: ["Addressing", "Store"]),
        .testTarget(name: "AddressingTests", dependencies: ["Addressing"]),
        .testTarget(name: "SIPMessagesTests", dependencies: ["SIPMessages"]),
        .testTarget(name: "SDPTests", dependencies: ["SDP"]),
        .testTarget(name: "MessagingTests", dependencies: ["Messaging", "Store"]),
        .testTarget(name: "SMTPTests", dependencies: ["SMTP"]),
        .testTarget(name: "SMPPMessagesTests", dependencies: ["SMPPMessages", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "SIPTests", dependencies: ["Addressing", "SIP", "SIPMessages", "Store"]),
        .testTarget(name: "MediaTests", dependencies: ["Media", .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(
            name: "VoiceTests",
            dependencies: ["Addressing", "SIP", "SIPMessages", "Voice", .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .testTarget(name: "SpeechTests", dependencies: ["Speech", "Media"]),
        .testTarget(
            name: "APITests",
            dependencies: [
                "Addressing",
                "API",
                "Media",
                "SIP",
                "Store",
                "Voice",
                "Messaging",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The SIP parser's libFuzzer target, built only on request:
// PARLEY_FUZZ=1 swift build --sanitize=fuzzer --product SIPParserFuzzer --scratch-path .build-fuzz
if ProcessInfo.processInfo.environment["PARLEY_FUZZ"] != nil {
    package.products.append(.executable(name: "SIPParserFuzzer", targets: ["SIPParserFuzzer"]))
    package.targets.append(
        .executableTarget(
            name: "SIPParserFuzzer", dependencies: ["SIPMessages"], path: "Tests/Fuzz/SIPParserFuzzer",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
}
