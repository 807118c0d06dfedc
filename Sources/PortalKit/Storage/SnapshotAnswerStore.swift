/// Answers a store may remember for as long as the database is unchanged.
///
/// A customer asking the same question again while nothing was committed gets
/// the same bytes: the answer depends only on rows of the database and on what
/// was asked. The store knows when the rows change (SQLite: `PRAGMA
/// data_version`), so it is the one to keep such answers. They are one
/// customer's each: the key names the customer, and nothing is ever handed to
/// another (issue #7 forbids sharing answers across customers).
public protocol SnapshotAnswerStore {
    /// The bytes `write` makes inside this thread's read snapshot
    /// (`withReadSnapshot`), or those it made for the same key at the same
    /// state of the database. Outside a snapshot, `write` always runs.
    ///
    /// `write` must depend on nothing but `key` and the rows it reads through
    /// this store: not on the clock, the request's host or its credential.
    func snapshotAnswer(_ key: SnapshotAnswerKey, write: () throws -> [UInt8]) throws -> [UInt8]
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
