//! Seeing what happens (issue 11 §4): the JSON request log of `fazhi serve` and the
//! Prometheus `/metrics` endpoint, restricted by the settings.

use crate::helpers::*;
use fazhi::infra::net::Networks;
use fazhi::infra::secret::Secret;
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

/// The value of the first sample of `metric` whose labels contain every one of `labels`.
fn sample(text: &str, metric: &str, labels: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| l.starts_with(&format!("{metric}{{")) || l.starts_with(&format!("{metric} ")))
        .find(|l| labels.iter().all(|want| l.contains(want)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

async fn scrape(app: &TestApp) -> String {
    let r = reqwest::get(format!("{}/metrics", app.root()))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    r.text().await.unwrap()
}

#[tokio::test]
async fn metrics_count_requests_per_route_intake_batches_and_the_pool() {
    let app = TestApp::spawn().await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let route = [
        "route=\"/api/v1/cases/{id}\"",
        "method=\"GET\"",
        "status=\"404\"",
    ];
    let before = sample(&scrape(&app).await, "fazhi_http_requests_total", &route).unwrap_or(0.0);
    for i in 0..5 {
        let r = leader.get(&format!("/cases/no-such-case-{i}")).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
    let text = scrape(&app).await;
    let after = sample(&text, "fazhi_http_requests_total", &route).unwrap();
    assert!(after - before >= 5.0, "{before} → {after}");
    // The route is the template: the ids sent never become labels.
    assert!(!text.contains("no-such-case"), "raw path in the metrics");
    assert!(
        sample(
            &text,
            "fazhi_http_request_duration_seconds_bucket",
            &["route=\"/api/v1/cases/{id}\"", "le=\"+Inf\""]
        )
        .is_some_and(|n| n >= 5.0),
        "latency histogram"
    );
    // Unknown paths share one label.
    reqwest::get(format!("{}/no/such/{}", app.root(), "x".repeat(20)))
        .await
        .unwrap();
    let text = scrape(&app).await;
    assert!(sample(&text, "fazhi_http_requests_total", &["route=\"unmatched\""]).is_some());
    assert!(!text.contains("xxxxxxxxxxxxxxxxxxxx"));

    // A complaint through Open311 goes through the intake writer.
    let (_, key) = fazhi::service::complaint::create_key(&app.state, None, "测试客户端")
        .await
        .unwrap();
    let r = reqwest::Client::new()
        .post(format!("{}/open311/v2/requests.json", app.root()))
        .form(&[
            ("api_key", key.expose()),
            ("service_code", "qi_ta"),
            ("address_string", "人民路与中州路交叉口"),
            ("description", "路灯不亮"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let text = scrape(&app).await;
    let writer = ["writer=\"complaint_intake\""];
    assert!(
        sample(&text, "fazhi_intake_batch_size_count", &writer).is_some_and(|n| n >= 1.0),
        "{text}"
    );
    assert!(sample(&text, "fazhi_intake_queue_depth", &writer).is_some());
    assert!(sample(&text, "fazhi_intake_batch_duration_seconds_count", &writer).is_some());
    // The database pool, sampled at the scrape.
    assert!(sample(&text, "fazhi_db_pool_connections", &[]).is_some_and(|n| n >= 1.0));
    assert!(sample(&text, "fazhi_db_pool_max_connections", &[]).is_some_and(|n| n >= 1.0));
    assert!(sample(&text, "fazhi_db_pool_idle_connections", &[]).is_some());
}

#[tokio::test]
async fn the_audit_checkpoint_age_is_measured_on_the_application_clock() {
    let app = TestApp::spawn().await;
    let now = fazhi::infra::clock::Clock::now(&app.clock);
    fazhi::infra::metrics::audit_checkpoint_taken(now - chrono::Duration::seconds(5400));
    let age = sample(
        &scrape(&app).await,
        "fazhi_audit_checkpoint_age_seconds",
        &[],
    )
    .unwrap();
    // Other tests in this process may have recorded a newer checkpoint (the gauge is the
    // process's), never an older one.
    assert!((0.0..=5400.0).contains(&age), "{age}");
}

#[tokio::test]
async fn metrics_are_for_allowed_networks_or_the_token_only() {
    let nobody: Networks = "10.0.0.0/8".parse().unwrap();
    let app = TestApp::spawn_with("2026-12-31", |s, _| {
        s.metrics_networks = nobody;
        s.metrics_token = Some(Secret::new("metrics-token-of-the-test-0123"));
    })
    .await;
    let url = format!("{}/metrics", app.root());
    let r = reqwest::get(&url).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, v) = parts(r).await;
    assert_eq!(v["error"]["code"], "metrics_forbidden");
    for wrong in ["wrong", "metrics-token-of-the-test-012", ""] {
        let r = reqwest::Client::new()
            .get(&url)
            .bearer_auth(wrong)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{wrong}");
    }
    let r = reqwest::Client::new()
        .get(&url)
        .bearer_auth("metrics-token-of-the-test-0123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("fazhi_http_requests_total")
    );

    // A loopback proxy does not make its clients local: behind a trusted proxy the client
    // named in X-Forwarded-For is checked.
    let loopback_only = Networks::loopback();
    let app = TestApp::spawn_with("2026-12-31", |s, _| {
        s.metrics_networks = loopback_only;
        s.trusted_proxies = "127.0.0.1".parse().unwrap();
    })
    .await;
    let url = format!("{}/metrics", app.root());
    let r = reqwest::Client::new()
        .get(&url)
        .header("x-forwarded-for", "203.0.113.50")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        reqwest::get(&url).await.unwrap().status(),
        StatusCode::OK,
        "the proxy's own address is local"
    );
}

/// Stops the child on drop, so a failing test leaves no server behind.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serve_writes_one_json_line_per_request_without_personal_data() {
    // The database (with a user) is prepared through the library; `fazhi serve` runs on it.
    let app = TestApp::spawn().await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let user_id: String = sqlx::query_scalar("SELECT id FROM users WHERE username = 'leader'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fazhi"));
    cmd.args([
        "serve",
        "--no-audit-checkpoints",
        "--listen",
        "127.0.0.1:0",
        "--data-dir",
    ])
    .arg(&app.data_dir)
    .env_remove("RUST_LOG")
    .env_remove("FAZHI_LOG_FORMAT")
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    if app.database_url.starts_with("postgres") {
        cmd.args(["--database-url", &app.database_url]);
    }
    let mut child = Child(cmd.spawn().expect("start fazhi serve"));
    let stdout = child.0.stdout.take().unwrap();
    let first = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    })
    .await
    .unwrap()
    .unwrap();
    // "fazhi 已启动：工作台 http://127.0.0.1:PORT/ · …"
    let base = first
        .find("http://")
        .and_then(|start| {
            let rest = &first[start + "http://".len()..];
            rest.find('/').map(|end| format!("http://{}", &rest[..end]))
        })
        .unwrap_or_else(|| panic!("no address in {first:?}"));

    let http = reqwest::Client::new();
    let me = http
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&leader.token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let request_id = me.headers()["x-request-id"].to_str().unwrap().to_string();
    let secret_code = "0123456789abcdef0123456789abcdef";
    let r = http
        .get(format!(
            "{base}/portal/track/{secret_code}?phone=13812345678"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = http
        .get(format!("{base}/api/v1/cases?token=abc-secret-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Give the server a moment to write, then stop it and read everything it logged.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let _ = child.0.kill();
    let _ = child.0.wait();
    let mut log = String::new();
    child
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();

    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let requests: Vec<&Value> = lines
        .iter()
        .filter(|l| l["target"] == "fazhi::request")
        .collect();
    assert_eq!(requests.len(), 3, "{log}");
    let me_line = requests
        .iter()
        .find(|l| l["request_id"] == request_id.as_str())
        .unwrap_or_else(|| panic!("no line for {request_id}: {log}"));
    assert_eq!(me_line["user_id"], user_id.as_str());
    assert_eq!(me_line["method"], "GET");
    assert_eq!(me_line["route"], "/api/v1/me");
    assert_eq!(me_line["status"], 200);
    assert!(me_line["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0));
    assert_eq!(me_line["level"], "INFO");
    assert!(me_line["timestamp"].is_string());
    let routes: Vec<&str> = requests
        .iter()
        .map(|l| l["route"].as_str().unwrap())
        .collect();
    assert!(routes.contains(&"/portal/track/{code}"), "{routes:?}");
    assert!(routes.contains(&"/api/v1/cases"), "{routes:?}");
    assert!(
        requests
            .iter()
            .filter(|l| l["route"] != "/api/v1/me")
            .all(|l| l.get("user_id").is_none()),
        "anonymous requests have no user"
    );
    // No personal data, no query string, no token, no tracking code anywhere in the log.
    for secret in [
        secret_code,
        "13812345678",
        "abc-secret-token",
        leader.token.as_str(),
        "phone=",
        "测试leader",
    ] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
}
