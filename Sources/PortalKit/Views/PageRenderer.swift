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
        var response = Response.html(status, body: views.renderBody(template, context))
        response.headerFields[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-\(nonce)'; img-src 'self' https: data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        return response
    }
}
