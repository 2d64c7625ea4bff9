//! A headless Chromium session per test, started through `chromedriver` on a free port.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// `Emulation.setDeviceMetricsOverride` through chromedriver's DevTools endpoint.
#[derive(Debug)]
struct PhoneViewport;

impl fantoccini::wd::WebDriverCompatibleCommand for PhoneViewport {
    fn endpoint(
        &self,
        base: &reqwest::Url,
        session: Option<&str>,
    ) -> Result<reqwest::Url, <reqwest::Url as std::str::FromStr>::Err> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &reqwest::Url) -> (axum::http::Method, Option<String>) {
        let body = serde_json::json!({"cmd": "Emulation.setDeviceMetricsOverride",
            "params": {"width": 375, "height": 812, "deviceScaleFactor": 1, "mobile": true}});
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

/// The browser's console messages since the last call (chromedriver's log endpoint; the
/// session asks for them with `goog:loggingPrefs`).
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &reqwest::Url,
        session: Option<&str>,
    ) -> Result<reqwest::Url, <reqwest::Url as std::str::FromStr>::Err> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &reqwest::Url) -> (axum::http::Method, Option<String>) {
        (
            axum::http::Method::POST,
            Some(serde_json::json!({"type": "browser"}).to_string()),
        )
    }
}

pub struct Browser {
    pub client: Client,
    driver: Child,
    pub base: String,
}

/// Desktop (1366×768, the bureau's office screens) or phone (375 px wide).
#[derive(Clone, Copy)]
pub enum Screen {
    Desktop,
    Phone,
}

fn chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

impl Browser {
    /// A browser on `base` (the app's `http://127.0.0.1:PORT`), or `None` when no browser is
    /// installed and the environment does not require one.
    pub async fn start(base: &str, screen: Screen) -> Option<Browser> {
        let Some(driver_bin) = chromedriver() else {
            assert!(
                std::env::var("FAZHI_REQUIRE_BROWSER").as_deref() != Ok("1"),
                "FAZHI_REQUIRE_BROWSER=1 but chromedriver is not installed (apt-get install -y chromium chromium-driver)"
            );
            eprintln!("skipping browser test: chromedriver not installed");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let (w, h) = match screen {
            Screen::Desktop => (1366, 768),
            Screen::Phone => (375, 812),
        };
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:loggingPrefs".into(),
            serde_json::json!({"browser": "ALL"}),
        );
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         format!("--window-size={w},{h}"), "--lang=zh-CN", "--hide-scrollbars"],
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last_err = String::new();
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    if matches!(screen, Screen::Phone) {
                        // Chromium's windows are at least 500 px wide: emulate the phone's
                        // 375 px viewport through DevTools.
                        client
                            .issue_cmd(PhoneViewport)
                            .await
                            .expect("375 px viewport");
                    }
                    return Some(Browser {
                        client,
                        driver,
                        base: base.trim_end_matches('/').to_string(),
                    });
                }
                Err(e) => {
                    last_err = e.to_string();
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("could not start a browser session: {last_err}");
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{}", self.base, path))
            .await
            .expect("navigate");
    }

    pub async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => e,
            Err(e) => {
                let url = self.client.current_url().await.map(|u| u.to_string());
                let body = match self.client.find(Locator::Css("body")).await {
                    Ok(b) => b.text().await.unwrap_or_default(),
                    Err(_) => String::new(),
                };
                panic!("element {css} not found ({e}) on {url:?}:\n{body}")
            }
        }
    }

    pub async fn exists(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    /// The visible text of the element; retried when the page was replaced meanwhile.
    pub async fn text(&self, css: &str) -> String {
        let mut last = String::new();
        for _ in 0..20 {
            match self.find(css).await.text().await {
                Ok(t) => return t,
                Err(e) => {
                    last = e.to_string();
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("text of {css}: {last}")
    }

    /// The visible text of the whole page.
    pub async fn page_text(&self) -> String {
        self.text("body").await
    }

    pub async fn fill(&self, css: &str, value: &str) {
        let e = self.find(css).await;
        if e.attr("type").await.ok().flatten().as_deref() == Some("date") {
            // Typing into a date input depends on the browser's locale; set the ISO value.
            let arg = serde_json::to_value(&e).expect("element ref");
            self.client
                .execute(
                    "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'));",
                    vec![arg, serde_json::Value::String(value.into())],
                )
                .await
                .expect("set date");
            return;
        }
        e.clear().await.expect("clear");
        e.send_keys(value).await.expect("type");
    }

    pub async fn select(&self, css: &str, value: &str) {
        self.find(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.expect("click");
    }

    /// Clicks a button that loads a new page and waits until the new page is there.
    pub async fn submit(&self, css: &str) {
        self.client
            .execute("window.__fazhiOldPage = true;", vec![])
            .await
            .expect("mark page");
        self.click(css).await;
        for _ in 0..600 {
            let old = self
                .client
                .execute(
                    "return window.__fazhiOldPage === true && document.readyState !== 'loading';",
                    vec![],
                )
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if !old {
                let ready = self
                    .client
                    .execute("return document.readyState;", vec![])
                    .await
                    .ok();
                if ready.as_ref().and_then(|v| v.as_str()) == Some("complete") {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no new page after clicking {css}");
    }

    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("url")
            .path()
            .to_string()
    }

    /// Submits the login form without expecting to get in.
    pub async fn login_attempt(&self, username: &str, password: &str) {
        self.goto("/login").await;
        self.fill("#username", username).await;
        self.fill("#password", password).await;
        self.submit("form button[type=submit]").await;
    }

    /// Logs in through the login page.
    pub async fn login(&self, username: &str, password: &str) {
        self.goto("/login").await;
        self.fill("#username", username).await;
        self.fill("#password", password).await;
        self.submit("form button[type=submit]").await;
        self.find("header.top").await;
    }

    /// Saves a PNG of the current page as `NAME.png` (see the module doc for where).
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = if std::env::var("FAZHI_SCREENSHOTS").as_deref() == Ok("docs") {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots")
        } else {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots")
        };
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// What the browser blocked under the Content-Security-Policy since the last call (an
    /// inline script, an inline style, an outside resource), from its console.
    pub async fn csp_violations(&self) -> Vec<String> {
        let log = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .expect("browser console log");
        log.as_array()
            .into_iter()
            .flatten()
            .filter_map(|entry| entry["message"].as_str())
            .filter(|m| {
                m.contains("Content Security Policy") || m.contains("Content-Security-Policy")
            })
            .map(str::to_string)
            .collect()
    }

    /// Closes the browser; fails the test if any page broke its Content-Security-Policy.
    pub async fn close(mut self) {
        let violations = self.csp_violations().await;
        let _ = self.client.close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        assert!(
            violations.is_empty(),
            "a page broke its Content-Security-Policy:\n{}",
            violations.join("\n")
        );
    }
}
