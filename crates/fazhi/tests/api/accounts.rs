//! A bureau's first day (issue 9 §2–3): `fazhi init` on an empty database, `fazhi user …`
//! for operators, the password policy, accounts edited, disabled, reset and ended by an
//! administrator, the forced password change, the per-account and per-address login limits
//! and the audit entries of all of it.

use crate::helpers::*;
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// `--database-url URL` of the app, for the command line.
fn db_args(app: &TestApp) -> [&str; 2] {
    ["--database-url", app.database_url.as_str()]
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String, String)> {
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    sqlx::query_as("SELECT action, entity_id, content FROM audit_log ORDER BY seq")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn serve_on_an_empty_database_says_how_to_start_and_init_creates_the_bureau_once() {
    let app = TestApp::spawn_bare("2026-12-31").await;
    // `fazhi serve` on the empty database prints the command in Chinese and English.
    let mut serve = std::process::Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &app.database_url,
        ])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = serve.stdout.take().unwrap();
    let lines = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .take_while(|l| !l.starts_with("  fazhi init --bureau \"<bureau name>\""))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let printed = tokio::time::timeout(std::time::Duration::from_secs(60), lines)
        .await
        .expect("serve printed the hint")
        .unwrap();
    let _ = serve.kill();
    let _ = serve.wait();
    assert!(printed.contains("数据库中还没有任何用户账号"), "{printed}");
    assert!(printed.contains("fazhi init --bureau"), "{printed}");
    assert!(
        printed.contains("The database has no user account yet"),
        "{printed}"
    );

    // A weak password is refused, and nothing is created.
    let args = |extra: &[&'static str]| {
        let mut a = vec![
            "init",
            "--bureau",
            "南阳市卧龙区城市管理局",
            "--admin",
            "boss",
        ];
        a.extend_from_slice(extra);
        a
    };
    let key = app.data_dir.join("keys/audit-key.pem");
    let checkpoints = app.data_dir.join("checkpoints");
    let (key_arg, checkpoints_arg) = (key.display().to_string(), checkpoints.display().to_string());
    let mut weak = args(&[]);
    weak.extend(db_args(&app));
    weak.extend([
        "--audit-key",
        key_arg.as_str(),
        "--audit-checkpoints",
        checkpoints_arg.as_str(),
    ]);
    let (code, _, err) = fazhi_cli(&weak, "password1\n");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("密码至少10个字符"), "{err}");
    let (code, out, err) = fazhi_cli(&weak, "wolong-boss-key-2027\n");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("已创建“南阳市卧龙区城市管理局”和系统管理员"),
        "{out}"
    );
    // init also made the key that signs the audit checkpoints, and their directory.
    assert!(key.is_file() && checkpoints.is_dir(), "{out}");
    assert!(out.contains("--audit-key"), "{out}");

    let (status, body, admin) = token_for(&app, "boss", "wolong-boss-key-2027").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let admin = admin.unwrap();
    let (_, me) = parts(admin.get("/me").await).await;
    assert_eq!(me["role"], "admin");
    assert_eq!(me["must_change_password"], false);
    let (_, units) = parts(admin.get("/org-units").await).await;
    assert_eq!(units[0]["name"], "南阳市卧龙区城市管理局");
    assert_eq!(units[0]["kind"], "bureau");

    // A second init is refused: accounts exist.
    let (code, _, err) = fazhi_cli(&weak, "another-strong-pass-99\n");
    assert_eq!(code, 2);
    assert!(err.contains("已有用户账号，不能再次初始化"), "{err}");
    let actions = audit_actions(&app).await;
    assert!(
        actions
            .iter()
            .any(|(a, _, c)| a == "user.create" && c.contains("fazhi init"))
    );
    assert!(
        actions
            .iter()
            .all(|(_, _, c)| !c.contains("wolong-boss-key-2027")),
        "no password in the audit log"
    );
}

#[tokio::test]
async fn operators_create_reset_disable_and_enable_accounts_at_the_command_line() {
    let app = TestApp::spawn().await;
    let mut create = vec![
        "user",
        "create",
        "li.si",
        "--name",
        "李四",
        "--role",
        "执法队员",
        "--unit",
        "一中队",
    ];
    create.extend(db_args(&app));
    let (code, out, err) = fazhi_cli(&create, "lisi-first-key-4417\n");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("李四") && out.contains("一中队") && out.contains("首次登录须修改密码"));
    let mut unknown_unit = create.clone();
    unknown_unit[8] = "九中队";
    unknown_unit[2] = "zhao.liu";
    let (code, _, err) = fazhi_cli(&unknown_unit, "zhaoliu-first-key-1\n");
    assert_eq!(code, 2);
    assert!(err.contains("没有名为“九中队”的单位"), "{err}");

    // The first login works, but until the password is changed nothing else does.
    let (_, body, client) = token_for(&app, "li.si", "lisi-first-key-4417").await;
    let client = client.expect("token");
    assert!(body["expires_at"].is_string());
    let (_, me) = parts(client.get("/me").await).await;
    assert_eq!(me["must_change_password"], true);
    assert_eq!(me["display_name"], "李四");
    let (s, e) = parts(client.get("/cases").await).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(e["error"]["code"], "password_change_required");
    let (s, e) = parts(
        client
            .put(
                "/me/password",
                &json!({"current_password": "lisi-first-key-4417", "new_password": "li.si"}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["field"], "new_password");
    let r = client
        .put(
            "/me/password",
            &json!({"current_password": "lisi-first-key-4417", "new_password": "wolong-patrol-route-9"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(client.get("/cases").await.status(), StatusCode::OK);

    // Reset: the token ends at once; the new password must be changed again.
    let mut reset = vec!["user", "reset-password", "li.si"];
    reset.extend(db_args(&app));
    let (code, _, err) = fazhi_cli(&reset, "short\n");
    assert_eq!(code, 2);
    assert!(err.contains("密码至少10个字符"), "{err}");
    let (code, _, err) = fazhi_cli(&reset, "reset-by-operator-552\n");
    assert_eq!(code, 0, "{err}");
    assert_eq!(client.get("/me").await.status(), StatusCode::UNAUTHORIZED);
    let (_, _, again) = token_for(&app, "li.si", "reset-by-operator-552").await;
    let again = again.expect("token after reset");
    assert_eq!(
        parts(again.get("/me").await).await.1["must_change_password"],
        true
    );

    // Disable: sessions end, logins are refused like a wrong password; enable restores.
    let mut disable = vec!["user", "disable", "li.si"];
    disable.extend(db_args(&app));
    let (code, _, err) = fazhi_cli(&disable, "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(again.get("/me").await.status(), StatusCode::UNAUTHORIZED);
    let (s, body, _) = token_for(&app, "li.si", "reset-by-operator-552").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["message"], "用户名或密码错误");
    let mut enable = vec!["user", "enable", "li.si"];
    enable.extend(db_args(&app));
    assert_eq!(fazhi_cli(&enable, "").0, 0);
    let (s, _, _) = token_for(&app, "li.si", "reset-by-operator-552").await;
    assert_eq!(s, StatusCode::CREATED);
    let actions: Vec<String> = audit_actions(&app).await.into_iter().map(|a| a.0).collect();
    for a in [
        "user.password_change",
        "user.password_reset",
        "user.disable",
        "user.enable",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
}

#[tokio::test]
async fn passwords_must_be_long_not_the_user_name_and_not_common() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let attempt = |username: &'static str, password: &'static str| {
        json!({"username": username, "password": password, "display_name": "王五",
               "role": "officer", "org_unit_id": app.squad})
    };
    for (username, password, message) in [
        ("wang.wu", "abc123xyz", "密码至少10个字符"),
        (
            "wang.wu",
            "wang.wu.2027",
            "密码不能是用户名，也不能只是用户名加数字或符号",
        ),
        ("wang.wu", "password123", "密码过于常见或容易被猜到"),
        ("wang.wu", "qwertyuiop12", "密码过于常见或容易被猜到"),
    ] {
        let (s, e) = parts(admin.post("/users", &attempt(username, password)).await).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{password}");
        assert_eq!(e["error"]["code"], "weak_password");
        assert_eq!(e["error"]["field"], "password");
        assert!(
            e["error"]["message"].as_str().unwrap().starts_with(message),
            "{password}: {e}"
        );
    }
    let (s, u) = parts(
        admin
            .post("/users", &attempt("wang.wu", "baihe-river-bridge-31"))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{u}");
    assert_eq!(u["must_change_password"], true);
}

#[tokio::test]
async fn administrators_edit_disable_reset_and_end_the_sessions_of_accounts() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let officer = app.user("wang", Role::Officer, &app.squad).await;
    let (_, me) = parts(officer.get("/me").await).await;
    let id = me["id"].as_str().unwrap().to_string();
    let path = format!("/users/{id}");
    let (s, detail) = parts(admin.get(&path).await).await;
    assert_eq!(s, StatusCode::OK, "{detail}");
    assert_eq!(detail["user"]["org_unit_name"], "一中队");
    assert_eq!(detail["sessions"][0]["kind"], "bearer");
    let version = detail["user"]["version"].as_i64().unwrap();

    // Others than administrators cannot see or change accounts.
    assert_eq!(officer.get(&path).await.status(), StatusCode::FORBIDDEN);

    // Edit name, role and unit; a stale version is a conflict.
    let edit = |v: i64| json!({"expected_version": v, "display_name": "王强", "role": "leader", "org_unit_id": app.other_squad});
    let (s, u) = parts(admin.put(&path, &edit(version)).await).await;
    assert_eq!(s, StatusCode::OK, "{u}");
    assert_eq!(
        (u["role"].as_str(), u["org_unit_name"].as_str()),
        (Some("leader"), Some("二中队"))
    );
    let (s, e) = parts(admin.put(&path, &edit(version)).await).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    // The change applies to the running session at once.
    assert_eq!(parts(officer.get("/me").await).await.1["role"], "leader");

    // Disabling ends the token at once.
    let (s, u) = parts(admin.post(&format!("{path}/disable"), &json!({})).await).await;
    assert_eq!(s, StatusCode::OK, "{u}");
    assert_eq!(u["active"], false);
    assert_eq!(officer.get("/me").await.status(), StatusCode::UNAUTHORIZED);
    let (s, _) = parts(admin.post(&format!("{path}/enable"), &json!({})).await).await;
    assert_eq!(s, StatusCode::OK);

    // Reset: policy, then must change; every session ends.
    let (_, _, back) = token_for(&app, "wang", PASSWORD).await;
    let back = back.unwrap();
    let (s, e) = parts(
        admin
            .post(
                &format!("{path}/password-reset"),
                &json!({"new_password": "1234567890"}),
            )
            .await,
    )
    .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("weak_password"))
    );
    let (s, u) = parts(
        admin
            .post(
                &format!("{path}/password-reset"),
                &json!({"new_password": "temporary-pass-for-wang"}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{u}");
    assert_eq!(u["must_change_password"], true);
    assert_eq!(back.get("/me").await.status(), StatusCode::UNAUTHORIZED);

    // End every session and token.
    let (_, _, t1) = token_for(&app, "wang", "temporary-pass-for-wang").await;
    let (_, _, t2) = token_for(&app, "wang", "temporary-pass-for-wang").await;
    let (s, ended) = parts(admin.delete(&format!("{path}/sessions")).await).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ended["ended"], 2);
    for t in [t1.unwrap(), t2.unwrap()] {
        assert_eq!(t.get("/me").await.status(), StatusCode::UNAUTHORIZED);
    }

    // The administrator cannot disable themselves, nor demote the last administrator.
    let (_, me) = parts(admin.get("/me").await).await;
    let own = format!("/users/{}", me["id"].as_str().unwrap());
    let (s, e) = parts(admin.post(&format!("{own}/disable"), &json!({})).await).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("own_account"))
    );
    let (_, d) = parts(admin.get(&own).await).await;
    let demote = json!({"expected_version": d["user"]["version"], "display_name": "测试admin", "role": "leader", "org_unit_id": app.bureau});
    let (s, e) = parts(admin.put(&own, &demote).await).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("last_admin"))
    );
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("唯一启用的系统管理员")
    );

    let log = audit_actions(&app).await;
    let role_change = log
        .iter()
        .find(|(a, e, _)| a == "user.role_change" && *e == id)
        .expect("role change audited");
    assert!(role_change.2.contains("\"officer\"") && role_change.2.contains("\"leader\""));
    for a in [
        "user.disable",
        "user.enable",
        "user.password_reset",
        "user.sessions_end",
    ] {
        assert!(log.iter().any(|(x, e, _)| x == a && *e == id), "{a}");
    }
    assert!(
        log.iter()
            .all(|(_, _, c)| !c.contains("temporary-pass-for-wang") && !c.contains(&back.token))
    );
}

#[tokio::test]
async fn the_users_page_and_api_agree_and_show_partner_accounts() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    app.user("zhuangjian", Role::Partner, &app.partner).await;
    let (_, users) = parts(admin.get("/users").await).await;
    let partner = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "zhuangjian")
        .expect("the partner department's account is listed");
    assert_eq!(partner["org_unit_name"], "区住建局");
    let page = PageSession::login(&app, "admin").await;
    let list = page.get("/users").await;
    let id = partner["id"].as_str().unwrap();
    assert!(list.body.contains(&format!("/users/{id}")));
    let row = list
        .body
        .split("<td>zhuangjian</td>")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(
        row.contains("区住建局") && row.contains("协作部门"),
        "{row}"
    );
    let one = page.get(&format!("/users/{id}")).await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(
        one.body
            .contains("<option value=\"partner\" selected>协作部门</option>")
    );
    // And an administrator can create a partner account on the page, as through the API.
    let created = page
        .post(
            "/users",
            &[
                ("username", "xiaofang"),
                ("display_name", "消防联络员"),
                ("password", "fire-brigade-liaison-3"),
                ("role", "partner"),
                ("org_unit_id", &app.partner),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
}

#[tokio::test]
async fn account_pages_edit_reset_and_disable() {
    let app = TestApp::spawn().await;
    app.user("admin", Role::Admin, &app.bureau).await;
    let officer = app.user("wang", Role::Officer, &app.squad).await;
    let (_, me) = parts(officer.get("/me").await).await;
    let id = me["id"].as_str().unwrap().to_string();
    let admin = PageSession::login(&app, "admin").await;
    let page = admin.get(&format!("/users/{id}")).await;
    assert!(
        page.body.contains("id=\"session-count\">1<"),
        "{}",
        page.body
    );
    let edit = admin
        .post(
            &format!("/users/{id}"),
            &[
                ("expected_version", "1"),
                ("display_name", "王强"),
                ("role", "legal"),
                ("org_unit_id", &app.bureau),
                ("officer_id", ""),
            ],
        )
        .await;
    assert_eq!(edit.status, StatusCode::SEE_OTHER, "{}", edit.body);
    let after = admin.get(&edit.location).await;
    assert!(
        after.body.contains("已保存") && after.body.contains("<option value=\"legal\" selected>")
    );
    let weak = admin
        .post(
            &format!("/users/{id}/password-reset"),
            &[("new_password", "abc")],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        weak.body.contains("id=\"new_password-error\"") && weak.body.contains("密码至少10个字符")
    );
    let disabled = admin.post(&format!("/users/{id}/disable"), &[]).await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    assert!(
        admin
            .get(&disabled.location)
            .await
            .body
            .contains("已停用该账号")
    );
    assert_eq!(officer.get("/me").await.status(), StatusCode::UNAUTHORIZED);
    let list = admin.get("/users").await;
    assert!(list.body.contains("已停用"));
    // Without the form's CSRF token nothing happens.
    let forged = admin
        .post_raw(&format!("/users/{id}/enable"), &[("_csrf", "forged")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn failed_logins_slow_down_each_account_and_unknown_names_alike() {
    let app = TestApp::spawn().await;
    app.user("leader", Role::Leader, &app.bureau).await;
    let attempt = |username: &'static str, password: &'static str| {
        let url = app.url("/sessions");
        async move {
            parts(
                reqwest::Client::new()
                    .post(url)
                    .json(&json!({"username": username, "password": password}))
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    for name in ["leader", "ghost"] {
        for _ in 0..5 {
            let (s, e) = attempt(name, "wrong-password-x").await;
            assert_eq!(
                (s, e["error"]["code"].as_str()),
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some("invalid_credentials")
                )
            );
        }
    }
    // The sixth attempt is refused before the password is looked at — even the right one,
    // and an unknown name gets the very same answer.
    let (s, real) = attempt("leader", PASSWORD).await;
    let (s2, ghost) = attempt("ghost", PASSWORD).await;
    assert_eq!(
        (s, s2),
        (StatusCode::TOO_MANY_REQUESTS, StatusCode::TOO_MANY_REQUESTS)
    );
    assert_eq!(real, ghost);
    assert_eq!(real["error"]["code"], "login_throttled");
    assert_eq!(real["error"]["message"], "登录失败次数过多，请1分钟后再试");
    // After the delay the right password works, and the count starts again.
    app.clock.advance(chrono::Duration::seconds(61));
    let (s, _) = attempt("leader", PASSWORD).await;
    assert_eq!(s, StatusCode::OK);
    // The unknown name's delay grows: one more failure now blocks for 2 minutes.
    let (s, e) = attempt("ghost", "again-wrong-1").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let r = reqwest::Client::new()
        .post(app.url("/tokens"))
        .json(&json!({"username": "ghost", "password": "x-x-x-x-x-x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "120");
    // The login page says the same in Chinese.
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let page = crate::helpers::submit_login_form(
        &browser,
        &app.root(),
        &[("username", "ghost"), ("password", "whatever-1")],
    )
    .await;
    assert_eq!(page.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("登录失败次数过多，请2分钟后再试")
    );
}

#[tokio::test]
async fn failed_logins_from_one_address_are_limited_across_names() {
    let app = TestApp::spawn().await;
    app.user("leader", Role::Leader, &app.bureau).await;
    let http = reqwest::Client::new();
    for i in 0..20 {
        let (s, _) = parts(
            http.post(app.url("/sessions"))
                .json(&json!({"username": format!("name{i}"), "password": "wrong-password-x"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (s, e) = parts(
        http.post(app.url("/sessions"))
            .json(&json!({"username": "leader", "password": PASSWORD}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{e}");
    assert_eq!(e["error"]["code"], "login_throttled");
}

#[tokio::test]
async fn logins_logouts_tokens_and_password_changes_are_audited_without_secrets() {
    let app = TestApp::spawn().await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r = browser
        .post(app.url("/sessions"))
        .json(&json!({"username": "leader", "password": "not-the-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = browser
        .post(app.url("/sessions"))
        .json(&json!({"username": "leader", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let csrf = r.json::<Value>().await.unwrap()["csrf_token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = browser
        .put(app.url("/me/password"))
        .header("X-CSRF-Token", &csrf)
        .json(&json!({"current_password": PASSWORD, "new_password": "leader-new-phrase-88"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // The change ended the leader's other session (the bearer token of `app.user`).
    assert_eq!(leader.get("/me").await.status(), StatusCode::UNAUTHORIZED);
    let r = browser
        .delete(app.url("/sessions"))
        .header("X-CSRF-Token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, _, token) = token_for(&app, "leader", "leader-new-phrase-88").await;
    let token = token.unwrap();
    assert_eq!(
        token.delete("/sessions").await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(token.get("/me").await.status(), StatusCode::UNAUTHORIZED);

    let log = audit_actions(&app).await;
    let actions: Vec<&str> = log.iter().map(|(a, _, _)| a.as_str()).collect();
    for a in [
        "auth.login_failed",
        "auth.login",
        "user.password_change",
        "auth.logout",
        "auth.token_issue",
        "auth.token_revoke",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    for (_, _, content) in &log {
        for secret in [
            PASSWORD,
            "not-the-password",
            "leader-new-phrase-88",
            &token.token,
            &csrf,
        ] {
            assert!(!content.contains(secret), "{content}");
        }
    }
}
