/// A customer on a portal, resolved once per request: the tenant, who they are,
/// their effective access level, and how they got here.
public struct CustomerPrincipal: Sendable {
    public let tenant: PortalTenant
    public let customer: Customer
    /// The customer's own level, else the workspace default.
    public let access: AccessLevel
    public let credential: Credential

    public enum Credential: Sendable {
        /// A signed-in session (with its cookie token); form posts must carry
        /// the CSRF token derived from it.
        case session(PortalSession, token: String)
        /// `X-Woes-Portal-Dev-Session` (never in production). A header a browser
        /// cannot send cross-site, so no CSRF token is needed.
        case developmentHeader
        /// An operator previewing as this customer: read-only.
        case preview
    }

    public init(tenant: PortalTenant, customer: Customer, credential: Credential) {
        self.tenant = tenant
        self.customer = customer
        self.access = customer.effectiveAccess(default: tenant.settings.defaultAccess)
        self.credential = credential
    }

    public var workspace: Workspace { tenant.workspace }
    public var settings: PortalSettings { tenant.settings }

    /// What the customer may see, as a storage condition; nil for `none`.
    /// An admin without a company sees their own issues, like a member.
    public var scope: IssueScope? {
        switch access {
        case .none: return nil
        case .member: return .requester(customer.id)
        case .admin: return customer.companyID.map(IssueScope.company) ?? .requester(customer.id)
        }
    }

    /// Derived when a page or a check needs it, not on every request.
    public var csrfToken: String? {
        if case .session(_, let token) = credential { return SessionToken.csrfToken(for: token) }
        return nil
    }

    public var isPreview: Bool {
        if case .preview = credential { return true }
        return false
    }

    public var displayName: String { customer.name ?? customer.email.value }
}

/// A workspace's portal as one request sees it: the workspace and its current settings.
///
/// A class, never changed once made: it is handed from the tenant directory
/// to the principal, the chrome and the pages, and as a struct each hand-over
/// copied and counted its twenty-odd references (bench/profile, issue #7:
/// 17 000 instructions an issue page).
public final class PortalTenant: Sendable {
    public let workspace: Workspace
    public let settings: PortalSettings
    public let settingsVersion: Int64
    /// When the settings were last saved (nil: never).
    public let settingsUpdatedAt: Timestamp?
    /// The host the request came in on (slug host or custom domain): cookies
    /// and redirects stay on it.
    public let host: String

    /// The settings' decisions about showing issues, computed once per version.
    public let presentation: PortalPresentation
    /// The page shell's branding, also computed once per version.
    let brand: PortalBrand
    /// The settings API's document, written once per version (nil: written per answer).
    let settingsDocument: PortalSettingsDocument.Prewritten?
    /// The workspace's custom domain in any status, read with the settings
    /// (nil: none claimed).
    public let customDomain: CustomDomain?

    public convenience init(workspace: Workspace, settings: PortalSettings, settingsVersion: Int64, settingsUpdatedAt: Timestamp? = nil,
                            host: String, presentation: PortalPresentation? = nil, customDomain: CustomDomain? = nil) {
        self.init(workspace: workspace, settings: settings, settingsVersion: settingsVersion, settingsUpdatedAt: settingsUpdatedAt,
                  host: host, presentation: presentation, brand: nil, settingsDocument: nil, customDomain: customDomain)
    }

    init(workspace: Workspace, settings: PortalSettings, settingsVersion: Int64, settingsUpdatedAt: Timestamp? = nil,
         host: String, presentation: PortalPresentation?, brand: PortalBrand?,
         settingsDocument: PortalSettingsDocument.Prewritten?, customDomain: CustomDomain?) {
        self.customDomain = customDomain
        self.workspace = workspace
        self.settings = settings
        self.presentation = presentation ?? PortalPresentation(workspace: workspace, settings: settings)
        self.brand = brand ?? PortalBrand(settings: settings)
        self.settingsDocument = settingsDocument
        self.settingsVersion = settingsVersion
        self.settingsUpdatedAt = settingsUpdatedAt
        self.host = host
    }
}
