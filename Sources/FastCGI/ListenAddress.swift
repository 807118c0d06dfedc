#if canImport(Glibc)
import Glibc
#endif

/// Where the worker takes FastCGI connections from.
///
/// Parsed from one string so that a single setting (`PORTAL_LISTEN`) covers every
/// way the worker is deployed: its own unix socket, a TCP port, or a socket handed
/// over by spawn-fcgi (fd 0) or systemd socket activation (`LISTEN_FDS`).
public enum ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// A unix socket the worker creates at this path.
    case unixSocket(path: String)
    /// A TCP socket bound to `host:port` (IPv4 or IPv6; `[::1]:9000` for IPv6).
    case tcp(host: String, port: UInt16)
    /// An already listening socket inherited from the parent process.
    case inherited(fileDescriptor: Int32)
    /// The first socket passed by systemd socket activation (`LISTEN_FDS`, fd 3).
    case systemd

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let input: String
        public let reason: String

        public var description: String { "invalid listen address \"\(input)\": \(reason)" }
    }

    /// Accepted forms: a path (anything with a `/`), `unix:path`, `host:port`,
    /// `[v6addr]:port`, `fd:N`, `systemd`.
    public init(parsing text: String) throws(ParseError) {
        let input = text.trimmingWhitespace()
        func fail(_ reason: String) -> ParseError { ParseError(input: text, reason: reason) }
        if input.isEmpty { throw fail("empty") }
        if input == "systemd" { self = .systemd; return }
        if input.hasPrefix("fd:") {
            guard let fd = Int32(input.dropFirst(3)), fd >= 0 else { throw fail("fd: needs a non-negative number") }
            self = .inherited(fileDescriptor: fd)
            return
        }
        if input.hasPrefix("unix:") || input.contains("/") {
            let path = input.hasPrefix("unix:") ? String(input.dropFirst(5)) : input
            guard !path.isEmpty else { throw fail("unix: needs a path") }
            // sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
            guard path.utf8.count < 108 else { throw fail("unix socket path longer than 107 bytes") }
            self = .unixSocket(path: path)
            return
        }
        let host: Substring
        let portText: Substring
        if input.hasPrefix("[") {
            guard let close = input.firstIndex(of: "]") else { throw fail("missing ] after IPv6 address") }
            host = input[input.index(after: input.startIndex)..<close]
            let rest = input[input.index(after: close)...]
            guard rest.hasPrefix(":") else { throw fail("missing :port after IPv6 address") }
            portText = rest.dropFirst()
        } else {
            guard let colon = input.lastIndex(of: ":") else {
                throw fail("expected a unix socket path, host:port, fd:N or systemd")
            }
            host = input[..<colon]
            portText = input[input.index(after: colon)...]
        }
        guard !host.isEmpty else { throw fail("missing host") }
        guard let port = UInt16(portText), port > 0 else { throw fail("port must be 1-65535") }
        self = .tcp(host: String(host), port: port)
    }

    /// A socket handed over by the parent process, when there is one: systemd
    /// socket activation (`LISTEN_PID` is this process, `LISTEN_FDS` ≥ 1) or
    /// spawn-fcgi's listening socket on fd 0.
    public static func inherited(environment: [String: String]) -> ListenAddress? {
        if let pid = environment["LISTEN_PID"].flatMap(Int32.init), pid == getpid(),
           let count = environment["LISTEN_FDS"].flatMap(Int.init), count >= 1 {
            return .systemd
        }
        var accepting: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 && accepting != 0 {
            return .inherited(fileDescriptor: 0)
        }
        return nil
    }

    public var description: String {
        switch self {
        case .unixSocket(let path): return "unix:\(path)"
        case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .inherited(let fd): return "fd:\(fd)"
        case .systemd: return "systemd"
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
