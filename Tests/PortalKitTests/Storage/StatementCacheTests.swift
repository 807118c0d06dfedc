import Foundation
import Testing
@testable import PortalKit

@Suite("The read connections' statement cache: one statement per SQL text")
struct StatementCacheTests {
    /// A regression guard for the cache key: these two hash alike, so only its
    /// equality tells them apart.
    @Test("texts of the same length that differ only between the words the key hashes are still told apart")
    func nearTwins() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portal-tests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("portal.sqlite").path
        let store = try SQLiteStore(path: path, options: .init())  // creates the file
        defer { try? store.close() }
        let connection = try RawSQLiteConnection(readOnlyPath: path)
        defer { connection.close() }
        // Same length, same first, middle and last eight bytes; different numbers in between.
        let padding = String(repeating: " ", count: 40)
        let one = "SELECT  1 + 100" + padding + ", 'middle-'" + padding + "   AS answer"
        let two = "SELECT  1 + 200" + padding + ", 'middle-'" + padding + "   AS answer"
        #expect(one.utf8.count == two.utf8.count && one != two)
        for _ in 0..<3 {
            #expect(try connection.first(one, []) { $0.int64(0) } == 101)
            #expect(try connection.first(two, []) { $0.int64(0) } == 201)
        }
    }
}
