import HTTPTypes

/// The customer's HTML pages on a portal host. They work without JavaScript:
/// every action is a form post (with the session's CSRF token) answered by a
/// redirect, or by the same page with the errors beside the fields and the
/// input kept.
struct PortalPages: Sendable {
    let store: any PortalStore
    let issues: PortalIssues
    let pages: PageRenderer

    init(store: any PortalStore, pages: PageRenderer) {
        self.store = store
        issues = PortalIssues(store: store)
        self.pages = pages
    }

    var routes: [Route] {
        [
            .get("/", .customer { context, principal in
                try kept(context, principal) {
                    try listPage(context.request.query, principal: principal, links: .portal)
                }
            }),
            .get("/issues/:ref", .customer { context, principal in
                try kept(context, principal) {
                    try detailPage(context.parameters.require("ref"), principal: principal, links: .portal,
                                   notice: context.request.query["sent"] != nil ? "Your reply was sent." : nil)
                }
            }),
            .post("/issues/:ref/reply", .customer { context, principal in
                let ref = context.parameters.require("ref")
                let form = try context.request.formBody()
                do {
                    _ = try issues.reply(ref, body: form["body"], for: principal, at: context.now)
                } catch let error as HTTPError where error.code == .validationFailed {
                    return try detailPage(ref, principal: principal, links: .portal, status: .unprocessableContent,
                                          replyDraft: form["body"] ?? "", replyError: error.fields.first?.message)
                }
                return .redirect(to: "/issues/\(ref)?sent=1#latest")
            }),
            .post("/issues/:ref/fields", .customer { context, principal in
                let ref = context.parameters.require("ref")
                let form = try context.request.formBody()
                let row = try issues.visibleRow(ref, for: principal)
                var values: [String: JSONValue] = [:]
                for field in CustomerProjection(principal).editableFields(of: row.issue) {
                    values[field.key] = PortalViewModels.value(from: form, key: field.key, type: field.type)
                }
                do {
                    _ = try issues.update(ref, values: values, for: principal, at: context.now)
                } catch let error as HTTPError where error.code == .validationFailed {
                    return try detailPage(ref, principal: principal, links: .portal, status: .unprocessableContent,
                                          fieldInput: values, fieldErrors: error.fields)
                }
                return .redirect(to: "/issues/\(ref)")
            }),
            .get("/new", .customer { _, principal in
                newPage(principal: principal, links: .portal)
            }),
            .get("/new/:form", .customer { context, principal in
                try formPage(context.parameters.require("form"), principal: principal, links: .portal)
            }),
            .post("/new/:form", .customer { context, principal in
                let key = context.parameters.require("form")
                guard let portalForm = principal.settings.form(key), portalForm.enabled else { throw HTTPError.notFound }
                let form = try context.request.formBody()
                var values: [String: JSONValue] = [:]
                for field in portalForm.fields {
                    values[field.key] = PortalViewModels.value(from: form, key: field.key, type: field.type)
                }
                do {
                    let view = try issues.create(formKey: key, values: values, for: principal, at: context.now, fieldPath: { $0 })
                    return .redirect(to: "/issues/\(view.ref)")
                } catch let error as HTTPError where error.code == .validationFailed {
                    return try formPage(key, principal: principal, links: .portal, status: .unprocessableContent, input: values,
                                        errors: error.fields)
                }
            }),
            .post("/logout", .customer { context, principal in
                if case .session(let session, _) = principal.credential {
                    try store.revokePortalSession(id: session.id, in: principal.workspace.id, at: context.now)
                }
                var response = Response.redirect(to: "/login")
                response.headerFields.append(HTTPField(name: .setCookie, value: SessionCookie.clearing(CustomerAuthenticator.cookieName)))
                return response
            }),
        ]
    }

    // MARK: Pages kept until the next commit

    /// What a signed-in customer's page depends on besides the database: the
    /// request's target, the host (the page's links) and the session (its
    /// CSRF token). The customer and workspace are in `SnapshotAnswerKey`.
    private struct PageQuestion: Hashable {
        let target: String
        let host: String
        let session: Int64
    }

    /// Targets longer than this are rendered every time: keys are not counted
    /// in the memo's byte budget.
    static let longestKeptTarget = 1024

    /// `render`'s page, or the same page kept from an earlier request of this
    /// session at the same state of the database (`SnapshotAnswerStore`). Only
    /// a 200 is kept; sessions only (the preview and the development header
    /// render every time).
    private func kept(_ context: RequestContext, _ principal: CustomerPrincipal, render: () throws -> Response) throws
        -> Response
    {
        guard case .session(let session, _) = principal.credential, let target = context.request.head.path,
              target.utf8.count <= Self.longestKeptTarget
        else { return try render() }
        let key = SnapshotAnswerKey(workspace: principal.workspace.id, customer: principal.customer.id,
                                    question: PageQuestion(target: target, host: principal.tenant.host, session: session.id))
        return try store.snapshotAnswer(key, write: render)
    }

    /// Only a path on this same host may follow sign-in (no open redirect).
    static func safeNext(_ next: String?, default fallback: String = "/") -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"),
              !next.unicodeScalars.contains(where: { $0.value < 0x20 })
        else { return fallback }
        return next
    }

    // MARK: Pages, shared with the operator preview

    func chrome(_ principal: CustomerPrincipal, links: PortalLinks, preview: TemplateValue?) -> TemplateObject {
        var chrome = PortalChrome(tenant: principal.tenant, principal: principal)
        chrome.links = links
        chrome.preview = preview
        return chrome.context
    }

    func listPage(_ query: QueryParameters, principal: CustomerPrincipal, links: PortalLinks, preview: TemplateValue? = nil) throws
        -> Response
    {
        var context = chrome(principal, links: links, preview: preview)
        guard principal.access != .none else { return pages.render(.ok, "portal-no-access", context, brand: principal.tenant.brand) }
        let request = try PortalIssues.listRequest(query, principal: principal)
        // Rows show reference, title, status and time only (`PortalViewModels.listRows`).
        let result = try issues.list(request, for: principal, detail: .summary)
        let projection = CustomerProjection(principal)
        context["issues"] = PortalViewModels.listRows(result, links: links)
        context["hasIssues"] = .bool(!result.isEmpty)
        context["search"] = .string(request.search ?? "")
        context["filtering"] = .bool(request.search != nil || request.statusLabel != nil)
        var statusFilters = TemplateTable(columns: PortalViewModels.statusFilterColumns, rowCapacity: projection.statusFilters.count)
        let selectedStatus = request.statusLabel?.lowercased()
        for filter in projection.statusFilters {
            statusFilters.appendRow(.string(filter.label), .bool(filter.label.lowercased() == selectedStatus))
        }
        context["statusFilters"] = .table(statusFilters)
        context["showStatus"] = .bool(principal.settings.isVisible("status"))
        context["showUpdated"] = .bool(principal.settings.isVisible("updatedAt"))
        if let cursor = result.nextCursor {
            context["nextPage"] = .string(links.list(status: request.statusLabel, search: request.search, cursor: cursor))
            context["hasNextPage"] = true
        }
        if request.cursorPosition != nil {
            context["firstPage"] = .string(links.list(status: request.statusLabel, search: request.search, cursor: nil))
            context["hasFirstPage"] = true
        }
        context["formAction"] = .string(links.home)
        if case .preview(let customer) = links {
            context["previewCustomer"] = .string(customer)
            context["hasPreviewCustomer"] = true
        }
        return pages.render(.ok, "portal-issues", context, brand: principal.tenant.brand)
    }

    func detailPage(_ ref: String, principal: CustomerPrincipal, links: PortalLinks, preview: TemplateValue? = nil,
                    status: HTTPResponse.Status = .ok, notice: String? = nil, replyDraft: String = "", replyError: String? = nil,
                    fieldInput: [String: JSONValue]? = nil, fieldErrors: [FieldError] = []) throws -> Response {
        var context = chrome(principal, links: links, preview: preview)
        guard principal.access != .none else { return pages.render(.ok, "portal-no-access", context, brand: principal.tenant.brand) }
        let view = try issues.detail(ref, for: principal)
        context["issue"] = PortalViewModels.detail(view)
        context["notice"] = .string(notice ?? "")
        context["hasNotice"] = .bool(notice != nil)
        context["reply"] = .object(["draft": .string(replyDraft), "error": .string(replyError ?? ""), "hasError": .bool(replyError != nil)])
        context["editable"] = .list(view.editableFields.map { field in
            PortalViewModels.input(key: field.key, label: field.label, type: field.type, required: field.key == "title",
                                   options: field.options, value: fieldInput?[field.key] ?? field.value,
                                   error: fieldErrors.first { $0.field == field.key }?.message)
        })
        context["hasEditable"] = .bool(!view.editableFields.isEmpty)
        return pages.render(status, "portal-issue", context, brand: principal.tenant.brand)
    }

    func newPage(principal: CustomerPrincipal, links: PortalLinks, preview: TemplateValue? = nil) -> Response {
        var context = chrome(principal, links: links, preview: preview)
        guard principal.access != .none else { return pages.render(.ok, "portal-no-access", context, brand: principal.tenant.brand) }
        context["forms"] = .list(principal.settings.enabledForms.map { form in
            .object(["title": .string(form.title), "description": .string(form.description),
                     "hasDescription": .bool(!form.description.isEmpty), "url": .string(links.form(form.key))])
        })
        context["hasForms"] = .bool(!principal.settings.enabledForms.isEmpty)
        return pages.render(.ok, "portal-new", context, brand: principal.tenant.brand)
    }

    func formPage(_ key: String, principal: CustomerPrincipal, links: PortalLinks, preview: TemplateValue? = nil,
                  status: HTTPResponse.Status = .ok, input: [String: JSONValue] = [:], errors: [FieldError] = []) throws -> Response {
        var context = chrome(principal, links: links, preview: preview)
        guard principal.access != .none else { return pages.render(.ok, "portal-no-access", context, brand: principal.tenant.brand) }
        guard let form = principal.settings.form(key), form.enabled else { throw HTTPError.notFound }
        context["form"] = .object([
            "key": .string(form.key), "title": .string(form.title), "description": .string(form.description),
            "hasDescription": .bool(!form.description.isEmpty), "action": .string("/new/" + form.key),
            "fields": .list(form.fields.map { field in
                PortalViewModels.input(key: field.key, label: field.label, type: field.type, required: field.required,
                                       options: field.options, value: input[field.key] ?? .null,
                                       error: errors.first { $0.field == field.key }?.message)
            }),
        ])
        context["hasErrors"] = .bool(!errors.isEmpty)
        return pages.render(status, "portal-form", context, brand: principal.tenant.brand)
    }
}
