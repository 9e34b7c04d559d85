/// Shard `index` of `count` (1-based, as Slurm numbers array tasks): the catalogue rows whose 0-based data-row
/// index r has r % count == index - 1. Striding rather than cutting the catalogue into blocks means a shard needs
/// no row count up front, every shard sees the same mix of the sky, and merging is a round-robin, not a sort.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, (1...count).contains(index) else {
            throw ShardError("shard \(index)/\(count): need 1 <= I <= N")
        }
        self.index = index
        self.count = count
    }

    /// Parses `I/N`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let n = Int(parts[1].trimmingCharacters(in: .whitespaces)) else {
            throw ShardError("'\(text)' is not a shard; write I/N, e.g. 3/8 (1-based)")
        }
        try self.init(index: i, count: n)
    }

    public static let whole = try! Shard(index: 1, count: 1)

    public func owns(row: Int) -> Bool { row % count == index - 1 }

    /// The first row at or after `row` that this shard owns.
    public func firstOwned(from row: Int) -> Int {
        let offset = ((index - 1) - row % count + count) % count
        return row + offset
    }

    public var description: String { "\(index)/\(count)" }
}

public struct ShardError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
