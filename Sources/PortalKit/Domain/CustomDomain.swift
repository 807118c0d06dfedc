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

    public init(workspaceID: WorkspaceID, hostname: String, verificationToken: String, status: CustomDomainStatus,
                statusReason: String?, createdAt: Timestamp, verifiedAt: Timestamp? = nil,
                certificateIssuedAt: Timestamp? = nil, activatedAt: Timestamp? = nil, failedAt: Timestamp? = nil,
                certificateExpiresAt: Timestamp? = nil) {
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
    }

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

/// The custom domain as the settings show it: state, times and the exact DNS
/// records the operator must create.
public struct CustomDomainView: Sendable, Equatable {
    public let domain: CustomDomain
    /// Where the CNAME must point (`PORTAL_EDGE_HOST`).
    public let edgeHost: String

    public init(domain: CustomDomain, edgeHost: String) {
        self.domain = domain
        self.edgeHost = edgeHost
    }

    public var hostname: String { domain.hostname }

    /// What a client may send back unchanged inside `customDomain`.
    static let readOnlyKeys: Set<String> = [
        "status", "statusReason", "records", "createdAt", "verifiedAt", "certificateIssuedAt", "activatedAt", "failedAt",
        "certificateExpiresAt",
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

    public func write(into json: inout JSONWriter) {
        json.object { json in
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
            json.field("createdAt", domain.createdAt)
            json.field("verifiedAt", domain.verifiedAt)
            json.field("certificateIssuedAt", domain.certificateIssuedAt)
            json.field("activatedAt", domain.activatedAt)
            json.field("failedAt", domain.failedAt)
            json.field("certificateExpiresAt", domain.certificateExpiresAt)
        }
    }
}
