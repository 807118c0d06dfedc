public protocol PortalSettingsStore {
    /// The workspace, its stored settings, its custom domain and the revision
    /// they are at, read in one statement (one snapshot): what a cache keeps
    /// under that revision.
    func portalTenantSnapshot(of workspace: WorkspaceID) throws(StoreError) -> PortalTenantSnapshot?
    /// Replaces the document if its version is still `expectedVersion`
    /// (`StoreError.versionMismatch` otherwise), claims or releases the custom
    /// domain, and appends the audit event — all in one transaction.
    /// Returns the new version.
    func savePortalSettings(_ save: PortalSettingsSave, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Int64

    /// A fresh read of the workspace's domain, for the DNS check and
    /// certificate routes that act on it (reads go through the tenant cache).
    func customDomain(in workspace: WorkspaceID) throws(StoreError) -> CustomDomain?
    /// Which workspace a hostname belongs to (any status), for nginx's
    /// certificate-allowed check.
    func customDomain(hostname: String) throws(StoreError) -> CustomDomain?
    /// Every workspace's domain, for the DNS and certificate jobs (which work across workspaces by nature).
    func allCustomDomains() throws(StoreError) -> [CustomDomain]
    /// Saves what a check or the certificate job learnt, unless the workspace
    /// replaced the domain meanwhile (then false, nothing written).
    func updateCustomDomainState(_ domain: CustomDomain, audit: NewAuditEvent?, at now: Timestamp) throws(StoreError) -> Bool

    /// Sets a customer's own portal access (nil: the workspace default) and audits it.
    func setPortalAccess(_ level: AccessLevel?, customer: CustomerID, audit: NewAuditEvent, in workspace: WorkspaceID,
                         at now: Timestamp) throws(StoreError) -> Customer?
}

/// What `portalTenantSnapshot(of:)` reads together.
public struct PortalTenantSnapshot: Sendable {
    public var workspace: Workspace
    /// The stored document and version (nil and 0 when never saved).
    public var settings: StoredPortalSettings
    /// The workspace's custom domain in any status (nil: none claimed).
    public var customDomain: CustomDomain?
    public var revision: WorkspaceRevision

    public init(workspace: Workspace, settings: StoredPortalSettings, customDomain: CustomDomain?, revision: WorkspaceRevision) {
        self.workspace = workspace
        self.settings = settings
        self.customDomain = customDomain
        self.revision = revision
    }
}

public struct StoredPortalSettings: Sendable, Equatable {
    public var document: String?
    public var version: Int64
    public var updatedAt: Timestamp?

    public init(document: String?, version: Int64, updatedAt: Timestamp?) {
        self.document = document
        self.version = version
        self.updatedAt = updatedAt
    }
}

public struct PortalSettingsSave: Sendable {
    public var document: String
    public var expectedVersion: Int64
    /// The hostname wanted now; a new one gets this verification token.
    public var customDomain: String?
    public var newDomainToken: String
    public var audit: NewAuditEvent?

    public init(document: String, expectedVersion: Int64, customDomain: String?, newDomainToken: String, audit: NewAuditEvent?) {
        self.document = document
        self.expectedVersion = expectedVersion
        self.customDomain = customDomain
        self.newDomainToken = newDomainToken
        self.audit = audit
    }
}
