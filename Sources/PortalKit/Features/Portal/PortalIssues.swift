/// What a customer can do with issues, shared by the JSON API and the pages
/// (and, read-only, by the operator preview). Scope comes from the principal
/// and is applied by the store's queries; answers come from the projection.
struct PortalIssues: Sendable {
    let store: any PortalStore

    static let maximumSearchLength = 200
    static let maximumReplyLength = 20_000

    // MARK: Reading

    struct ListRequest: Hashable {
        var statusLabel: String?
        var search: String?
        var limit: Int
        var cursorPosition: String?
    }

    /// A page of issues, projected one at a time as the answer is written:
    /// no array of views is built and torn down per request.
    struct ListResult {
        /// Rows leave only through the projection (`forEachIssue`).
        private let rows: [PortalIssueRow]
        private let projection: CustomerProjection
        var nextCursor: String?

        init(rows: [PortalIssueRow], projection: CustomerProjection, nextCursor: String?) {
            self.rows = rows
            self.projection = projection
            self.nextCursor = nextCursor
        }

        var isEmpty: Bool { rows.isEmpty }
        var count: Int { rows.count }

        /// Each issue of the page, in order, through the customer-safe projection.
        func forEachIssue(_ body: (PortalIssueView) throws -> Void) rethrows {
            for index in rows.indices { try body(projection.issue(rows[index])) }
        }
    }

    /// Parses `status`, `q`, `limit` and `cursor` of a list request.
    static func listRequest(_ query: QueryParameters, principal: CustomerPrincipal) throws(HTTPError) -> ListRequest {
        let status = query["status"].flatMap { $0.isEmpty ? nil : $0 }
        let search = query["q"].flatMap { $0.trimmingCharacters(in: " ").isEmpty ? nil : $0 }
        if let search, search.count > maximumSearchLength {
            throw HTTPError.validation("q", "must be at most \(maximumSearchLength) characters")
        }
        let limit = try ListParameters.limit(query)
        let position = try ListParameters.cursorPosition(query, scope: cursorScope(principal, status: status, search: search))
        return ListRequest(statusLabel: status, search: search, limit: limit, cursorPosition: position)
    }

    /// A cursor is valid only for the same customer, filter and search.
    static func cursorScope(_ principal: CustomerPrincipal, status: String?, search: String?) -> String {
        "portal|\(principal.customer.id)|\(status ?? "")|\(search ?? "")"
    }

    /// A page of the issues the principal may see, each read in `detail`
    /// (by default everything the portal shows them).
    func list(_ request: ListRequest, for principal: CustomerPrincipal, detail: PortalIssueDetail? = nil) throws -> ListResult {
        guard let scope = principal.scope else { throw Self.noAccess }
        var statuses: [String]?
        if let label = request.statusLabel {
            let projection = CustomerProjection(principal)
            statuses = projection.statusFilters.first { $0.label.lowercased() == label.lowercased() }?.keys ?? []
        }
        var after: PortalListPosition?
        if let position = request.cursorPosition {
            let parts = position.split(separator: ".")
            guard parts.count == 2, let updatedAt = Int64(parts[0]), let id = Int64(parts[1]) else { throw ListParameters.invalidCursor }
            after = PortalListPosition(updatedAt: Timestamp(millisecondsSinceEpoch: updatedAt), id: IssueID(id))
        }
        let page = try store.portalIssues(
            PortalIssueQuery(scope: scope, statuses: statuses, searchTerms: Self.searchTerms(request.search),
                             limit: request.limit, after: after, detail: detail ?? Self.detail(principal)),
            in: principal.workspace.id)
        let projection = CustomerProjection(principal)
        var next: String?
        if page.hasMore, let last = page.items.last {
            next = ListCursor.encode(
                scope: Self.cursorScope(principal, status: request.statusLabel, search: request.search),
                position: "\(last.issue.updatedAt.millisecondsSinceEpoch).\(last.issue.id.rawValue)")
        }
        return ListResult(rows: page.items, projection: projection, nextCursor: next)
    }

    /// Tags, custom field values and names are read only when the portal
    /// shows them. A member sees only their own issues, whose requester the
    /// projection names from the viewer: no requester join for them.
    static func detail(_ principal: CustomerPrincipal) -> PortalIssueDetail {
        let presentation = principal.tenant.presentation
        var ownIssuesOnly = false
        if case .requester = principal.scope { ownIssuesOnly = true }
        return PortalIssueDetail(tags: presentation.isVisible(.tags),
                                 customFieldKeys: presentation.visibleCustomFields.map(\.key),
                                 requesterName: presentation.isVisible(.requester) && !ownIssuesOnly,
                                 companyName: presentation.isVisible(.company))
    }

    /// Words of a search: letters and digits only, at most ten.
    static func searchTerms(_ search: String?) -> [String] {
        guard let search else { return [] }
        return Array(search.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { String($0).lowercased() }.prefix(10))
    }

    /// An issue the principal may see, with its thread; 404 otherwise, exactly
    /// like an issue that does not exist.
    func detail(_ refText: String, for principal: CustomerPrincipal) throws -> PortalIssueView {
        let row = try visibleRow(refText, for: principal)
        let thread = try store.portalThread(issue: row.issue.id, in: principal.workspace.id)
        return CustomerProjection(principal).issue(row, thread: thread)
    }

    func visibleRow(_ refText: String, for principal: CustomerPrincipal) throws -> PortalIssueRow {
        guard let ref = IssueRef(refText), let scope = principal.scope,
              let row = try store.portalIssue(ref: ref, scope: scope, detail: Self.detail(principal), in: principal.workspace.id)
        else { throw HTTPError.notFound }
        return row
    }

    // MARK: Writing

    /// A customer reply; `waiting_on_customer` moves to `waiting_on_team`.
    func reply(_ refText: String, body: String?, for principal: CustomerPrincipal, at now: Timestamp) throws -> Message {
        try Self.refusePreview(principal)
        // Visibility is checked by the write itself (see addCustomerReply);
        // an unknown or out-of-scope issue is the same 404 as before.
        guard let ref = IssueRef(refText), let scope = principal.scope else { throw HTTPError.notFound }
        let text = body ?? ""
        if text.trimmingCharacters(in: " ").isEmpty || text.allSatisfy(\.isWhitespace) {
            throw HTTPError.validation("body", "must not be empty")
        }
        if text.count > Self.maximumReplyLength {
            throw HTTPError.validation("body", "must be at most \(Self.maximumReplyLength) characters")
        }
        let workspace = principal.workspace
        let hasStatuses = ["waiting_on_customer", "waiting_on_team"].allSatisfy { key in workspace.issueStatuses.contains { $0.key == key } }
        guard let message = try store.addCustomerReply(
            NewMessage(role: .customer, body: text, authorName: principal.displayName, authorCustomerID: principal.customer.id),
            issue: ref, scope: scope, moving: hasStatuses ? "waiting_on_customer" : "", to: hasStatuses ? "waiting_on_team" : "",
            in: workspace.id, at: now)
        else { throw HTTPError.notFound }
        return message
    }

    /// Changes visible, editable fields; anything else is 422 and nothing changes.
    func update(_ refText: String, values: [String: JSONValue], for principal: CustomerPrincipal, at now: Timestamp) throws
        -> PortalIssueView
    {
        try Self.refusePreview(principal)
        let row = try visibleRow(refText, for: principal)
        let errors = FieldErrors()
        let editable = Dictionary(uniqueKeysWithValues: CustomerProjection(principal).editableFields(of: row.issue).map { ($0.key, $0) })
        var update = IssueUpdate()
        for key in values.keys.sorted() {
            let value = values[key]!
            guard let field = editable[key] else {
                errors.add(key, principal.settings.isVisible(key) || IssueFieldKey.builtIn.contains(key) || IssueFieldKey.isCustom(key)
                    ? "is not editable" : "is not a field")
                continue
            }
            switch key {
            case "title":
                guard case .string(let text) = value, !text.allSatisfy(\.isWhitespace), text.count <= 300 else {
                    errors.add(key, "must be 1-300 characters")
                    continue
                }
                update.title = .set(text)
            case "description":
                guard case .string(let text) = value, text.count <= 50_000 else {
                    errors.add(key, "must be at most 50000 characters")
                    continue
                }
                update.description = .set(text)
            case "priority":
                switch value {
                case .null: update.priority = .set(nil)
                case .string(let text) where field.options.contains(text): update.priority = .set(text)
                default: errors.add(key, "must be one of: \(field.options.joined(separator: ", "))")
                }
            default:
                let customKey = IssueFieldKey.customKey(key)
                if value == .null {
                    update.customFields[customKey] = .null
                    continue
                }
                switch FieldValue.validate(value, type: field.type, options: field.options) {
                case .success(let stored): update.customFields[customKey] = stored
                case .failure(let error): errors.add(key, error.message)
                }
            }
        }
        if values.isEmpty { errors.add("body", "names no field to change") }
        try errors.throwIfAny()
        guard try store.updateIssue(id: row.issue.id, update, in: principal.workspace.id, at: now) != nil else {
            throw HTTPError.notFound
        }
        return try detail(refText, for: principal)
    }

    /// A new issue through an enabled form: fields checked by type and
    /// `required`; the customer is the requester; the workspace's initial status.
    func create(formKey: String, values: [String: JSONValue], for principal: CustomerPrincipal, at now: Timestamp,
                fieldPath: (String) -> String = { "fields.\($0)" }) throws -> PortalIssueView {
        try Self.refusePreview(principal)
        guard principal.scope != nil else { throw Self.noAccess }
        guard let form = principal.settings.form(formKey), form.enabled else {
            throw HTTPError.validation("formKey", "is not an enabled form of this portal")
        }
        let errors = FieldErrors()
        for key in values.keys.sorted() where !form.fields.contains(where: { $0.key == key }) {
            errors.add(fieldPath(key), "is not a field of this form")
        }
        var title = form.title
        var description = ""
        var customFields: [String: JSONValue] = [:]
        for field in form.fields {
            let value = values[field.key] ?? .null
            if value == .null || value == .string("") || value == .array([]) {
                if field.required { errors.add(fieldPath(field.key), "is required") }
                continue
            }
            if case .string(let text) = value, field.required, text.allSatisfy(\.isWhitespace) {
                errors.add(fieldPath(field.key), "is required")
                continue
            }
            switch FieldValue.validate(value, type: field.type, options: field.options) {
            case .failure(let error):
                errors.add(fieldPath(field.key), error.message)
            case .success(let stored):
                switch field.key {
                case "title":
                    if case .string(let text) = stored, text.count <= 300 { title = text } else { errors.add(fieldPath(field.key), "must be at most 300 characters") }
                case "description":
                    if case .string(let text) = stored { description = text }
                default:
                    customFields[IssueFieldKey.customKey(field.key)] = stored
                }
            }
        }
        try errors.throwIfAny()
        let issue = try store.createIssue(
            NewIssue(title: title, description: description, status: principal.workspace.initialIssueStatus,
                     customFields: customFields, requesterID: principal.customer.id, formKey: form.key),
            in: principal.workspace.id, at: now)
        return try detail(issue.ref.description, for: principal)
    }

    static let noAccess = HTTPError(.forbidden, "Your account has no access to issues in this portal.")

    /// The operator preview shows the portal as the customer sees it and never writes as them.
    static func refusePreview(_ principal: CustomerPrincipal) throws(HTTPError) {
        if principal.isPreview { throw HTTPError(.forbidden, "The preview is read-only.") }
    }
}
