//! The fast YAML reader (crate `fazhi-fast-yaml`) against libyaml (`serde_norway`) on
//! timelines: wherever the fast reader answers — every fixture, the documented example, what
//! timelines write, and thousands of random edits of them — libyaml gives the same timeline.

#![expect(clippy::unwrap_used, reason = "tests")]

/// Every fixture and the documented example: `(name, text)`.
fn samples() -> &'static [(String, String)] {
    static SAMPLES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    SAMPLES.get_or_init(read_samples)
}

fn read_samples() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/timelines");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.display().to_string(), text)
        })
        .collect();
    out.sort();
    let doc = include_str!("../../../../docs/case-timeline.md");
    let example = doc.split("## Full example").nth(1).unwrap();
    let yaml = example
        .split("```yaml\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    out.push(("docs/case-timeline.md".to_owned(), yaml.to_owned()));
    out
}

/// The timeline as the fast reader and as libyaml read it (before validation), after the
/// pre-scan that both go through in `Timeline::from_yaml` (byte-order mark, nesting,
/// amounts in exponent form); a text the pre-scan refuses reaches neither.
fn both(text: &str) -> (Option<String>, Result<String, String>) {
    let text = match super::prescan(text, "YAML") {
        Ok(t) => t,
        Err(e) => return (None, Err(e.to_string())),
    };
    let fast = fazhi_fast_yaml::from_str::<super::RawTimeline>(text).map(|r| format!("{r:?}"));
    let slow = serde_norway::from_str::<super::RawTimeline>(text)
        .map(|r| format!("{r:?}"))
        .map_err(|e| e.to_string());
    (fast, slow)
}

#[test]
fn agrees_with_libyaml_on_every_fixture_and_reads_them_all() {
    for (name, text) in samples() {
        let (fast, slow) = both(text);
        match (&fast, &slow) {
            (Some(f), Ok(s)) => assert_eq!(f, s, "{name}"),
            (None, Err(_)) => {}
            _ => panic!("{name}: fast {fast:?}, libyaml {slow:?}"),
        }
    }
}

#[test]
fn reads_what_timelines_write() {
    for (name, text) in samples() {
        let Ok(t) = super::Timeline::from_yaml(text) else {
            continue;
        };
        let yaml = t.to_yaml();
        let (fast, slow) = both(&yaml);
        assert!(fast.is_some(), "{name}:\n{yaml}");
        assert_eq!(fast, slow.ok(), "{name}");
    }
}

/// Pieces of YAML (and of non-YAML) inserted into fixtures at random.
const SNIPPETS: &[&str] = &[
    ":",
    ": ",
    " ",
    "  ",
    "\n",
    "\n  ",
    "\n    ",
    "#",
    " #x",
    "-",
    "- ",
    "{",
    "}",
    "[",
    "]",
    ",",
    ", ",
    "'",
    "\"",
    "''",
    "\\",
    "\\n",
    "&a ",
    "*a",
    "!t ",
    "|",
    ">",
    "? ",
    "%",
    "@",
    "~",
    "null",
    "Null",
    "true",
    "TRUE",
    "yes",
    "0x1F",
    "1e3",
    "+1",
    "-1",
    ".5",
    "01",
    "007",
    "1_000",
    "12.50",
    "12.",
    "\t",
    "\r",
    "---",
    "...",
    "a: b",
    "{ x: 1 }",
    "[a, b]",
    "\u{2028}",
    "\u{85}",
    "\u{feff}",
    "\u{1}",
    "\u{7f}",
    "note: x",
    "note:",
    "note: 'a''b'",
    "note: \"a\\\"b\"",
    "officers: []",
    "officers:",
    "\n- ",
    "\n  - ",
    " }",
    "{}",
    "[]",
    "é",
    "中",
    "：",
    "amount: 5",
    "amount: '5'",
    "amount: \"60.50\"",
];

fn mutate(text: &str, edits: &[(usize, usize, usize)]) -> String {
    let mut t = text.to_owned();
    for &(kind, at, arg) in edits {
        let mut pos = at % (t.len() + 1);
        while !t.is_char_boundary(pos) {
            pos -= 1;
        }
        match kind % 3 {
            0 => t.insert_str(pos, SNIPPETS[arg % SNIPPETS.len()]),
            1 => {
                let mut end = (pos + arg % 12).min(t.len());
                while !t.is_char_boundary(end) {
                    end -= 1;
                }
                t.replace_range(pos..end, "");
            }
            _ => {
                let mut end = (pos + 1).min(t.len());
                while !t.is_char_boundary(end) {
                    end += 1;
                }
                t.replace_range(pos..end, SNIPPETS[arg % SNIPPETS.len()]);
            }
        }
    }
    t
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

    /// Wherever the fast reader answers, libyaml gives the same timeline.
    #[test]
    fn never_disagrees_with_libyaml(
        which in 0usize..1000,
        edits in proptest::collection::vec((0usize..3, 0usize..4000, 0usize..1000), 1..4),
    ) {
        let samples = samples();
        let (name, text) = &samples[which % samples.len()];
        let text = mutate(text, &edits);
        let (fast, slow) = both(&text);
        if let Some(f) = fast {
            proptest::prop_assert_eq!(Ok(f), slow, "{}:\n{}", name, text);
        }
    }
}
