import HTTPTypes

/// Serializes a response head the CGI way FastCGI expects: a `Status:` header
/// instead of an HTTP status line, then the fields, then a blank line.
enum CGIResponseHead {
    static func append(_ head: HTTPResponse, contentLength: Int?, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: "Status: ".utf8)
        appendDecimal(head.status.code, to: &buffer)
        buffer.append(UInt8(ascii: " "))
        buffer.append(contentsOf: head.status.reasonPhrase.utf8)
        buffer.append(contentsOf: "\r\n".utf8)
        var sawContentLength = false
        for field in head.headerFields {
            if field.name == .contentLength { sawContentLength = true }
            buffer.append(contentsOf: field.name.rawName.utf8)
            buffer.append(contentsOf: ": ".utf8)
            buffer.append(contentsOf: field.value.utf8)
            buffer.append(contentsOf: "\r\n".utf8)
        }
        if !sawContentLength, let contentLength {
            buffer.append(contentsOf: "Content-Length: ".utf8)
            appendDecimal(contentLength, to: &buffer)
            buffer.append(contentsOf: "\r\n".utf8)
        }
        buffer.append(contentsOf: "\r\n".utf8)
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
