import HTTPTypes
import Testing
@testable import PortalKit

@Suite("Support API: authentication and permissions")
struct SupportAPIAuthTests {
    @Test("no key, a malformed key and an unknown key are 401 with a Bearer challenge")
    func unauthenticated() throws {
        let t = try TestApp()
        _ = try t.workspace("acme")
        for key in [nil, "not-a-key", APIKeyToken.generate().token] {
            let reply = t.send(.get, "/api/v1/companies", key: key)
            #expect(reply.status == 401)
            #expect(reply.errorCode == "unauthorized")
            #expect(reply.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        }
    }

    @Test("a revoked key is 401")
    func revoked() throws {
        let t = try TestApp()
        let (workspace, key) = try t.workspace("acme")
        let id = try t.store.apiKeys(in: workspace.id)[0].id
        #expect(t.send(.get, "/api/v1/companies", key: key).status == 200)
        _ = try t.store.revokeAPIKey(id: id, in: workspace.id, at: t.clock.now())
        #expect(t.send(.get, "/api/v1/companies", key: key).status == 401)
    }

    @Test("a key without the permission is 403; a limited key can still do what it holds")
    func forbidden() throws {
        let t = try TestApp()
        let (_, key) = try t.workspace("acme", permissions: [.customersRead])
        #expect(t.send(.get, "/api/v1/companies", key: key).status == 200)
        let write = t.send(.post, "/api/v1/companies", key: key, json: #"{"name":"X"}"#)
        #expect(write.status == 403)
        #expect(write.errorCode == "forbidden")
        #expect(t.send(.get, "/api/v1/issues", key: key).status == 403)
    }

    @Test("a key never carries more than its operator: a viewer's key cannot write")
    func viewerKey() throws {
        let t = try TestApp()
        let (_, key) = try t.workspace("acme", permissions: PermissionSet.all, role: .viewer)
        #expect(t.send(.get, "/api/v1/customers", key: key).status == 200)
        #expect(t.send(.post, "/api/v1/customers", key: key, json: #"{"email":"a@b.test"}"#).status == 403)
    }
}

@Suite("Support API: companies, customers, issues and threads")
struct SupportAPIResourceTests {
    @Test("create, read, update and list a company")
    func companies() throws {
        let t = try TestApp()
        let (_, key) = try t.workspace("acme")
        let created = t.send(.post, "/api/v1/companies", key: key, json: #"{"name":"Initech","externalId":"crm-1","emailDomains":["Initech.TEST"]}"#)
        #expect(created.status == 201)
        #expect(created["object"] == "company")
        #expect(created["emailDomains"] == ["initech.test"])
        #expect(created["createdAt"]?.stringValue?.hasSuffix("Z") == true)
        let id = created["id"]!
        let patched = t.send(.patch, "/api/v1/companies/\(id.serialized)", key: key, json: #"{"name":"Initech AG","externalId":null}"#)
        #expect(patched["name"] == "Initech AG")
        #expect(patched["externalId"] == .null)
        #expect(t.send(.get, "/api/v1/companies/\(id.serialized)", key: key)["name"] == "Initech AG")
        let list = t.send(.get, "/api/v1/companies", key: key)
        #expect(list["object"] == "list")
        #expect(list["companies"]?.arrayValue?.count == 1)
        #expect(list["hasMore"] == false)
        #expect(list["nextCursor"] == .null)
    }

    @Test("customer emails are trimmed and lower-cased, and unique per workspace (409)")
    func customers() throws {
        let t = try TestApp()
        let (_, key) = try t.workspace("acme")
        let created = t.send(.post, "/api/v1/customers", key: key, json: #"{"email":"  Ada@Example.COM ","portalAccess":"admin"}"#)
        #expect(created.status == 201)
        #expect(created["email"] == "ada@example.com")
        #expect(created["portalAccess"] == "admin")
        let duplicate = t.send(.post, "/api/v1/customers", key: key, json: #"{"email":"ada@example.com"}"#)
        #expect(duplicate.status == 409)
        #expect(duplicate.errorCode == "conflict")
        #expect(duplicate.fieldNames == ["email"])
    }

    @Test("an issue gets a ref and the initial status, and is reachable by id and by ref")
    func issues() throws {
        let t = try TestApp()
        let (_, key) = try t.workspace("acme")
        let customer = t.send(.post, "/api/v1/customers", key: key, json: #"{"email":"a@b.test"}"#)["id"]!.serialized
        let issue = t.send(.post, "/api/v1/issues", key: key, json: """
            {"title":"Broken","customerId":\(customer),"priority":"high","tags":["vip"],"customFields":{"environment":"staging","seats":5}}
            """)
        #expect(issue.status == 201)
        #expect(issue["ref"] == "ISS-1001")
        #expect(issue["status"] == "new")
        #expect(issue["customFields"] == ["environment": "staging", "seats": 5])
        #expect(t.send(.get, "/api/v1/issues/ISS-1001", key: key)["title"] == "Broken")
        #expect(t.send(.get, "/api/v1/issues/iss-1001", key: key).status == 200)
        let patched = t.send(.patch, "/api/v1/issues/ISS-1001", key: key, json: #"{"status":"open","customFields":{"seats":null}}"#)
        #expect(patched["status"] == "open")
        #expect(patched["customFields"] == ["environment": "staging"])
    }

    @Test("messages, notes and tasks hang off their issue")
    func threads() throws {
        let t = try TestApp()
        let (_, key) = try t.workspace("acme")
        let customer = t.send(.post, "/api/v1/customers", key: key, json: #"{"email":"a@b.test"}"#)["id"]!.serialized
        _ = t.send(.post, "/api/v1/issues", key: key, json: #"{"title":"T","customerId":\#(customer)}"#)
        let message = t.send(.post, "/api/v1/issues/ISS-1001/messages", key: key, json: #"{"body":"Hello"}"#)
        #expect(message.status == 201)
        #expect(message["role"] == "support")
        #expect(message["authorName"] == "acme owner")
        #expect(t.send(.post, "/api/v1/issues/ISS-1001/notes", key: key, json: #"{"body":"internal"}"#).status == 201)
        let task = t.send(.post, "/api/v1/issues/ISS-1001/tasks", key: key, json: #"{"title":"Do it"}"#)
        #expect(task["status"] == "todo")
        let taskID = task["id"]!.serialized
        #expect(t.send(.patch, "/api/v1/issues/ISS-1001/tasks/\(taskID)", key: key, json: #"{"status":"done"}"#)["status"] == "done")
        #expect(t.send(.get, "/api/v1/issues/ISS-1001/messages", key: key)["messages"]?.arrayValue?.count == 1)
        #expect(t.send(.get, "/api/v1/issues/ISS-1001/notes", key: key)["notes"]?.arrayValue?.count == 1)
        #expect(t.send(.get, "/api/v1/issues/ISS-1001/tasks/999", key: key).status == 404)
    }

    @Test("a cursor walk returns every issue once; a cursor of another filter is refused")
    func cursorWalk() throws {
        let t = try TestApp()
        let (_, key) = try t.workspace("acme")
        let customer = t.send(.post, "/api/v1/customers", key: key, json: #"{"email":"a@b.test"}"#)["id"]!.serialized
        for index in 0..<7 {
            _ = t.send(.post, "/api/v1/issues", key: key, json: #"{"title":"I\#(index)","customerId":\#(customer)}"#)
        }
        var refs: [String] = []
        var path = "/api/v1/issues?limit=3"
        var lastCursor: String?
        while true {
            let page = t.send(.get, path, key: key)
            refs += page["issues"]?.arrayValue?.compactMap { $0.objectValue?["ref"]?.stringValue } ?? []
            guard let cursor = page["nextCursor"]?.stringValue else { break }
            lastCursor = cursor
            path = "/api/v1/issues?limit=3&cursor=\(cursor)"
        }
        #expect(refs.count == 7)
        #expect(Set(refs).count == 7)
        let foreign = t.send(.get, "/api/v1/issues?status=open&cursor=\(lastCursor!)", key: key)
        #expect(foreign.status == 422)
        #expect(foreign.fieldNames == ["cursor"])
    }
}

@Suite("Support API: bad input is a clear 4xx and changes nothing")
struct SupportAPIBadInputTests {
    @Test("every invalid field is listed in one 422, unknown fields included")
    func validation() throws {
        let t = try TestApp()
        let (_, key) = try t.workspace("acme")
        let reply = t.send(.post, "/api/v1/issues", key: key, json: """
            {"title":"","customerId":"1","status":"nope","priority":"meh","tags":[1],"customFields":{"environment":"moon","unknown":1},"color":"red"}
            """)
        #expect(reply.status == 422)
        #expect(reply.errorCode == "validation_failed")
        #expect(Set(reply.fieldNames) == ["title", "customerId", "status", "priority", "tags[0]", "customFields.environment",
                                          "customFields.unknown", "color"])
        #expect(t.send(.get, "/api/v1/issues", key: key)["issues"]?.arrayValue?.isEmpty == true)
    }

    @Test("malformed JSON is 400 invalid_json; another media type is 415")
    func malformed() throws {
        let t = try TestApp()
        let (_, key) = try t.workspace("acme")
        #expect(t.send(.post, "/api/v1/companies", key: key, json: #"{"name": "#).errorCode == "invalid_json")
        let wrongType = t.send(.post, "/api/v1/companies", key: key, json: "name=x", headers: [.contentType: "application/x-www-form-urlencoded"])
        #expect(wrongType.status == 415)
    }

    @Test("a body over the limit is 413 payload_too_large")
    func tooLarge() throws {
        let t = try TestApp()
        let (_, key) = try t.workspace("acme")
        let reply = t.send(.post, "/api/v1/companies", key: key, json: "{}", bodyExceededLimit: true)
        #expect(reply.status == 413)
        #expect(reply.errorCode == "payload_too_large")
    }

    @Test("another workspace's ids are 404, exactly like missing ones")
    func crossWorkspace() throws {
        let t = try TestApp()
        let (_, acmeKey) = try t.workspace("acme")
        let (_, globexKey) = try t.workspace("globex")
        let company = t.send(.post, "/api/v1/companies", key: acmeKey, json: #"{"name":"Initech"}"#)["id"]!.serialized
        let customer = t.send(.post, "/api/v1/customers", key: acmeKey, json: #"{"email":"a@b.test","companyId":\#(company)}"#)["id"]!.serialized
        _ = t.send(.post, "/api/v1/issues", key: acmeKey, json: #"{"title":"T","customerId":\#(customer)}"#)
        for path in ["/api/v1/companies/\(company)", "/api/v1/customers/\(customer)", "/api/v1/issues/1", "/api/v1/issues/1/messages",
                     "/api/v1/companies/999", "/api/v1/companies/abc"] {
            let reply = t.send(.get, path, key: globexKey)
            #expect(reply.status == 404, "\(path)")
            #expect(reply.errorCode == "not_found")
        }
        #expect(t.send(.get, "/api/v1/issues/ISS-1001", key: globexKey).status == 404)
        let foreignRequester = t.send(.post, "/api/v1/issues", key: globexKey, json: #"{"title":"T","customerId":\#(customer)}"#)
        #expect(foreignRequester.status == 422)
        #expect(foreignRequester.fieldNames == ["customerId"])
    }

    @Test("a duplicate external id is 409")
    func duplicateExternalID() throws {
        let t = try TestApp()
        let (_, key) = try t.workspace("acme")
        #expect(t.send(.post, "/api/v1/companies", key: key, json: #"{"name":"A","externalId":"x"}"#).status == 201)
        let duplicate = t.send(.post, "/api/v1/companies", key: key, json: #"{"name":"B","externalId":"x"}"#)
        #expect(duplicate.status == 409)
        #expect(duplicate.fieldNames == ["externalId"])
    }

    @Test("unknown paths are 404, wrong methods 405 with Allow, unknown hosts 404 with a neutral page")
    func routing() throws {
        let t = try TestApp()
        let (_, key) = try t.workspace("acme")
        #expect(t.send(.get, "/api/v1/nothing", key: key).status == 404)
        let wrongMethod = t.send(.delete, "/api/v1/companies", key: key)
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("Allow") == "GET, POST")
        let unknownHost = t.send(.get, "/", host: "nobody.example")
        #expect(unknownHost.status == 404)
        #expect(unknownHost.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(unknownHost.text.contains("Page not found"))
        #expect(!unknownHost.text.lowercased().contains("acme"))
    }

    @Test("a dotted or NUL path is 400; every answer carries a request id")
    func badPaths() throws {
        let t = try TestApp()
        for path in ["/api/v1/%2e%2e/companies", "/api/v1/companies%00"] {
            let reply = t.send(.get, path)
            #expect(reply.status == 400, "\(path)")
            #expect(reply.header("X-Request-Id")?.isEmpty == false)
        }
    }

    @Test("health answers 200 while the database answers")
    func health() throws {
        let t = try TestApp()
        let reply = t.send(.get, "/internal/health", host: "anything")
        #expect(reply.status == 200)
        #expect(reply["status"] == "ok")
    }
}
