import HTTPTypes

/// Unsafe methods from a browser session must prove they come from our own
/// pages: the session's CSRF token (form field `_csrf` or header
/// `X-CSRF-Token`), or an `Origin` of this very host. Bearer keys and the
/// development header need neither: a browser cannot attach them cross-site.
enum CSRFGuard {
    static let formField = "_csrf"
    static let header = "X-CSRF-Token"
    private static let headerName = HTTPField.Name(header)!

    static func check(_ request: Request, expectedToken: String) throws(HTTPError) {
        switch request.method {
        case .get, .head, .options: return
        default: break
        }
        if let sent = request.header(headerName), SessionToken.constantTimeEquals(sent, expectedToken) { return }
        let isForm = request.mediaType == "application/x-www-form-urlencoded"
        if isForm, let form = FormData(body: request.body),
           let sent = form[formField], SessionToken.constantTimeEquals(sent, expectedToken) {
            return
        }
        if let origin = request.header(.origin), isSameOrigin(origin, request: request) {
            // A same-origin Origin is enough for JSON writes; a form must carry its token.
            if !isForm { return }
        }
        throw HTTPError(.forbidden, "This request did not come from this site's own pages (missing or wrong CSRF token).")
    }

    /// Sign-in forms have no session to derive a token from. A form posted
    /// from another site could sign a visitor into someone else's account
    /// (login CSRF), so a foreign Origin is refused.
    static func checkSignInForm(_ request: Request) throws(HTTPError) {
        if let origin = request.header(.origin), !isSameOrigin(origin, request: request) {
            throw HTTPError(.forbidden, "Sign in from this site's own page.")
        }
    }

    /// `https://acme.portal.example.net[:port]` against the request's scheme and host.
    static func isSameOrigin(_ origin: String, request: Request) -> Bool {
        // Bytes, not Characters (see `Request.init`).
        guard let colon = origin.utf8.firstIndex(of: UInt8(ascii: ":")),
              origin[colon...].utf8.starts(with: "://".utf8)
        else { return false }
        let authority = origin[origin.utf8.index(colon, offsetBy: 3)...]
        return origin[..<colon].lowercased() == request.scheme.lowercased()
            && Request.routingHost(String(authority)) == request.host
    }
}
