/// A database id that knows what it identifies, so a `CompanyID` can never be
/// passed where a `CustomerID` is expected.
public struct Identifier<Entity>: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int64

    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

public typealias WorkspaceID = Identifier<Workspace>
public typealias OperatorID = Identifier<Operator>
public typealias APIKeyID = Identifier<APIKey>
public typealias CompanyID = Identifier<Company>
public typealias CustomerID = Identifier<Customer>
public typealias IssueID = Identifier<Issue>
public typealias MessageID = Identifier<Message>
public typealias NoteID = Identifier<Note>
public typealias TaskID = Identifier<IssueTask>
public typealias AuditEventID = Identifier<AuditEvent>
