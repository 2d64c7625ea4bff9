//! Penalty cases (行政处罚案件) and their recorded events, plus evidence file records.
//! Events are stored in the public case-timeline format (docs/case-timeline.md).

use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct CaseRow {
    pub id: String,
    /// 案件编号, e.g. 卧城管罚〔2025〕12号
    pub case_no: String,
    pub org_unit_id: String,
    pub party_kind: String,
    pub party_name: String,
    /// 不满十四周岁 (individuals only; no penalty, 行政处罚法第三十条)
    pub party_minor_under_14: i64,
    /// 出生日期 (individuals only, optional; 行政处罚法第三十条, migration 0012)
    pub party_birth_date: Option<String>,
    pub procedure: String,
    pub act_date: String,
    pub violation_code: Option<String>,
    pub serious_harm: i64,
    pub major: i64,
    pub stage: String,
    pub open: i64,
    /// Optimistic-locking version: every change must name the version it read.
    pub version: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    /// Earliest open legal deadline (list queries only; see migration 0007).
    #[sqlx(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_due: Option<String>,
    #[sqlx(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_due_rule: Option<String>,
}

#[derive(Debug, Clone, FromRow)]
pub struct EventRow {
    pub seq: i64,
    pub on_date: String,
    pub event_type: String,
    pub event: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct EvidenceRow {
    pub id: String,
    pub case_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

macro_rules! case_cols {
    () => {
        "id, case_no, org_unit_id, party_kind, party_name, party_minor_under_14, procedure, act_date, violation_code, serious_harm, major, stage, open, version, created_by, created_at, updated_at, party_birth_date"
    };
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<CaseRow>, sqlx::Error> {
    super::fetch::one(
        conn,
        concat!("SELECT ", case_cols!(), " FROM cases WHERE id = $1"),
        &[id],
    )
    .await
}

/// Cases of the given org units, newest first. Only the placeholders are generated; every
/// value is bound.
pub async fn list(
    conn: &mut AnyConnection,
    units: &[String],
    open_only: bool,
    limit: i64,
    offset: i64,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..units.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "SELECT {} FROM cases WHERE org_unit_id IN ({}){} ORDER BY created_at DESC, id LIMIT $1 OFFSET $2",
        case_cols!(),
        placeholders.join(", "),
        if open_only { " AND open = 1" } else { "" },
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .bind(offset);
    for unit in units {
        query = query.bind(unit);
    }
    query.fetch_all(conn).await
}

/// Open ordinary cases of the given units that are registered and not yet decided (the
/// candidates of the 法制审核 queue), oldest first.
pub async fn review_candidates(
    conn: &mut AnyConnection,
    units: &[String],
) -> Result<Vec<CaseRow>, sqlx::Error> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..units.len()).map(|i| format!("${}", i + 1)).collect();
    let sql = format!(
        "SELECT {} FROM cases WHERE org_unit_id IN ({}) AND open = 1 AND procedure = 'ordinary' \
         AND stage IN ('registered', 'investigating', 'notified', 'hearing_requested', 'hearing_scheduled', 'heard') \
         ORDER BY created_at, id LIMIT 10000",
        case_cols!(),
        placeholders.join(", "),
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for unit in units {
        query = query.bind(unit);
    }
    query.fetch_all(conn).await
}

pub async fn insert(conn: &mut AnyConnection, c: &CaseRow) -> Result<(), sqlx::Error> {
    sqlx::query(concat!(
        "INSERT INTO cases (",
        case_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
    ))
    .bind(&c.id)
    .bind(&c.case_no)
    .bind(&c.org_unit_id)
    .bind(&c.party_kind)
    .bind(&c.party_name)
    .bind(c.party_minor_under_14)
    .bind(&c.procedure)
    .bind(&c.act_date)
    .bind(&c.violation_code)
    .bind(c.serious_harm)
    .bind(c.major)
    .bind(&c.stage)
    .bind(c.open)
    .bind(c.version)
    .bind(&c.created_by)
    .bind(&c.created_at)
    .bind(&c.updated_at)
    .bind(&c.party_birth_date)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn count_in_year(conn: &mut AnyConnection, prefix: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE case_no LIKE $1")
        .bind(format!("{prefix}%"))
        .fetch_one(conn)
        .await
}

/// Moves the case to its new stage if (and only if) it is still at `expected_version`.
/// Returns false when someone else changed it first.
pub async fn bump(
    conn: &mut AnyConnection,
    id: &str,
    expected_version: i64,
    stage: &str,
    open: bool,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE cases SET version = version + 1, stage = $1, open = $2, updated_at = $3 WHERE id = $4 AND version = $5",
    )
    .bind(stage)
    .bind(i64::from(open))
    .bind(now)
    .bind(id)
    .bind(expected_version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn events(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<EventRow>, sqlx::Error> {
    super::fetch::all(conn, "SELECT seq, on_date, event_type, event, recorded_by, recorded_at FROM case_events WHERE case_id = $1 ORDER BY seq", &[case_id]).await
}

pub async fn insert_event(
    conn: &mut AnyConnection,
    case_id: &str,
    e: &EventRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_events (case_id, seq, on_date, event_type, event, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(case_id)
    .bind(e.seq)
    .bind(&e.on_date)
    .bind(&e.event_type)
    .bind(&e.event)
    .bind(&e.recorded_by)
    .bind(&e.recorded_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn insert_evidence(conn: &mut AnyConnection, e: &EvidenceRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO evidence_files (id, case_id, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&e.id)
    .bind(&e.case_id)
    .bind(&e.file_name)
    .bind(&e.content_type)
    .bind(e.size_bytes)
    .bind(&e.sha256)
    .bind(&e.uploaded_by)
    .bind(&e.uploaded_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn evidence_of(
    conn: &mut AnyConnection,
    case_id: &str,
) -> Result<Vec<EvidenceRow>, sqlx::Error> {
    super::fetch::all(conn, "SELECT id, case_id, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at FROM evidence_files WHERE case_id = $1 ORDER BY uploaded_at, id", &[case_id]).await
}

/// 当事人地址 (kept out of `CaseRow` so lists do not carry it).
pub async fn set_party_address(
    conn: &mut AnyConnection,
    id: &str,
    address: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE cases SET party_address = $1 WHERE id = $2")
        .bind(address)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// What the case list may be filtered by. Every value is bound, never spliced.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// `open`, `closed`, or a stage (`registered`, `decided`, …); `None` = all.
    pub state: Option<String>,
    pub org_unit_id: Option<String>,
    pub violation_code: Option<String>,
    pub officer_id: Option<String>,
    /// Registered (created) on or after / on or before, `YYYY-MM-DD`.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Only cases with an open legal deadline before `today`.
    pub overdue_before: Option<String>,
    /// Words that must all occur in the case's search text (Chinese substring match).
    pub words: Vec<String>,
    /// Only these cases (the review queue computed by the engine); empty = none.
    pub ids: Option<Vec<String>>,
}

/// Matches counted at most; the list shows "10000+" beyond.
pub const COUNT_CAP: i64 = 10_000;

/// One page of cases of the given org units matching `f` — newest first, or most overdue
/// first with the overdue filter — and how many match
/// (at most [`COUNT_CAP`]).
pub async fn search(
    conn: &mut AnyConnection,
    units: &[String],
    f: &CaseFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<CaseRow>, i64), sqlx::Error> {
    if units.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let mut binds: Vec<String> = Vec::new();
    let arg = |v: String, binds: &mut Vec<String>| {
        binds.push(v);
        format!("${}", binds.len())
    };
    let unit_list: Vec<String> = units.iter().map(|u| arg(u.clone(), &mut binds)).collect();
    let mut clauses = vec![format!("org_unit_id IN ({})", unit_list.join(", "))];
    match f.state.as_deref() {
        None | Some("") | Some("all") => {}
        Some("open") => clauses.push("open = 1".into()),
        Some("closed") => clauses.push("open = 0".into()),
        Some(stage) => clauses.push(format!("stage = {}", arg(stage.to_string(), &mut binds))),
    }
    if let Some(ids) = &f.ids {
        if ids.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let list: Vec<String> = ids.iter().map(|i| arg(i.clone(), &mut binds)).collect();
        clauses.push(format!("id IN ({})", list.join(", ")));
    }
    if let Some(u) = &f.org_unit_id {
        clauses.push(format!("org_unit_id = {}", arg(u.clone(), &mut binds)));
    }
    if let Some(v) = &f.violation_code {
        clauses.push(format!("violation_code = {}", arg(v.clone(), &mut binds)));
    }
    if let Some(o) = &f.officer_id {
        clauses.push(
            format!(
                "officer_ids LIKE {}",
                arg(format!("%|{}|%", escape_like(o)), &mut binds)
            ) + " ESCAPE '\\'",
        );
    }
    if let Some(d) = &f.from {
        clauses.push(format!("created_at >= {}", arg(d.clone(), &mut binds)));
    }
    if let Some(d) = &f.to {
        // Inclusive day: everything that starts with the day sorts before the next char.
        clauses.push(format!("created_at < {}", arg(format!("{d}~"), &mut binds)));
    }
    if let Some(t) = &f.overdue_before {
        clauses.push(format!(
            "open = 1 AND next_due IS NOT NULL AND next_due < {}",
            arg(t.clone(), &mut binds)
        ));
    }
    for w in &f.words {
        clauses.push(format!(
            "search_text LIKE {} ESCAPE '\\'",
            arg(format!("%{}%", escape_like(w)), &mut binds)
        ));
    }
    let filter = clauses.join(" AND ");
    // Counting stops at COUNT_CAP: beyond it the page says "10000+" instead of scanning on.
    let count_sql =
        format!("SELECT COUNT(*) FROM (SELECT 1 FROM cases WHERE {filter} LIMIT {COUNT_CAP}) AS c");
    let mut count = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql));
    for b in &binds {
        count = count.bind(b);
    }
    let total: i64 = count.fetch_one(&mut *conn).await?;
    let sql = format!(
        "SELECT {}, next_due, next_due_rule FROM cases WHERE {filter} ORDER BY {} LIMIT {} OFFSET {}",
        case_cols!(),
        // The overdue list: most overdue first (and the next_due index serves the order).
        if f.overdue_before.is_some() {
            "next_due, id"
        } else {
            "created_at DESC, id DESC"
        },
        limit.clamp(1, 500),
        offset.max(0)
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for b in &binds {
        query = query.bind(b);
    }
    Ok((query.fetch_all(conn).await?, total))
}

/// `%`, `_` and `\` taken literally in a LIKE pattern with `ESCAPE '\'`.
fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The derived columns of the case list (see migration 0007).
pub struct ListColumns<'a> {
    pub search_text: &'a str,
    pub officer_ids: &'a str,
    pub next_due: Option<&'a str>,
    pub next_due_rule: Option<&'a str>,
}

pub async fn set_list_columns(
    conn: &mut AnyConnection,
    case_id: &str,
    c: &ListColumns<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE cases SET search_text = $1, officer_ids = $2, next_due = $3, next_due_rule = $4 WHERE id = $5",
    )
    .bind(c.search_text)
    .bind(c.officer_ids)
    .bind(c.next_due)
    .bind(c.next_due_rule)
    .bind(case_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The earliest open legal deadline of a case: (due, rule).
pub async fn next_due(
    conn: &mut AnyConnection,
    case_id: &str,
) -> Result<Option<(Option<String>, Option<String>)>, sqlx::Error> {
    sqlx::query_as("SELECT next_due, next_due_rule FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_optional(conn)
        .await
}
