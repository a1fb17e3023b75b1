/// The tests of `Sources/Teach/Persistence`, grouped so that `swift test --filter Persistence` runs them.
enum PersistenceTests {}
