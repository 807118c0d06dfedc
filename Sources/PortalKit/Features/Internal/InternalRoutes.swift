/// `/internal/…`: for nginx and ops only (nginx allows loopback callers only).
struct InternalRoutes: Sendable {
    let store: any PortalStore

    var routes: [Route] {
        [
            .get("/internal/health", .open { _ in
                do {
                    try store.checkHealth()
                    return .json { $0.object { $0.field("status", "ok") } }
                } catch {
                    return .json(.serviceUnavailable) { json in
                        json.object { json in
                            json.field("code", ErrorCode.unavailable.rawValue)
                            json.field("error", "The database does not answer.")
                            json.field("status", "unavailable")
                        }
                    }
                }
            }),
        ]
    }
}
