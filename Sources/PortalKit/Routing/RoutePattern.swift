/// A path pattern such as `/api/v1/issues/:id/messages`: literal segments and
/// `:name` parameters, compiled once at start-up.
public struct RoutePattern: Sendable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    let segments: [Segment]
    public let description: String

    public init(_ pattern: String) {
        description = pattern
        segments = pattern.split(separator: "/").map { part in
            part.hasPrefix(":") ? .parameter(String(part.dropFirst())) : .literal(String(part))
        }
    }

    /// The parameters when the path matches, nil otherwise.
    func match(_ path: [String]) -> RouteParameters? {
        guard path.count == segments.count else { return nil }
        var parameters = RouteParameters()
        for (segment, value) in zip(segments, path) {
            switch segment {
            case .literal(let literal): if literal != value { return nil }
            case .parameter(let name): parameters.values.append((name, value))
            }
        }
        return parameters
    }
}

/// The values a route pattern captured, by name.
public struct RouteParameters: Sendable {
    var values: [(name: String, value: String)] = []

    public init() {}

    public subscript(name: String) -> String? {
        values.first { $0.name == name }?.value
    }

    /// A required parameter; the router guarantees it exists when the pattern names it.
    public func require(_ name: String) -> String {
        self[name] ?? ""
    }
}
