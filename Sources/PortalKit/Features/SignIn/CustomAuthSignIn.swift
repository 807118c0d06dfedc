import Foundation
import HTTPTypes
import JWTKit
import Synchronization

/// `auth.mode = custom`: `/login` sends the customer to the vendor's login
/// (`customAuthUrl?return_to=…`), which sends them back to `/auth/custom`
/// with a signed JWT. Verified with vapor/jwt-kit: HS256 with the
/// workspace's secret, or RS256/ES256 with the configured public key — the
/// key is chosen by the algorithm the settings allow, never by the token, so
/// `alg: none` and algorithm confusion have nothing to verify with.
struct CustomAuthSignIn: Sendable {
    let store: any PortalStore
    let pages: PageRenderer

    static let maximumTokenBytes = 8 * 1024
    static let clockSkewSeconds: Int64 = 60
    static let maximumLifetimeSeconds: Int64 = 600

    /// Why a token was refused: the category is audited, the customer sees one sentence.
    enum Rejection: String, Error {
        case format, algorithm, signature, expired, notYetValid = "not_yet_valid", lifetime, audience, issuer, missingClaim = "missing_claim"
        case replay, email
    }

    func redirectToVendor(tenant: PortalTenant, context: RequestContext, next: String) throws -> Response {
        guard let vendor = tenant.settings.auth.customAuthURL else { throw HTTPError.notFound }
        var returnTo = context.request.origin + "/auth/custom"
        if next != "/" { returnTo += "?return_to=" + PercentEncoding.queryValue(next) }
        let separator = vendor.contains("?") ? "&" : "?"
        return .redirect(to: vendor + separator + "return_to=" + PercentEncoding.queryValue(returnTo))
    }

    func routes(signIn: @escaping @Sendable (Customer, PortalTenant, RequestContext, inout Response) throws -> Void) -> [Route] {
        [
            .get("/auth/custom", .portal { context, tenant in
                try exchange(token: context.request.query["token"], returnTo: context.request.query["return_to"], tenant: tenant,
                             context: context, signIn: signIn)
            }),
            .post("/auth/custom", .portal { context, tenant in
                let form = try context.request.formBody()
                return try exchange(token: form["token"], returnTo: form["return_to"], tenant: tenant, context: context, signIn: signIn)
            }),
        ]
    }

    private func exchange(token: String?, returnTo: String?, tenant: PortalTenant, context: RequestContext,
                          signIn: (Customer, PortalTenant, RequestContext, inout Response) throws -> Void) throws -> Response {
        guard tenant.settings.auth.mode == .custom else { throw HTTPError.notFound }
        var destination = "/"
        if let returnTo, !returnTo.isEmpty {
            guard let path = Self.samePortalPath(returnTo, request: context.request) else {
                throw HTTPError.validation("return_to", "must be a page of this portal")
            }
            destination = path
        }
        do {
            let claims = try verify(token ?? "", tenant: tenant, audiences: ["https://" + context.request.host, context.request.origin],
                                    now: context.now)
            let customer = try provision(claims, tenant: tenant, now: context.now)
            try audit(tenant, "auth.login_succeeded", ["method": "custom_token", "email": .string(customer.email.value)], at: context.now)
            var response = Response.redirect(to: destination)
            try signIn(customer, tenant, context, &response)
            return response
        } catch let rejection as Rejection {
            try audit(tenant, "auth.token_rejected", ["method": "custom_token", "reason": .string(rejection.rawValue)], at: context.now)
            var page = PortalChrome(tenant: tenant).context
            page["reason"] = .string(rejection == .replay ? "This sign-in link was already used." : "The sign-in could not be verified.")
            return pages.render(.unauthorized, "portal-signin-failed", page, brand: tenant.brand)
        }
    }

    /// A relative path, or an absolute URL on this very portal host → its path.
    static func samePortalPath(_ text: String, request: Request) -> String? {
        if text.hasPrefix("/") { return PortalPages.safeNext(text, default: "") .isEmpty ? nil : PortalPages.safeNext(text) }
        guard let schemeEnd = text.range(of: "://") else { return nil }
        let afterScheme = text[schemeEnd.upperBound...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard text[..<schemeEnd.lowerBound].lowercased() == request.scheme, Request.routingHost(String(authority)) == request.host,
              !authority.contains("@") else { return nil }
        let path = String(afterScheme.dropFirst(authority.count))
        return PortalPages.safeNext(path.isEmpty ? "/" : path)
    }

    // MARK: Verification

    struct Claims: JWTPayload {
        var exp: ExpirationClaim?
        var iat: IssuedAtClaim?
        var nbf: NotBeforeClaim?
        var aud: AudienceClaim?
        var iss: IssuerClaim?
        var jti: IDClaim?
        var email: String?
        var name: String?
        var company: String?
        var account_external_id: String?

        /// Claims are checked by `CustomAuthSignIn.check`, with the request's clock.
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    func verify(_ token: String, tenant: PortalTenant, audiences: Set<String>, now: Timestamp) throws -> Claims {
        guard !token.isEmpty, token.utf8.count <= Self.maximumTokenBytes else { throw Rejection.format }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = RandomToken.decodeBase64URL(String(parts[0])),
              case .object(let header)? = try? JSONValue.parse(headerBytes), let algorithm = header["alg"]?.stringValue
        else { throw Rejection.format }
        let keys = JWTKeyCollection()
        let auth = tenant.settings.auth
        switch algorithm {
        case "HS256":
            guard let secret = try store.customAuthSecret(in: tenant.workspace.id) else { throw Rejection.algorithm }
            try Self.blocking { await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256) }
        case "RS256":
            guard let pem = auth.publicKey, let key = try? Insecure.RSA.PublicKey(pem: pem) else { throw Rejection.algorithm }
            try Self.blocking { await keys.add(rsa: key, digestAlgorithm: .sha256) }
        case "ES256":
            guard let pem = auth.publicKey, let key = try? ES256PublicKey(pem: pem) else { throw Rejection.algorithm }
            try Self.blocking { await keys.add(ecdsa: key) }
        default:
            throw Rejection.algorithm  // none, HS384, PS256, …: not accepted
        }
        let claims: Claims
        do {
            claims = try Self.blocking { try await keys.verify(token, as: Claims.self) }
        } catch {
            throw Rejection.signature
        }
        try check(claims, tenant: tenant, audiences: audiences, now: now)
        let expires = Timestamp(millisecondsSinceEpoch: Int64(claims.exp!.value.timeIntervalSince1970 * 1000))
        guard try store.registerTokenUse(jti: claims.jti!.value, in: tenant.workspace.id,
                                         expiresAt: expires.adding(seconds: Self.clockSkewSeconds), at: now)
        else { throw Rejection.replay }
        return claims
    }

    /// `exp` required and at most 10 minutes after `iat`, 60 s of clock skew,
    /// `aud` the portal's origin, `iss` when configured, `jti` and `email` present.
    func check(_ claims: Claims, tenant: PortalTenant, audiences: Set<String>, now: Timestamp) throws(Rejection) {
        guard let exp = claims.exp, let iat = claims.iat, let jti = claims.jti, !jti.value.isEmpty, jti.value.utf8.count <= 200
        else { throw .missingClaim }
        let nowSeconds = Double(now.millisecondsSinceEpoch) / 1000
        let skew = Double(Self.clockSkewSeconds)
        if exp.value.timeIntervalSince1970 + skew < nowSeconds { throw .expired }
        if iat.value.timeIntervalSince1970 - skew > nowSeconds { throw .notYetValid }
        if let nbf = claims.nbf, nbf.value.timeIntervalSince1970 - skew > nowSeconds { throw .notYetValid }
        if exp.value.timeIntervalSince1970 - iat.value.timeIntervalSince1970 > Double(Self.maximumLifetimeSeconds) { throw .lifetime }
        guard let audience = claims.aud, audience.value.contains(where: audiences.contains) else {
            throw .audience
        }
        if let issuer = tenant.settings.auth.issuer, claims.iss?.value != issuer { throw .issuer }
        guard let email = claims.email, EmailAddress(email) != nil else { throw .email }
    }

    // MARK: Just-in-time customers

    /// Creates or updates the customer (and company) the token describes. An
    /// explicit access level is never touched: a `none` stays `none`.
    func provision(_ claims: Claims, tenant: PortalTenant, now: Timestamp) throws -> Customer {
        let workspace = tenant.workspace.id
        let email = EmailAddress(claims.email!)!
        let name = claims.name.map { MailMessage.headerSafe($0) }.flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
        var companyID: CompanyID?
        if let externalID = claims.account_external_id.flatMap({ $0.isEmpty ? nil : String($0.prefix(200)) }) {
            companyID = try store.company(externalID: externalID, in: workspace)?.id
                ?? store.createCompany(NewCompany(name: claims.company.map { String($0.prefix(200)) } ?? externalID,
                                                  externalID: externalID), in: workspace, at: now).id
        } else if let companyName = claims.company.flatMap({ $0.isEmpty ? nil : String($0.prefix(200)) }) {
            companyID = try store.company(named: companyName, in: workspace)?.id
                ?? store.createCompany(NewCompany(name: companyName), in: workspace, at: now).id
        }
        if var existing = try store.customer(email: email, in: workspace) {
            var update = CustomerUpdate()
            if let name, name != existing.name { update.name = .set(name) }
            if let companyID, companyID != existing.companyID { update.companyID = .set(companyID) }
            if case .unchanged = update.name, case .unchanged = update.companyID { return existing }
            existing = try store.updateCustomer(id: existing.id, update, in: workspace, at: now) ?? existing
            return existing
        }
        return try store.createCustomer(NewCustomer(email: email, name: name, companyID: companyID), in: workspace, at: now)
    }

    private func audit(_ tenant: PortalTenant, _ action: String, _ details: [String: JSONValue], at now: Timestamp) throws {
        try store.appendAuditEvent(NewAuditEvent(actor: .system, action: action, target: nil, details: .object(details)),
                                   in: tenant.workspace.id, at: now)
    }

    /// jwt-kit's key collection is an actor; a request thread waits for it.
    /// The task runs on its own executor, never on Swift's cooperative pool,
    /// so waiting cannot starve the pool even when the caller is part of it.
    @discardableResult
    static func blocking<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
        let semaphore = DispatchSemaphore(value: 0)
        let result = Mutex<Result<T, any Error>?>(nil)
        Task(executorPreference: JWTExecutor.shared) {
            let outcome: Result<T, any Error>
            do { outcome = .success(try await operation()) } catch { outcome = .failure(error) }
            result.withLock { $0 = outcome }
            semaphore.signal()
        }
        semaphore.wait()
        return try result.withLock { $0! }.get()
    }
}

/// Where jwt-kit's async work runs: a dispatch queue of its own.
final class JWTExecutor: TaskExecutor {
    static let shared = JWTExecutor()
    private let queue = DispatchQueue(label: "portal.jwt", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
