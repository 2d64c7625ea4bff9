//! One typed configuration for the server, assembled from defaults, optional files and the
//! command line / environment (clap gives every flag an environment-variable twin).

use crate::infra::net::{Networks, PublicUrl};
use crate::infra::secret::Secret;
use fazhi_calendar::Calendar;
use fazhi_domain::catalogue::Catalogue;
use fazhi_domain::config::RulesConfig;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Everything the application needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// `sqlite:` or `postgres:` URL; a secret because it may carry a password.
    pub database_url: Secret,
    /// The rule numbers of the built-in defaults or the `--rules` file: the base under the
    /// bureau's own settings (`rule_settings`). Read the rules in effect with
    /// `AppState::rules()` (`service/bureau_settings.rs`), never from here.
    pub base_rules: RulesConfig,
    /// The rules this server applies: `base_rules` with the bureau's stored settings
    /// (`AppState::rules`, `service/bureau_settings.rs`).
    pub live_rules: std::sync::Arc<crate::service::bureau_settings::LiveRules>,
    pub calendar: Calendar,
    /// The calendar this server counts on: `calendar` with the years loaded into the database
    /// (`AppState::calendar`, `service/calendar.rs`).
    pub live_calendar: std::sync::Arc<crate::service::calendar::LiveCalendar>,
    pub catalogue: Catalogue,
    /// Requests per minute per client IP on the public/login endpoints.
    pub login_rate_per_minute: u32,
    /// Lifetime of a browser session from login, in minutes.
    pub session_minutes: i64,
    /// Mark the session cookie `Secure` (sent over HTTPS only): set it when the platform is
    /// served behind TLS. Off by default because the demo runs on plain http://127.0.0.1.
    pub secure_cookies: bool,
    /// Prefix of case numbers (文号), e.g. 卧城管罚 → 卧城管罚〔2026〕12号.
    pub case_no_prefix: String,
    /// Days after closing (办结) during which a citizen may reopen a complaint that was not
    /// fixed, with the tracking token. A local choice: no national rule fixes it.
    pub complaint_reopen_window_days: i64,
    /// Radius in metres within which a complaint of the same category is suggested as a
    /// duplicate (haversine distance between the reported coordinates).
    pub complaint_duplicate_radius_m: f64,
    /// How far back, in days, a duplicate suggestion looks.
    pub complaint_duplicate_window_days: i64,
    /// An open, unanswered complaint due within this many hours is listed as near due.
    pub complaint_near_due_hours: i64,
    /// Fixed texts of the enforcement documents (执法文书), see `data/documents/templates.toml`.
    pub document_templates: crate::service::document::Templates,
    /// Citizens' phone portal: form submissions (filing, rating, reopening) per minute per
    /// client IP; over the limit the portal answers a Chinese 429 page.
    pub portal_rate_per_minute: u32,
    /// Citizens' phone portal: the fewest seconds between showing the complaint form and
    /// submitting it (anti-spam: scripts post at once). Counted on the application clock.
    pub portal_min_fill_seconds: i64,
    /// Citizens' phone portal: map tiles, e.g. `https://tiles.example.gov.cn/{z}/{x}/{y}.png`
    /// (WGS84 / Web Mercator). `None` (the default): no map and no request to any outside
    /// server; the citizen types an address or uses the phone's location.
    pub portal_map_tile_url: Option<String>,
    /// Complaint intake: jurisdiction, working hours and categories (the format of
    /// `data/complaints/categories.toml`, which is the default).
    pub complaint_intake: std::sync::Arc<crate::service::complaint::IntakeSettings>,
    /// The city's own categories file, when given: its categories are then made the
    /// database's at start (`service::complaint::sync_categories`); without it the shipped
    /// ones are seeded into an empty table only.
    pub complaint_categories_file: Option<PathBuf>,
    /// Signed audit checkpoints (`--audit-key`, `--audit-checkpoints`,
    /// `--audit-checkpoint-every`): `None` runs without them (tests, or `serve
    /// --no-audit-checkpoints` with a warning). See `service::audit_checkpoint`.
    pub audit_checkpoints: Option<crate::service::audit_checkpoint::CheckpointSettings>,
    /// Days after closing (办结) after which a complaint's personal data may be erased
    /// (`service::personal_data::erase_expired`). A bureau setting (本局规定): no national
    /// rule fixes it; 个人信息保护法第十九条 asks for the shortest period the purpose needs.
    pub complaint_retention_days: i64,
    /// The address people use to reach the platform (`--public-url`): links and the Open311
    /// discovery document are built from it, never from a request's `Host` header, and an
    /// `https://` address makes the session cookies `Secure`. `None`: links are relative.
    pub public_url: Option<PublicUrl>,
    /// Reverse proxies whose `X-Forwarded-For` names the real client (`--trusted-proxies`);
    /// empty by default, when the connection's peer is the client. Rate limits key on the
    /// client found this way.
    pub trusted_proxies: Networks,
    /// Clients allowed to read `/metrics` by address (`--metrics-allow`, default the machine
    /// itself).
    pub metrics_networks: Networks,
    /// A bearer token that also opens `/metrics`, from any address (`--metrics-token-file`).
    pub metrics_token: Option<Secret>,
    /// LibreOffice's `soffice` binary (`--soffice`, `FAZHI_SOFFICE`): every generated
    /// document is also rendered to PDF with it (`soffice --headless --convert-to pdf`).
    /// `None`: documents are DOCX only.
    pub soffice: Option<PathBuf>,
    /// Most complaints the intake writes in one commit (group commit, ADR 006). Benchmarks
    /// only: `--intake-max-batch 1` (`FAZHI_INTAKE_MAX_BATCH=1`) gives one commit per
    /// complaint, the baseline group commit is measured against (`scripts/bench_open311`).
    pub intake_max_batch: usize,
}

impl Settings {
    /// Settings for a data directory with an embedded SQLite database.
    pub fn embedded(listen: SocketAddr, data_dir: &Path) -> Self {
        let db = data_dir.join("fazhi.db");
        Self {
            listen,
            data_dir: data_dir.to_path_buf(),
            database_url: Secret::new(format!("sqlite://{}?mode=rwc", db.display())),
            base_rules: RulesConfig::default(),
            live_rules: std::sync::Arc::default(),
            calendar: Calendar::china(),
            live_calendar: std::sync::Arc::default(),
            catalogue: Catalogue::sample(),
            login_rate_per_minute: 30,
            session_minutes: 8 * 60,
            secure_cookies: false,
            case_no_prefix: "卧城管罚".into(),
            complaint_reopen_window_days: 15,
            complaint_duplicate_radius_m: 100.0,
            complaint_duplicate_window_days: 7,
            complaint_near_due_hours: 24,
            document_templates: crate::service::document::Templates::embedded()
                .unwrap_or_else(|e| panic!("embedded document templates are invalid: {e}")),
            portal_rate_per_minute: 20,
            portal_min_fill_seconds: 3,
            portal_map_tile_url: None,
            complaint_intake: std::sync::Arc::new(
                crate::service::complaint::IntakeSettings::shipped()
                    .unwrap_or_else(|e| panic!("embedded complaint categories are invalid: {e}")),
            ),
            complaint_categories_file: None,
            audit_checkpoints: None,
            complaint_retention_days: 1095,
            public_url: None,
            trusted_proxies: Networks::default(),
            metrics_networks: Networks::loopback(),
            metrics_token: None,
            soffice: None,
            intake_max_batch: crate::service::complaint::INTAKE_MAX_BATCH,
        }
    }

    /// Whether cookies carry `Secure`: asked for (`--secure-cookies`) or implied by an
    /// `https://` public URL.
    pub fn cookies_secure(&self) -> bool {
        self.secure_cookies || self.public_url.as_ref().is_some_and(PublicUrl::is_https)
    }

    pub fn rules_case_prefix(&self) -> &str {
        &self.case_no_prefix
    }

    /// Replaces the rule numbers with a TOML file (see `data/rules/henan.toml`).
    pub fn with_rules_file(mut self, path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read rules file {}: {e}", path.display()))?;
        self.base_rules = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("invalid rules file {}: {e}", path.display()))?;
        Ok(self)
    }

    /// Replaces the document templates with a TOML file (see `data/documents/templates.toml`).
    pub fn with_document_templates_file(mut self, path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            anyhow::anyhow!("cannot read document templates {}: {e}", path.display())
        })?;
        self.document_templates = crate::service::document::Templates::from_toml_str(&text)
            .map_err(|e| anyhow::anyhow!("invalid document templates {}: {e}", path.display()))?;
        Ok(self)
    }

    /// Replaces the complaint intake settings (jurisdiction, working hours, categories) with
    /// a TOML file in the format of `data/complaints/categories.toml`.
    pub fn with_complaint_categories_file(mut self, path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            anyhow::anyhow!("cannot read complaint categories {}: {e}", path.display())
        })?;
        let intake = crate::service::complaint::IntakeSettings::from_toml_str(&text)
            .map_err(|e| anyhow::anyhow!("invalid complaint categories {}: {e}", path.display()))?;
        self.complaint_intake = std::sync::Arc::new(intake);
        self.complaint_categories_file = Some(path.to_path_buf());
        Ok(self)
    }

    /// Replaces the holiday calendar with a TOML file (see `data/calendar/cn.toml`).
    pub fn with_calendar_file(mut self, path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read calendar file {}: {e}", path.display()))?;
        self.calendar = Calendar::from_toml_str(&text)
            .map_err(|e| anyhow::anyhow!("invalid calendar file {}: {e}", path.display()))?;
        Ok(self)
    }
}
