import HTTPTypes

/// `POST /api/account/client-portal/domain/verify`: look the TXT record up now.
struct CustomDomainAPI: Sendable {
    let store: any PortalStore
    let checks: CustomDomainChecks
    let edgeHost: String

    var routes: [Route] {
        [
            .post("/api/account/client-portal/domain/verify", .account(.customersWrite) { context, principal in
                guard let domain = try store.customDomain(in: principal.workspace.id) else {
                    throw HTTPError(.notFound, "No custom domain is set; add one in the settings first.")
                }
                // Replaced by a concurrent settings save: show what is stored now.
                let checked = try checks.check(domain, now: context.now) ?? store.customDomain(in: principal.workspace.id)
                guard let checked else { throw HTTPError(.notFound, "No custom domain is set; add one in the settings first.") }
                return .json { json in
                    CustomDomainView(domain: checked, edgeHost: edgeHost, now: context.now).write(into: &json, object: "custom_domain")
                }
            }),
        ]
    }
}
