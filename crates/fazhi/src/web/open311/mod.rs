//! The Open311 GeoReport v2 server under `/open311/v2/` (see `docs/open311.md`).
//!
//! Every resource answers in JSON or XML by its extension (`services.json`,
//! `requests/20261231-00001.xml`). Errors are the spec's `errors` documents with 400, 403
//! or 404. `api_key` is required only to POST a request. The routes sit behind their own
//! per-IP rate limit; a client over the limit gets 429 with a spec-style error body.

pub mod render;

use crate::service::complaint::{
    self, Category, Datatype, MediaUpload, NewComplaint, PublicRequest, RequestQuery,
};
use crate::service::{AppState, ServiceError};
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use render::{Doc, Format, Node, Stream};
use std::collections::BTreeMap;
use std::sync::Arc;
use tower_governor::GovernorLayer;
use tower_governor::governor::GovernorConfigBuilder;

/// The Open311 per-IP limit is this many times the login limit (`login_rate_per_minute`):
/// 600 requests a minute per client IP with the default of 30.
pub const RATE_FACTOR: u64 = 20;

/// The GeoReport v2 specification token used in discovery.
const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";

/// The Open311 routes, rate-limited per client IP, with spec-style answers for unknown paths.
pub fn router(state: &AppState) -> Router<AppState> {
    let routes = Router::new()
        .route("/discovery.json", get(discovery))
        .route("/discovery.xml", get(discovery))
        .route("/services.json", get(services))
        .route("/services.xml", get(services))
        .route("/services/{file}", get(service_definition))
        .route("/requests.json", get(list_requests).post(post_request))
        .route("/requests.xml", get(list_requests).post(post_request))
        .route("/requests/{file}", get(get_request))
        .route("/tokens/{file}", get(token))
        .fallback(|uri: Uri| async move {
            render::error(
                Format::of_path(uri.path()),
                StatusCode::NOT_FOUND,
                "资源不存在：Open311 接口地址形如 /open311/v2/services.json 或 .xml",
            )
        });
    let per_minute = u64::from(state.settings.login_rate_per_minute.max(1)) * RATE_FACTOR;
    let governor = GovernorConfigBuilder::default()
        .key_extractor(crate::web::client_ip::ClientKey)
        .period(std::time::Duration::from_micros(60_000_000 / per_minute))
        .burst_size(u32::try_from(per_minute).unwrap_or(u32::MAX))
        .finish()
        .map(Arc::new);
    let routes = match governor {
        Some(config) => routes.layer(GovernorLayer::new(config).error_handler(|e| {
            let (status, wait) = match e {
                tower_governor::GovernorError::TooManyRequests { wait_time, .. } => {
                    (StatusCode::TOO_MANY_REQUESTS, wait_time)
                }
                // No client address to key on (never with the real server).
                _ => (StatusCode::BAD_REQUEST, 0),
            };
            let mut response = status.into_response();
            response.extensions_mut().insert(Limited(wait));
            response
        })),
        None => routes,
    };
    routes.layer(middleware::from_fn(rate_limited_body))
}

/// Marks a bare answer of the rate limiter (seconds to wait).
#[derive(Debug, Clone, Copy)]
struct Limited(u64);

/// Gives the limiter's bare answers a spec-style body in the request's format.
async fn rate_limited_body(request: Request, next: Next) -> Response {
    let format = Format::of_path(request.uri().path());
    let response = next.run(request).await;
    let Some(Limited(wait)) = response.extensions().get::<Limited>().copied() else {
        return response;
    };
    if response.status() != StatusCode::TOO_MANY_REQUESTS {
        return render::error(
            format,
            StatusCode::BAD_REQUEST,
            "无法识别请求来源，请稍后重试",
        );
    }
    let wait = wait.max(1);
    let mut limited = render::error(
        format,
        StatusCode::TOO_MANY_REQUESTS,
        format!("请求过于频繁，请{wait}秒后再试"),
    );
    if let Ok(v) = wait.to_string().parse() {
        limited.headers_mut().insert(header::RETRY_AFTER, v);
    }
    limited
}

/// The response format taken from the path; unknown extensions are answered 404 (in XML).
struct Fmt(Format);

impl<S: Send + Sync> FromRequestParts<S> for Fmt {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let last = parts.uri.path().rsplit('/').next().unwrap_or("");
        last.rsplit_once('.')
            .and_then(|(_, ext)| Format::from_extension(ext))
            .map(Fmt)
            .ok_or_else(|| {
                render::error(
                    Format::Xml,
                    StatusCode::NOT_FOUND,
                    "不支持的格式：请在资源名后加 .json 或 .xml",
                )
            })
    }
}

/// `20261231-00001.json` → `20261231-00001`.
fn stem(file: &str) -> &str {
    file.rsplit_once('.').map_or(file, |(s, _)| s)
}

/// A service error in the spec's terms: 403 for the key, 404 for what does not exist,
/// 400 for everything else (including internal failures, logged here).
fn fail(format: Format, e: ServiceError) -> Response {
    let (status, description) = match &e {
        ServiceError::Forbidden | ServiceError::Unauthenticated => (
            StatusCode::FORBIDDEN,
            "api_key 缺失或无效，无法提交诉求（请使用签发给本接入单位的密钥）".to_string(),
        ),
        ServiceError::NotFound { .. } => (StatusCode::NOT_FOUND, e.to_string()),
        ServiceError::Invalid { code, .. }
            if *code == "service_code_not_found" || *code == "jurisdiction_not_found" =>
        {
            (StatusCode::NOT_FOUND, e.to_string())
        }
        ServiceError::Internal(cause) => {
            tracing::error!(error = %cause, "open311 internal error");
            (
                StatusCode::BAD_REQUEST,
                "服务暂时无法处理该请求，请稍后重试".to_string(),
            )
        }
        _ => (StatusCode::BAD_REQUEST, e.to_string()),
    };
    render::error(format, status, description)
}

fn bad_request(format: Format, description: impl Into<String>) -> Response {
    render::error(format, StatusCode::BAD_REQUEST, description)
}

/// Query parameters in order of appearance.
fn query_params(uri: &Uri) -> Result<Vec<(String, String)>, String> {
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map(|q| q.0)
        .map_err(|e| format!("查询参数无法解析：{}", e.body_text()))
}

/// The first non-empty value of `name` ("optional" means empty = absent).
fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .find(|v| !v.is_empty())
}

/// Every value of `name`, each split on commas (parameters "can be declared multiple times,
/// comma delimited").
fn list_param(params: &[(String, String)], name: &str) -> Vec<String> {
    params
        .iter()
        .filter(|(k, _)| k == name)
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// The 404 answer for a `jurisdiction_id` this server does not serve, if any.
fn jurisdiction_error(
    state: &AppState,
    format: Format,
    params: &[(String, String)],
) -> Option<Response> {
    complaint::check_jurisdiction(state, param(params, "jurisdiction_id"))
        .err()
        .map(|e| fail(format, e))
}

/// W3C date-times as GeoReport writes them, in China time: `2026-04-30T12:00:00+08:00`.
fn w3c(t: DateTime<Utc>) -> String {
    t.with_timezone(&complaint::china())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

// ---- discovery and services ---------------------------------------------------------------

/// The endpoint's address comes from `--public-url`, never from the request's `Host` or
/// `X-Forwarded-*` headers (a client choosing them must not be able to make the document
/// point elsewhere); without a public URL it is the path alone.
async fn discovery(State(state): State<AppState>, Fmt(format): Fmt) -> Response {
    let settings = complaint::settings(&state);
    let changeset = match complaint::categories_changeset(&state).await {
        Ok(t) => w3c(t),
        Err(e) => return fail(format, e),
    };
    let url = match &state.settings.public_url {
        Some(public) => public.join("/open311/v2"),
        None => "/open311/v2".to_string(),
    };
    Doc::new(
        "discovery",
        Node::Obj(vec![
            ("changeset", Node::str(changeset.clone())),
            ("contact", Node::str(settings.jurisdiction.contact.clone())),
            (
                "key_service",
                Node::str(settings.jurisdiction.key_service.clone()),
            ),
            (
                "endpoints",
                Node::List(
                    "endpoint",
                    vec![Node::Obj(vec![
                        ("specification", Node::str(SPECIFICATION)),
                        ("url", Node::str(url)),
                        ("changeset", Node::str(changeset)),
                        ("type", Node::str("production")),
                        (
                            "formats",
                            Node::List(
                                "format",
                                vec![Node::str("text/xml"), Node::str("application/json")],
                            ),
                        ),
                    ])],
                ),
            ),
        ]),
    )
    .respond(format, StatusCode::OK)
}

fn service_node(c: &Category) -> Node {
    Node::Obj(vec![
        ("service_code", Node::str(c.code.clone())),
        ("service_name", Node::str(c.name.clone())),
        ("description", Node::str(c.description.clone())),
        ("metadata", Node::Bool(!c.attributes.is_empty())),
        ("type", Node::str("realtime")),
        ("keywords", Node::str(c.keywords.join(", "))),
        ("group", Node::str(c.group_name.clone())),
    ])
}

async fn services(State(state): State<AppState>, Fmt(format): Fmt, uri: Uri) -> Response {
    let params = match query_params(&uri) {
        Ok(p) => p,
        Err(e) => return bad_request(format, e),
    };
    if let Some(r) = jurisdiction_error(&state, format, &params) {
        return r;
    }
    match complaint::categories(&state).await {
        Ok(list) => Doc::new(
            "services",
            Node::List("service", list.iter().map(service_node).collect()),
        )
        .respond(format, StatusCode::OK),
        Err(e) => fail(format, e),
    }
}

async fn service_definition(
    State(state): State<AppState>,
    Fmt(format): Fmt,
    Path(file): Path<String>,
    uri: Uri,
) -> Response {
    let params = match query_params(&uri) {
        Ok(p) => p,
        Err(e) => return bad_request(format, e),
    };
    if let Some(r) = jurisdiction_error(&state, format, &params) {
        return r;
    }
    let c = match complaint::category(&state, stem(&file)).await {
        Ok(c) => c,
        Err(e) => return fail(format, e),
    };
    let mut attributes: Vec<&complaint::Attribute> = c.attributes.iter().collect();
    attributes.sort_by_key(|a| a.order);
    let attributes = attributes
        .into_iter()
        .map(|a| {
            let mut fields = vec![
                ("variable", Node::Bool(a.variable)),
                ("code", Node::str(a.code.clone())),
                ("datatype", Node::str(a.datatype.as_str())),
                ("required", Node::Bool(a.required)),
                (
                    "datatype_description",
                    Node::opt(a.datatype_description.clone()),
                ),
                ("order", Node::int(i64::from(a.order))),
                ("description", Node::str(a.description.clone())),
            ];
            if matches!(
                a.datatype,
                Datatype::Singlevaluelist | Datatype::Multivaluelist
            ) {
                fields.push((
                    "values",
                    Node::List(
                        "value",
                        a.values
                            .iter()
                            .map(|v| {
                                Node::Obj(vec![
                                    ("key", Node::str(v.key.clone())),
                                    ("name", Node::str(v.name.clone())),
                                ])
                            })
                            .collect(),
                    ),
                ));
            }
            Node::Obj(fields)
        })
        .collect();
    Doc::new(
        "service_definition",
        Node::Obj(vec![
            ("service_code", Node::str(c.code.clone())),
            ("attributes", Node::List("attribute", attributes)),
        ]),
    )
    .respond(format, StatusCode::OK)
}

// ---- service requests -----------------------------------------------------------------------

/// The tree form of one request: the reference the streamed listing is tested against.
#[cfg(test)]
fn request_node(r: &PublicRequest, extensions: bool) -> Node {
    let mut fields = vec![
        (
            "service_request_id",
            Node::str(r.service_request_id.clone()),
        ),
        ("status", Node::str(r.status)),
        ("status_notes", Node::str(r.status_notes.clone())),
        ("service_name", Node::str(r.service_name.clone())),
        ("service_code", Node::str(r.service_code.clone())),
        ("description", Node::opt(r.description.clone())),
        (
            "agency_responsible",
            Node::opt(r.agency_responsible.clone()),
        ),
        ("service_notice", Node::opt(r.service_notice.clone())),
        ("requested_datetime", Node::str(w3c(r.requested_datetime))),
        ("updated_datetime", Node::str(w3c(r.updated_datetime))),
        ("expected_datetime", Node::opt(r.expected_datetime.map(w3c))),
        ("address", Node::opt(r.address.clone())),
        ("address_id", Node::opt(r.address_id.clone())),
        ("zipcode", Node::Null),
        ("lat", Node::float(r.lat)),
        ("long", Node::float(r.long)),
        ("media_url", Node::opt(r.media_url.clone())),
    ];
    if extensions {
        fields.push((
            "extended_attributes",
            Node::Obj(vec![
                ("channel", Node::str(r.channel.clone())),
                ("state", Node::str(r.state.clone())),
                (
                    "attributes",
                    Node::List(
                        "attribute",
                        r.answers
                            .iter()
                            .map(|a| {
                                Node::Obj(vec![
                                    ("label", Node::str(a.label.clone())),
                                    ("name", Node::str(a.name.clone())),
                                    ("value", Node::str(a.value.clone())),
                                    ("code", Node::str(a.code.clone())),
                                ])
                            })
                            .collect(),
                    ),
                ),
                (
                    "media",
                    Node::List(
                        "file",
                        r.media
                            .iter()
                            .map(|m| {
                                Node::Obj(vec![
                                    ("sha256", Node::str(m.sha256.clone())),
                                    ("content_type", Node::str(m.content_type.clone())),
                                    ("size_bytes", Node::int(m.size_bytes)),
                                ])
                            })
                            .collect(),
                    ),
                ),
            ]),
        ));
        fields.push((
            "notes",
            Node::List(
                "note",
                r.notes
                    .iter()
                    .map(|n| {
                        Node::Obj(vec![
                            ("datetime", Node::str(w3c(n.datetime))),
                            ("type", Node::str(n.note_type.clone())),
                            ("summary", Node::str(n.summary.clone())),
                            ("description", Node::opt(n.description.clone())),
                        ])
                    })
                    .collect(),
            ),
        ));
    }
    Node::Obj(fields)
}

/// A `w3c` date-time written in place (no allocation); chrono's own formatting for the
/// years and leap seconds the short form does not cover.
fn w3c_field(s: &mut Stream, name: &'static str, t: DateTime<Utc>) {
    use chrono::{Datelike, Timelike};
    let l = t.with_timezone(&complaint::china());
    if (0..=9999).contains(&l.year()) && l.nanosecond() < 1_000_000_000 {
        s.plain(
            name,
            format_args!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
                l.year(),
                l.month(),
                l.day(),
                l.hour(),
                l.minute(),
                l.second()
            ),
        );
    } else {
        s.str(name, &w3c(t));
    }
}

/// Writes one request as [`request_node`] would build it.
fn write_request(s: &mut Stream, r: &PublicRequest, extensions: bool) {
    s.open("request");
    s.str("service_request_id", &r.service_request_id);
    s.str("status", r.status);
    s.str("status_notes", &r.status_notes);
    s.str("service_name", &r.service_name);
    s.str("service_code", &r.service_code);
    s.opt("description", r.description.as_deref());
    s.opt("agency_responsible", r.agency_responsible.as_deref());
    s.opt("service_notice", r.service_notice.as_deref());
    w3c_field(s, "requested_datetime", r.requested_datetime);
    w3c_field(s, "updated_datetime", r.updated_datetime);
    match r.expected_datetime {
        Some(t) => w3c_field(s, "expected_datetime", t),
        None => s.null("expected_datetime"),
    }
    s.opt("address", r.address.as_deref());
    s.opt("address_id", r.address_id.as_deref());
    s.null("zipcode");
    s.float("lat", r.lat);
    s.float("long", r.long);
    s.opt("media_url", r.media_url.as_deref());
    if extensions {
        s.open("extended_attributes");
        s.str("channel", &r.channel);
        s.str("state", &r.state);
        s.open_list("attributes", "attribute");
        for a in &r.answers {
            s.open("attribute");
            s.str("label", &a.label);
            s.str("name", &a.name);
            s.str("value", &a.value);
            s.str("code", &a.code);
            s.close();
        }
        s.close();
        s.open_list("media", "file");
        for m in &r.media {
            s.open("file");
            s.str("sha256", &m.sha256);
            s.str("content_type", &m.content_type);
            s.raw("size_bytes", format_args!("{}", m.size_bytes));
            s.close();
        }
        s.close();
        s.close();
        s.open_list("notes", "note");
        for n in &r.notes {
            s.open("note");
            w3c_field(s, "datetime", n.datetime);
            s.str("type", &n.note_type);
            s.str("summary", &n.summary);
            s.opt("description", n.description.as_deref());
            s.close();
        }
        s.close();
    }
    s.close();
}

/// The `service_requests` answer, written straight into one buffer.
fn respond_requests(list: &[PublicRequest], extensions: bool, format: Format) -> Response {
    // About 1 KB a record in either format; a little more with the extensions.
    let per_record = if extensions { 1600 } else { 1024 };
    let mut s = Stream::list(
        format,
        "service_requests",
        "request",
        64 + list.len() * per_record,
    );
    for r in list {
        write_request(&mut s, r, extensions);
    }
    s.respond(StatusCode::OK)
}

fn flag(params: &[(String, String)], name: &str) -> bool {
    param(params, name)
        .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes"))
}

fn date_param(params: &[(String, String)], name: &str) -> Result<Option<DateTime<Utc>>, String> {
    match param(params, name) {
        None => Ok(None),
        Some(v) => complaint::parse_w3c_datetime(v).map(Some).ok_or_else(|| {
            format!("{name}“{v}”不是 W3C 日期时间格式（例如 2026-05-01T00:00:00Z 或 2026-05-01T00:00:00+08:00）")
        }),
    }
}

fn number_param(
    params: &[(String, String)],
    name: &str,
    default: u32,
    max: u32,
) -> Result<u32, String> {
    match param(params, name) {
        None => Ok(default),
        Some(v) => match v.parse::<u32>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(format!("{name} 必须是 1 到 {max} 之间的整数")),
        },
    }
}

fn request_query(params: &[(String, String)]) -> Result<RequestQuery, String> {
    let mut closed = None;
    let statuses = list_param(params, "status");
    for s in &statuses {
        match s.as_str() {
            "open" | "closed" => {}
            other => return Err(format!("status“{other}”无效，只能是 open 或 closed")),
        }
    }
    let has = |s: &str| statuses.iter().any(|x| x == s);
    if has("open") != has("closed") {
        closed = Some(has("closed"));
    }
    Ok(RequestQuery {
        service_request_ids: list_param(params, "service_request_id"),
        service_codes: list_param(params, "service_code"),
        start: date_param(params, "start_date")?,
        end: date_param(params, "end_date")?,
        closed,
        updated_after: date_param(params, "updated_after")?,
        updated_before: date_param(params, "updated_before")?,
        page: number_param(params, "page", 1, u32::MAX)?,
        page_size: number_param(
            params,
            "page_size",
            complaint::MAX_RECORDS,
            complaint::MAX_RECORDS,
        )?,
        extensions: flag(params, "extensions"),
    })
}

async fn list_requests(State(state): State<AppState>, Fmt(format): Fmt, uri: Uri) -> Response {
    let params = match query_params(&uri) {
        Ok(p) => p,
        Err(e) => return bad_request(format, e),
    };
    if let Some(r) = jurisdiction_error(&state, format, &params) {
        return r;
    }
    let query = match request_query(&params) {
        Ok(q) => q,
        Err(e) => return bad_request(format, e),
    };
    let extensions = query.extensions;
    match complaint::search(&state, query).await {
        Ok(list) => respond_requests(&list, extensions, format),
        Err(e) => fail(format, e),
    }
}

async fn get_request(
    State(state): State<AppState>,
    Fmt(format): Fmt,
    Path(file): Path<String>,
    uri: Uri,
) -> Response {
    let params = match query_params(&uri) {
        Ok(p) => p,
        Err(e) => return bad_request(format, e),
    };
    if let Some(r) = jurisdiction_error(&state, format, &params) {
        return r;
    }
    let extensions = flag(&params, "extensions");
    match complaint::get_public(&state, stem(&file), extensions).await {
        Ok(r) => respond_requests(std::slice::from_ref(&r), extensions, format),
        Err(e) => fail(format, e),
    }
}

async fn token(
    State(state): State<AppState>,
    Fmt(format): Fmt,
    Path(file): Path<String>,
    uri: Uri,
) -> Response {
    let params = match query_params(&uri) {
        Ok(p) => p,
        Err(e) => return bad_request(format, e),
    };
    if let Some(r) = jurisdiction_error(&state, format, &params) {
        return r;
    }
    match complaint::by_token(&state, stem(&file)).await {
        Ok((id, token)) => Doc::new(
            "service_requests",
            Node::List(
                "request",
                vec![Node::Obj(vec![
                    ("service_request_id", Node::str(id)),
                    ("token", Node::str(token)),
                ])],
            ),
        )
        .respond(format, StatusCode::OK),
        Err(e) => fail(format, e),
    }
}

/// The submitted fields and files of a POST, form-urlencoded or multipart.
struct Submission {
    fields: Vec<(String, String)>,
    media: Vec<MediaUpload>,
}

async fn read_submission(state: &AppState, request: Request) -> Result<Submission, String> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(request, state)
            .await
            .map_err(|e| format!("multipart 请求体无法解析：{}", e.body_text()))?;
        let mut submission = Submission {
            fields: Vec::new(),
            media: Vec::new(),
        };
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|e| format!("multipart 请求体无法解析：{}", e.body_text()))?
        {
            let name = field.name().unwrap_or("").to_string();
            if name == "media" || name == "media[]" || field.file_name().is_some() {
                let upload = crate::web::extract::read_upload(field, "media")
                    .await
                    .map_err(|e| format!("上传文件无法读取：{}", e.body_text()))?;
                submission.media.push(upload);
            } else {
                let text = field
                    .text()
                    .await
                    .map_err(|e| format!("字段 {name} 无法读取：{}", e.body_text()))?;
                submission.fields.push((name, text));
            }
        }
        Ok(submission)
    } else {
        let axum::Form(fields) = axum::Form::<Vec<(String, String)>>::from_request(request, state)
            .await
            .map_err(|_| {
                "请求体须为 application/x-www-form-urlencoded（上传文件时为 multipart/form-data），字符集 UTF-8".to_string()
            })?;
        Ok(Submission {
            fields,
            media: Vec::new(),
        })
    }
}

/// `attribute[CODE]` → (`CODE`, false); `attribute[CODE][]` → (`CODE`, true).
fn attribute_code(name: &str) -> Option<&str> {
    let inner = name.strip_prefix("attribute[")?;
    let (code, rest) = inner.split_once(']')?;
    (rest.is_empty() || rest == "[]")
        .then_some(code)
        .filter(|c| !c.is_empty())
}

fn new_complaint(fields: &[(String, String)], media: Vec<MediaUpload>) -> NewComplaint {
    let get = |name: &str| param(fields, name).map(str::to_string);
    let mut attributes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in fields {
        if let Some(code) = attribute_code(name) {
            attributes
                .entry(code.to_string())
                .or_default()
                .push(value.clone());
        }
    }
    NewComplaint {
        service_code: get("service_code").unwrap_or_default(),
        // The description keeps its line breaks; only the ends are trimmed later.
        description: fields
            .iter()
            .find(|(k, v)| k == "description" && !v.trim().is_empty())
            .map(|(_, v)| v.clone()),
        lat: get("lat"),
        long: get("long"),
        address_string: get("address_string"),
        address_id: get("address_id"),
        first_name: get("first_name"),
        last_name: get("last_name"),
        phone: get("phone"),
        email: get("email"),
        device_id: get("device_id"),
        account_id: get("account_id"),
        media_url: get("media_url"),
        attributes,
        media,
    }
}

async fn post_request(
    State(state): State<AppState>,
    Fmt(format): Fmt,
    request: Request,
) -> Response {
    let query = match query_params(request.uri()) {
        Ok(p) => p,
        Err(e) => return bad_request(format, e),
    };
    let submission = match read_submission(&state, request).await {
        Ok(s) => s,
        Err(e) => return bad_request(format, e),
    };
    let fields = submission.fields;
    // api_key and jurisdiction_id are accepted in the body or in the query string.
    let api_key = param(&fields, "api_key").or_else(|| param(&query, "api_key"));
    let jurisdiction =
        param(&fields, "jurisdiction_id").or_else(|| param(&query, "jurisdiction_id"));
    let input = new_complaint(&fields, submission.media);
    match complaint::create_open311(&state, api_key, jurisdiction, input).await {
        Ok(created) => Doc::new(
            "service_requests",
            Node::List(
                "request",
                vec![Node::Obj(vec![
                    ("service_request_id", Node::str(created.service_request_id)),
                    ("token", Node::str(created.token)),
                    ("service_notice", Node::str(created.service_notice)),
                    ("account_id", Node::opt(created.account_id)),
                ])],
            ),
        )
        .respond(format, StatusCode::OK),
        Err(e) => fail(format, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_names_follow_the_spec_encoding() {
        assert_eq!(attribute_code("attribute[stall_kind]"), Some("stall_kind"));
        assert_eq!(
            attribute_code("attribute[noise_source][]"),
            Some("noise_source")
        );
        assert_eq!(attribute_code("attribute[]"), None);
        assert_eq!(attribute_code("attribute[a]x"), None);
        assert_eq!(attribute_code("attributes"), None);
    }

    fn sample(extras: bool) -> PublicRequest {
        use chrono::TimeZone;
        let t = Utc
            .with_ymd_and_hms(2026, 4, 30, 17, 5, 9)
            .single()
            .expect("time");
        PublicRequest {
            service_request_id: "20260501-00001".into(),
            status: "open",
            status_notes: "已受理，待派单".into(),
            service_name: "路边\"烧烤\"".into(),
            service_code: "lu_tian_shao_kao".into(),
            description: extras.then(|| "a<b & c\r\n\u{1}'".to_string()),
            agency_responsible: Some("城管局".into()),
            service_notice: None,
            requested_datetime: t,
            updated_datetime: t + chrono::Duration::seconds(1),
            expected_datetime: extras.then(|| t + chrono::Duration::days(3)),
            address: Some("卧龙路".into()),
            address_id: None,
            lat: Some(32.990123),
            long: extras.then_some(-112.5),
            media_url: None,
            channel: "open311".into(),
            state: "received".into(),
            answers: if extras {
                vec![complaint::PublicAnswer {
                    label: "几处".into(),
                    name: "n".into(),
                    value: "两处".into(),
                    code: "2".into(),
                }]
            } else {
                Vec::new()
            },
            media: if extras {
                vec![complaint::PublicMedia {
                    sha256: "ab".into(),
                    content_type: "image/png".into(),
                    size_bytes: 12,
                }]
            } else {
                Vec::new()
            },
            notes: if extras {
                vec![complaint::PublicNote {
                    datetime: t,
                    note_type: "submitted".into(),
                    summary: "提交".into(),
                    description: None,
                }]
            } else {
                Vec::new()
            },
        }
    }

    #[test]
    fn streamed_requests_are_byte_identical_to_the_tree() {
        let list = vec![sample(true), sample(false)];
        for extensions in [false, true] {
            for format in [Format::Json, Format::Xml] {
                let tree = Doc::new(
                    "service_requests",
                    Node::List(
                        "request",
                        list.iter().map(|r| request_node(r, extensions)).collect(),
                    ),
                )
                .render(format);
                let mut s = Stream::list(format, "service_requests", "request", 0);
                for r in &list {
                    write_request(&mut s, r, extensions);
                }
                assert_eq!(s.finish(), tree);
            }
        }
    }
}
