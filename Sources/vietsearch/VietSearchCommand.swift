import ArgumentParser
import VietSearch

@main
struct VietSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vietsearch",
                                                    abstract: "Vietnamese full-text search.")
}
