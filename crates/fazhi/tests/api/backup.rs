//! `fazhi backup` while the server keeps serving and `fazhi restore` (issue 9 §5): the copy
//! holds the database and the evidence files with a SHA-256 manifest, a damaged backup and a
//! target holding data are refused, and the restored copy passes `fazhi audit verify`.

use crate::helpers::*;
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::Path;

fn temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("fazhi-{name}-{}", uuid::Uuid::now_v7().simple()))
}

/// The database arguments of a copy: the data directory, plus the URL on PostgreSQL.
fn target_args(data_dir: &Path, url: &str) -> Vec<String> {
    let mut a = vec!["--data-dir".to_string(), data_dir.display().to_string()];
    if url.starts_with("postgres") {
        a.extend(["--database-url".to_string(), url.to_string()]);
    }
    a
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_and_verifies() {
    let app = TestApp::spawn().await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let (case_id, _) = new_case(&leader, &app.squad).await;
    let photo = crate::helpers::photo_png([120, 80, 40]);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(photo.clone())
            .file_name("现场照片.png")
            .mime_str("image/png")
            .unwrap(),
    );
    let r = leader
        .http
        .post(leader.base.clone() + &format!("/cases/{case_id}/evidence"))
        .bearer_auth(&leader.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);

    // Writers keep going while the backup runs.
    let writer = {
        let leader = leader.clone();
        let squad = app.squad.clone();
        tokio::spawn(async move {
            let mut written = 0;
            for i in 0..15 {
                let (s, _) = parts(leader.post("/cases", &json!({
                    "org_unit_id": squad, "party": {"kind": "individual", "name": format!("当事人{i}")},
                    "procedure": "ordinary", "act_date": "2026-03-01"
                })).await).await;
                assert_eq!(s, StatusCode::CREATED);
                written += 1;
            }
            written
        })
    };
    let to = temp("backup");
    let mut args = vec![
        "backup".to_string(),
        "--to".into(),
        to.display().to_string(),
    ];
    args.extend(target_args(&app.data_dir, &app.database_url));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out, err) = tokio::task::spawn_blocking({
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        move || fazhi_cli(&argv.iter().map(String::as_str).collect::<Vec<_>>(), "")
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("备份完成"), "{out}");
    assert_eq!(writer.await.unwrap(), 15, "the server kept serving");

    let manifest: Value =
        serde_json::from_slice(&std::fs::read(to.join("manifest.json")).unwrap()).unwrap();
    let files = manifest["files"].as_array().unwrap();
    let sha = fazhi::infra::secret::sha256_hex(&photo);
    let evidence = files
        .iter()
        .find(|f| f["path"] == format!("files/evidence/{sha}"))
        .expect("the evidence file is in the backup");
    assert_eq!(evidence["sha256"], sha);
    assert_eq!(
        manifest["schema_version"],
        fazhi::infra::db::latest_schema_version()
    );
    assert!(
        files
            .iter()
            .any(|f| f["path"] == "fazhi.db" || f["path"] == "fazhi.pgdump"),
        "{manifest}"
    );

    // A second backup into the same directory is refused.
    let (code, _, err) = fazhi_cli(&argv, "");
    assert_eq!(code, 2);
    assert!(err.contains("不是空目录"), "{err}");

    // Restore into a fresh place; it verifies.
    let target = temp("restored");
    let target_url = if app.database_url.starts_with("postgres") {
        fresh_database_url(&target).await
    } else {
        String::new()
    };
    let mut restore = vec![
        "restore".to_string(),
        "--from".into(),
        to.display().to_string(),
    ];
    restore.extend(target_args(&target, &target_url));
    let restore_argv: Vec<&str> = restore.iter().map(String::as_str).collect();
    let (code, out, err) = fazhi_cli(&restore_argv, "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("哈希链校验通过"), "{out}");
    assert_eq!(
        std::fs::read(target.join("evidence").join(&sha)).unwrap(),
        photo
    );
    let mut verify = vec!["audit".to_string(), "verify".into()];
    verify.extend(target_args(&target, &target_url));
    let verify_argv: Vec<&str> = verify.iter().map(String::as_str).collect();
    let (code, _, err) = fazhi_cli(&verify_argv, "");
    assert_eq!(code, 0, "{err}");

    // The restored target now holds data: a second restore needs --force.
    let (code, _, err) = fazhi_cli(&restore_argv, "");
    assert_eq!(code, 2);
    assert!(err.contains("目标已有数据"), "{err}");
    let mut forced = restore_argv.clone();
    forced.push("--force");
    let (code, out, err) = fazhi_cli(&forced, "");
    assert_eq!(code, 0, "{out}{err}");

    // A damaged backup is refused before anything is touched.
    std::fs::write(to.join(format!("files/evidence/{sha}")), b"edited").unwrap();
    let elsewhere = temp("never");
    let mut damaged = vec![
        "restore".to_string(),
        "--from".into(),
        to.display().to_string(),
    ];
    damaged.extend(target_args(&elsewhere, &target_url));
    damaged.push("--force".into());
    let damaged_argv: Vec<&str> = damaged.iter().map(String::as_str).collect();
    let (code, _, err) = fazhi_cli(&damaged_argv, "");
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("files/evidence/{sha}：内容与清单不符")),
        "{err}"
    );
    assert!(!elsewhere.exists());
    let _ = std::fs::remove_dir_all(&to);
    let _ = std::fs::remove_dir_all(&target);
}
