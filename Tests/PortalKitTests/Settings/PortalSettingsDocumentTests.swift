import Testing
@testable import PortalKit

/// A workspace with the default statuses and two custom fields.
private let workspace = Workspace(
    id: WorkspaceID(1), slug: "acme", name: "Acme", issueStatuses: WorkspaceDefaults.issueStatuses,
    taskStatuses: WorkspaceDefaults.taskStatuses, priorities: WorkspaceDefaults.priorities,
    customFields: [CustomFieldDefinition(key: "plan", label: "Plan", type: .select, options: ["free", "pro"]),
                   CustomFieldDefinition(key: "seats", label: "Seats", type: .number)],
    createdAt: Timestamp(millisecondsSinceEpoch: 0))

private let configuration = Configuration()
private let references = PortalSettingsDocument.References(workspace: workspace, checkHostname: { configuration.customDomainProblem($0) })

/// The default document as a mutable JSON object.
private func document(_ change: (inout [String: JSONValue]) -> Void = { _ in }) -> [String: JSONValue] {
    var object = (try? JSONValue.parse(PortalSettingsDocument.stored(.defaults(for: workspace))))?.objectValue ?? [:]
    change(&object)
    return object
}

private func read(_ object: [String: JSONValue]) -> (PortalSettings?, [String]) {
    let reader = JSONObjectReader(object)
    let settings = PortalSettingsDocument.read(reader, references: references)
    return (settings, reader.errors.items.map(\.field))
}

@Suite("The settings document: what a valid one looks like")
struct PortalSettingsDocumentTests {
    @Test("written from its pre-written parts (kept per settings version), the answer is byte for byte the one written in full",
          arguments: [nil, "support.acme.test", "other.acme.test"])
    func prewritten(_ customDomain: String?) throws {
        var settings = PortalSettings.defaults(for: workspace)
        settings.name = "Acme \"Help\" <desk>"
        settings.customDomain = customDomain
        let domain = CustomDomainView(domain: CustomDomainTests.domain(verified: true), edgeHost: CustomDomainTests.edge,
                                      now: Timestamp(millisecondsSinceEpoch: 3_000_000))
        for view in [nil, domain] {
            var full = JSONWriter()
            PortalSettingsDocument.write(settings, version: 7, updatedAt: Timestamp(millisecondsSinceEpoch: 5_000), domain: view,
                                         into: &full)
            var fromParts = JSONWriter()
            PortalSettingsDocument.write(settings, version: 7, updatedAt: Timestamp(millisecondsSinceEpoch: 5_000), domain: view,
                                         prewritten: .init(settings), into: &fromParts)
            #expect(fromParts.string == full.string)
            #expect(try JSONValue.parse(fromParts.bytes).objectValue?["customDomain"] != nil)
        }
    }

    @Test("the defaults round-trip through the stored form unchanged")
    func roundTrip() throws {
        let (settings, errors) = read(document())
        #expect(errors.isEmpty)
        #expect(settings == .defaults(for: workspace))
    }

    @Test("a full document with every setting reads back")
    func fullDocument() throws {
        let (settings, errors) = read(document { doc in
            doc["name"] = "Acme Help"
            doc["logoUrl"] = "https://acme.example/logo.png"
            doc["accentColor"] = "#0F766E"
            doc["headerLinks"] = [["label": "Status", "url": "https://status.acme.example"]]
            doc["footerSections"] = [["title": "Company", "links": [["label": "Privacy", "url": "http://acme.example/p"]]]]
            doc["defaultAccess"] = "admin"
            doc["issueFields"] = [["key": "title", "visible": true, "editable": true], ["key": "cf.plan", "visible": true, "editable": true]]
            doc["issueStatusLabels"] = ["waiting_on_customer": "Waiting for you"]
            doc["taskStatusLabels"] = ["in_progress": "Being worked on"]
            doc["forms"] = [["key": "bug", "title": "Report a bug", "description": "", "enabled": true, "fields": [
                ["key": "title", "label": "Summary", "type": "text", "required": true],
                ["key": "cf.plan", "label": "Plan", "type": "select", "required": false, "options": ["pro"]],
            ]]]
            doc["customDomain"] = ["hostname": "Support.Acme.COM"]
            doc["auth"] = ["mode": "custom", "customAuthUrl": "https://acme.example/login"]
            doc["version"] = 7
            doc["object"] = "client_portal_settings"
            doc["updatedAt"] = "2026-11-26T12:00:00.000Z"
        })
        #expect(errors == [])
        #expect(settings?.accentColor == "#0f766e")
        #expect(settings?.customDomain == "support.acme.com")
        #expect(settings?.auth.mode == .custom)
        #expect(settings?.issueStatusLabel("waiting_on_customer") == "Waiting for you")
        #expect(settings?.issueStatusLabel("on_hold") == "On hold", "unmapped keys fall back to a readable form")
    }
}

@Suite("The settings document: every rule, all errors at once")
struct PortalSettingsValidationTests {
    private static let cases0: [(String, JSONValue, String)] = [
        ("name", JSONValue.string(""), "name"),
        ("name", JSONValue.string(String(repeating: "n", count: 81)), "name"),
        ("logoUrl", "http://acme.example/logo.png", "logoUrl"),
        ("logoUrl", .string("https://a.example/" + String(repeating: "x", count: 2040)), "logoUrl"),
    ]
    private static let cases1: [(String, JSONValue, String)] = [
        ("accentColor", "red", "accentColor"),
        ("accentColor", "#12345", "accentColor"),
        ("accentColor", "red;}body{display:none", "accentColor"),
        ("accentColor", "#fff\" onload=", "accentColor"),
    ]
    private static let cases2: [(String, JSONValue, String)] = [
        ("headerLinks", [["label": "x", "url": "javascript:alert(1)"]], "headerLinks[0].url"),
        ("headerLinks", [["label": "x", "url": "data:text/html,hi"]], "headerLinks[0].url"),
        ("headerLinks", [["label": "x", "url": "/relative"]], "headerLinks[0].url"),
        ("headerLinks", [["label": "x", "url": "//evil.example"]], "headerLinks[0].url"),
    ]
    private static let cases3: [(String, JSONValue, String)] = [
        ("headerLinks", [["label": "", "url": "https://a.example"]], "headerLinks[0].label"),
        ("headerLinks", [["label": .string(String(repeating: "l", count: 61)), "url": "https://a.example"]], "headerLinks[0].label"),
        ("defaultAccess", "owner", "defaultAccess"),
        ("issueFields", [["key": "secret", "visible": true, "editable": false]], "issueFields[0].key"),
    ]
    private static let cases4: [(String, JSONValue, String)] = [
        ("issueFields", [["key": "cf.nope", "visible": true, "editable": false]], "issueFields[0].key"),
        ("issueFields", [["key": "title", "visible": false, "editable": true]], "issueFields[0].editable"),
        ("issueFields", [["key": "status", "visible": true, "editable": true]], "issueFields[0].editable"),
        ("issueFields", [["key": "requester", "visible": true, "editable": true]], "issueFields[0].editable"),
    ]
    private static let cases5: [(String, JSONValue, String)] = [
        ("issueStatusLabels", ["not_a_status": "x"], "issueStatusLabels.not_a_status"),
        ("issueStatusLabels", ["open": .string(String(repeating: "o", count: 41))], "issueStatusLabels.open"),
        ("taskStatusLabels", ["open": "x"], "taskStatusLabels.open"),
        ("auth", ["mode": "magic"], "auth.mode"),
    ]
    private static let cases6: [(String, JSONValue, String)] = [
        ("auth", ["mode": "custom"], "auth.customAuthUrl"),
        ("auth", ["mode": "custom", "customAuthUrl": "http://acme.example/login"], "auth.customAuthUrl"),
        ("customDomain", ["hostname": "https://support.acme.com"], "customDomain.hostname"),
        ("customDomain", ["hostname": "10.0.0.1"], "customDomain.hostname"),
    ]
    private static let cases7: [(String, JSONValue, String)] = [
        ("customDomain", ["hostname": "acme.portal.localhost"], "customDomain.hostname"),
        ("customDomain", ["hostname": "*.acme.com"], "customDomain.hostname"),
        ("surprise", 1, "surprise"),
    ]
    static let cases: [(String, JSONValue, String)] = cases0 + cases1 + cases2 + cases3 + cases4 + cases5 + cases6 + cases7

    @Test("each invalid value is reported at its path", arguments: cases)
    func rule(_ key: String, _ value: JSONValue, _ path: String) {
        let (settings, errors) = read(document { $0[key] = value })
        #expect(settings == nil)
        #expect(errors.contains(path), "\(errors)")
    }

    @Test("link and section counts are bounded")
    func counts() {
        let link: JSONValue = ["label": "l", "url": "https://a.example"]
        #expect(read(document { $0["headerLinks"] = .array(Array(repeating: link, count: 11)) }).1 == ["headerLinks"])
        #expect(read(document { $0["headerLinks"] = .array(Array(repeating: link, count: 10)) }).1 == [])
        let section: JSONValue = ["title": "t", "links": .array(Array(repeating: link, count: 11))]
        #expect(read(document { $0["footerSections"] = [section] }).1 == ["footerSections[0].links"])
        let small: JSONValue = ["title": "t", "links": [link]]
        #expect(read(document { $0["footerSections"] = .array(Array(repeating: small, count: 7)) }).1 == ["footerSections"])
    }

    @Test("forms: keys, uniqueness, counts, types and options")
    func forms() {
        func form(_ key: String, fields: [JSONValue]) -> JSONValue {
            ["key": .string(key), "title": "T", "description": "", "enabled": true, "fields": .array(fields)]
        }
        let title: JSONValue = ["key": "title", "label": "Summary", "type": "text", "required": true]
        #expect(read(document { $0["forms"] = [form("Bad Key", fields: [title])] }).1 == ["forms[0].key"])
        #expect(read(document { $0["forms"] = [form("a", fields: [title]), form("a", fields: [title])] }).1 == ["forms[1].key"])
        #expect(read(document { $0["forms"] = .array((0..<21).map { form("f\($0)", fields: [title]) }) }).1 == ["forms"])
        let many = (0..<31).map { _ in title }
        #expect(read(document { $0["forms"] = [form("a", fields: many)] }).1 == ["forms[0].fields"])
        #expect(read(document { $0["forms"] = [form("a", fields: [])] }).1 == ["forms[0].fields"])
        let badType: JSONValue = ["key": "description", "label": "D", "type": "colour", "required": false]
        #expect(read(document { $0["forms"] = [form("a", fields: [badType])] }).1 == ["forms[0].fields[0].type"])
        let noOptions: JSONValue = ["key": "cf.plan", "label": "Plan", "type": "select", "required": false]
        #expect(read(document { $0["forms"] = [form("a", fields: [noOptions])] }).1 == ["forms[0].fields[0].options"])
        let foreignOption: JSONValue = ["key": "cf.plan", "label": "Plan", "type": "select", "required": false, "options": ["gold"]]
        #expect(read(document { $0["forms"] = [form("a", fields: [foreignOption])] }).1 == ["forms[0].fields[0].options"])
        let wrongType: JSONValue = ["key": "cf.seats", "label": "Seats", "type": "text", "required": false]
        #expect(read(document { $0["forms"] = [form("a", fields: [wrongType])] }).1 == ["forms[0].fields[0].type"])
        let unknownKey: JSONValue = ["key": "internal_note", "label": "N", "type": "text", "required": false]
        #expect(read(document { $0["forms"] = [form("a", fields: [unknownKey])] }).1 == ["forms[0].fields[0].key"])
    }

    @Test("every problem of one document is listed together")
    func allAtOnce() {
        let (_, errors) = read(document { doc in
            doc["name"] = ""
            doc["accentColor"] = "blue"
            doc["defaultAccess"] = "everyone"
            doc["headerLinks"] = [["label": "x", "url": "javascript:x"]]
            doc["extra"] = true
        })
        #expect(Set(errors) == ["name", "accentColor", "defaultAccess", "headerLinks[0].url", "extra"])
    }

    @Test("a missing setting is required, not reset to a default")
    func missingKeys() {
        let (_, errors) = read(document { $0.removeValue(forKey: "forms"); $0.removeValue(forKey: "auth") })
        #expect(Set(errors) == ["forms", "auth"])
    }

    @Test("stored settings drop references the workspace no longer has")
    func storedPruning() {
        var settings = PortalSettings.defaults(for: workspace)
        settings.issueStatusLabels = ["open": "Open!", "gone": "Gone"]
        settings.issueFields.append(.init(key: "cf.plan", visible: true, editable: false))
        var smaller = workspace
        smaller.customFields = []
        let text = PortalSettingsDocument.stored(settings)
        #expect(text.contains("\"gone\":\"Gone\""))
        let stored = PortalSettingsDocument.readStored(text, workspace: smaller)
        #expect(stored.issueStatusLabels == ["open": "Open!"])
        #expect(!stored.issueFields.contains { $0.key == "cf.plan" })
    }

    @Test("accent colours: contrast per WCAG")
    func contrast() throws {
        #expect(try #require(AccentColor("#000000")).contrast(with: .white) > 20.9)
        #expect(try #require(AccentColor("#ffff00")).foreground == .black)
        #expect(try #require(AccentColor("#4f46e5")).foreground == .white)
        #expect(try #require(AccentColor("#777777")).contrast(with: .white) < 4.5)
        #expect(AccentColor("#77777") == nil)
        #expect(AccentColor("#gggggg") == nil)
    }
}

@Suite("The settings page form maps onto the document")
struct SettingsFormTests {
    @Test("input names are parsed into shapes")
    func paths() {
        #expect(FormPath("forms[0].fields[12].type") == FormPath("forms[0].fields[12].type"))
        let path = FormPath("forms[3].fields[12].type")
        #expect(path?.shape == "forms[#].fields[#].type")
        #expect(path?.indexes == [3, 12])
        #expect(FormPath("issueFields[cf.plan].visible")?.bracketKeys == ["cf.plan"])
        #expect(FormPath("issueFields[cf.plan].visible")?.shape == "issueFields[$].visible")
        #expect(FormPath("broken[") == nil)
    }

    @Test("blank rows are dropped and errors point back at the rows as typed")
    func blankRowsAndErrorPaths() throws {
        let form = SettingsForm(FormData(pairs: [
            ("enabled", "on"), ("name", "Acme"), ("accentColor", "#123456"), ("defaultAccess", "member"),
            ("headerLinks[0].label", ""), ("headerLinks[0].url", ""),
            ("headerLinks[1].label", "Docs"), ("headerLinks[1].url", "javascript:alert(1)"),
            ("issueFields[title].visible", "on"), ("auth.mode", "otp"),
            ("forms[0].key", ""), ("forms[0].title", ""),
            ("forms[1].key", "bug"), ("forms[1].title", "Bug"), ("forms[1].enabled", "on"),
            ("forms[1].fields[0].key", ""), ("forms[1].fields[1].key", "title"), ("forms[1].fields[1].label", "S"),
            ("forms[1].fields[1].type", "textarea"),
        ]))
        let (document, paths) = form.document(orderedFieldKeys: IssueFieldKey.builtIn)
        let reader = JSONObjectReader(document.objectValue!)
        #expect(PortalSettingsDocument.read(reader, references: references) == nil)
        let names = Set(reader.errors.items.map { paths.formName(for: $0.field) })
        #expect(names == ["headerLinks[1].url", "forms[1].fields[1].type"])
    }

    @Test("the form built from settings produces the same settings")
    func roundTrip() throws {
        var settings = PortalSettings.defaults(for: workspace)
        settings.headerLinks = [PortalLink(label: "Status", url: "https://s.example")]
        settings.issueStatusLabels = ["open": "Open now"]
        let form = SettingsForm(settings, version: 3)
        let reader = JSONObjectReader(form.document(orderedFieldKeys: IssueFieldKey.builtIn).document.objectValue!)
        #expect(PortalSettingsDocument.read(reader, references: references) == settings)
    }
}
