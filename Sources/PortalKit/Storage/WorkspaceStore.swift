public protocol WorkspaceStore {
    func createWorkspace(_ new: NewWorkspace, at now: Timestamp) throws(StoreError) -> Workspace
    func workspace(id: WorkspaceID) throws(StoreError) -> Workspace?
    /// Entry point: resolves a portal host's slug.
    func workspace(slug: String) throws(StoreError) -> Workspace?
    func workspaces() throws(StoreError) -> [Workspace]
    /// Entry point, cheap: which workspace a slug names and how recent its
    /// definition and settings are (for caches).
    func workspaceRevision(slug: String) throws(StoreError) -> WorkspaceRevision?
    func workspaceRevision(id: WorkspaceID) throws(StoreError) -> WorkspaceRevision?
    /// Entry point of a request on a custom domain: the revision of the
    /// workspace that claimed the hostname (in any status; the domain itself
    /// is kept with the workspace's cached settings).
    func workspaceRevision(customDomain hostname: String) throws(StoreError) -> WorkspaceRevision?
}

/// Changes whenever a workspace's definition, portal settings or custom
/// domain change.
public struct WorkspaceRevision: Hashable, Sendable {
    public let id: WorkspaceID
    public let updatedAt: Int64
    public let settingsVersion: Int64
    /// Moves with every change to the workspace's custom domain row.
    public let customDomainRevision: Int64

    public init(id: WorkspaceID, updatedAt: Int64, settingsVersion: Int64, customDomainRevision: Int64) {
        self.id = id
        self.updatedAt = updatedAt
        self.settingsVersion = settingsVersion
        self.customDomainRevision = customDomainRevision
    }
}

public struct NewWorkspace: Sendable {
    public var slug: String
    public var name: String
    public var issueStatuses: [StatusDefinition]
    public var taskStatuses: [StatusDefinition]
    public var priorities: [String]
    public var customFields: [CustomFieldDefinition]

    public init(slug: String, name: String, issueStatuses: [StatusDefinition] = WorkspaceDefaults.issueStatuses,
                taskStatuses: [StatusDefinition] = WorkspaceDefaults.taskStatuses,
                priorities: [String] = WorkspaceDefaults.priorities, customFields: [CustomFieldDefinition] = []) {
        self.slug = slug
        self.name = name
        self.issueStatuses = issueStatuses
        self.taskStatuses = taskStatuses
        self.priorities = priorities
        self.customFields = customFields
    }
}

/// Workspace slugs double as DNS labels: `acme` in `acme.portal.example.net`.
public enum WorkspaceSlug {
    public static func isValid(_ slug: String) -> Bool {
        let bytes = Array(slug.utf8)
        guard (2...40).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else {
            return false
        }
        return bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "-")
        }
    }
}
