import API

/// A form's fields as the templates draw them: label, value, and the API's message beside the
/// field it names when the last submission was refused.
struct FormState {
    struct Field {
        var name: String
        var label: String
        var type = "text"
        var value = ""
        var required = false
        var autocomplete = "off"
        var hint = ""
        var options: [(value: String, label: String)] = []
    }

    var fields: [Field]
    /// Messages by field name; "" holds one that names no field of this form.
    var errors: [String: String] = [:]

    /// Records `error` beside the field it names, or for the whole form.
    mutating func refuse(_ error: APIError) {
        let named = error.parameter?.split(separator: " ").first.map(String.init)
        let field = fields.first { $0.name == named }?.name ?? ""
        errors[field] = error.message
    }

    /// Keeps what was typed (never a password) so a refused form need not be filled in again.
    mutating func keep(_ form: FormParameters) {
        for index in fields.indices where fields[index].type != "password" {
            if let value = form.string(fields[index].name) { fields[index].value = value }
        }
    }

    var rendered: [[String: Any]] {
        fields.map { field in
            [
                "name": field.name, "label": field.label, "type": field.type, "value": field.value, "hint": ConsoleFormat.shown(field.hint),
                "required": field.required, "autocomplete": field.autocomplete, "error": ConsoleFormat.shown(errors[field.name] ?? ""),
                "isSelect": !field.options.isEmpty,
                "options": field.options.map { ["value": $0.value, "label": $0.label, "selected": $0.value == field.value] as [String: Any] },
            ]
        }
    }

    var formError: Any { ConsoleFormat.shown(errors[""] ?? "") }

    static func methods(_ name: String, label: String, value: String) -> Field {
        Field(name: name, label: label, value: value, options: [("POST", "POST"), ("GET", "GET")])
    }
}
