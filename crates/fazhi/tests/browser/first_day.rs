//! A bureau's first day (issue 9): a fresh server with an empty database → `fazhi init` →
//! the administrator creates a squad, the legal office, officers and the accounts of an
//! officer, a legal reviewer and the leader → the officer files a major case, the leader
//! approves its 立案 → the legal reviewer finds it in the 法制审核 queue on the workbench and
//! passes the review. Every new account first changes the password the administrator set.

use crate::browser::{Browser, Screen};
use crate::helpers::{TestApp, fazhi_cli};

const ADMIN_PASSWORD: &str = "wolong-first-admin-2026";
const FIRST_PASSWORD: &str = "given-by-admin-0401";

async fn unit_id(app: &TestApp, name: &str) -> String {
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    fazhi::repo::org_unit_repo::all(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.name == name)
        .map(|u| u.id)
        .unwrap_or_else(|| panic!("no unit {name}"))
}

async fn logout(b: &Browser) {
    b.submit("form[action='/logout'] button").await;
    assert_eq!(b.path().await, "/login");
}

/// Logs in with the administrator's password and chooses the user's own on the form the
/// login leads to.
async fn first_login(b: &Browser, username: &str, own: &str) {
    b.login(username, FIRST_PASSWORD).await;
    assert_eq!(b.path().await, "/password");
    assert!(b.text("#must-change").await.contains("须先修改"));
    b.fill("#current_password", FIRST_PASSWORD).await;
    b.fill("#new_password", own).await;
    b.fill("#new_password_again", own).await;
    b.submit("main form button[type=submit]").await;
    assert_eq!(b.path().await, "/workbench");
    assert!(b.text(".notice").await.contains("密码已修改"));
}

async fn new_officer(b: &Browser, name: &str, squad: &str, cert_no: &str) -> String {
    b.goto("/officers/new").await;
    b.fill("#name", name).await;
    b.select("#org_unit_id", squad).await;
    b.submit("main form button[type=submit]").await;
    let id = b.path().await.trim_start_matches("/officers/").to_string();
    b.fill("#cert_no", cert_no).await;
    b.fill("#valid_from", "2024-01-01").await;
    b.fill("#valid_until", "2028-12-31").await;
    b.submit("#certificate-form button[type=submit]").await;
    assert!(b.text(".notice").await.contains("已登记执法证"));
    id
}

async fn new_user(b: &Browser, username: &str, name: &str, role: &str, unit: &str, officer: &str) {
    b.goto("/users").await;
    b.fill("#username", username).await;
    b.fill("#display_name", name).await;
    b.fill("#password", FIRST_PASSWORD).await;
    b.select("#role", role).await;
    b.select("#org_unit_id", unit).await;
    b.select("#officer_id", officer).await;
    b.submit("main form button[type=submit]").await;
    assert!(b.text(".notice").await.contains("已创建用户"));
}

#[tokio::test]
async fn from_an_empty_server_to_a_passed_legal_review() {
    let app = TestApp::spawn_bare("2026-04-01").await;
    let Some(b) = Browser::start(&app.root(), Screen::Desktop).await else {
        return;
    };
    // Nobody can log in to the empty server.
    b.login_attempt("admin", ADMIN_PASSWORD).await;
    assert!(b.text("#login-error").await.contains("用户名或密码错误"));

    let (code, out, err) = tokio::task::spawn_blocking({
        let url = app.database_url.clone();
        let key = app.data_dir.join("audit-key.pem").display().to_string();
        let checkpoints = app.data_dir.join("checkpoints").display().to_string();
        move || {
            fazhi_cli(
                &[
                    "init",
                    "--bureau",
                    "南阳市卧龙区城市管理局",
                    "--admin",
                    "admin",
                    "--name",
                    "刘管理",
                    "--audit-key",
                    &key,
                    "--audit-checkpoints",
                    &checkpoints,
                    "--database-url",
                    &url,
                ],
                &format!("{ADMIN_PASSWORD}\n"),
            )
        }
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{out}{err}");
    let bureau = unit_id(&app, "南阳市卧龙区城市管理局").await;

    // The administrator builds the bureau.
    b.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(b.path().await, "/workbench");
    for (name, kind) in [("卧龙岗中队", "squad"), ("法制股", "office")] {
        b.goto("/org-units").await;
        b.fill("#name", name).await;
        b.select("#kind", kind).await;
        b.select("#parent_id", &bureau).await;
        b.submit("main form button[type=submit]").await;
        assert!(b.page_text().await.contains(name));
    }
    let squad = unit_id(&app, "卧龙岗中队").await;
    let office = unit_id(&app, "法制股").await;
    let wang = new_officer(&b, "王强", &squad, "豫41139001").await;
    let li = new_officer(&b, "李娜", &squad, "豫41139002").await;
    new_user(&b, "wang.qiang", "王强", "officer", &squad, &wang).await;
    new_user(&b, "chen.fa", "陈法制", "legal", &office, "").await;
    new_user(&b, "zhang.jz", "张局长", "leader", &bureau, "").await;
    b.screenshot("first-day-users").await;
    logout(&b).await;

    // The officer files a major case.
    first_login(&b, "wang.qiang", "patrol-wolong-gang-7").await;
    b.goto("/cases/new").await;
    b.select("#org_unit_id", &squad).await;
    b.fill("#party_name", "南阳某某餐饮管理有限公司").await;
    b.fill("#party_address", "卧龙区卧龙路88号").await;
    b.fill("#act_date", "2026-03-28").await;
    b.select("#violation", "zhan_dao_jing_ying").await;
    b.click("input[name=major]").await;
    b.submit(".step-form button[type=submit]").await;
    b.find("#actions").await;
    let case_path = b.path().await;
    assert!(case_path.starts_with("/cases/"), "{case_path}");
    // 立案 is the leader's: the officer's case page names the post instead of a button.
    assert!(
        b.text("[data-step=register]")
            .await
            .contains("需由局领导办理")
    );
    logout(&b).await;

    // The leader approves 立案 with the two officers.
    first_login(&b, "zhang.jz", "director-zhang-signs-3").await;
    b.goto(&format!("{case_path}/steps/register")).await;
    b.click(&format!("input[name=officers][value='{wang}']"))
        .await;
    b.click(&format!("input[name=officers][value='{li}']"))
        .await;
    b.submit(".step-form button[type=submit]").await;
    b.find("#timeline").await;
    assert_eq!(b.path().await, case_path);
    logout(&b).await;

    // The legal reviewer finds the case in the queue and passes the review.
    first_login(&b, "chen.fa", "legal-office-reviews-9").await;
    let queue = b.text("#reviews").await;
    assert!(queue.contains("南阳某某餐饮管理有限公司"), "{queue}");
    assert!(queue.contains("卧龙岗中队"), "{queue}");
    assert!(
        queue.contains("办案期限") || queue.contains("2026年6月"),
        "{queue}"
    );
    b.screenshot("first-day-review-queue").await;
    b.click("#reviews a").await;
    b.find("#actions").await;
    assert_eq!(b.path().await, case_path);
    b.goto(&format!("{case_path}/steps/legal_review")).await;
    b.select("#result", "pass").await;
    b.submit(".step-form button[type=submit]").await;
    b.find("#timeline").await;
    assert!(b.text("#timeline").await.contains("法制审核"));
    assert!(b.text("#timeline").await.contains("陈法制 录入于"));
    b.goto("/workbench").await;
    assert!(b.page_text().await.contains("目前没有等待法制审核的案件"));
    b.close().await;
}
