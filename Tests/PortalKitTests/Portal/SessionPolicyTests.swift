import Testing
@testable import PortalKit

@Suite("Sessions end after 8 idle hours or 30 days, and are refreshed at most once a minute")
struct SessionPolicyTests {
    let policy = SessionPolicy()
    let start = Timestamp(millisecondsSinceEpoch: 1_000_000_000_000)

    func verdict(lastSeen: Int64, now: Int64, revoked: Bool = false) -> SessionPolicy.Verdict {
        policy.check(createdAt: start, lastSeenAt: start.adding(seconds: lastSeen), expiresAt: start.adding(seconds: 30 * 86_400),
                     revokedAt: revoked ? start : nil, now: start.adding(seconds: now))
    }

    @Test("fresh sessions are valid and not refreshed within the minute")
    func fresh() {
        #expect(verdict(lastSeen: 0, now: 59) == .valid(refresh: false))
        #expect(verdict(lastSeen: 0, now: 60) == .valid(refresh: true))
    }

    @Test("8 hours without use ends a session")
    func idle() {
        #expect(verdict(lastSeen: 0, now: 8 * 3600 - 1) == .valid(refresh: true))
        #expect(verdict(lastSeen: 0, now: 8 * 3600) == .expired)
    }

    @Test("30 days end it however active it is")
    func absolute() {
        #expect(verdict(lastSeen: 30 * 86_400 - 10, now: 30 * 86_400) == .expired)
    }

    @Test("a revoked session is over")
    func revoked() {
        #expect(verdict(lastSeen: 0, now: 1, revoked: true) == .expired)
    }
}
