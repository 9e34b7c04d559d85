import Foundation

// PerseusFuzz: seeded random mutation fuzzing of every reader of outside bytes (see Options.usage).
do {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    if options.worker {
        try Worker.run(options)
    } else if let file = options.replay {
        try Supervisor.replay(options, file)
    } else if let file = options.minimise {
        try Supervisor.minimise(options, file)
    } else if options.writeSeeds {
        try Supervisor.writeSeeds(options)
    } else {
        try Supervisor.run(options)
    }
} catch let error as UsageError {
    if !error.message.isEmpty { FileHandle.standardError.write(Data("PerseusFuzz: \(error.message)\n".utf8)) }
    print(Options.usage)
    exit(error.message.isEmpty ? 0 : 2)
} catch {
    FileHandle.standardError.write(Data("PerseusFuzz: \(error)\n".utf8))
    exit(1)
}
