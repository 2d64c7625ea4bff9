//! Layers that hold (issue 12): handlers call services only. No file under `src/web` may
//! name `sqlx`, the `repo` modules, or open a connection or transaction itself
//! (`acquire`, `begin_write`); the storage rows the pages and the API still show are
//! re-exported by the service module that returns them (docs/ARCHITECTURE.md, "Layers").
//! And services call repos for SQL: no file under `src/service` builds or runs a query
//! itself (`sqlx::query`, `query_as`, `query_scalar`, `QueryBuilder`, …).

use std::path::{Path, PathBuf};

/// Identifiers a handler may not use, each with the reason shown when one does.
const FORBIDDEN: &[(&str, &str)] = &[
    ("sqlx", "SQL belongs in repo/, called by a service"),
    ("repo", "repos are called by services only"),
    ("acquire", "connections are opened by services"),
    ("begin_write", "transactions are opened by services"),
];

/// Names of sqlx's query builders a service may not use (each always means SQL written in
/// the service), with the reason shown when one does. `query` itself is also a common word,
/// so it counts only as sqlx's: `sqlx::query` or imported by a `use sqlx::…` item.
const SERVICE_FORBIDDEN: &[(&str, &str)] = &[
    ("query_as", "SQL belongs in repo/"),
    ("query_scalar", "SQL belongs in repo/"),
    ("query_with", "SQL belongs in repo/"),
    ("query_as_with", "SQL belongs in repo/"),
    ("query_scalar_with", "SQL belongs in repo/"),
    ("raw_sql", "SQL belongs in repo/"),
    ("QueryBuilder", "SQL belongs in repo/"),
    ("AssertSqlSafe", "SQL text is built in repo/"),
];

/// The identifiers of Rust source outside comments, string and character literals, with
/// their line numbers, and the punctuation `::` and `;` between them (so that a path or a
/// `use` item can be told apart). A small scanner, not a parser: enough to tell code from
/// prose.
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
        } else if c == ':' && at(i + 1) == ':' {
            out.push((line, "::".to_string()));
            i += 2;
        } else if c == ';' {
            out.push((line, ";".to_string()));
            i += 1;
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

/// Every query a service builds itself in `src`, as `line: identifier (reason)`.
fn service_violations(src: &str) -> Vec<String> {
    let tokens = code_identifiers(src);
    let mut out = Vec::new();
    // Inside `use sqlx::…;`.
    let mut in_sqlx_use = false;
    for (k, (line, word)) in tokens.iter().enumerate() {
        let prev = |n: usize| k.checked_sub(n).map(|j| tokens[j].1.as_str());
        match word.as_str() {
            ";" => in_sqlx_use = false,
            "sqlx"
                if prev(1) == Some("use") || (prev(1) == Some("::") && prev(2) == Some("use")) =>
            {
                in_sqlx_use = true;
            }
            _ => {}
        }
        let why = SERVICE_FORBIDDEN
            .iter()
            .find(|(w, _)| w == word)
            .map(|(_, why)| *why)
            .or_else(|| {
                (word == "query"
                    && (in_sqlx_use || (prev(1) == Some("::") && prev(2) == Some("sqlx"))))
                .then_some("SQL belongs in repo/")
            });
        if let Some(why) = why {
            out.push(format!("{line}: `{word}` ({why})"));
        }
    }
    out
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

#[test]
fn services_call_repos_for_sql() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/service");
    let files = rust_files(&root);
    assert!(
        files.len() > 20,
        "the service layer was not found at {root:?}"
    );
    let mut wrong = Vec::new();
    for f in files {
        let src = std::fs::read_to_string(&f).unwrap();
        for v in service_violations(&src) {
            wrong.push(format!("{}:{v}", f.strip_prefix(&root).unwrap().display()));
        }
    }
    assert!(
        wrong.is_empty(),
        "services call repos for SQL (docs/ARCHITECTURE.md, Layers):\n{}",
        wrong.join("\n")
    );
}

/// The service rule finds sqlx's query builders, in paths and imports, and leaves prose,
/// strings, other uses of sqlx and other things called `query` alone, so the test above can
/// fail.
#[test]
fn the_service_scanner_finds_queries_and_nothing_else() {
    let src = r####"
//! Runs sqlx::query("SELECT 1") in a doc comment.
use sqlx::{AnyConnection, Row, query};
use crate::repo::complaint_repo;
use ::sqlx::query_as;
async fn f(conn: &mut AnyConnection, query: &str) -> Result<(), sqlx::Error> {
    let a = "sqlx::query_scalar in a string";
    /* sqlx::QueryBuilder in a comment */
    let rows = sqlx::query("SELECT 1").fetch_all(&mut *conn).await?;
    let n: i64 = sqlx::query_scalar("SELECT 2").fetch_one(&mut *conn).await?;
    let b = sqlx::QueryBuilder::new("SELECT ");
    let q = complaint::query(query);
    let c = query.len();
    sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {a}")));
}
"####;
    let found = service_violations(src);
    assert_eq!(
        found,
        vec![
            "3: `query` (SQL belongs in repo/)",
            "5: `query_as` (SQL belongs in repo/)",
            "9: `query` (SQL belongs in repo/)",
            "10: `query_scalar` (SQL belongs in repo/)",
            "11: `QueryBuilder` (SQL belongs in repo/)",
            "14: `query` (SQL belongs in repo/)",
            "14: `AssertSqlSafe` (SQL text is built in repo/)",
        ]
    );
}
