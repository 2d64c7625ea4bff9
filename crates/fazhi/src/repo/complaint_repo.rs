//! Complaints (投诉举报), their categories (= Open311 services), history notes and uploaded
//! media (the Open311 client keys are `open311_key_repo`). SQL only: the rules live in
//! `service::complaint`.
//! Reporter columns (`reporter_*`) are personal data; this module returns them, and every
//! public surface must leave them out.

use super::multi_row::{chunk_sizes, placeholders, values_rows};
use crate::infra::db::Backend;
use sqlx::{AnyConnection, FromRow, Row};

/// One stored complaint, every column.
#[derive(Debug, Clone, Default, FromRow)]
pub struct ComplaintRow {
    pub id: String,
    pub service_request_id: String,
    pub token: String,
    pub service_code: String,
    pub jurisdiction_id: String,
    pub org_unit_id: Option<String>,
    pub agency_responsible: Option<String>,
    pub channel: String,
    pub state: String,
    pub description: Option<String>,
    pub lat: Option<String>,
    pub lon: Option<String>,
    pub address_string: Option<String>,
    pub address_id: Option<String>,
    pub reporter_first_name: Option<String>,
    pub reporter_last_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub reporter_email: Option<String>,
    pub reporter_device_id: Option<String>,
    pub reporter_account_id: Option<String>,
    /// JSON object: attribute code → string, or array of strings for a multivaluelist.
    pub attributes: String,
    pub media_url: Option<String>,
    pub service_notice: Option<String>,
    pub open311_key_id: Option<String>,
    pub expected_at: Option<String>,
    pub requested_at: String,
    pub updated_at: String,
    pub closed_at: Option<String>,
    pub version: i64,
    // ---- workflow (migration 0003) ----
    /// The real state of the closed loop (`service::complaint_workflow::Stage`).
    pub stage: String,
    pub dispatched_at: Option<String>,
    /// First answer to the citizen (counts for "answered on time").
    pub first_replied_at: Option<String>,
    pub reply: Option<String>,
    pub final_state: Option<String>,
    pub final_reason: Option<String>,
    pub routed_to: Option<String>,
    pub duplicate_of: Option<String>,
    pub tag_721: Option<String>,
    pub rating: Option<String>,
    pub rating_score: Option<i64>,
    pub rated_at: Option<String>,
    pub followed_up_at: Option<String>,
    pub reopen_count: i64,
    pub supervision_level: i64,
}

macro_rules! complaint_cols {
    () => {
        "id, service_request_id, token, service_code, jurisdiction_id, org_unit_id, agency_responsible, \
         channel, state, description, lat, lon, address_string, address_id, reporter_first_name, \
         reporter_last_name, reporter_phone, reporter_email, reporter_device_id, reporter_account_id, \
         attributes, media_url, service_notice, open311_key_id, expected_at, requested_at, updated_at, \
         closed_at, version, stage, dispatched_at, first_replied_at, reply, final_state, final_reason, \
         routed_to, duplicate_of, tag_721, rating, rating_score, rated_at, followed_up_at, reopen_count, \
         supervision_level"
    };
}

/// The columns a public view of a complaint needs: no personal data, no workflow details
/// beyond what `status_notes` shows.
#[derive(Debug, Clone, FromRow, serde::Deserialize)]
pub struct PublicRow {
    pub id: String,
    pub service_request_id: String,
    pub service_code: String,
    pub agency_responsible: Option<String>,
    pub channel: String,
    pub state: String,
    pub description: Option<String>,
    pub lat: Option<String>,
    pub lon: Option<String>,
    pub address_string: Option<String>,
    pub address_id: Option<String>,
    /// Empty unless the attributes were asked for (`extensions`).
    pub attributes: String,
    pub media_url: Option<String>,
    pub service_notice: Option<String>,
    pub expected_at: Option<String>,
    pub requested_at: String,
    pub updated_at: String,
    pub stage: String,
    pub final_state: Option<String>,
}

/// The columns of [`PublicRow`], the attributes left empty.
macro_rules! public_cols {
    () => {
        "id, service_request_id, service_code, agency_responsible, channel, state, description, \
         lat, lon, address_string, address_id, '' AS attributes, media_url, service_notice, \
         expected_at, requested_at, updated_at, stage, final_state"
    };
}

/// The columns of [`PublicRow`] with the attributes.
macro_rules! public_cols_with_attributes {
    () => {
        "id, service_request_id, service_code, agency_responsible, channel, state, description, \
         lat, lon, address_string, address_id, attributes, media_url, service_notice, \
         expected_at, requested_at, updated_at, stage, final_state"
    };
}

/// The columns an intake writes (the workflow columns start at their defaults).
macro_rules! insert_cols {
    () => {
        "id, service_request_id, token, service_code, jurisdiction_id, org_unit_id, agency_responsible, \
         channel, state, description, lat, lon, address_string, address_id, reporter_first_name, \
         reporter_last_name, reporter_phone, reporter_email, reporter_device_id, reporter_account_id, \
         attributes, media_url, service_notice, open311_key_id, expected_at, requested_at, updated_at, \
         closed_at, version"
    };
}

/// One history entry of a complaint.
#[derive(Debug, Clone, FromRow)]
pub struct NoteRow {
    pub complaint_id: String,
    pub seq: i64,
    pub at: String,
    pub note_type: String,
    pub summary: String,
    pub description: Option<String>,
    pub actor: String,
    pub public: i64,
}

/// One uploaded file of a complaint (the bytes are `<data-dir>/evidence/<sha256>`).
#[derive(Debug, Clone, FromRow)]
pub struct MediaRow {
    pub id: String,
    pub complaint_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: String,
}

/// A stored category: its code, its JSON document and whether it is offered.
#[derive(Debug, Clone, FromRow)]
pub struct CategoryRow {
    pub code: String,
    pub entry: String,
    pub sort_order: i64,
    pub active: i64,
    pub updated_at: String,
}

/// What `GET requests` filters on; every field is optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub service_codes: Vec<String>,
    /// `Some(true)`: closed only; `Some(false)`: open only; `None`: both.
    pub closed: Option<bool>,
    pub requested_from: Option<String>,
    pub requested_to: Option<String>,
    pub updated_from: Option<String>,
    pub updated_to: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

enum Bind {
    Text(String),
    Int(i64),
}

// ---- categories --------------------------------------------------------------------------

pub async fn categories(conn: &mut AnyConnection) -> Result<Vec<CategoryRow>, sqlx::Error> {
    super::fetch::all(conn, "SELECT code, entry, sort_order, active, updated_at FROM complaint_categories ORDER BY sort_order, code", &[]).await
}

/// Inserts a category unless one with the same code exists; true when inserted.
pub async fn insert_category_if_absent(
    conn: &mut AnyConnection,
    code: &str,
    entry: &str,
    sort_order: i64,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO complaint_categories (code, entry, sort_order, active, updated_at) \
         VALUES ($1, $2, $3, 1, $4) ON CONFLICT (code) DO NOTHING",
    )
    .bind(code)
    .bind(entry)
    .bind(sort_order)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Writes a category as given (insert or replace its entry, order and state).
pub async fn upsert_category(
    conn: &mut AnyConnection,
    code: &str,
    entry: &str,
    sort_order: i64,
    active: bool,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO complaint_categories (code, entry, sort_order, active, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO UPDATE SET \
         entry = excluded.entry, sort_order = excluded.sort_order, active = excluded.active, \
         updated_at = excluded.updated_at",
    )
    .bind(code)
    .bind(entry)
    .bind(sort_order)
    .bind(i64::from(active))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

// ---- complaints --------------------------------------------------------------------------

/// The next number of the day `day` (`YYYYMMDD`), starting at 1.
pub async fn next_number(conn: &mut AnyConnection, day: &str) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO complaint_counters (day, n) VALUES ($1, 1) \
         ON CONFLICT (day) DO UPDATE SET n = complaint_counters.n + 1 RETURNING n",
    )
    .bind(day)
    .fetch_one(conn)
    .await?;
    row.try_get("n")
}

/// Reserves `count` consecutive numbers of the day `day`; returns the last one (the first
/// is `last - count + 1`).
pub async fn reserve_numbers(
    conn: &mut AnyConnection,
    day: &str,
    count: i64,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO complaint_counters (day, n) VALUES ($1, $2) \
         ON CONFLICT (day) DO UPDATE SET n = complaint_counters.n + excluded.n RETURNING n",
    )
    .bind(day)
    .bind(count)
    .fetch_one(conn)
    .await?;
    row.try_get("n")
}

/// Inserts many complaints with multi-row `INSERT`s (group commit of the intake).
pub async fn insert_many(
    conn: &mut AnyConnection,
    rows: &[ComplaintRow],
) -> Result<(), sqlx::Error> {
    let mut rest = rows;
    for size in chunk_sizes(rows.len(), 29) {
        let (chunk, tail) = rest.split_at(size);
        rest = tail;
        let sql = format!(
            concat!("INSERT INTO complaints (", insert_cols!(), ") VALUES {}"),
            values_rows(conn, size, 29)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for c in chunk {
            q = q
                .bind(&c.id)
                .bind(&c.service_request_id)
                .bind(&c.token)
                .bind(&c.service_code)
                .bind(&c.jurisdiction_id)
                .bind(&c.org_unit_id)
                .bind(&c.agency_responsible)
                .bind(&c.channel)
                .bind(&c.state)
                .bind(&c.description)
                .bind(&c.lat)
                .bind(&c.lon)
                .bind(&c.address_string)
                .bind(&c.address_id)
                .bind(&c.reporter_first_name)
                .bind(&c.reporter_last_name)
                .bind(&c.reporter_phone)
                .bind(&c.reporter_email)
                .bind(&c.reporter_device_id)
                .bind(&c.reporter_account_id)
                .bind(&c.attributes)
                .bind(&c.media_url)
                .bind(&c.service_notice)
                .bind(&c.open311_key_id)
                .bind(&c.expected_at)
                .bind(&c.requested_at)
                .bind(&c.updated_at)
                .bind(&c.closed_at)
                .bind(c.version);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Inserts many history entries with multi-row `INSERT`s.
pub async fn insert_notes(conn: &mut AnyConnection, notes: &[NoteRow]) -> Result<(), sqlx::Error> {
    let mut rest = notes;
    for size in chunk_sizes(notes.len(), 8) {
        let (chunk, tail) = rest.split_at(size);
        rest = tail;
        let sql = format!(
            "INSERT INTO complaint_notes (complaint_id, seq, at, note_type, summary, description, actor, public) VALUES {}",
            values_rows(conn, size, 8)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for n in chunk {
            q = q
                .bind(&n.complaint_id)
                .bind(n.seq)
                .bind(&n.at)
                .bind(&n.note_type)
                .bind(&n.summary)
                .bind(&n.description)
                .bind(&n.actor)
                .bind(n.public);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Inserts one complaint (the same statement as a batch of one).
pub async fn insert(conn: &mut AnyConnection, c: &ComplaintRow) -> Result<(), sqlx::Error> {
    insert_many(conn, std::slice::from_ref(c)).await
}

pub async fn by_request_id(
    conn: &mut AnyConnection,
    service_request_id: &str,
) -> Result<Option<ComplaintRow>, sqlx::Error> {
    super::fetch::one(
        conn,
        concat!(
            "SELECT ",
            complaint_cols!(),
            " FROM complaints WHERE service_request_id = $1"
        ),
        &[service_request_id],
    )
    .await
}

pub async fn by_token(
    conn: &mut AnyConnection,
    token: &str,
) -> Result<Option<ComplaintRow>, sqlx::Error> {
    super::fetch::one(
        conn,
        concat!(
            "SELECT ",
            complaint_cols!(),
            " FROM complaints WHERE token = $1"
        ),
        &[token],
    )
    .await
}

/// The complaints with these `service_request_id`s (at most 1,000 ids are looked up),
/// newest first.
pub async fn by_request_ids(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<ComplaintRow>, sqlx::Error> {
    by_request_ids_as(conn, complaint_cols!(), ids).await
}

/// [`by_request_ids`], public columns only (attributes when `attributes` is set).
pub async fn public_by_request_ids(
    conn: &mut AnyConnection,
    ids: &[String],
    attributes: bool,
) -> Result<Vec<PublicRow>, sqlx::Error> {
    by_request_ids_as(conn, public_columns(attributes), ids).await
}

/// One complaint by `service_request_id`, public columns only.
pub async fn public_by_request_id(
    conn: &mut AnyConnection,
    service_request_id: &str,
    attributes: bool,
) -> Result<Option<PublicRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {} FROM complaints WHERE service_request_id = $1",
        public_columns(attributes)
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(service_request_id)
        .fetch_optional(conn)
        .await
}

fn public_columns(attributes: bool) -> &'static str {
    if attributes {
        public_cols_with_attributes!()
    } else {
        public_cols!()
    }
}

async fn by_request_ids_as<T>(
    conn: &mut AnyConnection,
    columns: &str,
    ids: &[String],
) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let ids = &ids[..ids.len().min(1000)];
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {columns} FROM complaints WHERE service_request_id IN ({}) ORDER BY requested_at DESC, service_request_id DESC",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(id.clone());
    }
    query.fetch_all(conn).await
}

/// Complaints matching `filter`, newest first (`requested_at`, then id, so pages are stable).
pub async fn search(
    conn: &mut AnyConnection,
    filter: &Filter,
) -> Result<Vec<ComplaintRow>, sqlx::Error> {
    search_as(conn, complaint_cols!(), filter).await
}

/// [`search`], public columns only (attributes when `attributes` is set): what the public
/// listing reads. The page comes back as one JSON array built by the database (one row
/// instead of up to 1,000: the embedded driver hands every row from its worker thread to
/// the async side one by one, and that hand-off cost more than the query).
pub async fn public_search(
    conn: &mut AnyConnection,
    backend: Backend,
    filter: &Filter,
    attributes: bool,
) -> Result<Vec<PublicRow>, sqlx::Error> {
    let (where_sql, binds) = filter_sql(filter);
    let order = "requested_at DESC, service_request_id DESC";
    let fields = [
        "id",
        "service_request_id",
        "service_code",
        "agency_responsible",
        "channel",
        "state",
        "description",
        "lat",
        "lon",
        "address_string",
        "address_id",
        "attributes",
        "media_url",
        "service_notice",
        "expected_at",
        "requested_at",
        "updated_at",
        "stage",
        "final_state",
    ]
    .iter()
    .map(|f| format!("'{f}', {f}"))
    .collect::<Vec<_>>()
    .join(", ");
    // SQLite compares text byte by byte (BINARY), as Rust does, so its page is put back in
    // order below instead of sorting it a second time in the aggregate; PostgreSQL's text
    // order depends on the collation, so it keeps the order in SQL.
    let (object, array, aggregate_order) = match backend {
        Backend::Sqlite => ("json_object", "json_group_array", String::new()),
        Backend::Postgres => (
            "json_build_object",
            "json_agg",
            format!(" ORDER BY {order}"),
        ),
    };
    let sql = format!(
        "SELECT COALESCE(CAST({array}({object}({fields}){aggregate_order}) AS TEXT), '[]') \
         FROM (SELECT {columns} FROM complaints{where_sql} ORDER BY {order} LIMIT ${} OFFSET ${}) AS page",
        binds.len() - 1,
        binds.len(),
        columns = public_columns(attributes),
    );
    let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
    for b in binds {
        query = match b {
            Bind::Text(s) => query.bind(s),
            Bind::Int(i) => query.bind(i),
        };
    }
    let json = query.fetch_one(conn).await?;
    let mut rows: Vec<PublicRow> =
        serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    if backend == Backend::Sqlite {
        // Already in order in practice (the page is read in index order), so this is one
        // linear pass; it makes the order independent of how SQLite aggregates.
        rows.sort_by(|a, b| {
            (&b.requested_at, &b.service_request_id).cmp(&(&a.requested_at, &a.service_request_id))
        });
    }
    Ok(rows)
}

/// The `WHERE` clause of `filter` and its parameters, then the limit and offset.
fn filter_sql(filter: &Filter) -> (String, Vec<Bind>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut binds: Vec<Bind> = Vec::new();
    if !filter.service_codes.is_empty() {
        clauses.push(format!(
            "service_code IN ({})",
            placeholders(binds.len() + 1, filter.service_codes.len())
        ));
        binds.extend(filter.service_codes.iter().cloned().map(Bind::Text));
    }
    match filter.closed {
        Some(true) => clauses.push("state = 'closed'".into()),
        Some(false) => clauses.push("state <> 'closed'".into()),
        None => {}
    }
    for (column, op, value) in [
        ("requested_at", ">=", &filter.requested_from),
        ("requested_at", "<=", &filter.requested_to),
        ("updated_at", ">=", &filter.updated_from),
        ("updated_at", "<=", &filter.updated_to),
    ] {
        if let Some(v) = value {
            binds.push(Bind::Text(v.clone()));
            clauses.push(format!("{column} {op} ${}", binds.len()));
        }
    }
    let where_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    binds.push(Bind::Int(filter.limit));
    binds.push(Bind::Int(filter.offset));
    (where_sql, binds)
}

async fn search_as<T>(
    conn: &mut AnyConnection,
    columns: &str,
    filter: &Filter,
) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let (where_sql, binds) = filter_sql(filter);
    let sql = format!(
        "SELECT {columns} FROM complaints{where_sql} ORDER BY requested_at DESC, service_request_id DESC LIMIT ${} OFFSET ${}",
        binds.len() - 1,
        binds.len()
    );
    let mut query = sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql));
    for b in binds {
        query = match b {
            Bind::Text(s) => query.bind(s),
            Bind::Int(i) => query.bind(i),
        };
    }
    query.fetch_all(conn).await
}

// ---- notes and media ---------------------------------------------------------------------

/// Inserts one history entry (the same statement as a batch of one).
pub async fn insert_note(conn: &mut AnyConnection, n: &NoteRow) -> Result<(), sqlx::Error> {
    insert_notes(conn, std::slice::from_ref(n)).await
}

/// The public notes of these complaints, in order.
pub async fn public_notes_of(
    conn: &mut AnyConnection,
    complaint_ids: &[&str],
) -> Result<Vec<NoteRow>, sqlx::Error> {
    if complaint_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    // Chunks keep the parameter count well below both backends' limits.
    for chunk in complaint_ids.chunks(500) {
        let sql = format!(
            "SELECT complaint_id, seq, at, note_type, summary, description, actor, public \
             FROM complaint_notes WHERE public = 1 AND complaint_id IN ({}) ORDER BY complaint_id, seq",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query_as::<_, NoteRow>(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id.to_string());
        }
        out.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

pub async fn insert_media(conn: &mut AnyConnection, m: &MediaRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO complaint_media (id, complaint_id, file_name, content_type, size_bytes, sha256, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&m.id)
    .bind(&m.complaint_id)
    .bind(&m.file_name)
    .bind(&m.content_type)
    .bind(m.size_bytes)
    .bind(&m.sha256)
    .bind(&m.uploaded_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The uploaded files of these complaints, in upload order.
pub async fn media_of(
    conn: &mut AnyConnection,
    complaint_ids: &[&str],
) -> Result<Vec<MediaRow>, sqlx::Error> {
    if complaint_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for chunk in complaint_ids.chunks(500) {
        let sql = format!(
            "SELECT id, complaint_id, file_name, content_type, size_bytes, sha256, uploaded_at \
             FROM complaint_media WHERE complaint_id IN ({}) ORDER BY complaint_id, uploaded_at, id",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query_as::<_, MediaRow>(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id.to_string());
        }
        out.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

// ---- workflow (migration 0003) -----------------------------------------------------------

pub async fn by_id(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<ComplaintRow>, sqlx::Error> {
    super::fetch::one(
        conn,
        concat!(
            "SELECT ",
            complaint_cols!(),
            " FROM complaints WHERE id = $1"
        ),
        &[id],
    )
    .await
}

/// Writes every workflow field of `c` and bumps the version, only if the stored version is
/// still `c.version`; false when another writer won.
pub async fn update_workflow(
    conn: &mut AnyConnection,
    c: &ComplaintRow,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE complaints SET service_code = $1, org_unit_id = $2, agency_responsible = $3, state = $4, \
         stage = $5, expected_at = $6, updated_at = $7, closed_at = $8, dispatched_at = $9, \
         first_replied_at = $10, reply = $11, final_state = $12, final_reason = $13, routed_to = $14, \
         duplicate_of = $15, tag_721 = $16, rating = $17, rating_score = $18, rated_at = $19, \
         followed_up_at = $20, reopen_count = $21, supervision_level = $22, version = version + 1 \
         WHERE id = $23 AND version = $24",
    )
    .bind(&c.service_code)
    .bind(&c.org_unit_id)
    .bind(&c.agency_responsible)
    .bind(&c.state)
    .bind(&c.stage)
    .bind(&c.expected_at)
    .bind(&c.updated_at)
    .bind(&c.closed_at)
    .bind(&c.dispatched_at)
    .bind(&c.first_replied_at)
    .bind(&c.reply)
    .bind(&c.final_state)
    .bind(&c.final_reason)
    .bind(&c.routed_to)
    .bind(&c.duplicate_of)
    .bind(&c.tag_721)
    .bind(&c.rating)
    .bind(c.rating_score)
    .bind(&c.rated_at)
    .bind(&c.followed_up_at)
    .bind(c.reopen_count)
    .bind(c.supervision_level)
    .bind(&c.id)
    .bind(c.version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Complaints for the workflow lists: `open_only` leaves out closed ones; `from`/`to` bound
/// `requested_at`. Newest first, at most `limit`.
pub async fn list(
    conn: &mut AnyConnection,
    open_only: bool,
    from: Option<&str>,
    to: Option<&str>,
    limit: i64,
) -> Result<Vec<ComplaintRow>, sqlx::Error> {
    let sql = format!(
        concat!(
            "SELECT ",
            complaint_cols!(),
            " FROM complaints WHERE ({}) AND ($1 = '' OR requested_at >= $1) AND ($2 = '' OR requested_at < $2) \
             ORDER BY requested_at DESC, id DESC LIMIT $3"
        ),
        if open_only {
            "state <> 'closed'"
        } else {
            "1 = 1"
        }
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(from.unwrap_or(""))
        .bind(to.unwrap_or(""))
        .bind(limit)
        .fetch_all(conn)
        .await
}

/// Unanswered complaints that carry a due time (for the overdue and near-due lists).
pub async fn unanswered(conn: &mut AnyConnection) -> Result<Vec<ComplaintRow>, sqlx::Error> {
    super::fetch::all(
        conn,
        concat!(
            "SELECT ",
            complaint_cols!(),
            " FROM complaints WHERE stage IN ('received', 'dispatched', 'handling', 'reopened') \
         AND expected_at IS NOT NULL ORDER BY expected_at, id"
        ),
        &[],
    )
    .await
}

/// Same-category complaints with coordinates filed since `since` (duplicate candidates).
pub async fn same_category_since(
    conn: &mut AnyConnection,
    service_code: &str,
    since: &str,
) -> Result<Vec<ComplaintRow>, sqlx::Error> {
    super::fetch::all(
        conn,
        concat!(
            "SELECT ",
            complaint_cols!(),
            " FROM complaints WHERE service_code = $1 AND requested_at >= $2 AND lat IS NOT NULL \
         ORDER BY requested_at DESC, id DESC LIMIT 1000"
        ),
        &[service_code, since],
    )
    .await
}

/// Complaints merged into `master_id`.
pub async fn merged_into(
    conn: &mut AnyConnection,
    master_id: &str,
) -> Result<Vec<ComplaintRow>, sqlx::Error> {
    super::fetch::all(
        conn,
        concat!(
            "SELECT ",
            complaint_cols!(),
            " FROM complaints WHERE duplicate_of = $1 ORDER BY requested_at, id"
        ),
        &[master_id],
    )
    .await
}

/// The next free history sequence number of a complaint.
pub async fn next_note_seq(
    conn: &mut AnyConnection,
    complaint_id: &str,
) -> Result<i64, sqlx::Error> {
    let n: Option<i64> =
        sqlx::query_scalar("SELECT MAX(seq) FROM complaint_notes WHERE complaint_id = $1")
            .bind(complaint_id)
            .fetch_one(conn)
            .await?;
    Ok(n.map_or(0, |n| n + 1))
}

/// Every note of a complaint (public and internal), in order.
pub async fn notes_of(
    conn: &mut AnyConnection,
    complaint_id: &str,
) -> Result<Vec<NoteRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT complaint_id, seq, at, note_type, summary, description, actor, public \
         FROM complaint_notes WHERE complaint_id = $1 ORDER BY seq",
    )
    .bind(complaint_id)
    .fetch_all(conn)
    .await
}

/// One 督办 record.
#[derive(Debug, Clone, FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct SupervisionRow {
    pub id: String,
    pub complaint_id: String,
    /// 1 催办, 2 督办, 3 挂牌督办 (leader).
    pub level: i64,
    pub reason: String,
    pub at: String,
    pub actor: String,
}

pub async fn insert_supervision(
    conn: &mut AnyConnection,
    s: &SupervisionRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO complaint_supervisions (id, complaint_id, level, reason, at, actor) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&s.id)
    .bind(&s.complaint_id)
    .bind(s.level)
    .bind(&s.reason)
    .bind(&s.at)
    .bind(&s.actor)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn supervisions_of(
    conn: &mut AnyConnection,
    complaint_id: &str,
) -> Result<Vec<SupervisionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, complaint_id, level, reason, at, actor FROM complaint_supervisions \
         WHERE complaint_id = $1 ORDER BY at, id",
    )
    .bind(complaint_id)
    .fetch_all(conn)
    .await
}

/// One 核查 photo.
#[derive(Debug, Clone, FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct PhotoRow {
    pub id: String,
    pub complaint_id: String,
    /// `before` or `after`.
    pub kind: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: String,
    pub uploaded_by: String,
}

pub async fn insert_photo(conn: &mut AnyConnection, p: &PhotoRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO complaint_photos (id, complaint_id, kind, file_name, content_type, size_bytes, sha256, uploaded_at, uploaded_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&p.id)
    .bind(&p.complaint_id)
    .bind(&p.kind)
    .bind(&p.file_name)
    .bind(&p.content_type)
    .bind(p.size_bytes)
    .bind(&p.sha256)
    .bind(&p.uploaded_at)
    .bind(&p.uploaded_by)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn photos_of(
    conn: &mut AnyConnection,
    complaint_id: &str,
) -> Result<Vec<PhotoRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, complaint_id, kind, file_name, content_type, size_bytes, sha256, uploaded_at, uploaded_by \
         FROM complaint_photos WHERE complaint_id = $1 ORDER BY uploaded_at, id",
    )
    .bind(complaint_id)
    .fetch_all(conn)
    .await
}

pub async fn link_case(
    conn: &mut AnyConnection,
    case_id: &str,
    complaint_id: &str,
    at: &str,
    by: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO case_complaints (case_id, complaint_id, linked_at, linked_by) VALUES ($1, $2, $3, $4)")
        .bind(case_id)
        .bind(complaint_id)
        .bind(at)
        .bind(by)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ids of the cases a complaint became the lead of.
pub async fn cases_of_complaint(
    conn: &mut AnyConnection,
    complaint_id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT case_id FROM case_complaints WHERE complaint_id = $1 ORDER BY linked_at, case_id",
    )
    .bind(complaint_id)
    .fetch_all(conn)
    .await
}

/// Ids of the complaints linked to a case.
pub async fn complaints_of_case(
    conn: &mut AnyConnection,
    case_id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT complaint_id FROM case_complaints WHERE case_id = $1 ORDER BY linked_at, complaint_id",
    )
    .bind(case_id)
    .fetch_all(conn)
    .await
}

// ---- erasure of personal data after retention (migration 0010) ---------------------------

/// How many complaints closed before `closed_before` still hold their personal data.
pub async fn count_erasable(
    conn: &mut AnyConnection,
    closed_before: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM complaints WHERE state = 'closed' AND closed_at < $1 \
         AND personal_data_erased_at IS NULL",
    )
    .bind(closed_before)
    .fetch_one(conn)
    .await
}

/// Ids of at most `limit` complaints closed before `closed_before` that still hold their
/// personal data, the longest closed first.
pub async fn erasable_ids(
    conn: &mut AnyConnection,
    closed_before: &str,
    limit: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM complaints WHERE state = 'closed' AND closed_at < $1 \
         AND personal_data_erased_at IS NULL ORDER BY closed_at, id LIMIT $2",
    )
    .bind(closed_before)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Empties the reporter's fields, the description, the answers (`attributes`) and the media
/// URL of a complaint, stores the (masked) staff texts `reply` and `final_reason`, marks it
/// erased at `now` and bumps its version.
pub async fn erase_personal_fields(
    conn: &mut AnyConnection,
    id: &str,
    (reply, final_reason): (Option<&str>, Option<&str>),
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE complaints SET description = NULL, reporter_first_name = NULL, \
         reporter_last_name = NULL, reporter_phone = NULL, reporter_email = NULL, \
         reporter_device_id = NULL, reporter_account_id = NULL, media_url = NULL, \
         attributes = '{}', reply = $1, final_reason = $2, personal_data_erased_at = $3, \
         version = version + 1 WHERE id = $4",
    )
    .bind(reply)
    .bind(final_reason)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Empties the texts of a complaint's notes that hold what the citizen wrote (the
/// submission, the rating comment, the reasons for reopening).
pub async fn clear_citizen_note_texts(
    conn: &mut AnyConnection,
    complaint_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE complaint_notes SET description = NULL WHERE complaint_id = $1 \
         AND note_type IN ('submitted', 'rated', 'reopened')",
    )
    .bind(complaint_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces the text of one note.
pub async fn set_note_description(
    conn: &mut AnyConnection,
    complaint_id: &str,
    seq: i64,
    description: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE complaint_notes SET description = $1 WHERE complaint_id = $2 AND seq = $3")
        .bind(description)
        .bind(complaint_id)
        .bind(seq)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets the uploaded files of a complaint (the files themselves are the caller's).
pub async fn delete_media_of(
    conn: &mut AnyConnection,
    complaint_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM complaint_media WHERE complaint_id = $1")
        .bind(complaint_id)
        .execute(conn)
        .await?;
    Ok(())
}
