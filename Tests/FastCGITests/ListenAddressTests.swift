import Testing
@testable import FastCGI

@Suite("PORTAL_LISTEN accepts every way the worker is deployed")
struct ListenAddressTests {
    @Test("a path, with or without unix:, is a unix socket")
    func unixSocketPaths() throws {
        #expect(try ListenAddress(parsing: "/run/woes-portal/worker.sock") == .unixSocket(path: "/run/woes-portal/worker.sock"))
        #expect(try ListenAddress(parsing: "unix:/tmp/w.sock") == .unixSocket(path: "/tmp/w.sock"))
        #expect(try ListenAddress(parsing: "var/worker.sock") == .unixSocket(path: "var/worker.sock"))
    }

    @Test("host:port and [v6]:port are TCP")
    func tcpAddresses() throws {
        #expect(try ListenAddress(parsing: "127.0.0.1:9000") == .tcp(host: "127.0.0.1", port: 9000))
        #expect(try ListenAddress(parsing: "[::1]:9001") == .tcp(host: "::1", port: 9001))
        #expect(try ListenAddress(parsing: "localhost:9002") == .tcp(host: "localhost", port: 9002))
    }

    @Test("fd:N and systemd adopt an inherited socket")
    func inheritedSockets() throws {
        #expect(try ListenAddress(parsing: "fd:0") == .inherited(fileDescriptor: 0))
        #expect(try ListenAddress(parsing: "systemd") == .systemd)
    }

    @Test("nonsense is refused with a reason", arguments: ["", "9000", "host:", ":9000", "host:0", "host:70000", "fd:-1", "fd:x", "[::1]9000"])
    func refusesNonsense(_ text: String) {
        #expect(throws: ListenAddress.ParseError.self) { try ListenAddress(parsing: text) }
    }

    @Test("a unix socket path longer than sun_path is refused")
    func refusesLongPaths() {
        #expect(throws: ListenAddress.ParseError.self) {
            try ListenAddress(parsing: "/" + String(repeating: "a", count: 120))
        }
    }
}
