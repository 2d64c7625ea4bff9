//! The citizens' phone portal over plain HTTP: filing with photos (resized, metadata
//! stripped), one complaint per form under a double tap, the honeypot and the minimum fill
//! time, field errors (4,000 characters, missing category, location, contact), the friendly
//! 404 of unknown tracking codes, rating and reopening by code, and the rate limit.

use crate::helpers::{Client, TestApp, date, parts};
use fazhi::service::auth::Role;
use fazhi::service::complaint;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::json;

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the hidden `_stamp` field of a form page.
fn stamp_of(html: &str) -> String {
    let at = html.find("name=\"_stamp\" value=\"").expect("stamp field") + 21;
    html[at..].split('"').next().unwrap().to_string()
}

/// Opens the form of `category` and lets a day pass (the clock of the tests stands still,
/// the minimum fill time counts on it).
async fn open_form(app: &TestApp, category: &str, next_day: &str) -> String {
    let r = http()
        .get(format!("{}/portal/new?category={category}", app.root()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("capture=\"environment\""), "{html}");
    app.clock.set_date(date(next_day));
    stamp_of(&html)
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([20, 120, 200]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn form(fields: &[(&str, &str)], photos: &[Vec<u8>]) -> Form {
    let mut f = Form::new();
    for (k, v) in fields {
        f = f.text(k.to_string(), v.to_string());
    }
    for (i, p) in photos.iter().enumerate() {
        f = f.part(
            "photos",
            Part::bytes(p.clone())
                .file_name(format!("IMG_{i}.png"))
                .mime_str("image/png")
                .unwrap(),
        );
    }
    f
}

async fn post(app: &TestApp, f: Form) -> (StatusCode, Option<String>, String) {
    let r = http()
        .post(format!("{}/portal/new", app.root()))
        .multipart(f)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    (status, location, r.text().await.unwrap())
}

fn stall<'a>(stamp: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_stamp", stamp),
        ("category", "zhan_dao_jing_ying"),
        ("description", description),
        ("address", "卧龙路与工业路交叉口东北角"),
        ("attr_stall_kind", "mobile"),
        ("name", "张三丰"),
        ("phone", "13812345678"),
        ("website", ""),
    ]
}

async fn count_complaints(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM complaints")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn page(app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = http()
        .get(format!("{}{path}", app.root()))
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

/// The tracking code in a `/portal/track/{code}?new=1` location.
fn code_of(location: &str) -> String {
    location
        .trim_start_matches("/portal/track/")
        .split('?')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_citizen_files_with_a_photo_and_reads_the_masked_progress() {
    let app = TestApp::spawn_on("2026-04-01").await;
    let (s, home) = page(&app, "/portal").await;
    assert_eq!(s, StatusCode::OK);
    assert!(home.contains("我要投诉") && home.contains("查询进度"));
    let (s, list) = page(&app, "/portal/new").await;
    assert_eq!(s, StatusCode::OK);
    assert!(list.contains("/portal/new?category=zhan_dao_jing_ying"));
    // No map and so no outside request unless a tile server is configured.
    let stamp = open_form(&app, "zhan_dao_jing_ying", "2026-04-02").await;
    let (_, html) = page(&app, "/portal/new?category=zhan_dao_jing_ying").await;
    assert!(
        !html.contains("id=\"map\"") && !html.contains("http://") && !html.contains("https://")
    );

    let fields = stall(&stamp, "路口有流动摊贩占道，我的电话13812345678");
    let (s, location, body) = post(&app, form(&fields, &[png(3200, 1000)])).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    let location = location.unwrap();
    assert!(location.ends_with("?new=1"), "{location}");
    let code = code_of(&location);
    assert_eq!(code.len(), 32);

    let (s, track) = page(&app, &location).await;
    assert_eq!(s, StatusCode::OK);
    assert!(track.contains("请保存查询码"));
    assert!(track.contains(&code[..4]));
    assert!(track.contains("已受理，待派单"));
    assert!(track.contains("张** · 138****5678"), "{track}");
    assert!(!track.contains("13812345678") && !track.contains("张三丰"));
    assert!(track.contains("1张（不公开）"));

    // Filed through the portal channel, the photo shrunk and re-encoded as JPEG.
    let (srid, _) = complaint::by_token(&app.state, &code).await.unwrap();
    let public = complaint::get_public(&app.state, &srid, true)
        .await
        .unwrap();
    assert_eq!(public.channel, "portal");
    assert_eq!(public.media.len(), 1);
    assert_eq!(public.media[0].content_type, "image/jpeg");
    let stored =
        std::fs::read(app.data_dir.join("evidence").join(&public.media[0].sha256)).unwrap();
    let img = image::load_from_memory(&stored).unwrap();
    assert_eq!((img.width(), img.height()), (1600, 500));
}

#[tokio::test]
async fn a_double_tap_files_one_complaint() {
    let app = TestApp::spawn_on("2026-04-01").await;
    let stamp = open_form(&app, "zhan_dao_jing_ying", "2026-04-02").await;
    let fields = stall(&stamp, "夜市摊位占用人行道");
    let (s1, first, _) = post(&app, form(&fields, &[])).await;
    let (s2, second, _) = post(&app, form(&fields, &[])).await;
    assert_eq!((s1, s2), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
    assert_eq!(first, second);
    assert_eq!(count_complaints(&app).await, 1);

    // Both taps at the same moment.
    let stamp = open_form(&app, "zhan_dao_jing_ying", "2026-04-03").await;
    let fields = stall(&stamp, "又有摊贩占道");
    let (a, b, c) = tokio::join!(
        post(&app, form(&fields, &[png(40, 30)])),
        post(&app, form(&fields, &[png(40, 30)])),
        post(&app, form(&fields, &[png(40, 30)])),
    );
    assert_eq!(a.0, StatusCode::SEE_OTHER, "{}", a.2);
    assert_eq!(b.0, StatusCode::SEE_OTHER, "{}", b.2);
    assert_eq!(c.0, StatusCode::SEE_OTHER, "{}", c.2);
    assert_eq!(a.1, b.1);
    assert_eq!(a.1, c.1);
    assert_eq!(count_complaints(&app).await, 2);
}

#[tokio::test]
async fn robots_are_refused_with_a_clear_message() {
    let app = TestApp::spawn_on("2026-04-01").await;
    let r = http()
        .get(format!(
            "{}/portal/new?category=zhan_dao_jing_ying",
            app.root()
        ))
        .send()
        .await
        .unwrap();
    let stamp = stamp_of(&r.text().await.unwrap());

    // Sent at once: too fast for a person; the input is kept.
    let (s, _, body) = post(&app, form(&stall(&stamp, "太快的提交"), &[])).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("提交过快") && body.contains("太快的提交"));

    app.clock.set_date(date("2026-04-02"));
    let mut fields = stall(&stamp, "机器人填写");
    fields.retain(|(k, _)| *k != "website");
    fields.push(("website", "http://spam.example"));
    let (s, _, body) = post(&app, form(&fields, &[])).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("自动程序"), "{body}");

    // A made-up or altered stamp.
    // An earlier issue time under the same signature.
    let mut pieces: Vec<String> = stamp.split('.').map(str::to_string).collect();
    pieces[1] = (pieces[1].parse::<i64>().unwrap() - 600).to_string();
    let forged = pieces.join(".");
    for bad in ["", "not-a-stamp", forged.as_str()] {
        let (s, _, body) = post(&app, form(&stall(bad, "伪造"), &[])).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
        assert!(body.contains("表单已失效"));
    }
    // Too old: shown again to be sent once more.
    app.clock.set_date(date("2026-04-09"));
    let (s, _, body) = post(&app, form(&stall(&stamp, "过期"), &[])).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("有效期"));
    assert_eq!(count_complaints(&app).await, 0);

    // Not a form at all.
    let r = http()
        .post(format!("{}/portal/new", app.root()))
        .json(&json!({"description": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn mistakes_are_shown_next_to_the_field() {
    let app = TestApp::spawn_on("2026-04-01").await;
    let stamp = open_form(&app, "zhan_dao_jing_ying", "2026-04-02").await;

    let long = "占".repeat(4001);
    let (s, _, body) = post(&app, form(&stall(&stamp, &long), &[])).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("不能超过4000字（现有4001字）"), "{body}");
    assert!(body.contains("id=\"description-error\""));
    let ok = "占".repeat(4000);
    let mut fields = stall(&stamp, &ok);
    fields.retain(|(k, _)| *k != "address" && *k != "attr_stall_kind");
    let (s, _, body) = post(&app, form(&fields, &[])).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"address-error\"") && body.contains("请选择此项"));
    assert!(!body.contains("description-error"));
    assert!(body.contains("value=\"张三丰\""), "input kept");

    // Coordinates from the phone stand for the address.
    let mut fields = stall(&stamp, "只有坐标");
    fields.retain(|(k, _)| *k != "address");
    fields.extend([("lat", "33.0"), ("long", "112.53")]);
    let (s, _, body) = post(&app, form(&fields, &[])).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");

    // No category, an unknown one.
    let stamp = open_form(&app, "zhan_dao_jing_ying", "2026-04-03").await;
    let mut fields = stall(&stamp, "没有类别");
    fields.retain(|(k, _)| *k != "category");
    let (s, _, body) = post(&app, form(&fields, &[])).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("请先选择投诉类别"));
    let (s, body) = page(&app, "/portal/new?category=no_such_thing").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(body.contains("不存在或已停用"));

    // 私搭乱建 needs a contact; the service's own checks come back in Chinese.
    let stamp = open_form(&app, "si_da_luan_jian", "2026-04-04").await;
    let base = [
        ("_stamp", stamp.as_str()),
        ("category", "si_da_luan_jian"),
        ("description", "楼顶在搭建彩钢房"),
        ("address", "卧龙区某小区3号楼"),
        ("attr_building_kind", "rooftop"),
        ("attr_in_progress", "ongoing"),
    ];
    let (s, _, body) = post(&app, form(&base, &[])).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"contact-error\""), "{body}");
    let mut fields = base.to_vec();
    fields.push(("phone", "abc"));
    let (s, _, body) = post(&app, form(&fields, &[])).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("联系电话"), "{body}");

    // Photos: at most three, images only.
    let stamp = open_form(&app, "zhan_dao_jing_ying", "2026-04-05").await;
    let fields = stall(&stamp, "四张照片");
    let four = vec![png(10, 10); 4];
    let (s, _, body) = post(&app, form(&fields, &four)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("最多上传3张照片"));
    let (s, _, body) = post(&app, form(&fields, &[b"MZ\x90\0not an image".to_vec()])).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("无法识别"), "{body}");
    // The same form, corrected, goes through (the failed tries did not use it up).
    let (s, _, _) = post(&app, form(&fields, &[png(10, 10)])).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(count_complaints(&app).await, 2);
}

#[tokio::test]
async fn unknown_tracking_codes_get_a_friendly_page() {
    let app = TestApp::spawn_on("2026-04-01").await;
    for path in [
        "/portal/track/0123456789abcdef0123456789abcdef",
        "/portal/track/%3Cscript%3E",
        "/portal/track/..%2F..%2Fetc",
    ] {
        let (s, body) = page(&app, path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        assert!(body.contains("未找到与该查询码对应的投诉"), "{path}");
        assert!(!body.contains("<script>"));
    }
    let (s, body) = page(&app, "/portal/track?code=abc").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("32位"));
    let r = http()
        .get(format!(
            "{}/portal/track?code=0123+4567+89AB+cdef+0123+4567+89ab+cdef",
            app.root()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        "/portal/track/0123456789abcdef0123456789abcdef"
    );
    let r = http()
        .post(format!(
            "{}/portal/track/0123456789abcdef0123456789abcdef/rating",
            app.root()
        ))
        .form(&[("rating", "satisfied")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn version_of(c: &Client, srid: &str) -> i64 {
    let (s, v) = parts(c.get(&format!("/complaints/{srid}")).await).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["version"].as_i64().unwrap()
}

/// Files a complaint on the portal and has the bureau answer and close it (not resolved).
async fn filed_and_closed(app: &TestApp) -> String {
    let stamp = open_form(app, "zhan_dao_jing_ying", "2026-04-02").await;
    let (_, location, _) = post(app, form(&stall(&stamp, "摊贩占道"), &[])).await;
    let code = code_of(&location.unwrap());
    let (srid, _) = complaint::by_token(&app.state, &code).await.unwrap();
    let dispatcher = app.user("dispatcher", Role::Dispatcher, &app.bureau).await;
    let officer = app.user("officer", Role::Officer, &app.squad).await;
    let v = version_of(&dispatcher, &srid).await;
    let (s, r) = parts(
        dispatcher
            .post(
                &format!("/complaints/{srid}/dispatch"),
                &json!({"expected_version": v, "org_unit_id": app.squad}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, r) = parts(
        officer
            .post(
                &format!("/complaints/{srid}/reply"),
                &json!({"expected_version": v + 1, "text": "已劝离摊贩，并告知其到规定区域经营。"}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, r) = parts(dispatcher.post(&format!("/complaints/{srid}/close"), &json!({"expected_version": v + 2, "final_state": "not_resolved", "reason": "摊贩流动性强，已纳入巡查"})).await).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    code
}

#[tokio::test]
async fn the_citizen_rates_and_reopens_with_the_code() {
    let app = TestApp::spawn_on("2026-04-01").await;
    let code = filed_and_closed(&app).await;
    let track = format!("/portal/track/{code}");
    let (_, body) = page(&app, &track).await;
    assert!(body.contains("已劝离摊贩"), "the answer is shown: {body}");
    assert!(body.contains("id=\"rate-form\"") && body.contains("id=\"reopen-form\""));

    let rate = |rating: &'static str| {
        let url = format!("{}{track}/rating", app.root());
        async move {
            http()
                .post(url)
                .form(&[("rating", rating), ("comment", "处理及时")])
                .send()
                .await
                .unwrap()
        }
    };
    let r = rate("").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("id=\"rate-error\""));
    let r = rate("satisfied").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], format!("{track}?ok=rated"));
    // A second tap lands on the same page.
    let r = rate("dissatisfied").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, body) = page(&app, &format!("{track}?ok=rated")).await;
    assert!(body.contains("感谢您的评价") && body.contains("id=\"rating\">满意<"));
    assert!(!body.contains("id=\"rate-form\""));

    let reopen = |reason: &'static str| {
        let url = format!("{}{track}/reopen", app.root());
        async move {
            http()
                .post(url)
                .form(&[("reason", reason)])
                .send()
                .await
                .unwrap()
        }
    };
    let r = reopen("").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("id=\"reason-error\""));
    let r = reopen("摊贩第二天又回来了").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = reopen("摊贩第二天又回来了").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "double tap");
    let (_, body) = page(&app, &track).await;
    assert!(body.contains("群众反映问题未解决"));
    assert!(!body.contains("id=\"reopen-form\""));
}

#[tokio::test]
async fn portal_posts_are_rate_limited() {
    let app = TestApp::spawn_on("2026-04-01").await;
    let url = format!(
        "{}/portal/track/0123456789abcdef0123456789abcdef/reopen",
        app.root()
    );
    let mut limited = None;
    for i in 0..40 {
        let r = http()
            .post(&url)
            .form(&[("reason", "还是没解决")])
            .send()
            .await
            .unwrap();
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some((i, r.text().await.unwrap()));
            break;
        }
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
    let (i, body) = limited.expect("rate limited");
    assert!(i >= 20, "{i}");
    assert!(body.contains("过于频繁"));
    // Reading is not limited.
    let (s, _) = page(&app, "/portal").await;
    assert_eq!(s, StatusCode::OK);
}
