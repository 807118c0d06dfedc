import Testing
@testable import PortalKit

/// The view model of one form input (`form-input.mustache`), as issue and
/// new-request pages build it.
@Suite("A form input names its element, its kind and its error")
struct FormInputTests {
    private func fields(_ value: TemplateValue) throws -> TemplateObject {
        guard case .object(let object) = value else { throw Failure() }
        return object
    }

    private struct Failure: Error {}

    private func text(_ object: TemplateObject, _ name: TemplateName) -> String? {
        if case .string(let text)? = object[name] { return text }
        return nil
    }

    private func flag(_ object: TemplateObject, _ name: TemplateName) -> Bool? {
        if case .bool(let flag)? = object[name] { return flag }
        return nil
    }

    @Test("the element id is field- and the key, its dots made dashes", arguments: [
        ("title", "field-title"), ("cf.env", "field-cf-env"), ("a.b.c", "field-a-b-c"), ("", "field-"),
    ])
    func ids(_ key: String, _ id: String) throws {
        #expect(PortalViewModels.inputID(key) == id)
        let input = try fields(PortalViewModels.input(key: key, label: "L", type: .text, required: false, options: [],
                                                      value: .null, error: nil))
        #expect(text(input, "id") == id)
    }

    @Test("an error is tied to its input by an id made from the input's; without one there is none")
    func errorIDs() throws {
        let failing = try fields(PortalViewModels.input(key: "cf.seats", label: "Seats", type: .number, required: true,
                                                        options: [], value: .string("many"), error: "must be a number"))
        #expect(flag(failing, "hasError") == true)
        #expect(text(failing, "errorId") == "field-cf-seats-error")
        #expect(text(failing, "error") == "must be a number")
        #expect(text(failing, "value") == "many", "what was typed is shown again")
        let fine = try fields(PortalViewModels.input(key: "cf.seats", label: "Seats", type: .number, required: true,
                                                     options: [], value: .int(3), error: nil))
        #expect(flag(fine, "hasError") == false)
        #expect(fine["errorId"] == nil)
        #expect(text(fine, "value") == "3")
    }

    @Test("each kind of field says which element it is, and numbers their step", arguments: [
        (FieldType.textarea, "isTextarea", nil), (.select, "isSelect", nil), (.multiSelect, "isMultiSelect", nil),
        (.boolean, "isBoolean", nil), (.number, "isInput", "1"), (.decimal, "isInput", "any"), (.date, "isInput", nil),
    ] as [(FieldType, String, String?)])
    func kinds(_ type: FieldType, _ kind: String, _ step: String?) throws {
        let input = try fields(PortalViewModels.input(key: "k", label: "K", type: type, required: false, options: ["a", "b"],
                                                      value: .array([.string("b")]), error: nil))
        #expect(flag(input, TemplateName(kind)) == true)
        for other in ["isTextarea", "isSelect", "isMultiSelect", "isBoolean", "isInput"] where other != kind {
            #expect(input[TemplateName(other)] == nil)
        }
        #expect(text(input, "step") == step)
        guard case .table(let options)? = input["options"] else { Issue.record("no options"); return }
        let values = (0..<options.rowCount).map { options[row: $0, "value"] }
        let selected = (0..<options.rowCount).map { options[row: $0, "selected"] }
        #expect(values.map { value -> String? in if case .string(let text)? = value { text } else { nil } } == ["a", "b"])
        #expect(selected.map { value -> Bool? in if case .bool(let flag)? = value { flag } else { nil } } == [false, true])
    }
}
