import ArgumentParser
import Foundation
import PortalKit

struct DomainsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domains", abstract: "Custom domains: list them, and re-check their DNS records.",
        subcommands: [List.self, Check.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every workspace's custom domain and its state.")

        func run() throws {
            let store = try Environment.store()
            for domain in try store.allCustomDomains() {
                print(DomainsCommand.line(domain))
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Look up every custom domain's TXT record now (run periodically by woes-portal-domains.timer).",
            discussion: "Verifies pending domains, flags verified ones whose record disappeared, and stops routing them after PORTAL_DNS_GRACE.")

        func run() throws {
            let configuration = try Environment.configuration()
            let store = try Environment.store()
            let checks = CustomDomainChecks(store: store, resolver: SystemDNSResolver(server: configuration.domains.resolver),
                                            configuration: configuration)
            for domain in try checks.checkAll(now: Environment.now) {
                print(DomainsCommand.line(domain))
            }
        }
    }

    static func line(_ domain: CustomDomain) -> String {
        var parts = [domain.hostname, domain.status.rawValue, "txt=\(domain.txtStatus?.rawValue ?? "unchecked")"]
        if let expires = domain.certificateExpiresAt { parts.append("certificate until \(expires.iso8601)") }
        if let reason = domain.statusReason { parts.append(reason) }
        return parts.joined(separator: "\t")
    }
}

struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs", abstract: "Certificates of custom domains.", subcommands: [Sync.self])

    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Obtain and renew custom-domain certificates with certbot, write nginx's server blocks, reload nginx.",
            discussion: """
                Run by woes-portal-domains.timer. Uses PORTAL_ACME_SERVER, PORTAL_ACME_EMAIL, PORTAL_ACME_WEBROOT, \
                PORTAL_CERTS_DIR, PORTAL_NGINX_DIR, PORTAL_NGINX_TEST, PORTAL_NGINX_RELOAD, PORTAL_CERTBOT, PORTAL_TLS_KEY_GROUP.
                Exits with status 1 when a certificate could not be obtained (the domain shows why; it is retried later).
                """)

        func run() throws {
            let configuration = try Environment.configuration()
            let store = try Environment.store()
            let report = try CertificateSync(store: store, settings: configuration.domains).sync(now: Environment.now)
            for line in report.lines { print(line) }
            if report.reloaded { print("nginx reloaded") }
            if report.failures > 0 { throw ExitCode(1) }
        }
    }
}
