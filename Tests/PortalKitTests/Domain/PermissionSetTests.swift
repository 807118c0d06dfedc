import Testing
@testable import PortalKit

@Suite("A permission set is a set of permissions, kept as bits")
struct PermissionSetTests {
    @Test("members, insertion and removal behave as a Set's")
    func members() {
        var set: PermissionSet = [.customersRead, .issuesWrite]
        #expect(set.contains(.customersRead) && set.contains(.issuesWrite))
        #expect(!set.contains(.customersWrite) && !set.contains(.issuesRead))
        #expect(set.insert(.issuesRead).inserted)
        #expect(!set.insert(.issuesRead).inserted)
        #expect(set.remove(.customersRead) == .customersRead)
        #expect(set.remove(.customersRead) == nil)
        #expect(Array(set) == [.issuesRead, .issuesWrite])
        #expect(PermissionSet().isEmpty && !set.isEmpty)
    }

    @Test("union, intersection and difference agree with Set<Permission> for every pair of sets")
    func algebra() {
        // All 16 subsets of the four permissions, against each other.
        let subsets = (0..<16).map { mask in Permission.allCases.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element) }
        for left in subsets {
            for right in subsets {
                let (a, b) = (PermissionSet(left), PermissionSet(right))
                let (x, y) = (Set(left), Set(right))
                #expect(Set(a.union(b)) == x.union(y))
                #expect(Set(a.intersection(b)) == x.intersection(y))
                #expect(Set(a.symmetricDifference(b)) == x.symmetricDifference(y))
                #expect(Set(a.subtracting(b)) == x.subtracting(y))
                #expect(a.isSubset(of: b) == x.isSubset(of: y))
                #expect((a == b) == (x == y))
            }
        }
    }

    @Test("all is every permission; the roles' defaults are as documented")
    func defaults() {
        #expect(Array(PermissionSet.all) == Permission.allCases)
        #expect(OperatorRole.owner.defaultPermissions == .all)
        #expect(OperatorRole.viewer.defaultPermissions == [.customersRead, .issuesRead])
        #expect("\(OperatorRole.member.defaultPermissions)" == "[customers.read, issues.read, issues.write]")
    }
}
