/// A workspace's own domain for its portal (`support.acme.com`), with the DNS
/// proof of ownership and the certificate state.
public struct CustomDomain: Sendable, Equatable {
    public let workspaceID: WorkspaceID
    public var hostname: String
    /// The value expected in the TXT record `_woes-portal.<hostname>`.
    public var verificationToken: String
    public var status: CustomDomainStatus
    /// Why the domain is `failed` (or still pending), for the operator.
    public var statusReason: String?
    public var createdAt: Timestamp
    public var verifiedAt: Timestamp?
    public var certificateIssuedAt: Timestamp?
    public var activatedAt: Timestamp?
    public var failedAt: Timestamp?
    public var certificateExpiresAt: Timestamp?

    // What the last DNS check saw.
    public var lastCheckedAt: Timestamp?
    public var txtStatus: TXTStatus?
    /// Where the hostname's CNAME points (nil: no CNAME).
    public var cnameTarget: String?
    /// A verified domain whose TXT record went away: since when (routing stops after the grace period).
    public var txtMissingSince: Timestamp?
    public var routingStoppedAt: Timestamp?

    // The certificate job's last failure and when it tries again.
    public var certificateError: String?
    public var certificateFailedAt: Timestamp?
    public var nextCertificateAttemptAt: Timestamp?
    public var certificateAttempts: Int

    public enum TXTStatus: String, Sendable {
        case found, missing
        case wrongValue = "wrong_value"
        /// The resolver gave no answer.
        case unknown
    }

    public init(workspaceID: WorkspaceID, hostname: String, verificationToken: String, status: CustomDomainStatus,
                statusReason: String?, createdAt: Timestamp, verifiedAt: Timestamp? = nil,
                certificateIssuedAt: Timestamp? = nil, activatedAt: Timestamp? = nil, failedAt: Timestamp? = nil,
                certificateExpiresAt: Timestamp? = nil, lastCheckedAt: Timestamp? = nil, txtStatus: TXTStatus? = nil,
                cnameTarget: String? = nil, txtMissingSince: Timestamp? = nil, routingStoppedAt: Timestamp? = nil,
                certificateError: String? = nil, certificateFailedAt: Timestamp? = nil,
                nextCertificateAttemptAt: Timestamp? = nil, certificateAttempts: Int = 0) {
        self.workspaceID = workspaceID
        self.hostname = hostname
        self.verificationToken = verificationToken
        self.status = status
        self.statusReason = statusReason
        self.createdAt = createdAt
        self.verifiedAt = verifiedAt
        self.certificateIssuedAt = certificateIssuedAt
        self.activatedAt = activatedAt
        self.failedAt = failedAt
        self.certificateExpiresAt = certificateExpiresAt
        self.lastCheckedAt = lastCheckedAt
        self.txtStatus = txtStatus
        self.cnameTarget = cnameTarget
        self.txtMissingSince = txtMissingSince
        self.routingStoppedAt = routingStoppedAt
        self.certificateError = certificateError
        self.certificateFailedAt = certificateFailedAt
        self.nextCertificateAttemptAt = nextCertificateAttemptAt
        self.certificateAttempts = certificateAttempts
    }

    /// Requests for this hostname reach the workspace's portal: it was
    /// verified and its TXT record has not been gone past the grace period.
    public var isRoutable: Bool { verifiedAt != nil && routingStoppedAt == nil }

    /// The TXT record's name.
    public var verificationRecordName: String { "_woes-portal." + hostname }
    /// The TXT record's value.
    public var verificationRecordValue: String { "woes-verify=" + verificationToken }
}

public enum CustomDomainStatus: String, Sendable, CaseIterable {
    case pendingDNS = "pending_dns"
    case verified
    case certificateIssued = "certificate_issued"
    case active
    case failed
}

/// The custom domain as the settings show it: state, times, what the last
/// DNS check saw, the certificate, and the exact DNS records to create.
public struct CustomDomainView: Sendable, Equatable {
    public let domain: CustomDomain
    /// Where the CNAME must point (`PORTAL_EDGE_HOST`).
    public let edgeHost: String
    public let now: Timestamp

    /// A certificate this close to its end that could not be renewed gets a warning.
    public static let expiryWarningSeconds: Int64 = 20 * 86_400

    public init(domain: CustomDomain, edgeHost: String, now: Timestamp) {
        self.domain = domain
        self.edgeHost = edgeHost
        self.now = now
    }

    public var hostname: String { domain.hostname }

    /// What a client may send back unchanged inside `customDomain`.
    static let readOnlyKeys: Set<String> = [
        "status", "statusReason", "records", "createdAt", "verifiedAt", "certificateIssuedAt", "activatedAt", "failedAt",
        "certificateExpiresAt", "dns", "txtMissingSince", "routingStoppedAt", "certificateError", "nextCertificateAttemptAt",
        "certificateWarning",
    ]

    public struct Record: Sendable, Equatable {
        public let type: String
        public let name: String
        public let value: String
    }

    public var records: [Record] {
        [Record(type: "CNAME", name: domain.hostname, value: edgeHost),
         Record(type: "TXT", name: domain.verificationRecordName, value: domain.verificationRecordValue)]
    }

    /// Whether the hostname's CNAME points at the edge host (nil: not checked yet).
    public var cnamePointsToEdge: Bool? {
        guard domain.lastCheckedAt != nil else { return nil }
        return domain.cnameTarget?.lowercased() == edgeHost.lowercased()
    }

    /// Set when the certificate ends within 20 days and its renewal failed.
    public var certificateWarning: String? {
        guard let expires = domain.certificateExpiresAt, let failed = domain.certificateFailedAt,
              expires.millisecondsSinceEpoch - now.millisecondsSinceEpoch < Self.expiryWarningSeconds * 1000,
              domain.certificateIssuedAt.map({ failed > $0 }) ?? true
        else { return nil }
        let days = max(0, (expires.millisecondsSinceEpoch - now.millisecondsSinceEpoch) / 86_400_000)
        return "The certificate expires in \(days) day\(days == 1 ? "" : "s") (\(expires.display)) and could not be renewed: "
            + (domain.certificateError ?? "unknown error")
    }

    public func write(into json: inout JSONWriter, object: String? = nil) {
        json.object { json in
            if let object { json.field("object", object) }
            json.field("hostname", domain.hostname)
            json.field("status", domain.status.rawValue)
            json.field("statusReason", domain.statusReason)
            json.key("records")
            json.array { json in
                for record in records {
                    json.object { json in
                        json.field("type", record.type)
                        json.field("name", record.name)
                        json.field("value", record.value)
                    }
                }
            }
            json.key("dns")
            json.object { json in
                json.field("checkedAt", domain.lastCheckedAt)
                json.field("txt", domain.txtStatus?.rawValue)
                json.field("cnameTarget", domain.cnameTarget)
                json.field("cnamePointsToEdge", cnamePointsToEdge)
            }
            json.field("createdAt", domain.createdAt)
            json.field("verifiedAt", domain.verifiedAt)
            json.field("txtMissingSince", domain.txtMissingSince)
            json.field("routingStoppedAt", domain.routingStoppedAt)
            json.field("certificateIssuedAt", domain.certificateIssuedAt)
            json.field("activatedAt", domain.activatedAt)
            json.field("failedAt", domain.failedAt)
            json.field("certificateExpiresAt", domain.certificateExpiresAt)
            json.field("certificateError", domain.certificateError)
            json.field("nextCertificateAttemptAt", domain.nextCertificateAttemptAt)
            json.field("certificateWarning", certificateWarning)
        }
    }
}
