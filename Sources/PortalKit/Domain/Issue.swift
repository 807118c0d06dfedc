/// A support issue, addressed by its persistent id or its stable reference.
public struct Issue: Sendable, Equatable {
    public let id: IssueID
    public let workspaceID: WorkspaceID
    /// The per-workspace number behind the reference (`ISS-1042`).
    public var number: Int64
    public var title: String
    public var description: String
    /// A key of the workspace's issue status set.
    public var status: String
    public var priority: String?
    public var tags: [String]
    /// Values of the workspace's custom fields, by field key.
    public var customFields: CustomFieldValues
    public var requesterID: CustomerID
    public var companyID: CompanyID?
    /// The portal form the issue was created through, if any.
    public var formKey: String?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: IssueID, workspaceID: WorkspaceID, number: Int64, title: String, description: String, status: String,
                priority: String?, tags: [String], customFields: CustomFieldValues, requesterID: CustomerID,
                companyID: CompanyID?, formKey: String?, createdAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.workspaceID = workspaceID
        self.number = number
        self.title = title
        self.description = description
        self.status = status
        self.priority = priority
        self.tags = tags
        self.customFields = customFields
        self.requesterID = requesterID
        self.companyID = companyID
        self.formKey = formKey
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var ref: IssueRef { IssueRef(number: number) }
}

/// The human reference of an issue, `ISS-<number>`, unique per workspace.
public struct IssueRef: Hashable, Sendable, CustomStringConvertible {
    public static let prefix = "ISS-"
    public let number: Int64

    public init(number: Int64) { self.number = number }

    /// Accepts `ISS-1042` (any letter case).
    public init?(_ text: String) {
        guard text.count > Self.prefix.count, text.uppercased().hasPrefix(Self.prefix),
              let number = Int64(text.dropFirst(Self.prefix.count)), number > 0 else { return nil }
        self.number = number
    }

    /// Written in place: every row of a list names its issue, and joining
    /// two strings cost ~470 instructions a row. Up to eleven digits the
    /// result is a small string, with no allocation at all.
    public var description: String {
        var digits = number.magnitude
        var count = 1
        while digits >= 10 { digits /= 10; count += 1 }
        let prefix = Self.prefix.utf8
        let length = prefix.count + (number < 0 ? 1 : 0) + count
        return String(unsafeUninitializedCapacity: length) { buffer in
            _ = buffer.initialize(from: prefix)
            if number < 0 { buffer[prefix.count] = UInt8(ascii: "-") }
            var remaining = number.magnitude
            for position in stride(from: length - 1, through: length - count, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            }
            return length
        }
    }
}
