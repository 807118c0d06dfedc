import HTTPTypes

/// Renders a page with its Content-Security-Policy. The only inline CSS is the
/// accent colour's one custom property, allowed by a per-response nonce; no
/// inline script at all.
struct PageRenderer: Sendable {
    let views: Views

    func render(_ status: HTTPResponse.Status = .ok, _ template: String, _ context: [String: Any]) -> Response {
        let nonce = RandomToken.base64URL(byteCount: 16)
        var context = context
        context["cspNonce"] = nonce
        var response = Response.html(status, views.render(template, context))
        response.headerFields[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-\(nonce)'; img-src 'self' https: data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        return response
    }
}

extension Timestamp {
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `26 Nov 2026, 12:00 UTC` for pages.
    public var display: String {
        let iso = iso8601  // 2026-11-26T12:00:00.000Z
        let parts = iso.split(separator: "T")
        let date = parts[0].split(separator: "-")
        let month = Self.monthNames[(Int(date[1]) ?? 1) - 1]
        let day = Int(date[2]) ?? 1
        return "\(day) \(month) \(date[0]), \(parts[1].prefix(5)) UTC"
    }
}
