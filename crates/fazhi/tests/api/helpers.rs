//! Test harness: the real application on port 0 with a fresh database per test —
//! SQLite in a temporary directory by default, or a fresh PostgreSQL database when
//! `FAZHI_TEST_POSTGRES` names a server (e.g. `postgres://postgres@127.0.0.1:5432/postgres`).

use chrono::NaiveDate;
use fazhi::infra::clock::FixedClock;
use fazhi::infra::config::Settings;
use fazhi::infra::secret::Secret;
use fazhi::service::AppState;
use fazhi::service::auth::{NewUser, Role};
use fazhi::service::org_unit::{self, NewOrgUnit};
use fazhi::web::Application;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub const PASSWORD: &str = "correct-horse-42";

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub clock: FixedClock,
    pub database_url: String,
    pub data_dir: PathBuf,
    pub bureau: String,
    pub squad: String,
    pub other_squad: String,
    pub partner: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

pub async fn fresh_database_url(data_dir: &std::path::Path) -> String {
    match std::env::var("FAZHI_TEST_POSTGRES") {
        Ok(server) if !server.is_empty() => {
            use sqlx::Connection;
            let name = format!("fazhi_test_{}", uuid::Uuid::now_v7().simple());
            let mut conn = sqlx::PgConnection::connect(&server)
                .await
                .expect("connect to test PostgreSQL");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let base = server.rsplit_once('/').map(|(b, _)| b).unwrap_or(&server);
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}?mode=rwc", data_dir.join("fazhi.db").display()),
    }
}

impl TestApp {
    /// A running app on a fresh database with no org unit and no account: what a bureau
    /// gets at its first `fazhi serve`.
    pub async fn spawn_bare(today: &str) -> TestApp {
        Self::spawn_bare_with(today, |_, _| {}).await
    }

    /// [`TestApp::spawn_bare`] with settings changed by `configure` (e.g. to seed the demo
    /// with LibreOffice set).
    pub async fn spawn_bare_with(
        today: &str,
        configure: impl FnOnce(&mut Settings, &std::path::Path),
    ) -> TestApp {
        let (state, clock, database_url, data_dir) = Self::fresh_state(today, configure).await;
        Self::serve(
            state,
            clock,
            database_url,
            data_dir,
            [String::new(), String::new(), String::new(), String::new()],
        )
        .await
    }

    async fn fresh_state(
        today: &str,
        configure: impl FnOnce(&mut Settings, &std::path::Path),
    ) -> (AppState, FixedClock, String, PathBuf) {
        let data_dir =
            std::env::temp_dir().join(format!("fazhi-test-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&data_dir).expect("temp dir");
        let database_url = fresh_database_url(&data_dir).await;
        let mut settings = Settings::embedded(SocketAddr::from(([127, 0, 0, 1], 0)), &data_dir);
        settings.database_url = Secret::new(database_url.clone());
        settings.login_rate_per_minute = 600;
        configure(&mut settings, &data_dir);
        let clock = FixedClock::on(date(today));
        let state = fazhi::build_state(settings, Arc::new(clock.clone()))
            .await
            .expect("state");
        (state, clock, database_url, data_dir)
    }

    async fn serve(
        state: AppState,
        clock: FixedClock,
        database_url: String,
        data_dir: PathBuf,
        [bureau, squad, other_squad, partner]: [String; 4],
    ) -> TestApp {
        let app = Application::bind(state.clone(), SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("bind");
        let addr = app.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.serve_until(async {
            let _ = rx.await;
        }));
        TestApp {
            addr,
            state,
            clock,
            database_url,
            data_dir,
            bureau,
            squad,
            other_squad,
            partner,
            _stop: tx,
        }
    }

    /// A running app whose clock stands at `today`, with a bureau, two squads and a partner.
    pub async fn spawn_on(today: &str) -> TestApp {
        Self::spawn_with(today, |_, _| {}).await
    }

    /// [`TestApp::spawn_on`] with settings changed by `configure` (given the data directory).
    pub async fn spawn_with(
        today: &str,
        configure: impl FnOnce(&mut Settings, &std::path::Path),
    ) -> TestApp {
        let (state, clock, database_url, data_dir) = Self::fresh_state(today, configure).await;
        let unit = |name: &str, kind: &str, parent: Option<&str>| NewOrgUnit {
            name: name.into(),
            kind: kind.into(),
            parent_id: parent.map(str::to_string),
        };
        let bureau = org_unit::create(&state, None, unit("测试区城市管理局", "bureau", None))
            .await
            .expect("bureau")
            .id;
        let squad = org_unit::create(&state, None, unit("一中队", "squad", Some(&bureau)))
            .await
            .expect("squad")
            .id;
        let other_squad = org_unit::create(&state, None, unit("二中队", "squad", Some(&bureau)))
            .await
            .expect("squad")
            .id;
        let partner = org_unit::create(&state, None, unit("区住建局", "partner", None))
            .await
            .expect("partner")
            .id;
        Self::serve(
            state,
            clock,
            database_url,
            data_dir,
            [bureau, squad, other_squad, partner],
        )
        .await
    }

    pub async fn spawn() -> TestApp {
        Self::spawn_on("2026-12-31").await
    }

    /// A second server over this app's database whose login limit is `per_minute` (the
    /// public token endpoints and Open311 derive their limits from it); its address.
    pub async fn serve_with_login_rate(&self, per_minute: u32) -> std::net::SocketAddr {
        let mut settings = (*self.state.settings).clone();
        settings.login_rate_per_minute = per_minute;
        let state = fazhi::service::AppState {
            settings: std::sync::Arc::new(settings),
            ..self.state.clone()
        };
        let app = fazhi::web::Application::bind(state, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let addr = app.local_addr().unwrap();
        tokio::spawn(app.serve());
        addr
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}/api/v1{path}", self.addr)
    }

    /// The site root (pages, portal), without a trailing slash.
    pub fn root(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Creates a user with `role` in `unit` and returns a bearer-token client for them.
    pub async fn user(&self, username: &str, role: Role, unit: &str) -> Client {
        fazhi::service::auth::create_user(
            &self.state,
            None,
            NewUser {
                username: username.into(),
                password: PASSWORD.into(),
                display_name: format!("测试{username}"),
                role,
                org_unit_id: unit.into(),
                officer_id: None,
            },
        )
        .await
        .expect("create user");
        let r = reqwest::Client::new()
            .post(self.url("/tokens"))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .expect("token request");
        assert_eq!(r.status(), StatusCode::CREATED);
        let body: Value = r.json().await.expect("token json");
        Client {
            base: self.url(""),
            token: body["token"].as_str().expect("token").to_string(),
            http: reqwest::Client::new(),
        }
    }
}

impl TestApp {
    /// Drops the triggers that make `audit_log` append-only, as an attacker holding the
    /// database owner's rights would before rewriting the chain.
    pub async fn drop_audit_triggers(&self) {
        let mut conn = self.state.db.pool.acquire().await.expect("connection");
        let postgres = self.state.db.backend == fazhi::infra::db::Backend::Postgres;
        for (trigger, table) in [
            ("audit_log_no_update", "audit_log"),
            ("audit_log_no_delete", "audit_log"),
            ("audit_head_forward_only", "audit_head"),
        ] {
            let sql = if postgres {
                format!("DROP TRIGGER {trigger} ON {table}")
            } else {
                format!("DROP TRIGGER {trigger}")
            };
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut *conn)
                .await
                .expect("drop trigger");
        }
    }
}

/// A bearer-token API client.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub token: String,
    pub http: reqwest::Client,
}

impl Client {
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }
    pub async fn get(&self, path: &str) -> Response {
        let r = self.request(reqwest::Method::GET, path);
        r.send().await.expect("GET")
    }
    pub async fn post(&self, path: &str, body: &Value) -> Response {
        let r = self.request(reqwest::Method::POST, path).json(body);
        r.send().await.expect("POST")
    }
    /// Posts a multipart form (uploads).
    pub async fn post_multipart(&self, path: &str, form: reqwest::multipart::Form) -> Response {
        let r = self.request(reqwest::Method::POST, path).multipart(form);
        r.send().await.expect("POST")
    }
    pub async fn delete(&self, path: &str) -> Response {
        let r = self.request(reqwest::Method::DELETE, path);
        r.send().await.expect("DELETE")
    }
    pub async fn put(&self, path: &str, body: &Value) -> Response {
        let r = self.request(reqwest::Method::PUT, path).json(body);
        r.send().await.expect("PUT")
    }
}

/// Status and JSON body of a response.
pub async fn parts(r: Response) -> (StatusCode, Value) {
    let status = r.status();
    let text = r.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A small real PNG photo of one colour (uploads are decoded, so test files must be images).
pub fn photo_png(rgb: [u8; 3]) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(48, 32, image::Rgb(rgb));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

/// A real JPEG with an EXIF (APP1) block naming a GPS position and a camera serial, as a
/// phone writes them.
pub fn jpeg_with_gps() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 5) as u8, 120])
    });
    let mut plain = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(
            &mut std::io::Cursor::new(&mut plain),
            image::ImageFormat::Jpeg,
        )
        .expect("jpeg");
    let payload = b"Exif\0\0MM GPSLatitude 32/1 59/1 0/1 N GPSLongitude 112/1 31/1 0/1 E SerialNumber 4C1D-2026";
    let len = u16::try_from(payload.len() + 2).expect("short block");
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&plain[2..]);
    out
}

/// Registers an officer with a certificate valid through 2026 and returns its id.
pub async fn officer(admin: &Client, unit: &str, name: &str, cert_no: &str) -> String {
    let (s, o) = parts(
        admin
            .post("/officers", &json!({"name": name, "org_unit_id": unit}))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{o}");
    let id = o["id"].as_str().expect("id").to_string();
    let (s, c) = parts(admin.post(&format!("/officers/{id}/certificates"), &json!({
        "cert_no": cert_no, "issuer": "河南省人民政府", "scope": "城市管理", "valid_from": "2024-01-01", "valid_until": "2026-12-31"
    })).await).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    id
}

/// A new ordinary case against an individual in `unit`; returns (id, version).
pub async fn new_case(client: &Client, unit: &str) -> (String, i64) {
    let (s, v) = parts(client.post("/cases", &json!({
        "org_unit_id": unit, "party": {"kind": "individual", "name": "张某某"}, "procedure": "ordinary",
        "act_date": "2026-03-01", "violation": "zhan_dao_jing_ying", "party_address": "卧龙区卧龙路1号"
    })).await).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    (
        v["case"]["id"].as_str().expect("id").to_string(),
        v["case"]["version"].as_i64().expect("version"),
    )
}

/// A browser-like client: cookie jar, no automatic redirects, the CSRF token of the session.
pub struct PageSession {
    pub http: reqwest::Client,
    pub root: String,
    pub csrf: String,
}

pub struct Answer {
    pub status: StatusCode,
    pub location: String,
    pub body: String,
}

/// The CSRF token of the login form (`<input type="hidden" name="_csrf" value="…">`).
pub fn login_csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("login csrf field") + marker.len();
    let end = html[start..].find('"').expect("login csrf end");
    html[start..start + end].to_string()
}

/// Submits the login form as a browser does: reads `/login` for the form's CSRF token, then
/// posts `fields` with it. `http` keeps cookies (the token is bound to the pre-login cookie).
pub async fn submit_login_form(
    http: &reqwest::Client,
    root: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let form = http
        .get(format!("{root}/login"))
        .send()
        .await
        .expect("login page")
        .text()
        .await
        .expect("login page text");
    let csrf = login_csrf_of(&form);
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    http.post(format!("{root}/login"))
        .form(&all)
        .send()
        .await
        .expect("login")
}

pub fn csrf_of(html: &str) -> String {
    let marker = "<meta name=\"csrf-token\" content=\"";
    let start = html.find(marker).expect("csrf meta") + marker.len();
    let end = html[start..].find('"').expect("csrf end");
    html[start..start + end].to_string()
}

impl PageSession {
    /// A browser without a session.
    pub fn anonymous(app: &TestApp) -> PageSession {
        PageSession {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            root: app.root(),
            csrf: String::new(),
        }
    }

    pub async fn login(app: &TestApp, username: &str) -> PageSession {
        let mut s = Self::anonymous(app);
        let r = submit_login_form(
            &s.http,
            &s.root,
            &[("username", username), ("password", PASSWORD)],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {username}");
        let page = s.get("/workbench").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        s.csrf = csrf_of(&page.body);
        s
    }

    /// Logs in a user whose password was set by an administrator: the login leads to the
    /// password form, every other page redirects there, and after choosing `new_password`
    /// the user reaches the workbench.
    pub async fn login_changing_password(
        app: &TestApp,
        username: &str,
        new_password: &str,
    ) -> PageSession {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let root = app.root();
        let r = submit_login_form(
            &http,
            &root,
            &[("username", username), ("password", PASSWORD)],
        )
        .await;
        let login = Self::answer(r).await;
        assert_eq!(login.status, StatusCode::SEE_OTHER, "login of {username}");
        assert!(
            login.location.starts_with("/password"),
            "{}",
            login.location
        );
        let mut s = PageSession {
            http,
            root,
            csrf: String::new(),
        };
        let elsewhere = s.get("/cases").await;
        assert_eq!(elsewhere.status, StatusCode::SEE_OTHER);
        assert!(elsewhere.location.starts_with("/password"));
        let form = s.get("/password").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        assert!(form.body.contains("id=\"must-change\""));
        s.csrf = csrf_of(&form.body);
        let changed = s
            .post(
                "/password",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", new_password),
                    ("new_password_again", new_password),
                    ("next", "/workbench"),
                ],
            )
            .await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
        let page = s.get("/workbench?password=changed").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("密码已修改"));
        s
    }

    pub async fn answer(r: reqwest::Response) -> Answer {
        let status = r.status();
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        Answer {
            status,
            location,
            body: r.text().await.expect("body"),
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        Self::answer(
            self.http
                .get(format!("{}{path}", self.root))
                .send()
                .await
                .expect("GET"),
        )
        .await
    }

    /// Posts a form with the session's CSRF token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let mut all = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        Self::answer(
            self.http
                .post(format!("{}{path}", self.root))
                .form(fields)
                .send()
                .await
                .expect("POST"),
        )
        .await
    }
}

/// Posts `events` to a case in order, legal reviews by `legal` and everything else by
/// `client`; asserts each is recorded and returns the case's new version.
pub async fn record_with(
    client: &Client,
    legal: &Client,
    case_id: &str,
    mut version: i64,
    events: &[Value],
) -> i64 {
    for event in events {
        let who = if event["type"] == "legal_review" {
            legal
        } else {
            client
        };
        let (s, v) = parts(
            who.post(
                &format!("/cases/{case_id}/events"),
                &json!({"expected_version": version, "event": event}),
            )
            .await,
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{event}: {v}");
        version = v["case"]["version"].as_i64().expect("version");
    }
    version
}

/// [`record_with`] with one client for every event.
pub async fn record(client: &Client, case_id: &str, version: i64, events: &[Value]) -> i64 {
    record_with(client, client, case_id, version, events).await
}

/// Runs the `fazhi` binary with `args`, writing `stdin` to its standard input; returns the
/// exit code, standard output and standard error.
pub fn fazhi_cli(args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run fazhi");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("fazhi output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Logs in with a password through the API and returns a bearer-token client.
pub async fn token_for(
    app: &TestApp,
    username: &str,
    password: &str,
) -> (StatusCode, Value, Option<Client>) {
    let r = reqwest::Client::new()
        .post(app.url("/tokens"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .expect("token request");
    let (status, body) = parts(r).await;
    let client = body["token"].as_str().map(|t| Client {
        base: app.url(""),
        token: t.to_string(),
        http: reqwest::Client::new(),
    });
    (status, body, client)
}
