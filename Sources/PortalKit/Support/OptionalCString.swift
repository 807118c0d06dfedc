/// Calls `body` with a C string, or with NULL for nil (C APIs with optional arguments).
func withOptionalCString<T>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> T) -> T {
    guard let text else { return body(nil) }
    return text.withCString(body)
}
