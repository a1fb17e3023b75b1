// swift-tools-version: 6.0
//
// A package of a reader's own that uses Teach the way any dependency is used: by URL and version.
// `scripts/check-consumer` builds and runs it against a clone of this repository tagged with a
// version (set TEACH_URL to that clone's file:// URL), so that Teach stays usable as a dependency.
import PackageDescription

let teach = Context.environment["TEACH_URL"] ?? "https://github.com/teach-book/teach"

let package = Package(
    name: "circles",
    dependencies: [.package(url: teach, from: "0.1.0")],
    targets: [.executableTarget(name: "circles", dependencies: [.product(name: "Teach", package: "teach")])]
)
