
/// Finds a portal's workspace and its parsed settings. Parsing the settings
/// document on every request would be wasted work, so the parsed settings,
/// with the workspace and its custom domain, are kept per workspace and reused
/// while the workspace's revision (one indexed lookup) is unchanged: a saved
/// setting shows on the very next request. Any change to a workspace's row or
/// its domain's moves its revision (triggers of migrations v5 and v6 see to it
/// for changes made outside this program too).
final class TenantDirectory: Sendable {
    private let store: any PortalStore
    private let cache = SpinningLock<[WorkspaceID: Entry]>([:])

    /// A class: every request takes one from the dictionary, which is then a
    /// retain rather than a copy of all its fields.
    private final class Entry: Sendable {
        let revision: WorkspaceRevision
        let workspace: Workspace
        let settings: PortalSettings
        let customDomain: CustomDomain?
        let presentation: PortalPresentation
        let brand: PortalBrand
        let settingsDocument: PortalSettingsDocument.Prewritten

        init(_ snapshot: PortalTenantSnapshot) {
            let workspace = snapshot.workspace
            let settings = snapshot.settings.document.map { PortalSettingsDocument.readStored($0, workspace: workspace) }
                ?? .defaults(for: workspace)
            revision = snapshot.revision
            self.workspace = workspace
            self.settings = settings
            customDomain = snapshot.customDomain
            presentation = PortalPresentation(workspace: workspace, settings: settings)
            brand = PortalBrand(settings: settings)
            settingsDocument = PortalSettingsDocument.Prewritten(settings)
        }
    }

    init(store: any PortalStore) {
        self.store = store
    }

    /// The tenant of a portal host `<slug>.<base domain>`; nil for an unknown slug.
    func tenant(slug: String, host: String) throws -> PortalTenant? {
        guard let revision = try store.workspaceRevision(slug: slug) else { return nil }
        return try tenant(revision: revision, host: host)
    }

    /// The tenant of a verified custom domain; nil for any other name, or
    /// once the domain stopped routing.
    func tenant(customDomain host: String) throws -> PortalTenant? {
        // The entry's own domain decides (it may be newer than the revision
        // read here): a domain released or stopped meanwhile is not served.
        guard let revision = try store.workspaceRevision(customDomain: host), let entry = try entry(revision: revision),
              let domain = entry.customDomain, domain.hostname == host, domain.isRoutable
        else { return nil }
        return tenant(entry, host: host)
    }

    /// The tenant of a known workspace (operator pages, preview).
    func tenant(workspace id: WorkspaceID, host: String) throws -> PortalTenant? {
        guard let revision = try store.workspaceRevision(id: id) else { return nil }
        return try tenant(revision: revision, host: host)
    }

    /// A workspace at (or after) a revision its credential was read with
    /// (operator sessions and API keys), decoded once per revision.
    func workspace(at revision: WorkspaceRevision) throws -> Workspace? {
        try entry(revision: revision)?.workspace
    }

    /// The tenant at a revision read earlier in this request, without asking
    /// for the revision again while the cache holds exactly it; otherwise (a
    /// save since then, or a cold cache) as `tenant(workspace:host:)`, so an
    /// older revision never labels newer settings nor replaces them here.
    func tenant(resolvedAt revision: WorkspaceRevision, host: String) throws -> PortalTenant? {
        if let entry = cache.withLock({ $0[revision.id] }), entry.revision == revision {
            return tenant(entry, host: host)
        }
        return try tenant(workspace: revision.id, host: host)
    }

    private func tenant(revision: WorkspaceRevision, host: String) throws -> PortalTenant? {
        guard let entry = try entry(revision: revision) else { return nil }
        return tenant(entry, host: host)
    }

    private func tenant(_ entry: Entry, host: String) -> PortalTenant {
        let revision = entry.revision
        let updatedAt = revision.settingsVersion > 0 ? Timestamp(millisecondsSinceEpoch: revision.updatedAt) : nil
        return PortalTenant(workspace: entry.workspace, settings: entry.settings, settingsVersion: revision.settingsVersion,
                            settingsUpdatedAt: updatedAt, host: host, presentation: entry.presentation, brand: entry.brand,
                            settingsDocument: entry.settingsDocument, customDomain: entry.customDomain)
    }

    /// The entry at `revision`, or — when the workspace changed since that
    /// revision was read — at the newer one it was read at: an entry is
    /// always labelled with the revision of its own content.
    private func entry(revision: WorkspaceRevision) throws -> Entry? {
        if let entry = cache.withLock({ $0[revision.id] }), entry.revision == revision { return entry }
        guard let snapshot = try store.portalTenantSnapshot(of: revision.id) else { return nil }
        let entry = Entry(snapshot)
        cache.withLock { $0[entry.revision.id] = entry }
        return entry
    }
}
