import HTTPTypes

/// Renders a page with its Content-Security-Policy. The only inline CSS is the
/// accent colour's one custom property, allowed by a per-response nonce; no
/// inline script at all.
struct PageRenderer: Sendable {
    let views: Views

    /// Operator pages, rendered seldom, build dictionaries.
    func render(_ status: HTTPResponse.Status = .ok, _ template: String, _ context: [String: Any]) -> Response {
        render(status, template, TemplateObject(context))
    }

    /// Portal pages build template values (see `PortalChrome`).
    func render(_ status: HTTPResponse.Status = .ok, _ template: String, _ context: TemplateObject) -> Response {
        let nonce = RandomToken.base64URL(byteCount: 16)
        var context = context
        context["cspNonce"] = .string(nonce)
        var response = Response.html(status, bytes: views.render(template, context))
        response.headerFields[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-\(nonce)'; img-src 'self' https: data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        return response
    }
}

extension Timestamp {
    private static let monthNames: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `26 Nov 2026, 12:00 UTC` for pages.
    public var display: String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.displayMaximumLength) { buffer in
            String(decoding: UnsafeBufferPointer(start: buffer.baseAddress!, count: writeDisplay(to: buffer.baseAddress!)),
                   as: UTF8.self)
        }
    }

    /// The most bytes `writeDisplay` writes (a year of up to 20 characters).
    static let displayMaximumLength = 48

    /// Writes `display` at `out` and returns its length: digits, ASCII
    /// letters, spaces, `,`, `:` and a year's `-`, nothing HTML escapes.
    /// Built in place: a list page formats one per row, and building it from
    /// arrays and digit loops cost ~2 000 instructions each.
    func writeDisplay(to out: UnsafeMutablePointer<UInt8>) -> Int {
        let (year, month, day) = civilDate
        let minutes = (millisecondsSinceEpoch - Self.startOfDay(millisecondsSinceEpoch)) / 60_000
        var position = 0
        @inline(__always) func one(_ byte: UInt8) {
            out[position] = byte
            position += 1
        }
        @inline(__always) func two(_ value: Int64) {
            one(UInt8(truncatingIfNeeded: 48 + value / 10))
            one(UInt8(truncatingIfNeeded: 48 + value % 10))
        }
        if day >= 10 { one(UInt8(truncatingIfNeeded: 48 + day / 10)) }
        one(UInt8(truncatingIfNeeded: 48 + day % 10))
        one(UInt8(ascii: " "))
        Self.monthNames[Int(month) - 1].withUTF8Buffer { name in for byte in name { one(byte) } }
        one(UInt8(ascii: " "))
        if (1000...9999).contains(year) {
            two(year / 100); two(year % 100)
        } else {
            for byte in String(year).utf8 { one(byte) }
        }
        one(UInt8(ascii: ",")); one(UInt8(ascii: " "))
        two(minutes / 60); one(UInt8(ascii: ":")); two(minutes % 60)
        for byte in " UTC".utf8 { one(byte) }
        return position
    }

    private static func startOfDay(_ milliseconds: Int64) -> Int64 {
        (milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000) * 86_400_000
    }
}
