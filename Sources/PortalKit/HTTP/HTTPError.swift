import HTTPTypes

/// The machine-readable codes of API.md, each with its HTTP status.
public enum ErrorCode: String, Sendable, CaseIterable {
    case badRequest = "bad_request"
    case invalidJSON = "invalid_json"
    case unauthorized
    case forbidden
    case notFound = "not_found"
    case methodNotAllowed = "method_not_allowed"
    case conflict
    case preconditionFailed = "precondition_failed"
    case payloadTooLarge = "payload_too_large"
    case unsupportedMediaType = "unsupported_media_type"
    case validationFailed = "validation_failed"
    case rateLimited = "rate_limited"
    case internalError = "internal_error"
    case unavailable

    public var status: HTTPResponse.Status {
        switch self {
        case .badRequest, .invalidJSON: return .badRequest
        case .unauthorized: return .unauthorized
        case .forbidden: return .forbidden
        case .notFound: return .notFound
        case .methodNotAllowed: return .methodNotAllowed
        case .conflict: return .conflict
        case .preconditionFailed: return .preconditionFailed
        case .payloadTooLarge: return .contentTooLarge
        case .unsupportedMediaType: return .unsupportedMediaType
        case .validationFailed: return .unprocessableContent
        case .rateLimited: return .tooManyRequests
        case .internalError: return .internalServerError
        case .unavailable: return .serviceUnavailable
        }
    }
}

/// One invalid field of a request.
public struct FieldError: Sendable, Equatable {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// Every failure a handler reports to the client: a code, a human sentence and,
/// for validation, the fields. It becomes a response in one place
/// (`ErrorResponder`), as JSON on API paths and a branded page elsewhere.
public struct HTTPError: Error, Sendable, Equatable {
    public var code: ErrorCode
    public var message: String
    public var fields: [FieldError]
    /// Extra response headers (`Retry-After`, `Allow`, `WWW-Authenticate`).
    public var headers: HTTPFields

    public init(_ code: ErrorCode, _ message: String, fields: [FieldError] = [], headers: HTTPFields = [:]) {
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers
    }

    public var status: HTTPResponse.Status { code.status }

    public static func validation(_ fields: [FieldError]) -> HTTPError {
        let summary = fields.count == 1 ? "\(fields[0].field) \(fields[0].message)." : "\(fields.count) fields are invalid."
        return HTTPError(.validationFailed, "The request is invalid: \(summary)", fields: fields)
    }

    public static func validation(_ field: String, _ message: String) -> HTTPError {
        validation([FieldError(field: field, message: message)])
    }

    public static let notFound = HTTPError(.notFound, "Nothing was found at this address.")

    public static func methodNotAllowed(_ allowed: [HTTPRequest.Method]) -> HTTPError {
        HTTPError(.methodNotAllowed, "This method is not allowed here.",
                  headers: [.allow: allowed.map(\.rawValue).joined(separator: ", ")])
    }

    public static let unauthorized = HTTPError(
        .unauthorized, "Authentication is required: send an API key as \"Authorization: Bearer woesk_…\".",
        headers: [.wwwAuthenticate: "Bearer"])

    public static func forbidden(missing permission: Permission) -> HTTPError {
        HTTPError(.forbidden, "This needs the \(permission.rawValue) permission.")
    }

    public static func payloadTooLarge(limit: Int) -> HTTPError {
        HTTPError(.payloadTooLarge, "The request body is larger than the limit of \(limit) bytes.")
    }
}
