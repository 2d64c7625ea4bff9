//! The audit log is written with every change and `fazhi audit verify` (API and CLI)
//! detects rows edited or deleted behind the application's back.

use crate::helpers::*;
use fazhi::service::auth::Role;
use reqwest::StatusCode;

async fn some_history(app: &TestApp) -> Client {
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    officer(&admin, &app.squad, "王强", "豫41000001").await;
    officer(&admin, &app.squad, "李娜", "豫41000002").await;
    admin
}

fn cli_verify(app: &TestApp) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(["audit", "verify", "--database-url", &app.database_url])
        .output()
        .expect("run fazhi audit verify");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[tokio::test]
async fn every_change_is_audited_and_an_untouched_chain_verifies() {
    let app = TestApp::spawn().await;
    let admin = some_history(&app).await;
    let (s, report) = parts(admin.get("/audit/verify").await).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(report["ok"], true, "{report}");
    // org units (4) + catalogue seed + user + 2 officers + 2 certificates
    assert!(report["entries"].as_i64().unwrap() >= 10, "{report}");
    let (code, out) = cli_verify(&app);
    assert_eq!(code, 0, "{out}");
}

#[tokio::test]
async fn an_edited_row_is_reported_with_its_sequence_number() {
    let app = TestApp::spawn().await;
    let admin = some_history(&app).await;
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    sqlx::query("UPDATE audit_log SET content = $1 WHERE seq = 3")
        .bind("{\"name\":\"篡改\"}")
        .execute(&mut *conn)
        .await
        .unwrap();
    let (_, report) = parts(admin.get("/audit/verify").await).await;
    assert_eq!(report["ok"], false);
    let problems = report["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["seq"] == 3 && p["kind"] == "edited"),
        "{report}"
    );
    let (code, out) = cli_verify(&app);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("edited"), "{out}");
}

#[tokio::test]
async fn deleted_rows_in_the_middle_or_at_the_end_are_reported() {
    let app = TestApp::spawn().await;
    let admin = some_history(&app).await;
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    sqlx::query("DELETE FROM audit_log WHERE seq = 4")
        .execute(&mut *conn)
        .await
        .unwrap();
    let (_, report) = parts(admin.get("/audit/verify").await).await;
    assert!(
        report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["seq"] == 4 && p["kind"] == "missing"),
        "{report}"
    );

    let app = TestApp::spawn().await;
    let admin = some_history(&app).await;
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    let last: i64 = sqlx::query_scalar("SELECT MAX(seq) FROM audit_log")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_log WHERE seq = $1")
        .bind(last)
        .execute(&mut *conn)
        .await
        .unwrap();
    let (_, report) = parts(admin.get("/audit/verify").await).await;
    assert!(
        report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["kind"] == "head_mismatch"),
        "{report}"
    );
}
