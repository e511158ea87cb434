//! The man page and shell completions are generated from the clap definition and committed;
//! this test fails when they no longer match the CLI.
//!
//! Regenerate them with `UPDATE_GENERATED=1 cargo test --test integration generated`.

use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::Shell;
use technitium_exporter::cli::Cli;

const BIN: &str = "technitium-exporter";

fn generated() -> Vec<(PathBuf, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut man = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut man)
        .unwrap();
    files.push((root.join("man").join(format!("{BIN}.1")), man));
    for (shell, name) in [
        (Shell::Bash, format!("{BIN}.bash")),
        (Shell::Zsh, format!("_{BIN}")),
        (Shell::Fish, format!("{BIN}.fish")),
    ] {
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), BIN, &mut out);
        files.push((root.join("completions").join(name), out));
    }
    files
}

#[test]
fn man_page_and_completions_match_the_cli() {
    let update = std::env::var_os("UPDATE_GENERATED").is_some();
    let mut stale = Vec::new();
    for (path, content) in generated() {
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &content).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(&content[..]) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "out of date with the CLI: {stale:?}; run `UPDATE_GENERATED=1 cargo test --test integration generated` and commit"
    );
}
