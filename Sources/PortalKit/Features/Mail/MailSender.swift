#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import Synchronization

/// Delivers the outbox. It runs as a thread of the worker (nothing else to
/// deploy) and is safe to run in several processes at once: each mail is
/// claimed atomically before it is sent. A mail the server accepted is marked
/// sent and never sent again; a failed attempt is retried with backoff.
public final class MailSender: Sendable {
    private let store: any PortalStore
    private let server: SMTPServer?
    private let from: EmailAddress
    private let clock: any Clock
    private let logger: Logger
    /// Signalled when mail is committed, so delivery starts at once.
    private let wakeup = DispatchSemaphore(value: 0)
    private let running = Atomic<Bool>(false)
    /// When mail abandoned by a dead sender was last looked for (a write: once a minute is plenty).
    private let lastSweep = Mutex<Timestamp?>(nil)

    /// Seconds to wait after each failed attempt; then the mail is given up.
    public static let backoff: [Int64] = [10, 60, 300, 900, 3600, 3 * 3600]
    /// A mail `sending` for this long belongs to a sender that died.
    public static let claimLeaseSeconds: Int64 = 300

    public init(store: any PortalStore, server: SMTPServer?, from: EmailAddress, clock: any Clock, logger: Logger) {
        self.store = store
        self.server = server
        self.from = from
        self.clock = clock
        self.logger = logger
    }

    /// Starts the delivery thread (a no-op without an SMTP server).
    public func start() {
        guard server != nil, !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in
            while running.load(ordering: .acquiring) {
                let sent = (try? deliverDue()) ?? 0
                if sent == 0 { waitForWork(seconds: 2) }
            }
        }
        thread.name = "mail-sender"
        thread.start()
    }

    public func stop() {
        running.store(false, ordering: .releasing)
        wakeup.signal()
    }

    /// New mail was committed: deliver now rather than at the next poll.
    public func notify() {
        wakeup.signal()
    }

    /// Until notified, or the next poll (which picks up retries that came due).
    /// After a notification it waits a little more: the request that
    /// committed the mail has answered by then, so a sign-in for a known email
    /// does not answer later than one for an unknown email (and bursts coalesce).
    private func waitForWork(seconds: Int) {
        if wakeup.wait(timeout: .now() + .seconds(seconds)) == .success, running.load(ordering: .acquiring) {
            usleep(Self.settleMicroseconds)
        }
    }

    static let settleMicroseconds: UInt32 = 25_000

    /// Delivers every mail due now; returns how many were handled.
    @discardableResult
    public func deliverDue() throws -> Int {
        guard let server else { return 0 }
        let now = clock.now()
        let sweepDue = lastSweep.withLock { last in
            guard last.map({ now.millisecondsSinceEpoch - $0.millisecondsSinceEpoch >= 60_000 }) ?? true else { return false }
            last = now
            return true
        }
        if sweepDue {
            let abandoned = try store.abandonInterruptedMail(claimedBefore: now.adding(seconds: -Self.claimLeaseSeconds), at: now)
            if abandoned > 0 { logger.warning("mail interrupted during delivery, not retried", metadata: ["count": "\(abandoned)"]) }
        }
        var handled = 0
        while let mail = try store.claimDueMail(at: clock.now()) {
            handled += 1
            let messageID = "\(mail.id).\(RandomToken.hex(byteCount: 8))@\(from.domain)"
            do {
                try server.send(from: from, to: mail.to, message: MailMessage.render(mail, from: from, messageID: messageID,
                                                                                    date: clock.now()))
                try store.markMailSent(id: mail.id, at: clock.now())
                logger.info("mail sent", metadata: ["mail_id": "\(mail.id)", "attempt": "\(mail.attempts)"])
            } catch let failure as SMTPFailure {
                let retry = !failure.permanent && mail.attempts <= Self.backoff.count
                    ? clock.now().adding(seconds: Self.backoff[min(mail.attempts, Self.backoff.count) - 1]) : nil
                try store.markMailFailed(id: mail.id, error: String(failure.message.prefix(500)), retryAt: retry, at: clock.now())
                logger.warning("mail not delivered", metadata: [
                    "mail_id": "\(mail.id)", "attempt": "\(mail.attempts)", "error": "\(failure.message)",
                    "retry": "\(retry.map(\.iso8601) ?? "no")",
                ])
            }
        }
        return handled
    }
}
