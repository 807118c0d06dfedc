/// The settings document of API.md: written for GET, read and validated for
/// PUT (every problem at once), and stored in the same shape.
public enum PortalSettingsDocument {
    public static let maximumHeaderLinks = 10
    public static let maximumFooterSections = 6
    public static let maximumLinksPerSection = 10
    public static let maximumForms = 20
    public static let maximumFieldsPerForm = 30
    public static let maximumOptions = 50

    /// Keys a client may send back unchanged; they are ignored.
    static let readOnlyKeys: Set<String> = ["object", "version", "updatedAt"]

    // MARK: Writing

    /// The settings as the client sees them. `domain` adds the custom domain's
    /// state and the DNS records to create.
    /// `prewritten` (from the same settings) saves writing the parts that
    /// depend on the settings alone.
    public static func write(_ settings: PortalSettings, version: Int64, updatedAt: Timestamp?, domain: CustomDomainView?,
                             prewritten: Prewritten? = nil, into json: inout JSONWriter) {
        assert(prewritten.map { $0.settings == settings } ?? true, "pre-written members of other settings")
        json.object { json in
            json.field("object", "client_portal_settings")
            if let prewritten {
                json.members(prewritten.beforeDomain)
                writeCustomDomain(settings, domain: domain, into: &json)
                json.members(prewritten.afterDomain)
            } else {
                writeFields(settings, domain: domain, into: &json)
            }
            json.field("version", version)
            json.field("updatedAt", updatedAt)
        }
    }

    /// The members of the document that depend on the settings alone, written
    /// once per settings version (the tenant cache keeps them): they were
    /// most of a settings read.
    public struct Prewritten: Sendable, Equatable {
        let beforeDomain: JSONMembers
        let afterDomain: JSONMembers
        /// What they were written from (checked in debug builds).
        let settings: PortalSettings

        public init(_ settings: PortalSettings) {
            self.settings = settings
            beforeDomain = JSONMembers { PortalSettingsDocument.writeFieldsBeforeDomain(settings, into: &$0) }
            afterDomain = JSONMembers { PortalSettingsDocument.writeFieldsAfterDomain(settings, into: &$0) }
        }
    }

    /// The stored form: the same document without the read-only parts.
    public static func stored(_ settings: PortalSettings) -> String {
        var json = JSONWriter(capacity: 2048)
        json.object { writeFields(settings, domain: nil, into: &$0) }
        return json.string
    }

    /// Each top-level setting as a JSON value, for the audit's before/after.
    public static func topLevelValues(_ settings: PortalSettings) -> [String: JSONValue] {
        (try? JSONValue.parse(stored(settings)))?.objectValue ?? [:]
    }

    private static func writeFields(_ settings: PortalSettings, domain: CustomDomainView?, into json: inout JSONWriter) {
        writeFieldsBeforeDomain(settings, into: &json)
        writeCustomDomain(settings, domain: domain, into: &json)
        writeFieldsAfterDomain(settings, into: &json)
    }

    private static func writeFieldsBeforeDomain(_ settings: PortalSettings, into json: inout JSONWriter) {
        json.field("enabled", settings.enabled)
        json.field("name", settings.name)
        json.field("logoUrl", settings.logoURL)
        json.field("accentColor", settings.accentColor)
        settings.writeHeaderLinks(into: &json)
        settings.writeFooterSections(into: &json)
        json.field("defaultAccess", settings.defaultAccess.rawValue)
        json.key("issueFields")
        json.array { json in
            for field in settings.issueFields {
                json.object { json in
                    json.field("key", field.key)
                    json.field("visible", field.visible)
                    json.field("editable", field.editable)
                }
            }
        }
        json.field("issueStatusLabels", JSONValue.object(settings.issueStatusLabels.mapValues(JSONValue.string)))
        json.field("taskStatusLabels", JSONValue.object(settings.taskStatusLabels.mapValues(JSONValue.string)))
        json.key("forms")
        json.array { json in
            for form in settings.forms {
                json.object { json in
                    json.field("key", form.key)
                    json.field("title", form.title)
                    json.field("description", form.description)
                    json.field("enabled", form.enabled)
                    json.key("fields")
                    json.array { json in
                        for field in form.fields {
                            json.object { json in
                                json.field("key", field.key)
                                json.field("label", field.label)
                                json.field("type", field.type.rawValue)
                                json.field("required", field.required)
                                if field.type.hasOptions { json.field("options", field.options) }
                            }
                        }
                    }
                }
            }
        }
    }

    private static func writeCustomDomain(_ settings: PortalSettings, domain: CustomDomainView?, into json: inout JSONWriter) {
        json.key("customDomain")
        if let hostname = settings.customDomain {
            if let domain, domain.hostname == hostname {
                domain.write(into: &json)
            } else {
                json.object { $0.field("hostname", hostname) }
            }
        } else {
            json.null()
        }
    }

    private static func writeFieldsAfterDomain(_ settings: PortalSettings, into json: inout JSONWriter) {
        json.key("auth")
        json.object { json in
            json.field("mode", settings.auth.mode.rawValue)
            json.field("customAuthUrl", settings.auth.customAuthURL)
            json.field("issuer", settings.auth.issuer)
            json.field("publicKey", settings.auth.publicKey)
        }
    }

    // MARK: Reading

    /// What the workspace offers that settings may refer to.
    public struct References: Sendable {
        public var issueStatusKeys: [String]
        public var taskStatusKeys: [String]
        public var customFields: [CustomFieldDefinition]
        /// Checks a custom domain hostname; nil when acceptable, else the message.
        public var checkHostname: @Sendable (String) -> String?

        public init(workspace: Workspace, checkHostname: @escaping @Sendable (String) -> String? = { _ in nil }) {
            issueStatusKeys = workspace.issueStatuses.map(\.key)
            taskStatusKeys = workspace.taskStatuses.map(\.key)
            customFields = workspace.customFields
            self.checkHostname = checkHostname
        }
    }

    /// Reads a complete document. Every problem is collected into `body.errors`;
    /// the caller throws them (nothing partial is ever stored).
    public static func read(_ body: JSONObjectReader, references: References) -> PortalSettings? {
        let enabled = body.requiredBool("enabled")
        let name = body.requiredString("name", length: 1...80)
        let logoURL = readLogo(body)
        let accentColor = readColor(body)
        let headerLinks = body.objectArray("headerLinks", maxCount: maximumHeaderLinks).map { $0.compactMap(readLink) }
        let footerSections = body.objectArray("footerSections", maxCount: maximumFooterSections).map { sections in
            sections.compactMap { section -> FooterSection? in
                let title = section.requiredString("title", length: 1...60)
                let links = section.objectArray("links", maxCount: maximumLinksPerSection).map { $0.compactMap(readLink) }
                section.rejectUnknownKeys()
                guard let title, let links else { return nil }
                return FooterSection(title: title, links: links)
            }
        }
        let defaultAccess = readAccess(body)
        let issueFields = readIssueFields(body, references: references)
        let issueStatusLabels = readLabels(body, key: "issueStatusLabels", known: references.issueStatusKeys)
        let taskStatusLabels = readLabels(body, key: "taskStatusLabels", known: references.taskStatusKeys)
        let forms = readForms(body, references: references)
        let customDomain = readCustomDomain(body, references: references)
        let auth = readAuth(body)
        body.rejectUnknownKeys(ignoring: readOnlyKeys)
        guard body.errors.isEmpty, let enabled, let name, let accentColor, let headerLinks, let footerSections,
              let defaultAccess, let issueFields, let issueStatusLabels, let taskStatusLabels, let forms, let auth
        else { return nil }
        return PortalSettings(
            enabled: enabled, name: name, logoURL: logoURL ?? nil, accentColor: accentColor, headerLinks: headerLinks,
            footerSections: footerSections, defaultAccess: defaultAccess, issueFields: issueFields,
            issueStatusLabels: issueStatusLabels, taskStatusLabels: taskStatusLabels, forms: forms,
            customDomain: customDomain ?? nil, auth: auth)
    }

    /// Reads what was stored earlier. It was valid when saved; if the workspace
    /// has since dropped a status or field it refers to, that part is dropped
    /// rather than failing every page.
    public static func readStored(_ text: String, workspace: Workspace) -> PortalSettings {
        guard case .object(let object)? = try? JSONValue.parse(text) else { return .defaults(for: workspace) }
        var pruned = object
        let statusKeys = Set(workspace.issueStatuses.map(\.key))
        let taskKeys = Set(workspace.taskStatuses.map(\.key))
        if case .object(let labels)? = object["issueStatusLabels"] {
            pruned["issueStatusLabels"] = .object(labels.filter { statusKeys.contains($0.key) })
        }
        if case .object(let labels)? = object["taskStatusLabels"] {
            pruned["taskStatusLabels"] = .object(labels.filter { taskKeys.contains($0.key) })
        }
        let customKeys = Set(workspace.customFields.map { IssueFieldKey.customPrefix + $0.key })
        if case .array(let fields)? = object["issueFields"] {
            pruned["issueFields"] = .array(fields.filter { field in
                guard let key = field.objectValue?["key"]?.stringValue else { return false }
                return IssueFieldKey.builtIn.contains(key) || customKeys.contains(key)
            })
        }
        let reader = JSONObjectReader(pruned)
        return read(reader, references: References(workspace: workspace)) ?? .defaults(for: workspace)
    }

    private static func readLink(_ link: JSONObjectReader) -> PortalLink? {
        let label = link.requiredString("label", length: 1...60)
        let url = link.requiredString("url", length: 1...2048)
        if let url, !WebURL.isHTTP(url) {
            link.fail("url", "must be an absolute http:// or https:// URL")
        }
        link.rejectUnknownKeys()
        guard let label, let url, WebURL.isHTTP(url) else { return nil }
        return PortalLink(label: label, url: url)
    }

    /// `.some(nil)`: no logo.
    private static func readLogo(_ body: JSONObjectReader) -> String?? {
        switch body.patchString("logoUrl", length: 1...2048) {
        case .unchanged, .set(nil): return .some(nil)
        case .set(let url?):
            guard WebURL.isHTTP(url, requireHTTPS: true) else {
                body.fail("logoUrl", "must be an https:// URL")
                return nil
            }
            return .some(url)
        }
    }

    static func readColor(_ body: JSONObjectReader) -> String? {
        guard let text = body.requiredString("accentColor", length: 1...7) else { return nil }
        guard let color = AccentColor(text) else {
            body.fail("accentColor", "must be a colour written #rrggbb")
            return nil
        }
        return color.hex
    }

    private static func readAccess(_ body: JSONObjectReader) -> AccessLevel? {
        guard let text = body.requiredString("defaultAccess", length: 1...10) else { return nil }
        guard let level = AccessLevel(rawValue: text) else {
            body.fail("defaultAccess", "must be admin, member or none")
            return nil
        }
        return level
    }

    private static func readIssueFields(_ body: JSONObjectReader, references: References) -> [IssueFieldSetting]? {
        let customKeys = references.customFields.map { IssueFieldKey.customPrefix + $0.key }
        let known = IssueFieldKey.builtIn + customKeys
        guard let entries = body.objectArray("issueFields", maxCount: known.count) else { return nil }
        var fields: [IssueFieldSetting] = []
        var seen = Set<String>()
        for entry in entries {
            let key = entry.requiredString("key", length: 1...80)
            let visible = entry.requiredBool("visible")
            let editable = entry.requiredBool("editable")
            entry.rejectUnknownKeys()
            guard let key, let visible, let editable else { continue }
            guard known.contains(key) else {
                entry.fail("key", IssueFieldKey.isCustom(key)
                    ? "is not a custom field of this workspace"
                    : "must be one of \(IssueFieldKey.builtIn.joined(separator: ", ")) or cf.<custom field>")
                continue
            }
            guard seen.insert(key).inserted else {
                entry.fail("key", "is listed twice")
                continue
            }
            if editable && !IssueFieldKey.mayBeEditable(key) {
                entry.fail("editable", "\(key) can never be edited by customers")
                continue
            }
            if editable && !visible {
                entry.fail("editable", "an editable field must be visible")
                continue
            }
            fields.append(IssueFieldSetting(key: key, visible: visible, editable: editable))
        }
        return fields
    }

    private static func readLabels(_ body: JSONObjectReader, key: String, known: [String]) -> [String: String]? {
        guard body.has(key) else {
            body.fail(key, "is required")
            _ = body.raw(key)
            return nil
        }
        guard let labels = body.nestedObject(key) else {
            if body.raw(key) == .null { body.fail(key, "must be an object, not null") }
            return nil
        }
        var result: [String: String] = [:]
        for statusKey in labels.object.keys.sorted() {
            guard known.contains(statusKey) else {
                _ = labels.raw(statusKey)
                labels.fail(statusKey, "is not a status of this workspace (known: \(known.joined(separator: ", ")))")
                continue
            }
            if let label = labels.requiredString(statusKey, length: 1...40) { result[statusKey] = label }
        }
        return result
    }

    private static func readForms(_ body: JSONObjectReader, references: References) -> [PortalForm]? {
        guard let entries = body.objectArray("forms", maxCount: maximumForms) else { return nil }
        var forms: [PortalForm] = []
        var keys = Set<String>()
        for entry in entries {
            let key = entry.requiredString("key", length: 1...40)
            if let key, !isFormKey(key) {
                entry.fail("key", "must be 1-40 lower-case letters, digits or dashes")
            } else if let key, !keys.insert(key).inserted {
                entry.fail("key", "is used by another form")
            }
            let title = entry.requiredString("title", length: 1...80)
            let description = entry.optionalString("description", length: 0...500) ?? ""
            let enabled = entry.requiredBool("enabled")
            let fields = readFormFields(entry, references: references)
            entry.rejectUnknownKeys()
            guard let key, isFormKey(key), let title, let enabled, let fields else { continue }
            forms.append(PortalForm(key: key, title: title, description: description, enabled: enabled, fields: fields))
        }
        return forms
    }

    static func isFormKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 40 && key.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "-")
        }
    }

    private static func readFormFields(_ form: JSONObjectReader, references: References) -> [PortalFormField]? {
        guard let entries = form.objectArray("fields", maxCount: maximumFieldsPerForm) else { return nil }
        if entries.isEmpty { form.fail("fields", "must have at least one field") }
        var fields: [PortalFormField] = []
        var keys = Set<String>()
        for entry in entries {
            let key = entry.requiredString("key", length: 1...80)
            let label = entry.requiredString("label", length: 1...80)
            let required = entry.requiredBool("required")
            var type: FieldType?
            if let text = entry.requiredString("type", length: 1...20) {
                type = FieldType(rawValue: text)
                if type == nil {
                    entry.fail("type", "must be one of \(FieldType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
            var options: [String] = []
            if let type, type.hasOptions {
                if let list = entry.stringArray("options", maxCount: maximumOptions, length: 1...80) {
                    if list.isEmpty { entry.fail("options", "must list at least one option") }
                    if Set(list).count != list.count { entry.fail("options", "must not repeat an option") }
                    options = list
                } else if !entry.has("options") {
                    entry.fail("options", "are required for \(type.rawValue) fields")
                }
            } else if entry.has("options") {
                if case .array(let list)? = entry.raw("options"), !list.isEmpty {
                    entry.fail("options", "are only for select and multi-select fields")
                }
            }
            entry.rejectUnknownKeys()
            guard let key, let label, let required, let type else { continue }
            guard keys.insert(key).inserted else {
                entry.fail("key", "is used by another field of this form")
                continue
            }
            switch key {
            case "title":
                if type != .text { entry.fail("type", "the title field must be text") }
            case "description":
                if type != .text && type != .textarea { entry.fail("type", "the description field must be text or textarea") }
            default:
                guard IssueFieldKey.isCustom(key),
                      let definition = references.customFields.first(where: { $0.key == IssueFieldKey.customKey(key) })
                else {
                    entry.fail("key", "must be title, description or cf.<custom field of this workspace>")
                    continue
                }
                if definition.type != type {
                    entry.fail("type", "must be \(definition.type.rawValue), the type of custom field \(definition.key)")
                } else if type.hasOptions, let unknown = options.first(where: { !definition.options.contains($0) }) {
                    entry.fail("options", "\"\(unknown)\" is not an option of custom field \(definition.key)")
                }
            }
            fields.append(PortalFormField(key: key, label: label, type: type, required: required, options: options))
        }
        return fields
    }

    /// `.some(nil)`: no custom domain.
    private static func readCustomDomain(_ body: JSONObjectReader, references: References) -> String?? {
        guard let domain = body.nestedObject("customDomain") else {
            if let value = body.raw("customDomain"), value != .null { return nil }
            return .some(nil)
        }
        let hostname = domain.requiredString("hostname", length: 1...300)
        domain.rejectUnknownKeys(ignoring: CustomDomainView.readOnlyKeys)
        guard let hostname else { return nil }
        let normalized = hostname.lowercased()
        if let problem = references.checkHostname(normalized) {
            domain.fail("hostname", problem)
            return nil
        }
        return .some(normalized)
    }

    private static func readAuth(_ body: JSONObjectReader) -> PortalAuthSettings? {
        guard let auth = body.nestedObject("auth") else {
            if !body.has("auth") || body.raw("auth") == .null { body.fail("auth", "is required") }
            return nil
        }
        var mode: PortalAuthSettings.Mode?
        if let text = auth.requiredString("mode", length: 1...10) {
            mode = PortalAuthSettings.Mode(rawValue: text)
            if mode == nil { auth.fail("mode", "must be otp or custom") }
        }
        let url = auth.optionalString("customAuthUrl", length: 1...2048)
        if let url, !WebURL.isHTTP(url, requireHTTPS: true) {
            auth.fail("customAuthUrl", "must be an https:// URL")
        } else if mode == .custom && url == nil {
            auth.fail("customAuthUrl", "is required when the mode is custom")
        }
        let issuer = auth.optionalString("issuer", length: 1...500)
        let publicKey = auth.optionalString("publicKey", length: 1...20_000)
        if let publicKey, !PublicKeyPEM.isSupported(publicKey) {
            auth.fail("publicKey", "must be a PEM public key: RSA (RS256) or P-256 (ES256)")
        }
        auth.rejectUnknownKeys()
        guard let mode else { return nil }
        return PortalAuthSettings(mode: mode, customAuthURL: url, issuer: issuer, publicKey: publicKey)
    }
}

/// An accent colour, `#rrggbb` only: the value goes into CSS, so nothing else
/// may ever pass.
public struct AccentColor: Sendable, Equatable {
    public let red: UInt8
    public let green: UInt8
    public let blue: UInt8

    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[0] == UInt8(ascii: "#"),
              let value = UInt32(String(decoding: bytes[1...], as: UTF8.self), radix: 16),
              bytes[1...].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                  || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0 | 0x20) })
        else { return nil }
        red = UInt8(value >> 16 & 0xFF)
        green = UInt8(value >> 8 & 0xFF)
        blue = UInt8(value & 0xFF)
    }

    public var hex: String {
        let digits = Array("0123456789abcdef")
        return "#" + String([red, green, blue].flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
    }

    /// WCAG relative luminance.
    public var luminance: Double {
        func channel(_ value: UInt8) -> Double {
            let c = Double(value) / 255
            return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    }

    /// WCAG contrast ratio against another colour (1…21).
    public func contrast(with other: AccentColor) -> Double {
        let (lighter, darker) = luminance > other.luminance ? (luminance, other.luminance) : (other.luminance, luminance)
        return (lighter + 0.05) / (darker + 0.05)
    }

    public static let white = AccentColor("#ffffff")!
    public static let black = AccentColor("#000000")!

    /// The text colour to put on the accent: whichever contrasts more.
    public var foreground: AccentColor { contrast(with: .white) >= contrast(with: .black) ? .white : .black }
}

#if canImport(Glibc)
import Glibc
#endif
