import Foundation

/// `limit` and `cursor` of a list request, checked, as a `PageRequest`.
///
/// Cursors are opaque to clients: base64url of a scope and a position. The scope
/// names the list and its filters, so a cursor taken from another list or
/// another filter is refused instead of silently skipping rows.
public enum ListParameters {
    public static let defaultLimit = 20
    public static let maximumLimit = 100

    public static func pageRequest(_ query: QueryParameters, scope: String) throws(HTTPError) -> PageRequest {
        var limit = defaultLimit
        if let text = query["limit"] {
            guard let number = Int(text), (1...maximumLimit).contains(number) else {
                throw HTTPError.validation("limit", "must be a whole number from 1 to \(maximumLimit)")
            }
            limit = number
        }
        var after: Int64?
        if let position = try cursorPosition(query, scope: scope) {
            guard let id = Int64(position) else { throw invalidCursor }
            after = id
        }
        return PageRequest(limit: limit, after: after)
    }

    /// The `limit` alone (1–100, default 20).
    public static func limit(_ query: QueryParameters) throws(HTTPError) -> Int {
        try pageRequest(QueryParameters(query["limit"].map { [("limit", $0)] } ?? []), scope: "").limit
    }

    /// The position a `cursor` carries, if any; 422 when it belongs to another list.
    public static func cursorPosition(_ query: QueryParameters, scope: String) throws(HTTPError) -> String? {
        guard let cursor = query["cursor"], !cursor.isEmpty else { return nil }
        guard let position = ListCursor.decode(cursor, scope: scope) else { throw invalidCursor }
        return position
    }

    static let invalidCursor = HTTPError.validation("cursor", "is not a cursor of this list; start again without it")
}

public enum ListCursor {
    public static func encode(scope: String, position: Int64) -> String {
        encode(scope: scope, position: String(position))
    }

    public static func encode(scope: String, position: String) -> String {
        RandomToken.base64URL(Array("\(scope)|\(position)".utf8))
    }

    public static func decode(_ cursor: String, scope: String) -> String? {
        guard cursor.utf8.count <= 512, let bytes = RandomToken.decodeBase64URL(cursor),
              let text = String(validating: bytes, as: UTF8.self),
              let separator = text.lastIndex(of: "|"), text[..<separator] == scope else { return nil }
        return String(text[text.index(after: separator)...])
    }
}

extension Response {
    /// The list envelope of API.md: `{"object":"list","hasMore","nextCursor","<key>":[…]}`.
    public static func list<Item>(
        _ key: String, _ page: Page<Item>, scope: String, position: (Item) -> Int64,
        _ writeItem: (inout JSONWriter, Item) -> Void
    ) -> Response {
        json { json in
            json.object { json in
                json.field("object", "list")
                json.field("hasMore", page.hasMore)
                json.field("nextCursor", page.hasMore ? page.items.last.map { ListCursor.encode(scope: scope, position: position($0)) } : nil)
                json.key(key)
                json.array { json in
                    for item in page.items { writeItem(&json, item) }
                }
            }
        }
    }
}
