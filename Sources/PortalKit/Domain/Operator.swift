/// A member of a workspace's support team.
public struct Operator: Sendable, Equatable {
    public let id: OperatorID
    public let workspaceID: WorkspaceID
    public var email: EmailAddress
    public var name: String
    public var role: OperatorRole
    /// Section permissions set for this operator; nil means the role's defaults.
    public var explicitPermissions: PermissionSet?
    public var createdAt: Timestamp

    public init(id: OperatorID, workspaceID: WorkspaceID, email: EmailAddress, name: String, role: OperatorRole,
                explicitPermissions: PermissionSet?, createdAt: Timestamp) {
        self.id = id
        self.workspaceID = workspaceID
        self.email = email
        self.name = name
        self.role = role
        self.explicitPermissions = explicitPermissions
        self.createdAt = createdAt
    }

    public var permissions: PermissionSet { explicitPermissions ?? role.defaultPermissions }
}

public enum OperatorRole: String, Sendable, CaseIterable, Codable {
    case owner, admin, member, viewer

    public var defaultPermissions: PermissionSet {
        switch self {
        case .owner, .admin: return PermissionSet.all
        case .member: return [.customersRead, .issuesRead, .issuesWrite]
        case .viewer: return [.customersRead, .issuesRead]
        }
    }
}

/// What an operator or API key may do. The portal-relevant pair is
/// `customers.read` (view settings, preview, customers) and `customers.write`.
public enum Permission: String, Sendable, CaseIterable, Codable, Comparable {
    case customersRead = "customers.read"
    case customersWrite = "customers.write"
    case issuesRead = "issues.read"
    case issuesWrite = "issues.write"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses `customers.read,issues.read`; nil names the first unknown entry.
    public static func parseList(_ text: String) -> Result<PermissionSet, UnknownPermission> {
        var result = PermissionSet()
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: " ")
            guard let permission = Permission(rawValue: name) else { return .failure(UnknownPermission(name: name)) }
            result.insert(permission)
        }
        return .success(result)
    }

    public struct UnknownPermission: Error, CustomStringConvertible {
        public let name: String
        public var description: String {
            "unknown permission \"\(name)\" (known: \(Permission.allCases.map(\.rawValue).joined(separator: ", ")))"
        }
    }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        var text = self
        while text.first == set { text = text.dropFirst() }
        while text.last == set { text = text.dropLast() }
        return String(text)
    }
}
