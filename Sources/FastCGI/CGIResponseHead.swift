import HTTPTypes

/// Serializes a response head the CGI way FastCGI expects: a `Status:` header
/// instead of an HTTP status line, then the fields, then a blank line.
enum CGIResponseHead {
    static func append(_ head: HTTPResponse, contentLength: Int?, to buffer: inout [UInt8]) {
        appendLiteral("Status: ", to: &buffer)
        appendDecimal(head.status.code, to: &buffer)
        buffer.append(UInt8(ascii: " "))
        appendText(head.status.reasonPhrase, to: &buffer)
        appendLiteral("\r\n", to: &buffer)
        var sawContentLength = false
        for field in head.headerFields {
            if field.name == .contentLength { sawContentLength = true }
            appendText(field.name.rawName, to: &buffer)
            appendLiteral(": ", to: &buffer)
            appendText(field.value, to: &buffer)
            appendLiteral("\r\n", to: &buffer)
        }
        if !sawContentLength, let contentLength {
            appendLiteral("Content-Length: ", to: &buffer)
            appendDecimal(contentLength, to: &buffer)
            appendLiteral("\r\n", to: &buffer)
        }
        appendLiteral("\r\n", to: &buffer)
    }

    // Copied from the strings' own storage: appending a `String.UTF8View`
    // went through the generic sequence path, ~130 instructions a piece and
    // two dozen pieces a head.
    private static func appendText(_ text: String, to buffer: inout [UInt8]) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
    }

    private static func appendLiteral(_ text: StaticString, to buffer: inout [UInt8]) {
        text.withUTF8Buffer { buffer.append(contentsOf: $0) }
    }

    static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        if value == 0 { buffer.append(UInt8(ascii: "0")); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var remaining = value.magnitude
        withUnsafeMutableBytes(of: &digits) { raw in
            while remaining > 0 {
                raw[count] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
                count += 1
            }
            if value < 0 { buffer.append(UInt8(ascii: "-")) }
            for index in stride(from: count - 1, through: 0, by: -1) { buffer.append(raw[index]) }
        }
    }
}
