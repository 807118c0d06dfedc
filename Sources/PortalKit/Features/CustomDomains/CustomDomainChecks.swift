/// Runs the DNS check of a custom domain and saves what it saw, with an audit
/// event when the domain changed state. Used by the verify endpoint and by
/// `portal domains check` (the periodic re-check).
public struct CustomDomainChecks: Sendable {
    let store: any PortalStore
    let resolver: any DNSResolver
    let edgeHost: String
    let graceSeconds: Int64

    public init(store: any PortalStore, resolver: any DNSResolver, configuration: Configuration) {
        self.store = store
        self.resolver = resolver
        edgeHost = configuration.portalEdgeHost
        graceSeconds = configuration.domains.graceSeconds
    }

    /// The domain after the check (as stored), or nil when the workspace replaced it meanwhile.
    public func check(_ domain: CustomDomain, now: Timestamp) throws -> CustomDomain? {
        let report = CustomDomainLifecycle.check(domain, resolver: resolver)
        let (checked, event) = CustomDomainLifecycle.applying(report, to: domain, edgeHost: edgeHost, graceSeconds: graceSeconds,
                                                              now: now)
        let audit = event.map { action in
            NewAuditEvent(actor: .system, action: action, target: "custom_domain:\(domain.hostname)",
                          details: ["hostname": .string(domain.hostname), "status": .string(checked.status.rawValue),
                                    "txt": .string(report.txt.rawValue)])
        }
        return try store.updateCustomDomainState(checked, audit: audit, at: now) ? checked : nil
    }

    /// Every domain, checked now; returns them as stored afterwards.
    public func checkAll(now: Timestamp) throws -> [CustomDomain] {
        try store.allCustomDomains().compactMap { try check($0, now: now) }
    }
}
