import Foundation
import HTTPTypes
import Synchronization
import Testing
@testable import PortalKit

/// DNS answers the tests decide (the real resolver and dnsmasq are in the integration suite).
final class FakeResolver: DNSResolver {
    let answers = Mutex<[String: DNSAnswer]>([:])

    func set(_ name: String, _ type: DNSRecordType, _ answer: DNSAnswer) {
        answers.withLock { $0["\(type):\(name)"] = answer }
    }

    func lookup(_ name: String, type: DNSRecordType) -> DNSAnswer {
        answers.withLock { $0["\(type):\(name)"] } ?? .nonexistentName
    }
}

@Suite("Custom domains: verification, routing, certificates")
struct CustomDomainTests {
    static let edge = "edge.portal.localhost"

    static func domain(verified: Bool = false) -> CustomDomain {
        CustomDomain(workspaceID: WorkspaceID(1), hostname: "support.acme.test", verificationToken: "abc", status: verified ? .verified : .pendingDNS,
                     statusReason: nil, createdAt: Timestamp(millisecondsSinceEpoch: 1_000_000),
                     verifiedAt: verified ? Timestamp(millisecondsSinceEpoch: 2_000_000) : nil)
    }

    static func report(_ txt: CustomDomain.TXTStatus, cname: String? = edge) -> CustomDomainLifecycle.DNSReport {
        CustomDomainLifecycle.DNSReport(txt: txt, failure: txt == .unknown ? "no answer" : nil, cnameTarget: cname)
    }

    @Test("the TXT record verifies; a wrong one or none leaves it pending with the reason")
    func verification() {
        let now = Timestamp(millisecondsSinceEpoch: 5_000_000)
        let (missing, _) = CustomDomainLifecycle.applying(Self.report(.missing), to: Self.domain(), edgeHost: Self.edge, graceSeconds: 60, now: now)
        #expect(missing.status == .pendingDNS && missing.statusReason?.contains("no TXT record") == true)
        let (wrong, _) = CustomDomainLifecycle.applying(Self.report(.wrongValue), to: Self.domain(), edgeHost: Self.edge, graceSeconds: 60, now: now)
        #expect(wrong.status == .pendingDNS && wrong.statusReason?.contains("does not contain woes-verify=abc") == true)
        let (unknown, _) = CustomDomainLifecycle.applying(Self.report(.unknown), to: Self.domain(), edgeHost: Self.edge, graceSeconds: 60, now: now)
        #expect(unknown.status == .pendingDNS && unknown.statusReason?.contains("could not complete") == true)
        let (found, event) = CustomDomainLifecycle.applying(Self.report(.found), to: Self.domain(), edgeHost: Self.edge, graceSeconds: 60, now: now)
        #expect(found.status == .verified && found.verifiedAt == now && event == "custom_domain.verified" && found.isRoutable)
        let (elsewhere, _) = CustomDomainLifecycle.applying(Self.report(.found, cname: "other.example"), to: Self.domain(),
                                                            edgeHost: Self.edge, graceSeconds: 60, now: now)
        #expect(elsewhere.status == .verified && elsewhere.statusReason?.contains("does not point to \(Self.edge)") == true)
    }

    @Test("a TXT record that disappears is flagged, stops routing after the grace period, and comes back")
    func grace() {
        var now = Timestamp(millisecondsSinceEpoch: 10_000_000)
        var (domain, event) = CustomDomainLifecycle.applying(Self.report(.missing), to: Self.domain(verified: true), edgeHost: Self.edge,
                                                             graceSeconds: 3600, now: now)
        #expect(domain.txtMissingSince == now && domain.isRoutable && event == "custom_domain.txt_missing")
        // A resolver without an answer is not evidence of a missing record.
        now = now.adding(seconds: 3000)
        (domain, event) = CustomDomainLifecycle.applying(Self.report(.unknown), to: domain, edgeHost: Self.edge, graceSeconds: 3600, now: now)
        #expect(domain.isRoutable && event == nil)
        now = now.adding(seconds: 599)
        (domain, _) = CustomDomainLifecycle.applying(Self.report(.missing), to: domain, edgeHost: Self.edge, graceSeconds: 3600, now: now)
        #expect(domain.isRoutable)
        now = now.adding(seconds: 1)
        (domain, event) = CustomDomainLifecycle.applying(Self.report(.missing), to: domain, edgeHost: Self.edge, graceSeconds: 3600, now: now)
        #expect(!domain.isRoutable && domain.status == .failed && event == "custom_domain.routing_stopped")
        (domain, event) = CustomDomainLifecycle.applying(Self.report(.found), to: domain, edgeHost: Self.edge, graceSeconds: 3600, now: now)
        #expect(domain.isRoutable && domain.status == .verified && domain.txtMissingSince == nil && event == "custom_domain.routing_resumed")
    }

    @Test("certificates: due within 30 days, backoff after failures, a warning within 20 days when renewal fails")
    func certificates() {
        let now = Timestamp(millisecondsSinceEpoch: 100_000_000_000)
        var domain = Self.domain(verified: true)
        #expect(CustomDomainLifecycle.needsCertificate(domain, now: now))
        domain = CustomDomainLifecycle.certificateIssued(domain, expiresAt: now.adding(seconds: 90 * 86_400), now: now)
        domain = CustomDomainLifecycle.activated(domain, now: now)
        #expect(domain.status == .active && !CustomDomainLifecycle.needsCertificate(domain, now: now))
        let later = now.adding(seconds: 75 * 86_400)  // 15 days left
        #expect(CustomDomainLifecycle.needsCertificate(domain, now: later))
        domain = CustomDomainLifecycle.certificateFailed(domain, error: "timeout", now: later)
        #expect(domain.status == .active, "still served by the current certificate")
        #expect(domain.nextCertificateAttemptAt == later.adding(seconds: 3600))
        #expect(!CustomDomainLifecycle.needsCertificate(domain, now: later.adding(seconds: 3599)))
        let view = CustomDomainView(domain: domain, edgeHost: Self.edge, now: later)
        #expect(view.certificateWarning?.contains("expires in 15 days") == true)
        #expect(view.certificateWarning?.contains("timeout") == true)
        domain = CustomDomainLifecycle.certificateFailed(domain, error: "timeout", now: later.adding(seconds: 3600))
        #expect(domain.nextCertificateAttemptAt == later.adding(seconds: 3600 + 3 * 3600))

        var fresh = CustomDomainLifecycle.certificateFailed(Self.domain(verified: true), error: "challenge failed", now: now)
        #expect(fresh.status == .failed && fresh.statusReason?.contains("challenge failed") == true && fresh.isRoutable)
        fresh = CustomDomainLifecycle.certificateIssued(fresh, expiresAt: now.adding(seconds: 86_400 * 90), now: now)
        #expect(fresh.status == .certificateIssued && fresh.certificateError == nil && fresh.certificateAttempts == 0)
    }

    @Test("openssl's notAfter and PORTAL_DNS_RESOLVER parse")
    func parsing() {
        #expect(CertificateSync.notAfter("notAfter=Feb 24 12:00:05 2031 GMT\n")?.iso8601 == "2031-02-24T12:00:05.000Z")
        #expect(CertificateSync.notAfter("notAfter=Feb 30 garbage") == nil)
        #expect(DNSServerAddress(parsing: "127.0.0.1:5353") == DNSServerAddress(parsing: "127.0.0.1:5353"))
        #expect(DNSServerAddress(parsing: "127.0.0.1")?.port == 53)
        for bad in ["localhost:53", "127.0.0.1:0", "127.0.0.1:70000", "1.2.3:53", "::1", "256.0.0.1"] {
            #expect(DNSServerAddress(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("a verified domain routes to its workspace's portal; unverified and unknown names get the neutral 404")
    func routing() throws {
        let resolver = FakeResolver()
        let f = try PortalFixture(resolver: resolver)
        #expect(f.saveSettings { $0["customDomain"] = ["hostname": "Support.Acme.Test"] }.status == 200)
        let token = try #require(try f.t.store.customDomain(in: f.acme.id)).verificationRecordValue
        let bob = [HTTPField.Name("X-Woes-Portal-Dev-Session")!: f.email("bob")]
        #expect(f.t.send(.get, "/api/portal/me", host: "support.acme.test", headers: HTTPFields(bob.map { HTTPField(name: $0.key, value: $0.value) })).status == 404)
        #expect(f.t.send(.get, "/internal/tls/allowed?domain=support.acme.test").status == 404)

        resolver.set("_woes-portal.support.acme.test", .txt, .records(["unrelated", token]))
        let verified = f.t.send(.post, "/api/account/client-portal/domain/verify", key: f.acmeKey)
        #expect(verified.status == 200 && verified["status"] == "verified" && verified["object"] == "custom_domain")
        let me = f.t.send(.get, "/api/portal/me", host: "support.acme.test", headers: HTTPFields(bob.map { HTTPField(name: $0.key, value: $0.value) }))
        #expect(me.status == 200 && me["email"] == .string(f.email("bob")))
        #expect(f.t.send(.get, "/internal/tls/allowed?domain=support.acme.test").status == 200)
        #expect(f.t.send(.get, "/api/portal/me", host: "other.acme.test").status == 404)
        // Globex's customers are not acme's, on acme's domain.
        let grace = f.t.send(.get, "/api/portal/me", host: "support.acme.test",
                             headers: [HTTPField.Name("X-Woes-Portal-Dev-Session")!: "grace@globex.test"])
        #expect(grace.status == 401)
    }

    @Test("verifying needs customers.write, and a domain")
    func verifyRules() throws {
        let f = try PortalFixture(resolver: FakeResolver())
        #expect(f.t.send(.post, "/api/account/client-portal/domain/verify", key: f.acmeKey).status == 404)
        let reader = try f.t.key(in: f.acme, operator: nil, permissions: [.customersRead])
        #expect(f.t.send(.post, "/api/account/client-portal/domain/verify", key: reader).status == 403)
    }

    @Test("certs sync rolls back server blocks that nginx refuses")
    func rollback() throws {
        let store = try makeStore()
        let clock = ManualClock()
        let workspace = try store.createWorkspace(NewWorkspace(slug: "acme", name: "Acme"), at: clock.now())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certs-\(UUID().uuidString)").path
        var settings = DomainConfiguration()
        settings.certificatesDirectory = directory + "/certs"
        settings.nginxDirectory = directory + "/nginx"
        settings.acmeWebroot = directory + "/acme"
        try FileManager.default.createDirectory(atPath: settings.nginxDirectory, withIntermediateDirectories: true)
        try "server { server_name @DOMAIN@; ssl_certificate @DOMAIN_CERTIFICATE@; }".write(
            toFile: settings.nginxDirectory + "/custom-domain.conf.template", atomically: true, encoding: .utf8)
        _ = try store.savePortalSettings(PortalSettingsSave(
            document: PortalSettingsDocument.stored(.defaults(for: workspace)), expectedVersion: 0, customDomain: "support.acme.test",
            newDomainToken: "abc", audit: nil), in: workspace.id, at: clock.now())
        var domain = try #require(try store.customDomain(in: workspace.id))
        domain.verifiedAt = clock.now()
        domain.status = .verified
        _ = try store.updateCustomDomainState(domain, audit: nil, at: clock.now())

        let runner = ScriptedRunner(certbotLive: settings.certificatesDirectory + "/certbot/config/live/support.acme.test", nginxTestSucceeds: false)
        let report = try CertificateSync(store: store, settings: settings, runner: runner).sync(now: clock.now())
        #expect(!report.reloaded && report.failures == 1)
        #expect(!FileManager.default.fileExists(atPath: settings.nginxDirectory + "/custom-domains/support.acme.test.conf"))
        let failed = try #require(try store.customDomain(in: workspace.id))
        #expect(failed.status == .failed && failed.certificateError?.contains("nginx did not take the certificate") == true)
        #expect(runner.commands.withLock { $0.map(\.[0]) } == ["certbot", "openssl", "nginx"])
    }
}

/// Plays certbot (writing the files it would), openssl and nginx.
final class ScriptedRunner: CommandRunner {
    let certbotLive: String
    let nginxTestSucceeds: Bool
    let commands = Mutex<[[String]]>([])

    init(certbotLive: String, nginxTestSucceeds: Bool) {
        self.certbotLive = certbotLive
        self.nginxTestSucceeds = nginxTestSucceeds
    }

    func run(_ arguments: [String]) -> CommandResult {
        commands.withLock { $0.append(arguments) }
        switch arguments.first {
        case "certbot":
            try? FileManager.default.createDirectory(atPath: certbotLive, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: certbotLive + "/fullchain.pem", contents: Data("CERT".utf8))
            _ = FileManager.default.createFile(atPath: certbotLive + "/privkey.pem", contents: Data("KEY".utf8))
            return CommandResult(status: 0, output: "Successfully received certificate.")
        case "openssl":
            return CommandResult(status: 0, output: "notAfter=Feb 24 12:00:00 2031 GMT\n")
        default:
            return nginxTestSucceeds ? CommandResult(status: 0, output: "") : CommandResult(status: 1, output: "nginx: [emerg] bad")
        }
    }
}
