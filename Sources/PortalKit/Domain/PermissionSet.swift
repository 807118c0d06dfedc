/// A set of permissions as one bit each. An API-key request builds its key's
/// and its creator's set and intersects them; as `Set<Permission>` that was
/// ~6 600 instructions of hashing and allocation a request, as bits it is a few.
public struct PermissionSet: SetAlgebra, Sequence, Hashable, Sendable, CustomStringConvertible {
    public typealias Element = Permission

    private var bits: UInt8

    private init(bits: UInt8) {
        self.bits = bits
    }

    public init() {
        bits = 0
    }

    /// Every permission there is.
    public static let all = PermissionSet(Permission.allCases)

    private static func bit(_ permission: Permission) -> UInt8 {
        switch permission {
        case .customersRead: 1 << 0
        case .customersWrite: 1 << 1
        case .issuesRead: 1 << 2
        case .issuesWrite: 1 << 3
        }
    }

    public var isEmpty: Bool { bits == 0 }

    public func contains(_ member: Permission) -> Bool { bits & Self.bit(member) != 0 }

    public func union(_ other: PermissionSet) -> PermissionSet { PermissionSet(bits: bits | other.bits) }

    public func intersection(_ other: PermissionSet) -> PermissionSet { PermissionSet(bits: bits & other.bits) }

    public func symmetricDifference(_ other: PermissionSet) -> PermissionSet { PermissionSet(bits: bits ^ other.bits) }

    @discardableResult
    public mutating func insert(_ newMember: Permission) -> (inserted: Bool, memberAfterInsert: Permission) {
        let inserted = !contains(newMember)
        bits |= Self.bit(newMember)
        return (inserted, newMember)
    }

    @discardableResult
    public mutating func remove(_ member: Permission) -> Permission? {
        guard contains(member) else { return nil }
        bits &= ~Self.bit(member)
        return member
    }

    @discardableResult
    public mutating func update(with newMember: Permission) -> Permission? {
        let present = contains(newMember)
        bits |= Self.bit(newMember)
        return present ? newMember : nil
    }

    public mutating func formUnion(_ other: PermissionSet) { bits |= other.bits }

    public mutating func formIntersection(_ other: PermissionSet) { bits &= other.bits }

    public mutating func formSymmetricDifference(_ other: PermissionSet) { bits ^= other.bits }

    /// In `Permission.allCases` order.
    public func makeIterator() -> some IteratorProtocol<Permission> {
        Permission.allCases.lazy.filter { self.contains($0) }.makeIterator()
    }

    public var description: String { "[" + map(\.rawValue).joined(separator: ", ") + "]" }
}
