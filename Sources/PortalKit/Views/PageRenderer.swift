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
        // Built as bytes: a list page formats one per row, and interpolation cost several times more.
        var text: [UInt8] = []
        text.reserveCapacity(24)
        Self.appendDigits(Int64(day), minimumWidth: 1, to: &text)
        text.append(UInt8(ascii: " "))
        text.append(contentsOf: Self.monthNames[Int(month) - 1].utf8)
        text.append(UInt8(ascii: " "))
        Self.appendDigits(Int64(year), minimumWidth: 1, to: &text)
        text.append(contentsOf: ", ".utf8)
        Self.appendDigits(hour, minimumWidth: 2, to: &text)
        text.append(UInt8(ascii: ":"))
        Self.appendDigits(minute, minimumWidth: 2, to: &text)
        text.append(contentsOf: " UTC".utf8)
        return String(decoding: text, as: UTF8.self)
    }

    private static func appendDigits(_ value: Int64, minimumWidth: Int, to text: inout [UInt8]) {
        if value < 0 { text.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        var divisor: UInt64 = 1
        var width = 1
        while magnitude / divisor >= 10 { divisor *= 10; width += 1 }
        for _ in width..<max(width, minimumWidth) { text.append(UInt8(ascii: "0")) }
        while divisor > 0 {
            text.append(UInt8(ascii: "0") + UInt8(magnitude / divisor % 10))
            divisor /= 10
        }
    }

    private static func startOfDay(_ milliseconds: Int64) -> Int64 {
        (milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000) * 86_400_000
    }
}
