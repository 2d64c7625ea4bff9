//! PDF rendering of a generated DOCX by LibreOffice headless (`soffice --headless
//! --convert-to pdf`). Each conversion runs in its own temporary directory with its own
//! LibreOffice profile (`-env:UserInstallation`), so conversions can run side by side, and is
//! killed after [`TIMEOUT`]. The PDF is stored beside the DOCX as `<sha256>.pdf`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest a conversion may take.
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// Converts DOCX bytes to PDF bytes with `soffice`, working under `work_dir`.
pub async fn convert(soffice: &Path, work_dir: &Path, docx: Vec<u8>) -> anyhow::Result<Vec<u8>> {
    let soffice = soffice.to_path_buf();
    let dir = work_dir.join(format!("pdf-{}", uuid::Uuid::now_v7()));
    tokio::task::spawn_blocking(move || {
        let result = convert_in(&soffice, &dir, &docx);
        let _ = std::fs::remove_dir_all(&dir);
        result
    })
    .await?
}

fn convert_in(soffice: &Path, dir: &Path, docx: &[u8]) -> anyhow::Result<Vec<u8>> {
    std::fs::create_dir_all(dir)?;
    let input = dir.join("document.docx");
    std::fs::write(&input, docx)?;
    let profile = format!("file://{}", dir.join("profile").display());
    let mut child = Command::new(soffice)
        .arg(format!("-env:UserInstallation={profile}"))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir)
        .arg(&input)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot start {}: {e}", soffice.display()))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            anyhow::bail!("PDF conversion took longer than {} s", TIMEOUT.as_secs());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = dir.join("document.pdf");
    if !status.success() || !output.exists() {
        anyhow::bail!("soffice failed to convert the document ({status})");
    }
    Ok(std::fs::read(output)?)
}
