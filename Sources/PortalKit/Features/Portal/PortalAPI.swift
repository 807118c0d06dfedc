/// `/api/portal/…` on a portal host: the customer's JSON API.
struct PortalAPI: Sendable {
    let store: any PortalStore
    let issues: PortalIssues

    init(store: any PortalStore) {
        self.store = store
        issues = PortalIssues(store: store)
    }

    var routes: [Route] {
        [
            .get("/api/portal/config", .portal { _, tenant in
                .json { PortalRepresentations.config(&$0, tenant.settings) }
            }),
            .get("/api/portal/me", .customer { _, principal in
                let company = try principal.customer.companyID.flatMap { try store.company(id: $0, in: principal.workspace.id) }
                return .json { PortalRepresentations.me(&$0, principal, companyName: company?.name) }
            }),
            .get("/api/portal/issues", .customer { context, principal in
                let request = try PortalIssues.listRequest(context.request.query, principal: principal)
                // The page is made of the customer, their tenant, the rows and the
                // request: asked again before the next commit, it is the same.
                let key = SnapshotAnswerKey(workspace: principal.workspace.id, customer: principal.customer.id, question: request)
                return try store.snapshotAnswer(key) {
                    let result = try issues.list(request, for: principal)
                    return .json { json in
                        json.object { json in
                            json.field("object", "list")
                            json.field("hasMore", result.nextCursor != nil)
                            json.field("nextCursor", result.nextCursor)
                            json.key("issues")
                            PortalRepresentations.issues(&json) { result.forEachIssue($0) }
                        }
                    }
                }
            }),
            .post("/api/portal/issues", .customer { context, principal in
                let body = try context.request.jsonObjectBody()
                let formKey = body.requiredString("formKey", length: 1...40)
                let fields = body.nestedObject("fields")
                if fields == nil && !body.has("fields") { body.fail("fields", "is required") }
                fields?.object.keys.forEach { _ = fields?.raw($0) }
                try body.finish()
                let view = try issues.create(formKey: formKey!, values: fields?.object ?? [:], for: principal, at: context.now)
                return .json(.created) { PortalRepresentations.issue(&$0, view) }
            }),
            .get("/api/portal/issues/:ref", .customer { context, principal in
                let view = try issues.detail(context.parameters.require("ref"), for: principal)
                return .json { PortalRepresentations.issue(&$0, view) }
            }),
            .patch("/api/portal/issues/:ref", .customer { context, principal in
                let body = try context.request.jsonObjectBody()
                let view = try issues.update(context.parameters.require("ref"), values: body.object, for: principal, at: context.now)
                return .json { PortalRepresentations.issue(&$0, view) }
            }),
            .post("/api/portal/issues/:ref/messages", .customer { context, principal in
                let body = try context.request.jsonObjectBody()
                let text = body.raw("body")
                if let text, text.stringValue == nil { body.fail("body", "must be a string") }
                try body.finish()
                let message = try issues.reply(context.parameters.require("ref"), body: text?.stringValue, for: principal, at: context.now)
                return .json(.created) { PortalRepresentations.message(&$0, message) }
            }),
            .post("/api/portal/auth/logout", .customer { context, principal in
                var response = Response.noContent()
                if case .session(let session, _) = principal.credential {
                    try store.revokePortalSession(id: session.id, in: principal.workspace.id, at: context.now)
                }
                response.headerFields.append(HTTPField(name: .setCookie, value: SessionCookie.clearing(CustomerAuthenticator.cookieName)))
                return response
            }),
        ]
    }
}

import HTTPTypes
