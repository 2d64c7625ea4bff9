//! Layers that hold (issue 12): handlers call services only. No file under `src/web` may
//! name `sqlx`, the `repo` modules, or open a connection or transaction itself
//! (`acquire`, `begin_write`); the storage rows the pages and the API still show are
//! re-exported by the service module that returns them (docs/ARCHITECTURE.md, "Layers").

use std::path::{Path, PathBuf};

/// Identifiers a handler may not use, each with the reason shown when one does.
const FORBIDDEN: &[(&str, &str)] = &[
    ("sqlx", "SQL belongs in repo/, called by a service"),
    ("repo", "repos are called by services only"),
    ("acquire", "connections are opened by services"),
    ("begin_write", "transactions are opened by services"),
];

/// The identifiers of Rust source outside comments, string and character literals, with
/// their line numbers. A small scanner, not a parser: enough to tell code from prose.
fn code_identifiers(src: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |k: usize| chars.get(k).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if at(i) == '\n' {
                    line += 1;
                }
                i += 1;
            }
            i += 1;
        } else if c == '\'' {
            if at(i + 1) == '\\' {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1; // a lifetime
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // A raw string (r"…", r#"…"#, br#"…"#): skip to its closing quote and hashes.
            if (word == "r" || word == "br") && (at(i) == '"' || at(i) == '#') {
                let mut hashes = 0;
                while at(i + hashes) == '#' {
                    hashes += 1;
                }
                if at(i + hashes) == '"' {
                    i += hashes + 1;
                    let close: String = std::iter::once('"')
                        .chain(std::iter::repeat_n('#', hashes))
                        .collect();
                    while i < chars.len()
                        && !chars[i..]
                            .iter()
                            .take(hashes + 1)
                            .copied()
                            .eq(close.chars())
                    {
                        if chars[i] == '\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                    i += hashes + 1;
                    continue;
                }
            }
            out.push((line, word));
        } else {
            i += 1;
        }
    }
    out
}

/// Every forbidden use in `src`, as `line: identifier (reason)`.
fn violations(src: &str) -> Vec<String> {
    code_identifiers(src)
        .into_iter()
        .filter_map(|(line, word)| {
            FORBIDDEN
                .iter()
                .find(|(w, _)| *w == word)
                .map(|(w, why)| format!("{line}: `{w}` ({why})"))
        })
        .collect()
}

fn rust_files(root: &Path) -> Vec<PathBuf> {
    let mut files = vec![root.to_path_buf()];
    let mut found = Vec::new();
    while let Some(p) = files.pop() {
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else if p.extension().is_some_and(|e| e == "rs") {
            found.push(p);
        }
    }
    found.sort();
    found
}

#[test]
fn the_web_layer_calls_services_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let files = rust_files(&root);
    assert!(files.len() > 20, "the web layer was not found at {root:?}");
    let mut wrong = Vec::new();
    for f in files {
        let src = std::fs::read_to_string(&f).unwrap();
        for v in violations(&src) {
            wrong.push(format!("{}:{v}", f.strip_prefix(&root).unwrap().display()));
        }
    }
    assert!(
        wrong.is_empty(),
        "handlers must call services only (docs/ARCHITECTURE.md, Layers):\n{}",
        wrong.join("\n")
    );
}

/// The scanner finds what the rule forbids and leaves prose alone, so the test above can fail.
#[test]
fn the_layer_scanner_tells_code_from_prose() {
    let src = r####"
//! Talks about sqlx and crate::repo in a doc comment.
use crate::{repo, service};
use crate::repo::complaint_repo::KeyRow;
/* a block comment naming sqlx /* nested repo */ */
fn f(s: &AppState) {
    let a = "sqlx::query in a string \" repo";
    let b = r#"repo "quoted" sqlx"#;
    let c = '"';
    let d: &'static str = "x";
    let mut conn = s.db.pool.acquire();
    sqlx::query("SELECT 1");
    let tx = s.db.begin_write();
}
"####;
    let found = violations(src);
    assert_eq!(
        found,
        vec![
            "3: `repo` (repos are called by services only)",
            "4: `repo` (repos are called by services only)",
            "11: `acquire` (connections are opened by services)",
            "12: `sqlx` (SQL belongs in repo/, called by a service)",
            "13: `begin_write` (transactions are opened by services)",
        ]
    );
}
