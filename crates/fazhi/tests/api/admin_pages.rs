//! The back office's reference pages over HTTP with a session cookie: officers and their
//! certificates, the org tree, the discretion check of the catalogue, users, the working-day
//! calendar and the Open311 keys. Each write form is checked for its CSRF token, its role
//! check, errors next to the fields with the input kept, and the 303 redirect on success.

use crate::helpers::{PASSWORD, PageSession as Session, TestApp};
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use reqwest::redirect::Policy;

/// The text between `start` and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html.find(start).expect(start) + start.len();
    let j = html[i..].find(end).expect(end);
    &html[i..i + j]
}

#[tokio::test]
async fn officers_are_registered_certified_suspended_and_flagged_before_expiry() {
    let app = TestApp::spawn_on("2025-04-01").await;
    app.user("admin", Role::Admin, &app.bureau).await;
    app.user("fazhi", Role::Legal, &app.bureau).await;
    app.user("xiezuo", Role::Partner, &app.partner).await;
    app.user("erdui", Role::Officer, &app.other_squad).await;
    let admin = Session::login(&app, "admin").await;

    let form = admin.get("/officers/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("一中队"), "units offered");

    // Errors next to the field, input kept.
    let bad = admin
        .post(
            "/officers",
            &[
                ("name", " "),
                ("org_unit_id", &app.squad),
                ("employment", "staff"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"name-error\""), "{}", bad.body);
    assert!(bad.body.contains("姓名不能为空"));
    assert!(
        bad.body
            .contains(&format!("<option value=\"{}\" selected>", app.squad))
    );

    let no_unit = admin
        .post("/officers", &[("name", "李四"), ("org_unit_id", "")])
        .await;
    assert_eq!(no_unit.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_unit.body.contains("id=\"org_unit_id-error\""));
    assert!(no_unit.body.contains("value=\"李四\""));

    // No CSRF token: refused.
    let forged = admin
        .post_raw(
            "/officers",
            &[("name", "李四"), ("org_unit_id", &app.squad)],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.body.contains("表单已失效"));

    let created = admin
        .post(
            "/officers",
            &[
                ("name", "李四"),
                ("org_unit_id", &app.squad),
                ("employment", "staff"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert!(created.location.starts_with("/officers/"));
    let officer_path = created.location.split('?').next().unwrap().to_string();
    let page = admin.get(&created.location).await;
    assert!(page.body.contains("已登记执法人员"));
    assert!(page.body.contains("在编在职"));

    // A bad date stays next to its field; the other input is kept.
    let bad = admin
        .post(
            &format!("{officer_path}/certificates"),
            &[
                ("cert_no", "豫41000099"),
                ("issuer", "河南省人民政府"),
                ("scope", "城市管理"),
                ("valid_from", "2024-13-01"),
                ("valid_until", "2025-06-30"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"valid_from-error\""));
    assert!(bad.body.contains("value=\"豫41000099\""));

    // Valid until 2025-06-30: 90 days from 2025-04-01 → expiring.
    let ok = admin
        .post(
            &format!("{officer_path}/certificates"),
            &[
                ("cert_no", "豫41000099"),
                ("issuer", "河南省人民政府"),
                ("scope", "城市管理"),
                ("valid_from", "2024-01-01"),
                ("valid_until", "2025-06-30"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(ok.location, format!("{officer_path}?ok=certificate"));

    // A second officer whose certificate runs to the end of 2026, and an assistant.
    let other = admin
        .post(
            "/officers",
            &[
                ("name", "王五"),
                ("org_unit_id", &app.squad),
                ("employment", "staff"),
            ],
        )
        .await;
    let other_path = other.location.split('?').next().unwrap().to_string();
    let dup = admin
        .post(
            &format!("{other_path}/certificates"),
            &[
                ("cert_no", "豫41000099"),
                ("issuer", "河南省人民政府"),
                ("scope", "城市管理"),
                ("valid_from", "2024-01-01"),
                ("valid_until", "2026-12-31"),
            ],
        )
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dup.body.contains("id=\"cert_no-error\""), "{}", dup.body);
    assert!(dup.body.contains("已登记"));
    let ok = admin
        .post(
            &format!("{other_path}/certificates"),
            &[
                ("cert_no", "豫41000100"),
                ("issuer", "河南省人民政府"),
                ("scope", "城市管理"),
                ("valid_from", "2024-01-01"),
                ("valid_until", "2026-12-31"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let aux = admin
        .post(
            "/officers",
            &[
                ("name", "赵协管"),
                ("org_unit_id", &app.squad),
                ("employment", "auxiliary"),
            ],
        )
        .await;
    let aux_path = aux.location.split('?').next().unwrap().to_string();
    let refused = admin
        .post(
            &format!("{aux_path}/certificates"),
            &[
                ("cert_no", "豫41000101"),
                ("issuer", "河南省人民政府"),
                ("scope", "城市管理"),
                ("valid_from", "2024-01-01"),
                ("valid_until", "2026-12-31"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("协管/辅助人员不得取得行政执法证"));

    let all = admin.get("/officers").await;
    assert_eq!(all.status, StatusCode::OK);
    for name in [
        "李四",
        "王五",
        "赵协管",
        "协管/辅助人员",
        "2024年1月1日至2025年6月30日",
    ] {
        assert!(all.body.contains(name), "{name}");
    }
    let expiring = admin.get("/officers?expiring=90").await;
    assert_eq!(expiring.status, StatusCode::OK);
    assert!(expiring.body.contains("李四"));
    assert!(!expiring.body.contains("王五"));
    assert!(expiring.body.contains("<tr class=\"overdue\">"));
    assert!(expiring.body.contains("90日后到期"), "{}", expiring.body);
    // A window that misses the date; a nonsense window shows everybody and says so.
    assert!(
        !admin
            .get("/officers?expiring=30")
            .await
            .body
            .contains("李四")
    );
    let nonsense = admin.get("/officers?expiring=abc").await;
    assert_eq!(nonsense.status, StatusCode::OK);
    assert!(nonsense.body.contains("王五") && nonsense.body.contains("expiring-error"));

    // Suspend (暂扣) from today, refuse a backwards period, then lift it.
    let page = admin.get(&officer_path).await;
    let cert_id = between(&page.body, "id=\"cert-", "\"").to_string();
    let susp = format!("{officer_path}/certificates/{cert_id}/suspension");
    let bad = admin
        .post(
            &susp,
            &[
                ("action", "suspend"),
                ("from", "2025-04-10"),
                ("until", "2025-04-01"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("暂扣截止日期不能早于起始日期"));
    assert!(bad.body.contains("value=\"2025-04-10\""));
    let ok = admin
        .post(
            &susp,
            &[("action", "suspend"), ("from", "2025-04-01"), ("until", "")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = admin.get(&ok.location).await;
    assert!(page.body.contains("已暂扣执法证") && page.body.contains("暂扣中"));
    let ok = admin.post(&susp, &[("action", "lift")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let page = admin.get(&ok.location).await;
    assert!(page.body.contains("已解除暂扣") && !page.body.contains("暂扣中"));

    // The legal office reads but may not write; partners see nothing; other squads' officers
    // are not found outside the user's scope.
    let legal = Session::login(&app, "fazhi").await;
    assert_eq!(legal.get("/officers").await.status, StatusCode::OK);
    let denied = legal
        .post(
            "/officers",
            &[("name", "某某"), ("org_unit_id", &app.squad)],
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert!(denied.body.contains("无权访问"));
    assert_eq!(
        legal.get("/officers/new").await.status,
        StatusCode::FORBIDDEN
    );
    let denied = legal.post(&susp, &[("action", "lift")]).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let partner = Session::login(&app, "xiezuo").await;
    assert_eq!(partner.get("/officers").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        partner.get(&officer_path).await.status,
        StatusCode::FORBIDDEN
    );
    let erdui = Session::login(&app, "erdui").await;
    assert_eq!(erdui.get(&officer_path).await.status, StatusCode::NOT_FOUND);
    assert!(!erdui.get("/officers").await.body.contains("李四"));
    // Without a session: the login page.
    let anon = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/officers", app.root()))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn org_units_show_the_tree_and_admins_add_units() {
    let app = TestApp::spawn_on("2025-04-01").await;
    app.user("admin", Role::Admin, &app.bureau).await;
    app.user("juzhang", Role::Leader, &app.bureau).await;
    let admin = Session::login(&app, "admin").await;
    let page = admin.get("/org-units").await;
    assert_eq!(page.status, StatusCode::OK);
    let tree = between(&page.body, "id=\"org-tree\"", "</ul>");
    let (bureau, squad) = (
        tree.find("测试区城市管理局").unwrap(),
        tree.find("一中队").unwrap(),
    );
    assert!(bureau < squad && tree.contains("data-depth=\"1\""));
    assert!(page.body.contains("/open311-keys"));

    let bad = admin
        .post(
            "/org-units",
            &[("name", "三中队"), ("kind", "squad"), ("parent_id", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"parent_id-error\""));
    assert!(bad.body.contains("value=\"三中队\""));
    let ok = admin
        .post(
            "/org-units",
            &[
                ("name", "三中队"),
                ("kind", "squad"),
                ("parent_id", &app.bureau),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.location, "/org-units?ok=created");
    let page = admin.get(&ok.location).await;
    assert!(page.body.contains("已新增单位") && page.body.contains("三中队"));

    let leader = Session::login(&app, "juzhang").await;
    let page = leader.get("/org-units").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("新增单位"), "no form for non-admins");
    let denied = leader
        .post(
            "/org-units",
            &[
                ("name", "四中队"),
                ("kind", "squad"),
                ("parent_id", &app.bureau),
            ],
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn catalogue_suggests_the_tier_and_asks_why_a_fine_departs_from_it() {
    let app = TestApp::spawn_on("2025-04-01").await;
    app.user("duiyuan", Role::Officer, &app.squad).await;
    let s = Session::login(&app, "duiyuan").await;
    let page = s.get("/catalogue").await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "占道经营",
        "城市道路管理条例",
        "从重处罚",
        "首违不罚",
        "露天烧烤",
    ] {
        assert!(page.body.contains(text), "{text}");
    }

    let ordinary = s
        .post(
            "/catalogue/suggestion",
            &[("code", "lu_tian_shao_kao"), ("party", "individual")],
        )
        .await;
    assert_eq!(ordinary.status, StatusCode::OK, "{}", ordinary.body);
    assert_eq!(
        between(&ordinary.body, "id=\"suggested-tier\">", "<"),
        "一般"
    );
    assert_eq!(
        between(&ordinary.body, "id=\"suggested-range\">", "<"),
        "2000元至5000元"
    );
    assert!(ordinary.body.contains("大气污染防治法"), "basis shown");

    let heavier = s
        .post(
            "/catalogue/suggestion",
            &[
                ("code", "lu_tian_shao_kao"),
                ("party", "individual"),
                ("repeated", "1"),
            ],
        )
        .await;
    assert_eq!(
        between(&heavier.body, "id=\"suggested-tier\">", "<"),
        "从重处罚"
    );
    assert!(
        heavier
            .body
            .contains("id=\"fact-repeated\" value=\"1\" checked")
    );

    let waiver = s
        .post(
            "/catalogue/suggestion",
            &[
                ("code", "zhan_dao_jing_ying"),
                ("party", "individual"),
                ("first_violation", "1"),
                ("minor_harm", "1"),
                ("corrected_promptly", "1"),
            ],
        )
        .await;
    assert_eq!(
        between(&waiver.body, "id=\"suggested-tier\">", "<"),
        "不予处罚"
    );
    assert!(waiver.body.contains("tag met\">首违不罚"));

    // Within the range: fine. Outside: a reason is required, then shown.
    let within = s
        .post(
            "/catalogue/suggestion",
            &[
                ("code", "lu_tian_shao_kao"),
                ("party", "individual"),
                ("proposed", "3000"),
            ],
        )
        .await;
    assert_eq!(within.status, StatusCode::OK);
    assert!(within.body.contains("在裁量建议的幅度"));
    let departs = s
        .post(
            "/catalogue/suggestion",
            &[
                ("code", "lu_tian_shao_kao"),
                ("party", "individual"),
                ("proposed", "8000"),
            ],
        )
        .await;
    assert_eq!(departs.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(departs.body.contains("id=\"reason-error\""));
    assert!(departs.body.contains("偏离裁量基准"));
    assert!(departs.body.contains("value=\"8000\""));
    let explained = s
        .post(
            "/catalogue/suggestion",
            &[
                ("code", "lu_tian_shao_kao"),
                ("party", "individual"),
                ("proposed", "8000"),
                ("reason", "夜间在居民区多次烧烤，群众反映强烈"),
            ],
        )
        .await;
    assert_eq!(explained.status, StatusCode::OK);
    assert_eq!(
        between(&explained.body, "id=\"departure-reason\">", "<"),
        "夜间在居民区多次烧烤，群众反映强烈"
    );
    assert!(explained.body.contains("处罚决定"));

    let bad = s
        .post(
            "/catalogue/suggestion",
            &[
                ("code", "no_such"),
                ("party", "individual"),
                ("proposed", "abc"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"code-error\"") && bad.body.contains("id=\"proposed-error\""));
    assert_eq!(
        s.get("/catalogue/suggestion").await.status,
        StatusCode::SEE_OTHER
    );
    let forged = s
        .post_raw("/catalogue/suggestion", &[("code", "lu_tian_shao_kao")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn admins_create_users_who_can_then_log_in() {
    let app = TestApp::spawn_on("2025-04-01").await;
    app.user("admin", Role::Admin, &app.bureau).await;
    app.user("juzhang", Role::Leader, &app.bureau).await;
    let admin = Session::login(&app, "admin").await;
    let page = admin.get("/users").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("系统管理员") && page.body.contains("局领导"));

    let weak = admin
        .post(
            "/users",
            &[
                ("username", "wang.fa"),
                ("display_name", "王法制"),
                ("password", "short"),
                ("role", "legal"),
                ("org_unit_id", &app.bureau),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body.contains("id=\"password-error\""));
    assert!(weak.body.contains("value=\"wang.fa\"") && !weak.body.contains("short"));

    let ok = admin
        .post(
            "/users",
            &[
                ("username", "wang.fa"),
                ("display_name", "王法制"),
                ("password", PASSWORD),
                ("role", "legal"),
                ("org_unit_id", &app.bureau),
                ("officer_id", ""),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = admin.get(&ok.location).await;
    assert!(page.body.contains("已创建用户") && page.body.contains("王法制"));
    assert!(page.body.contains("法制审核员"));
    // The administrator knows the initial password: its user must replace it first.
    let new_user =
        Session::login_changing_password(&app, "wang.fa", "wolong-legal-office-77").await;
    assert!(new_user.get("/workbench").await.body.contains("王法制"));

    let dup = admin
        .post(
            "/users",
            &[
                ("username", "wang.fa"),
                ("display_name", "另一个"),
                ("password", PASSWORD),
                ("role", "officer"),
                ("org_unit_id", &app.squad),
            ],
        )
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dup.body.contains("id=\"username-error\"") && dup.body.contains("已被使用"));
    let bad_officer = admin
        .post(
            "/users",
            &[
                ("username", "li.si"),
                ("display_name", "李四"),
                ("password", PASSWORD),
                ("role", "officer"),
                ("org_unit_id", &app.squad),
                ("officer_id", "not-an-officer"),
            ],
        )
        .await;
    assert_eq!(bad_officer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_officer.body.contains("id=\"officer_id-error\""));

    let leader = Session::login(&app, "juzhang").await;
    assert_eq!(leader.get("/users").await.status, StatusCode::FORBIDDEN);
    let denied = leader
        .post(
            "/users",
            &[
                ("username", "x.y"),
                ("display_name", "某某"),
                ("password", PASSWORD),
                ("role", "admin"),
                ("org_unit_id", &app.bureau),
            ],
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn calendar_page_lists_holidays_and_counts_periods() {
    let app = TestApp::spawn_on("2025-04-01").await;
    app.user("fazhi", Role::Legal, &app.bureau).await;
    let s = Session::login(&app, "fazhi").await;
    let page = s.get("/calendars").await;
    assert_eq!(page.status, StatusCode::OK);
    // Today is 2025-04-01: next year (2026) is loaded, so no warning.
    assert!(!page.body.contains("id=\"not-loaded\""));
    let y2025 = between(&page.body, "id=\"year-2025\"", "</section>");
    assert!(y2025.contains("国庆节、中秋节") && y2025.contains("2025年9月28日（星期日）"));

    let a = s.get("/calendars?from=2025-09-26&span=5wd").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        between(&a.body, "id=\"result\">", "<"),
        "2025年10月10日（星期五）"
    );
    assert!(a.body.contains("起算日当日不计入"));
    let a = s.get("/calendars?from=2025-10-10&span=15d").await;
    assert_eq!(
        between(&a.body, "id=\"result\">", "<"),
        "2025年10月27日（星期一）"
    );
    assert!(a.body.contains("顺延"));

    // Into 2027 (not loaded): counted on the provisional calendar and marked.
    let provisional = s.get("/calendars?from=2026-12-31&span=1wd").await;
    assert_eq!(provisional.status, StatusCode::OK);
    assert_eq!(
        between(&provisional.body, "id=\"result\">", "<"),
        "2027年1月4日（星期一）"
    );
    assert!(provisional.body.contains("id=\"result-provisional\""));
    let out_of_range = s.get("/calendars?from=2099-12-31&span=1wd").await;
    assert_eq!(out_of_range.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(out_of_range.body.contains("超出工作日历支持的范围"));
    let bad = s.get("/calendars?from=2025-02-30&span=5x").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"from-error\"") && bad.body.contains("id=\"span-error\""));
    assert!(bad.body.contains("value=\"5x\""));
}

#[tokio::test]
async fn open311_keys_are_issued_once_and_revoked() {
    let app = TestApp::spawn_on("2025-04-01").await;
    app.user("admin", Role::Admin, &app.bureau).await;
    app.user("juzhang", Role::Leader, &app.bureau).await;
    let admin = Session::login(&app, "admin").await;
    assert!(
        admin
            .get("/open311-keys")
            .await
            .body
            .contains("尚未签发密钥")
    );
    let empty = admin.post("/open311-keys", &[("name", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("id=\"key-name-error\""));

    let issued = admin
        .post("/open311-keys", &[("name", "12345热线平台")])
        .await;
    assert_eq!(issued.status, StatusCode::OK);
    let key = between(&issued.body, "<code id=\"new-key\">", "</code>").to_string();
    assert!(key.len() >= 20);
    fazhi::service::complaint::authorize_key(&app.state, Some(&key))
        .await
        .expect("the new key works");
    // The audit log names the administrator who issued it.
    let issuer: String = sqlx::query_scalar(
        "SELECT u.username FROM audit_log a JOIN users u ON u.id = a.actor WHERE a.action = 'open311_key.create'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .expect("audit entry of the key");
    assert_eq!(issuer, "admin");
    let list = admin.get("/open311-keys").await;
    assert!(
        list.body.contains("12345热线平台") && !list.body.contains(&key),
        "shown once"
    );

    let leader = Session::login(&app, "juzhang").await;
    assert_eq!(
        leader.get("/open311-keys").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        leader
            .post("/open311-keys", &[("name", "某平台")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let action = between(&list.body, "action=\"/open311-keys/", "/revoke\"").to_string();
    let path = format!("/open311-keys/{action}/revoke");
    assert_eq!(leader.post(&path, &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        admin.post_raw(&path, &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let revoked = admin.post(&path, &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(revoked.location, "/open311-keys?ok=revoked");
    assert!(
        admin
            .get(&revoked.location)
            .await
            .body
            .contains("已于2025年4月1日吊销")
    );
    assert!(
        fazhi::service::complaint::authorize_key(&app.state, Some(&key))
            .await
            .is_err()
    );
    let again = admin.post(&path, &[]).await;
    assert_eq!(again.location, "/open311-keys?ok=unchanged");
    // One audit entry for the revocation, naming the administrator; revoking again adds none.
    let revokers: Vec<String> = sqlx::query_scalar(
        "SELECT u.username FROM audit_log a JOIN users u ON u.id = a.actor WHERE a.action = 'open311_key.revoke'",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .expect("audit entries of the revocation");
    assert_eq!(revokers, vec!["admin".to_string()]);
    assert_eq!(
        admin.post("/open311-keys/nope/revoke", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}
