extension SupportAPI {
    var issueRoutes: [Route] {
        [
            .get("/api/v1/issues", .account(.issuesRead) { context, principal in
                let query = context.request.query
                var filter = IssueFilter()
                if let text = query["customerId"] {
                    guard let id = Int64(text) else { throw HTTPError.validation("customerId", "must be a customer id") }
                    filter.requesterID = CustomerID(id)
                }
                if let text = query["companyId"] {
                    guard let id = Int64(text) else { throw HTTPError.validation("companyId", "must be a company id") }
                    filter.companyID = CompanyID(id)
                }
                filter.status = query["status"]
                let scope = "issues|\(filter.requesterID?.description ?? "")|\(filter.companyID?.description ?? "")|\(filter.status ?? "")"
                let page = try ListParameters.pageRequest(query, scope: scope)
                let issues = try store.issues(in: principal.workspace.id, filter: filter, page: page)
                return .list("issues", issues, scope: scope, position: { $0.id.rawValue }, SupportRepresentations.issue)
            }),
            .post("/api/v1/issues", .account(.issuesWrite) { context, principal in
                let workspace = principal.workspace
                let body = try context.request.jsonObjectBody()
                let title = body.requiredString("title", length: 1...300)
                let description = body.optionalString("description", length: 0...50_000) ?? ""
                let customerID = body.requiredInt("customerId")
                let status = Self.status(body, in: workspace).newValue ?? workspace.initialIssueStatus
                let priority = Self.priority(body, in: workspace).newValue ?? nil
                let tags = body.stringArray("tags", maxCount: 50, length: 1...50) ?? []
                let customFields = Self.customFields(body, in: workspace, allowNull: false)
                try body.finish()
                let issue = try store.createIssue(
                    NewIssue(title: title!, description: description, status: status, priority: priority, tags: tags,
                             customFields: customFields, requesterID: CustomerID(customerID!)),
                    in: workspace.id, at: context.now)
                return SupportRepresentations.created(issue, SupportRepresentations.issue)
            }),
            .get("/api/v1/issues/:id", .account(.issuesRead) { context, principal in
                SupportRepresentations.one(try issue(context.parameters.require("id"), in: principal.workspace),
                                           SupportRepresentations.issue)
            }),
            .patch("/api/v1/issues/:id", .account(.issuesWrite) { context, principal in
                let workspace = principal.workspace
                let existing = try issue(context.parameters.require("id"), in: workspace)
                let body = try context.request.jsonObjectBody()
                var update = IssueUpdate()
                update.title = body.patchRequiredString("title", length: 1...300)
                if case .set(let text?) = body.patchString("description", length: 0...50_000) { update.description = .set(text) }
                update.status = Self.status(body, in: workspace)
                update.priority = Self.priority(body, in: workspace)
                if let tags = body.stringArray("tags", maxCount: 50, length: 1...50) { update.tags = .set(tags) }
                update.customFields = Self.customFields(body, in: workspace, allowNull: true)
                try body.finish()
                guard let issue = try store.updateIssue(id: existing.id, update, in: workspace.id, at: context.now)
                else { throw HTTPError.notFound }
                return SupportRepresentations.one(issue, SupportRepresentations.issue)
            }),
        ]
    }

    /// A key of the workspace's issue status set.
    static func status(_ body: JSONObjectReader, in workspace: Workspace) -> Patch<String> {
        switch body.raw("status") {
        case nil: return .unchanged
        case .string(let key)? where workspace.issueStatuses.contains(where: { $0.key == key }): return .set(key)
        default:
            body.fail("status", "must be one of: \(workspace.issueStatuses.map(\.key).joined(separator: ", "))")
            return .unchanged
        }
    }

    static func priority(_ body: JSONObjectReader, in workspace: Workspace) -> Patch<String?> {
        switch body.raw("priority") {
        case nil: return .unchanged
        case .null?: return .set(nil)
        case .string(let key)? where workspace.priorities.contains(key): return .set(key)
        default:
            body.fail("priority", "must be null or one of: \(workspace.priorities.joined(separator: ", "))")
            return .unchanged
        }
    }

    /// Values for the workspace's custom fields, each checked against its type.
    static func customFields(_ body: JSONObjectReader, in workspace: Workspace, allowNull: Bool) -> [String: JSONValue] {
        guard let fields = body.nestedObject("customFields") else { return [:] }
        var values: [String: JSONValue] = [:]
        for key in fields.object.keys.sorted() {
            let value = fields.raw(key)!
            guard let definition = workspace.customField(key) else {
                fields.fail(key, "is not a custom field of this workspace")
                continue
            }
            if value == .null {
                if allowNull { values[key] = .null } else { fields.fail(key, "must not be null") }
                continue
            }
            switch FieldValue.validate(value, type: definition.type, options: definition.options) {
            case .success(let stored): values[key] = stored
            case .failure(let error): fields.fail(key, error.message)
            }
        }
        return values
    }
}
