import Foundation
import Logging

/// Every setting of the worker and the admin tool, read from environment
/// variables in this one place and passed down explicitly from there.
/// README.md documents each variable; keep the two in step.
public struct Configuration: Sendable, Equatable {
    /// `PORTAL_ENV`: `development` (default) or `production`. Production turns
    /// off development conveniences such as the dev session header.
    public var environment: DeploymentEnvironment
    /// `PORTAL_DATABASE`: path of the SQLite database file.
    public var databasePath: String
    /// `PORTAL_LISTEN`: unix socket path, `host:port`, `fd:N` or `systemd`. Nil when
    /// unset: the worker then adopts an inherited socket (systemd socket
    /// activation, spawn-fcgi's fd 0) or creates `defaultListen`.
    public var listen: String?
    /// The socket path used when nothing is set or inherited.
    public var defaultListen: String
    /// `PORTAL_SOCKET_MODE`: octal file mode of the unix socket the worker creates.
    public var socketMode: UInt32
    /// `PORTAL_SOCKET_GROUP`: group of that socket (nginx's group, e.g. www-data); unset keeps the process's.
    public var socketGroup: String?
    /// `PORTAL_THREADS`: request threads. Must exceed nginx workers × upstream `keepalive`.
    public var threads: Int
    /// `PORTAL_APP_HOST`: the operator host (`app.localhost` in development).
    public var appHost: String
    /// `PORTAL_BASE_DOMAIN`: portal hosts are `<slug>.<base domain>`.
    public var portalBaseDomain: String
    /// `PORTAL_EDGE_HOST`: where a custom domain's CNAME must point; default `edge.<base domain>`.
    public var edgeHost: String?
    /// `PORTAL_SMTP_URL`: where mail goes (`smtp://user:pass@host:587`, `smtps://…`,
    /// `?tls=required|none`). Unset: mail waits in the outbox.
    public var smtp: SMTPServer?
    /// `PORTAL_MAIL_FROM`: the sender address (its name is the portal's name).
    public var mailFrom: EmailAddress
    /// `PORTAL_MAIL_SENDER`: `0` to not deliver mail from this worker (another process does).
    public var runMailSender: Bool
    /// `PORTAL_CONCURRENCY`: requests computed at once (the other threads wait
    /// their turn); 0 lets every thread run.
    public var concurrency: Int
    /// `PORTAL_MAX_BODY_BYTES`: longest request body read; longer answers 413.
    public var maxBodyBytes: Int
    /// `PORTAL_DB_READERS`: SQLite reader connections shared by the threads.
    public var databaseReaders: Int
    /// `PORTAL_ANSWER_MEMO_KB`: KiB of customers' answers each read connection
    /// keeps while the database is unchanged; 0 keeps none.
    public var answerMemoKilobytes: Int
    /// `PORTAL_MIGRATE`: `1` to run pending migrations when the worker starts.
    public var migrateOnStart: Bool
    /// `PORTAL_LOG_LEVEL`: trace, debug, info, notice, warning, error, critical.
    public var logLevel: Logger.Level
    /// `PORTAL_SHUTDOWN_GRACE`: seconds to let requests in flight finish on SIGTERM.
    public var shutdownGraceSeconds: Double
    /// `PORTAL_ACCESS_LOG_DELAY_MS`: access lines of up to this many
    /// milliseconds leave in one write; 0 writes each line at once.
    public var accessLogDelayMilliseconds: Int
    /// Custom-domain checks and certificates: `PORTAL_DNS_*`, `PORTAL_ACME_*`, `PORTAL_CERTS_DIR`, `PORTAL_NGINX_*`.
    public var domains: DomainConfiguration

    public init(
        environment: DeploymentEnvironment = .development,
        databasePath: String = "var/portal.sqlite",
        listen: String? = nil,
        defaultListen: String = "var/worker.sock",
        socketMode: UInt32 = 0o660,
        socketGroup: String? = nil,
        threads: Int = Configuration.defaultThreads,
        concurrency: Int = Configuration.defaultConcurrency,
        appHost: String = "app.localhost",
        portalBaseDomain: String = "portal.localhost",
        edgeHost: String? = nil,
        smtp: SMTPServer? = nil,
        mailFrom: EmailAddress = EmailAddress("portal@portal.localhost")!,
        runMailSender: Bool = true,
        maxBodyBytes: Int = 256 * 1024,
        databaseReaders: Int = 4,
        answerMemoKilobytes: Int = 256,
        migrateOnStart: Bool = false,
        logLevel: Logger.Level = .info,
        shutdownGraceSeconds: Double = 10,
        accessLogDelayMilliseconds: Int = 1,
        domains: DomainConfiguration = DomainConfiguration()
    ) {
        self.environment = environment
        self.databasePath = databasePath
        self.listen = listen
        self.defaultListen = defaultListen
        self.socketMode = socketMode
        self.socketGroup = socketGroup
        self.threads = threads
        self.concurrency = concurrency
        self.appHost = appHost
        self.portalBaseDomain = portalBaseDomain
        self.edgeHost = edgeHost
        self.smtp = smtp
        self.mailFrom = mailFrom
        self.runMailSender = runMailSender
        self.maxBodyBytes = maxBodyBytes
        self.databaseReaders = databaseReaders
        self.answerMemoKilobytes = answerMemoKilobytes
        self.migrateOnStart = migrateOnStart
        self.logLevel = logLevel
        self.shutdownGraceSeconds = shutdownGraceSeconds
        self.accessLogDelayMilliseconds = accessLogDelayMilliseconds
        self.domains = domains
    }

    /// The CNAME target shown for custom domains.
    public var portalEdgeHost: String { edgeHost ?? "edge." + portalBaseDomain }

    /// Why a hostname cannot be a custom domain, or nil when it can.
    public func customDomainProblem(_ hostname: String) -> String? {
        if hostname.hasSuffix(".") { return "must not end with a dot" }
        if hostname.contains("*") { return "must be one name, not a wildcard" }
        if hostname.contains("://") || hostname.contains("/") || hostname.contains(":") {
            return "must be a bare host name, without scheme, port or path"
        }
        if hostname.unicodeScalars.contains(where: { !$0.isASCII }) {
            return "must be written in ASCII (use the punycode form, xn--…, for international names)"
        }
        if hostname.utf8.count > 253 { return "must be at most 253 characters" }
        guard HostName.isValid(hostname) else { return "must be a DNS name such as support.example.com (not an IP address)" }
        if hostname == "localhost" || hostname.hasSuffix(".localhost") { return "must be a public name, not localhost" }
        for platform in [appHost, portalBaseDomain, portalEdgeHost]
        where hostname == platform || hostname.hasSuffix("." + platform) {
            return "must not be one of the platform's own domains (\(platform))"
        }
        return nil
    }

    /// nginx pins one thread per pooled upstream connection: `worker_processes
    /// auto` (one per core) × `keepalive 16`, plus 32 for concurrent requests.
    public static var defaultThreads: Int {
        16 * max(1, ProcessInfo.processInfo.activeProcessorCount) + 32
    }

    /// Four per core: enough to keep the cores busy while some wait on SQLite's
    /// write lock or the socket, few enough not to thrash (bench/run: 2 cores,
    /// 4 → 8 → unlimited, see README "Configuration").
    public static var defaultConcurrency: Int {
        4 * max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let problems: [String]
        public var description: String {
            "invalid configuration:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
        }
    }

    /// Reads the `PORTAL_*` variables; unset ones keep their defaults. Every
    /// problem is reported at once.
    public init(environment variables: [String: String]) throws(Invalid) {
        self.init()
        var problems: [String] = []
        func value(_ name: String) -> String? {
            guard let raw = variables[name]?.trimmingCharacters(in: " "), !raw.isEmpty else { return nil }
            return raw
        }
        func integer(_ name: String, _ range: ClosedRange<Int>) -> Int? {
            guard let text = value(name) else { return nil }
            guard let number = Int(text), range.contains(number) else {
                problems.append("\(name)=\(text): expected a whole number in \(range.lowerBound)...\(range.upperBound)")
                return nil
            }
            return number
        }

        if let text = value("PORTAL_ENV") {
            if let parsed = DeploymentEnvironment(rawValue: text) {
                environment = parsed
            } else {
                problems.append("PORTAL_ENV=\(text): expected development or production")
            }
        }
        if environment == .production {
            databasePath = "/var/lib/woes-portal/portal.sqlite"
            defaultListen = "/run/woes-portal/worker.sock"
        }
        domains = DomainConfiguration(environment: environment)
        domains.read(value, problems: &problems)
        if let text = value("PORTAL_DATABASE") { databasePath = text }
        if let text = value("PORTAL_LISTEN") { listen = text }
        if let text = value("PORTAL_SOCKET_MODE") {
            if let mode = UInt32(text, radix: 8), mode <= 0o777 {
                socketMode = mode
            } else {
                problems.append("PORTAL_SOCKET_MODE=\(text): expected an octal mode such as 660")
            }
        }
        socketGroup = value("PORTAL_SOCKET_GROUP")
        if let number = integer("PORTAL_THREADS", 1...4096) { threads = number }
        if let number = integer("PORTAL_CONCURRENCY", 0...4096) { concurrency = number }
        if let number = integer("PORTAL_MAX_BODY_BYTES", 1024...(64 << 20)) { maxBodyBytes = number }
        if let number = integer("PORTAL_DB_READERS", 1...256) { databaseReaders = number }
        if let number = integer("PORTAL_ANSWER_MEMO_KB", 0...(64 * 1024)) { answerMemoKilobytes = number }
        if let number = integer("PORTAL_SHUTDOWN_GRACE", 0...600) { shutdownGraceSeconds = Double(number) }
        if let number = integer("PORTAL_ACCESS_LOG_DELAY_MS", 0...1000) { accessLogDelayMilliseconds = number }

        for (name, keyPath) in [("PORTAL_APP_HOST", \Configuration.appHost), ("PORTAL_BASE_DOMAIN", \.portalBaseDomain)] {
            if let text = value(name) {
                let host = text.lowercased()
                if HostName.isValid(host) {
                    self[keyPath: keyPath] = host
                } else {
                    problems.append("\(name)=\(text): expected a host name such as portal.example.net")
                }
            } else if environment == .production {
                problems.append("\(name) must be set in production")
            }
        }
        if let text = value("PORTAL_EDGE_HOST") {
            if HostName.isValid(text.lowercased()) {
                edgeHost = text.lowercased()
            } else {
                problems.append("PORTAL_EDGE_HOST=\(text): expected a host name such as edge.portal.example.net")
            }
        }
        if let text = value("PORTAL_SMTP_URL") {
            do {
                smtp = try SMTPServer(parsing: text, caFile: value("PORTAL_SMTP_CA_FILE"))
            } catch {
                problems.append("PORTAL_SMTP_URL: \(error.description)")
            }
        }
        if let text = value("PORTAL_MAIL_FROM") {
            if let address = EmailAddress(text) { mailFrom = address } else { problems.append("PORTAL_MAIL_FROM=\(text): expected an email address") }
        } else {
            mailFrom = EmailAddress("portal@" + portalBaseDomain) ?? mailFrom
        }
        if let text = value("PORTAL_MAIL_SENDER") { runMailSender = !["0", "false", "no", "off"].contains(text.lowercased()) }
        if let text = value("PORTAL_MIGRATE") {
            switch text.lowercased() {
            case "1", "true", "yes", "on": migrateOnStart = true
            case "0", "false", "no", "off": migrateOnStart = false
            default: problems.append("PORTAL_MIGRATE=\(text): expected 1 or 0")
            }
        }
        if let text = value("PORTAL_LOG_LEVEL") {
            if let level = Logger.Level(rawValue: text.lowercased()) {
                logLevel = level
            } else {
                problems.append("PORTAL_LOG_LEVEL=\(text): expected one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if appHost == portalBaseDomain || appHost.hasSuffix("." + portalBaseDomain) {
            problems.append("PORTAL_APP_HOST (\(appHost)) must not be the portal base domain or one of its portal hosts")
        }
        guard problems.isEmpty else { throw Invalid(problems: problems) }
    }
}

public enum DeploymentEnvironment: String, Sendable, Equatable {
    case development, production
}

extension String {
    func trimmingCharacters(in character: Character) -> String {
        Substring(self).trimmingCharacters(in: character)
    }
}
