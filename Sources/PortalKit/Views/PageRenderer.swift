import Crypto
import Foundation
import HTTPTypes

/// Renders a page with its Content-Security-Policy: no inline script at all,
/// and no inline style but a portal page's one accent-colour rule, allowed by
/// its hash. The rule changes only with the brand, so the brand's headers are
/// made once per settings version (`PortalBrand.pageHeaders`); a nonce per
/// page cost two `getrandom` calls, its encoding and a policy built and
/// checked per answer (~12 000 instructions a page, bench/profile, issue #7).
struct PageRenderer: Sendable {
    let views: Views

    /// Operator pages, rendered seldom, build dictionaries, and have no inline style.
    func render(_ status: HTTPResponse.Status = .ok, _ template: String, _ context: [String: Any]) -> Response {
        Response(status: status, headerFields: Self.plainHeaders, body: views.renderBody(template, TemplateObject(context)))
    }

    /// Portal pages build template values (see `PortalChrome`) and show their brand's accent.
    func render(_ status: HTTPResponse.Status = .ok, _ template: String, _ context: TemplateObject, brand: PortalBrand) -> Response {
        Response(status: status, headerFields: brand.pageHeaders, body: views.renderBody(template, context))
    }

    static let plainHeaders = headers(allowingInlineStyle: nil)

    /// The headers of an HTML page (every page is made here) whose only
    /// inline style, if any, is `style`.
    static func headers(allowingInlineStyle style: String?) -> HTTPFields {
        var styleSources = "'self'"
        if let style {
            let digest = Data(SHA256.hash(data: Array(style.utf8))).base64EncodedString()
            styleSources += " 'sha256-\(digest)'"
        }
        return [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'none'; script-src 'self'; style-src \(styleSources); img-src 'self' https: data:; "
                + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ]
    }
}
