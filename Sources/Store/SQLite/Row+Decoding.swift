import Foundation
import GRDB

/// A stored value that does not parse back into its type: the file was changed outside Parley.
struct CorruptRowError: Error, CustomStringConvertible {
    let column: String
    let value: String
    var description: String { "column \(column) holds an invalid value '\(value)'" }
}

extension Row {
    func text(_ column: String) throws -> String {
        try decode(String.self, forColumn: column)
    }

    func optionalText(_ column: String) throws -> String? {
        try decode(String?.self, forColumn: column)
    }

    func date(_ column: String) throws -> Date {
        try decode(Date.self, forColumn: column)
    }

    func sid<Kind>(_ column: String) throws -> Sid<Kind> {
        let raw = try text(column)
        guard let sid = Sid<Kind>(raw) else { throw CorruptRowError(column: column, value: raw) }
        return sid
    }

    func optionalSid<Kind>(_ column: String) throws -> Sid<Kind>? {
        guard let raw = try optionalText(column) else { return nil }
        guard let sid = Sid<Kind>(raw) else { throw CorruptRowError(column: column, value: raw) }
        return sid
    }

    func value<Value: RawRepresentable>(_ column: String) throws -> Value
    where Value.RawValue: DatabaseValueConvertible {
        let raw = try decode(Value.RawValue.self, forColumn: column)
        guard let value = Value(rawValue: raw) else {
            throw CorruptRowError(column: column, value: "\(raw)")
        }
        return value
    }

    func optionalValue<Value: RawRepresentable>(_ column: String) throws -> Value?
    where Value.RawValue: DatabaseValueConvertible {
        guard let raw = try decode(Value.RawValue?.self, forColumn: column) else { return nil }
        guard let value = Value(rawValue: raw) else {
            throw CorruptRowError(column: column, value: "\(raw)")
        }
        return value
    }
}

extension DatabaseError {
    var isUniqueViolation: Bool { extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE }
    var isForeignKeyViolation: Bool { extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY }
}
