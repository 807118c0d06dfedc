import Synchronization

/// What a portal session token derives — its SHA-256, by which the database
/// knows the session, and its CSRF token — remembered for the tokens of
/// sessions that were found and hold.
///
/// Both are functions of the token alone, so a remembered pair is never
/// stale, whatever happens to the session: whether the session still exists,
/// has expired or was revoked is read from the database on every request, as
/// before. Deriving them was two SHA-256s on every portal page (~10 000
/// instructions; bench/profile, issue #7).
///
/// Only the tokens of sessions found and holding are remembered, so made-up
/// cookies cannot fill it; at `capacity` tokens, all are forgotten at once. The database keeps
/// only hashes, as before: this memory holds tokens a worker was sent anyway.
final class SessionTokenDerivations: Sendable {
    struct Derived: Sendable, Equatable {
        let hash: [UInt8]
        let csrfToken: String

        init(_ token: String) {
            hash = SessionToken.hash(token)
            csrfToken = SessionToken.csrfToken(for: token)
        }
    }

    let capacity: Int
    private let remembered = Mutex<[String: Derived]>([:])

    init(capacity: Int = 4096) {
        self.capacity = max(1, capacity)
    }

    var count: Int { remembered.withLock { $0.count } }

    /// The token's derived values, if they are remembered.
    func derived(_ token: String) -> Derived? {
        remembered.withLock { $0[token] }
    }

    /// Remembers a token whose session was found and holds.
    func remember(_ token: String, _ derived: Derived) {
        remembered.withLock { table in
            if table[token] == nil, table.count >= capacity { table.removeAll(keepingCapacity: true) }
            table[token] = derived
        }
    }
}
