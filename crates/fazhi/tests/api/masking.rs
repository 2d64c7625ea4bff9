//! Personal data in public outputs (issue 11 §2): every entry of the corpus
//! (`tests/masking/corpus.toml`: phone, ID and card numbers and e-mail addresses in the forms
//! people write them, and look-alikes that are not personal) goes through every public
//! output — Open311 JSON and XML, one request and the listing, with the description, the
//! address, a free-text answer and a public reply note — and the citizens' portal. Staff
//! with the right role still see the original; partner departments see it masked.

use crate::helpers::*;
use fazhi::service::auth::Role;
use fazhi::service::complaint;
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
struct Corpus {
    mask: Vec<MaskCase>,
    keep: Vec<KeepCase>,
}

#[derive(Deserialize)]
struct MaskCase {
    text: String,
    secret: String,
}

#[derive(Deserialize)]
struct KeepCase {
    text: String,
}

fn corpus() -> Corpus {
    toml::from_str(include_str!("../../../../tests/masking/corpus.toml")).expect("corpus")
}

/// Digits (full-width and Chinese numerals read as digits), ASCII letters in lower case and
/// `*`; the separators people write inside numbers dropped; anything else a break (`|`), so
/// that digits of different words never run together. Full-width letters are folded first
/// ([`fullwidth_fold`]).
fn normalise(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            let digit = match c {
                '0'..='9' => Some(c),
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
                '〇' | '零' => Some('0'),
                '一' | '幺' => Some('1'),
                '二' => Some('2'),
                '三' => Some('3'),
                '四' => Some('4'),
                '五' => Some('5'),
                '六' => Some('6'),
                '七' => Some('7'),
                '八' => Some('8'),
                '九' => Some('9'),
                _ => None,
            };
            if digit.is_some() {
                return digit;
            }
            if c.is_ascii_alphabetic() || c == '*' {
                return Some(c.to_ascii_lowercase());
            }
            let separator = matches!(
                c,
                ' ' | '\u{3000}' | '-' | '－' | '–' | '—' | '.' | '．' | '(' | ')' | '（' | '）'
            );
            (!separator).then_some('|')
        })
        .collect()
}

fn fullwidth_fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'ａ'..='ｚ' => char::from_u32(c as u32 - 'ａ' as u32 + 'a' as u32).unwrap_or(c),
            'Ａ'..='Ｚ' => char::from_u32(c as u32 - 'Ａ' as u32 + 'a' as u32).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// The secret is gone from `output` in any written form.
fn assert_hidden(output: &str, case: &MaskCase, surface: &str) {
    let out = normalise(&fullwidth_fold(output));
    let secret = normalise(&fullwidth_fold(&case.secret));
    assert!(
        !out.contains(&secret),
        "{surface} shows {:?} of {:?}",
        case.secret,
        case.text
    );
}

/// Masked in place: the same characters, some digits or letters replaced by `*`.
fn assert_masked_in_place(shown: &str, original: &str) {
    let a: Vec<char> = shown.chars().collect();
    let b: Vec<char> = original.chars().collect();
    assert_eq!(a.len(), b.len(), "{shown:?} vs {original:?}");
    assert!(
        a.iter().zip(&b).all(|(x, y)| x == y || *x == '*'),
        "{shown:?} vs {original:?}"
    );
    assert!(a.iter().filter(|c| **c == '*').count() >= 4, "{shown:?}");
}

async fn new_key(app: &TestApp) -> String {
    let (_, key) = complaint::create_key(&app.state, None, "测试客户端")
        .await
        .unwrap();
    key.expose().to_string()
}

/// Files one 渣土抛洒 complaint whose description (and, where it fits on one line, address
/// and free-text answer) is `text`; returns (service_request_id, token).
async fn file(app: &TestApp, key: &str, text: &str) -> (String, String) {
    let one_line = !text.contains('\n');
    let address = if one_line {
        format!("卧龙路{text}")
    } else {
        "卧龙路与工业路交叉口".to_string()
    };
    let mut form = vec![
        ("api_key", key.to_string()),
        ("service_code", "zha_tu_pao_sa".to_string()),
        ("address_string", address),
        ("description", text.to_string()),
    ];
    if one_line {
        form.push(("attribute[plate_no]", text.to_string()));
    }
    let r = reqwest::Client::new()
        .post(format!("{}/open311/v2/requests.json", app.root()))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{text}");
    let v: Value = r.json().await.unwrap();
    (
        v[0]["service_request_id"].as_str().unwrap().to_string(),
        v[0]["token"].as_str().unwrap().to_string(),
    )
}

async fn body(url: String) -> String {
    let r = reqwest::get(url).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.text().await.unwrap()
}

#[tokio::test]
async fn the_corpus_is_masked_in_every_public_output_and_look_alikes_are_kept() {
    let corpus = corpus();
    assert!(corpus.mask.len() >= 100, "{}", corpus.mask.len());
    let app = TestApp::spawn().await;
    let key = new_key(&app).await;
    let o311 = |path: &str| format!("{}/open311/v2{path}", app.root());

    let mut filed = Vec::new();
    for case in &corpus.mask {
        filed.push(file(&app, &key, &case.text).await);
    }
    let mut kept = Vec::new();
    for case in &corpus.keep {
        kept.push(file(&app, &key, &case.text).await);
    }

    // A public reply note carrying corpus texts (a partner's or officer's answer may quote
    // the citizen).
    let dispatcher = app.user("dispatcher", Role::Dispatcher, &app.bureau).await;
    let officer = app.user("officer", Role::Officer, &app.squad).await;
    let (reply_srid, _) = filed[0].clone();
    let (_, staff) = parts(dispatcher.get(&format!("/complaints/{reply_srid}")).await).await;
    let id = staff["id"].as_str().unwrap().to_string();
    let (s, v) = parts(
        dispatcher
            .post(
                &format!("/complaints/{id}/dispatch"),
                &json!({"expected_version": staff["version"], "org_unit_id": app.squad}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = parts(
        officer
            .post(
                &format!("/complaints/{id}/handling"),
                &json!({"expected_version": v["version"], "text": "已安排队员前往现场"}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let quoted: Vec<&MaskCase> = corpus.mask.iter().take(25).collect();
    let reply: String = quoted
        .iter()
        .map(|c| c.text.as_str())
        .collect::<Vec<_>>()
        .join("；");
    let (s, v) = parts(
        officer
            .post(
                &format!("/complaints/{id}/reply"),
                &json!({"expected_version": v["version"], "text": format!("已处理。{reply}")}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // The listings: everything at once, JSON and XML, with the notes and answers.
    let list_json = body(o311("/requests.json?extensions=true")).await;
    let list_xml = body(o311("/requests.xml?extensions=true")).await;
    let listed: Value = serde_json::from_str(&list_json).unwrap();
    assert_eq!(
        listed.as_array().unwrap().len(),
        corpus.mask.len() + corpus.keep.len()
    );

    for (case, (srid, token)) in corpus.mask.iter().zip(&filed) {
        let one_json = body(o311(&format!("/requests/{srid}.json?extensions=true"))).await;
        let one_xml = body(o311(&format!("/requests/{srid}.xml?extensions=true"))).await;
        let portal = body(format!("{}/portal/track/{token}", app.root())).await;
        for (surface, text) in [
            ("Open311 JSON", &one_json),
            ("Open311 XML", &one_xml),
            ("the portal", &portal),
        ] {
            assert_hidden(text, case, surface);
        }
        let v: Value = serde_json::from_str(&one_json).unwrap();
        // The description is stored with its ends trimmed.
        assert_masked_in_place(v[0]["description"].as_str().unwrap(), case.text.trim());
        if !case.text.contains('\n') {
            let shown = v[0]["address"].as_str().unwrap();
            assert_masked_in_place(shown, &format!("卧龙路{}", case.text));
            let answer = &v[0]["extended_attributes"]["attributes"][0];
            assert_masked_in_place(answer["value"].as_str().unwrap(), &case.text);
        }
    }
    for (case, (srid, _)) in corpus.mask.iter().zip(&filed) {
        let item = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["service_request_id"] == srid.as_str())
            .unwrap();
        assert_hidden(&item.to_string(), case, "the Open311 JSON listing");
        let xml_item = list_xml
            .split("<request>")
            .find(|r| r.contains(&format!("<service_request_id>{srid}<")))
            .unwrap();
        assert_hidden(xml_item, case, "the Open311 XML listing");
    }
    let (_, reply_token) = &filed[0];
    let portal = body(format!("{}/portal/track/{reply_token}", app.root())).await;
    let notes = body(o311(&format!(
        "/requests/{reply_srid}.json?extensions=true"
    )))
    .await;
    assert!(portal.contains("已处理。"), "{portal}");
    for case in quoted {
        assert_hidden(&portal, case, "the portal's reply note");
        assert_hidden(&notes, case, "the Open311 reply note");
    }

    for (case, (srid, token)) in corpus.keep.iter().zip(&kept) {
        let v: Value = serde_json::from_str(
            &body(o311(&format!("/requests/{srid}.json?extensions=true"))).await,
        )
        .unwrap();
        assert_eq!(v[0]["description"], case.text.as_str(), "changed");
        assert_eq!(v[0]["address"], format!("卧龙路{}", case.text), "changed");
        let xml = body(o311(&format!("/requests/{srid}.xml"))).await;
        assert!(xml.contains(&case.text), "XML changed {:?}", case.text);
        let portal = body(format!("{}/portal/track/{token}", app.root())).await;
        assert!(
            portal.contains(&case.text),
            "portal changed {:?}",
            case.text
        );
    }
}

#[tokio::test]
async fn staff_see_the_original_and_partner_departments_see_it_masked() {
    let corpus = corpus();
    let app = TestApp::spawn().await;
    let dispatcher = app.user("dispatcher", Role::Dispatcher, &app.bureau).await;
    let partner = app.user("partner", Role::Partner, &app.partner).await;
    let chunk: Vec<&MaskCase> = corpus
        .mask
        .iter()
        .filter(|c| !c.text.contains('\n'))
        .take(40)
        .collect();
    let description = chunk
        .iter()
        .map(|c| c.text.as_str())
        .collect::<Vec<_>>()
        .join("；");
    let (s, v) = parts(
        dispatcher
            .post(
                "/complaints",
                &json!({"service_code": "zhan_dao_jing_ying", "description": description,
                        "address_string": "卧龙路与工业路交叉口", "attributes": {"stall_kind": "mobile"},
                        "phone": "13812345678", "last_name": "张", "first_name": "三丰"}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["complaint"]["id"].as_str().unwrap().to_string();
    let (_, staff_view) = parts(dispatcher.get(&format!("/complaints/{id}")).await).await;
    assert_eq!(staff_view["description"], description.as_str());
    assert_eq!(staff_view["reporter"]["phone"], "13812345678");
    let (s, v) = parts(
        dispatcher
            .post(
                &format!("/complaints/{id}/dispatch"),
                &json!({"expected_version": staff_view["version"], "org_unit_id": app.partner,
                        "reason": "属住建职责"}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, partner_view) = parts(partner.get(&format!("/complaints/{id}")).await).await;
    assert_eq!(s, StatusCode::OK, "{partner_view}");
    assert_masked_in_place(partner_view["description"].as_str().unwrap(), &description);
    let whole = partner_view.to_string();
    for case in chunk {
        assert_hidden(&whole, case, "the partner's view");
    }
    assert_eq!(partner_view["reporter"]["phone"], "138****5678");
    assert_eq!(partner_view["reporter"]["name"], "张**");
}
