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
            // For a TLS terminator that issues certificates on demand (Caddy's `ask`,
            // OpenResty's auto-ssl): only verified, routing custom domains are allowed.
            .get("/internal/tls/allowed", .open { context in
                let name = (context.request.query["domain"] ?? "").lowercased()
                guard !name.isEmpty, let domain = try store.customDomain(hostname: name), domain.isRoutable else {
                    return .json(.notFound) { json in
                        json.object { json in
                            json.field("domain", name)
                            json.field("allowed", false)
                        }
                    }
                }
                return .json { json in
                    json.object { json in
                        json.field("domain", name)
                        json.field("allowed", true)
                    }
                }
            }),
        ]
    }
}
