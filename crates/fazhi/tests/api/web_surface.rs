//! The hardened web surface (issue 11 §3): where login sends you next, the public URL (never
//! the Host header), security headers on every answer, the login form's CSRF token, images
//! checked by decoding them, and the real client behind a trusted reverse proxy.

use crate::helpers::*;
use fazhi::infra::net::{Networks, PublicUrl};
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use std::net::IpAddr;

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// The login form's CSRF token, after fetching the form with `http` (which keeps its cookie).
async fn login_token(app: &TestApp, http: &reqwest::Client, query: &str) -> String {
    let r = http
        .get(format!("{}/login{query}", app.root()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    login_csrf_of(&r.text().await.unwrap())
}

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

// ---- security headers -------------------------------------------------------------------

/// Checks the headers every answer must carry; returns the CSP.
fn assert_hardened(r: &reqwest::Response, what: &str) -> String {
    let csp = header(r, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    let script = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src") || d.starts_with("default-src"))
        .unwrap_or("");
    assert!(
        !csp.contains("unsafe-eval") && !script.contains("unsafe-inline"),
        "{what}: {csp}"
    );
    assert_eq!(header(r, "x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header(r, "referrer-policy"), "no-referrer", "{what}");
    assert_eq!(header(r, "x-frame-options"), "DENY", "{what}");
    assert!(!header(r, "x-request-id").is_empty(), "{what}: request id");
    csp
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    app.user("leader", Role::Leader, &app.bureau).await;
    let http = browser();
    for (path, status) in [
        ("/login", StatusCode::OK),
        ("/workbench", StatusCode::SEE_OTHER),
        ("/portal", StatusCode::OK),
        ("/portal/track/0000", StatusCode::NOT_FOUND),
        ("/api/v1/me", StatusCode::UNAUTHORIZED),
        ("/api/v1/openapi.json", StatusCode::OK),
        ("/open311/v2/services.json", StatusCode::OK),
        ("/healthz", StatusCode::OK),
        ("/no/such/page", StatusCode::NOT_FOUND),
        ("/api/v1/no-such", StatusCode::NOT_FOUND),
    ] {
        let r = http
            .get(format!("{}{path}", app.root()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status, "{path}");
        let csp = assert_hardened(&r, path);
        // Nothing with personal data, and no page, may stay in a cache.
        assert_eq!(header(&r, "cache-control"), "no-store", "{path}");
        if path.starts_with("/api/") || path.starts_with("/open311/") || path == "/healthz" {
            assert!(csp.starts_with("default-src 'none'"), "{path}: {csp}");
        } else {
            assert!(
                csp.contains("script-src 'self'") && csp.contains("style-src 'self';"),
                "{path}: {csp}"
            );
        }
    }
    // A logged-in page and an answer with personal data.
    let s = PageSession::login(&app, "leader").await;
    let r = s
        .http
        .get(format!("{}/workbench", app.root()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_hardened(&r, "/workbench");
    assert_eq!(header(&r, "cache-control"), "no-store");
    let leader = app.user("leader2", Role::Leader, &app.bureau).await;
    let r = leader.get("/me").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "cache-control"), "no-store");
    // The embedded assets may be cached; they carry the headers all the same.
    let r = http
        .get(format!("{}/assets/app.js", app.root()))
        .send()
        .await
        .unwrap();
    assert_hardened(&r, "/assets/app.js");
    assert!(header(&r, "cache-control").starts_with("public"));
    // The API documentation page keeps working: Swagger UI sets inline styles, so that page
    // alone allows them, still with scripts from the platform only.
    let r = http
        .get(format!("{}/api/v1/docs/", app.root()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let csp = assert_hardened(&r, "/api/v1/docs/");
    assert!(csp.contains("script-src 'self';"), "{csp}");
    assert!(csp.contains("style-src 'self' 'unsafe-inline'"), "{csp}");
    // Without a public https:// URL there is no HSTS (the demo runs on plain http).
    assert_eq!(header(&r, "strict-transport-security"), "");
}

#[tokio::test]
async fn browsers_report_csp_violations_to_the_platform() {
    let app = TestApp::spawn().await;
    let report = json!({"csp-report": {
        "document-uri": format!("{}/portal/track/abc?code=secret", app.root()),
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "blocked-uri": "inline",
        "original-policy": "default-src 'none'"
    }});
    let r = reqwest::Client::new()
        .post(format!("{}/csp-report", app.root()))
        .header("content-type", "application/csp-report")
        .body(report.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let metrics = reqwest::get(format!("{}/metrics", app.root()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("fazhi_csp_violations_total{directive=\"script-src-elem\"}")),
        "{metrics}"
    );
    // Nonsense and oversized reports are answered without an error.
    let r = reqwest::Client::new()
        .post(format!("{}/csp-report", app.root()))
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = reqwest::Client::new()
        .post(format!("{}/csp-report", app.root()))
        .body(vec![b'x'; 64 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

// ---- where login sends you next -----------------------------------------------------------

/// Open-redirect payloads as they arrive after URL decoding. None may lead off the site.
const OFF_SITE: &[&str] = &[
    "//evil.example",
    "//evil.example/workbench",
    "///evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "https://evil.example",
    "http://evil.example/workbench",
    "HTTPS://evil.example",
    "https:evil.example",
    "//evil.example@127.0.0.1",
    "evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "/%5Cevil.example",
    "/%2F%2Fevil.example",
    "/%09/evil.example",
    "/%5C%5Cevil.example",
    "//%65vil.example",
    "/ /evil.example",
    "/\u{3000}/evil.example",
    "/／evil.example",
    "/\u{FF3C}evil.example",
    "//evil%E3%80%82example",
    "/.//evil.example",
    "/..//evil.example",
    "/workbench/../..//evil.example",
    "/?next=//evil.example",
    "/@evil.example",
    "/#//evil.example",
    "",
];

/// Payloads with control characters: refused with 400, never a 500 or a split header.
const CONTROL: &[&str] = &[
    "/\t/evil.example",
    "/\r\nSet-Cookie: fazhi_session=attacker",
    "/workbench\r\nLocation: https://evil.example",
    "/\nevil",
    "/\revil",
    "/\0evil",
    "/\u{7f}evil",
    "/\u{85}evil",
    "\t//evil.example",
];

/// Where a browser at `base` goes with `location`.
fn resolve(base: &str, location: &str) -> reqwest::Url {
    reqwest::Url::parse(base)
        .unwrap()
        .join(location)
        .unwrap_or_else(|e| panic!("{location:?} does not resolve: {e}"))
}

#[tokio::test]
async fn login_next_goes_only_to_a_path_of_this_site() {
    let app = TestApp::spawn().await;
    app.user("leader", Role::Leader, &app.bureau).await;
    let base = app.root();
    let same_site = |location: &str| {
        let url = resolve(&base, location);
        url.host_str() == Some("127.0.0.1") && url.port() == Some(app.addr.port())
    };
    for payload in OFF_SITE
        .iter()
        .chain(["/cases?q=张三", "/complaints/1"].iter())
    {
        let http = browser();
        let query = format!("?next={}", urlencoding(payload));
        let token = login_token(&app, &http, &query).await;
        let r = http
            .post(format!("{base}/login"))
            .form(&[
                ("_csrf", token.as_str()),
                ("username", "leader"),
                ("password", PASSWORD),
                ("next", payload),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{payload:?}");
        let location = header(&r, "location");
        assert!(location.starts_with('/'), "{payload:?} → {location:?}");
        assert!(same_site(&location), "{payload:?} → {location:?}");
        // What the login page puts in its hidden field is just as safe.
        let page = http
            .get(format!("{base}/login{query}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let field = page
            .split("name=\"next\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .replace("&#x2f;", "/")
            .replace("&#x27;", "'")
            .replace("&amp;", "&");
        assert!(same_site(&field), "{payload:?} → field {field:?}");
    }
    // A same-site path survives, its non-ASCII letters percent-encoded.
    let http = browser();
    let token = login_token(&app, &http, "").await;
    let r = http
        .post(format!("{base}/login"))
        .form(&[
            ("_csrf", token.as_str()),
            ("username", "leader"),
            ("password", PASSWORD),
            ("next", "/cases?q=张三&page=2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(header(&r, "location"), "/cases?q=%E5%BC%A0%E4%B8%89&page=2");
}

/// Percent-encodes every byte but unreserved characters.
fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn control_characters_in_next_are_a_400_not_a_500() {
    let app = TestApp::spawn().await;
    app.user("leader", Role::Leader, &app.bureau).await;
    let base = app.root();
    for payload in CONTROL {
        let http = browser();
        let r = http
            .get(format!("{base}/login?next={}", urlencoding(payload)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "GET {payload:?}");
        let body = r.text().await.unwrap();
        assert!(body.contains("控制字符"), "{body}");
        let token = login_token(&app, &http, "").await;
        let r = http
            .post(format!("{base}/login"))
            .form(&[
                ("_csrf", token.as_str()),
                ("username", "leader"),
                ("password", PASSWORD),
                ("next", payload),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "POST {payload:?}");
        assert!(header(&r, "location").is_empty());
        assert!(
            !header(&r, "set-cookie").contains("fazhi_session="),
            "no session for a refused login: {payload:?}"
        );
    }
}

// ---- the login form's CSRF token -----------------------------------------------------------

#[tokio::test]
async fn the_login_form_carries_a_csrf_token_that_is_checked() {
    let app = TestApp::spawn().await;
    app.user("leader", Role::Leader, &app.bureau).await;
    let base = app.root();
    let creds = [("username", "leader"), ("password", PASSWORD)];
    // A cross-site form posting straight to /login (no token, no cookie): refused.
    let r = browser()
        .post(format!("{base}/login"))
        .form(&creds)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(!header(&r, "set-cookie").contains("fazhi_session="));
    assert!(r.text().await.unwrap().contains("登录表单已失效"));
    // A token without its cookie (taken from another browser): refused.
    let other = browser();
    let token = login_token(&app, &other, "").await;
    let r = browser()
        .post(format!("{base}/login"))
        .form(&[
            ("_csrf", token.as_str()),
            ("username", "leader"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The cookie with a wrong token: refused.
    let r = other
        .post(format!("{base}/login"))
        .form(&[
            ("_csrf", "0".repeat(64).as_str()),
            ("username", "leader"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The form as served: logged in, the token cookie scoped to /login and dropped.
    let http = browser();
    let r = http.get(format!("{base}/login")).send().await.unwrap();
    let cookie = header(&r, "set-cookie");
    assert!(
        cookie.starts_with("fazhi_login_csrf=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/login"),
        "{cookie}"
    );
    let token = login_csrf_of(&r.text().await.unwrap());
    let r = http
        .post(format!("{base}/login"))
        .form(&[
            ("_csrf", token.as_str()),
            ("username", "leader"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("fazhi_session=")),
        "{cookies:?}"
    );
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("fazhi_login_csrf=") && c.contains("Max-Age=0")),
        "{cookies:?}"
    );
    // A wrong password shows the form again with a fresh token.
    let token = login_token(&app, &http, "").await;
    let r = http
        .post(format!("{base}/login"))
        .form(&[
            ("_csrf", token.as_str()),
            ("username", "leader"),
            ("password", "wrong-password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = login_csrf_of(&r.text().await.unwrap());
    assert_ne!(again, token);
}

// ---- the public URL ------------------------------------------------------------------------

#[tokio::test]
async fn the_public_url_not_the_host_header_makes_links_and_secure_cookies() {
    let public: PublicUrl = "https://12345.wolong.gov.cn".parse().unwrap();
    let app = TestApp::spawn_with("2026-12-31", |s, _| s.public_url = Some(public)).await;
    app.user("leader", Role::Leader, &app.bureau).await;
    let r = reqwest::Client::new()
        .get(format!("{}/open311/v2/discovery.json", app.root()))
        .header("host", "evil.example")
        .header("x-forwarded-host", "evil.example")
        .header("x-forwarded-proto", "http")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        header(&r, "strict-transport-security"),
        "max-age=31536000",
        "HSTS behind https"
    );
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["endpoints"][0]["url"],
        "https://12345.wolong.gov.cn/open311/v2"
    );
    let r = reqwest::Client::new()
        .get(format!("{}/open311/v2/discovery.xml", app.root()))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    let xml = r.text().await.unwrap();
    assert!(
        xml.contains("<url>https://12345.wolong.gov.cn/open311/v2</url>") && !xml.contains("evil"),
        "{xml}"
    );
    // The OpenAPI document names the public server.
    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", app.root()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["servers"][0]["url"],
        "https://12345.wolong.gov.cn/api/v1"
    );
    // https:// makes the session cookies Secure without --secure-cookies.
    assert_every_cookie_secure(&app).await;
}

/// Logs `leader` in through the API and through the login form and checks that every cookie
/// set on the way (API session, the form's pre-login cookie, the page session) is `Secure`.
/// Returns the login form's answer headers for further checks.
async fn assert_every_cookie_secure(app: &TestApp) -> reqwest::header::HeaderMap {
    let r = reqwest::Client::new()
        .post(app.url("/sessions"))
        .json(&json!({"username": "leader", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(header(&r, "set-cookie").contains("Secure"), "API login");
    let http = browser();
    let r = http
        .get(format!("{}/login", app.root()))
        .send()
        .await
        .unwrap();
    assert!(
        header(&r, "set-cookie").contains("Secure"),
        "login form cookie"
    );
    let form_headers = r.headers().clone();
    let token = login_csrf_of(&r.text().await.unwrap());
    // (A real browser would not send the Secure cookie over http; this client does.)
    let r = http
        .post(format!("{}/login", app.root()))
        .form(&[
            ("_csrf", token.as_str()),
            ("username", "leader"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("fazhi_session="))
        .unwrap();
    assert!(session.contains("Secure"), "{session}");
    form_headers
}

#[tokio::test]
async fn without_a_public_url_links_are_relative_and_the_host_header_is_ignored() {
    let app = TestApp::spawn().await;
    let r = reqwest::Client::new()
        .get(format!("{}/open311/v2/discovery.json", app.root()))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["endpoints"][0]["url"], "/open311/v2");
    app.user("leader", Role::Leader, &app.bureau).await;
    let r = reqwest::Client::new()
        .post(app.url("/sessions"))
        .json(&json!({"username": "leader", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(!header(&r, "set-cookie").contains("Secure"));
}

/// `--secure-cookies` keeps working alone, behind a TLS proxy whose public URL is not set or
/// is plain http.
#[tokio::test]
async fn secure_cookies_alone_still_make_every_cookie_secure() {
    let public: PublicUrl = "http://10.1.2.3:8080".parse().unwrap();
    let app = TestApp::spawn_with("2026-12-31", |s, _| {
        s.secure_cookies = true;
        s.public_url = Some(public);
    })
    .await;
    app.user("leader", Role::Leader, &app.bureau).await;
    let form = assert_every_cookie_secure(&app).await;
    // No HSTS: the platform does not know that it is reached over https.
    assert!(form.get("strict-transport-security").is_none());
}

// ---- the real client behind a trusted proxy --------------------------------------------------

/// Wrong-password logins from `client` (as named in X-Forwarded-For), from the local
/// address `from`; the statuses.
async fn logins(app: &TestApp, from: &str, client: &str, n: usize) -> Vec<StatusCode> {
    let http = reqwest::Client::builder()
        .local_address(from.parse::<IpAddr>().unwrap())
        .build()
        .unwrap();
    let mut out = Vec::new();
    for _ in 0..n {
        let r = http
            .post(app.url("/sessions"))
            .header("x-forwarded-for", client)
            .json(&json!({"username": "nobody", "password": "wrong-password"}))
            .send()
            .await
            .unwrap();
        out.push(r.status());
    }
    out
}

#[tokio::test]
async fn rate_limits_key_on_the_client_named_by_a_trusted_proxy() {
    let trusted: Networks = "127.0.0.1".parse().unwrap();
    let app = TestApp::spawn_with("2026-12-31", |s, _| {
        s.login_rate_per_minute = 3;
        s.trusted_proxies = trusted;
    })
    .await;
    let limited = StatusCode::TOO_MANY_REQUESTS;
    // Client A uses up its bucket; client B behind the same proxy still has its own.
    let a = logins(&app, "127.0.0.1", "203.0.113.10", 4).await;
    assert!(!a[..3].contains(&limited) && a[3] == limited, "{a:?}");
    let b = logins(&app, "127.0.0.1", "198.51.100.20", 1).await;
    assert_eq!(b, [StatusCode::UNPROCESSABLE_ENTITY]);
    // A client forging a first entry is still keyed on what the proxy saw.
    let forged = logins(&app, "127.0.0.1", "198.51.100.77, 203.0.113.10", 1).await;
    assert_eq!(forged, [limited]);
    // From an address that is not a trusted proxy the header is ignored: that peer is the
    // client (127.0.0.2 is its own bucket, whatever it claims).
    let direct = logins(&app, "127.0.0.2", "198.51.100.99", 4).await;
    assert_eq!(direct[3], limited, "{direct:?}");
    let again = logins(&app, "127.0.0.2", "192.0.2.1", 1).await;
    assert_eq!(
        again,
        [limited],
        "a new X-Forwarded-For does not open a new bucket"
    );
}

#[tokio::test]
async fn without_trusted_proxies_forwarded_for_is_ignored() {
    let app = TestApp::spawn_with("2026-12-31", |s, _| s.login_rate_per_minute = 3).await;
    let a = logins(&app, "127.0.0.1", "203.0.113.10", 3).await;
    assert!(!a.contains(&StatusCode::TOO_MANY_REQUESTS), "{a:?}");
    let b = logins(&app, "127.0.0.1", "198.51.100.20", 1).await;
    assert_eq!(b, [StatusCode::TOO_MANY_REQUESTS]);
}

// ---- uploaded images -----------------------------------------------------------------------

/// A PNG whose header claims `width` × `height` pixels, in a few dozen bytes.
fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        let mut crc = 0xFFFF_FFFFu32;
        for &b in &body {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        out.extend_from_slice(&body);
        out.extend_from_slice(&(!crc).to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x04, 0x00, 0xFB, 0xFF, 0, 0, 0, 0, 0, 0, 0, 1,
        ],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

async fn upload_evidence(
    client: &Client,
    case_id: &str,
    name: &str,
    mime: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_string())
            .mime_str(mime)
            .unwrap(),
    );
    let r = client
        .post_multipart(&format!("/cases/{case_id}/evidence"), form)
        .await;
    parts(r).await
}

#[tokio::test]
async fn evidence_images_are_decoded_and_other_files_kept() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let (case_id, _) = new_case(&leader, &app.squad).await;
    // A real photo with its EXIF: decoded, then kept byte for byte (evidence, staff only).
    let photo = jpeg_with_gps();
    let (s, v) = upload_evidence(&leader, &case_id, "现场.jpg", "image/jpeg", photo.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["content_type"], "image/jpeg");
    assert_eq!(v["sha256"], fazhi::infra::secret::sha256_hex(&photo));
    // Text calling itself a JPEG, and a JPEG signature with garbage behind it: refused.
    for (name, bytes) in [
        ("伪装.jpg", b"photo of the stall".to_vec()),
        ("损坏.jpg", {
            let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0];
            b.extend((0..3000u32).map(|i| (i % 253) as u8));
            b
        }),
    ] {
        let (s, v) = upload_evidence(&leader, &case_id, name, "image/jpeg", bytes).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {v}");
        assert_eq!(v["error"]["code"], "invalid_image");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(name) && message.contains("无法识别为图片"),
            "{message}"
        );
    }
    // A decompression bomb: refused from its header, naming its size.
    let (s, v) = upload_evidence(
        &leader,
        &case_id,
        "bomb.png",
        "image/png",
        png_bomb(50_000, 50_000),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "image_too_large");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("50000×50000像素"),
        "{v}"
    );
    // A document that is not an image is evidence as it is.
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let (s, v) = upload_evidence(&leader, &case_id, "询问笔录.pdf", "application/pdf", pdf).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["content_type"], "application/pdf");
    let (_, view) = parts(leader.get(&format!("/cases/{case_id}")).await).await;
    assert_eq!(view["evidence"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn open311_photos_are_refused_when_they_are_bombs_or_heic() {
    let app = TestApp::spawn().await;
    let (_, key) = fazhi::service::complaint::create_key(&app.state, None, "测试客户端")
        .await
        .unwrap();
    for (name, bytes, expected) in [
        ("bomb.png", png_bomb(40_000, 40_000), "像素"),
        (
            "IMG_0001.HEIC",
            b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\0".to_vec(),
            "HEIC",
        ),
    ] {
        let form = reqwest::multipart::Form::new()
            .text("api_key", key.expose().to_string())
            .text("service_code", "qi_ta")
            .text("address_string", "解放路")
            .part(
                "media",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            );
        let r = reqwest::Client::new()
            .post(format!("{}/open311/v2/requests.json", app.root()))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{name}");
        let body = r.text().await.unwrap();
        assert!(body.contains(name) && body.contains(expected), "{body}");
    }
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM complaints")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "nothing filed");
}

/// What the API fuzzer found: bodies the extractors refused were answered in plain text.
#[tokio::test]
async fn unreadable_bodies_are_answered_in_json() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let (case_id, _) = new_case(&leader, &app.squad).await;
    let http = reqwest::Client::new();
    // A multipart endpoint without multipart.
    let r = http
        .post(format!("{}/cases/{case_id}/evidence", leader.base))
        .bearer_auth(&leader.token)
        .body("file")
        .send()
        .await
        .unwrap();
    assert!(header(&r, "content-type").starts_with("application/json"));
    let (s, v) = parts(r).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["code"], "invalid_multipart");
    // A timeline that is not UTF-8.
    let r = http
        .post(format!("{}/case-checks", leader.base))
        .bearer_auth(&leader.token)
        .header("content-type", "application/json")
        .body(vec![0xC3u8, 0x28, 0xFF])
        .send()
        .await
        .unwrap();
    assert!(header(&r, "content-type").starts_with("application/json"));
    let (s, v) = parts(r).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], "invalid_timeline");
    // A declared length over the limit: 413 in JSON before any handler runs.
    let r = http
        .post(format!("{}/cases", leader.base))
        .bearer_auth(&leader.token)
        .header("content-type", "application/json")
        .body(vec![b' '; 21 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let (_, v) = parts(r).await;
    assert_eq!(v["error"]["code"], "payload_too_large");
}
