//! The error every use case returns, in domain words. Each surface maps it once
//! (`web/error.rs` for JSON); internal failures carry their cause for the log only.

use fazhi_domain::Violation;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("未登录或会话已过期")]
    Unauthenticated,
    #[error("无权执行该操作")]
    Forbidden,
    /// The step belongs to another post: the message names it ("法制审核需由法制审核员办理").
    #[error("{message}")]
    WrongPost { message: String },
    /// Too many failed logins for this account or address: wait and try again.
    #[error("{message}")]
    Throttled {
        message: String,
        retry_after_seconds: i64,
    },
    #[error("{what}不存在")]
    NotFound { what: &'static str },
    #[error("{message}")]
    Invalid {
        code: &'static str,
        message: String,
        field: Option<String>,
        /// The procedure rule that refuses, with its basis (`hotline_closed_loop`, …), when
        /// the refusal is a rule's.
        rule: Option<(&'static str, &'static str)>,
    },
    #[error("{message}")]
    Duplicate { field: String, message: String },
    #[error("记录已被他人修改（当前版本 {current}），请刷新后重试")]
    VersionConflict { current: i64 },
    #[error("该操作违反法定程序，已被拒绝")]
    RuleViolations {
        violations: Vec<Violation>,
        /// The step is only late: a leader may record it with `late_reason`.
        late_reason_accepted: bool,
    },
    #[error("内部错误")]
    Internal(#[from] anyhow::Error),
}

impl ServiceError {
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
            field: None,
            rule: None,
        }
    }
    pub fn invalid_field(
        code: &'static str,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
            field: Some(field.into()),
            rule: None,
        }
    }
}

/// A step the complaint procedure refuses: 422 with its code, the rule and its basis.
impl From<fazhi_domain::complaint::Refusal> for ServiceError {
    fn from(r: fazhi_domain::complaint::Refusal) -> Self {
        Self::Invalid {
            code: r.code,
            message: r.message,
            field: None,
            rule: Some((r.rule.as_str(), r.rule.basis())),
        }
    }
}

impl From<sqlx::Error> for ServiceError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(d) = &e
            && d.kind() == sqlx::error::ErrorKind::UniqueViolation
        {
            return Self::Duplicate {
                field: d.constraint().unwrap_or("").to_string(),
                message: "记录重复：该编号或名称已存在".to_string(),
            };
        }
        Self::Internal(anyhow::Error::new(e))
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;
