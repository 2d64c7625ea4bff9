//! The `fazhi` command line: `serve`, `demo`, `init`, `user create|reset-password|disable|
//! enable`, `backup`, `restore`, `migrate`, `case check`, `audit verify | keygen |
//! checkpoint`, `calendar add | load`, `open311 key create`, `complaint erase-personal-data`. Every
//! flag has an environment-variable twin (`FAZHI_…`). Passwords are never flags: they are read
//! from standard input, or asked for twice on a terminal.

use crate::infra::clock::{Clock, SystemClock};
use crate::infra::config::Settings;
use crate::infra::db::Db;
pub use crate::infra::logging::LogFormat;
use crate::infra::net::{Networks, PublicUrl};
use crate::infra::secret::Secret;
use crate::web::Application;
use crate::{build_state, service};
use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use fazhi_domain::catalogue::Catalogue;
use fazhi_domain::{CheckContext, Timeline, check_timeline};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(name = "fazhi", version, about = "法治：城市管理局法治工作平台")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The log format: as asked, else JSON for `serve` and text for everything else.
    pub fn log_format(&self) -> LogFormat {
        match &self.command {
            Command::Serve { server, .. } => server.log_format.unwrap_or(LogFormat::Json),
            Command::Demo { server, .. } => server.log_format.unwrap_or(LogFormat::Text),
            _ => LogFormat::Text,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the platform on your own data.
    Serve {
        #[command(flatten)]
        server: ServerArgs,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Run the platform on a fresh embedded database filled with demo data.
    Demo {
        #[command(flatten)]
        server: ServerArgs,
        /// Data directory of the demo (its database is recreated at every start).
        #[arg(long, env = "FAZHI_DATA_DIR", default_value = "fazhi-demo-data")]
        data_dir: PathBuf,
    },
    /// First start: create the bureau (root org unit) and its first administrator on a
    /// database without any account. The password is read from standard input, or asked
    /// for twice on a terminal.
    Init {
        /// Full name of the bureau, e.g. "南阳市卧龙区城市管理局".
        #[arg(long)]
        bureau: String,
        /// User name of the first administrator.
        #[arg(long)]
        admin: String,
        /// The administrator's name as shown in the back office.
        #[arg(long, default_value = "系统管理员")]
        name: String,
        /// Where to create the Ed25519 key that signs the audit checkpoints (kept outside the
        /// data directory and the database; refused if the file exists). `serve` then takes
        /// the same --audit-key and --audit-checkpoints.
        #[arg(long, env = "FAZHI_AUDIT_KEY")]
        audit_key: PathBuf,
        /// Directory for the signed audit checkpoints (created if missing).
        #[arg(long, env = "FAZHI_AUDIT_CHECKPOINTS")]
        audit_checkpoints: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// User accounts, for operators without a browser.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Consistent copy of the database and the data directory's files (with a SHA-256
    /// manifest) while the server keeps running.
    Backup {
        /// New or empty directory to write the backup to (outside the data directory).
        #[arg(long)]
        to: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Put a backup back: checks its manifest, refuses a target holding data unless
    /// --force, then verifies the audit log of the restored copy (exit 1 if broken).
    Restore {
        /// The backup directory (with manifest.json).
        #[arg(long)]
        from: PathBuf,
        /// Overwrite a data directory or database that already holds data.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Penalty-case tools.
    Case {
        #[command(subcommand)]
        command: CaseCommand,
    },
    /// Audit-log tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Working-day arithmetic on the holiday calendar.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Open311 GeoReport v2 interface tools.
    Open311 {
        #[command(subcommand)]
        command: Open311Command,
    },
    /// Complaint tools.
    Complaint {
        #[command(subcommand)]
        command: ComplaintCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ComplaintCommand {
    /// Erase the personal data of complaints closed longer ago than the retention period
    /// (reporter, contacts, description, uploads); the audit chain stays verifiable.
    ErasePersonalData {
        /// Days after closing after which personal data is erased (bureau setting).
        #[arg(long, env = "FAZHI_COMPLAINT_RETENTION_DAYS", default_value_t = 1095)]
        complaint_retention_days: i64,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum Open311Command {
    /// API keys of Open311 clients (needed to POST service requests).
    Key {
        #[command(subcommand)]
        command: Open311KeyCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum Open311KeyCommand {
    /// Issue a key for a client; it is printed once, only its SHA-256 is stored.
    Create {
        /// Name of the client (接入单位), e.g. "12345热线平台".
        #[arg(long)]
        name: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; its user must choose a new password at the first login.
    Create {
        /// User name (what is typed at login).
        username: String,
        /// The person's name.
        #[arg(long)]
        name: String,
        /// admin, leader, legal, officer, dispatcher, clerk, mediator or partner (or the
        /// Chinese name: 系统管理员, 局领导, 法制审核员, 执法队员, …).
        #[arg(long)]
        role: String,
        /// The org unit, by its exact name or its id.
        #[arg(long)]
        unit: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Set a new password (read as for `init`); the user must change it at the next login,
    /// and every session and token of the user ends.
    ResetPassword {
        username: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Disable an account: it cannot log in, and its sessions and tokens end at once.
    Disable {
        username: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Re-enable a disabled account.
    Enable {
        username: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Address to listen on.
    #[arg(long, env = "FAZHI_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Rule numbers (TOML, see data/rules/henan.toml); default: built-in Henan defaults.
    #[arg(long, env = "FAZHI_RULES")]
    pub rules: Option<PathBuf>,
    /// Holiday calendar (TOML, see data/calendar/cn.toml); default: built-in.
    #[arg(long, env = "FAZHI_CALENDAR")]
    pub calendar: Option<PathBuf>,
    /// Document templates (TOML, see data/documents/templates.toml); default: built-in.
    #[arg(long, env = "FAZHI_DOCUMENT_TEMPLATES")]
    pub document_templates: Option<PathBuf>,
    /// LibreOffice `soffice` binary: every document is also rendered to PDF with it
    /// (e.g. /usr/bin/soffice); default: DOCX only.
    #[arg(long, env = "FAZHI_SOFFICE")]
    pub soffice: Option<PathBuf>,
    /// The city's complaint intake: jurisdiction, working hours and categories with their
    /// time limits (TOML, see data/complaints/categories.toml); default: built-in. When
    /// given, the database's categories are made those of the file at start.
    #[arg(long, env = "FAZHI_COMPLAINT_CATEGORIES")]
    pub complaint_categories: Option<PathBuf>,
    /// Requests per minute per client IP on the login routes; Open311 allows 20 times as
    /// many. Benchmarks raise it (`scripts/bench_open311`).
    #[arg(long, env = "FAZHI_RATE_PER_MINUTE", default_value_t = 30)]
    pub rate_per_minute: u32,
    /// Portal form submissions per minute per client IP.
    #[arg(long, env = "FAZHI_PORTAL_RATE_PER_MINUTE", default_value_t = 20)]
    pub portal_rate_per_minute: u32,
    /// Map tiles for the portal, e.g. `https://tiles.example/{z}/{x}/{y}.png` (WGS84);
    /// default: no map and no outside request.
    #[arg(long, env = "FAZHI_PORTAL_MAP_TILE_URL")]
    pub portal_map_tile_url: Option<String>,
    /// Mark the session cookie Secure (HTTPS only); set when served behind TLS.
    #[arg(long, env = "FAZHI_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Lifetime of a browser session from login, in minutes (session timeout).
    #[arg(long, env = "FAZHI_SESSION_MINUTES", default_value_t = 480)]
    pub session_minutes: i64,
    /// Prefix of case numbers: 卧城管罚 gives 卧城管罚〔2026〕12号.
    #[arg(long, env = "FAZHI_CASE_NO_PREFIX", default_value = "卧城管罚")]
    pub case_no_prefix: String,
    /// Days after closing during which a citizen may reopen a complaint (local choice).
    #[arg(long, env = "FAZHI_COMPLAINT_REOPEN_WINDOW_DAYS", default_value_t = 15)]
    pub complaint_reopen_window_days: i64,
    /// Radius in metres for duplicate complaint suggestions.
    #[arg(
        long,
        env = "FAZHI_COMPLAINT_DUPLICATE_RADIUS_M",
        default_value_t = 100.0
    )]
    pub complaint_duplicate_radius_m: f64,
    /// How many days back duplicate complaint suggestions look.
    #[arg(
        long,
        env = "FAZHI_COMPLAINT_DUPLICATE_WINDOW_DAYS",
        default_value_t = 7
    )]
    pub complaint_duplicate_window_days: i64,
    /// Unanswered complaints due within this many hours are listed as near due.
    #[arg(long, env = "FAZHI_COMPLAINT_NEAR_DUE_HOURS", default_value_t = 24)]
    pub complaint_near_due_hours: i64,
    /// Days after closing after which a complaint's personal data may be erased (bureau
    /// setting; the admin's audit page and `fazhi complaint erase-personal-data`).
    #[arg(long, env = "FAZHI_COMPLAINT_RETENTION_DAYS", default_value_t = 1095)]
    pub complaint_retention_days: i64,
    #[command(flatten)]
    pub audit: AuditKeyArgs,
    /// Run without signed audit checkpoints (the chain is then only as safe as the
    /// database); a warning is logged at start. Without this flag `serve` refuses to start
    /// when --audit-key and --audit-checkpoints are not given.
    #[arg(long, env = "FAZHI_NO_AUDIT_CHECKPOINTS")]
    pub no_audit_checkpoints: bool,
    /// The address people use to reach the platform, e.g. https://fazhi.wolong.gov.cn: links
    /// and the Open311 discovery document use it (never the Host header); https:// makes
    /// cookies Secure. Default: http://LISTEN when that is a concrete address.
    #[arg(long, env = "FAZHI_PUBLIC_URL")]
    pub public_url: Option<PublicUrl>,
    /// Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For names
    /// the real client; rate limits then key on that client. Default: none.
    #[arg(long, env = "FAZHI_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: Networks,
    /// Clients (addresses or networks, comma-separated; `none` for nobody) that may read
    /// /metrics without a token.
    #[arg(long, env = "FAZHI_METRICS_ALLOW", default_value = "127.0.0.0/8,::1")]
    pub metrics_allow: Networks,
    /// File holding a bearer token that opens /metrics from any address.
    #[arg(long, env = "FAZHI_METRICS_TOKEN_FILE")]
    pub metrics_token_file: Option<PathBuf>,
    /// Log lines as JSON (one object per line, with a line per request) or as text.
    /// Default: json for `serve`, text for `demo`.
    #[arg(long, env = "FAZHI_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    /// Benchmarks only: most complaints the intake writes in one commit (1 to 256, default
    /// 256); 1 gives one commit per complaint, the baseline group commit is measured against
    /// (`scripts/bench_open311`, ADR 006).
    #[arg(long, env = "FAZHI_INTAKE_MAX_BATCH", hide = true,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub intake_max_batch: Option<u16>,
}

/// Where the audit checkpoints are signed and kept.
#[derive(Debug, Args)]
pub struct AuditKeyArgs {
    /// Ed25519 key signing the audit checkpoints (PKCS#8 PEM), made by `fazhi audit keygen`;
    /// keep it outside the data directory and the database.
    #[arg(long, env = "FAZHI_AUDIT_KEY")]
    pub audit_key: Option<PathBuf>,
    /// Directory the signed checkpoints are appended to (one file per month); keep it where
    /// the database and its users cannot write (another disk, `chattr +a`, or shipped off).
    #[arg(long, env = "FAZHI_AUDIT_CHECKPOINTS")]
    pub audit_checkpoints: Option<PathBuf>,
    /// Entries between two automatic checkpoints (one is also taken every hour).
    #[arg(long, env = "FAZHI_AUDIT_CHECKPOINT_EVERY", default_value_t = crate::service::audit_checkpoint::DEFAULT_EVERY)]
    pub audit_checkpoint_every: i64,
}

impl AuditKeyArgs {
    /// The loaded checkpoint settings; `None` when neither the key nor the directory is given.
    fn load(&self) -> anyhow::Result<Option<service::audit_checkpoint::CheckpointSettings>> {
        match (&self.audit_key, &self.audit_checkpoints) {
            (Some(key), Some(dir)) => {
                Ok(Some(service::audit_checkpoint::CheckpointSettings::load(
                    key,
                    dir,
                    self.audit_checkpoint_every,
                )?))
            }
            (None, None) => Ok(None),
            _ => anyhow::bail!(
                "--audit-key 与 --audit-checkpoints 须同时给出（--audit-key and --audit-checkpoints go together）"
            ),
        }
    }
}

#[derive(Debug, Args)]
pub struct DbArgs {
    /// Data directory (embedded database, evidence files).
    #[arg(long, env = "FAZHI_DATA_DIR", default_value = "fazhi-data")]
    pub data_dir: PathBuf,
    /// `postgres://…` for PostgreSQL; default: SQLite in the data directory.
    #[arg(long, env = "FAZHI_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Check a case timeline (YAML or JSON) and print violations and deadlines as JSON.
    /// Exit status: 0 no violation, 1 violations found, 2 invalid input.
    Check {
        file: PathBuf,
        /// Evaluation date for deadline statuses (default: today).
        #[arg(long)]
        today: Option<NaiveDate>,
        #[arg(long, env = "FAZHI_RULES")]
        rules: Option<PathBuf>,
        #[arg(long, env = "FAZHI_CALENDAR")]
        calendar: Option<PathBuf>,
        /// Violation catalogue (TOML); default: the shipped sample.
        #[arg(long)]
        catalogue: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Re-check the audit log's hash chain and, with --checkpoints, every entry against the
    /// signed checkpoints; exit status 1 when it was tampered with.
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// Directory of signed checkpoints to check the chain against.
        #[arg(
            long,
            visible_alias = "audit-checkpoints",
            env = "FAZHI_AUDIT_CHECKPOINTS"
        )]
        checkpoints: Option<PathBuf>,
        /// The signing key (its public half is used), as given to `serve`.
        #[arg(long, env = "FAZHI_AUDIT_KEY")]
        audit_key: Option<PathBuf>,
        /// Public keys (`<key>.pub`) whose checkpoints are trusted; for auditors who do
        /// not hold the signing key. May be repeated (after a key change).
        #[arg(long)]
        audit_public_key: Vec<PathBuf>,
    },
    /// Create the Ed25519 key that signs audit checkpoints (and `<file>.pub`); never
    /// overwrites an existing key.
    Keygen {
        #[arg(long, env = "FAZHI_AUDIT_KEY")]
        audit_key: PathBuf,
    },
    /// Sign a checkpoint now over every entry not yet covered.
    Checkpoint {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        audit: AuditKeyArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Add a period to a date: `5wd` working days, `15d` days, `6m` months.
    Add {
        date: NaiveDate,
        span: String,
        #[arg(long, env = "FAZHI_CALENDAR")]
        calendar: Option<PathBuf>,
    },
    /// Load the holiday arrangement(s) of a data file (the format of data/calendar/cn.toml,
    /// one or more years) into the database: validated, stored with an audit entry, effective
    /// on every server within seconds. Prints the open cases' and complaints' deadlines that
    /// moved.
    Load {
        file: PathBuf,
        /// The administrator or legal reviewer in whose name the load is recorded.
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

/// A service refusal as the command's error: its Chinese message, or the cause of an
/// internal failure.
fn service_error(e: service::ServiceError) -> anyhow::Error {
    match e {
        service::ServiceError::Internal(cause) => cause,
        other => anyhow::anyhow!("{other}"),
    }
}

/// What `serve` prints when the database has no account yet.
fn init_hint(db: &DbArgs) -> String {
    let target = match &db.database_url {
        Some(_) => "--database-url <同上 / as above>".to_string(),
        None => format!("--data-dir {}", db.data_dir.display()),
    };
    format!(
        "数据库中还没有任何用户账号，无法登录。请先创建本局和第一个系统管理员（密码随后输入）：\n  \
         fazhi init --bureau \"南阳市卧龙区城市管理局\" --admin admin --audit-key <密钥文件> --audit-checkpoints <检查点目录> {target}\n\
         The database has no user account yet, so nobody can log in. Create the bureau and its first administrator (the password is asked for next):\n  \
         fazhi init --bureau \"<bureau name>\" --admin <user name> --audit-key <key file> --audit-checkpoints <checkpoint dir> {target}"
    )
}

/// The application state for a one-off command on the given database.
async fn state_for(db: &DbArgs) -> anyhow::Result<crate::service::AppState> {
    let settings = settings_for(SocketAddr::from(([127, 0, 0, 1], 0)), db);
    build_state(settings, Arc::new(SystemClock)).await
}

/// A new password: asked for twice on a terminal, otherwise the first line of standard
/// input (for scripts: `echo "$PW" | fazhi init …`).
fn read_new_password(username: &str) -> anyhow::Result<Secret> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!(
            "“{username}”的新密码（至少10个字符）/ new password for {username}: "
        ))?;
        let again = rpassword::prompt_password("再输入一次 / once more: ")?;
        anyhow::ensure!(
            first == again,
            "两次输入的密码不一致（the two passwords differ）"
        );
        Ok(Secret::new(first))
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        let password = line.trim_end_matches(['\n', '\r']).to_string();
        anyhow::ensure!(
            !password.is_empty(),
            "标准输入中没有密码（no password on standard input）"
        );
        Ok(Secret::new(password))
    }
}

/// `fazhi user …`: each a call into the account use cases as the operator (`system`).
async fn run_user(command: UserCommand) -> anyhow::Result<i32> {
    use service::auth::Role;
    match command {
        UserCommand::Create {
            username,
            name,
            role,
            unit,
            db,
        } => {
            let role = Role::parse(role.trim())
                .or_else(|| Role::ALL.into_iter().find(|r| r.label() == role.trim()))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "未知角色“{role}”；可用：{}",
                        Role::ALL
                            .iter()
                            .map(|r| format!("{}（{}）", r.as_str(), r.label()))
                            .collect::<Vec<_>>()
                            .join("、")
                    )
                })?;
            let state = state_for(&db).await?;
            let unit = service::org_unit::resolve(&state, &unit)
                .await
                .map_err(service_error)?;
            let password = read_new_password(&username)?;
            let user = service::auth::create_user_as(
                &state,
                None,
                service::auth::NewUser {
                    username,
                    password: password.expose().to_string(),
                    display_name: name,
                    role,
                    org_unit_id: unit.id,
                    officer_id: None,
                },
                true,
            )
            .await
            .map_err(service_error)?;
            println!(
                "已创建账号 {}（{}，{}，{}）；首次登录须修改密码。",
                user.username,
                user.display_name,
                user.role.label(),
                user.org_unit_name
            );
        }
        UserCommand::ResetPassword { username, db } => {
            let state = state_for(&db).await?;
            let id = service::account::id_of(&state, &username)
                .await
                .map_err(service_error)?;
            let password = read_new_password(&username)?;
            service::account::reset_password(&state, None, &id, password.expose())
                .await
                .map_err(service_error)?;
            println!("已重置 {username} 的密码；其会话和令牌已全部结束，下次登录须修改密码。");
        }
        UserCommand::Disable { username, db } => {
            set_active(&username, &db, false).await?;
            println!("已停用账号 {username}；其会话和令牌已全部结束。");
        }
        UserCommand::Enable { username, db } => {
            set_active(&username, &db, true).await?;
            println!("已启用账号 {username}。");
        }
    }
    Ok(0)
}

async fn set_active(username: &str, db: &DbArgs, active: bool) -> anyhow::Result<()> {
    let state = state_for(db).await?;
    let id = service::account::id_of(&state, username)
        .await
        .map_err(service_error)?;
    service::account::set_active(&state, None, &id, active)
        .await
        .map_err(service_error)?;
    Ok(())
}

/// Where people reach the running server: the public URL, else the bound address.
fn base_url(public_url: Option<&PublicUrl>, bound: SocketAddr) -> String {
    match public_url {
        Some(u) => u.origin().to_string(),
        None => format!("http://{bound}"),
    }
}

fn settings_for(listen: SocketAddr, db: &DbArgs) -> Settings {
    let mut s = Settings::embedded(listen, &db.data_dir);
    if let Some(url) = &db.database_url {
        s.database_url = Secret::new(url.clone());
    }
    s
}

fn with_files(mut s: Settings, server: &ServerArgs) -> anyhow::Result<Settings> {
    s.login_rate_per_minute = server.rate_per_minute;
    s.portal_rate_per_minute = server.portal_rate_per_minute;
    s.portal_map_tile_url = server.portal_map_tile_url.clone();
    anyhow::ensure!(
        server.session_minutes >= 5,
        "--session-minutes must be at least 5"
    );
    anyhow::ensure!(
        !server.case_no_prefix.trim().is_empty(),
        "--case-no-prefix must not be empty"
    );
    anyhow::ensure!(
        server.complaint_reopen_window_days >= 0
            && server.complaint_duplicate_window_days >= 0
            && server.complaint_near_due_hours >= 1
            && server.complaint_duplicate_radius_m >= 0.0,
        "complaint settings must not be negative (near-due hours at least 1)"
    );
    s.session_minutes = server.session_minutes;
    s.secure_cookies = server.secure_cookies;
    s.case_no_prefix = server.case_no_prefix.trim().to_string();
    s.complaint_reopen_window_days = server.complaint_reopen_window_days;
    s.complaint_duplicate_radius_m = server.complaint_duplicate_radius_m;
    s.complaint_duplicate_window_days = server.complaint_duplicate_window_days;
    s.complaint_near_due_hours = server.complaint_near_due_hours;
    anyhow::ensure!(
        server.complaint_retention_days >= 30,
        "--complaint-retention-days must be at least 30"
    );
    s.complaint_retention_days = server.complaint_retention_days;
    s.audit_checkpoints = server.audit.load()?;
    s.public_url = server
        .public_url
        .clone()
        .or_else(|| PublicUrl::from_listen(server.listen));
    s.trusted_proxies = server.trusted_proxies.clone();
    s.metrics_networks = server.metrics_allow.clone();
    if let Some(p) = &server.metrics_token_file {
        let token = std::fs::read_to_string(p)
            .with_context(|| format!("cannot read metrics token file {}", p.display()))?;
        let token = token.trim();
        anyhow::ensure!(
            token.len() >= 16,
            "the metrics token in {} must be at least 16 characters",
            p.display()
        );
        s.metrics_token = Some(Secret::new(token));
    }
    if let Some(p) = &server.rules {
        s = s.with_rules_file(p)?;
    }
    if let Some(p) = &server.calendar {
        s = s.with_calendar_file(p)?;
    }
    if let Some(p) = &server.document_templates {
        s = s.with_document_templates_file(p)?;
    }
    s.soffice = server.soffice.clone();
    if let Some(n) = server.intake_max_batch {
        s.intake_max_batch = usize::from(n);
    }
    if let Some(p) = &server.complaint_categories {
        s = s.with_complaint_categories_file(p)?;
    }
    Ok(s)
}

/// Runs the parsed command; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Serve { server, db } => {
            let settings = with_files(settings_for(server.listen, &db), &server)?;
            let unsigned = settings.audit_checkpoints.is_none();
            let state = build_state(settings, Arc::new(SystemClock)).await?;
            let empty = service::setup::needs_init(&state)
                .await
                .map_err(service_error)?;
            if unsigned && !server.no_audit_checkpoints {
                // A bureau's very first start: say how to create the bureau, its
                // administrator and the audit key before refusing to run unsigned.
                if empty {
                    println!("{}", init_hint(&db));
                }
                anyhow::bail!(
                    "未配置审计检查点：请用 `fazhi init` 或 `fazhi audit keygen --audit-key 文件` 生成签名密钥，并给出 --audit-key 与 --audit-checkpoints；\
                     确需不签检查点运行时加 --no-audit-checkpoints。\n\
                     (no audit checkpoints configured: give --audit-key and --audit-checkpoints, or --no-audit-checkpoints)"
                );
            }
            if unsigned {
                tracing::warn!(
                    "RUNNING WITHOUT SIGNED AUDIT CHECKPOINTS (--no-audit-checkpoints): whoever can write the database can rewrite the audit trail undetected"
                );
            }
            crate::spawn_maintenance(&state);
            let public_url = state.settings.public_url.clone();
            let app = Application::bind(state, server.listen).await?;
            let base = base_url(public_url.as_ref(), app.local_addr()?);
            println!(
                "fazhi 已启动：工作台 {base}/ · 市民投诉 {base}/portal · 接口文档 {base}/api/v1/docs"
            );
            if empty {
                println!("{}", init_hint(&db));
            }
            if public_url.is_none() {
                tracing::warn!(
                    "no --public-url: the Open311 discovery document gives a relative address"
                );
            }
            app.serve().await?;
            Ok(0)
        }
        Command::Demo { server, data_dir } => {
            std::fs::create_dir_all(&data_dir)?;
            for f in ["fazhi.db", "fazhi.db-wal", "fazhi.db-shm"] {
                let p = data_dir.join(f);
                if p.exists() {
                    std::fs::remove_file(&p)
                        .with_context(|| format!("cannot reset {}", p.display()))?;
                }
            }
            let mut settings = with_files(Settings::embedded(server.listen, &data_dir), &server)?;
            if settings.audit_checkpoints.is_none() {
                settings.audit_checkpoints = Some(service::audit_checkpoint::demo_settings(
                    &data_dir,
                    server.audit.audit_checkpoint_every,
                )?);
            }
            let state = build_state(settings, Arc::new(SystemClock)).await?;
            service::demo::seed(&state)
                .await
                .map_err(|e| anyhow::anyhow!("demo data: {e:?}"))?;
            crate::spawn_maintenance(&state);
            let public_url = state.settings.public_url.clone();
            let app = Application::bind(state, server.listen).await?;
            let addr = base_url(public_url.as_ref(), app.local_addr()?);
            println!("fazhi 演示环境已启动（数据目录 {}）", data_dir.display());
            println!("  工作台：  {addr}/  （用下列演示账号登录）");
            println!("  市民投诉：{addr}/portal");
            println!("  接口文档：{addr}/api/v1/docs");
            println!("  OpenAPI： {addr}/api/v1/openapi.json");
            println!("  演示账号（密码均为 {}）：", service::demo::DEMO_PASSWORD);
            for (user, role) in service::demo::DEMO_USERS {
                println!("    {user:<12} {role}");
            }
            println!(
                "  登录示例：curl -c c.txt -H 'Content-Type: application/json' -d '{{\"username\":\"juzhang\",\"password\":\"{}\"}}' {addr}/api/v1/sessions",
                service::demo::DEMO_PASSWORD
            );
            println!("  Open311：  {addr}/open311/v2/discovery.json");
            println!(
                "  Open311 演示密钥（api_key）：{}",
                service::demo::DEMO_OPEN311_KEY
            );
            println!(
                "  提交示例：curl -s --data-urlencode api_key={} --data-urlencode service_code=zhan_dao_jing_ying --data-urlencode 'attribute[stall_kind]=mobile' --data-urlencode 'address_string=卧龙路与工业路交叉口' --data-urlencode 'description=路口有流动摊贩占道' {addr}/open311/v2/requests.json",
                service::demo::DEMO_OPEN311_KEY
            );
            app.serve().await?;
            Ok(0)
        }
        Command::Init {
            bureau,
            admin,
            name,
            audit_key,
            audit_checkpoints,
            db,
        } => {
            let state = state_for(&db).await?;
            anyhow::ensure!(
                service::setup::needs_init(&state)
                    .await
                    .map_err(service_error)?,
                "数据库中已有用户账号，不能再次初始化（accounts already exist; init runs only once）"
            );
            let password = read_new_password(&admin)?;
            // The key first: a refused password leaves it for the next attempt to reuse.
            if !audit_key.exists() {
                service::audit_checkpoint::create_key_file(&audit_key)?;
            }
            std::fs::create_dir_all(&audit_checkpoints)
                .with_context(|| format!("cannot create {}", audit_checkpoints.display()))?;
            let report = service::setup::init(
                &state,
                service::setup::InitRequest {
                    bureau: &bureau,
                    admin_username: &admin,
                    admin_display_name: &name,
                    password: &password,
                },
            )
            .await
            .map_err(service_error)?;
            println!(
                "已创建“{}”和系统管理员“{}”（用户名 {}）。请用该账号登录工作台，建立中队、股室和人员账号。",
                report.bureau.name, report.admin.display_name, report.admin.username
            );
            println!(
                "Created {} and its administrator {}; log in to the back office to add squads, offices and accounts.",
                report.bureau.name, report.admin.username
            );
            println!(
                "审计检查点签名密钥：{}（公钥 {}）。启动服务时请加上 / start the server with:\n  --audit-key {} --audit-checkpoints {}",
                audit_key.display(),
                service::audit_checkpoint::public_key_path(&audit_key).display(),
                audit_key.display(),
                audit_checkpoints.display()
            );
            Ok(0)
        }
        Command::User { command } => run_user(command).await,
        Command::Backup { to, db } => {
            let settings = settings_for(SocketAddr::from(([127, 0, 0, 1], 0)), &db);
            if db.database_url.is_none() {
                anyhow::ensure!(
                    db.data_dir.join(service::backup::SQLITE_FILE).is_file(),
                    "数据目录 {} 中没有数据库（no database in the data directory）",
                    db.data_dir.display()
                );
            }
            let conn = Db::connect_only(settings.database_url.expose()).await?;
            let report = service::backup::backup(
                &conn,
                &settings.database_url,
                &db.data_dir,
                &to,
                SystemClock.now(),
            )
            .await?;
            println!(
                "备份完成：{}（{} 数据库 + {} 个文件，共 {:.1} MB，数据库 {:.1} 秒，总计 {:.1} 秒）",
                report.dir.display(),
                report.database,
                report.files,
                report.bytes as f64 / 1e6,
                report.database_seconds,
                report.total_seconds
            );
            Ok(0)
        }
        Command::Restore { from, force, db } => {
            let url = db.database_url.clone().map(Secret::new);
            let report = service::backup::restore(&from, &db.data_dir, url.as_ref(), force).await?;
            println!(
                "已恢复数据库和 {} 个文件到 {}（应用迁移：{:?}）",
                report.files,
                db.data_dir.display(),
                report.migrations_applied
            );
            if report.audit.ok {
                println!("审计日志完整：共{}条，哈希链校验通过", report.audit.entries);
                Ok(0)
            } else {
                println!("{}", serde_json::to_string_pretty(&report.audit)?);
                eprintln!(
                    "恢复后的审计日志校验未通过：发现{}处问题",
                    report.audit.problems.len()
                );
                Ok(1)
            }
        }
        Command::Migrate { db } => {
            let settings = settings_for(SocketAddr::from(([127, 0, 0, 1], 0)), &db);
            if settings.database_url.expose().starts_with("sqlite:") {
                std::fs::create_dir_all(&db.data_dir)?;
            }
            let db = Db::connect_only(settings.database_url.expose()).await?;
            let applied = db.migrate().await?;
            println!("数据库已是最新版本（本次应用迁移：{applied:?}）");
            Ok(0)
        }
        Command::Case {
            command:
                CaseCommand::Check {
                    file,
                    today,
                    rules,
                    calendar,
                    catalogue,
                },
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("无法读取 {}", file.display()))?;
            let mut settings =
                Settings::embedded(SocketAddr::from(([127, 0, 0, 1], 0)), &PathBuf::from("."));
            if let Some(p) = &rules {
                settings = settings.with_rules_file(p)?;
            }
            if let Some(p) = &calendar {
                settings = settings.with_calendar_file(p)?;
            }
            let catalogue = match &catalogue {
                Some(p) => Catalogue::from_toml_str(&std::fs::read_to_string(p)?)
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
                None => Catalogue::sample(),
            };
            let timeline = match Timeline::parse(&text) {
                Ok(t) => t,
                Err(e) => {
                    println!(
                        "{}",
                        serde_json::json!({"error": {"code": "invalid_timeline", "message": e.to_string()}})
                    );
                    return Ok(2);
                }
            };
            let ctx = CheckContext {
                calendar: &settings.calendar,
                rules: &settings.base_rules,
                catalogue: Some(&catalogue),
                today: today.unwrap_or_else(|| SystemClock.today()),
            };
            match check_timeline(&timeline, &ctx) {
                Ok(report) => {
                    println!("{}", serde_json::to_string_pretty(&report)?);
                    Ok(if report.violations.is_empty() { 0 } else { 1 })
                }
                Err(e) => {
                    println!(
                        "{}",
                        serde_json::json!({"error": {"code": e.code(), "message": e.to_string()}})
                    );
                    Ok(2)
                }
            }
        }
        Command::Audit {
            command:
                AuditCommand::Verify {
                    db,
                    checkpoints,
                    audit_key,
                    audit_public_key,
                },
        } => {
            let mut trusted = Vec::new();
            for p in audit_key.iter().chain(&audit_public_key) {
                trusted.push(service::audit_checkpoint::load_public_key(p)?);
            }
            anyhow::ensure!(
                checkpoints.is_none() || !trusted.is_empty(),
                "核对检查点需要签名公钥：请给出 --audit-key 或 --audit-public-key（a trusted key is needed to check the checkpoints）"
            );
            let settings = settings_for(SocketAddr::from(([127, 0, 0, 1], 0)), &db);
            let db = Db::connect(settings.database_url.expose()).await?;
            let mut conn = db.pool.acquire().await?;
            let report = match &checkpoints {
                Some(dir) => {
                    service::audit_checkpoint::verify_against(&mut conn, dir, &trusted).await?
                }
                None => service::audit::verify(&mut conn).await?,
            };
            println!("{}", serde_json::to_string_pretty(&report)?);
            if let Some(c) = &report.checkpoints {
                eprintln!(
                    "检查点：{}个，签名覆盖至第{}条；其后{}条尚未签入检查点",
                    c.checkpoints, c.covered_through, c.not_covered
                );
            }
            if report.ok {
                eprintln!("审计日志完整：共{}条，哈希链校验通过", report.entries);
                Ok(0)
            } else {
                eprintln!("审计日志被篡改：发现{}处问题", report.problems.len());
                for p in &report.problems {
                    eprintln!("  {}", p.message);
                }
                Ok(1)
            }
        }
        Command::Audit {
            command: AuditCommand::Keygen { audit_key },
        } => {
            let public = service::audit_checkpoint::create_key_file(&audit_key)?;
            println!("{}", hex::encode(public.as_bytes()));
            eprintln!(
                "已生成审计检查点签名密钥 {}（公钥 {}）。请备份私钥并限制其读取权限；公钥可交审计人员核对检查点。",
                audit_key.display(),
                service::audit_checkpoint::public_key_path(&audit_key).display()
            );
            Ok(0)
        }
        Command::Audit {
            command: AuditCommand::Checkpoint { db, audit },
        } => {
            let checkpoints = audit.load()?.ok_or_else(|| {
                anyhow::anyhow!("需要 --audit-key 与 --audit-checkpoints（both are required）")
            })?;
            let settings = settings_for(SocketAddr::from(([127, 0, 0, 1], 0)), &db);
            let db = Db::connect(settings.database_url.expose()).await?;
            let taken = service::audit_checkpoint::take(
                &db,
                &checkpoints,
                SystemClock.now(),
                service::audit_checkpoint::Reason::Manual,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", serde_json::to_string(&taken)?);
            eprintln!(
                "已签署{}个检查点，审计链签名覆盖至第{}条（共{}条）",
                taken.written, taken.covered_through, taken.head
            );
            Ok(0)
        }
        Command::Complaint {
            command:
                ComplaintCommand::ErasePersonalData {
                    complaint_retention_days,
                    db,
                },
        } => {
            anyhow::ensure!(
                complaint_retention_days >= 30,
                "--complaint-retention-days must be at least 30"
            );
            let mut settings = settings_for(SocketAddr::from(([127, 0, 0, 1], 0)), &db);
            settings.complaint_retention_days = complaint_retention_days;
            let state = build_state(settings, Arc::new(SystemClock)).await?;
            let erased = service::personal_data::erase_expired(&state, None)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", serde_json::to_string(&erased)?);
            eprintln!(
                "已删除{}件保存期满（{}天）投诉的个人信息，删除上传文件{}个；审计链未改动",
                erased.complaints, complaint_retention_days, erased.files
            );
            Ok(0)
        }
        Command::Open311 {
            command:
                Open311Command::Key {
                    command: Open311KeyCommand::Create { name, db },
                },
        } => {
            let settings = settings_for(SocketAddr::from(([127, 0, 0, 1], 0)), &db);
            let state = build_state(settings, Arc::new(SystemClock)).await?;
            let (key, secret) = service::complaint::create_key(&state, None, &name)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", secret.expose());
            eprintln!(
                "已为“{}”签发 Open311 API 密钥（编号 {}）。密钥只显示这一次，请妥善保存；数据库只保存其 SHA-256 摘要。",
                key.name, key.id
            );
            Ok(0)
        }
        Command::Calendar {
            command: CalendarCommand::Load { file, as_user, db },
        } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("无法读取 {}：{e}", file.display()))?;
            let state = state_for(&db).await?;
            let user = service::auth::as_user(&state, &as_user)
                .await
                .map_err(service_error)?;
            let outcome = service::calendar::load_toml(&state, &user, &text, "cli")
                .await
                .map_err(service_error)?;
            let years: Vec<String> = outcome.years.iter().map(|y| format!("{y}年")).collect();
            println!("已载入{}的节假日安排。", years.join("、"));
            if outcome.moved.is_empty() {
                println!("在办案件和诉求的期限均未变化。");
            } else {
                println!("以下期限因此变化（原期限 → 新期限）：");
                for m in &outcome.moved {
                    let kind = if m.kind == "case" { "案件" } else { "诉求" };
                    println!(
                        "  {kind} {} {} {}：{} → {}",
                        m.number, m.name, m.what, m.old, m.new
                    );
                }
            }
            Ok(0)
        }
        Command::Calendar {
            command:
                CalendarCommand::Add {
                    date,
                    span,
                    calendar,
                },
        } => {
            let mut settings =
                Settings::embedded(SocketAddr::from(([127, 0, 0, 1], 0)), &PathBuf::from("."));
            if let Some(p) = &calendar {
                settings = settings.with_calendar_file(p)?;
            }
            let span: fazhi_calendar::Span = span.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            let result = settings
                .calendar
                .add_span(date, span, settings.base_rules.rest_days)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            const WEEK: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
            use chrono::Datelike;
            println!(
                "{result}（星期{}）",
                WEEK[result.weekday().num_days_from_monday() as usize]
            );
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(args: &[&str]) -> (ServerArgs, DbArgs) {
        let mut argv = vec!["fazhi", "serve"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv).map(|c| c.command) {
            Ok(Command::Serve { server, db }) => (server, db),
            other => panic!("not a serve command: {other:?}"),
        }
    }

    #[test]
    fn server_flags_reach_the_settings() {
        let (s, db) = server(&[
            "--session-minutes",
            "30",
            "--case-no-prefix",
            "宛城管罚",
            "--complaint-near-due-hours",
            "48",
            "--complaint-reopen-window-days",
            "30",
            "--portal-rate-per-minute",
            "5",
            "--secure-cookies",
            "--complaint-categories",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/complaints/categories.toml"
            ),
        ]);
        let settings = with_files(settings_for(s.listen, &db), &s).expect("valid");
        assert_eq!(settings.session_minutes, 30);
        assert_eq!(settings.case_no_prefix, "宛城管罚");
        assert_eq!(settings.complaint_near_due_hours, 48);
        assert_eq!(settings.complaint_reopen_window_days, 30);
        assert_eq!(settings.portal_rate_per_minute, 5);
        assert_eq!(settings.portal_map_tile_url, None);
        assert!(settings.secure_cookies);
        assert!(settings.complaint_categories_file.is_some());
        assert_eq!(
            settings.complaint_intake.categories.len(),
            crate::service::complaint::IntakeSettings::shipped()
                .expect("shipped")
                .categories
                .len()
        );
    }

    #[test]
    fn nonsense_server_flags_are_refused_with_a_reason() {
        let (s, db) = server(&["--complaint-near-due-hours", "0"]);
        let err = with_files(settings_for(s.listen, &db), &s).expect_err("refused");
        assert!(err.to_string().contains("near-due"), "{err}");
        let (s, db) = server(&["--session-minutes", "1"]);
        assert!(with_files(settings_for(s.listen, &db), &s).is_err());
    }
}
