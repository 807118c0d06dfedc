import Foundation
import HTTPTypes
import Logging
import Synchronization
@testable import PortalKit

/// A clock tests move by hand.
final class ManualClock: Clock {
    private let current: Mutex<Timestamp>

    init(_ start: Timestamp = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)) {
        current = Mutex(start)
    }

    func now() -> Timestamp { current.withLock { $0 } }

    func advance(seconds: Int64) {
        current.withLock { $0 = $0.adding(seconds: seconds) }
    }
}

/// A migrated SQLite store in a fresh temporary file.
func makeStore(options: SQLiteStore.Options = .init()) throws -> SQLiteStore {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portal-tests-\(UUID().uuidString)")
    let store = try SQLiteStore(path: directory.appendingPathComponent("portal.sqlite").path, options: options)
    try store.migrate()
    return store
}

/// The application in-process, over a fresh store, with helpers to send requests.
struct TestApp {
    let app: PortalApplication
    let store: SQLiteStore
    let clock: ManualClock

    init(configuration: Configuration = Configuration(), resolver: (any DNSResolver)? = nil,
         accessLog: (any AccessLog)? = nil) throws {
        store = try makeStore()
        clock = ManualClock()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        app = PortalApplication(configuration: configuration, store: store, clock: clock, views: try Views.bundled(),
                                logger: logger, accessLog: accessLog, resolver: resolver)
    }

    struct Reply {
        let response: Response
        var status: Int { response.status.code }
        var text: String { String(decoding: response.body, as: UTF8.self) }
        var json: JSONValue { (try? JSONValue.parse(Array(response.body))) ?? .null }
        subscript(key: String) -> JSONValue? { json.objectValue?[key] }
        var errorCode: String? { self["code"]?.stringValue }
        var fieldNames: [String] {
            (self["fields"]?.arrayValue ?? []).compactMap { $0.objectValue?["field"]?.stringValue }
        }
        func header(_ name: String) -> String? { response.headerFields[HTTPField.Name(name)!] }
    }

    func send(_ method: HTTPRequest.Method, _ path: String, host: String = "app.localhost", key: String? = nil,
              json: String? = nil, headers: HTTPFields = [:], body: String? = nil, bodyExceededLimit: Bool = false,
              clientAddress: String = "127.0.0.1") -> Reply {
        var fields = headers
        if let key { fields[.authorization] = "Bearer \(key)" }
        if json != nil && fields[.contentType] == nil { fields[.contentType] = "application/json" }
        let head = HTTPRequest(method: method, scheme: "https", authority: host, path: path, headerFields: fields)
        return Reply(response: app.respond(to: head, body: Array((json ?? body ?? "").utf8), bodyExceededLimit: bodyExceededLimit,
                                           clientAddress: clientAddress))
    }

    /// A workspace with an owner and a full-permission key (or a limited one).
    func workspace(_ slug: String, permissions: PermissionSet? = nil, role: OperatorRole = .owner) throws -> (Workspace, String) {
        let workspace = try store.createWorkspace(NewWorkspace(slug: slug, name: "\(slug) support", customFields: [
            CustomFieldDefinition(key: "environment", label: "Environment", type: .select, options: ["production", "staging"]),
            CustomFieldDefinition(key: "seats", label: "Seats", type: .number),
        ]), at: clock.now())
        let owner = try store.createOperator(
            NewOperator(email: EmailAddress("\(role.rawValue)@\(slug).test")!, name: "\(slug) \(role.rawValue)", role: role),
            in: workspace.id, at: clock.now())
        let key = try self.key(in: workspace, operator: owner, permissions: permissions)
        return (workspace, key)
    }

    func key(in workspace: Workspace, operator creator: Operator?, permissions: PermissionSet?) throws -> String {
        let key = APIKeyToken.generate()
        _ = try store.createAPIKey(NewAPIKey(name: "test key", operatorID: creator?.id, explicitPermissions: permissions,
                                             tokenHash: key.hash, displayPrefix: key.displayPrefix),
                                   in: workspace.id, at: clock.now())
        return key.token
    }
}
