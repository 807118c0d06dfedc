extension SupportAPI {
    var companyRoutes: [Route] {
        [
            .get("/api/v1/companies", .account(.customersRead) { context, principal in
                let page = try ListParameters.pageRequest(context.request.query, scope: "companies")
                let companies = try store.companies(in: principal.workspace.id, page: page)
                return .list("companies", companies, scope: "companies", position: { $0.id.rawValue },
                             SupportRepresentations.company)
            }),
            .post("/api/v1/companies", .account(.customersWrite) { context, principal in
                let body = try context.request.jsonObjectBody()
                let name = body.requiredString("name", length: 1...200)
                let externalID = body.optionalString("externalId", length: 1...200)
                let domains = body.stringArray("emailDomains", maxCount: 20, length: 3...253) ?? []
                Self.checkDomains(domains, body: body)
                try body.finish()
                let company = try store.createCompany(
                    NewCompany(name: name!, externalID: externalID, emailDomains: domains.map { $0.lowercased() }),
                    in: principal.workspace.id, at: context.now)
                return SupportRepresentations.created(company, SupportRepresentations.company)
            }),
            .get("/api/v1/companies/:id", .account(.customersRead) { context, principal in
                guard let company = try store.company(id: Self.id(context.parameters.require("id")), in: principal.workspace.id)
                else { throw HTTPError.notFound }
                return SupportRepresentations.one(company, SupportRepresentations.company)
            }),
            .patch("/api/v1/companies/:id", .account(.customersWrite) { context, principal in
                let id: CompanyID = try Self.id(context.parameters.require("id"))
                let body = try context.request.jsonObjectBody()
                var update = CompanyUpdate()
                update.name = body.patchRequiredString("name", length: 1...200)
                update.externalID = body.patchString("externalId", length: 1...200)
                if let domains = body.stringArray("emailDomains", maxCount: 20, length: 3...253) {
                    Self.checkDomains(domains, body: body)
                    update.emailDomains = .set(domains.map { $0.lowercased() })
                }
                try body.finish()
                guard let company = try store.updateCompany(id: id, update, in: principal.workspace.id, at: context.now)
                else { throw HTTPError.notFound }
                return SupportRepresentations.one(company, SupportRepresentations.company)
            }),
        ]
    }

    static func checkDomains(_ domains: [String], body: JSONObjectReader) {
        for (index, domain) in domains.enumerated() where !HostName.isValid(domain.lowercased()) {
            body.errors.add("emailDomains[\(index)]", "must be a domain name such as example.com")
        }
    }
}
