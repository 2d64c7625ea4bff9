//! `fazhi demo` seeds a realistic year at the bureau's real scale (the bureau's 2025 report:
//! 34 行政处罚, 2000余件投诉举报, 满意度98%以上): at least 30 penalty cases, all of which the
//! rule engine passes today, and at least 1000 complaints, most taken round the closed loop,
//! so the yearly figures of the dashboard are not trivial.

use crate::helpers::*;
use fazhi::service::{auth, case, statistics};

#[tokio::test]
async fn the_demo_seeds_a_year_that_passes_the_rules() {
    let app = TestApp::spawn_bare("2026-12-03").await;
    assert!(fazhi::service::demo::seed(&app.state).await.unwrap());
    let leader = auth::as_user(&app.state, "juzhang").await.unwrap();

    let cases = case::list(&app.state, &leader, false, 500, 0)
        .await
        .unwrap();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let mut open = 0;
    for c in &cases {
        let view = case::get(&app.state, &leader, &c.id).await.unwrap();
        assert!(
            view.check.violations.is_empty(),
            "{} ({}): {:?}",
            c.case_no,
            c.party_name,
            view.check.violations
        );
        open += usize::from(c.open != 0);
    }
    // Most are closed; a few are still at each stage today.
    assert!((4..=10).contains(&open), "{open} open cases");

    let stats = statistics::year(&app.state, &leader, 2026).await.unwrap();
    let value = |key: &str| {
        stats
            .figure(key)
            .unwrap_or_else(|| panic!("no figure {key}"))
            .clone()
    };
    assert!(value("cases.registered").value >= 30);
    assert!(value("cases.closed").value >= 20);
    let received = value("complaints.received").value;
    assert!(received >= 1000, "{received} complaints");
    assert!(value("complaints.closed").value * 10 >= received * 9);
    let on_time = value("complaints.on_time_rate");
    assert!(
        on_time.rate.unwrap() > 0.95 && on_time.rate.unwrap() < 1.0,
        "{on_time:?}"
    );
    let satisfaction = value("complaints.satisfaction_rate");
    let rate = satisfaction.rate.unwrap();
    assert!((0.97..0.995).contains(&rate), "{satisfaction:?}");
    // A few complaints of the last days are still open.
    let open_complaints: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM complaints WHERE state <> 'closed'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert!((3..100).contains(&open_complaints), "{open_complaints}");
    eprintln!(
        "demo year: {} cases ({open} open), {received} complaints ({open_complaints} open), on time {:?}, satisfaction {rate}",
        cases.len(),
        on_time.rate
    );
}
