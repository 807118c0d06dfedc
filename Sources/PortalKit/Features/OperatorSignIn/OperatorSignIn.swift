import HTTPTypes

/// Operator sign-in on the app host. Until email codes arrive, the way in is a
/// one-time link from the admin tool (`portal operator login-link`); the link
/// page asks for a confirming click, so a mail scanner that fetches it does not
/// spend it.
struct OperatorSignIn: Sendable {
    let store: any PortalStore
    let pages: PageRenderer
    let policy: SessionPolicy

    /// Where an operator lands after signing in.
    static let home = "/clients/portal/settings"

    var routes: [Route] {
        [
            .get("/login", .open { context in
                pages.render(.ok, "app-login", ["next": PortalPages.safeNext(context.request.query["next"], default: Self.home)])
            }),
            .get("/login/link", .open { context in
                let token = context.request.query["token"] ?? ""
                guard SessionToken.isWellFormed(token),
                      let account = try store.peekOperatorLoginLink(tokenHash: SessionToken.hash(token), at: context.now)
                else { return pages.render(.badRequest, "app-login-link", ["invalid": true]) }
                let workspace = try store.workspace(id: account.workspaceID)
                return pages.render(.ok, "app-login-link", [
                    "token": token, "name": account.name, "email": account.email.value, "workspace": workspace?.name ?? "",
                    "next": PortalPages.safeNext(context.request.query["next"], default: Self.home),
                ])
            }),
            .post("/login/link", .open { context in
                // Login CSRF: a foreign page must not sign a visitor into someone else's account.
                if let origin = context.request.header(.origin), !CSRFGuard.isSameOrigin(origin, request: context.request) {
                    throw HTTPError(.forbidden, "Sign in from this site's own page.")
                }
                let form = try context.request.formBody()
                let token = form["token"] ?? ""
                guard SessionToken.isWellFormed(token),
                      let account = try store.consumeOperatorLoginLink(tokenHash: SessionToken.hash(token), at: context.now)
                else { return pages.render(.badRequest, "app-login-link", ["invalid": true]) }
                let session = SessionToken.generate()
                _ = try store.createOperatorSession(
                    NewSession(subject: account.id, tokenHash: session.hash,
                               expiresAt: context.now.adding(seconds: policy.absoluteTimeoutSeconds),
                               userAgent: context.request.header(.userAgent).map { String($0.prefix(300)) },
                               clientAddress: context.request.clientAddress),
                    in: account.workspaceID, at: context.now)
                _ = try? store.appendAuditEvent(
                    NewAuditEvent(actor: AuditActor(kind: .operator, id: account.id.rawValue, label: account.email.value),
                                  action: "operator.signed_in", target: nil, details: ["method": "login_link"]),
                    in: account.workspaceID, at: context.now)
                var response = Response.redirect(to: PortalPages.safeNext(form["next"], default: Self.home))
                response.headerFields.append(HTTPField(
                    name: .setCookie,
                    value: SessionCookie.setting(AccountAuthenticator.cookieName, token: session.token,
                                                 maxAgeSeconds: policy.absoluteTimeoutSeconds)))
                return response
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
}
