//! Security headers on every answer, and the endpoint where browsers report what the
//! Content-Security-Policy blocked.
//!
//! Every answer gets, unless its handler set its own:
//! - `Content-Security-Policy`: scripts and styles only from the platform's own files (no
//!   inline script, no inline style, no `eval`), no plugin, no `<base>`, forms only to the
//!   platform, and `frame-ancestors 'none'` (no other site may frame a page). The policy
//!   depends on the surface ([`policy`]): the back office, the portal (whose map may load
//!   tiles from the configured tile server), the API documentation page (Swagger UI sets
//!   inline styles, so that page alone allows them) and the machine interfaces (nothing at
//!   all). Violations are reported to `POST /csp-report`.
//! - `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` (older browsers),
//!   `Referrer-Policy: no-referrer` (tracking codes and ids in URLs never leave in a
//!   `Referer`), `Cross-Origin-Opener-Policy: same-origin` and a `Permissions-Policy` that
//!   allows only the location the portal asks for.
//! - `Cache-Control: no-store`, unless the handler chose a caching policy (the embedded
//!   assets do): pages and API answers carry personal data and must not stay in a shared
//!   cache or the browser's disk cache.
//! - `Strict-Transport-Security` when the public URL is `https://`.
//!
//! Templates keep to this: a test walks every template and refuses inline scripts, event
//! handler attributes, `javascript:` URLs and `style` attributes or elements
//! (`tests::templates_have_no_inline_script_or_style`).

use crate::infra::metrics;
use crate::service::AppState;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Where CSP violation reports go.
pub const CSP_REPORT_PATH: &str = "/csp-report";

/// Largest CSP report read (browsers send a few hundred bytes).
pub const CSP_REPORT_MAX_BYTES: usize = 16 * 1024;

/// The surfaces with different policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// Back-office pages, the login and error pages, the assets.
    Office,
    /// The citizens' portal (map tiles may come from the tile server).
    Portal,
    /// The Swagger UI page of the API documentation.
    ApiDocs,
    /// JSON, XML and text for machines: nothing may load or run.
    Machine,
}

impl Surface {
    pub fn of_path(path: &str) -> Self {
        let under = |prefix: &str| {
            path == prefix
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        if under("/api/v1/docs") {
            Self::ApiDocs
        } else if under("/api") || under("/open311") || path == "/metrics" || path == "/healthz" {
            Self::Machine
        } else if under("/portal") {
            Self::Portal
        } else {
            Self::Office
        }
    }
}

/// The Content-Security-Policy of a surface; `tile_origin` is the map tile server's origin
/// when the portal has a map.
pub fn policy(surface: Surface, tile_origin: Option<&str>) -> String {
    const COMMON: &str = "object-src 'none'; base-uri 'none'; form-action 'self'; \
                          frame-ancestors 'none'";
    match surface {
        Surface::Machine => "default-src 'none'; frame-ancestors 'none'; sandbox".to_string(),
        Surface::Office => format!(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; font-src 'self'; {COMMON}; report-uri {CSP_REPORT_PATH}"
        ),
        Surface::Portal => {
            let img = match tile_origin {
                Some(origin) => format!("'self' data: {origin}"),
                None => "'self' data:".to_string(),
            };
            format!(
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src {img}; \
                 connect-src 'self'; {COMMON}; report-uri {CSP_REPORT_PATH}"
            )
        }
        Surface::ApiDocs => format!(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; connect-src 'self'; {COMMON}; report-uri {CSP_REPORT_PATH}"
        ),
    }
}

/// `https://tiles.example.cn` of a tile URL template (scheme and host only); `https:` when
/// the host itself is a template (`{s}.tiles…`); `None` for anything but http(s).
pub fn tile_origin(url: Option<&str>) -> Option<String> {
    let url = url?;
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || host.contains(['{', '}', ' ', ';', '\'', ',']) {
        Some(format!("{scheme}:"))
    } else {
        Some(format!("{scheme}://{host}"))
    }
}

fn set_default(headers: &mut HeaderMap, name: HeaderName, value: HeaderValue) {
    if !headers.contains_key(&name) {
        headers.insert(name, value);
    }
}

/// The middleware adding the headers (see the module doc).
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let surface = Surface::of_path(request.uri().path());
    let mut response = next.run(request).await;
    let tiles = tile_origin(state.settings.portal_map_tile_url.as_deref());
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&policy(surface, tiles.as_deref())) {
        set_default(headers, header::CONTENT_SECURITY_POLICY, v);
    }
    set_default(
        headers,
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    set_default(
        headers,
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("DENY"),
    );
    set_default(
        headers,
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    set_default(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    set_default(
        headers,
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(
            "geolocation=(self), camera=(), microphone=(), payment=(), usb=()",
        ),
    );
    set_default(
        headers,
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    if state
        .settings
        .public_url
        .as_ref()
        .is_some_and(|u| u.is_https())
    {
        set_default(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// The directives a report may name, as metric labels (anything else is `other`).
const DIRECTIVES: &[&str] = &[
    "default-src",
    "script-src",
    "script-src-elem",
    "script-src-attr",
    "style-src",
    "style-src-elem",
    "style-src-attr",
    "img-src",
    "connect-src",
    "font-src",
    "object-src",
    "base-uri",
    "form-action",
    "frame-ancestors",
    "frame-src",
    "media-src",
    "worker-src",
    "manifest-src",
];

/// What a report blocked, without anything that could identify a person: `inline`, `eval`,
/// or the origin of a blocked URL (its path and query are dropped).
fn blocked_origin(blocked: &str) -> String {
    match blocked {
        "inline" | "eval" | "wasm-eval" | "self" | "" => blocked.to_string(),
        url => match url.split_once("://") {
            Some((scheme, rest)) => {
                let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
                format!("{scheme}://{host}")
            }
            None => url.split(':').next().unwrap_or_default().to_string(),
        },
    }
}

/// `POST /csp-report`: a browser's report of a blocked load (`application/csp-report` or
/// the Reporting API's `application/reports+json`). Counted in the metrics and logged with
/// the directive, the page's path and the blocked origin; answered 204 whatever it holds.
pub async fn csp_report(body: Bytes) -> Response {
    if body.len() > CSP_REPORT_MAX_BYTES {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let value: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let reports: Vec<&serde_json::Value> = match &value {
        serde_json::Value::Array(items) => items.iter().filter_map(|r| r.get("body")).collect(),
        other => other.get("csp-report").into_iter().collect(),
    };
    for r in reports {
        let text = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| r.get(*k).and_then(|v| v.as_str()))
                .unwrap_or_default()
                .to_string()
        };
        let directive = text(&[
            "effective-directive",
            "effectiveDirective",
            "violated-directive",
        ]);
        let directive = directive.split(' ').next().unwrap_or_default();
        let label = DIRECTIVES
            .iter()
            .find(|d| **d == directive)
            .copied()
            .unwrap_or("other");
        let page = text(&["document-uri", "documentURL"]);
        let page_path = page
            .split_once("://")
            .map_or(page.as_str(), |(_, rest)| {
                rest.find('/').map_or("/", |i| &rest[i..])
            })
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect::<String>();
        let blocked = blocked_origin(&text(&["blocked-uri", "blockedURL"]))
            .chars()
            .take(200)
            .collect::<String>();
        metrics::csp_violation(label);
        tracing::warn!(
            directive = label,
            page = %page_path,
            blocked = %blocked,
            "content security policy violation reported by a browser"
        );
    }
    StatusCode::NO_CONTENT.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_surface_gets_its_policy() {
        assert_eq!(Surface::of_path("/api/v1/docs/"), Surface::ApiDocs);
        assert_eq!(Surface::of_path("/api/v1/docs"), Surface::ApiDocs);
        assert_eq!(Surface::of_path("/api/v1/cases"), Surface::Machine);
        assert_eq!(Surface::of_path("/api/v1/docsx"), Surface::Machine);
        assert_eq!(
            Surface::of_path("/open311/v2/services.json"),
            Surface::Machine
        );
        assert_eq!(Surface::of_path("/portal/track"), Surface::Portal);
        assert_eq!(Surface::of_path("/portals"), Surface::Office);
        assert_eq!(Surface::of_path("/cases/1"), Surface::Office);
        for s in [
            Surface::Office,
            Surface::Portal,
            Surface::ApiDocs,
            Surface::Machine,
        ] {
            let p = policy(s, None);
            assert!(p.contains("frame-ancestors 'none'"), "{p}");
            assert!(!p.contains("unsafe-eval"), "{p}");
            let script = p
                .split(';')
                .find(|d| d.trim().starts_with("script-src"))
                .unwrap_or("");
            assert!(!script.contains("unsafe-inline"), "{p}");
        }
        assert!(policy(Surface::Office, None).contains("style-src 'self';"));
        assert!(
            policy(Surface::Portal, Some("https://tiles.example.cn"))
                .contains("img-src 'self' data: https://tiles.example.cn;")
        );
    }

    #[test]
    fn only_the_tile_server_is_allowed_for_images() {
        assert_eq!(tile_origin(None), None);
        assert_eq!(
            tile_origin(Some("https://tiles.example.cn/{z}/{x}/{y}.png")).as_deref(),
            Some("https://tiles.example.cn")
        );
        assert_eq!(
            tile_origin(Some("https://{s}.tiles.example.cn/{z}/{x}/{y}.png")).as_deref(),
            Some("https:")
        );
        assert_eq!(tile_origin(Some("javascript:alert(1)")), None);
    }

    #[test]
    fn reports_keep_origins_only() {
        assert_eq!(blocked_origin("inline"), "inline");
        assert_eq!(
            blocked_origin("https://evil.example/x.js?token=abc"),
            "https://evil.example"
        );
        assert_eq!(blocked_origin("data"), "data");
    }

    /// Every template, walked from the templates folder: no inline script, no event handler
    /// attribute, no `javascript:` URL, no inline style (the policy would block them).
    #[test]
    fn templates_have_no_inline_script_or_style() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).expect("templates dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut files = Vec::new();
        walk(&root, &mut files);
        assert!(files.len() > 20, "templates found: {}", files.len());
        let mut problems = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).expect("template text");
            let lower = text.to_ascii_lowercase();
            for (n, line) in lower.lines().enumerate() {
                let at = format!("{}:{}", file.display(), n + 1);
                let mut rest = line;
                while let Some(i) = rest.find("<script") {
                    let tag_end = rest[i..].find('>').map_or(rest.len(), |e| i + e);
                    if !rest[i..tag_end].contains(" src=") {
                        problems.push(format!("{at}: inline <script>"));
                    }
                    rest = &rest[tag_end..];
                }
                if line.contains("<style") {
                    problems.push(format!("{at}: <style> element"));
                }
                if line.contains("javascript:") {
                    problems.push(format!("{at}: javascript: URL"));
                }
                for (i, _) in line.match_indices(" on").chain(line.match_indices("\ton")) {
                    let name: String = line[i + 1..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphabetic())
                        .collect();
                    let after = line[i + 1 + name.len()..].trim_start();
                    if name.len() > 2 && after.starts_with('=') {
                        problems.push(format!("{at}: event handler attribute {name}"));
                    }
                }
                for (i, _) in line.match_indices("style") {
                    let before = line[..i].chars().last();
                    let after = line[i + 5..].trim_start();
                    if matches!(before, Some(' ' | '\t')) && after.starts_with('=') {
                        problems.push(format!("{at}: style attribute"));
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
