/// Decides from the Host which side of the product a request is for.
public struct HostResolver: Sendable {
    public let appHost: String
    public let portalBaseDomain: String
    /// `.` + the base domain, built once.
    private let portalSuffix: String

    public init(appHost: String, portalBaseDomain: String) {
        self.appHost = appHost
        self.portalBaseDomain = portalBaseDomain
        portalSuffix = "." + portalBaseDomain
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
        // Byte-wise: host names compare as bytes, not as Unicode text.
        let hostBytes = host.utf8, suffixBytes = portalSuffix.utf8
        if hostBytes.count > suffixBytes.count, hostBytes.suffix(suffixBytes.count).elementsEqual(suffixBytes),
           let label = String(hostBytes.dropLast(suffixBytes.count))
        {
            if !label.utf8.contains(UInt8(ascii: ".")), WorkspaceSlug.isValid(label) { return .portal(slug: label) }
        }
        return .other(host: host)
    }
}
