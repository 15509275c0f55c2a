import Store

/// Belgian numbers the way people write them: `02 206 07 46`, `010 20 61 00`, `0470 20 61 00`.
public enum NationalFormat {
    public static func format(_ e164: String) -> String {
        guard let plan = BelgianNumberPlan.classify(e164) else { return e164 }
        let rest = Array(e164.dropFirst(3).dropFirst(plan.zone.count - 1))
        var groups: [String] = []
        var index = 0
        if rest.count % 2 == 1 {
            groups.append(String(rest[0..<3]))
            index = 3
        }
        while index < rest.count {
            groups.append(String(rest[index..<min(index + 2, rest.count)]))
            index += 2
        }
        return ([plan.zone] + groups).joined(separator: " ")
    }
}
