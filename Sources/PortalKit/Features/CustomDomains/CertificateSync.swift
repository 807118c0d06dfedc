#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// `portal certs sync`: obtains and renews the certificates of verified custom
/// domains with certbot (ACME HTTP-01 through the webroot nginx serves), installs
/// them, writes one nginx server block per domain from the template that
/// deploy/render-nginx rendered, tests and reloads nginx, and records every step
/// on the domain. Safe to run again at any time: it only does what is due.
public struct CertificateSync: Sendable {
    let store: any PortalStore
    let settings: DomainConfiguration
    let runner: any CommandRunner

    public init(store: any PortalStore, settings: DomainConfiguration, runner: any CommandRunner = ProcessCommandRunner()) {
        self.store = store
        self.settings = settings
        self.runner = runner
    }

    /// What one run did, domain by domain.
    public struct Report: Sendable, Equatable {
        public var lines: [String] = []
        public var reloaded = false
        public var failures = 0
    }

    // MARK: Files

    var tlsDirectory: String { settings.certificatesDirectory + "/tls" }
    func certificatePath(_ host: String) -> String { "\(tlsDirectory)/\(host).crt" }
    func keyPath(_ host: String) -> String { "\(tlsDirectory)/\(host).key" }
    var templatePath: String { settings.nginxDirectory + "/custom-domain.conf.template" }
    var blocksDirectory: String { settings.nginxDirectory + "/custom-domains" }
    func blockPath(_ host: String) -> String { "\(blocksDirectory)/\(host).conf" }

    public func sync(now: Timestamp) throws -> Report {
        var report = Report()
        let fileManager = FileManager.default
        for directory in [tlsDirectory, blocksDirectory, settings.acmeWebroot] {
            try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        chmod(tlsDirectory, 0o750)
        var domains = try store.allCustomDomains()

        // 1. Certificates that are missing or due.
        for index in domains.indices {
            let domain = domains[index]
            let filesMissing = domain.isRoutable && domain.certificateIssuedAt != nil
                && !fileManager.fileExists(atPath: certificatePath(domain.hostname))
            guard CustomDomainLifecycle.needsCertificate(domain, now: now) || filesMissing else { continue }
            let updated: CustomDomain
            switch obtainCertificate(for: domain.hostname) {
            case .success(let expiresAt):
                updated = CustomDomainLifecycle.certificateIssued(domain, expiresAt: expiresAt, now: now)
                report.lines.append("\(domain.hostname): certificate issued, valid until \(expiresAt.iso8601)")
            case .failure(let failure):
                updated = CustomDomainLifecycle.certificateFailed(domain, error: failure.reason, now: now)
                report.failures += 1
                report.lines.append("\(domain.hostname): certificate request failed: \(failure.reason)")
            }
            let audit = NewAuditEvent(
                actor: .system, action: updated.certificateError == nil ? "custom_domain.certificate_issued" : "custom_domain.certificate_failed",
                target: "custom_domain:\(domain.hostname)",
                details: ["hostname": .string(domain.hostname), "error": updated.certificateError.map(JSONValue.string) ?? .null])
            if try store.updateCustomDomainState(updated, audit: audit, at: now) { domains[index] = updated }
        }

        // 2. nginx server blocks: one per routable domain with a certificate, none for any other.
        let template = try String(contentsOfFile: templatePath, encoding: .utf8)
        var wanted: [String: String] = [:]
        for domain in domains where domain.isRoutable && fileManager.fileExists(atPath: certificatePath(domain.hostname)) {
            wanted[domain.hostname] = template
                .replacingOccurrences(of: "@DOMAIN@", with: domain.hostname)
                .replacingOccurrences(of: "@DOMAIN_CERTIFICATE@", with: absolute(certificatePath(domain.hostname)))
                .replacingOccurrences(of: "@DOMAIN_CERTIFICATE_KEY@", with: absolute(keyPath(domain.hostname)))
        }
        var previous: [String: String] = [:]
        for file in (try? fileManager.contentsOfDirectory(atPath: blocksDirectory)) ?? [] where file.hasSuffix(".conf") {
            previous[String(file.dropLast(5))] = try? String(contentsOfFile: "\(blocksDirectory)/\(file)", encoding: .utf8)
        }
        let renewed = Set(domains.filter { $0.status == .certificateIssued }.map(\.hostname))
        let changed = wanted != previous || !renewed.isEmpty
        if changed {
            for host in previous.keys where wanted[host] == nil {
                try? fileManager.removeItem(atPath: blockPath(host))
                report.lines.append("\(host): server block removed (no longer routed)")
            }
            for (host, text) in wanted where previous[host] != text {
                try text.write(toFile: blockPath(host), atomically: true, encoding: .utf8)
            }
            // 3. Test, then reload; a configuration nginx refuses is rolled back.
            let test = runner.run(settings.nginxTestCommand)
            if test.succeeded {
                let reload = runner.run(settings.nginxReloadCommand)
                report.reloaded = reload.succeeded
                if !reload.succeeded { report.lines.append("nginx reload failed: \(reload.summary())") }
            } else {
                report.lines.append("nginx refused the configuration, rolled back: \(test.summary())")
                for host in wanted.keys where previous[host] == nil { try? fileManager.removeItem(atPath: blockPath(host)) }
                for (host, text) in previous { try? text.write(toFile: blockPath(host), atomically: true, encoding: .utf8) }
            }
            for index in domains.indices where renewed.contains(domains[index].hostname) {
                let domain = domains[index]
                let next = report.reloaded
                    ? CustomDomainLifecycle.activated(domain, now: now)
                    : CustomDomainLifecycle.certificateFailed(domain, error: "nginx did not take the certificate: \(test.summary())", now: now)
                let audit = NewAuditEvent(actor: .system, action: report.reloaded ? "custom_domain.activated" : "custom_domain.certificate_failed",
                                          target: "custom_domain:\(domain.hostname)", details: ["hostname": .string(domain.hostname)])
                if try store.updateCustomDomainState(next, audit: audit, at: now) {
                    domains[index] = next
                    if report.reloaded { report.lines.append("\(domain.hostname): active") } else { report.failures += 1 }
                }
            }
        }
        if report.lines.isEmpty { report.lines.append("nothing to do (\(domains.count) custom domain\(domains.count == 1 ? "" : "s"))") }
        return report
    }

    // MARK: certbot

    struct Failure: Error { let reason: String }

    func obtainCertificate(for host: String) -> Result<Timestamp, Failure> {
        let certbotDirectory = settings.certificatesDirectory + "/certbot"
        var arguments = [
            settings.certbot, "certonly", "--non-interactive", "--agree-tos", "--webroot", "--webroot-path", absolute(settings.acmeWebroot),
            "--domain", host, "--cert-name", host, "--server", settings.acmeServer, "--keep-until-expiring",
            "--config-dir", absolute(certbotDirectory + "/config"), "--work-dir", absolute(certbotDirectory + "/work"),
            "--logs-dir", absolute(certbotDirectory + "/logs"),
        ]
        if let email = settings.acmeEmail { arguments += ["--email", email] } else { arguments.append("--register-unsafely-without-email") }
        let result = runner.run(arguments)
        guard result.succeeded else { return .failure(Failure(reason: result.summary())) }
        let live = certbotDirectory + "/config/live/" + host
        do {
            try install(from: live + "/fullchain.pem", to: certificatePath(host), mode: 0o644, group: nil)
            try install(from: live + "/privkey.pem", to: keyPath(host), mode: settings.keyGroup == nil ? 0o600 : 0o640,
                        group: settings.keyGroup)
        } catch {
            return .failure(Failure(reason: "certbot succeeded but its files could not be installed: \(error)"))
        }
        let dates = runner.run(["openssl", "x509", "-noout", "-enddate", "-in", certificatePath(host)])
        guard dates.succeeded, let expires = Self.notAfter(dates.output) else {
            return .failure(Failure(reason: "cannot read the certificate's expiry: \(dates.summary())"))
        }
        return .success(expires)
    }

    /// Copies through a temporary file created with its final mode and group,
    /// then renames: nginx never reads half a key, and no one else ever can.
    func install(from source: String, to destination: String, mode: mode_t, group: String?) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        let temporary = destination + ".tmp"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission) }
        if let group, let entry = getgrnam(group) { fchown(descriptor, uid_t.max, entry.pointee.gr_gid) }
        fchmod(descriptor, mode)
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: data)
        try handle.close()
        guard rename(temporary, destination) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// `notAfter=Feb 24 12:00:00 2027 GMT` → that time.
    static func notAfter(_ output: String) -> Timestamp? {
        guard let line = output.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("notAfter=") }) else { return nil }
        let parts = line.dropFirst("notAfter=".count).split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count >= 4, let month = months.firstIndex(of: String(parts[0])), let day = Int(parts[1]),
              let year = Int(parts[3])
        else { return nil }
        let time = parts[2].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3 else { return nil }
        return Timestamp.utc(year: year, month: month + 1, day: day, hour: time[0], minute: time[1], second: time[2])
    }

    func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
