//! Helpers shared by the integration tests: running the binary as a user does.

use std::process::{Command, Output};

/// Runs `zhijian ARGS` and returns what it did.
pub fn zhijian(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhijian"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Everything it printed, stdout then stderr.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
