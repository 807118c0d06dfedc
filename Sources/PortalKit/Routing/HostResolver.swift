/// Decides from the Host which side of the product a request is for.
public struct HostResolver: Sendable {
    public let appHost: String
    public let portalBaseDomain: String

    public init(appHost: String, portalBaseDomain: String) {
        self.appHost = appHost
        self.portalBaseDomain = portalBaseDomain
    }

    public enum HostKind: Equatable, Sendable {
        /// The operator host: settings, preview, account and support APIs.
        case app
        /// `<slug>.<portal base domain>`: a workspace's portal (if the slug exists).
        case portal(slug: String)
        /// Any other name: a custom domain if one is verified for it, else nothing.
        case other(host: String)
    }

    public func classify(_ host: String) -> HostKind {
        if host == appHost { return .app }
        let suffix = "." + portalBaseDomain
        if host.hasSuffix(suffix) {
            let label = host.dropLast(suffix.count)
            if !label.contains("."), WorkspaceSlug.isValid(String(label)) { return .portal(slug: String(label)) }
        }
        return .other(host: host)
    }
}
