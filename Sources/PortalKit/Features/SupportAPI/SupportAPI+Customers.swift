extension SupportAPI {
    var customerRoutes: [Route] {
        [
            .get("/api/v1/customers", .account(.customersRead) { context, principal in
                let query = context.request.query
                var filter = CustomerFilter()
                if let company = query["companyId"] {
                    guard let id = Int64(company) else { throw HTTPError.validation("companyId", "must be a company id") }
                    filter.companyID = CompanyID(id)
                }
                if let email = query["email"] {
                    guard let address = EmailAddress(email) else { throw HTTPError.validation("email", "must be an email address") }
                    filter.email = address
                }
                let scope = "customers|\(filter.companyID?.description ?? "")|\(filter.email?.value ?? "")"
                let page = try ListParameters.pageRequest(query, scope: scope)
                let customers = try store.customers(in: principal.workspace.id, filter: filter, page: page)
                return .list("customers", customers, scope: scope, position: { $0.id.rawValue },
                             SupportRepresentations.customer)
            }),
            .post("/api/v1/customers", .account(.customersWrite) { context, principal in
                let body = try context.request.jsonObjectBody()
                let email = Self.email(body, required: true)
                let name = body.optionalString("name", length: 1...200)
                let companyID = body.optionalInt("companyId").newValue.flatMap { $0 }.map(CompanyID.init)
                let externalID = body.optionalString("externalId", length: 1...200)
                let access = Self.accessLevel(body).newValue.flatMap { $0 }
                try body.finish()
                let customer = try store.createCustomer(
                    NewCustomer(email: email!, name: name, companyID: companyID, externalID: externalID, portalAccess: access),
                    in: principal.workspace.id, at: context.now)
                return SupportRepresentations.created(customer, SupportRepresentations.customer)
            }),
            .get("/api/v1/customers/:id", .account(.customersRead) { context, principal in
                guard let customer = try store.customer(id: Self.id(context.parameters.require("id")), in: principal.workspace.id)
                else { throw HTTPError.notFound }
                return SupportRepresentations.one(customer, SupportRepresentations.customer)
            }),
            .patch("/api/v1/customers/:id", .account(.customersWrite) { context, principal in
                let id: CustomerID = try Self.id(context.parameters.require("id"))
                let body = try context.request.jsonObjectBody()
                var update = CustomerUpdate()
                if body.has("email"), let email = Self.email(body, required: true) { update.email = .set(email) }
                update.name = body.patchString("name", length: 1...200)
                switch body.optionalInt("companyId") {
                case .unchanged: break
                case .set(let value): update.companyID = .set(value.map(CompanyID.init))
                }
                update.externalID = body.patchString("externalId", length: 1...200)
                update.portalAccess = Self.accessLevel(body)
                try body.finish()
                guard let customer = try store.updateCustomer(id: id, update, in: principal.workspace.id, at: context.now)
                else { throw HTTPError.notFound }
                return SupportRepresentations.one(customer, SupportRepresentations.customer)
            }),
        ]
    }

    /// Trimmed and lower-cased; refuses anything that is not one plain address.
    static func email(_ body: JSONObjectReader, required: Bool) -> EmailAddress? {
        guard let text = body.requiredString("email", length: 3...254) else { return nil }
        guard let email = EmailAddress(text) else {
            body.fail("email", "must be an email address such as ada@example.com")
            return nil
        }
        return email
    }

    /// `portalAccess`: `admin`, `member`, `none`, or null for the workspace default.
    static func accessLevel(_ body: JSONObjectReader) -> Patch<AccessLevel?> {
        switch body.raw("portalAccess") {
        case nil: return .unchanged
        case .null?: return .set(nil)
        case .string(let text)? where AccessLevel(rawValue: text) != nil: return .set(AccessLevel(rawValue: text))
        default:
            body.fail("portalAccess", "must be admin, member, none or null")
            return .unchanged
        }
    }
}
