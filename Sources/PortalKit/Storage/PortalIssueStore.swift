/// The customer-facing reads and writes of issues. Access levels are enforced
/// here, in the query itself: a scope never reads a row outside it.
public protocol PortalIssueStore {
    /// The issues a scope may see, newest activity first.
    func portalIssues(_ query: PortalIssueQuery, in workspace: WorkspaceID) throws(StoreError) -> Page<PortalIssueRow>
    /// One issue by reference, only when inside the scope (nil, like a missing one, otherwise).
    func portalIssue(ref: IssueRef, scope: IssueScope, detail: PortalIssueDetail, in workspace: WorkspaceID)
        throws(StoreError) -> PortalIssueRow?
    /// All public messages and tasks of an issue, oldest first.
    func portalThread(issue: IssueID, in workspace: WorkspaceID) throws(StoreError) -> (messages: [Message], tasks: [IssueTask])
    /// A customer's reply in one transaction: the message, the issue touched,
    /// and the status moved from `fromStatus` to `toStatus` when it is `fromStatus`.
    /// The issue is found by reference inside the scope by the write itself;
    /// nil (nothing written) when it is missing or outside the scope.
    func addCustomerReply(_ message: NewMessage, issue: IssueRef, scope: IssueScope, moving fromStatus: String, to toStatus: String,
                          in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Message?
}

/// What a customer may see, as a query condition.
public enum IssueScope: Sendable, Equatable {
    /// Issues the customer requested (`member`).
    case requester(CustomerID)
    /// Every issue of the company (`admin`).
    case company(CompanyID)
}

public struct PortalIssueQuery: Sendable, Equatable {
    public var scope: IssueScope
    /// Only these internal status keys (a label can cover several); nil: all.
    public var statuses: [String]?
    /// Full-text search over title and description, already reduced to words.
    public var searchTerms: [String]
    public var limit: Int
    /// Keyset position: the last row of the previous page.
    public var after: PortalListPosition?
    /// What of the row to decode: tags and custom field values are parsed only
    /// when the portal shows them.
    public var detail: PortalIssueDetail

    public init(scope: IssueScope, statuses: [String]? = nil, searchTerms: [String] = [], limit: Int,
                after: PortalListPosition? = nil, detail: PortalIssueDetail = .none) {
        self.scope = scope
        self.statuses = statuses
        self.searchTerms = searchTerms
        self.limit = limit
        self.after = after
        self.detail = detail
    }
}

/// What of an issue row a portal answer needs: tags only when visible, the
/// values of the visible custom fields only (the others never leave the
/// store), and the requester's and company's names only when they will be
/// shown (each is a join per row).
public struct PortalIssueDetail: Sendable, Equatable {
    public var tags: Bool
    public var customFieldKeys: [String]
    public var requesterName: Bool
    public var companyName: Bool
    /// False: the description is left unread (empty).
    public var description: Bool

    public init(tags: Bool, customFieldKeys: [String], requesterName: Bool = true, companyName: Bool = true,
                description: Bool = true) {
        self.tags = tags
        self.customFieldKeys = customFieldKeys
        self.requesterName = requesterName
        self.companyName = companyName
        self.description = description
    }

    public static let none = PortalIssueDetail(tags: false, customFieldKeys: [], requesterName: false, companyName: false)

    /// What a page's list of issues shows: reference, title, status and
    /// dates. Decoding the description, tags and custom fields of every row
    /// for nothing was a sixth of the HTML list page's instructions.
    public static let summary = PortalIssueDetail(tags: false, customFieldKeys: [], requesterName: false, companyName: false,
                                                  description: false)
}

/// The portal list's order: most recently updated first, then by id.
public struct PortalListPosition: Sendable, Equatable {
    public var updatedAt: Timestamp
    public var id: IssueID

    public init(updatedAt: Timestamp, id: IssueID) {
        self.updatedAt = updatedAt
        self.id = id
    }
}

/// An issue with the names the portal may show next to it (nil when the
/// detail did not ask for them).
///
/// An immutable class: a list hands each row from the store through the
/// projection, and every hand-over of a struct this wide copied and counted
/// each of its references (bench/profile, issue #7).
public final class PortalIssueRow: Sendable, Equatable {
    public let issue: Issue
    public let requesterName: String?
    public let companyName: String?

    public init(issue: Issue, requesterName: String?, companyName: String?) {
        self.issue = issue
        self.requesterName = requesterName
        self.companyName = companyName
    }

    public static func == (lhs: PortalIssueRow, rhs: PortalIssueRow) -> Bool {
        lhs.issue == rhs.issue && lhs.requesterName == rhs.requesterName && lhs.companyName == rhs.companyName
    }
}
