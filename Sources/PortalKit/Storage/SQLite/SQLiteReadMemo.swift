/// The answers of the lookups every portal request starts with — the host's
/// workspace revision, the session cookie's session and customer — kept by one
/// read connection for as long as the database has not changed.
///
/// Whether it changed is SQLite's to say: `PRAGMA data_version`, read inside
/// the connection's read transaction, moves with every commit made by any other
/// connection, in this process or another (the admin tool, a second worker).
/// Within one version the tables hold the same rows, so a remembered answer is
/// exactly the one its query would give now; only answers to queries that do
/// not depend on the clock are kept (a session's expiry is still decided by
/// the caller, on every request). Those two queries were about a twentieth of
/// a portal request (bench/profile, issue #7).
///
/// Used only inside a read snapshot (`SQLiteReadConnections.withSnapshot`),
/// whose transaction is where the version is read: `begin` at its start,
/// `end` when it ends. Outside one, every lookup runs its query. Portal
/// requests run in one; the operator side does not (its requests may wait on
/// DNS or ACME, too long to hold a read transaction), so its credential
/// lookups are not remembered.
///
/// It also keeps customers' answers (`SnapshotAnswerStore`, `SQLiteKeptAnswers`)
/// up to a byte budget: a member's issue list, about 490 000 instructions to
/// read and write, costs a lookup when asked again at the same version.
final class SQLiteReadMemo {
    enum RevisionKey: Hashable {
        case slug(String)
        case customDomain(String)
        case workspace(WorkspaceID)
    }

    struct PortalSessionKey: Hashable {
        let tokenHash: [UInt8]
        let workspace: WorkspaceID

        /// The hash's bytes in one call: an array hashes element by element.
        func hash(into hasher: inout Hasher) {
            tokenHash.withUnsafeBytes { hasher.combine(bytes: $0) }
            hasher.combine(workspace)
        }
    }

    let revisions = Table<RevisionKey, WorkspaceRevision>(capacity: 256)
    let portalSessions = Table<PortalSessionKey, (PortalSession, Customer)>(capacity: 1024)
    let answers: SQLiteKeptAnswers

    /// The version the tables were filled at; nil before the first transaction.
    private var dataVersion: Int64?
    /// Inside a transaction whose version was read: the tables may answer.
    private(set) var isCurrent = false
    /// Counts transactions: an answer made in one is kept only if that
    /// one is still open (a write of the thread ends it, see `SQLiteStore.write`).
    private var transaction: UInt64 = 0

    /// `answerBytes`: the budget of customers' answers; 0 keeps none.
    init(answerBytes: Int = 0) {
        answers = SQLiteKeptAnswers(byteBudget: answerBytes)
    }

    /// A read transaction began and the database is at `version`: answers of
    /// any other version are dropped.
    func begin(dataVersion version: Int64) {
        if version != dataVersion {
            revisions.removeAll()
            portalSessions.removeAll()
            answers.removeAll()
            dataVersion = version
        }
        isCurrent = true
        transaction &+= 1
    }

    /// The transaction ended: the next one may see another version.
    func end() {
        isCurrent = false
    }

    /// The workspace revision for `key` (see `answer`).
    func revision(_ key: RevisionKey, _ read: () throws(StoreError) -> WorkspaceRevision?)
        throws(StoreError) -> WorkspaceRevision?
    {
        try answer(revisions, key, read)
    }

    /// The session and its customer for `key` (see `answer`).
    func portalSession(_ key: PortalSessionKey, _ read: () throws(StoreError) -> (PortalSession, Customer)?)
        throws(StoreError) -> (PortalSession, Customer)?
    {
        try answer(portalSessions, key, read)
    }

    enum KeptAnswerLookup {
        case kept(any SnapshotAnswer)
        /// None kept; an answer made now may be kept with the ticket (nil: it
        /// may not, outside a transaction or with no budget).
        case missing(ticket: UInt64?)
    }

    /// The customer's answer kept for `key` at this version, if any.
    func keptAnswer(_ key: SnapshotAnswerKey) -> KeptAnswerLookup {
        guard isCurrent, answers.byteBudget > 0 else { return .missing(ticket: nil) }
        if let answer = answers[key] { return .kept(answer) }
        return .missing(ticket: transaction)
    }

    /// Keeps `answer` for `key` if it was made in the transaction that is
    /// still open (`ticket` from `keptAnswer`).
    func keep(_ answer: any SnapshotAnswer, for key: SnapshotAnswerKey, ticket: UInt64) {
        guard isCurrent, ticket == transaction, answer.isKeepable else { return }
        answers.insert(answer, for: key)
    }

    /// The remembered answer for `key`, or `read`'s, remembered when found.
    /// A lookup that finds nothing is not remembered (so made-up cookies or
    /// hosts cannot fill the table), and neither is anything outside a
    /// transaction whose version is known.
    func answer<Key, Value>(_ table: Table<Key, Value>, _ key: Key, _ read: () throws(StoreError) -> Value?)
        throws(StoreError) -> Value?
    {
        guard isCurrent else { return try read() }
        if let remembered = table[key] { return remembered }
        let value = try read()
        if let value { table[key] = value }
        return value
    }

    /// Answers by key, at most `capacity` of them: when full, all are dropped
    /// at once (a memo of a few hundred hosts and sessions; no ordering kept).
    final class Table<Key: Hashable, Value> {
        private var answers: [Key: Value] = [:]
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
        }

        var count: Int { answers.count }

        subscript(key: Key) -> Value? {
            get { answers[key] }
            set {
                if newValue != nil, answers[key] == nil, answers.count >= capacity { answers.removeAll(keepingCapacity: true) }
                answers[key] = newValue
            }
        }

        func removeAll() {
            if !answers.isEmpty { answers.removeAll(keepingCapacity: true) }
        }
    }
}
