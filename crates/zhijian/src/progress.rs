//! Progress bars and resource figures for long-running commands.

use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// A progress bar on stderr for `total` units of `unit` ("bytes" shows sizes).
pub fn bar(total: u64, message: &'static str, bytes: bool) -> ProgressBar {
    let bar = ProgressBar::new(total);
    let template = if bytes {
        "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}"
    } else {
        "{msg} [{bar:30}] {percent}% ETA {eta}"
    };
    bar.set_style(
        ProgressStyle::with_template(template)
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// The peak resident memory of this process in MiB (Linux `VmHWM`), if known.
pub fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Pads `text` with spaces to `width` terminal columns (a Chinese character takes two),
/// so that mixed tables line up.
pub fn pad(text: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

/// Reads a dataset with a progress bar on stderr; the error says which path was refused.
pub fn read_with_progress(path: &std::path::Path) -> anyhow::Result<dataset::read::Loaded> {
    use anyhow::Context;
    let progress = bar(0, "读取 reading", true);
    let report = |done: u64, total: u64| {
        progress.set_length(total);
        progress.set_position(done);
    };
    let options = dataset::ReadOptions {
        progress: Some(&report),
        ..Default::default()
    };
    let loaded = dataset::read_dataset(path, &options);
    progress.finish_and_clear();
    loaded.with_context(|| {
        format!(
            "数据集未通过校验 / the dataset was refused: {}",
            path.display()
        )
    })
}
