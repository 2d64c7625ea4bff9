//! Runs the rule engine over every case-timeline fixture in `tests/timelines/` (repository
//! root) and compares its answer with the expectations written by hand beside each fixture.
//!
//! For `NN-name.yaml` the file `NN-name.expected.json` holds either
//! `{"violations": [{"rule", "event"}], "deadlines": [{"rule", "due", "met", "provisional"?}]}`
//! (with an optional `"today"` evaluation date, default 2026-12-31) — compared exactly, as
//! multisets of `(rule, event)` and `(rule, due, met, provisional)` — or `{"error": "code"}` for
//! input that must be refused (`invalid_timeline` for any [`TimelineError`], `calendar` for a
//! date outside the supported years). The expectations were derived from `docs/rules-engine.md` and
//! the 2025/2026 holiday tables of `legal-rules.md` section P, independently of the engine.
//!
//! All mismatches of all fixtures are collected and reported together, so one run shows every
//! disagreement.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use fazhi_calendar::Calendar;
use fazhi_domain::catalogue::Catalogue;
use fazhi_domain::config::RulesConfig;
use fazhi_domain::engine::CheckError;
use fazhi_domain::{CheckContext, CheckReport, Timeline, check_timeline};
use serde::Deserialize;

/// Minimum number of fixtures the suite must contain.
const MIN_FIXTURES: usize = 40;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedViolation {
    rule: String,
    event: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedDeadline {
    rule: String,
    due: NaiveDate,
    met: Option<bool>,
    /// Counted across a year whose holiday notice is not loaded.
    #[serde(default)]
    provisional: bool,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Expected {
    Error {
        error: String,
    },
    Report {
        #[serde(default)]
        today: Option<NaiveDate>,
        violations: Vec<ExpectedViolation>,
        deadlines: Vec<ExpectedDeadline>,
    },
}

/// What the engine said about one fixture.
enum Actual {
    Error { code: &'static str, message: String },
    Report(CheckReport),
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/timelines")
}

fn fixture_files() -> Vec<PathBuf> {
    let dir = fixtures_dir();
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read fixture directory {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 31).expect("valid date")
}

fn run(
    text: &str,
    today: NaiveDate,
    calendar: &Calendar,
    rules: &RulesConfig,
    catalogue: &Catalogue,
) -> Actual {
    let timeline = match Timeline::parse(text) {
        Ok(t) => t,
        Err(e) => {
            return Actual::Error {
                code: "invalid_timeline",
                message: e.to_string(),
            };
        }
    };
    let ctx = CheckContext {
        calendar,
        rules,
        catalogue: Some(catalogue),
        today,
    };
    match check_timeline(&timeline, &ctx) {
        Ok(report) => Actual::Report(report),
        Err(CheckError::InvalidTimeline(e)) => Actual::Error {
            code: "invalid_timeline",
            message: e.to_string(),
        },
        Err(e @ CheckError::Calendar(_)) => Actual::Error {
            code: "calendar",
            message: e.to_string(),
        },
    }
}

fn event_text(e: Option<usize>) -> String {
    e.map_or_else(|| "null".to_owned(), |i| i.to_string())
}

fn met_text(m: Option<bool>) -> &'static str {
    match m {
        Some(true) => "true",
        Some(false) => "false",
        None => "null",
    }
}

/// Counts of each key, so that duplicates (one violation per officer) are compared too.
fn multiset<K: Ord>(items: impl IntoIterator<Item = K>) -> BTreeMap<K, usize> {
    let mut m = BTreeMap::new();
    for k in items {
        *m.entry(k).or_insert(0) += 1;
    }
    m
}

/// Lines describing the difference between two multisets (`-` expected only, `+` actual only).
fn diff<K: Ord + Clone>(
    expected: &BTreeMap<K, usize>,
    actual: &BTreeMap<K, usize>,
    show: impl Fn(&K) -> String,
) -> Vec<String> {
    let mut out = Vec::new();
    for (k, &n) in expected {
        let a = actual.get(k).copied().unwrap_or(0);
        for _ in a..n {
            out.push(format!("    - expected, missing: {}", show(k)));
        }
    }
    for (k, &n) in actual {
        let e = expected.get(k).copied().unwrap_or(0);
        for _ in e..n {
            out.push(format!("    + unexpected:        {}", show(k)));
        }
    }
    out
}

fn compare(expected: &Expected, actual: &Actual) -> Vec<String> {
    match (expected, actual) {
        (Expected::Error { error }, Actual::Error { code, .. }) if error == code => Vec::new(),
        (Expected::Error { error }, Actual::Error { code, message }) => {
            vec![format!(
                "    expected error `{error}`, got error `{code}`: {message}"
            )]
        }
        (Expected::Error { error }, Actual::Report(r)) => vec![format!(
            "    expected error `{error}`, but the timeline was accepted ({} violations, {} deadlines)",
            r.violations.len(),
            r.deadlines.len()
        )],
        (Expected::Report { .. }, Actual::Error { code, message }) => {
            vec![format!(
                "    expected a report, got error `{code}`: {message}"
            )]
        }
        (
            Expected::Report {
                violations,
                deadlines,
                ..
            },
            Actual::Report(report),
        ) => {
            let mut lines = Vec::new();
            let ev = multiset(violations.iter().map(|v| (v.rule.clone(), v.event)));
            let av = multiset(report.violations.iter().map(|v| (v.rule.clone(), v.event)));
            let messages: BTreeMap<(String, Option<usize>), String> = report
                .violations
                .iter()
                .map(|v| ((v.rule.clone(), v.event), v.message.clone()))
                .collect();
            lines.extend(diff(&ev, &av, |(rule, event)| {
                let mut s = format!("violation {rule} @ event {}", event_text(*event));
                if let Some(m) = messages.get(&(rule.clone(), *event)) {
                    let _ = write!(s, " — {m}");
                }
                s
            }));
            let ed = multiset(
                deadlines
                    .iter()
                    .map(|d| (d.rule.clone(), d.due, d.met, d.provisional)),
            );
            let ad = multiset(
                report
                    .deadlines
                    .iter()
                    .map(|d| (d.rule.clone(), d.due, d.met, d.provisional)),
            );
            lines.extend(diff(&ed, &ad, |(rule, due, met, provisional)| {
                let mut s = format!("deadline {rule} due {due} met {}", met_text(*met));
                if *provisional {
                    s.push_str(" provisional");
                }
                s
            }));
            lines
        }
    }
}

#[test]
fn timelines_match_hand_computed_expectations() {
    let calendar = Calendar::china();
    let rules = RulesConfig::default();
    let catalogue = Catalogue::sample();
    let files = fixture_files();
    assert!(
        files.len() >= MIN_FIXTURES,
        "only {} timeline fixtures in {}; at least {MIN_FIXTURES} expected",
        files.len(),
        fixtures_dir().display()
    );

    let mut report = String::new();
    let mut failed = 0;
    for yaml in &files {
        let name = yaml
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let expected_path = yaml.with_file_name(format!("{name}.expected.json"));
        let problems = match (
            std::fs::read_to_string(yaml),
            std::fs::read_to_string(&expected_path),
        ) {
            (Err(e), _) => vec![format!("    cannot read fixture: {e}")],
            (_, Err(e)) => vec![format!("    cannot read {}: {e}", expected_path.display())],
            (Ok(text), Ok(exp)) => match serde_json::from_str::<Expected>(&exp) {
                Err(e) => vec![format!("    malformed expectation file: {e}")],
                Ok(expected) => {
                    let on = match &expected {
                        Expected::Report { today: Some(d), .. } => *d,
                        _ => today(),
                    };
                    compare(&expected, &run(&text, on, &calendar, &rules, &catalogue))
                }
            },
        };
        if !problems.is_empty() {
            failed += 1;
            let _ = writeln!(report, "{name}:");
            for p in problems {
                let _ = writeln!(report, "{p}");
            }
        }
    }

    // Every expectation file must have its timeline.
    let dir = fixtures_dir();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.filter_map(Result::ok) {
            let p = e.path();
            let file = p
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            if let Some(stem) = file.strip_suffix(".expected.json")
                && !dir.join(format!("{stem}.yaml")).exists()
            {
                failed += 1;
                let _ = writeln!(report, "{file}: expectation without a timeline {stem}.yaml");
            }
        }
    }

    assert!(
        failed == 0,
        "{failed} of {} timeline fixtures disagree with the engine \
         (- expected but not reported, + reported but not expected):\n{report}",
        files.len()
    );
}
