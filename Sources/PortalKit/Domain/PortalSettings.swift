/// The portal settings of a workspace: one document, stored on the workspace,
/// versioned for optimistic concurrency. Every customer-visible page and
/// answer is shaped by it.
public struct PortalSettings: Sendable, Equatable {
    /// 1. A disabled portal answers every customer route with a "portal unavailable" page.
    public var enabled: Bool
    /// 2.
    public var name: String
    /// 3. https only.
    public var logoURL: String?
    /// 4. `#rrggbb`, applied through one CSS custom property.
    public var accentColor: String
    /// 5.
    public var headerLinks: [PortalLink]
    /// 6.
    public var footerSections: [FooterSection]
    /// 7. For customers without their own level.
    public var defaultAccess: AccessLevel
    /// 8. Which issue fields customers see and may edit; fields not listed are hidden.
    public var issueFields: [IssueFieldSetting]
    /// 9. Internal status key → the label customers see.
    public var issueStatusLabels: [String: String]
    /// 10. Internal task status key → the label customers see.
    public var taskStatusLabels: [String: String]
    /// 11.
    public var forms: [PortalForm]
    /// 12. The hostname only; its DNS and certificate state live with the domain.
    public var customDomain: String?
    /// 13.
    public var auth: PortalAuthSettings

    public init(enabled: Bool, name: String, logoURL: String?, accentColor: String, headerLinks: [PortalLink],
                footerSections: [FooterSection], defaultAccess: AccessLevel, issueFields: [IssueFieldSetting],
                issueStatusLabels: [String: String], taskStatusLabels: [String: String], forms: [PortalForm],
                customDomain: String?, auth: PortalAuthSettings) {
        self.enabled = enabled
        self.name = name
        self.logoURL = logoURL
        self.accentColor = accentColor
        self.headerLinks = headerLinks
        self.footerSections = footerSections
        self.defaultAccess = defaultAccess
        self.issueFields = issueFields
        self.issueStatusLabels = issueStatusLabels
        self.taskStatusLabels = taskStatusLabels
        self.forms = forms
        self.customDomain = customDomain
        self.auth = auth
    }

    /// What a workspace that never saved settings gets.
    public static func defaults(for workspace: Workspace) -> PortalSettings {
        PortalSettings(
            enabled: true, name: workspace.name, logoURL: nil, accentColor: "#4f46e5", headerLinks: [], footerSections: [],
            defaultAccess: .member,
            issueFields: [
                .init(key: "title", visible: true, editable: false),
                .init(key: "description", visible: true, editable: false),
                .init(key: "status", visible: true, editable: false),
                .init(key: "priority", visible: true, editable: false),
                .init(key: "requester", visible: true, editable: false),
                .init(key: "tasks", visible: true, editable: false),
                .init(key: "createdAt", visible: true, editable: false),
                .init(key: "updatedAt", visible: true, editable: false),
            ],
            issueStatusLabels: [:], taskStatusLabels: [:],
            forms: [
                PortalForm(key: "request", title: "Ask a question", description: "Tell us what you need and we will get back to you.",
                           enabled: true, fields: [
                               .init(key: "title", label: "Summary", type: .text, required: true, options: []),
                               .init(key: "description", label: "Details", type: .textarea, required: false, options: []),
                           ]),
            ],
            customDomain: nil, auth: PortalAuthSettings(mode: .otp, customAuthURL: nil))
    }

    // MARK: Reading the settings

    public func field(_ key: String) -> IssueFieldSetting? { issueFields.first { $0.key == key } }
    public func isVisible(_ key: String) -> Bool { field(key)?.visible ?? false }
    public func isEditable(_ key: String) -> Bool { field(key)?.editable ?? false }

    /// The customer-facing label of an issue status: the portal's, else the key made readable.
    public func issueStatusLabel(_ key: String) -> String {
        issueStatusLabels[key] ?? Self.readable(key)
    }

    public func taskStatusLabel(_ key: String) -> String {
        taskStatusLabels[key] ?? Self.readable(key)
    }

    public func form(_ key: String) -> PortalForm? { forms.first { $0.key == key } }
    public var enabledForms: [PortalForm] { forms.filter(\.enabled) }

    /// `waiting_on_customer` → `Waiting on customer`.
    public static func readable(_ key: String) -> String {
        let words = key.split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == "." }).map(String.init)
        guard let first = words.first else { return key }
        return ([first.prefix(1).uppercased() + first.dropFirst()] + words.dropFirst()).joined(separator: " ")
    }
}

public struct PortalLink: Sendable, Equatable {
    public var label: String
    public var url: String

    public init(label: String, url: String) {
        self.label = label
        self.url = url
    }
}

public struct FooterSection: Sendable, Equatable {
    public var title: String
    public var links: [PortalLink]

    public init(title: String, links: [PortalLink]) {
        self.title = title
        self.links = links
    }
}

public struct IssueFieldSetting: Sendable, Equatable {
    public var key: String
    public var visible: Bool
    public var editable: Bool

    public init(key: String, visible: Bool, editable: Bool) {
        self.key = key
        self.visible = visible
        self.editable = editable
    }
}

/// The issue fields customers can be shown, and which of them they may edit.
public enum IssueFieldKey {
    public static let builtIn = ["title", "description", "status", "priority", "tags", "requester", "company", "tasks",
                                 "createdAt", "updatedAt"]
    /// Customers may only ever edit these and custom fields (`cf.*`).
    public static let editableBuiltIns: Set<String> = ["title", "description", "priority"]
    public static let customPrefix = "cf."

    public static func isCustom(_ key: String) -> Bool { key.hasPrefix(customPrefix) }
    public static func customKey(_ key: String) -> String { String(key.dropFirst(customPrefix.count)) }
    public static func mayBeEditable(_ key: String) -> Bool { editableBuiltIns.contains(key) || isCustom(key) }
}

public struct PortalForm: Sendable, Equatable {
    public var key: String
    public var title: String
    public var description: String
    public var enabled: Bool
    public var fields: [PortalFormField]

    public init(key: String, title: String, description: String, enabled: Bool, fields: [PortalFormField]) {
        self.key = key
        self.title = title
        self.description = description
        self.enabled = enabled
        self.fields = fields
    }
}

/// A field of a portal form. Its key says where the answer goes: `title`,
/// `description`, or a custom field `cf.<key>`.
public struct PortalFormField: Sendable, Equatable {
    public var key: String
    public var label: String
    public var type: FieldType
    public var required: Bool
    public var options: [String]

    public init(key: String, label: String, type: FieldType, required: Bool, options: [String]) {
        self.key = key
        self.label = label
        self.type = type
        self.required = required
        self.options = options
    }
}

public struct PortalAuthSettings: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Email one-time code.
        case otp
        /// The vendor's own login, returning a signed token.
        case custom
    }
    public var mode: Mode
    public var customAuthURL: String?
    /// The `iss` a custom-auth token must carry, when set.
    public var issuer: String?
    /// A PEM RSA or P-256 public key for RS256/ES256 tokens (HS256 uses the
    /// workspace's generated secret instead).
    public var publicKey: String?

    public init(mode: Mode, customAuthURL: String?, issuer: String? = nil, publicKey: String? = nil) {
        self.mode = mode
        self.customAuthURL = customAuthURL
        self.issuer = issuer
        self.publicKey = publicKey
    }
}
