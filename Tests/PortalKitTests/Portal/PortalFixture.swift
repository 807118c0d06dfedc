import HTTPTypes
@testable import PortalKit

/// Two workspaces of customers at every access level, with issues, for the
/// portal tests. Acme: Initech (alice admin, bob member, carol none, dave
/// unset) and Umbrella (erin admin); an admin without company (zed).
/// Globex: one customer and one issue.
struct PortalFixture {
    let t: TestApp
    let acme: Workspace
    let globex: Workspace
    let acmeKey: String
    let globexKey: String
    var customers: [String: Customer] = [:]
    /// Refs by short name: "bob1", "alice1", …
    var refs: [String: String] = [:]
    let globexRef: String

    static let portalHost = "acme.portal.localhost"

    init(configuration: Configuration = Configuration(), resolver: (any DNSResolver)? = nil) throws {
        t = try TestApp(configuration: configuration, resolver: resolver)
        (acme, acmeKey) = try t.workspace("acme")
        (globex, globexKey) = try t.workspace("globex")
        let now = t.clock.now()
        let initech = try t.store.createCompany(NewCompany(name: "Initech"), in: acme.id, at: now)
        let umbrella = try t.store.createCompany(NewCompany(name: "Umbrella"), in: acme.id, at: now)
        for (name, company, access) in [("alice", initech, AccessLevel.admin), ("bob", initech, .member),
                                        ("carol", initech, AccessLevel.none), ("erin", umbrella, .admin)] as [(String, Company, AccessLevel)] {
            customers[name] = try t.store.createCustomer(
                NewCustomer(email: EmailAddress("\(name)@\(company.name.lowercased()).test")!, name: name.capitalized,
                            companyID: company.id, portalAccess: access), in: acme.id, at: now)
        }
        customers["dave"] = try t.store.createCustomer(
            NewCustomer(email: EmailAddress("dave@initech.test")!, name: "Dave", companyID: initech.id), in: acme.id, at: now)
        customers["zed"] = try t.store.createCustomer(
            NewCustomer(email: EmailAddress("zed@nowhere.test")!, name: "Zed", portalAccess: .admin), in: acme.id, at: now)
        var clock = now
        for (name, title) in [("bob", "Printer jams"), ("bob", "Export broken"), ("alice", "SSO loop"), ("dave", "Webhooks late"),
                              ("erin", "Rate limits"), ("zed", "Lonely issue"), ("carol", "Carol's issue")] {
            clock = clock.adding(seconds: 60)
            let issue = try t.store.createIssue(
                NewIssue(title: title, description: "About \(title.lowercased())", status: "open",
                         requesterID: customers[name]!.id), in: acme.id, at: clock)
            let index = refs.keys.filter { $0.hasPrefix(name) }.count + 1
            refs["\(name)\(index)"] = issue.ref.description
        }
        let grace = try t.store.createCustomer(
            NewCustomer(email: EmailAddress("grace@globex.test")!, name: "Grace", portalAccess: .admin), in: globex.id, at: now)
        globexRef = try t.store.createIssue(NewIssue(title: "Globex only", status: "open", requesterID: grace.id),
                                            in: globex.id, at: now).ref.description
    }

    func email(_ name: String) -> String { customers[name]!.email.value }

    /// A request as a customer through the development header.
    func portal(_ method: HTTPRequest.Method, _ path: String, as name: String?, json: String? = nil,
                headers: HTTPFields = [:], host: String = portalHost) -> TestApp.Reply {
        var fields = headers
        if let name { fields[HTTPField.Name("X-Woes-Portal-Dev-Session")!] = email(name) }
        return t.send(method, path, host: host, json: json, headers: fields)
    }

    /// A real session cookie for a customer.
    func session(_ name: String) throws -> String {
        try CustomerSessions.create(for: customers[name]!, store: t.store, policy: SessionPolicy(), userAgent: "test",
                                    clientAddress: nil, at: t.clock.now())
    }

    func refsVisible(to name: String) -> Set<String> {
        let reply = portal(.get, "/api/portal/issues?limit=100", as: name)
        return Set(reply["issues"]?.arrayValue?.compactMap { $0.objectValue?["ref"]?.stringValue } ?? [])
    }

    /// Saves settings through the API with acme's full key.
    @discardableResult
    func saveSettings(_ change: (inout [String: JSONValue]) -> Void) -> TestApp.Reply {
        var document = t.send(.get, "/api/account/client-portal/settings", key: acmeKey).json.objectValue ?? [:]
        change(&document)
        return t.send(.put, "/api/account/client-portal/settings", key: acmeKey, json: JSONValue.object(document).serialized)
    }
}
