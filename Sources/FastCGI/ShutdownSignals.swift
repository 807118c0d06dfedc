#if canImport(Glibc)
import Glibc
#endif
import CFastCGI

/// Turns SIGTERM and SIGINT into a blocking `wait()` on an ordinary thread.
///
/// libfcgi's own SIGTERM handler (installed by `FCGX_Init`) only sets a flag that
/// is read at the next accept, so a threaded worker blocked in accept would never
/// exit. We replace it with a handler that writes to a self-pipe, which is
/// async-signal-safe and works whichever thread the kernel delivers the signal to.
public final class ShutdownSignals: Sendable {
    private let readFD: Int32

    public struct InstallError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Installs the handlers. Call after `FastCGIServer.initializeLibrary()` so
    /// libfcgi's handlers are replaced, and before starting threads.
    public static func install() throws(InstallError) -> ShutdownSignals {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw InstallError(description: "pipe(): \(errnoText())") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
        signalPipeWriteFD = fds[1]
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            var byte = UInt8(truncatingIfNeeded: signal)
            _ = write(signalPipeWriteFD, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        for signal in [SIGTERM, SIGINT] {
            guard sigaction(signal, &action, nil) == 0 else {
                throw InstallError(description: "sigaction(\(signal)): \(errnoText())")
            }
        }
        return ShutdownSignals(readFD: fds[0])
    }

    private init(readFD: Int32) { self.readFD = readFD }

    /// Blocks until SIGTERM or SIGINT arrives; returns the signal number.
    public func wait() -> Int32 {
        var byte: UInt8 = 0
        while true {
            let count = read(readFD, &byte, 1)
            if count == 1 { return Int32(byte) }
            if count < 0 && errno == EINTR { continue }
            return SIGTERM
        }
    }
}

/// Written only once, before the handler can run; read by the signal handler.
nonisolated(unsafe) private var signalPipeWriteFD: Int32 = -1
