/// Answers a store may remember for as long as the database is unchanged.
///
/// A customer asking the same question again while nothing was committed gets
/// the same answer: it depends only on rows of the database and on what
/// was asked. The store knows when the rows change (SQLite: `PRAGMA
/// data_version`), so it is the one to keep such answers. They are one
/// customer's each: the key names the customer, and nothing is ever handed to
/// another (issue #7 forbids sharing answers across customers).
public protocol SnapshotAnswerStore {
    /// The answer `write` makes inside this thread's read snapshot
    /// (`withReadSnapshot`), or the one it made for the same key at the same
    /// state of the database. Outside a snapshot, `write` always runs.
    ///
    /// `write` must depend on nothing but `key` and the rows it reads through
    /// this store: not on the clock, the request's host or its credential.
    func snapshotAnswer<Answer: SnapshotAnswer>(_ key: SnapshotAnswerKey, write: () throws -> Answer) throws -> Answer
}

/// What a store can keep for `SnapshotAnswerStore`: a value that never
/// changes once made, so one copy can be handed to many requests (an answer's
/// body is shared, not copied: a 16 KB copy cost ~14 000 instructions).
public protocol SnapshotAnswer: Sendable {
    /// The memory the value keeps alive, counted against the store's budget.
    var retainedByteCount: Int { get }
}

/// Whose answer it is and what was asked.
public struct SnapshotAnswerKey: Hashable {
    public let workspace: WorkspaceID
    public let customer: CustomerID
    /// The route's parsed request, compared whole; its type tells routes apart,
    /// so each route asks with a type of its own.
    public let question: AnyHashable

    public init(workspace: WorkspaceID, customer: CustomerID, question: some Hashable) {
        self.workspace = workspace
        self.customer = customer
        self.question = AnyHashable(question)
    }
}
