import Foundation
import Store

/// The operator's declaration of the numbers Parley may hand out (JSON; see
/// Fixtures/number-pool.json): consecutive ranges per zone and a list of memorable PREMIUM
/// numbers. Every number is checked against the Belgian numbering plan.
public struct NumberPoolFile: Sendable {
    public let numbers: [PhoneNumber]

    struct Contents: Decodable {
        struct Range: Decodable {
            let type: String
            let zone: String
            let first: String
            let count: Int
            let smsSupported: Bool?
            let priceTier: String?
        }
        let ranges: [Range]
        let premium: [String]?
    }

    public init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try self.init(data: data, source: path)
    }

    public init(data: Data, source: String) throws {
        let contents: Contents
        do {
            contents = try JSONDecoder().decode(Contents.self, from: data)
        } catch {
            throw ConfigurationError.invalid(option: "--number-pool", reason: "\(source) is not a valid pool file: \(error)")
        }
        var numbers: [String: PhoneNumber] = [:]
        for (index, range) in contents.ranges.enumerated() {
            func invalid(_ reason: String) -> ConfigurationError {
                .invalid(option: "--number-pool", reason: "\(source) range \(index): \(reason)")
            }
            guard let type = NumberType(rawValue: range.type) else { throw invalid("type must be FIXED or MOBILE") }
            guard let tier = PriceTier(rawValue: range.priceTier ?? "REGULAR") else {
                throw invalid("priceTier must be REGULAR or PREMIUM")
            }
            guard (1...100_000).contains(range.count), let start = Int(range.first.dropFirst(3)),
                range.first.hasPrefix("+32")
            else { throw invalid("first must be +32… and count 1 to 100000") }
            for offset in 0..<range.count {
                let e164 = "+32\(start + offset)"
                guard let plan = BelgianNumberPlan.classify(e164), plan.type == type,
                    plan.zone == range.zone
                else { throw invalid("\(e164) is not a \(range.type) number of zone \(range.zone)") }
                numbers[e164] = PhoneNumber(
                    e164: e164, type: type, zone: plan.zone,
                    smsSupported: range.smsSupported ?? (type == .mobile), priceTier: tier)
            }
        }
        for e164 in contents.premium ?? [] {
            guard let plan = BelgianNumberPlan.classify(e164) else {
                throw ConfigurationError.invalid(
                    option: "--number-pool", reason: "\(source): premium \(e164) is not a Belgian number")
            }
            numbers[e164] = PhoneNumber(
                e164: e164, type: plan.type, zone: plan.zone, smsSupported: plan.type == .mobile,
                priceTier: .premium)
        }
        self.numbers = numbers.values.sorted { $0.e164 < $1.e164 }
    }
}
