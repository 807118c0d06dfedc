// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "woes-client-portal",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "portal-worker", targets: ["portal-worker"]),
        .executable(name: "portal", targets: ["portal"]),
        .library(name: "PortalKit", targets: ["PortalKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
    ],
    targets: [
        // libfcgi, the C FastCGI library, as a system library.
        .systemLibrary(
            name: "CFastCGI",
            pkgConfig: "fcgi",
            providers: [.apt(["libfcgi-dev"])]
        ),
        // libcurl's SMTP client behind one typed C function (curl_easy_setopt is variadic).
        .target(
            name: "CSMTP",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        // glibc's resolver (res_nquery on a private state, to a configurable server) for custom-domain checks.
        .target(
            name: "CResolver",
            linkerSettings: [.linkedLibrary("resolv")]
        ),
        // Process-wide SQLite settings (sqlite3_config is variadic).
        .target(
            name: "CSQLiteSettings",
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        // The escapers' scan for special bytes, sixteen at a time (SSE2).
        .target(name: "CEscapeScan"),
        // The transport only: sockets, threads, FastCGI params -> HTTP request, response writing.
        .target(
            name: "FastCGI",
            dependencies: [
                "CFastCGI",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The application: HTTP layer, routing, auth, features, domain and storage.
        .target(
            name: "PortalKit",
            dependencies: [
                "CSMTP", "CResolver", "CSQLiteSettings", "CEscapeScan",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            resources: [.copy("Views/Templates")]
        ),
        .executableTarget(
            name: "portal-worker",
            dependencies: [
                "FastCGI", "PortalKit",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "portal",
            dependencies: [
                "PortalKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "FastCGITests", dependencies: ["FastCGI"]),
        .testTarget(
            name: "PortalKitTests",
            dependencies: ["PortalKit", .product(name: "JWTKit", package: "jwt-kit")]
        ),
    ]
)
