/// A node status as dbt writes it (`success`, `error`, `fail`, `warn`, `skipped`, `pass`, `no-op`, …).
/// Unknown values are kept as they are.
public struct NodeStatus: RawRepresentable, Hashable, Sendable, Encodable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let success = NodeStatus("success")
    public static let error = NodeStatus("error")
    public static let fail = NodeStatus("fail")
    public static let warn = NodeStatus("warn")
    public static let skipped = NodeStatus("skipped")
    public static let pass = NodeStatus("pass")
    public static let noOp = NodeStatus("no-op")
    public static let runtimeError = NodeStatus("runtime error")

    public var description: String { rawValue }

    /// error or fail: the node broke the run.
    public var isFailure: Bool { self == .error || self == .fail || self == .runtimeError }
    /// error, fail or warn.
    public var isProblem: Bool { isFailure || self == .warn }
    /// success, pass or no-op.
    public var isGood: Bool { self == .success || self == .pass || self == .noOp }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The kind of node a `unique_id` names: its first dot-separated component.
/// Names read off a `unique_id` (`<resource_type>.<package>.<name>[.<hash or table>]`).
public enum NodeNames {
    public static func resourceType(of uniqueID: String) -> String {
        guard let dot = uniqueID.firstIndex(of: ".") else { return uniqueID }
        return String(uniqueID[..<dot])
    }

    /// The node's short name as dbt prints it: `int_customer_order_history` for a model,
    /// `unique_fct_daily_revenue_revenue_date` for a test (hash dropped),
    /// `erp.inventory_levels` for a source, `dim_customers.test_customer_segment_rules` for a unit test.
    public static func shortName(_ uniqueID: String) -> String {
        let parts = uniqueID.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return uniqueID }
        let end = parts[0] == "test" && parts.count >= 4 ? parts.count - 1 : parts.count
        return parts[2..<end].joined(separator: ".")
    }
}
