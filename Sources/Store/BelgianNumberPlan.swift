/// The Belgian numbering plan as far as Parley needs it: normalising what users type into
/// E.164, and telling a number's type and zone. Fixed numbers have 8 national digits after
/// the trunk 0 (`02 xxx xx xx`, `0xx xx xx xx`), mobile numbers 9 (`04xx xx xx xx`).
public enum BelgianNumberPlan {
    /// The one-digit zones: Brussels, Antwerp, Liège, Ghent.
    public static let singleDigitZones: Set<String> = ["02", "03", "04", "09"]

    /// The two-digit zones in use.
    public static let twoDigitZones: Set<String> = [
        "010", "011", "012", "013", "014", "015", "016", "019", "050", "051", "052", "053",
        "054", "055", "056", "057", "058", "059", "060", "061", "063", "064", "065", "067",
        "069", "071", "080", "081", "082", "083", "084", "085", "086", "087", "089",
    ]

    /// E.164 (`+32…`) from `+32…`, `0032…`, `32…` or a national `0…` number, ignoring spaces,
    /// dots, dashes, slashes and parentheses; nil when it is not a Belgian fixed or mobile number.
    public static func normalise(_ input: String) -> String? {
        let kept = input.filter { !" .-/()".contains($0) }
        var national: Substring
        if kept.hasPrefix("+32") {
            national = kept.dropFirst(3)
        } else if kept.hasPrefix("0032") {
            national = kept.dropFirst(4)
        } else if kept.hasPrefix("0") {
            national = kept.dropFirst(1)
        } else if kept.hasPrefix("32") {
            national = kept.dropFirst(2)
        } else {
            return nil
        }
        guard national.allSatisfy(\.isASCIIDigit) else { return nil }
        if national.hasPrefix("0") { national = national.dropFirst() }
        let e164 = "+32" + national
        return classify(e164) == nil ? nil : e164
    }

    /// The premium-rate (090x) and shared-cost (070, 077) blocks: national numbers that
    /// charge the caller more, the target of toll fraud.
    public static let premiumPrefixes = ["90", "70", "77"]

    /// Whether `input` is an emergency or special short number (112, 100, 101, the other
    /// 1xx and 1xxx services, the European 116xxx lines) or a premium-rate or shared-cost
    /// number, with or without `+32`/`0032`. Parley never places these calls (FlexIO's
    /// policy): emergency calls need the caller's location, premium ones are toll fraud's prize.
    public static func isEmergencyOrSpecial(_ input: String) -> Bool {
        var kept = Substring(input.filter { !" .-/()".contains($0) })
        var international = false
        for prefix in ["+32", "0032"] where kept.hasPrefix(prefix) {
            kept = kept.dropFirst(prefix.count)
            international = true
        }
        guard kept.allSatisfy(\.isASCIIDigit) else { return false }
        let national = international ? kept : kept.hasPrefix("0") ? kept.dropFirst() : nil
        if let national, national.count == 8, premiumPrefixes.contains(where: national.hasPrefix) { return true }
        guard kept.hasPrefix("1") else { return false }
        return kept.count == 3 || kept.count == 4 || (kept.count == 6 && kept.hasPrefix("116"))
    }

    /// The type and zone of an E.164 Belgian number, or nil when it is none of the plan.
    public static func classify(_ e164: String) -> (type: NumberType, zone: String)? {
        guard e164.hasPrefix("+32") else { return nil }
        let national = e164.dropFirst(3)
        guard national.allSatisfy(\.isASCIIDigit), let first = national.first, first != "0" else {
            return nil
        }
        if national.count == 9, first == "4" {
            let zone = "0" + national.prefix(3)
            guard let block = Int(national.prefix(2)), (46...49).contains(block) else { return nil }
            return (.mobile, zone)
        }
        guard national.count == 8, !premiumPrefixes.contains(where: national.hasPrefix) else { return nil }
        let one = "0" + national.prefix(1)
        if singleDigitZones.contains(one) { return (.fixed, one) }
        let two = "0" + national.prefix(2)
        if twoDigitZones.contains(two) { return (.fixed, two) }
        return nil
    }

    /// A zone as users write it, with or without its leading 0 (`2`, `02`, `0470`), in its
    /// canonical form, or nil when no such zone exists.
    public static func zone(_ input: String) -> String? {
        let zone = input.hasPrefix("0") ? input : "0" + input
        if singleDigitZones.contains(zone) || twoDigitZones.contains(zone) { return zone }
        if zone.count == 4, zone.hasPrefix("04"), let block = Int(zone.dropFirst().prefix(2)),
            (46...49).contains(block), zone.allSatisfy(\.isASCIIDigit)
        {
            return zone
        }
        return nil
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
