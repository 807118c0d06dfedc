import HTTPTypes

/// How customers sign in to a portal: an email code (`auth.mode = otp`) —
/// JSON and pages — or their vendor's own login returning a signed token
/// (`auth.mode = custom`, see `CustomAuthSignIn`); then the session cookie.
struct CustomerSignIn: Sendable {
    let store: any PortalStore
    let pages: PageRenderer
    let codes: SignInCodes
    let sessions: SessionPolicy
    let mailSender: MailSender?
    let customAuth: CustomAuthSignIn

    var routes: [Route] {
        [
            .post("/api/portal/auth/otp/start", .portal { context, tenant in
                try requireMode(.otp, tenant)
                let body = try context.request.jsonObjectBody()
                let email = SupportAPI.email(body, required: true)
                try body.finish()
                try start(email: email!, tenant: tenant, context: context)
                return .json(.accepted) { json in
                    json.object { json in
                        json.field("object", "otp_challenge")
                        json.field("sent", true)
                    }
                }
            }),
            .post("/api/portal/auth/otp/verify", .portal { context, tenant in
                try requireMode(.otp, tenant)
                let body = try context.request.jsonObjectBody()
                let email = SupportAPI.email(body, required: true)
                let code = body.requiredString("code", length: 1...20)
                if let code, !SignInCodes.isWellFormed(code) { body.fail("code", "must be the 6 digits of the email") }
                try body.finish()
                let customer = try verify(email: email!, code: code!, tenant: tenant, context: context)
                var response = Response.json { json in
                    json.object { json in
                        json.field("object", "portal_session")
                        json.field("email", customer.email.value)
                        json.field("expiresInSeconds", sessions.absoluteTimeoutSeconds)
                    }
                }
                try signIn(customer, tenant: tenant, context: context, into: &response)
                return response
            }),
            .get("/login", .portal { context, tenant in
                let next = PortalPages.safeNext(context.request.query["next"])
                if tenant.settings.auth.mode == .custom { return try customAuth.redirectToVendor(tenant: tenant, context: context, next: next) }
                return loginPage(tenant, next: next)
            }),
            .post("/login", .portal { context, tenant in
                try requireMode(.otp, tenant)
                try CSRFGuard.checkSignInForm(context.request)
                let form = try context.request.formBody()
                let next = PortalPages.safeNext(form["next"])
                guard let email = form["email"].flatMap(EmailAddress.init) else {
                    return loginPage(tenant, next: next, status: .unprocessableContent, error: "Enter a valid email address.",
                                     email: form["email"] ?? "")
                }
                do {
                    try start(email: email, tenant: tenant, context: context)
                } catch let error as HTTPError where error.code == .rateLimited {
                    var page = loginPage(tenant, next: next, status: .tooManyRequests, error: error.message, email: email.value)
                    for field in error.headers { page.headerFields.append(field) }
                    return page
                }
                return .redirect(to: "/login/verify?email=\(PercentEncoding.queryValue(email.value))&next=\(PercentEncoding.queryValue(next))")
            }),
            .get("/login/verify", .portal { context, tenant in
                try requireMode(.otp, tenant)
                return verifyPage(tenant, email: context.request.query["email"] ?? "", next: PortalPages.safeNext(context.request.query["next"]))
            }),
            .post("/login/verify", .portal { context, tenant in
                try requireMode(.otp, tenant)
                try CSRFGuard.checkSignInForm(context.request)
                let form = try context.request.formBody()
                let next = PortalPages.safeNext(form["next"])
                let emailText = form["email"] ?? ""
                let code = (form["code"] ?? "").filter { !$0.isWhitespace }
                guard let email = EmailAddress(emailText), SignInCodes.isWellFormed(code) else {
                    return verifyPage(tenant, email: emailText, next: next, status: .unprocessableContent,
                                      error: "Enter the 6 digits from the email.")
                }
                do {
                    let customer = try verify(email: email, code: code, tenant: tenant, context: context)
                    var response = Response.redirect(to: next)
                    try signIn(customer, tenant: tenant, context: context, into: &response)
                    return response
                } catch let error as HTTPError where error.code == .unauthorized {
                    return verifyPage(tenant, email: emailText, next: next, status: .unauthorized, error: error.message)
                }
            }),
            .get("/auth/link", .portal { context, tenant in
                try requireMode(.otp, tenant)
                let token = context.request.query["token"] ?? ""
                var page = PortalChrome(tenant: tenant).context
                if let live = try codes.liveLink(token, audience: .customer, workspace: tenant.workspace.id, now: context.now) {
                    page["token"] = .string(token)
                    page["email"] = .string(live.email.value)
                    page["valid"] = true
                }
                return pages.render(page["valid"] == nil ? .badRequest : .ok, "portal-login-link", page, brand: tenant.brand)
            }),
            .post("/auth/link", .portal { context, tenant in
                try requireMode(.otp, tenant)
                try CSRFGuard.checkSignInForm(context.request)
                let form = try context.request.formBody()
                guard case .accepted(let challenge) = try codes.verify(linkToken: form["token"] ?? "", audience: .customer,
                                                                       workspace: tenant.workspace.id, now: context.now),
                      let id = challenge.subjectID,
                      let customer = try store.customer(id: CustomerID(id), in: tenant.workspace.id)
                else {
                    try audit(tenant, action: "auth.login_failed", email: nil, details: ["method": "email_link", "reason": "invalid_link"],
                              at: context.now)
                    return pages.render(.badRequest, "portal-login-link", PortalChrome(tenant: tenant).context, brand: tenant.brand)
                }
                try audit(tenant, action: "auth.login_succeeded", email: customer.email, details: ["method": "email_link"], at: context.now)
                var response = Response.redirect(to: "/")
                try signIn(customer, tenant: tenant, context: context, into: &response)
                return response
            }),
        ] + customAuth.routes(signIn: signIn)
    }

    // MARK: The rules

    private func requireMode(_ mode: PortalAuthSettings.Mode, _ tenant: PortalTenant) throws(HTTPError) {
        guard tenant.settings.auth.mode == mode else { throw HTTPError.notFound }
    }

    /// Starts a sign-in for any well-formed email. Only a customer with access
    /// gets mail, but every request does the same writes and answers the same.
    private func start(email: EmailAddress, tenant: PortalTenant, context: RequestContext) throws {
        let customer = try store.customer(email: email, in: tenant.workspace.id)
        let eligible = customer.flatMap { $0.effectiveAccess(default: tenant.settings.defaultAccess) == .none ? nil : $0 }
        let origin = context.request.origin
        let issued = codes.issue(
            audience: .customer, workspace: tenant.workspace.id, email: email, clientAddress: context.request.clientAddress,
            subjectID: eligible?.id.rawValue, now: context.now,
            mail: { code, link in SignInMail.customer(to: email, code: code, link: "\(origin)/auth/link?token=\(link)",
                                                      settings: tenant.settings, pages: pages) },
            audits: [(tenant.workspace.id, NewAuditEvent(
                actor: .system, action: eligible == nil ? "auth.code_requested" : "auth.code_sent",
                target: eligible.map { "customer:\($0.id)" }, details: ["email": .string(email.value), "known": .bool(eligible != nil)]))])
        switch try store.startSignIn(issued.start, at: context.now) {
        case .started(let mailID):
            if mailID != nil { mailSender?.notify() }
        case .rateLimited(let seconds):
            throw HTTPError(.rateLimited, "Too many codes were requested; try again in \(seconds) seconds.",
                            headers: [.retryAfter: String(seconds)])
        }
    }

    private func verify(email: EmailAddress, code: String, tenant: PortalTenant, context: RequestContext) throws -> Customer {
        guard case .accepted(let challenge) = try codes.verify(code: code, audience: .customer, workspace: tenant.workspace.id,
                                                                  email: email, now: context.now),
              let id = challenge.subjectID, let customer = try store.customer(id: CustomerID(id), in: tenant.workspace.id),
              customer.effectiveAccess(default: tenant.settings.defaultAccess) != .none
        else {
            try audit(tenant, action: "auth.login_failed", email: email, details: ["method": "email_code", "reason": "wrong_or_expired_code"],
                      at: context.now)
            throw HTTPError(.unauthorized, "That code is not valid or has expired; ask for a new one.")
        }
        try audit(tenant, action: "auth.login_succeeded", email: email, details: ["method": "email_code"], at: context.now)
        return customer
    }

    /// Creates the session and sets its cookie; a session the browser already
    /// had on this portal is revoked (the token rotates).
    func signIn(_ customer: Customer, tenant: PortalTenant, context: RequestContext, into response: inout Response) throws {
        if let old = context.request.cookie(CustomerAuthenticator.cookieName), SessionToken.isWellFormed(old),
           let (session, _) = try store.portalSession(tokenHash: SessionToken.hash(old), in: tenant.workspace.id) {
            try store.revokePortalSession(id: session.id, in: tenant.workspace.id, at: context.now)
        }
        let token = try CustomerSessions.create(for: customer, store: store, policy: sessions,
                                                userAgent: context.request.header(.userAgent),
                                                clientAddress: context.request.clientAddress, at: context.now)
        response.headerFields.append(HTTPField(
            name: .setCookie,
            value: SessionCookie.setting(CustomerAuthenticator.cookieName, token: token, maxAgeSeconds: sessions.absoluteTimeoutSeconds)))
    }

    func audit(_ tenant: PortalTenant, action: String, email: EmailAddress?, details: [String: JSONValue], at now: Timestamp) throws {
        var details = details
        if let email { details["email"] = .string(email.value) }
        try store.appendAuditEvent(NewAuditEvent(actor: .system, action: action, target: nil, details: .object(details)),
                                   in: tenant.workspace.id, at: now)
    }

    // MARK: Pages

    private func loginPage(_ tenant: PortalTenant, next: String, status: HTTPResponse.Status = .ok, error: String? = nil,
                           email: String = "") -> Response {
        var context = PortalChrome(tenant: tenant).context
        context["next"] = .string(next)
        context["email"] = .string(email)
        context["error"] = .string(error ?? "")
        context["hasError"] = .bool(error != nil)
        return pages.render(status, "portal-login", context, brand: tenant.brand)
    }

    private func verifyPage(_ tenant: PortalTenant, email: String, next: String, status: HTTPResponse.Status = .ok,
                            error: String? = nil) -> Response {
        var context = PortalChrome(tenant: tenant).context
        context["next"] = .string(next)
        context["email"] = .string(email)
        context["error"] = .string(error ?? "")
        context["hasError"] = .bool(error != nil)
        context["loginAgainURL"] = .string("/login?next=" + PercentEncoding.queryValue(next))
        return pages.render(status, "portal-login-verify", context, brand: tenant.brand)
    }
}
