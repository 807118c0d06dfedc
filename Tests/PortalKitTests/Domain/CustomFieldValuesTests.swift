import Testing
@testable import PortalKit

@Suite("An issue's custom field values behave as a map from key to value")
struct CustomFieldValuesTests {
    @Test("setting a key replaces its value, setting nil removes it, a missing key reads nil")
    func subscriptSetsReplacesAndRemoves() {
        var values: CustomFieldValues = ["plan": "pro"]
        values["seats"] = 3
        values["plan"] = "gold"
        #expect(values["plan"] == "gold" && values["seats"] == 3 && values.count == 2)
        values["plan"] = nil
        values["missing"] = nil
        #expect(values["plan"] == nil && values.keys == ["seats"])
        values.removeValue(forKey: "seats")
        #expect(values.isEmpty)
    }

    @Test("equality ignores order but not values or extra keys")
    func equalityIgnoresOrder() {
        let values: CustomFieldValues = ["a": 1, "b": "x"]
        #expect(values == ["b": "x", "a": 1])
        #expect(values != ["a": 1, "b": "y"])
        #expect(values != ["a": 1, "b": "x", "c": nil])
        #expect(values != ["a": 1])
    }

    @Test("a dictionary becomes values in key order and back")
    func convertsFromAndToDictionary() {
        let values = CustomFieldValues(["z": 1, "a": [true], "m": nil])
        #expect(values.keys == ["a", "m", "z"])
        #expect(values.dictionary == ["z": 1, "a": [true], "m": nil])
    }

    @Test("reading a stored object: only new keys are inserted, and stored nulls can be dropped")
    func insertNewAndRemoveNulls() {
        var values = CustomFieldValues(capacity: 2)
        #expect(values.insertNew("a", nil) && values.insertNew("b", 2))
        #expect(!values.insertNew("b", 3) && values["b"] == 2)
        values.removeNulls()
        #expect(values == ["b": 2])
    }
}
