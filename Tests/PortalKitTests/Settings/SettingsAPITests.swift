import HTTPTypes
import Testing
@testable import PortalKit

@Suite("The settings API: permissions, optimistic concurrency, audit")
struct SettingsAPITests {
    @Test("GET answers the whole document with its version as ETag")
    func get() throws {
        let f = try PortalFixture()
        let reply = f.t.send(.get, "/api/account/client-portal/settings", key: f.acmeKey)
        #expect(reply.status == 200)
        #expect(reply["object"] == "client_portal_settings")
        #expect(reply.header("ETag") == "\"0\"")
        for key in ["enabled", "name", "logoUrl", "accentColor", "headerLinks", "footerSections", "defaultAccess", "issueFields",
                    "issueStatusLabels", "taskStatusLabels", "forms", "customDomain", "auth", "version", "updatedAt"] {
            #expect(reply[key] != nil, "\(key)")
        }
    }

    @Test("saving needs customers.write, even when nothing changes")
    func writePermission() throws {
        let f = try PortalFixture()
        let readOnly = try f.t.key(in: f.acme, operator: nil, permissions: [.customersRead])
        let document = f.t.send(.get, "/api/account/client-portal/settings", key: readOnly).text
        let reply = f.t.send(.put, "/api/account/client-portal/settings", key: readOnly, json: document)
        #expect(reply.status == 403)
        #expect(reply.errorCode == "forbidden")
        let writer = f.t.send(.put, "/api/account/client-portal/settings", key: f.acmeKey, json: document)
        #expect(writer.status == 200)
        #expect(writer["version"] == 0, "an unchanged document is not a new version")
    }

    @Test("a save bumps the version and writes an audit event with before and after of the changed keys")
    func audit() throws {
        let f = try PortalFixture()
        let saved = f.saveSettings { $0["name"] = "Acme Help"; $0["accentColor"] = "#112233" }
        #expect(saved.status == 200)
        #expect(saved["version"] == 1)
        #expect(saved.header("ETag") == "\"1\"")
        let events = f.t.send(.get, "/api/account/audit", key: f.acmeKey)["events"]?.arrayValue ?? []
        let event = try #require(events.first?.objectValue)
        #expect(event["action"] == "portal_settings.updated")
        #expect(event["actor"]?.objectValue?["type"] == "api_key")
        let changes = try #require(event["details"]?.objectValue?["changes"]?.objectValue)
        #expect(Set(changes.keys) == ["name", "accentColor"])
        #expect(changes["name"] == ["before": "acme support", "after": "Acme Help"])
    }

    @Test("a stale If-Match or version is 412 and stores nothing")
    func optimisticConcurrency() throws {
        let f = try PortalFixture()
        var document = f.t.send(.get, "/api/account/client-portal/settings", key: f.acmeKey).json.objectValue!
        #expect(f.saveSettings { $0["name"] = "First" }.status == 200)
        document["name"] = "Second"
        let stale = f.t.send(.put, "/api/account/client-portal/settings", key: f.acmeKey, json: JSONValue.object(document).serialized)
        #expect(stale.status == 412)
        #expect(stale.errorCode == "precondition_failed")
        let staleHeader = f.t.send(.put, "/api/account/client-portal/settings", key: f.acmeKey,
                                   json: JSONValue.object(document.filter { $0.key != "version" }).serialized, headers: [.ifMatch: "\"0\""])
        #expect(staleHeader.status == 412)
        #expect(f.t.send(.get, "/api/account/client-portal/settings", key: f.acmeKey)["name"] == "First")
        let fresh = f.t.send(.put, "/api/account/client-portal/settings", key: f.acmeKey,
                             json: JSONValue.object(document.filter { $0.key != "version" }).serialized, headers: [.ifMatch: "\"1\""])
        #expect(fresh.status == 200)
    }

    @Test("an invalid document stores nothing and lists every field")
    func invalid() throws {
        let f = try PortalFixture()
        let before = f.t.send(.get, "/api/account/client-portal/settings", key: f.acmeKey).text
        let reply = f.saveSettings { $0["name"] = ""; $0["accentColor"] = "red;}"; $0["mystery"] = 1 }
        #expect(reply.status == 422)
        #expect(Set(reply.fieldNames) == ["name", "accentColor", "mystery"])
        #expect(f.t.send(.get, "/api/account/client-portal/settings", key: f.acmeKey).text == before)
        #expect(f.t.send(.put, "/api/account/client-portal/settings", key: f.acmeKey, json: "{").errorCode == "invalid_json")
    }

    @Test("a custom domain shows its records, and another workspace cannot claim it (409)")
    func customDomain() throws {
        let f = try PortalFixture()
        let saved = f.saveSettings { $0["customDomain"] = ["hostname": "support.acme.example"] }
        let domain = try #require(saved["customDomain"]?.objectValue)
        #expect(domain["status"] == "pending_dns")
        let records = domain["records"]?.arrayValue ?? []
        #expect(records.first?.objectValue?["value"] == "edge.portal.localhost")
        #expect(records.last?.objectValue?["name"] == "_woes-portal.support.acme.example")
        #expect(records.last?.objectValue?["value"]?.stringValue?.hasPrefix("woes-verify=") == true)
        var document = f.t.send(.get, "/api/account/client-portal/settings", key: f.globexKey).json.objectValue!
        document["customDomain"] = ["hostname": "support.acme.example"]
        let claimed = f.t.send(.put, "/api/account/client-portal/settings", key: f.globexKey, json: JSONValue.object(document).serialized)
        #expect(claimed.status == 409)
        #expect(claimed.fieldNames == ["customDomain.hostname"])
    }

    @Test("per-customer portal access is read, changed, audited, and scoped")
    func portalAccess() throws {
        let f = try PortalFixture()
        let dave = f.customers["dave"]!.id
        let read = f.t.send(.get, "/api/account/customers/\(dave)/portal-access", key: f.acmeKey)
        #expect(read["level"] == .null)
        #expect(read["effectiveLevel"] == "member")
        let set = f.t.send(.put, "/api/account/customers/\(dave)/portal-access", key: f.acmeKey, json: #"{"level":"admin"}"#)
        #expect(set["level"] == "admin")
        #expect(f.refsVisible(to: "dave").count == 5)
        #expect(f.t.send(.put, "/api/account/customers/\(dave)/portal-access", key: f.acmeKey, json: #"{"level":"root"}"#).status == 422)
        #expect(f.t.send(.put, "/api/account/customers/\(dave)/portal-access", key: f.globexKey, json: #"{"level":null}"#).status == 404)
        let events = f.t.send(.get, "/api/account/audit", key: f.acmeKey)["events"]?.arrayValue ?? []
        #expect(events.first?.objectValue?["action"] == "customer.portal_access.updated")
        #expect(events.first?.objectValue?["details"]?.objectValue?["after"] == "admin")
    }
}
