//! The case-timeline fixtures of `tests/timelines/` run three ways with the same verdicts:
//! `fazhi case check FILE` (CLI) against each fixture's expected answer, and a replay of the
//! same events through the live API, which must refuse exactly the events the check flags
//! (with the same rule ids) and accept all others, ending with the same deadlines — including
//! whether each is provisional (counted across a year whose holiday notice is not loaded).
//! A fixture whose expected answer has `"today"` is checked (and replayed) on that date
//! instead of [`TODAY`] (events in 2027).

use crate::helpers::*;
use fazhi::service::auth::Role;
use fazhi_calendar::Calendar;
use fazhi_domain::catalogue::Catalogue;
use fazhi_domain::config::RulesConfig;
use fazhi_domain::timeline::EventKind;
use fazhi_domain::{CheckContext, Timeline, check_timeline};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;

const TODAY: &str = "2026-12-31";

fn fixtures() -> Vec<(PathBuf, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/timelines");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/timelines") {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) == Some("yaml") {
            let expected = path.with_file_name(format!(
                "{}.expected.json",
                path.file_stem().unwrap().to_str().unwrap()
            ));
            let expected: Value =
                serde_json::from_str(&std::fs::read_to_string(&expected).expect("expected file"))
                    .expect("expected json");
            out.push((path, expected));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 40, "at least 40 timeline fixtures");
    out
}

fn violation_set(v: &Value) -> Vec<String> {
    let mut s: Vec<String> = v
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| format!("{}@{}", x["rule"].as_str().unwrap_or(""), x["event"]))
                .collect()
        })
        .unwrap_or_default();
    s.sort();
    s
}

fn deadline_set(v: &Value) -> Vec<String> {
    let mut s: Vec<String> = v
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    format!(
                        "{} {} {} {}",
                        x["rule"].as_str().unwrap_or(""),
                        x["due"].as_str().unwrap_or(""),
                        x["met"],
                        if x["provisional"] == true {
                            "provisional"
                        } else {
                            ""
                        }
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    s.sort();
    s
}

#[test]
fn cli_case_check_gives_each_fixture_its_expected_answer() {
    let mut failures = Vec::new();
    for (path, expected) in fixtures() {
        let today = expected["today"].as_str().unwrap_or(TODAY);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_fazhi"))
            .args(["case", "check", path.to_str().unwrap(), "--today", today])
            .output()
            .expect("run fazhi case check");
        let answer: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        let code = out.status.code().unwrap_or(-1);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(err) = expected.get("error") {
            if code != 2 || answer["error"]["code"] != *err {
                failures.push(format!(
                    "{name}: expected error {err}, got exit {code} {answer}"
                ));
            }
            continue;
        }
        let want_code = if expected["violations"]
            .as_array()
            .is_some_and(|v| !v.is_empty())
        {
            1
        } else {
            0
        };
        if code != want_code {
            failures.push(format!("{name}: exit {code}, expected {want_code}"));
        }
        if violation_set(&answer["violations"]) != violation_set(&expected["violations"]) {
            failures.push(format!(
                "{name}: violations {:?} != expected {:?}",
                violation_set(&answer["violations"]),
                violation_set(&expected["violations"])
            ));
        }
        if deadline_set(&answer["deadlines"]) != deadline_set(&expected["deadlines"]) {
            failures.push(format!(
                "{name}: deadlines {:?} != expected {:?}",
                deadline_set(&answer["deadlines"]),
                deadline_set(&expected["deadlines"])
            ));
        }
    }
    // One fixture at least has events in a year whose notice is not loaded (2027).
    assert!(fixtures().iter().any(|(_, e)| {
        e["deadlines"]
            .as_array()
            .is_some_and(|d| d.iter().any(|x| x["provisional"] == true))
    }));
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn the_live_api_refuses_exactly_what_the_check_flags() {
    let app = TestApp::spawn_on(TODAY).await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let legal = app.user("legal", Role::Legal, &app.bureau).await;
    let calendar = Calendar::china();
    let rules = RulesConfig::default();
    let catalogue = Catalogue::sample();
    let mut failures = Vec::new();
    let mut replayed = 0;
    let (mut refusals, mut flagged_fixtures) = (0, 0);
    let mut with_record = 0;
    for (n, (path, expected)) in fixtures().into_iter().enumerate() {
        if expected.get("error").is_some() {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let today = expected["today"].as_str().unwrap_or(TODAY);
        app.clock.set_date(date(today));
        let ctx = CheckContext {
            calendar: &calendar,
            rules: &rules,
            catalogue: Some(&catalogue),
            today: date(today),
        };
        let timeline =
            Timeline::parse(&std::fs::read_to_string(&path).unwrap()).expect("fixture parses");
        let report = check_timeline(&timeline, &ctx).expect("fixture checks");
        if report.violations.iter().any(|v| v.event.is_some()) {
            flagged_fixtures += 1;
        }
        // Officers and certificates as in the fixture (numbers made unique per fixture).
        let mut ids: HashMap<String, String> = HashMap::new();
        for o in &timeline.officers {
            let (s, created) = parts(
                admin
                    .post(
                        "/officers",
                        &json!({"name": format!("人员{}", o.id), "org_unit_id": app.squad}),
                    )
                    .await,
            )
            .await;
            assert_eq!(s, StatusCode::CREATED);
            let id = created["id"].as_str().unwrap().to_string();
            if let Some(c) = &o.certificate {
                let (s, cert) = parts(admin.post(&format!("/officers/{id}/certificates"), &json!({
                    "cert_no": format!("{}-{n}", c.no), "issuer": "河南省人民政府", "scope": "城市管理",
                    "valid_from": c.valid_from, "valid_until": c.valid_until
                })).await).await;
                assert_eq!(s, StatusCode::CREATED, "{name}: {cert}");
                if c.suspended_from.is_some() {
                    let (s, b) = parts(
                        admin
                            .put(
                                &format!(
                                    "/certificates/{}/suspension",
                                    cert["id"].as_str().unwrap()
                                ),
                                &json!({"from": c.suspended_from, "until": c.suspended_until}),
                            )
                            .await,
                    )
                    .await;
                    assert_eq!(s, StatusCode::OK, "{name}: {b}");
                }
            }
            ids.insert(o.id.clone(), id);
        }
        let (s, case) = parts(leader.post("/cases", &json!({
            "org_unit_id": app.squad, "party": timeline.party, "procedure": timeline.procedure, "act_date": timeline.act_date,
            "violation": timeline.violation, "serious_harm": timeline.serious_harm, "major": timeline.major
        })).await).await;
        assert_eq!(s, StatusCode::CREATED, "{name}: {case}");
        let case_id = case["case"]["id"].as_str().unwrap().to_string();
        let mut version = case["case"]["version"].as_i64().unwrap();
        // The case record as the fixture keeps it, written before the events (issue 13).
        if let Some(record) = &timeline.record {
            let (s, answer) = parts(
                leader
                    .put(
                        &format!("/cases/{case_id}/record"),
                        &json!({"expected_version": version, "record": record}),
                    )
                    .await,
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{name}: {answer}");
            version += 1;
            with_record += 1;
        }
        let mut refused_somewhere = false;
        for (i, event) in timeline.events.iter().enumerate() {
            let mut body = serde_json::to_value(event).unwrap();
            if let Some(list) = body.get_mut("officers").and_then(Value::as_array_mut) {
                for o in list.iter_mut() {
                    *o = json!(ids[o.as_str().unwrap()]);
                }
            }
            if let EventKind::Hearing { chair: Some(c) } = &event.kind {
                body["chair"] = json!(ids[c]);
            }
            let client = if matches!(event.kind, EventKind::LegalReview { .. }) {
                &legal
            } else {
                &leader
            };
            let (s, answer) = parts(
                client
                    .post(
                        &format!("/cases/{case_id}/events"),
                        &json!({"expected_version": version, "event": body}),
                    )
                    .await,
            )
            .await;
            let mut flagged: Vec<&str> = report.violations_at(i).map(|v| v.rule.as_str()).collect();
            flagged.sort();
            if flagged.is_empty() {
                if s != StatusCode::CREATED {
                    failures.push(format!(
                        "{name} event {i}: the check accepts it but the API answered {s} {answer}"
                    ));
                    refused_somewhere = true;
                    break;
                }
                version = answer["case"]["version"].as_i64().unwrap();
            } else {
                let mut refused: Vec<&str> = answer["error"]["violations"]
                    .as_array()
                    .map(|a| a.iter().filter_map(|v| v["rule"].as_str()).collect())
                    .unwrap_or_default();
                refused.sort();
                if s == StatusCode::UNPROCESSABLE_ENTITY {
                    refusals += 1;
                }
                if s != StatusCode::UNPROCESSABLE_ENTITY || refused != flagged {
                    failures.push(format!("{name} event {i}: the check flags {flagged:?} but the API answered {s} {refused:?}"));
                }
                // Later events would build on a different history: stop this replay here.
                refused_somewhere = true;
                break;
            }
        }
        if !refused_somewhere {
            let (_, view) = parts(leader.get(&format!("/cases/{case_id}")).await).await;
            let want = serde_json::to_value(&report).unwrap();
            if deadline_set(&view["check"]["deadlines"]) != deadline_set(&want["deadlines"]) {
                failures.push(format!(
                    "{name}: live deadlines {:?} != check {:?}",
                    deadline_set(&view["check"]["deadlines"]),
                    deadline_set(&want["deadlines"])
                ));
            }
            if violation_set(&view["check"]["violations"]) != violation_set(&want["violations"]) {
                failures.push(format!("{name}: live violations differ from the check"));
            }
        }
        replayed += 1;
    }
    assert!(replayed >= 40);
    assert!(with_record >= 3, "fixtures keep case records");
    assert!(flagged_fixtures >= 20, "the fixtures exercise refusals");
    assert_eq!(
        refusals, flagged_fixtures,
        "every flagged fixture was refused somewhere"
    );
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn case_checks_endpoint_takes_json_and_yaml() {
    let app = TestApp::spawn().await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
    let (path, expected) = fixtures()
        .into_iter()
        .find(|(p, _)| {
            p.file_name()
                .is_some_and(|f| f.to_string_lossy().starts_with("19-"))
        })
        .unwrap();
    let yaml = std::fs::read_to_string(&path).unwrap();
    let r = officer_user
        .http
        .post(format!("{}/case-checks?today={TODAY}", officer_user.base))
        .bearer_auth(&officer_user.token)
        .header("content-type", "application/yaml")
        .body(yaml.clone())
        .send()
        .await
        .unwrap();
    let (s, answer) = parts(r).await;
    assert_eq!(s, StatusCode::OK, "{answer}");
    assert_eq!(
        violation_set(&answer["violations"]),
        violation_set(&expected["violations"])
    );
    assert_eq!(
        answer["violations"][0]["basis"]
            .as_str()
            .map(|b| b.contains("第六十四条")),
        Some(true)
    );
    let json_body = Timeline::parse(&yaml).unwrap().to_json();
    let r = officer_user
        .http
        .post(format!("{}/case-checks?today={TODAY}", officer_user.base))
        .bearer_auth(&officer_user.token)
        .header("content-type", "application/json")
        .body(json_body)
        .send()
        .await
        .unwrap();
    let (s, answer2) = parts(r).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(answer, answer2);
    let r = officer_user
        .http
        .post(format!("{}/case-checks", officer_user.base))
        .bearer_auth(&officer_user.token)
        .header("content-type", "application/yaml")
        .body("party: {kind: robot}")
        .send()
        .await
        .unwrap();
    let (s, b) = parts(r).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_timeline"))
    );
}

#[tokio::test]
async fn case_checks_read_a_bom_and_refuse_bad_text_quickly_in_chinese() {
    let app = TestApp::spawn().await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
    let post = |body: Vec<u8>, content_type: &'static str| {
        officer_user
            .http
            .post(format!("{}/case-checks?today={TODAY}", officer_user.base))
            .bearer_auth(&officer_user.token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    // A UTF-8 byte-order mark before YAML and before JSON.
    let (path, _) = fixtures()
        .into_iter()
        .find(|(p, _)| {
            p.file_name()
                .is_some_and(|f| f.to_string_lossy().starts_with("01-"))
        })
        .unwrap();
    let yaml = std::fs::read_to_string(&path).unwrap();
    let mut with_bom = "\u{feff}".as_bytes().to_vec();
    with_bom.extend_from_slice(yaml.as_bytes());
    let (s, answer) = parts(post(with_bom, "application/yaml").await.unwrap()).await;
    assert_eq!(s, StatusCode::OK, "{answer}");
    let json = Timeline::parse(&yaml).unwrap().to_json();
    let mut with_bom = "\u{feff}".as_bytes().to_vec();
    with_bom.extend_from_slice(json.as_bytes());
    let (s, answer) = parts(post(with_bom, "application/json").await.unwrap()).await;
    assert_eq!(s, StatusCode::OK, "{answer}");
    // Not UTF-8: the JSON error, in Chinese.
    let (s, b) = parts(
        post(vec![b'p', 0xff, 0xfe, b':'], "application/yaml")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_timeline"))
    );
    assert!(
        b["error"]["message"].as_str().unwrap().contains("UTF-8"),
        "{b}"
    );
    // 200 KB of nested flow collections: refused at once, with a clear message.
    let deep = format!("party: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let started = std::time::Instant::now();
    let (s, b) = parts(post(deep.into_bytes(), "application/yaml").await.unwrap()).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        b["error"]["message"].as_str().unwrap().contains("嵌套层数"),
        "{b}"
    );
    // An amount in exponent form.
    let (s, b) = parts(
        post(
            yaml.replace("amount: 1000", "amount: 1e3").into_bytes(),
            "application/yaml",
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(
        b["error"]["message"].as_str().unwrap().contains("指数形式"),
        "{b}"
    );
}
