/// `/clients/portal`: the portal exactly as a chosen customer sees it — the
/// same templates, the same customer-safe projection, the same scoped
/// queries — inside a "Preview" banner, read-only. With `draft=1` it uses the
/// unsaved settings posted from the settings page instead of the saved ones.
struct PreviewPage: Sendable {
    let store: any PortalStore
    let tenants: TenantDirectory
    let pages: PageRenderer
    let portalPages: PortalPages

    init(store: any PortalStore, tenants: TenantDirectory, pages: PageRenderer) {
        self.store = store
        self.tenants = tenants
        self.pages = pages
        portalPages = PortalPages(store: store, pages: pages)
    }

    var routes: [Route] {
        [
            .get("/clients/portal", .account(.customersRead) { context, principal in
                try preview(context, principal: principal, query: context.request.query)
            }),
            // The settings page's "Preview unsaved changes" posts the form here
            // (a post keeps its CSRF token out of URLs and logs); nothing is saved.
            .post("/clients/portal", .account(.customersRead) { context, principal in
                let form = try context.request.formBody()
                let pairs = zip(context.request.query.names, context.request.query.values).map { ($0, $1) } + form.pairs.map { ($0.name, $0.value) }
                return try preview(context, principal: principal, query: QueryParameters(pairs))
            }),
            .get("/api/account/client-portal/preview", .account(.customersRead) { context, principal in
                try previewJSON(context, principal: principal)
            }),
        ]
    }

    private func preview(_ context: RequestContext, principal: AccountPrincipal, query: QueryParameters) throws -> Response {
        let (tenant, draftProblems) = try previewTenant(principal, query: query, host: context.request.host)
        let customers = try pickerCustomers(principal, tenant: tenant, selected: query["customer"])
        guard let email = query["customer"].flatMap(EmailAddress.init),
              let customer = try store.customer(email: email, in: principal.workspace.id)
        else {
            return pages.render(.ok, "preview-choose", [
                "workspace": principal.workspace.name, "csrf": principal.csrfToken ?? "", "customers": customers,
                "unknown": query["customer"].map { !$0.isEmpty } ?? false, "asked": query["customer"] ?? "",
            ])
        }
        let viewer = CustomerPrincipal(tenant: tenant, customer: customer, credential: .preview)
        // The operator's side of the page is a dictionary (rendered seldom);
        // the portal's pages take it as a template value.
        let banner = TemplateValue([
            "customerLabel": customer.name.map { "\($0) <\(customer.email.value)>" } ?? customer.email.value,
            "accessLabel": Self.accessLabel(viewer.access, own: customer.portalAccess != nil),
            "disabled": !tenant.settings.enabled,
            "draft": query["draft"] == "1" && draftProblems == nil,
            "draftProblems": draftProblems ?? "",
            "hasDraftProblems": draftProblems != nil,
            "customers": customers,
        ] as [String: Any])
        let links = PortalLinks.preview(customer: customer.email.value)
        if let ref = query["issue"] {
            return try portalPages.detailPage(ref, principal: viewer, links: links, preview: banner)
        }
        switch query["view"] {
        case "new": return portalPages.newPage(principal: viewer, links: links, preview: banner)
        case "form": return try portalPages.formPage(query["form"] ?? "", principal: viewer, links: links, preview: banner)
        default: return try portalPages.listPage(query, principal: viewer, links: links, preview: banner)
        }
    }

    private func previewJSON(_ context: RequestContext, principal: AccountPrincipal) throws -> Response {
        let query = context.request.query
        guard let tenant = try tenants.tenant(workspace: principal.workspace.id, host: context.request.host) else {
            throw HTTPError.notFound
        }
        guard let text = query["customer"] else { throw HTTPError.validation("customer", "is required (an email)") }
        guard let email = EmailAddress(text), let customer = try store.customer(email: email, in: principal.workspace.id) else {
            throw HTTPError.validation("customer", "is not a customer of this workspace")
        }
        let viewer = CustomerPrincipal(tenant: tenant, customer: customer, credential: .preview)
        let issues = PortalIssues(store: store)
        let detail = try query["issue"].map { try issues.detail($0, for: viewer) }
        let list = viewer.access == .none || detail != nil ? nil : try issues.list(
            PortalIssues.listRequest(query, principal: viewer), for: viewer)
        return .json { json in
            json.object { json in
                json.field("object", "portal_preview")
                json.key("customer")
                json.object { json in
                    json.field("email", customer.email.value)
                    json.field("name", customer.name)
                    json.field("accessLevel", viewer.access.rawValue)
                }
                json.field("portalEnabled", tenant.settings.enabled)
                if let detail {
                    json.key("issue")
                    PortalRepresentations.issue(&json, detail)
                }
                if let list {
                    json.field("hasMore", list.nextCursor != nil)
                    json.field("nextCursor", list.nextCursor)
                    json.key("issues")
                    PortalRepresentations.issues(&json) { list.forEachIssue($0) }
                }
            }
        }
    }

    static func accessLabel(_ level: AccessLevel, own: Bool) -> String {
        let text: String
        switch level {
        case .admin: text = "admin: all issues of their company"
        case .member: text = "member: their own issues"
        case .none: text = "no access"
        }
        return own ? text : text + ", by the workspace default"
    }

    /// The saved settings, or with `draft=1` the settings posted by the settings
    /// page's preview button (when they are valid; otherwise the saved ones and
    /// why the draft could not be shown).
    private func previewTenant(_ principal: AccountPrincipal, query: QueryParameters, host: String) throws
        -> (PortalTenant, String?)
    {
        guard let saved = try tenants.tenant(workspace: principal.workspace.id, host: host) else { throw HTTPError.notFound }
        guard query["draft"] == "1" else { return (saved, nil) }
        let form = SettingsForm(FormData(pairs: zip(query.names, query.values).map { ($0, $1) }))
        let (document, _) = form.document(orderedFieldKeys: SettingsPage.fieldKeys(principal.workspace))
        let reader = JSONObjectReader(document.objectValue ?? [:])
        guard let draft = PortalSettingsDocument.read(reader, references: .init(workspace: principal.workspace)) else {
            let problems = reader.errors.items.prefix(3).map { "\($0.field) \($0.message)" }.joined(separator: "; ")
            return (saved, "The unsaved settings have problems (\(problems)); showing the saved settings.")
        }
        return (PortalTenant(workspace: saved.workspace, settings: draft, settingsVersion: saved.settingsVersion, host: host,
                             customDomain: saved.customDomain), nil)
    }

    private func pickerCustomers(_ principal: AccountPrincipal, tenant: PortalTenant, selected: String?) throws -> [[String: Any]] {
        try store.customers(in: principal.workspace.id, filter: CustomerFilter(), page: PageRequest(limit: 100)).items.map { customer in
            let access = customer.effectiveAccess(default: tenant.settings.defaultAccess)
            return [
                "email": customer.email.value,
                "label": "\(customer.name ?? customer.email.value) <\(customer.email.value)> — \(access.rawValue)",
                "selected": customer.email.value == selected?.lowercased(),
            ]
        }
    }
}
