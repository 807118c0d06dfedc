/// Settings of the custom-domain checks and the certificate job
/// (`portal domains check`, `portal certs sync`), part of `Configuration`.
public struct DomainConfiguration: Sendable, Equatable {
    /// `PORTAL_DNS_RESOLVER`: `ipv4:port` of the resolver to ask; unset: the system's.
    public var resolver: DNSServerAddress?
    /// `PORTAL_DNS_GRACE`: seconds a verified domain keeps routing after its TXT record disappears.
    public var graceSeconds: Int64 = 72 * 3600
    /// `PORTAL_ACME_SERVER`: the ACME directory URL certbot talks to.
    public var acmeServer = "https://acme-v02.api.letsencrypt.org/directory"
    /// `PORTAL_ACME_EMAIL`: the ACME account's contact; unset registers without one.
    public var acmeEmail: String?
    /// `PORTAL_ACME_WEBROOT`: where certbot writes HTTP-01 challenges; nginx serves it at `/.well-known/acme-challenge/`.
    public var acmeWebroot: String
    /// `PORTAL_CERTS_DIR`: certbot's state and the installed `<host>.crt`/`<host>.key` files.
    public var certificatesDirectory: String
    /// `PORTAL_NGINX_DIR`: where deploy/render-nginx put the configuration (the
    /// job reads `custom-domain.conf.template` there and writes `custom-domains/<host>.conf`).
    public var nginxDirectory: String
    /// `PORTAL_NGINX_TEST`: checks nginx's configuration before a reload.
    public var nginxTestCommand = ["nginx", "-t", "-q"]
    /// `PORTAL_NGINX_RELOAD`: makes nginx read the new server blocks.
    public var nginxReloadCommand = ["systemctl", "reload", "nginx"]
    /// `PORTAL_CERTBOT`: the certbot executable.
    public var certbot = "certbot"
    /// `PORTAL_TLS_KEY_GROUP`: group allowed to read the private keys (nginx's); unset keeps them owner-only.
    public var keyGroup: String?

    public init(environment: DeploymentEnvironment = .development) {
        switch environment {
        case .production:
            acmeWebroot = "/var/lib/woes-portal/acme"
            certificatesDirectory = "/var/lib/woes-portal/certs"
            nginxDirectory = "/etc/nginx/woes-portal"
            keyGroup = "www-data"
        case .development:
            acmeWebroot = "var/acme"
            certificatesDirectory = "var/certs"
            nginxDirectory = "var/nginx"
        }
    }

    /// Reads the variables above; problems are appended for `Configuration` to report.
    mutating func read(_ value: (String) -> String?, problems: inout [String]) {
        if let text = value("PORTAL_DNS_RESOLVER") {
            if let address = DNSServerAddress(parsing: text) {
                resolver = address
            } else {
                problems.append("PORTAL_DNS_RESOLVER=\(text): expected an IPv4 address and port such as 127.0.0.1:5353")
            }
        }
        if let text = value("PORTAL_DNS_GRACE") {
            if let seconds = Int64(text), seconds >= 0 { graceSeconds = seconds } else {
                problems.append("PORTAL_DNS_GRACE=\(text): expected a number of seconds")
            }
        }
        if let text = value("PORTAL_ACME_SERVER") {
            if text.hasPrefix("https://") { acmeServer = text } else {
                problems.append("PORTAL_ACME_SERVER=\(text): expected an https:// ACME directory URL")
            }
        }
        if let text = value("PORTAL_ACME_EMAIL") {
            if EmailAddress(text) != nil { acmeEmail = text } else { problems.append("PORTAL_ACME_EMAIL=\(text): expected an email address") }
        }
        if let text = value("PORTAL_ACME_WEBROOT") { acmeWebroot = text }
        if let text = value("PORTAL_CERTS_DIR") { certificatesDirectory = text }
        if let text = value("PORTAL_NGINX_DIR") { nginxDirectory = text }
        if let text = value("PORTAL_NGINX_TEST") { nginxTestCommand = text.split(separator: " ").map(String.init) }
        if let text = value("PORTAL_NGINX_RELOAD") { nginxReloadCommand = text.split(separator: " ").map(String.init) }
        if let text = value("PORTAL_CERTBOT") { certbot = text }
        if let text = value("PORTAL_TLS_KEY_GROUP") { keyGroup = text == "-" ? nil : text }
    }
}
