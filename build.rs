#![allow(
    clippy::print_stdout,
    reason = "cargo reads build script instructions from stdout"
)]

//! Embeds the commit govlint is built from into `--version`
//! (`govlint 0.1.0 (4e3e02c 2026-12-01)`).
//!
//! From a git checkout the commit and its date come from `git`; from a
//! `cargo package` tarball (crates.io, `cargo install govlint`) there is no
//! repository, and the commit comes from the `.cargo_vcs_info.json` that cargo
//! writes into the package, without a date. Without either, the version is
//! the bare package version. A build never fails for want of git.

use std::path::Path;
use std::process::Command;

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let dir = Path::new(&dir);
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=GOVLINT_BUILD_COMMIT");
    let commit = std::env::var("GOVLINT_BUILD_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .map(|c| c.trim().to_owned())
        .or_else(|| from_git(dir))
        .or_else(|| from_vcs_info(dir));
    let long = match commit {
        Some(c) => format!("{version} ({c})"),
        None => version,
    };
    println!("cargo:rustc-env=GOVLINT_LONG_VERSION={long}");
}

/// `4e3e02c 2026-12-01` when the manifest folder is the top of a git work
/// tree. The check matters: a package being verified sits in
/// `target/package/`, inside the project's own repository, whose commit is
/// not the one the package was made from.
fn from_git(dir: &Path) -> Option<String> {
    if !dir.join(".git").exists() {
        return None;
    }
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()?;
        let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
        (out.status.success() && !text.is_empty()).then_some(text)
    };
    // Rebuild when HEAD moves (a commit, a checkout).
    for name in ["HEAD", "logs/HEAD"] {
        if let Some(path) = git(&["rev-parse", "--git-path", name]) {
            let path = dir.join(path);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    let line = git(&[
        "-c",
        "log.showSignature=false",
        "log",
        "-1",
        "--no-show-signature",
        "--format=%h %cs",
        "--abbrev=7",
    ])?;
    Some(line)
}

/// The commit recorded by `cargo package` (`{"git":{"sha1":"…"}}`).
fn from_vcs_info(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(".cargo_vcs_info.json")).ok()?;
    let start = text.find("\"sha1\"")? + "\"sha1\"".len();
    let rest = text[start..].trim_start().strip_prefix(':')?.trim_start();
    let sha = rest.strip_prefix('"')?.split('"').next()?;
    (sha.len() >= 7 && sha.bytes().all(|b| b.is_ascii_hexdigit())).then(|| sha[..7].to_owned())
}
