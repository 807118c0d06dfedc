import Testing
@testable import PortalKit

@Suite("Configuration comes from PORTAL_* variables, read in one place")
struct ConfigurationTests {
    @Test("development defaults need nothing set")
    func developmentDefaults() throws {
        let configuration = try Configuration(environment: [:])
        #expect(configuration.environment == .development)
        #expect(configuration.appHost == "app.localhost")
        #expect(configuration.portalBaseDomain == "portal.localhost")
        #expect(configuration.threads == Configuration.defaultThreads)
        #expect(Configuration.defaultThreads >= 48, "above nginx's pinned connections on any machine")
        #expect(configuration.maxBodyBytes == 256 * 1024)
    }

    @Test("every variable is read")
    func readsVariables() throws {
        let configuration = try Configuration(environment: [
            "PORTAL_ENV": "production", "PORTAL_DATABASE": "/srv/p.sqlite", "PORTAL_LISTEN": "127.0.0.1:9000",
            "PORTAL_THREADS": "12", "PORTAL_APP_HOST": "App.Example.NET", "PORTAL_BASE_DOMAIN": "portal.example.net",
            "PORTAL_MAX_BODY_BYTES": "4096", "PORTAL_DB_READERS": "3", "PORTAL_MIGRATE": "1", "PORTAL_LOG_LEVEL": "warning",
            "PORTAL_SOCKET_MODE": "600", "PORTAL_SOCKET_GROUP": "www-data", "PORTAL_SHUTDOWN_GRACE": "3",
            "PORTAL_ACCESS_LOG_DELAY_MS": "0", "PORTAL_ANSWER_MEMO_KB": "0",
        ])
        #expect(configuration.environment == .production)
        #expect(configuration.databasePath == "/srv/p.sqlite")
        #expect(configuration.listen == "127.0.0.1:9000")
        #expect(configuration.threads == 12)
        #expect(configuration.appHost == "app.example.net")
        #expect(configuration.maxBodyBytes == 4096)
        #expect(configuration.databaseReaders == 3)
        #expect(configuration.answerMemoKilobytes == 0)
        #expect(configuration.migrateOnStart)
        #expect(configuration.logLevel == .warning)
        #expect(configuration.socketMode == 0o600)
        #expect(configuration.socketGroup == "www-data")
        #expect(configuration.shutdownGraceSeconds == 3)
        #expect(configuration.accessLogDelayMilliseconds == 0)
        #expect(try Configuration(environment: [:]).accessLogDelayMilliseconds == 1, "a millisecond unless set")
    }

    @Test("production needs its host names and defaults to system paths")
    func productionRequirements() throws {
        let error = #expect(throws: Configuration.Invalid.self) { try Configuration(environment: ["PORTAL_ENV": "production"]) }
        #expect(error?.problems.count == 2)
        let configuration = try Configuration(environment: [
            "PORTAL_ENV": "production", "PORTAL_APP_HOST": "app.example.net", "PORTAL_BASE_DOMAIN": "portal.example.net",
        ])
        #expect(configuration.databasePath == "/var/lib/woes-portal/portal.sqlite")
        #expect(configuration.listen == nil)
        #expect(configuration.defaultListen == "/run/woes-portal/worker.sock")
    }

    @Test("every invalid value is reported at once")
    func reportsAllProblems() {
        let error = #expect(throws: Configuration.Invalid.self) {
            try Configuration(environment: [
                "PORTAL_ENV": "staging", "PORTAL_THREADS": "0", "PORTAL_APP_HOST": "not a host",
                "PORTAL_LOG_LEVEL": "loud", "PORTAL_MIGRATE": "maybe", "PORTAL_SOCKET_MODE": "999",
                "PORTAL_ACCESS_LOG_DELAY_MS": "5000",
            ])
        }
        #expect(error?.problems.count == 7)
    }

    @Test("the app host cannot be a portal host")
    func appHostOutsidePortalDomain() {
        #expect(throws: Configuration.Invalid.self) {
            try Configuration(environment: ["PORTAL_APP_HOST": "acme.portal.localhost"])
        }
    }
}
