//! The audit log is written with every change; the database refuses to edit or delete its
//! entries; `fazhi audit verify` (API and CLI) detects rows edited or deleted behind the
//! application's back, and with `--checkpoints` also an attacker who drops the triggers and
//! rewrites the chain with every hash recomputed: edit and recompute, delete and renumber,
//! cut the tail (issue 11 §1).

use crate::helpers::*;
use fazhi::service::audit::{self, StoredEntry, ZERO_HASH};
use fazhi::service::audit_checkpoint::{self, CheckpointSettings, Reason};
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use serde_json::Value;
use std::path::PathBuf;

async fn some_history(app: &TestApp) -> Client {
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    officer(&admin, &app.squad, "王强", "豫41000001").await;
    officer(&admin, &app.squad, "李娜", "豫41000002").await;
    admin
}

fn fazhi(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(args)
        .output()
        .expect("run fazhi");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn cli_verify(app: &TestApp) -> (i32, String) {
    let (code, out, _) = fazhi(&["audit", "verify", "--database-url", &app.database_url]);
    (code, out)
}

/// An app that signs checkpoints every `every` entries with a key made for it.
async fn app_with_checkpoints(every: i64) -> (TestApp, PathBuf, PathBuf) {
    let mut paths = None;
    let app = TestApp::spawn_with("2026-12-31", |settings, dir| {
        let key = dir.join("keys").join("audit-key.pem");
        audit_checkpoint::create_key_file(&key).expect("key");
        let checkpoints = dir.join("checkpoints");
        settings.audit_checkpoints =
            Some(CheckpointSettings::load(&key, &checkpoints, every).expect("settings"));
        paths = Some((key, checkpoints));
    })
    .await;
    let (key, dir) = paths.expect("configured");
    (app, key, dir)
}

fn cli_checkpoint(app: &TestApp, key: &std::path::Path, dir: &std::path::Path) -> Value {
    let (code, out, err) = fazhi(&[
        "audit",
        "checkpoint",
        "--database-url",
        &app.database_url,
        "--audit-key",
        key.to_str().unwrap(),
        "--audit-checkpoints",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    serde_json::from_str(&out).unwrap()
}

fn cli_verify_checkpoints(
    app: &TestApp,
    key: &std::path::Path,
    dir: &std::path::Path,
) -> (i32, Value, String) {
    let (code, out, err) = fazhi(&[
        "audit",
        "verify",
        "--database-url",
        &app.database_url,
        "--checkpoints",
        dir.to_str().unwrap(),
        "--audit-public-key",
        audit_checkpoint::public_key_path(key).to_str().unwrap(),
    ]);
    (code, serde_json::from_str(&out).unwrap_or(Value::Null), err)
}

async fn all_entries(app: &TestApp) -> Vec<StoredEntry> {
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    audit::load_entries(&mut conn, i64::MIN, i64::MAX)
        .await
        .unwrap()
}

/// What an attacker with the owner's rights does after dropping the triggers: writes
/// `entries` as the whole chain, every link and hash recomputed, and moves the head to its
/// end. The plain chain check then finds nothing wrong.
async fn forge_chain(app: &TestApp, mut entries: Vec<StoredEntry>) {
    app.drop_audit_triggers().await;
    let mut prev = ZERO_HASH.to_string();
    for e in &mut entries {
        e.prev_hash = prev.clone();
        e.hash = e.recomputed_hash();
        prev = e.hash.clone();
    }
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    sqlx::query("DELETE FROM audit_log")
        .execute(&mut *conn)
        .await
        .unwrap();
    for e in &entries {
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, content, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(e.seq)
        .bind(&e.at)
        .bind(&e.actor)
        .bind(&e.action)
        .bind(&e.entity)
        .bind(&e.entity_id)
        .bind(&e.content)
        .bind(&e.prev_hash)
        .bind(&e.hash)
        .execute(&mut *conn)
        .await
        .unwrap();
    }
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(entries.last().map_or(0, |e| e.seq))
        .bind(&prev)
        .execute(&mut *conn)
        .await
        .unwrap();
    let plain = audit::verify(&mut conn).await.unwrap();
    assert!(
        plain.ok,
        "the forged chain passes the plain check: {:?}",
        plain.problems
    );
}

fn problems(report: &Value) -> Vec<(i64, Option<i64>, String)> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["seq"].as_i64().unwrap(),
                p["through"].as_i64(),
                p["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
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
async fn the_database_refuses_to_edit_delete_or_rewind_the_audit_trail() {
    let app = TestApp::spawn().await;
    some_history(&app).await;
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    for sql in [
        "UPDATE audit_log SET content = '{}' WHERE seq = 3",
        "DELETE FROM audit_log WHERE seq = 3",
        "DELETE FROM audit_log",
        "UPDATE audit_head SET seq = 1 WHERE id = 1",
        "DELETE FROM audit_head",
    ] {
        let refused = sqlx::query(sql).execute(&mut *conn).await;
        assert!(refused.is_err(), "{sql} was allowed");
    }
    if app.state.db.backend == fazhi::infra::db::Backend::Postgres {
        assert!(
            sqlx::query("TRUNCATE audit_log")
                .execute(&mut *conn)
                .await
                .is_err()
        );
    }
    let report = audit::verify(&mut conn).await.unwrap();
    assert!(report.ok, "{:?}", report.problems);
    // Appending still works.
    drop(conn);
    app.user("another", Role::Officer, &app.squad).await;
}

#[tokio::test]
async fn an_edited_row_is_reported_with_its_sequence_number() {
    let app = TestApp::spawn().await;
    let admin = some_history(&app).await;
    app.drop_audit_triggers().await;
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
    app.drop_audit_triggers().await;
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
    app.drop_audit_triggers().await;
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

/// The three attacks of the issue, each on a fresh database with a checkpoint taken before:
/// the plain check passes (the chain was recomputed), the checkpoints name the entry.
#[tokio::test]
async fn checkpoints_catch_a_chain_rewritten_with_every_hash_recomputed() {
    type Attack = fn(&mut Vec<StoredEntry>);
    type Finding = (i64, Option<i64>, &'static str);
    let attacks: [(&str, Attack, Finding); 3] = [
        (
            "edit entry 3 and recompute every later hash and the head",
            |entries| entries[2].content = "{\"name\":\"篡改\"}".into(),
            (3, None, "rewritten"),
        ),
        (
            "delete entry 4 and renumber the rest",
            |entries| {
                entries.remove(3);
                for (i, e) in entries.iter_mut().enumerate() {
                    e.seq = i as i64 + 1;
                }
            },
            (4, None, "deleted"),
        ),
        (
            "cut the last three entries",
            |entries| {
                let keep = entries.len() - 3;
                entries.truncate(keep);
            },
            (0, None, "truncated"),
        ),
    ];
    for (name, attack, (seq, through, kind)) in attacks {
        let (app, key, dir) = app_with_checkpoints(1000).await;
        let admin = some_history(&app).await;
        let taken = cli_checkpoint(&app, &key, &dir);
        let covered = taken["covered_through"].as_i64().unwrap();
        assert!(covered >= 10, "{taken}");
        let (code, report, err) = cli_verify_checkpoints(&app, &key, &dir);
        assert_eq!(code, 0, "{name}: untouched chain: {report} {err}");

        let mut entries = all_entries(&app).await;
        attack(&mut entries);
        forge_chain(&app, entries).await;

        let (code, report, err) = cli_verify_checkpoints(&app, &key, &dir);
        assert_eq!(code, 1, "{name}: {report} {err}");
        let found = problems(&report);
        let expected = if kind == "truncated" {
            (covered - 2, Some(covered), kind.to_string())
        } else {
            (seq, through, kind.to_string())
        };
        assert!(found.contains(&expected), "{name}: {found:?}");
        assert!(err.contains("审计日志被篡改"), "{err}");
        // The running server checks its own checkpoints through the API too.
        let (_, api) = parts(admin.get("/audit/verify").await).await;
        assert_eq!(api["ok"], false, "{name}: {api}");
        assert!(problems(&api).contains(&expected), "{name}: {api}");
        // And refuses to sign anything on top of the changed chain.
        let settings = app.state.settings.audit_checkpoints.clone().unwrap();
        let refused = audit_checkpoint::take(
            &app.state.db,
            &settings,
            app.state.clock.now(),
            Reason::Manual,
        )
        .await;
        assert!(refused.is_err(), "{name}: signed a changed chain");
    }
}

#[tokio::test]
async fn checkpoints_are_taken_every_n_entries_and_entries_after_the_last_are_reported_uncovered() {
    let (app, key, dir) = app_with_checkpoints(5).await;
    fazhi::spawn_maintenance(&app.state);
    some_history(&app).await;
    let head = {
        let mut conn = app.state.db.pool.acquire().await.unwrap();
        audit::head(&mut conn).await.unwrap().0
    };
    let boundary = head - head % 5;
    assert!(boundary >= 10, "{head}");
    let mut report = Value::Null;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let (_, r, _) = cli_verify_checkpoints(&app, &key, &dir);
        report = r;
        if report["checkpoints"]["covered_through"] == boundary {
            break;
        }
    }
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(
        report["checkpoints"]["covered_through"], boundary,
        "{report}"
    );
    assert_eq!(
        report["checkpoints"]["not_covered"],
        head - boundary,
        "{report}"
    );
    // Stretches of at most 5 entries, ending at multiples of 5.
    assert_eq!(
        report["checkpoints"]["checkpoints"].as_i64().unwrap(),
        boundary / 5
    );
    // One JSON line each, in a file per month.
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".jsonl"))
        .collect();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(files[0].path()).unwrap();
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(
        (first["from_seq"].as_i64(), first["seq"].as_i64()),
        (Some(1), Some(5))
    );
    assert_eq!(first["reason"], "entries");

    // A forged line (another key) is reported, not trusted.
    let forger = dir.parent().unwrap().join("forger.pem");
    audit_checkpoint::create_key_file(&forger).unwrap();
    let other =
        CheckpointSettings::load(&forger, &dir.parent().unwrap().join("other"), 1000).unwrap();
    audit_checkpoint::take(&app.state.db, &other, app.state.clock.now(), Reason::Manual)
        .await
        .unwrap();
    let forged = std::fs::read_dir(dir.parent().unwrap().join("other"))
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().ends_with(".jsonl"))
        .unwrap();
    let line = std::fs::read_to_string(forged.path()).unwrap();
    std::fs::write(dir.join("audit-checkpoints-2099-01.jsonl"), line).unwrap();
    let (code, report, _) = cli_verify_checkpoints(&app, &key, &dir);
    assert_eq!(code, 1);
    assert!(
        problems(&report)
            .iter()
            .any(|(_, _, k)| k == "checkpoint_invalid"),
        "{report}"
    );
}

#[tokio::test]
async fn the_admin_page_shows_the_checkpoints_and_signs_and_verifies_on_demand() {
    let (app, _key, _dir) = app_with_checkpoints(1000).await;
    app.user("admin", Role::Admin, &app.bureau).await;
    let page = PageSession::login(&app, "admin").await;
    let a = page.get("/audit").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(a.body.contains("尚未签署"), "{}", a.body);
    let a = page.post("/audit/checkpoint", &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let a = page.get(&a.location).await;
    assert!(a.body.contains("已签署1个检查点"), "{}", a.body);
    let a = page.post("/audit/verify", &[]).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains("与检查点核验通过"), "{}", a.body);
    // Without the CSRF token nothing happens.
    let a = page.post_raw("/audit/checkpoint", &[]).await;
    assert_ne!(a.status, StatusCode::SEE_OTHER);
    // Only the administrator.
    app.user("dispatcher", Role::Dispatcher, &app.bureau).await;
    let other = PageSession::login(&app, "dispatcher").await;
    assert_eq!(other.get("/audit").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn keys_are_never_overwritten_and_serve_will_not_run_unanchored_by_accident() {
    let dir = std::env::temp_dir().join(format!("fazhi-key-{}", uuid::Uuid::now_v7().simple()));
    let key = dir.join("audit-key.pem");
    let key_arg = key.to_str().unwrap();
    let (code, out, err) = fazhi(&["audit", "keygen", "--audit-key", key_arg]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim().len(), 64, "{out}");
    let before = std::fs::read(&key).unwrap();
    let (code, _, err) = fazhi(&["audit", "keygen", "--audit-key", key_arg]);
    assert_eq!(code, 2);
    assert!(err.contains("不会覆盖"), "{err}");
    assert_eq!(std::fs::read(&key).unwrap(), before);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the key is readable by others: {mode:o}");
    }

    let data = dir.join("data");
    let data_arg = data.to_str().unwrap();
    let (code, _, err) = fazhi(&["serve", "--data-dir", data_arg, "--listen", "127.0.0.1:0"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--audit-key") && err.contains("--no-audit-checkpoints"),
        "{err}"
    );
    let (code, _, err) = fazhi(&[
        "serve",
        "--data-dir",
        data_arg,
        "--listen",
        "127.0.0.1:0",
        "--audit-key",
        dir.join("missing.pem").to_str().unwrap(),
        "--audit-checkpoints",
        dir.join("cp").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("audit keygen"), "{err}");
    let (code, _, err) = fazhi(&[
        "audit",
        "verify",
        "--data-dir",
        data_arg,
        "--checkpoints",
        dir.join("cp").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--audit-public-key"), "{err}");
}

/// PostgreSQL only: under the role set up by `scripts/postgres-roles.sql` the application
/// starts, writes and appends to the trail, but the database refuses it any change of the
/// trail even with the triggers gone.
#[tokio::test]
async fn on_postgresql_the_application_role_may_only_add_to_the_trail() {
    let app = TestApp::spawn().await;
    if app.state.db.backend != fazhi::infra::db::Backend::Postgres {
        return;
    }
    some_history(&app).await;
    let role = format!("fazhi_app_{}", uuid::Uuid::now_v7().simple());
    let mut owner = app.state.db.pool.acquire().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE ROLE {role} LOGIN")))
        .execute(&mut *owner)
        .await
        .unwrap();
    let script = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/postgres-roles.sql"
    ))
    .unwrap()
    .replace("fazhi_app", &role);
    sqlx::raw_sql(sqlx::AssertSqlSafe(script))
        .execute(&mut *owner)
        .await
        .unwrap();
    app.drop_audit_triggers().await;

    let (scheme_host, db) = app.database_url.rsplit_once('/').unwrap();
    let host = scheme_host
        .rsplit_once('@')
        .map_or(scheme_host.trim_start_matches("postgres://"), |(_, h)| h);
    let app_url = format!("postgres://{role}@{host}/{db}");
    let mut settings = fazhi::infra::config::Settings::embedded(
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        &app.data_dir,
    );
    settings.database_url = fazhi::infra::secret::Secret::new(app_url);
    let as_app = fazhi::build_state(settings, std::sync::Arc::new(app.clock.clone()))
        .await
        .expect("the application starts under its role");
    fazhi::service::auth::create_user(
        &as_app,
        None,
        fazhi::service::auth::NewUser {
            username: "under-role".into(),
            password: PASSWORD.into(),
            display_name: "角色测试".into(),
            role: Role::Officer,
            org_unit_id: app.squad.clone(),
            officer_id: None,
        },
    )
    .await
    .expect("writes and audit entries work");
    let mut conn = as_app.db.pool.acquire().await.unwrap();
    for sql in [
        "UPDATE audit_log SET content = '{}' WHERE seq = 3",
        "DELETE FROM audit_log WHERE seq = 3",
        "TRUNCATE audit_log",
        "DELETE FROM audit_head",
        "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    ] {
        let e = sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await
            .expect_err(sql);
        let text = e.to_string();
        assert!(
            text.contains("permission denied") || text.contains("must be owner"),
            "{sql}: {text}"
        );
    }
    let report = audit::verify(&mut conn).await.unwrap();
    assert!(report.ok, "{:?}", report.problems);
    drop(conn);
    as_app.db.pool.close().await;
    for sql in [format!("DROP OWNED BY {role}"), format!("DROP ROLE {role}")] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *owner)
            .await
            .unwrap();
    }
}
