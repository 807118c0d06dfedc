import Testing
@testable import PortalKit

@Suite("The tenant directory: parsed settings kept per workspace revision, never under another")
struct TenantDirectoryTests {
    @Test("settings saved after a credential's revision was read are labelled with their own version, not the older one")
    func labelledWithTheirOwnRevision() throws {
        let store = try makeStore()
        let clock = ManualClock()
        let workspace = try store.createWorkspace(NewWorkspace(slug: "acme", name: "Acme"), at: clock.now())
        let before = try #require(try store.workspaceRevision(id: workspace.id))
        var settings = PortalSettings.defaults(for: workspace)
        settings.name = "Acme help"
        let saved = try store.savePortalSettings(PortalSettingsSave(
            document: PortalSettingsDocument.stored(settings), expectedVersion: 0, customDomain: nil, newDomainToken: "t", audit: nil),
            in: workspace.id, at: clock.now())
        let after = try #require(try store.workspaceRevision(id: workspace.id))
        #expect(after != before && after.settingsVersion == saved)

        // A request that read its credential before the save, on a cold cache.
        let directory = TenantDirectory(store: store)
        #expect(try directory.workspace(at: before)?.id == workspace.id)
        let tenant = try #require(try directory.tenant(resolvedAt: before, host: "acme.portal.localhost"))
        #expect(tenant.settings.name == "Acme help")
        #expect(tenant.settingsVersion == saved)
        // And the current revision finds the same entry.
        #expect(try directory.tenant(resolvedAt: after, host: "acme.portal.localhost")?.settingsVersion == saved)
    }
}
