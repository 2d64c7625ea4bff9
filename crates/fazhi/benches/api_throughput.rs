//! Benchmark: throughput of penalty-case transitions through the real HTTP API on
//! embedded SQLite. Each transition re-checks the whole case with the rule engine,
//! writes the event, bumps the version and appends to the audit chain in one
//! `BEGIN IMMEDIATE` transaction. Prints transitions/s and latency percentiles.
//!
//! Run: `cargo bench -p fazhi --bench api_throughput` (env `CASES`, `CONCURRENCY`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use fazhi::infra::clock::FixedClock;
use fazhi::infra::config::Settings;
use fazhi::service::auth::{NewUser, Role, create_user};
use fazhi::service::officer::{self, NewCertificate, NewOfficer};
use fazhi::service::org_unit::{self, NewOrgUnit};
use fazhi::web::Application;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let cases = env_usize("CASES", 300);
    let concurrency = env_usize("CONCURRENCY", 8);
    let dir = std::env::temp_dir().join(format!("fazhi-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut settings = Settings::embedded(SocketAddr::from(([127, 0, 0, 1], 0)), &dir);
    settings.login_rate_per_minute = 10_000;
    let clock = FixedClock::on(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
    let state = fazhi::build_state(settings, Arc::new(clock)).await.unwrap();
    let unit = |name: &str, kind: &str, parent: Option<String>| NewOrgUnit {
        name: name.into(),
        kind: kind.into(),
        parent_id: parent,
    };
    let bureau = org_unit::create(&state, None, unit("局", "bureau", None))
        .await
        .unwrap()
        .id;
    let squad = org_unit::create(&state, None, unit("中队", "squad", Some(bureau.clone())))
        .await
        .unwrap()
        .id;
    let mut officers = Vec::new();
    for (i, name) in ["王强", "李娜"].iter().enumerate() {
        let o = officer::create(
            &state,
            None,
            NewOfficer {
                name: (*name).into(),
                org_unit_id: squad.clone(),
                employment: "staff".into(),
            },
        )
        .await
        .unwrap();
        officer::add_certificate(
            &state,
            None,
            &o.id,
            NewCertificate {
                cert_no: format!("豫4100000{i}"),
                issuer: "河南省人民政府".into(),
                scope: "城市管理".into(),
                valid_from: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
                valid_until: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            },
        )
        .await
        .unwrap();
        officers.push(o.id);
    }
    create_user(
        &state,
        None,
        NewUser {
            username: "leader".into(),
            password: "bench-password".into(),
            display_name: "局长".into(),
            role: Role::Leader,
            org_unit_id: bureau,
            officer_id: None,
        },
    )
    .await
    .unwrap();
    let app = Application::bind(state, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let base = format!("http://{}/api/v1", app.local_addr().unwrap());
    tokio::spawn(app.serve());
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{base}/tokens"))
        .json(&json!({"username": "leader", "password": "bench-password"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_string();

    let (a, b) = (officers[0].clone(), officers[1].clone());
    let steps = Arc::new(vec![
        json!({"on": "2026-03-02", "type": "register", "officers": [a, b]}),
        json!({"on": "2026-03-03", "type": "evidence", "officers": [a, b]}),
        json!({"on": "2026-03-10", "type": "advance_notice", "officers": [a, b], "proposed": {"fine": 500}, "rights": ["statement", "defence"]}),
        json!({"on": "2026-03-16", "type": "decision", "officers": [a, b], "outcome": "penalty", "penalty": {"fine": 500}}),
        json!({"on": "2026-03-17", "type": "service", "method": "direct"}),
        json!({"on": "2026-03-25", "type": "payment", "amount": 500}),
        json!({"on": "2026-03-26", "type": "close"}),
    ]);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (http, base, token, steps, next, squad) = (
            http.clone(),
            base.clone(),
            token.clone(),
            steps.clone(),
            next.clone(),
            squad.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < cases {
                let created: Value = http.post(format!("{base}/cases")).bearer_auth(&token)
                    .json(&json!({"org_unit_id": squad, "party": {"kind": "individual", "name": "张某"}, "procedure": "ordinary", "act_date": "2026-03-01", "violation": "zhan_dao_jing_ying"}))
                    .send().await.unwrap().json().await.unwrap();
                let id = created["case"]["id"].as_str().unwrap().to_string();
                let mut version = created["case"]["version"].as_i64().unwrap();
                for step in steps.iter() {
                    let t = Instant::now();
                    let r = http.post(format!("{base}/cases/{id}/events")).bearer_auth(&token).json(&json!({"expected_version": version, "event": step})).send().await.unwrap();
                    assert_eq!(r.status(), 201, "transition refused: {}", r.text().await.unwrap_or_default());
                    let v: Value = r.json().await.unwrap();
                    latencies.push(t.elapsed());
                    version = v["case"]["version"].as_i64().unwrap();
                }
            }
            latencies
        }));
    }
    let mut latencies: Vec<Duration> = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p) as usize];
    println!(
        "case transitions: {} over {} cases, concurrency {concurrency}, SQLite (WAL, synchronous=NORMAL)",
        latencies.len(),
        cases
    );
    println!(
        "case transitions/s (incl. case creation time): {:.0}",
        latencies.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "transition latency p50 {:.1} ms, p99 {:.1} ms",
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3
    );
    let _ = std::fs::remove_dir_all(&dir);
}
