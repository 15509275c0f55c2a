/// Why the store refused a write; the API layer maps these to HTTP errors.
public enum StoreError: Error, Equatable {
    /// A unique value is already taken (`field` names it, e.g. `Login`).
    case duplicate(field: String)
    /// A referenced record does not exist (`field` names the reference).
    case missingReference(field: String)
    /// A file the store relies on is unusable.
    case corrupt(String)
}
