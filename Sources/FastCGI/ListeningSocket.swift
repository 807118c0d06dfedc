#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A listening socket the worker owns (or inherited), opened without libfcgi's
/// `FCGX_OpenSocket`, which calls `exit()` on failure, unlinks a live socket and
/// never sets the socket file's mode.
public struct ListeningSocket: Sendable {
    public let fileDescriptor: Int32
    public let address: ListenAddress
    /// The path to unlink on close, when the worker created the unix socket itself.
    let ownedPath: String?

    public struct OpenError: Error, CustomStringConvertible {
        public let address: ListenAddress
        public let reason: String
        public var description: String { "cannot listen on \(address): \(reason)" }
    }

    /// Opens (or adopts) the socket for `address`.
    /// - Parameters:
    ///   - socketMode: file mode of a unix socket the worker creates; 0o660 lets
    ///     the socket's group connect and nobody else.
    ///   - socketGroup: the group to give a unix socket the worker creates (nginx's
    ///     group, e.g. www-data); the process must belong to it or be root.
    ///   - backlog: the kernel's accept queue length.
    ///   - environment: the process environment, for systemd's `LISTEN_PID`/`LISTEN_FDS`.
    public static func open(
        _ address: ListenAddress,
        socketMode: mode_t = 0o660,
        socketGroup: String? = nil,
        backlog: Int32 = 1024,
        environment: [String: String]
    ) throws(OpenError) -> ListeningSocket {
        func fail(_ reason: String) -> OpenError { OpenError(address: address, reason: reason) }
        switch address {
        case .unixSocket(let path):
            try removeStaleSocket(at: path, address: address)
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw fail("socket(): \(errnoText())") }
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in
                raw.copyBytes(from: path.utf8)
                raw[path.utf8.count] = 0
            }
            // Bind under a tight umask, then widen to the requested mode, so the
            // socket is never briefly reachable by anyone else.
            let previousMask = umask(0o177)
            let bound = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            umask(previousMask)
            guard bound == 0 else {
                let text = errnoText()
                _ = Glibc.close(fd)
                throw fail("bind(): \(text)")
            }
            if let socketGroup {
                guard let group = getgrnam(socketGroup) else {
                    _ = Glibc.close(fd); unlink(path)
                    throw fail("no group named \(socketGroup)")
                }
                guard chown(path, uid_t.max, group.pointee.gr_gid) == 0 else {
                    let text = errnoText()
                    _ = Glibc.close(fd); unlink(path)
                    throw fail("chown to group \(socketGroup): \(text)")
                }
            }
            guard chmod(path, socketMode) == 0 else {
                let text = errnoText()
                _ = Glibc.close(fd); unlink(path)
                throw fail("chmod(): \(text)")
            }
            guard listen(fd, backlog) == 0 else {
                let text = errnoText()
                _ = Glibc.close(fd); unlink(path)
                throw fail("listen(): \(text)")
            }
            setCloseOnExec(fd)
            return ListeningSocket(fileDescriptor: fd, address: address, ownedPath: path)

        case .tcp(let host, let port):
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
            var result: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, String(port), &hints, &result)
            guard status == 0, let first = result else {
                throw fail("cannot resolve host: \(String(cString: gai_strerror(status)))")
            }
            defer { freeaddrinfo(result) }
            let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
            guard fd >= 0 else { throw fail("socket(): \(errnoText())") }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
                let text = errnoText()
                _ = Glibc.close(fd)
                throw fail("bind(): \(text)")
            }
            guard listen(fd, backlog) == 0 else {
                let text = errnoText()
                _ = Glibc.close(fd)
                throw fail("listen(): \(text)")
            }
            setCloseOnExec(fd)
            return ListeningSocket(fileDescriptor: fd, address: address, ownedPath: nil)

        case .inherited(let fd):
            guard isListeningSocket(fd) else { throw fail("fd \(fd) is not a listening socket") }
            setCloseOnExec(fd)
            return ListeningSocket(fileDescriptor: fd, address: address, ownedPath: nil)

        case .systemd:
            guard let pidText = environment["LISTEN_PID"], let pid = Int32(pidText), pid == getpid() else {
                throw fail("LISTEN_PID is not this process: not started by systemd socket activation")
            }
            guard let countText = environment["LISTEN_FDS"], let count = Int(countText), count >= 1 else {
                throw fail("LISTEN_FDS is missing or zero")
            }
            let fd: Int32 = 3  // SD_LISTEN_FDS_START
            guard isListeningSocket(fd) else { throw fail("fd 3 is not a listening socket") }
            setCloseOnExec(fd)
            return ListeningSocket(fileDescriptor: fd, address: address, ownedPath: nil)
        }
    }

    /// Wakes every thread blocked in accept on this socket; new connections are refused.
    public func stopAccepting() {
        shutdown(fileDescriptor, Int32(SHUT_RDWR))
    }

    /// Removes the socket file the worker created, so nothing connects to a
    /// process that is going away. The descriptor stays open.
    public func removeSocketFile() {
        if let ownedPath { unlink(ownedPath) }
    }

    /// Closes the socket and removes its file. Only once no thread can still be
    /// accepting on it (see `FastCGIServer.waitForThreads`).
    public func close() {
        _ = Glibc.close(fileDescriptor)
        removeSocketFile()
    }

    /// A leftover socket file from a crashed worker is removed; a live one (some
    /// process still accepts on it) or a file that is not a socket is an error.
    private static func removeStaleSocket(at path: String, address: ListenAddress) throws(OpenError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw OpenError(address: address, reason: "\(path) exists and is not a socket")
        }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { return }
        defer { _ = Glibc.close(probe) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if connected == 0 {
            throw OpenError(address: address, reason: "another process is already listening on \(path)")
        }
        unlink(path)
    }

    private static func isListeningSocket(_ fd: Int32) -> Bool {
        var accepting: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 && accepting != 0
    }

    private static func setCloseOnExec(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFD)
        if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
    }
}

func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}
