//! The committed SDL (`api/schema.graphql`) is the schema the code builds. When this fails
//! after a deliberate change, regenerate it from the repository root with
//!
//! ```sh
//! cargo run -p warta -- schema > api/schema.graphql
//! ```
//!
//! and commit the file with the change, so clients see the schema change in review.

#[test]
fn the_committed_schema_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../api/schema.graphql");
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let current = warta::graphql::sdl();
    if committed != current {
        let first_difference = committed
            .lines()
            .zip(current.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| format!("line {}:\n  committed: {a}\n  code:      {b}", i + 1))
            .unwrap_or_else(|| {
                format!(
                    "one is a prefix of the other ({} vs {} lines)",
                    committed.lines().count(),
                    current.lines().count()
                )
            });
        panic!(
            "api/schema.graphql is out of date ({first_difference}).\n\
             Regenerate it with `cargo run -p warta -- schema > api/schema.graphql` and commit it."
        );
    }
}
