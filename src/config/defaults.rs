//! Defaults compiled into the binary: the repo's `defaults/` files and `sources/`.
//! `radar init` writes them into a new home.

use include_dir::{Dir, include_dir};

pub const DEFAULT_SETTINGS: &str = include_str!("../../defaults/radar.toml");
pub const DEFAULT_RULES: &str = include_str!("../../defaults/rules.toml");
pub const DEFAULT_ENTERPRISES: &str = include_str!("../../defaults/enterprises.toml");
pub static DEFAULT_SOURCES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/sources");
