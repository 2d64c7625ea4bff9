//! DOCX layout of an official document (党政机关公文格式, GB/T 9704 in spirit): A4, margins
//! 3.7/3.5/2.8/2.6 cm (top/bottom/left/right), title bold and centred in 小标宋 style at
//! 22 pt (二号), the document number centred under it, body in 仿宋 16 pt (三号) with a
//! two-character first-line indent, and the agency, seal placeholder and date at the right.

use docx_rs::{
    AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType,
};

/// Twips per centimetre (1 cm = 567 twips).
const fn cm(tenths: i32) -> i32 {
    tenths * 567 / 10
}

fn body_fonts() -> RunFonts {
    RunFonts::new()
        .east_asia("仿宋_GB2312")
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
}

fn run(text: &str, half_points: usize) -> Run {
    Run::new()
        .add_text(text)
        .size(half_points)
        .fonts(body_fonts())
}

/// A filled-in document ready to lay out (kept with the record for the HTML view).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Filled {
    pub title: String,
    pub doc_no: String,
    pub paragraphs: Vec<String>,
    pub closing: Vec<String>,
}

/// Lays the document out and packs it as DOCX bytes.
pub fn to_docx(doc: &Filled) -> anyhow::Result<Vec<u8>> {
    let spacing = LineSpacing::new().line(560);
    let mut d = Docx::new().page_size(11906, 16838).page_margin(
        PageMargin::new()
            .top(cm(37))
            .bottom(cm(35))
            .left(cm(28))
            .right(cm(26)),
    );
    d = d.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .line_spacing(spacing.clone())
            .add_run(
                Run::new().add_text(&doc.title).size(44).bold().fonts(
                    RunFonts::new()
                        .east_asia("方正小标宋简体")
                        .ascii("宋体")
                        .hi_ansi("宋体"),
                ),
            ),
    );
    d = d.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .line_spacing(spacing.clone())
            .add_run(run(&doc.doc_no, 32)),
    );
    for p in &doc.paragraphs {
        d = d.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Both)
                .line_spacing(spacing.clone())
                .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
                .add_run(run(p, 32)),
        );
    }
    d = d.add_paragraph(Paragraph::new().line_spacing(spacing.clone()));
    for p in &doc.closing {
        d = d.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Right)
                .line_spacing(spacing.clone())
                .add_run(run(p, 32)),
        );
    }
    let mut out = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut out)?;
    Ok(out.into_inner())
}
