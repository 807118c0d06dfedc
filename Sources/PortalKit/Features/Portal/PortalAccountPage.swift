import HTTPTypes

/// `/account`: where the customer is signed in (device, when, last seen),
/// and signing out other devices. Only the customer's own sessions are ever
/// listed or revoked; the current one is signed out with `/logout`.
struct PortalAccountPage: Sendable {
    let store: any PortalStore
    let pages: PageRenderer

    var routes: [Route] {
        [
            .get("/account", .customer { context, principal in
                try page(principal, now: context.now, notice: context.request.query["signed-out"].map { Self.notice(count: $0) })
            }),
            .post("/account/sessions/:id/revoke", .customer { context, principal in
                let current = try requireSession(principal)
                guard let id = Int64(context.parameters.require("id")), id != current.id,
                      try store.portalSessions(customer: principal.customer.id, in: principal.workspace.id, at: context.now)
                          .contains(where: { $0.id == id })
                else { throw HTTPError.notFound }
                try store.revokePortalSession(id: id, in: principal.workspace.id, at: context.now)
                return .redirect(to: "/account?signed-out=1")
            }),
            .post("/account/sessions/revoke-others", .customer { context, principal in
                let current = try requireSession(principal)
                let others = try store.portalSessions(customer: principal.customer.id, in: principal.workspace.id, at: context.now)
                    .filter { $0.id != current.id }
                for session in others { try store.revokePortalSession(id: session.id, in: principal.workspace.id, at: context.now) }
                return .redirect(to: "/account?signed-out=\(others.count)")
            }),
        ]
    }

    /// Revoking needs a real session: not the preview, not the development header.
    private func requireSession(_ principal: CustomerPrincipal) throws(HTTPError) -> PortalSession {
        guard case .session(let session, _) = principal.credential else {
            throw HTTPError(.forbidden, "Only a signed-in customer can sign out devices.")
        }
        return session
    }

    private func page(_ principal: CustomerPrincipal, now: Timestamp, notice: String?) throws -> Response {
        var context = PortalChrome(tenant: principal.tenant, principal: principal).context
        var currentID: Int64?
        if case .session(let session, _) = principal.credential { currentID = session.id }
        let sessions = try store.portalSessions(customer: principal.customer.id, in: principal.workspace.id, at: now)
        context["sessions"] = .list(sessions.map { session in
            .object([
                "id": .string(String(session.id)), "device": .string(DeviceDescription.describe(userAgent: session.userAgent)),
                "current": .bool(session.id == currentID),
                "createdAt": .string(session.createdAt.display), "createdAtISO": .string(session.createdAt.iso8601),
                "lastSeenAt": .string(session.lastSeenAt.display), "lastSeenAtISO": .string(session.lastSeenAt.iso8601),
            ])
        })
        context["hasOthers"] = .bool(sessions.contains { $0.id != currentID })
        context["canRevoke"] = .bool(currentID != nil)
        context["notice"] = .string(notice ?? "")
        context["hasNotice"] = .bool(notice != nil)
        return pages.render(.ok, "portal-account", context, brand: principal.tenant.brand)
    }

    private static func notice(count text: String) -> String {
        Int(text) == 1 ? "One device was signed out." : "\(Int(text) ?? 0) devices were signed out."
    }
}

/// "Firefox on Linux" from a User-Agent header: enough for a person to
/// recognise their own device, without a user-agent database.
enum DeviceDescription {
    static func describe(userAgent: String?) -> String {
        guard let agent = userAgent, !agent.isEmpty else { return "Unknown device" }
        let browsers: [(marker: String, name: String)] = [
            ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Chromium/", "Chromium"),
            ("Safari/", "Safari"), ("curl/", "curl"), ("python-requests/", "Python"),
        ]
        let systems: [(marker: String, name: String)] = [
            ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"), ("Mac OS X", "macOS"),
            ("CrOS", "ChromeOS"), ("Linux", "Linux"),
        ]
        let browser = browsers.first { agent.contains($0.marker) }?.name
        let system = systems.first { agent.contains($0.marker) }?.name
        switch (browser, system) {
        case let (browser?, system?): return "\(browser) on \(system)"
        case let (browser?, nil): return browser
        case let (nil, system?): return system
        default: return String(agent.prefix(60))
        }
    }
}
