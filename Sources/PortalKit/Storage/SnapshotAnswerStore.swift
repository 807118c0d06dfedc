/// Answers a store may keep for as long as the database is unchanged.
///
/// A customer asking the same question again while nothing was committed gets
/// the same answer: it is made from rows of the database and what was asked.
/// The store knows when the rows change (SQLite: `PRAGMA data_version`), so
/// it is the one to keep such answers. Each is one customer's: the key names
/// the customer, and nothing is handed to another (issue #7 forbids sharing
/// answers across customers).
public protocol SnapshotAnswerStore {
    /// The answer `write` makes inside this thread's read snapshot
    /// (`withReadSnapshot`), or the one made for the same key at the same
    /// state of the database.
    ///
    /// Everything the answer depends on must be in `key` or read from this
    /// store in the snapshot — the tenant, the customer and their access
    /// included — and nothing on the clock. An answer is kept, and a kept one
    /// given, only while the snapshot is still in its first transaction: after
    /// a write of this thread (a session's touch, say) what the request read
    /// first and what `write` reads may be two states, so `write` just runs.
    /// Outside a snapshot it always runs.
    func snapshotAnswer<Answer: SnapshotAnswer>(_ key: SnapshotAnswerKey, write: () throws -> Answer) throws -> Answer
}

/// What a store can keep for `SnapshotAnswerStore`: a value that never
/// changes once made, so one can be handed to many requests (a response's
/// body is shared, not copied: a 16 KB copy cost ~14 000 instructions).
public protocol SnapshotAnswer: Sendable {
    /// The memory the value keeps alive, counted against the store's budget.
    var retainedByteCount: Int { get }
    /// False for a value that must not be kept (an error page, say).
    var isKeepable: Bool { get }
}

/// Whose answer it is and what was asked.
public struct SnapshotAnswerKey: Hashable {
    public let workspace: WorkspaceID
    public let customer: CustomerID
    /// The route's parsed request, compared whole; its type tells routes apart,
    /// so each route asks with a type of its own.
    public let question: AnyHashable

    public init(workspace: WorkspaceID, customer: CustomerID, question: some Hashable & Sendable) {
        self.workspace = workspace
        self.customer = customer
        self.question = AnyHashable(question)
    }
}
