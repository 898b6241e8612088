import DbtCloud

/// An object of the account that a listing shows as `id  name`.
protocol NamedObject {
    var id: Int { get }
    var name: String? { get }
}

extension Account: NamedObject {}
extension Project: NamedObject {}
extension Environment: NamedObject {}
extension Job: NamedObject {}

extension Array where Element == ListingCache.Item {
    static func items(of objects: [some NamedObject]) -> [ListingCache.Item] {
        objects.map { .init(id: String($0.id), label: $0.name ?? "") }
    }
}
