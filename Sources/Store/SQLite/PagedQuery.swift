import GRDB

/// A filtered `SELECT` over one table run as a count plus one window of rows, so every list
/// resource pages the same way.
struct PagedQuery: Sendable {
    let table: String
    var conditions: [String] = []
    var arguments: [DatabaseValue] = []
    let order: String

    mutating func require(_ condition: String, _ values: (any DatabaseValueConvertible)?...) {
        conditions.append(condition)
        arguments.append(contentsOf: values.map { $0?.databaseValue ?? .null })
    }

    func fetch<Item>(
        _ db: Database, page: PageRequest, map: (Row) throws -> Item
    ) throws -> PageResult<Item> {
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let total =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM \(table)\(whereClause)",
                arguments: StatementArguments(arguments)) ?? 0
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT * FROM \(table)\(whereClause) ORDER BY \(order) LIMIT ? OFFSET ?",
            arguments: StatementArguments(arguments + [page.size.databaseValue, page.offset.databaseValue]))
        return PageResult(items: try rows.map(map), total: total, request: page)
    }
}
