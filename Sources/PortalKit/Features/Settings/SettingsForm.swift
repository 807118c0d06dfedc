/// The settings page's form, as typed: built from the saved settings for
/// display, or from a browser post, and turned into the same JSON document the
/// API validates — so the page and the API share one set of rules, and a
/// rejected post is shown again exactly as the operator typed it.
///
/// Input names mirror document paths (`headerLinks[2].url`,
/// `forms[0].fields[1].options`, `issueStatusLabels.open`), so each error of
/// the validator lands beside its input.
struct SettingsForm: Equatable {
    struct Link: Equatable {
        var label = ""
        var url = ""
        var isBlank: Bool { label.isEmpty && url.isEmpty }
    }

    struct Section: Equatable {
        var title = ""
        var links: [Link] = []
        var isBlank: Bool { title.isEmpty && links.allSatisfy(\.isBlank) }
    }

    struct FieldRow: Equatable {
        var key = ""
        var label = ""
        var type = "text"
        var required = false
        /// Comma-separated.
        var options = ""
        var isBlank: Bool { key.isEmpty && label.isEmpty && options.isEmpty }
    }

    struct FormRow: Equatable {
        var key = ""
        var title = ""
        var description = ""
        var enabled = false
        var fields: [FieldRow] = []
        var isBlank: Bool { key.isEmpty && title.isEmpty && description.isEmpty && fields.allSatisfy(\.isBlank) }
    }

    var enabled = false
    var name = ""
    var logoURL = ""
    var accentColor = ""
    var defaultAccess = ""
    var headerLinks: [Link] = []
    var footerSections: [Section] = []
    var issueFields: [String: (visible: Bool, editable: Bool)] = [:]
    var issueStatusLabels: [String: String] = [:]
    var taskStatusLabels: [String: String] = [:]
    var forms: [FormRow] = []
    var customDomain = ""
    var authMode = "otp"
    var customAuthURL = ""
    var authIssuer = ""
    var authPublicKey = ""
    var version: Int64?

    static func == (lhs: SettingsForm, rhs: SettingsForm) -> Bool {
        lhs.document().document == rhs.document().document
    }

    // MARK: From saved settings

    init(_ settings: PortalSettings, version: Int64) {
        enabled = settings.enabled
        name = settings.name
        logoURL = settings.logoURL ?? ""
        accentColor = settings.accentColor
        defaultAccess = settings.defaultAccess.rawValue
        headerLinks = settings.headerLinks.map { Link(label: $0.label, url: $0.url) }
        footerSections = settings.footerSections.map { section in
            Section(title: section.title, links: section.links.map { Link(label: $0.label, url: $0.url) })
        }
        for field in settings.issueFields { issueFields[field.key] = (field.visible, field.editable) }
        issueStatusLabels = settings.issueStatusLabels
        taskStatusLabels = settings.taskStatusLabels
        forms = settings.forms.map { form in
            FormRow(key: form.key, title: form.title, description: form.description, enabled: form.enabled,
                    fields: form.fields.map { field in
                        FieldRow(key: field.key, label: field.label, type: field.type.rawValue, required: field.required,
                                 options: field.options.joined(separator: ", "))
                    })
        }
        customDomain = settings.customDomain ?? ""
        authMode = settings.auth.mode.rawValue
        customAuthURL = settings.auth.customAuthURL ?? ""
        authIssuer = settings.auth.issuer ?? ""
        authPublicKey = settings.auth.publicKey ?? ""
        self.version = version
    }

    // MARK: From a browser post

    init(_ form: FormData) {
        for (name, value) in form.pairs {
            guard let path = FormPath(name) else { continue }
            let trimmed = value.trimmingCharacters(in: " ")
            let i = path.indexes
            let keys = path.bracketKeys
            switch path.shape {
            case "enabled": enabled = Self.checked(value)
            case "name": self.name = value
            case "logoUrl": logoURL = trimmed
            case "accentColor": accentColor = trimmed
            case "defaultAccess": defaultAccess = value
            case "version": version = Int64(value)
            case "customDomain.hostname": customDomain = trimmed
            case "auth.mode": authMode = value
            case "auth.customAuthUrl": customAuthURL = trimmed
            case "auth.issuer": authIssuer = trimmed
            case "auth.publicKey": authPublicKey = trimmed
            case "headerLinks[#].label": Self.set(&headerLinks, at: i[0]) { $0.label = value }
            case "headerLinks[#].url": Self.set(&headerLinks, at: i[0]) { $0.url = trimmed }
            case "footerSections[#].title": Self.set(&footerSections, at: i[0]) { $0.title = value }
            case "footerSections[#].links[#].label":
                Self.set(&footerSections, at: i[0]) { section in Self.set(&section.links, at: i[1]) { $0.label = value } }
            case "footerSections[#].links[#].url":
                Self.set(&footerSections, at: i[0]) { section in Self.set(&section.links, at: i[1]) { $0.url = trimmed } }
            case "issueFields[$].visible":
                issueFields[keys[0], default: (false, false)].visible = Self.checked(value)
            case "issueFields[$].editable":
                issueFields[keys[0], default: (false, false)].editable = Self.checked(value)
            case "issueStatusLabels[$]": issueStatusLabels[keys[0]] = value
            case "taskStatusLabels[$]": taskStatusLabels[keys[0]] = value
            case "forms[#].key": Self.set(&forms, at: i[0]) { $0.key = trimmed }
            case "forms[#].title": Self.set(&forms, at: i[0]) { $0.title = value }
            case "forms[#].description": Self.set(&forms, at: i[0]) { $0.description = value }
            case "forms[#].enabled": Self.set(&forms, at: i[0]) { $0.enabled = Self.checked(value) }
            case "forms[#].fields[#].key": Self.set(&forms, at: i[0]) { form in Self.set(&form.fields, at: i[1]) { $0.key = trimmed } }
            case "forms[#].fields[#].label": Self.set(&forms, at: i[0]) { form in Self.set(&form.fields, at: i[1]) { $0.label = value } }
            case "forms[#].fields[#].type": Self.set(&forms, at: i[0]) { form in Self.set(&form.fields, at: i[1]) { $0.type = value } }
            case "forms[#].fields[#].required":
                Self.set(&forms, at: i[0]) { form in Self.set(&form.fields, at: i[1]) { $0.required = Self.checked(value) } }
            case "forms[#].fields[#].options":
                Self.set(&forms, at: i[0]) { form in Self.set(&form.fields, at: i[1]) { $0.options = value } }
            default: continue
            }
        }
    }

    private static func checked(_ value: String) -> Bool { value == "on" || value == "true" || value == "1" }

    /// Sets a row by its form index (rows beyond the list are added; at most 50
    /// so a forged post cannot make us allocate without bound).
    private static func set<Row>(_ rows: inout [Row], at index: Int, _ change: (inout Row) -> Void) where Row: DefaultInitializable {
        guard index >= 0, index < 50 else { return }
        while rows.count <= index { rows.append(Row()) }
        change(&rows[index])
    }

    // MARK: To the JSON document

    /// The document the validator reads (blank rows dropped), and how to turn
    /// its paths back into input names.
    func document(orderedFieldKeys: [String] = []) -> (document: JSONValue, paths: FormPathMap) {
        var map = FormPathMap()
        var object: [String: JSONValue] = [
            "enabled": .bool(enabled), "name": .string(name), "accentColor": .string(accentColor),
            "defaultAccess": .string(defaultAccess),
            "logoUrl": logoURL.isEmpty ? .null : .string(logoURL),
            "customDomain": customDomain.isEmpty ? .null : ["hostname": .string(customDomain)],
            "auth": [
                "mode": .string(authMode), "customAuthUrl": customAuthURL.isEmpty ? .null : .string(customAuthURL),
                "issuer": authIssuer.isEmpty ? .null : .string(authIssuer),
                "publicKey": authPublicKey.isEmpty ? .null : .string(authPublicKey),
            ],
        ]
        var links: [JSONValue] = []
        for (index, link) in headerLinks.enumerated() where !link.isBlank {
            map.add("headerLinks[\(links.count)]", "headerLinks[\(index)]")
            links.append(["label": .string(link.label), "url": .string(link.url)])
        }
        object["headerLinks"] = .array(links)
        var sections: [JSONValue] = []
        for (index, section) in footerSections.enumerated() where !section.isBlank {
            let documentPrefix = "footerSections[\(sections.count)]"
            map.add(documentPrefix, "footerSections[\(index)]")
            var sectionLinks: [JSONValue] = []
            for (linkIndex, link) in section.links.enumerated() where !link.isBlank {
                map.add("\(documentPrefix).links[\(sectionLinks.count)]", "footerSections[\(index)].links[\(linkIndex)]")
                sectionLinks.append(["label": .string(link.label), "url": .string(link.url)])
            }
            sections.append(["title": .string(section.title), "links": .array(sectionLinks)])
        }
        object["footerSections"] = .array(sections)
        var fields: [JSONValue] = []
        let keys = orderedFieldKeys.isEmpty ? issueFields.keys.sorted() : orderedFieldKeys
        for key in keys {
            guard let entry = issueFields[key], entry.visible || entry.editable else { continue }
            map.add("issueFields[\(fields.count)]", "issueFields[\(key)]")
            fields.append(["key": .string(key), "visible": .bool(entry.visible), "editable": .bool(entry.editable)])
        }
        object["issueFields"] = .array(fields)
        for key in issueStatusLabels.keys { map.add("issueStatusLabels.\(key)", "issueStatusLabels[\(key)]") }
        for key in taskStatusLabels.keys { map.add("taskStatusLabels.\(key)", "taskStatusLabels[\(key)]") }
        object["issueStatusLabels"] = .object(issueStatusLabels.filter { !$0.value.isEmpty }.mapValues(JSONValue.string))
        object["taskStatusLabels"] = .object(taskStatusLabels.filter { !$0.value.isEmpty }.mapValues(JSONValue.string))
        var formValues: [JSONValue] = []
        for (index, form) in forms.enumerated() where !form.isBlank {
            let documentPrefix = "forms[\(formValues.count)]"
            map.add(documentPrefix, "forms[\(index)]")
            var fieldValues: [JSONValue] = []
            for (fieldIndex, field) in form.fields.enumerated() where !field.isBlank {
                map.add("\(documentPrefix).fields[\(fieldValues.count)]", "forms[\(index)].fields[\(fieldIndex)]")
                var value: [String: JSONValue] = [
                    "key": .string(field.key), "label": .string(field.label), "type": .string(field.type),
                    "required": .bool(field.required),
                ]
                let options = field.options.split(whereSeparator: { $0 == "," || $0 == "\n" })
                    .map { $0.trimmingCharacters(in: " ").trimmingCharacters(in: "\r") }.filter { !$0.isEmpty }
                if FieldType(rawValue: field.type)?.hasOptions == true || !options.isEmpty {
                    value["options"] = .array(options.map(JSONValue.string))
                }
                fieldValues.append(.object(value))
            }
            formValues.append(["key": .string(form.key), "title": .string(form.title), "description": .string(form.description),
                               "enabled": .bool(form.enabled), "fields": .array(fieldValues)])
        }
        object["forms"] = .array(formValues)
        return (.object(object), map)
    }
}

protocol DefaultInitializable { init() }
extension SettingsForm.Link: DefaultInitializable {}
extension SettingsForm.Section: DefaultInitializable {}
extension SettingsForm.FieldRow: DefaultInitializable {}
extension SettingsForm.FormRow: DefaultInitializable {}

/// A form input name as a shape plus what varies: `forms[0].fields[2].type`
/// has the shape `forms[#].fields[#].type` and the indexes [0, 2];
/// `issueFields[cf.plan].visible` has the shape `issueFields[$].visible` and
/// the bracket key `cf.plan`.
struct FormPath: Equatable {
    let shape: String
    let indexes: [Int]
    let bracketKeys: [String]

    init?(_ name: String) {
        var shape = ""
        var indexes: [Int] = []
        var keys: [String] = []
        var rest = Substring(name)
        while let open = rest.firstIndex(of: "[") {
            shape += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "]") else { return nil }
            let inside = rest[rest.index(after: open)..<close]
            if let index = Int(inside), index >= 0 {
                indexes.append(index)
                shape += "[#]"
            } else {
                keys.append(String(inside))
                shape += "[$]"
            }
            rest = rest[rest.index(after: close)...]
        }
        shape += rest
        guard !shape.isEmpty else { return nil }
        self.shape = shape
        self.indexes = indexes
        self.bracketKeys = keys
    }
}

/// Translates validator paths (of the compacted document) back to input names.
struct FormPathMap {
    private var entries: [(document: String, form: String)] = []

    mutating func add(_ document: String, _ form: String) {
        entries.append((document, form))
    }

    func formName(for documentPath: String) -> String {
        let match = entries
            .filter { documentPath == $0.document || documentPath.hasPrefix($0.document + ".") || documentPath.hasPrefix($0.document + "[") }
            .max { $0.document.count < $1.document.count }
        guard let match else { return documentPath }
        return match.form + documentPath.dropFirst(match.document.count)
    }
}
