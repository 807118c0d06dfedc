import HTTPTypes

/// Finds the route for a request among the routes of its surface.
public struct Router: Sendable {
    private let routes: [Surface: [Route]]

    public init(_ routes: [Surface: [Route]]) {
        self.routes = routes
    }

    public enum Match {
        case found(Route, RouteParameters)
        /// The path exists with other methods.
        case methodNotAllowed([HTTPRequest.Method])
        case notFound
    }

    public func match(surface: Surface, method: HTTPRequest.Method, path: [String]) -> Match {
        // HEAD is answered by the GET route; nginx drops the body.
        let lookupMethod = method == .head ? .get : method
        var allowed: [HTTPRequest.Method] = []
        for route in routes[surface] ?? [] {
            guard let parameters = route.pattern.match(path) else { continue }
            if route.method == lookupMethod { return .found(route, parameters) }
            allowed.append(route.method)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed)
    }
}
