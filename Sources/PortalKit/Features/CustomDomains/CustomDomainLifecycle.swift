/// How a custom domain moves `pending_dns` → `verified` → `certificate_issued`
/// → `active` (or `failed`), as pure functions of what a DNS check or the
/// certificate job saw. Every rule is here, so the verify endpoint, the
/// periodic check and the certificate job cannot disagree.
public enum CustomDomainLifecycle {
    /// What one DNS check saw.
    public struct DNSReport: Sendable, Equatable {
        public var txt: CustomDomain.TXTStatus
        /// Why the TXT status is `unknown`.
        public var failure: String?
        public var cnameTarget: String?
    }

    /// Looks up `_woes-portal.<host>` TXT (and the host's CNAME) now.
    public static func check(_ domain: CustomDomain, resolver: any DNSResolver) -> DNSReport {
        var report = DNSReport(txt: .missing, failure: nil, cnameTarget: nil)
        switch resolver.lookup(domain.verificationRecordName, type: .txt) {
        case .records(let values):
            let expected = domain.verificationRecordValue
            report.txt = values.contains { $0.trimmingCharacters(in: " ") == expected } ? .found : .wrongValue
        case .nonexistentName, .noRecords:
            report.txt = .missing
        case .noAnswer(let reason):
            report.txt = .unknown
            report.failure = reason
        }
        if case .records(let targets) = resolver.lookup(domain.hostname, type: .cname), let target = targets.first {
            report.cnameTarget = target.hasSuffix(".") ? String(target.dropLast()) : target
        }
        return report
    }

    /// An audit action, when a check or the job changed something an operator should know.
    public typealias Event = String

    /// Applies a DNS check. A TXT record that disappears from a verified
    /// domain is flagged; after `graceSeconds` the domain stops routing.
    public static func applying(_ report: DNSReport, to original: CustomDomain, edgeHost: String, graceSeconds: Int64,
                                now: Timestamp) -> (CustomDomain, Event?) {
        var domain = original
        var event: Event?
        domain.lastCheckedAt = now
        domain.txtStatus = report.txt
        domain.cnameTarget = report.cnameTarget
        let record = domain.verificationRecordName
        let cnameNote = report.cnameTarget?.lowercased() == edgeHost.lowercased()
            ? "" : " The CNAME record of \(domain.hostname) does not point to \(edgeHost) yet, so visitors do not reach the portal."
        switch report.txt {
        case .found:
            domain.txtMissingSince = nil
            if domain.verifiedAt == nil {
                domain.verifiedAt = now
                domain.status = .verified
                domain.statusReason = "The TXT record is in place." + cnameNote
                event = "custom_domain.verified"
            } else if domain.routingStoppedAt != nil {
                domain.routingStoppedAt = nil
                domain.status = domain.activatedAt != nil && hasValidCertificate(domain, now: now) ? .active : .verified
                domain.statusReason = "The TXT record is back; the domain routes to the portal again." + cnameNote
                event = "custom_domain.routing_resumed"
            } else if domain.status != .failed {
                domain.statusReason = cnameNote.isEmpty ? nil : String(cnameNote.dropFirst())
            }
        case .missing, .wrongValue:
            let problem = report.txt == .missing
                ? "There is no TXT record at \(record)."
                : "The TXT record at \(record) does not contain \(domain.verificationRecordValue)."
            if domain.verifiedAt == nil {
                domain.statusReason = problem + " Create it as shown, then verify again."
            } else {
                let since = domain.txtMissingSince ?? now
                if domain.txtMissingSince == nil {
                    domain.txtMissingSince = now
                    event = "custom_domain.txt_missing"
                }
                if domain.routingStoppedAt == nil && now.millisecondsSinceEpoch - since.millisecondsSinceEpoch >= graceSeconds * 1000 {
                    domain.routingStoppedAt = now
                    domain.status = .failed
                    domain.failedAt = now
                    domain.statusReason = problem + " It has been missing since \(since.display), so the domain no longer routes to the portal."
                        + " Restore it and verify again."
                    event = "custom_domain.routing_stopped"
                } else if domain.routingStoppedAt == nil {
                    let deadline = since.adding(seconds: graceSeconds)
                    domain.statusReason = problem + " Missing since \(since.display); the domain stops routing on \(deadline.display)"
                        + " unless it is restored."
                }
            }
        case .unknown:
            if domain.verifiedAt == nil {
                domain.statusReason = "The DNS check could not complete: \(report.failure ?? "no answer"). It is tried again."
            }
        }
        return (domain, event)
    }

    // MARK: Certificates

    /// Certificates are renewed this long before they end.
    public static let renewalWindowSeconds: Int64 = 30 * 86_400
    /// Waits after failed certificate requests (then the last one, repeatedly).
    public static let certificateBackoffSeconds: [Int64] = [3600, 3 * 3600, 12 * 3600, 24 * 3600]

    /// A routable domain whose certificate is missing or due, and not waiting for a retry.
    public static func needsCertificate(_ domain: CustomDomain, now: Timestamp) -> Bool {
        guard domain.isRoutable else { return false }
        if let next = domain.nextCertificateAttemptAt, next > now { return false }
        guard let expires = domain.certificateExpiresAt, domain.certificateIssuedAt != nil else { return true }
        return expires.millisecondsSinceEpoch - now.millisecondsSinceEpoch < renewalWindowSeconds * 1000
    }

    static func hasValidCertificate(_ domain: CustomDomain, now: Timestamp) -> Bool {
        domain.certificateExpiresAt.map { $0 > now } ?? false
    }

    public static func certificateIssued(_ original: CustomDomain, expiresAt: Timestamp, now: Timestamp) -> CustomDomain {
        var domain = original
        domain.certificateIssuedAt = now
        domain.certificateExpiresAt = expiresAt
        domain.certificateError = nil
        domain.certificateFailedAt = nil
        domain.nextCertificateAttemptAt = nil
        domain.certificateAttempts = 0
        if domain.routingStoppedAt == nil {
            domain.status = .certificateIssued
            domain.statusReason = nil
        }
        return domain
    }

    /// nginx serves the certificate (its configuration was tested and reloaded).
    public static func activated(_ original: CustomDomain, now: Timestamp) -> CustomDomain {
        var domain = original
        guard domain.status == .certificateIssued else { return domain }
        domain.status = .active
        domain.activatedAt = now
        return domain
    }

    public static func certificateFailed(_ original: CustomDomain, error: String, now: Timestamp) -> CustomDomain {
        var domain = original
        domain.certificateAttempts += 1
        let wait = certificateBackoffSeconds[min(domain.certificateAttempts, certificateBackoffSeconds.count) - 1]
        let next = now.adding(seconds: wait)
        domain.certificateError = error
        domain.certificateFailedAt = now
        domain.nextCertificateAttemptAt = next
        if domain.activatedAt != nil && hasValidCertificate(domain, now: now) {
            // Still served with the current certificate: a warning, not a failure (see CustomDomainView.certificateWarning).
            domain.statusReason = "Renewing the certificate failed: \(error) It is tried again at \(next.display)."
        } else {
            domain.status = .failed
            domain.failedAt = now
            domain.statusReason = "The certificate request failed: \(error) It is tried again at \(next.display)."
        }
        return domain
    }
}
