//! Embeds the migrations folder in the `notes` binary: writes
//! `$OUT_DIR/retort_migrations.rs`, the folder's files as `include_str!`s,
//! which `src/main.rs` includes. Cargo reruns this script when a file of the
//! folder changes, so a new revision file is in the next build.

fn main() -> Result<(), retort_build::EmbedError> {
    // `retort_build::embed_migrations("migrations")` names the type
    // `retort_core::script::EmbeddedFile`; this application depends on the
    // `retort` crate only, which re-exports the core as `retort::core`.
    retort_build::Embed::new("migrations")
        .crate_path("retort::core")
        .run()?;
    Ok(())
}
