/// Everything the application stores, behind one interface so that a second
/// implementation (PostgreSQL) can pass the same contract tests.
///
/// Every method that touches workspace data takes the workspace id, and every
/// implementation must use it in the query itself. The only lookups without one
/// are the entry points that *find* the workspace: by slug or host, and by the
/// hash of a credential.
public protocol PortalStore: WorkspaceStore, OperatorStore, APIKeyStore, CompanyStore, CustomerStore, IssueStore,
    AuditStore, SessionStore, PortalSettingsStore, PortalIssueStore, MailStore, SignInStore, SnapshotAnswerStore,
    Sendable
{
    /// Runs `body` so that the store's hot-path reads on this thread (tenant,
    /// credentials, portal issues and threads) see one state of the database,
    /// as one read transaction would, until a write of this thread: the reads
    /// after it see the write. A portal request runs inside one, so its
    /// tenant, session and data agree, and it pays for one transaction. Other
    /// reads see the latest state, as outside a snapshot.
    func withReadSnapshot<T>(_ body: () throws -> T) rethrows -> T
    /// Succeeds when the database answers a trivial query.
    func checkHealth() throws(StoreError)
    /// Releases connections; the store is unusable afterwards.
    func close() throws(StoreError)
}

/// What a store reports to its callers; mapped to HTTP in `ErrorResponder`.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// A unique rule was broken; `field` names the API field (`email`, `externalId`, `slug`).
    case conflict(field: String)
    /// A referenced row (a company, a requester) does not exist in the workspace.
    case invalidReference(field: String)
    /// An optimistic-concurrency check failed: the stored version is `current`.
    case versionMismatch(current: Int64)
    /// The database is busy or unreachable; worth retrying.
    case unavailable(String)
    /// Anything else: a bug or corruption.
    case failure(String)

    public var description: String {
        switch self {
        case .conflict(let field): return "conflict on \(field)"
        case .invalidReference(let field): return "invalid reference in \(field)"
        case .versionMismatch(let current): return "stale version (current \(current))"
        case .unavailable(let reason): return "database unavailable: \(reason)"
        case .failure(let reason): return "database failure: \(reason)"
        }
    }
}

/// One page of a keyset-paginated list.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Whether more items follow the last one.
    public var hasMore: Bool

    public init(items: [Item], hasMore: Bool) {
        self.items = items
        self.hasMore = hasMore
    }

    /// Builds a page from up to `limit + 1` fetched rows.
    public init(fetched: consuming [Item], limit: Int) {
        hasMore = fetched.count > limit
        // Drop the look-ahead row in place: copying the rest into a new array
        // copied every row (a dozen reference counts each).
        if hasMore { fetched.removeLast(fetched.count - limit) }
        items = fetched
    }
}

/// Which page to read: at most `limit` items after the row with id `after`.
public struct PageRequest: Sendable, Equatable {
    public var limit: Int
    public var after: Int64?

    public init(limit: Int, after: Int64? = nil) {
        self.limit = limit
        self.after = after
    }
}
