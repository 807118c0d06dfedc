import Testing
@testable import PortalKit

@Suite("The template engine escapes everything and renders Mustache sections")
struct TemplateTests {
    func render(_ templates: [String: String], _ context: [String: Any]) throws -> String {
        try render(templates, "main", context)
    }

    func render(_ templates: [String: String], _ name: String, _ context: [String: Any]) throws -> String {
        Views(templates: try templates.mapValues { try Template(parsing: $0) }).renderString(name, context)
    }

    @Test("values are HTML-escaped, always")
    func escaping() throws {
        #expect(try render(["main": "<p title=\"{{v}}\">{{v}}</p>"], ["v": "\"><script>a&b</script>'"])
                == "<p title=\"&quot;&gt;&lt;script&gt;a&amp;b&lt;/script&gt;&#39;\">&quot;&gt;&lt;script&gt;a&amp;b&lt;/script&gt;&#39;</p>")
        #expect(throws: Template.SyntaxError.self) { try Template(parsing: "{{{raw}}}") }
        #expect(throws: Template.SyntaxError.self) { try Template(parsing: "{{&raw}}") }
    }

    @Test("sections: booleans, lists, objects, dotted names, inverted")
    func sections() throws {
        let context: [String: Any] = [
            "yes": true, "no": false, "empty": "", "items": [["n": 1], ["n": 2]] as [[String: Any]],
            "user": ["name": "Ada"] as [String: Any], "none": [] as [[String: Any]],
        ]
        #expect(try render(["main": "{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^no}}!{{/no}}{{#empty}}E{{/empty}}"], context) == "Y!")
        #expect(try render(["main": "{{#items}}[{{n}}]{{/items}}{{^none}}none{{/none}}"], context) == "[1][2]none")
        #expect(try render(["main": "{{user.name}} {{#user}}{{name}}{{/user}} {{missing.name}}"], context) == "Ada Ada ")
    }

    @Test("values built directly (hot paths) render like dictionaries, and are escaped too")
    func prebuiltValues() throws {
        let rows: [TemplateValue] = [
            .object(TemplateObject([("ref", .string("ISS-1")), ("title", .string("<b>"))])),
            .object(TemplateObject([("ref", .string("ISS-2")), ("title", .string("ok"))])),
        ]
        let brand: TemplateObject = ["name": "<Acme>"]
        let context: [String: Any] = ["rows": rows, "site": "S", "one": TemplateValue.string("&"), "brand": brand]
        #expect(try render(["main": "{{#rows}}{{ref}}:{{title}}/{{site}};{{/rows}}{{one}}{{brand.name}}"], context)
                == "ISS-1:&lt;b&gt;/S;ISS-2:ok/S;&amp;&lt;Acme&gt;")
    }

    @Test("values are read in place: the offset of a field's value is the pair's layout")
    func fieldValueOffset() {
        #expect(TemplateObject.valueOffset == MemoryLayout<(TemplateName, TemplateValue)>.offset(of: \(TemplateName, TemplateValue).1))
    }

    @Test("nested lists and objects read in place find the innermost name first, then outer ones, and dotted names through each")
    func nestedContextsReadInPlace() throws {
        let long = String(repeating: "long text & more ", count: 8)
        let messages: [TemplateValue] = [
            .object(["body": .string("short"), "author": .object(["name": "Ada"])]),
            .object(["body": .string(long), "tags": .list([.object(["name": "t1"]), .object(["name": "t2"])])]),
        ]
        let issue: TemplateObject = ["ref": "ISS-1", "messages": .list(messages), "name": "issue"]
        let context: TemplateObject = ["issue": .object(issue), "name": "root", "hasIssue": true]
        let views = Views(templates: ["main": try Template(parsing:
            "{{#hasIssue}}{{#issue}}{{#messages}}[{{body}}|{{author.name}}|{{name}}|{{#tags}}{{name}}<{{ref}}>{{/tags}}]{{/messages}}{{/issue}}{{/hasIssue}}{{name}}")])
        let page = String(decoding: views.render("main", context), as: UTF8.self)
        let escapedLong = long.replacingOccurrences(of: "&", with: "&amp;")
        #expect(page == "[short|Ada|issue|][\(escapedLong)||issue|t1<ISS-1>t2<ISS-1>]root")
    }

    @Test("a table renders its section once per row, names its cells by its columns, and falls back to outer names")
    func tables() throws {
        var rows = TemplateTable(columns: ["ref", "author", "title", "x", "y"], rowCapacity: 2)
        for (ref, author, title) in [("ISS-1", "Ada", "<b>"), ("ISS-2", "Grace", "ok")] {
            rows.appendRow(.string(ref), .object(["name": .string(author)]), .string(title), .none, .none)
        }
        #expect(rows.rowCount == 2)
        #expect(rows[row: 1, "ref"].map { if case .string(let ref) = $0 { ref } else { "" } } == "ISS-2")
        #expect(rows[row: 2, "ref"] == nil && rows[row: 0, "missing"] == nil)
        let context: TemplateObject = ["rows": .table(rows), "site": "S", "empty": .table(TemplateTable(columns: ["ref"], rowCapacity: 0))]
        let views = Views(templates: ["main": try Template(parsing:
            "{{#rows}}{{ref}}:{{title}}/{{author.name}}/{{site}}[{{.}}];{{/rows}}{{#empty}}E{{/empty}}{{^empty}}none{{/empty}}{{^rows}}!{{/rows}}")])
        #expect(String(decoding: views.render("main", context), as: UTF8.self)
                == "ISS-1:&lt;b&gt;/Ada/S[];ISS-2:ok/Grace/S[];none")
        // `.` names nothing in a row (a row is not a value): a section over it is hidden, an inverted one shown.
        let dot = Views(templates: ["main": try Template(parsing: "{{#rows}}<{{#.}}A{{/.}}{{^.}}B{{/.}}>{{/rows}}")])
        #expect(String(decoding: dot.render("main", context), as: UTF8.self) == "<B><B>")
    }

    @Test("a timestamp value renders as its display text, written in place, and counts as present")
    func timestampValues() throws {
        let views = Views(templates: ["main": try Template(parsing: "{{#at}}[{{at}}]{{/at}}{{^at}}none{{/at}}")])
        for milliseconds: Int64 in [1_795_683_900_000, -62_000_000_000_000, 0] {
            let at = Timestamp(millisecondsSinceEpoch: milliseconds)
            #expect(String(decoding: views.render("main", ["at": .timestamp(at)]), as: UTF8.self) == "[\(at.display)]")
        }
        #expect(String(decoding: views.render("main", ["at": .timestamp(Timestamp(millisecondsSinceEpoch: 1_795_683_900_000))]),
                       as: UTF8.self) == "[26 Nov 2026, 09:05 UTC]")
        #expect(String(decoding: views.render("main", [:]), as: UTF8.self) == "none")
    }

    @Test("an ISO timestamp value renders as Timestamp.iso8601, written in place")
    func isoTimestampValues() throws {
        let views = Views(templates: ["main": try Template(parsing: "<time datetime=\"{{at}}\">")])
        for milliseconds: Int64 in [1_795_683_900_123, 0, 253_402_300_799_999] {
            let at = Timestamp(millisecondsSinceEpoch: milliseconds)
            #expect(String(decoding: views.render("main", ["at": .isoTimestamp(at)]), as: UTF8.self) == "<time datetime=\"\(at.iso8601)\">")
        }
        #expect(String(decoding: views.render("main", ["at": .isoTimestamp(Timestamp(millisecondsSinceEpoch: 1_795_683_900_123))]),
                       as: UTF8.self) == "<time datetime=\"2026-11-26T09:05:00.123Z\">")
    }

    @Test("a joined value renders its path then its string, escaped, and counts as present")
    func joinedValues() throws {
        let views = Views(templates: ["main": try Template(parsing: "<a href=\"{{#url}}{{url}}{{/url}}\">")])
        #expect(String(decoding: views.render("main", ["url": .joined(.issues, "ISS-7")]), as: UTF8.self)
                == "<a href=\"/issues/ISS-7\">")
        #expect(String(decoding: views.render("main", ["url": .joined(.issues, "\"><script>&")]), as: UTF8.self)
                == "<a href=\"/issues/&quot;&gt;&lt;script&gt;&amp;\">")
    }

    @Test("timestamps read as day, month, year and UTC time, zero-padded", arguments: [
        (0 as Int64, "1 Jan 1970, 00:00 UTC"),
        (1_795_683_900_000, "26 Nov 2026, 09:05 UTC"),
        (951_868_799_000, "29 Feb 2000, 23:59 UTC"),
        (-1, "31 Dec 1969, 23:59 UTC"),
        (-62_000_000_000_000, "19 Apr 5, 09:46 UTC"),
    ])
    func timestampDisplay(_ milliseconds: Int64, _ expected: String) {
        #expect(Timestamp(millisecondsSinceEpoch: milliseconds).display == expected)
    }

    @Test("partials and template inheritance with blocks")
    func inheritance() throws {
        let templates = [
            "layout": "<title>{{$title}}Default{{/title}}</title><main>{{$content}}{{/content}}</main>{{>footer}}",
            "footer": "<footer>{{site}}</footer>",
            "main": "{{<layout}}{{$title}}Page {{n}}{{/title}}{{$content}}<p>{{n}}</p>{{/content}}{{/layout}}",
        ]
        #expect(try render(templates, ["n": 7, "site": "S"]) == "<title>Page 7</title><main><p>7</p></main><footer>S</footer>")
        #expect(try render(templates, "layout", ["site": "S"]) == "<title>Default</title><main></main><footer>S</footer>")
    }

    @Test("partials are inlined when the library is loaded; one that includes itself stops at a fixed depth instead of never")
    func recursivePartial() throws {
        #expect(try render(["main": "{{>main}}x"], [:]) == String(repeating: "x", count: TemplateProgram.maximumDepth + 1))
        #expect(try render(["main": "a{{>missing}}b"], [:]) == "ab")
    }

    @Test("malformed templates are refused at load time", arguments: ["{{#a}}open", "{{/a}}", "{{#a}}{{/b}}", "{{unclosed", "{{}}"])
    func malformed(_ source: String) {
        #expect(throws: Template.SyntaxError.self) { try Template(parsing: source) }
    }
}
