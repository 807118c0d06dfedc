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

    @Test("the custom domain is kept with the settings, and every change to it — by this program or a raw UPDATE — moves the revision, not the settings' time")
    func customDomainMovesTheRevision() throws {
        let store = try makeStore()
        let clock = ManualClock()
        let workspace = try store.createWorkspace(NewWorkspace(slug: "acme", name: "Acme"), at: clock.now())
        let directory = TenantDirectory(store: store)
        #expect(try directory.tenant(workspace: workspace.id, host: "acme.portal.localhost")?.customDomain == nil)

        // Claimed with a settings save.
        var settings = PortalSettings.defaults(for: workspace)
        settings.customDomain = "support.acme.test"
        _ = try store.savePortalSettings(PortalSettingsSave(
            document: PortalSettingsDocument.stored(settings), expectedVersion: 0, customDomain: "support.acme.test",
            newDomainToken: "token", audit: nil), in: workspace.id, at: clock.now())
        let claimed = try #require(try store.workspaceRevision(id: workspace.id))
        let pending = try #require(try directory.tenant(workspace: workspace.id, host: "acme.portal.localhost")?.customDomain)
        #expect(pending.hostname == "support.acme.test" && pending.verifiedAt == nil)

        // A DNS check's result: a new revision, the same settings version and time.
        clock.advance(seconds: 60)
        var verified = pending
        verified.status = .verified
        verified.verifiedAt = clock.now()
        #expect(try store.updateCustomDomainState(verified, audit: nil, at: clock.now()))
        let checked = try #require(try store.workspaceRevision(id: workspace.id))
        #expect(checked.customDomainRevision > claimed.customDomainRevision)
        #expect(checked.updatedAt == claimed.updatedAt && checked.settingsVersion == claimed.settingsVersion)
        let tenant = try #require(try directory.tenant(resolvedAt: checked, host: "acme.portal.localhost"))
        #expect(tenant.customDomain?.verifiedAt == clock.now())
        #expect(tenant.settingsUpdatedAt == Timestamp(millisecondsSinceEpoch: claimed.updatedAt))

        // The route of a request on the domain reads the same revision.
        #expect(try store.workspaceRevision(customDomain: "support.acme.test") == checked)
        #expect(try directory.tenant(customDomain: "support.acme.test")?.workspace.id == workspace.id)
        #expect(try store.workspaceRevision(customDomain: "other.acme.test") == nil)

        // A writer outside this program (the sqlite3 prompt) stops routing.
        try store.write { db in
            try db.execute(sql: "UPDATE custom_domain SET routing_stopped_at = 1 WHERE workspace_id = ?",
                           arguments: [workspace.id.rawValue])
        }
        let stopped = try #require(try store.workspaceRevision(id: workspace.id))
        #expect(stopped.customDomainRevision > checked.customDomainRevision)
        #expect(try directory.tenant(resolvedAt: stopped, host: "acme.portal.localhost")?.customDomain?.isRoutable == false)
        #expect(try directory.tenant(customDomain: "support.acme.test") == nil)

        // Released with the next save: gone from the tenant too.
        settings.customDomain = nil
        _ = try store.savePortalSettings(PortalSettingsSave(
            document: PortalSettingsDocument.stored(settings), expectedVersion: claimed.settingsVersion, customDomain: nil,
            newDomainToken: "unused", audit: nil), in: workspace.id, at: clock.now())
        let released = try #require(try store.workspaceRevision(id: workspace.id))
        #expect(released.customDomainRevision > stopped.customDomainRevision)
        #expect(try directory.tenant(resolvedAt: released, host: "acme.portal.localhost")?.customDomain == nil)
    }

    @Test("a domain taken over with INSERT OR REPLACE (which fires no delete trigger) moves its old workspace's revision too")
    func replacedDomainMovesTheOldOwner() throws {
        let store = try makeStore()
        let clock = ManualClock()
        let acme = try store.createWorkspace(NewWorkspace(slug: "acme", name: "Acme"), at: clock.now())
        let globex = try store.createWorkspace(NewWorkspace(slug: "globex", name: "Globex"), at: clock.now())
        var settings = PortalSettings.defaults(for: acme)
        settings.customDomain = "support.acme.test"
        _ = try store.savePortalSettings(PortalSettingsSave(
            document: PortalSettingsDocument.stored(settings), expectedVersion: 0, customDomain: "support.acme.test",
            newDomainToken: "token", audit: nil), in: acme.id, at: clock.now())
        let directory = TenantDirectory(store: store)
        let before = try #require(try store.workspaceRevision(id: acme.id))
        #expect(try directory.tenant(resolvedAt: before, host: "acme.portal.localhost")?.customDomain != nil)

        try store.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO custom_domain (workspace_id, hostname, verification_token, status, created_at)
                VALUES (?, 'support.acme.test', 'other', 'pending_dns', 0)
                """, arguments: [globex.id.rawValue])
        }
        let after = try #require(try store.workspaceRevision(id: acme.id))
        #expect(after.customDomainRevision > before.customDomainRevision)
        #expect(try directory.tenant(resolvedAt: after, host: "acme.portal.localhost")?.customDomain == nil)
        #expect(try directory.tenant(workspace: globex.id, host: "globex.portal.localhost")?.customDomain?.hostname
                == "support.acme.test")
    }
}
