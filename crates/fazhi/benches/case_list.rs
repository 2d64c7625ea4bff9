//! Benchmark: render time of the back office's case list page with 100,000 cases stored
//! (issue 4 target: p99 < 100 ms). Seeds the cases in bulk on embedded SQLite (or on the
//! PostgreSQL database named by `FAZHI_BENCH_DATABASE_URL`), logs in through the login form
//! and requests `/cases` with the filters a user combines — the first page, a squad and state
//! filter, a Chinese word search, the overdue filter and a deep page — printing p50/p95/p99
//! per query over the whole HTTP round trip on loopback.
//!
//! Run: `cargo bench -p fazhi --bench case_list` (env `CASES`, default 100000; `ROUNDS`, 200).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use fazhi::infra::clock::FixedClock;
use fazhi::infra::config::Settings;
use fazhi::infra::secret::Secret;
use fazhi::service::auth::{NewUser, Role, create_user};
use fazhi::service::org_unit::{self, NewOrgUnit};
use fazhi::web::Application;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const PARTIES: &[&str] = &["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"];
const ROADS: &[&str] = &[
    "卧龙路",
    "人民路",
    "建设路",
    "新华路",
    "中州路",
    "工业路",
    "仲景路",
];
const VIOLATIONS: &[(&str, &str)] = &[
    ("zhan_dao_jing_ying", "占道经营"),
    ("luan_dui_luan_fang", "乱堆乱放"),
    ("lu_tian_shao_kao", "露天烧烤"),
];

#[tokio::main]
async fn main() {
    let cases = env_usize("CASES", 100_000);
    let rounds = env_usize("ROUNDS", 200);
    let dir = std::env::temp_dir().join(format!("fazhi-bench-list-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut settings = Settings::embedded(SocketAddr::from(([127, 0, 0, 1], 0)), &dir);
    if let Ok(url) = std::env::var("FAZHI_BENCH_DATABASE_URL") {
        settings.database_url = Secret::new(url);
    }
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
    let mut squads = Vec::new();
    for i in 1..=5 {
        squads.push(
            org_unit::create(
                &state,
                None,
                unit(&format!("{i}中队"), "squad", Some(bureau.clone())),
            )
            .await
            .unwrap()
            .id,
        );
    }
    create_user(
        &state,
        None,
        NewUser {
            username: "leader".into(),
            password: "bench-password-1".into(),
            display_name: "局长".into(),
            role: Role::Leader,
            org_unit_id: bureau.clone(),
            officer_id: None,
        },
    )
    .await
    .unwrap();

    let seeded = Instant::now();
    let stages = [
        "registered",
        "investigating",
        "notified",
        "decided",
        "served",
        "closed",
    ];
    let mut n = 0usize;
    while n < cases {
        let mut tx = state.db.begin_write().await.unwrap();
        for _ in 0..2000.min(cases - n) {
            let (code, vname) = VIOLATIONS[n % VIOLATIONS.len()];
            let party = format!("{}某{}", PARTIES[n % PARTIES.len()], n % 97);
            let road = ROADS[n % ROADS.len()];
            let day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
                + chrono::Duration::days((n % 540) as i64);
            let stage = stages[n % stages.len()];
            let open = i64::from(stage != "closed");
            let due = (open == 1).then(|| (day + chrono::Duration::days(90)).to_string());
            let case_no = format!("卧城管罚〔{}〕{}号", day.format("%Y"), n + 1);
            let search = format!("{case_no} {party} 卧龙区{road}{}号 {code} {vname}", n % 300);
            sqlx::query(
                "INSERT INTO cases (id, case_no, org_unit_id, party_kind, party_name, party_minor_under_14, procedure, act_date, violation_code, serious_harm, major, stage, open, version, created_by, created_at, updated_at, search_text, officer_ids, next_due, next_due_rule) \
                 VALUES ($1, $2, $3, 'individual', $4, 0, 'ordinary', $5, $6, 0, 0, $7, $8, 1, 'bench', $9, $9, $10, '', $11, 'decision_deadline_90d')",
            )
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(&case_no)
            .bind(&squads[n % squads.len()])
            .bind(&party)
            .bind(day.to_string())
            .bind(code)
            .bind(stage)
            .bind(open)
            .bind(format!("{day}T08:00:00Z"))
            .bind(&search)
            .bind(due)
            .execute(&mut *tx)
            .await
            .unwrap();
            n += 1;
        }
        tx.commit().await.unwrap();
    }
    // What `fazhi serve` does at start and hourly: give the planner its statistics.
    state.db.optimize().await.unwrap();
    println!(
        "seeded {cases} cases in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );

    let app = Application::bind(state.clone(), SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let base = format!("http://{}", app.local_addr().unwrap());
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.serve_until(async {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = http
        .post(format!("{base}/login"))
        .form(&[
            ("username", "leader"),
            ("password", "bench-password-1"),
            ("next", "/cases"),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "login: {}", r.status());

    let queries = [
        ("first page", "/cases".to_string()),
        (
            "squad + open",
            format!("/cases?state=open&unit={}", squads[2]),
        ),
        (
            "search 人民路",
            "/cases?q=%E4%BA%BA%E6%B0%91%E8%B7%AF".to_string(),
        ),
        (
            "search party+violation",
            "/cases?q=%E7%8E%8B%E6%9F%90+%E7%83%A7%E7%83%A4".to_string(),
        ),
        ("overdue", "/cases?overdue=1".to_string()),
        ("page 200", "/cases?page=200".to_string()),
    ];
    println!(
        "case list page, {cases} cases stored, {rounds} requests per query (target p99 < 100 ms)"
    );
    println!(
        "{:<24} {:>9} {:>9} {:>9} {:>9}",
        "query", "p50 ms", "p95 ms", "p99 ms", "rows"
    );
    let mut worst = Duration::ZERO;
    for (name, path) in &queries {
        let mut times = Vec::with_capacity(rounds);
        let mut rows = 0;
        for i in 0..rounds + 5 {
            let t = Instant::now();
            let r = http.get(format!("{base}{path}")).send().await.unwrap();
            assert!(r.status().is_success(), "{path}: {}", r.status());
            let body = r.text().await.unwrap();
            let took = t.elapsed();
            if i >= 5 {
                times.push(took);
            }
            rows = body.matches("<tr").count().saturating_sub(1);
        }
        times.sort();
        let p = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
        worst = worst.max(p(0.99));
        println!(
            "{:<24} {:>9.1} {:>9.1} {:>9.1} {:>9}",
            name,
            p(0.50).as_secs_f64() * 1e3,
            p(0.95).as_secs_f64() * 1e3,
            p(0.99).as_secs_f64() * 1e3,
            rows
        );
    }
    println!(
        "worst p99: {:.1} ms — target < 100 ms: {}",
        worst.as_secs_f64() * 1e3,
        if worst < Duration::from_millis(100) {
            "met"
        } else {
            "NOT met"
        }
    );
    let _ = std::fs::remove_dir_all(&dir);
}
