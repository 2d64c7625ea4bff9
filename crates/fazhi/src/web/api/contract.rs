//! The OpenAPI document as a contract. utoipa builds the document from the handlers'
//! annotations; what every operation shares because of the shared extractors and layers is
//! added here, once, instead of being repeated (and forgotten) in sixty annotations:
//!
//! - **Security**: the `bearer` scheme (`Authorization: Bearer`, tokens from `POST /tokens`)
//!   and the `session` scheme (the `fazhi_session` cookie of `POST /sessions`, with
//!   `X-CSRF-Token` on writes), required by every operation except the public ones
//!   ([`PUBLIC_OPERATIONS`]), which declare `security: []`.
//! - **Error answers** an operation can give whatever its handler does, each with the
//!   `ErrorBody` schema, added when the annotation did not list them: 400 (a path, query
//!   or body that cannot be parsed), 401 and 403 (no or wrong credentials, a role or org
//!   unit that may not act, a missing CSRF token), 404 (a path naming something that does not
//!   exist or is out of scope), 413 (body over 20 MiB), 415 (a JSON body sent as something
//!   else), 422 (values the rules refuse), 429 (the rate-limited routes) and 500.
//!
//! `tests::the_contract_is_complete` holds the document to this, and CI validates it with
//! `openapi-spec-validator` and fuzzes the running demo against it with `schemathesis`
//! (`scripts/api_contract`).

use serde_json::{Map, Value, json};

/// Operations anyone may call, as `METHOD path` (paths relative to `/api/v1`).
pub const PUBLIC_OPERATIONS: &[&str] = &[
    "post /sessions",
    "post /tokens",
    "post /public/complaints/{token}/rating",
    "post /public/complaints/{token}/reopen",
];

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options"];

fn error(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    })
}

/// Adds the security schemes and the shared error answers (see the module doc).
/// `rate_limited` lists the paths behind the per-client rate limit.
pub fn complete(
    doc: utoipa::openapi::OpenApi,
    rate_limited: &[String],
) -> utoipa::openapi::OpenApi {
    let mut value = match serde_json::to_value(&doc) {
        Ok(v) => v,
        Err(e) => {
            tracing::error!(error = %e, "OpenAPI document not serialisable");
            return doc;
        }
    };
    complete_value(&mut value, rate_limited);
    match serde_json::from_value(value) {
        Ok(done) => done,
        Err(e) => {
            tracing::error!(error = %e, "completed OpenAPI document not readable");
            doc
        }
    }
}

/// [`complete`] on the JSON form of the document.
pub fn complete_value(doc: &mut Value, rate_limited: &[String]) {
    let schemes = json!({
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "机器客户端：POST /tokens 签发的令牌，放在 Authorization: Bearer 请求头中。"
        },
        "session": {
            "type": "apiKey",
            "in": "cookie",
            "name": "fazhi_session",
            "description": "浏览器会话：POST /sessions 设置的 Cookie；写请求还须带 X-CSRF-Token 请求头。"
        }
    });
    if let Some(root) = doc.as_object_mut() {
        let components = root
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(c) = components.as_object_mut() {
            c.insert("securitySchemes".into(), schemes);
        }
        root.insert("security".into(), json!([{"bearer": []}, {"session": []}]));
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            let Some(op) = item.get_mut(*method).and_then(Value::as_object_mut) else {
                continue;
            };
            complete_operation(method, path, op, rate_limited.contains(path));
        }
    }
}

fn complete_operation(method: &str, path: &str, op: &mut Map<String, Value>, limited: bool) {
    let public = PUBLIC_OPERATIONS.contains(&format!("{method} {path}").as_str());
    if public {
        op.insert("security".into(), json!([]));
    }
    let params = op
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let has_in = |place: &str| params.iter().any(|p| p["in"] == place);
    let body_types: Vec<String> = op
        .get("requestBody")
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
        .map(|c| c.keys().cloned().collect())
        .unwrap_or_default();
    let json_body = body_types.iter().any(|t| t.contains("json"));
    let has_body = !body_types.is_empty();

    let mut add: Vec<(&str, &str)> = Vec::new();
    if has_in("path") || has_in("query") || has_body {
        add.push((
            "400",
            "请求无法解析：路径参数、查询参数或请求体格式错误（invalid_path、invalid_query、invalid_json、invalid_body、invalid_multipart）",
        ));
    }
    if !public {
        add.push(("401", "未登录或令牌无效、已过期（unauthenticated）"));
        add.push((
            "403",
            "无权办理：角色或单位范围不符（forbidden），或浏览器会话的写请求缺少 X-CSRF-Token（csrf_failed）",
        ));
    }
    if has_in("path") {
        add.push(("404", "记录不存在，或不在本人可见范围内（not_found）"));
    }
    if has_body {
        add.push(("413", "请求体超过 20 MiB 上限（payload_too_large）"));
    }
    if json_body {
        add.push((
            "415",
            "请求体必须是 JSON（Content-Type: application/json）（unsupported_media_type）",
        ));
    }
    if has_body || has_in("query") {
        add.push(("422", "字段内容不符合要求或被规则拒绝（见 error.code）"));
    }
    if limited {
        add.push(("429", "请求过于频繁，请稍后再试（rate_limited）"));
    }
    add.push((
        "500",
        "服务器内部错误（internal_error），原因只记入服务器日志",
    ));

    let responses = op
        .entry("responses")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(responses) = responses.as_object_mut() {
        for (status, description) in add {
            responses
                .entry(status)
                .or_insert_with(|| error(description));
        }
        // OpenAPI requires a description on every response; annotations that gave only a
        // body get the status's meaning.
        for (status, answer) in responses.iter_mut() {
            if let Some(answer) = answer.as_object_mut()
                && answer
                    .get("description")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
                && !answer.contains_key("$ref")
            {
                answer.insert("description".into(), Value::from(meaning(status)));
            }
        }
    }
}

/// What a status means, for a response the annotation did not describe.
fn meaning(status: &str) -> &'static str {
    match status {
        "200" => "成功",
        "201" => "已创建",
        "204" => "成功，无内容",
        "400" => "请求无法解析",
        "401" => "未登录",
        "403" => "无权办理",
        "404" => "记录不存在",
        "409" => "冲突：记录已被他人修改或值已存在",
        "413" => "请求体过大",
        "415" => "请求体类型不支持",
        "422" => "字段内容不符合要求或被规则拒绝",
        "429" => "请求过于频繁",
        _ => "见错误代码",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn document() -> Value {
        let (_, doc) = super::super::build(|r| r);
        serde_json::to_value(&doc).expect("json")
    }

    fn operations(doc: &Value) -> Vec<(String, String, Value)> {
        let mut out = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in METHODS {
                if let Some(op) = item.get(*method) {
                    out.push((method.to_string(), path.clone(), op.clone()));
                }
            }
        }
        out
    }

    #[test]
    fn the_contract_is_complete() {
        let doc = document();
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        let ops = operations(&doc);
        assert!(ops.len() > 40, "{} operations", ops.len());
        let mut ids = HashSet::new();
        for (method, path, op) in &ops {
            let at = format!("{method} {path}");
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{at}: no operationId"));
            assert!(
                ids.insert(id.to_string()),
                "{at}: operationId {id} used twice"
            );
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap_or_default();
                let place = p["in"].as_str().unwrap_or_default();
                if path.contains(&format!("{{{name}}}")) {
                    assert_eq!(place, "path", "{at}: {name}");
                } else {
                    assert_eq!(place, "query", "{at}: {name} must be a query parameter");
                }
            }
            let responses = op["responses"].as_object().expect("responses");
            assert!(responses.contains_key("500"), "{at}: 500");
            let public = PUBLIC_OPERATIONS.contains(&at.as_str());
            if public {
                assert_eq!(op["security"], json!([]), "{at}");
            } else {
                assert!(
                    responses.contains_key("401") && responses.contains_key("403"),
                    "{at}"
                );
            }
            if path.contains('{') {
                assert!(responses.contains_key("404"), "{at}");
            }
            for (status, answer) in responses {
                assert!(
                    answer["description"]
                        .as_str()
                        .is_some_and(|d| !d.is_empty()),
                    "{at} {status}: no description"
                );
                if status.starts_with('4') || status.starts_with('5') {
                    let schema = &answer["content"]["application/json"]["schema"];
                    assert!(
                        schema.is_object() || answer.get("content").is_none(),
                        "{at} {status}: {answer}"
                    );
                }
            }
        }
        for login in ["/sessions", "/tokens"] {
            assert!(
                doc["paths"][login]["post"]["responses"]
                    .as_object()
                    .is_some_and(|r| r.contains_key("429")),
                "{login}: 429"
            );
        }
    }
}
