import HTTPTypes

/// Operator sign-in on the app host: an email code (with a one-click link)
/// for everyday use, and the admin tool's one-time link for bootstrap. Both
/// links ask for a confirming click, so a mail scanner cannot spend them.
struct OperatorSignIn: Sendable {
    let store: any PortalStore
    let pages: PageRenderer
    let policy: SessionPolicy
    let codes: SignInCodes
    let mailSender: MailSender?

    /// Where an operator lands after signing in.
    static let home = "/clients/portal/settings"

    var routes: [Route] {
        [
            .get("/login", .open { context in
                loginPage(next: PortalPages.safeNext(context.request.query["next"], default: Self.home))
            }),
            .post("/login", .open { context in
                try CSRFGuard.checkSignInForm(context.request)
                let form = try context.request.formBody()
                let next = PortalPages.safeNext(form["next"], default: Self.home)
                guard let email = form["email"].flatMap(EmailAddress.init) else {
                    return loginPage(next: next, status: .unprocessableContent, error: "Enter a valid email address.", email: form["email"] ?? "")
                }
                let memberships = try store.operators(email: email)
                let origin = context.request.origin
                let issued = codes.issue(
                    audience: .operator, workspace: nil, email: email, clientAddress: context.request.clientAddress,
                    subjectID: memberships.first?.id.rawValue, now: context.now,
                    mail: { code, link in SignInMail.operator(to: email, code: code, link: "\(origin)/login/code-link?token=\(link)", pages: pages) },
                    audits: memberships.map { account in
                        (account.workspaceID, NewAuditEvent(actor: .system, action: "operator.code_sent", target: "operator:\(account.id)",
                                                            details: ["email": .string(email.value)]))
                    })
                switch try store.startSignIn(issued.start, at: context.now) {
                case .started(let mailID):
                    if mailID != nil { mailSender?.notify() }
                case .rateLimited(let seconds):
                    var page = loginPage(next: next, status: .tooManyRequests,
                                         error: "Too many codes were requested; try again in \(seconds) seconds.", email: email.value)
                    page.headerFields[.retryAfter] = String(seconds)
                    return page
                }
                return .redirect(to: "/login/verify?email=\(PercentEncoding.queryValue(email.value))&next=\(PercentEncoding.queryValue(next))")
            }),
            .get("/login/verify", .open { context in
                verifyPage(email: context.request.query["email"] ?? "", next: PortalPages.safeNext(context.request.query["next"], default: Self.home))
            }),
            .post("/login/verify", .open { context in
                try CSRFGuard.checkSignInForm(context.request)
                let form = try context.request.formBody()
                let next = PortalPages.safeNext(form["next"], default: Self.home)
                let code = (form["code"] ?? "").filter { !$0.isWhitespace }
                guard let email = form["email"].flatMap(EmailAddress.init), SignInCodes.isWellFormed(code) else {
                    return verifyPage(email: form["email"] ?? "", next: next, status: .unprocessableContent,
                                      error: "Enter the 6 digits from the email.")
                }
                guard case .accepted = try codes.verify(code: code, audience: .operator, workspace: nil, email: email, now: context.now) else {
                    try auditFailure(email: email, method: "email_code", at: context.now)
                    return verifyPage(email: email.value, next: next, status: .unauthorized,
                                      error: "That code is not valid or has expired; ask for a new one.")
                }
                return try signedIn(email: email, next: next, method: "email_code", context: context)
            }),
            .get("/login/code-link", .open { context in
                let token = context.request.query["token"] ?? ""
                guard let live = try codes.liveLink(token, audience: .operator, workspace: nil, now: context.now) else {
                    return pages.render(.badRequest, "app-login-link", ["invalid": true])
                }
                return pages.render(.ok, "app-login-link", ["token": token, "email": live.email.value, "name": live.email.value,
                                                            "hasWorkspace": false, "action": "/login/code-link", "next": Self.home])
            }),
            .post("/login/code-link", .open { context in
                try CSRFGuard.checkSignInForm(context.request)
                let form = try context.request.formBody()
                guard case .accepted(let challenge) = try codes.verify(linkToken: form["token"] ?? "", audience: .operator,
                                                                       workspace: nil, now: context.now)
                else {
                    context.logger.info("operator sign-in link refused")
                    return pages.render(.badRequest, "app-login-link", ["invalid": true])
                }
                return try signedIn(email: challenge.email, next: Self.home, method: "email_link", context: context)
            }),
            .get("/login/link", .open { context in
                let token = context.request.query["token"] ?? ""
                guard SessionToken.isWellFormed(token),
                      let account = try store.peekOperatorLoginLink(tokenHash: SessionToken.hash(token), at: context.now)
                else { return pages.render(.badRequest, "app-login-link", ["invalid": true]) }
                let workspace = try store.workspace(id: account.workspaceID)
                return pages.render(.ok, "app-login-link", [
                    "token": token, "name": account.name, "email": account.email.value, "workspace": workspace?.name ?? "", "hasWorkspace": true,
                    "action": "/login/link", "next": PortalPages.safeNext(context.request.query["next"], default: Self.home),
                ])
            }),
            .post("/login/link", .open { context in
                try CSRFGuard.checkSignInForm(context.request)
                let form = try context.request.formBody()
                let token = form["token"] ?? ""
                guard SessionToken.isWellFormed(token),
                      let account = try store.consumeOperatorLoginLink(tokenHash: SessionToken.hash(token), at: context.now)
                else { return pages.render(.badRequest, "app-login-link", ["invalid": true]) }
                return try session(for: account, next: PortalPages.safeNext(form["next"], default: Self.home), method: "login_link",
                                   context: context)
            }),
            .post("/logout", .account(nil) { context, principal in
                if case .session(let session, _) = principal.credential {
                    try store.revokeOperatorSession(id: session.id, in: principal.workspace.id, at: context.now)
                }
                var response = Response.redirect(to: "/login")
                response.headerFields.append(HTTPField(name: .setCookie, value: SessionCookie.clearing(AccountAuthenticator.cookieName)))
                return response
            }),
        ]
    }

    /// After a verified code or email link: one workspace signs in at once;
    /// several get a page with a one-time link for each.
    private func signedIn(email: EmailAddress, next: String, method: String, context: RequestContext) throws -> Response {
        let memberships = try store.operators(email: email)
        if memberships.count == 1 { return try session(for: memberships[0], next: next, method: method, context: context) }
        var choices: [[String: Any]] = []
        for account in memberships {
            let token = try OperatorSignInLinks.create(for: account, store: store, at: context.now)
            choices.append(["token": token, "workspace": try store.workspace(id: account.workspaceID)?.name ?? "", "next": next])
        }
        return pages.render(.ok, "app-login-choose", ["email": email.value, "choices": choices])
    }

    /// A wrong code is audited in every workspace the email operates (an
    /// unknown email has no workspace to audit in: it is only logged).
    private func auditFailure(email: EmailAddress, method: String, at now: Timestamp) throws {
        for account in try store.operators(email: email) {
            try store.appendAuditEvent(
                NewAuditEvent(actor: .system, action: "operator.sign_in_failed", target: "operator:\(account.id)",
                              details: ["method": .string(method), "reason": "wrong_or_expired_code", "email": .string(email.value)]),
                in: account.workspaceID, at: now)
        }
    }

    private func session(for account: Operator, next: String, method: String, context: RequestContext) throws -> Response {
        let session = SessionToken.generate()
        _ = try store.createOperatorSession(
            NewSession(subject: account.id, tokenHash: session.hash, expiresAt: context.now.adding(seconds: policy.absoluteTimeoutSeconds),
                       userAgent: context.request.header(.userAgent).map { String($0.prefix(300)) },
                       clientAddress: context.request.clientAddress),
            in: account.workspaceID, at: context.now)
        try store.appendAuditEvent(
            NewAuditEvent(actor: AuditActor(kind: .operator, id: account.id.rawValue, label: account.email.value),
                          action: "operator.signed_in", target: nil, details: ["method": .string(method)]),
            in: account.workspaceID, at: context.now)
        var response = Response.redirect(to: next)
        response.headerFields.append(HTTPField(
            name: .setCookie,
            value: SessionCookie.setting(AccountAuthenticator.cookieName, token: session.token, maxAgeSeconds: policy.absoluteTimeoutSeconds)))
        return response
    }

    private func loginPage(next: String, status: HTTPResponse.Status = .ok, error: String? = nil, email: String = "") -> Response {
        pages.render(status, "app-login", ["next": next, "email": email, "error": error ?? "", "hasError": error != nil])
    }

    private func verifyPage(email: String, next: String, status: HTTPResponse.Status = .ok, error: String? = nil) -> Response {
        pages.render(status, "app-login-verify", [
            "next": next, "email": email, "error": error ?? "", "hasError": error != nil,
            "loginAgainURL": "/login?next=" + PercentEncoding.queryValue(next),
        ])
    }
}
