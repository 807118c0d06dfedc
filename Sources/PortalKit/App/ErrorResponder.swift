import HTTPTypes
import Logging

/// The one place where failures become answers: `HTTPError` and `StoreError`
/// map to their status and code; anything else is a 500 whose request id is
/// logged with the cause and shown to the caller (never the cause itself).
struct ErrorResponder: Sendable {
    let pages: PageRenderer

    func response(for error: any Error, request: Request?, requestID: String, logger: Logger) -> Response {
        if let unavailable = error as? PortalUnavailable, request?.wantsJSON == false {
            return pages.render(.notFound, "portal-unavailable", PortalChrome(tenant: unavailable.tenant).context,
                                brand: unavailable.tenant.brand)
        }
        let httpError = Self.httpError(for: error, requestID: requestID, logger: logger)
        var response = (request?.wantsJSON ?? true) ? json(httpError) : page(httpError, requestID: requestID)
        for field in httpError.headers { response.headerFields.append(field) }
        return response
    }

    static func httpError(for error: any Error, requestID: String, logger: Logger) -> HTTPError {
        switch error {
        case let error as HTTPError:
            return error
        case is PortalUnavailable:
            return HTTPError.notFound
        case StoreError.conflict(let field):
            return HTTPError(.conflict, "Another record already has this \(field).",
                             fields: [FieldError(field: field, message: "is already taken")])
        case StoreError.invalidReference(let field):
            return HTTPError.validation(field, "does not name an existing record of this workspace")
        case StoreError.versionMismatch(let current):
            return SettingsService.stale(current: current)
        case StoreError.unavailable(let reason):
            logger.error("database unavailable", metadata: ["reason": "\(reason)"])
            return HTTPError(.unavailable, "The service is briefly unavailable; try again in a moment.",
                             headers: [.retryAfter: "1"])
        default:
            logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return HTTPError(.internalError, "Something went wrong on our side (reference \(requestID)).")
        }
    }

    func json(_ error: HTTPError) -> Response {
        .json(error.status) { json in
            json.object { json in
                json.field("code", error.code.rawValue)
                json.field("error", error.message)
                if !error.fields.isEmpty {
                    json.key("fields")
                    json.array { json in
                        for field in error.fields {
                            json.object { json in
                                json.field("field", field.field)
                                json.field("message", field.message)
                            }
                        }
                    }
                }
            }
        }
    }

    func page(_ error: HTTPError, requestID: String) -> Response {
        let heading: String
        switch error.code {
        case .notFound: heading = "Page not found"
        case .unauthorized: heading = "Please sign in"
        case .forbidden: heading = "Not allowed"
        case .internalError: heading = "Something went wrong"
        case .unavailable: heading = "Temporarily unavailable"
        case .payloadTooLarge: heading = "Too much data"
        default: heading = "That did not work"
        }
        return pages.render(error.status, "error", [
            "status": "\(error.status.code)",
            "heading": heading,
            "message": error.message,
            "requestID": requestID,
            "hasRequestID": error.code == .internalError,
        ])
    }
}
