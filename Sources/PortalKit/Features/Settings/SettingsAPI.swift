import HTTPTypes

/// `/api/account/client-portal/settings`, the audit log and per-customer
/// portal access, on the app host.
struct SettingsAPI: Sendable {
    let store: any PortalStore
    let tenants: TenantDirectory
    let configuration: Configuration

    var routes: [Route] {
        [
            .get("/api/account/client-portal/settings", .account(.customersRead) { context, principal in
                let current = try SettingsService(store: store, tenants: tenants, configuration: configuration)
                    .current(for: principal, host: context.request.host, now: context.now)
                return current.response()
            }),
            .put("/api/account/client-portal/settings", .account(.customersWrite) { context, principal in
                let service = SettingsService(store: store, tenants: tenants, configuration: configuration)
                let body = try context.request.jsonObjectBody()
                var expected: Int64?
                if let match = context.request.header(.ifMatch) {
                    guard let version = SettingsService.version(fromETag: match) else {
                        throw HTTPError(.preconditionFailed, "If-Match must be an ETag of these settings, such as \"3\".")
                    }
                    expected = version
                } else if case .int(let version)? = body.object["version"] {
                    expected = version
                }
                let saved = try service.save(body, expectedVersion: expected, principal: principal, at: context.now,
                                             host: context.request.host)
                return saved.response()
            }),
            .get("/api/account/audit", .account(.customersRead) { context, principal in
                let page = try ListParameters.pageRequest(context.request.query, scope: "audit")
                let events = try store.auditEvents(in: principal.workspace.id, page: page)
                return .list("events", events, scope: "audit", position: { $0.id.rawValue }) { json, event in
                    json.object { json in
                        json.field("object", "audit_event")
                        json.field("id", event.id)
                        json.field("action", event.action)
                        json.key("actor")
                        json.object { json in
                            json.field("type", event.actor.kind.rawValue)
                            json.field("id", event.actor.id.map(String.init))
                            json.field("label", event.actor.label)
                        }
                        json.field("target", event.target)
                        json.field("details", event.details)
                        json.field("createdAt", event.createdAt)
                    }
                }
            }),
            .post("/api/account/client-portal/auth/secret", .account(.customersWrite) { context, principal in
                // 256 random bits; shown once, stored for verifying HS256 tokens.
                let secret = RandomToken.base64URL(byteCount: 32)
                try store.setCustomAuthSecret(
                    secret, audit: NewAuditEvent(actor: principal.actor, action: "client_portal.auth_secret.rotated", target: nil,
                                                 details: .object([:])),
                    in: principal.workspace.id, at: context.now)
                var response = Response.json { json in
                    json.object { json in
                        json.field("object", "portal_auth_secret")
                        json.field("secret", secret)
                    }
                }
                response.headerFields[.cacheControl] = "no-store"
                return response
            }),
            .get("/api/account/customers/:id/portal-access", .account(.customersRead) { context, principal in
                guard let customer = try store.customer(id: SupportAPI.id(context.parameters.require("id")), in: principal.workspace.id)
                else { throw HTTPError.notFound }
                let tenant = try tenants.tenant(workspace: principal.workspace.id, host: context.request.host)
                return Self.portalAccess(customer, default: tenant?.settings.defaultAccess ?? .member)
            }),
            .put("/api/account/customers/:id/portal-access", .account(.customersWrite) { context, principal in
                let id: CustomerID = try SupportAPI.id(context.parameters.require("id"))
                guard let before = try store.customer(id: id, in: principal.workspace.id) else { throw HTTPError.notFound }
                let body = try context.request.jsonObjectBody()
                var level: AccessLevel?
                switch body.raw("level") {
                case .null?: level = nil
                case .string(let text)? where AccessLevel(rawValue: text) != nil: level = AccessLevel(rawValue: text)
                case nil: body.fail("level", "is required (admin, member, none, or null for the workspace default)")
                default: body.fail("level", "must be admin, member, none, or null for the workspace default")
                }
                try body.finish()
                let audit = NewAuditEvent(
                    actor: principal.actor, action: "customer.portal_access.updated", target: "customer:\(id)",
                    details: ["email": .string(before.email.value),
                              "before": before.portalAccess.map { .string($0.rawValue) } ?? .null,
                              "after": level.map { .string($0.rawValue) } ?? .null])
                guard let customer = try store.setPortalAccess(level, customer: id, audit: audit, in: principal.workspace.id,
                                                               at: context.now)
                else { throw HTTPError.notFound }
                let tenant = try tenants.tenant(workspace: principal.workspace.id, host: context.request.host)
                return Self.portalAccess(customer, default: tenant?.settings.defaultAccess ?? .member)
            }),
        ]
    }

    static func portalAccess(_ customer: Customer, default defaultAccess: AccessLevel) -> Response {
        .json { json in
            json.object { json in
                json.field("object", "portal_access")
                json.field("customerId", customer.id)
                json.field("email", customer.email.value)
                json.field("level", customer.portalAccess?.rawValue)
                json.field("effectiveLevel", customer.effectiveAccess(default: defaultAccess).rawValue)
            }
        }
    }
}

/// Reading and saving the settings document, shared by the JSON API and the
/// settings page.
struct SettingsService: Sendable {
    let store: any PortalStore
    let tenants: TenantDirectory
    let configuration: Configuration

    struct Current {
        let settings: PortalSettings
        let version: Int64
        let updatedAt: Timestamp?
        let domain: CustomDomainView?
        /// The settings' own members, written once per version (nil: written here).
        var prewritten: PortalSettingsDocument.Prewritten?

        func response() -> Response {
            var response = Response.json { json in
                PortalSettingsDocument.write(settings, version: version, updatedAt: updatedAt, domain: domain,
                                             prewritten: prewritten, into: &json)
            }
            response.headerFields[.eTag] = SettingsService.etag(version)
            return response
        }
    }

    static func etag(_ version: Int64) -> String { "\"\(version)\"" }

    /// `"3"`, `W/"3"` or `3`.
    static func version(fromETag text: String) -> Int64? {
        var value = Substring(text.trimmingCharacters(in: " "))
        if value.hasPrefix("W/") { value = value.dropFirst(2) }
        if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
        return Int64(value)
    }

    /// The saved settings, parsed once per version (through the tenant cache).
    func current(_ workspace: Workspace, host: String, now: Timestamp) throws -> Current {
        guard let tenant = try tenants.tenant(workspace: workspace.id, host: host) else { throw HTTPError.notFound }
        return current(tenant, now: now)
    }

    /// The same for reading, from the revision the caller was resolved at
    /// (no second lookup while the tenant cache holds that revision).
    func current(for principal: AccountPrincipal, host: String, now: Timestamp) throws -> Current {
        guard let tenant = try tenants.tenant(resolvedAt: principal.workspaceRevision, host: host) else { throw HTTPError.notFound }
        return current(tenant, now: now)
    }

    private func current(_ tenant: PortalTenant, now: Timestamp) -> Current {
        let domain = tenant.customDomain.map {
            CustomDomainView(domain: $0, edgeHost: configuration.portalEdgeHost, now: now)
        }
        return Current(settings: tenant.settings, version: tenant.settingsVersion, updatedAt: tenant.settingsUpdatedAt, domain: domain,
                       prewritten: tenant.settingsDocument)
    }

    /// Validates the whole document (all problems at once, nothing partial
    /// stored), checks the version, saves and audits the changed keys.
    func save(_ body: JSONObjectReader, expectedVersion: Int64?, principal: AccountPrincipal, at now: Timestamp, host: String)
        throws -> Current
    {
        let workspace = principal.workspace
        let before = try current(workspace, host: host, now: now)  // fresh: the version check compares with it
        let references = PortalSettingsDocument.References(workspace: workspace, checkHostname: { [configuration] in
            configuration.customDomainProblem($0)
        })
        guard let settings = PortalSettingsDocument.read(body, references: references) else {
            try body.errors.throwIfAny()
            throw HTTPError.validation("body", "is not a settings document")
        }
        if let expectedVersion, expectedVersion != before.version {
            throw Self.stale(current: before.version)
        }
        let oldValues = PortalSettingsDocument.topLevelValues(before.settings)
        let newValues = PortalSettingsDocument.topLevelValues(settings)
        var changes: [String: JSONValue] = [:]
        for key in Set(oldValues.keys).union(newValues.keys).sorted() where oldValues[key] != newValues[key] {
            changes[key] = ["before": oldValues[key] ?? .null, "after": newValues[key] ?? .null]
        }
        if changes.isEmpty { return before }
        // A concurrent save surfaces as StoreError.versionMismatch, which the
        // ErrorResponder answers with the same 412 as `stale(current:)`.
        _ = try store.savePortalSettings(
                PortalSettingsSave(
                    document: PortalSettingsDocument.stored(settings), expectedVersion: before.version,
                    customDomain: settings.customDomain, newDomainToken: RandomToken.hex(byteCount: 16),
                    audit: NewAuditEvent(actor: principal.actor, action: "portal_settings.updated", target: "portal_settings",
                                         details: ["changes": .object(changes), "version": .int(before.version + 1)])),
                in: workspace.id, at: now)
        return try current(workspace, host: host, now: now)
    }

    static func stale(current: Int64) -> HTTPError {
        HTTPError(.preconditionFailed,
                  "The settings were changed by someone else (now version \(current)); reload them and apply your change again.",
                  headers: [.eTag: etag(current)])
    }
}
