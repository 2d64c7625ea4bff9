//! Checking a paper case's timeline without storing it (`POST /api/v1/case-checks`): the
//! text is decoded and parsed here, then judged by the same engine as live cases
//! ([`super::case::run_check`]) with the stored catalogue, the bureau's calendar and rules,
//! on the caller's evaluation date or the injected clock's today.

use super::auth::CurrentUser;
use super::permissions::Action;
use super::{AppState, ServiceError, ServiceResult, case, catalogue};
use chrono::NaiveDate;
use fazhi_domain::{CheckReport, Timeline};

/// How the submitted timeline is written (docs/case-timeline.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelineFormat {
    Json,
    Yaml,
}

/// Every rule violation and every deadline of the submitted timeline. Text that is not
/// UTF-8 or not a timeline is `invalid_timeline` with a Chinese message; an input the engine
/// cannot judge carries the engine's own code.
pub async fn check(
    state: &AppState,
    actor: &CurrentUser,
    body: &[u8],
    format: TimelineFormat,
    today: Option<NaiveDate>,
) -> ServiceResult<CheckReport> {
    actor.require(Action::CheckTimeline)?;
    let text = std::str::from_utf8(body).map_err(|e| {
        ServiceError::invalid(
            "invalid_timeline",
            format!(
                "时间线不是UTF-8编码的文本（第{}个字节起无法解码），请以UTF-8保存后重新提交",
                e.valid_up_to() + 1
            ),
        )
    })?;
    let parsed = match format {
        TimelineFormat::Yaml => Timeline::from_yaml(text),
        TimelineFormat::Json => Timeline::parse(text),
    };
    let timeline = parsed.map_err(|e| ServiceError::invalid("invalid_timeline", e.to_string()))?;
    let mut conn = state.db.pool.acquire().await?;
    let catalogue = catalogue::load(&mut conn).await?;
    drop(conn);
    let today = today.unwrap_or_else(|| state.clock.today());
    let calendar = state.calendar().await?;
    let rules = state.rules().await?;
    case::run_check(&timeline, &calendar, &rules, &catalogue, today)
}
