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
        var response = Response(status: status, headerFields: [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
        ], body: views.render(template, context))
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
        let (year, month, day) = civilDate
        let minutes = (millisecondsSinceEpoch - Self.startOfDay(millisecondsSinceEpoch)) / 60_000
        let hour = minutes / 60, minute = minutes % 60
        return "\(day) \(Self.monthNames[Int(month) - 1]) \(year), \(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute) UTC"
    }

    private static func startOfDay(_ milliseconds: Int64) -> Int64 {
        (milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000) * 86_400_000
    }
}
