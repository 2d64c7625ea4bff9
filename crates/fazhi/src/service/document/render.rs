//! DOCX layout of an enforcement document as a 公文 (GB/T 9704-2012 《党政机关公文格式》):
//! A4, margins 37/35/28/26 mm (top/bottom/left/right) leaving a 156 × 225 mm 版心;
//! 22 lines of 28 characters (`docGrid`); body 仿宋_GB2312 三号 (16 pt) on a fixed
//! 28 磅 line (`w:line="560" w:lineRule="exact"`) with a two-character first-line indent;
//! title 方正小标宋简体 二号 (22 pt) centred; the 文号 centred under it; agency, seal and
//! date at the right, the date 右空四字; page numbers 4号 半角 「— 1 —」 at the bottom,
//! odd pages right and even pages left, one character in from the edge (`evenAndOddHeaders`
//! and two footers). Approval forms (立案/结案审批表, 送达回证) are bordered tables whose
//! 「意见」 rows are followed by signature and date cells.
//!
//! The package is written here rather than by a general DOCX crate because every property
//! container must follow the WordprocessingML sequence (see [`super::schema`], and
//! `docs/decisions/013-documents.md`).

use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::io::Write as _;

/// How a document's paragraphs are laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// Running text: one paragraph per template line.
    #[default]
    Letter,
    /// A bordered form: each `标签：内容` line is a row; a label holding 签名 gives a
    /// signature row with a date cell.
    Form,
    /// A ruled list (卷内目录): each line is a row of cells separated by 「｜」, the first
    /// line the header; five columns 序号, 文书名称, 文号, 日期, 页号.
    Index,
}

/// A filled-in document ready to lay out (kept with the record for the HTML view).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Filled {
    pub title: String,
    pub doc_no: String,
    pub paragraphs: Vec<String>,
    pub closing: Vec<String>,
    #[serde(default)]
    pub layout: Layout,
}

impl Filled {
    /// Whether the document is laid out as a form (for the HTML view).
    pub fn is_form(&self) -> bool {
        self.layout == Layout::Form
    }

    /// The form's rows (for the HTML view).
    pub fn form_rows(&self) -> Vec<FormRow> {
        form_rows(&self.paragraphs)
    }

    /// Whether the document is a ruled list (for the HTML view).
    pub fn is_index(&self) -> bool {
        self.layout == Layout::Index
    }

    /// The list's rows, the header first (for the HTML view).
    pub fn index_rows(&self) -> Vec<Vec<String>> {
        index_rows(&self.paragraphs)
    }

    /// The number of A4 pages the DOCX takes, estimated from its layout: every line of the
    /// body is 28 磅 high and a page holds 22 of them (GB/T 9704 §5.2.2); a running-text line
    /// holds 28 characters (a half-width character counts half), a table cell as many as
    /// its width holds, and a table row is at least its minimum height. Used for the 卷内目录
    /// when a document has no PDF to count.
    pub fn estimated_pages(&self) -> u32 {
        // Title, 文号 and a blank line; a blank line and the closing lines after the body.
        let mut height = 4 * LINE + self.closing.len() as u32 * LINE;
        match self.layout {
            Layout::Letter => {
                for p in &self.paragraphs {
                    height += lines(p, 2, CHARS_PER_LINE) * LINE;
                }
            }
            Layout::Form => {
                let cols = form_columns();
                for row in form_rows(&self.paragraphs) {
                    height += match row {
                        FormRow::Full(text) => {
                            (lines(&text, 0, chars_in(text_width())) * LINE).max(LINE + 120)
                        }
                        FormRow::Field { label, value } => {
                            let min = if label.ends_with("意见") {
                                3 * LINE
                            } else {
                                LINE + 120
                            };
                            let rest = cols[1] + cols[2] + cols[3];
                            (lines(&value, 0, chars_in(rest)).max(lines(
                                &label,
                                0,
                                chars_in(cols[0]),
                            )) * LINE)
                                .max(min)
                        }
                        FormRow::Signature { label } => {
                            (lines(&label, 0, chars_in(cols[0])) * LINE).max(LINE + 240)
                        }
                    };
                }
            }
            Layout::Index => {
                let cols = index_columns();
                for row in index_rows(&self.paragraphs) {
                    let n = row
                        .iter()
                        .zip(cols)
                        .map(|(c, w)| lines(c, 0, chars_in(w)))
                        .max()
                        .unwrap_or(1);
                    height += (n * LINE).max(LINE + 120);
                }
            }
        }
        height.div_ceil(LINES_PER_PAGE * LINE).max(1)
    }
}

/// Characters of the body size a width (twips, less the cell margins) holds.
fn chars_in(width: u32) -> u32 {
    let pitch = text_width() / CHARS_PER_LINE;
    (width.saturating_sub(216) / pitch).max(1)
}

/// Lines a text takes at `per_line` characters a line after an indent of `indent`
/// characters; a half-width (ASCII) character counts half.
fn lines(text: &str, indent: u32, per_line: u32) -> u32 {
    let halves: u32 = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    let chars = halves.div_ceil(2) + indent;
    chars.div_ceil(per_line).max(1)
}

/// Splits a list's lines into cells at 「｜」.
pub fn index_rows(paragraphs: &[String]) -> Vec<Vec<String>> {
    paragraphs
        .iter()
        .map(|p| p.split('｜').map(str::to_string).collect())
        .collect()
}

/// One row of a form, as the DOCX and the HTML view lay it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormRow {
    /// A line without a label: one cell across the table.
    Full(String),
    /// `label | value` (the value spans the other three columns).
    Field { label: String, value: String },
    /// `label | blank for the signature | 日期 | 年 月 日`.
    Signature { label: String },
}

/// Splits a form's lines into rows: `标签：内容` at the first full-width colon.
pub fn form_rows(paragraphs: &[String]) -> Vec<FormRow> {
    paragraphs
        .iter()
        .map(|p| match p.split_once('：') {
            Some((label, _)) if label.contains("签名") => FormRow::Signature {
                label: label.to_string(),
            },
            Some((label, value)) => FormRow::Field {
                label: label.to_string(),
                value: value.to_string(),
            },
            None => FormRow::Full(p.clone()),
        })
        .collect()
}

// ---- Geometry (twips: 1 pt = 20 twips, 1 mm = 56.7 twips) ----

/// A4 portrait.
pub const PAGE_W: u32 = 11906;
pub const PAGE_H: u32 = 16838;
/// GB/T 9704 §5.2.1: 天头 37 mm, 订口 28 mm; the 版心 is 156 × 225 mm, so the bottom
/// margin is 35 mm and the right margin 26 mm.
pub const MARGIN_TOP: u32 = 2098;
pub const MARGIN_BOTTOM: u32 = 1984;
pub const MARGIN_LEFT: u32 = 1588;
pub const MARGIN_RIGHT: u32 = 1474;
/// Distance from the page's bottom edge to the footer: the page number sits about 7 mm
/// below the 版心 (GB/T 9704 §7.5).
pub const FOOTER: u32 = 1304;
/// 三号 = 16 pt, in half points.
pub const BODY_SIZE: u32 = 32;
/// 二号 = 22 pt.
pub const TITLE_SIZE: u32 = 44;
/// 4号 = 14 pt (page numbers).
pub const PAGE_NO_SIZE: u32 = 28;
/// Fixed line height: 28 磅.
pub const LINE: u32 = 560;
/// GB/T 9704 §5.2.2: 22 lines of 28 characters.
pub const LINES_PER_PAGE: u32 = 22;
pub const CHARS_PER_LINE: u32 = 28;

/// Width of the 版心.
pub const fn text_width() -> u32 {
    PAGE_W - MARGIN_LEFT - MARGIN_RIGHT
}

/// Character spacing (`w:spacing` in a run's properties, in twips = 1/20 pt) added to each
/// character of body text so that 28 characters of 16 pt fit the 版心's width: GB/T 9704's
/// 28 characters a line. A negative `charSpace` on a `linesAndChars` grid says the same to Word,
/// but LibreOffice (the PDF converter) then spreads each character over two grid cells (about
/// 14 characters a line); run spacing on a line-only grid is read alike by Word, WPS and
/// LibreOffice.
pub fn char_spacing() -> i64 {
    let pitch_twips = f64::from(text_width()) / f64::from(CHARS_PER_LINE);
    (pitch_twips - f64::from(BODY_SIZE) * 10.0).floor() as i64
}

const BODY_FONT: &str = "仿宋_GB2312";
const LATIN_FONT: &str = "Times New Roman";
const TITLE_FONT: &str = "方正小标宋简体";
const PAGE_NO_FONT: &str = "宋体";

// ---- XML writing, each container in its schema sequence ----

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Run properties (CT_RPr order: rFonts, b, bCs, sz, szCs, lang).
#[derive(Clone, Copy)]
struct RPr {
    east_asia: &'static str,
    latin: &'static str,
    bold: bool,
    size: u32,
}

impl RPr {
    const BODY: RPr = RPr {
        east_asia: BODY_FONT,
        latin: LATIN_FONT,
        bold: false,
        size: BODY_SIZE,
    };
    const TITLE: RPr = RPr {
        east_asia: TITLE_FONT,
        latin: TITLE_FONT,
        bold: false,
        size: TITLE_SIZE,
    };
    const PAGE_NO: RPr = RPr {
        east_asia: PAGE_NO_FONT,
        latin: PAGE_NO_FONT,
        bold: false,
        size: PAGE_NO_SIZE,
    };

    fn write(&self, out: &mut String) {
        let _ = write!(
            out,
            r#"<w:rPr><w:rFonts w:ascii="{l}" w:eastAsia="{e}" w:hAnsi="{l}" w:cs="{l}"/>"#,
            l = self.latin,
            e = self.east_asia
        );
        if self.bold {
            out.push_str("<w:b/><w:bCs/>");
        }
        // CT_RPr: spacing comes after b/bCs and before sz.
        if self.size == BODY_SIZE {
            let _ = write!(out, r#"<w:spacing w:val="{}"/>"#, char_spacing());
        }
        let _ = write!(
            out,
            r#"<w:sz w:val="{s}"/><w:szCs w:val="{s}"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>"#,
            s = self.size
        );
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Jc {
    Left,
    Center,
    Right,
    Both,
}

impl Jc {
    fn val(self) -> &'static str {
        match self {
            Jc::Left => "left",
            Jc::Center => "center",
            Jc::Right => "right",
            Jc::Both => "both",
        }
    }
}

/// Paragraph properties (CT_PPr order: snapToGrid, spacing, ind, jc, rPr).
#[derive(Clone, Copy)]
struct PPr {
    jc: Jc,
    /// First-line indent in characters (hundredths, `w:firstLineChars`) and twips.
    first_line: Option<(u32, u32)>,
    /// Left / right indent in twips.
    left: u32,
    right: u32,
    /// Line height in twips (exact).
    line: u32,
    rpr: RPr,
}

impl PPr {
    fn body() -> PPr {
        PPr {
            jc: Jc::Both,
            first_line: Some((200, 2 * BODY_SIZE * 10)),
            left: 0,
            right: 0,
            line: LINE,
            rpr: RPr::BODY,
        }
    }

    fn plain(jc: Jc) -> PPr {
        PPr {
            jc,
            first_line: None,
            ..PPr::body()
        }
    }

    fn write(&self, out: &mut String) {
        let _ = write!(
            out,
            r#"<w:pPr><w:spacing w:before="0" w:after="0" w:line="{}" w:lineRule="exact"/>"#,
            self.line
        );
        if self.first_line.is_some() || self.left > 0 || self.right > 0 {
            out.push_str("<w:ind");
            if self.left > 0 {
                let _ = write!(out, r#" w:left="{}""#, self.left);
            }
            if self.right > 0 {
                let _ = write!(out, r#" w:right="{}""#, self.right);
            }
            if let Some((chars, twips)) = self.first_line {
                let _ = write!(out, r#" w:firstLineChars="{chars}" w:firstLine="{twips}""#);
            }
            out.push_str("/>");
        }
        let _ = write!(out, r#"<w:jc w:val="{}"/>"#, self.jc.val());
        self.rpr.write(out);
        out.push_str("</w:pPr>");
    }
}

fn run(out: &mut String, rpr: RPr, text: &str) {
    out.push_str("<w:r>");
    rpr.write(out);
    let _ = write!(
        out,
        r#"<w:t xml:space="preserve">{}</w:t></w:r>"#,
        esc(text)
    );
}

fn paragraph(out: &mut String, ppr: PPr, text: &str) {
    out.push_str("<w:p>");
    ppr.write(out);
    if !text.is_empty() {
        run(out, ppr.rpr, text);
    }
    out.push_str("</w:p>");
}

/// Form table geometry: label, value (or signature), 「日期」, date.
fn form_columns() -> [u32; 4] {
    let w = text_width();
    let label = 1900;
    let date_label = 1100;
    let date = 2300;
    [label, w - label - date_label - date, date_label, date]
}

/// A table cell (CT_TcPr order: tcW, gridSpan, vAlign).
fn cell(out: &mut String, width: u32, span: u32, jc: Jc, text: &str) {
    let _ = write!(out, r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>"#);
    if span > 1 {
        let _ = write!(out, r#"<w:gridSpan w:val="{span}"/>"#);
    }
    out.push_str(r#"<w:vAlign w:val="center"/></w:tcPr>"#);
    paragraph(out, PPr::plain(jc), text);
    out.push_str("</w:tc>");
}

/// A table row (CT_TrPr order: cantSplit, trHeight).
fn row_start(out: &mut String, min_height: u32) {
    let _ = write!(
        out,
        r#"<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{min_height}" w:hRule="atLeast"/></w:trPr>"#
    );
}

/// List table geometry (卷内目录): 序号, 文书名称, 文号, 日期, 页号.
fn index_columns() -> [u32; 5] {
    let w = text_width();
    let (no, date, pages) = (800, 1900, 1100);
    let rest = w - no - date - pages;
    [no, rest / 2, rest - rest / 2, date, pages]
}

/// The table start with its properties and grid (CT_TblPr order: tblW, jc, tblBorders,
/// tblLayout, tblCellMar; then tblGrid).
fn table_start(out: &mut String, cols: &[u32]) {
    let total: u32 = cols.iter().sum();
    let border =
        |side: &str| format!(r#"<w:{side} w:val="single" w:sz="8" w:space="0" w:color="000000"/>"#);
    // CT_TblPr order: tblW, jc, tblBorders, tblLayout, tblCellMar.
    let _ = write!(
        out,
        r#"<w:tbl><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>{}{}{}{}{}{}</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>"#,
        border("top"),
        border("left"),
        border("bottom"),
        border("right"),
        border("insideH"),
        border("insideV"),
    );
    for c in cols {
        let _ = write!(out, r#"<w:gridCol w:w="{c}"/>"#);
    }
    out.push_str("</w:tblGrid>");
}

/// A ruled list: the header row centred, then one row per line; 序号 and 页号 centred.
fn index_table(out: &mut String, rows: &[Vec<String>]) {
    let cols = index_columns();
    table_start(out, &cols);
    for (i, row) in rows.iter().enumerate() {
        row_start(out, LINE + 120);
        for (j, w) in cols.iter().enumerate() {
            let jc = if i == 0 || j == 0 || j == 4 {
                Jc::Center
            } else {
                Jc::Left
            };
            cell(out, *w, 1, jc, row.get(j).map_or("", String::as_str));
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

fn form_table(out: &mut String, rows: &[FormRow]) {
    let cols = form_columns();
    let total: u32 = cols.iter().sum();
    table_start(out, &cols);
    let rest = cols[1] + cols[2] + cols[3];
    for r in rows {
        match r {
            FormRow::Full(text) => {
                row_start(out, LINE + 120);
                cell(out, total, 4, Jc::Left, text);
            }
            FormRow::Field { label, value } => {
                // An opinion (意见) gets room to write by hand.
                let height = if label.ends_with("意见") {
                    3 * LINE
                } else {
                    LINE + 120
                };
                row_start(out, height);
                cell(out, cols[0], 1, Jc::Center, label);
                cell(out, rest, 3, Jc::Left, value);
            }
            FormRow::Signature { label } => {
                row_start(out, LINE + 240);
                cell(out, cols[0], 1, Jc::Center, label);
                cell(out, cols[1], 1, Jc::Left, "");
                cell(out, cols[2], 1, Jc::Center, "日期");
                cell(out, cols[3], 1, Jc::Right, "年　月　日");
            }
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

const W_NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

/// `word/document.xml`.
pub fn document_xml(doc: &Filled) -> String {
    let mut out = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W_NS}><w:body>"#
    );
    // Title (二号小标宋, centred), then the 文号 under it and a blank line.
    let title = PPr {
        rpr: RPr::TITLE,
        ..PPr::plain(Jc::Center)
    };
    paragraph(&mut out, title, &doc.title);
    paragraph(&mut out, PPr::plain(Jc::Center), &doc.doc_no);
    paragraph(&mut out, PPr::plain(Jc::Left), "");
    match doc.layout {
        Layout::Letter => {
            for p in &doc.paragraphs {
                paragraph(&mut out, PPr::body(), p);
            }
        }
        Layout::Form => {
            form_table(&mut out, &form_rows(&doc.paragraphs));
        }
        Layout::Index => {
            index_table(&mut out, &index_rows(&doc.paragraphs));
        }
    }
    paragraph(&mut out, PPr::plain(Jc::Left), "");
    // Agency and seal at the right, 右空二字; the date 右空四字 (GB/T 9704 §7.3.5.1).
    let n = doc.closing.len();
    for (i, c) in doc.closing.iter().enumerate() {
        let chars = if i + 1 == n && n > 1 { 4 } else { 2 };
        let ppr = PPr {
            right: chars * BODY_SIZE * 10,
            ..PPr::plain(Jc::Right)
        };
        paragraph(&mut out, ppr, c);
    }
    // CT_SectPr order: footerReference…, pgSz, pgMar, pgNumType, cols, docGrid.
    let _ = write!(
        out,
        r#"<w:sectPr><w:footerReference w:type="even" r:id="rIdFooterEven"/><w:footerReference w:type="default" r:id="rIdFooterOdd"/><w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/><w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" w:left="{MARGIN_LEFT}" w:header="851" w:footer="{FOOTER}" w:gutter="0"/><w:pgNumType w:start="1"/><w:cols w:space="425"/><w:docGrid w:type="lines" w:linePitch="{LINE}"/></w:sectPr></w:body></w:document>"#,
    );
    out
}

/// A footer with the page number 「— n —」: odd pages right, even pages left, one
/// 4号 character in from the edge.
pub fn footer_xml(odd: bool) -> String {
    let mut out =
        format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr {W_NS}><w:p>"#);
    let one_char = PAGE_NO_SIZE * 10;
    let ppr = PPr {
        jc: if odd { Jc::Right } else { Jc::Left },
        first_line: None,
        left: if odd { 0 } else { one_char },
        right: if odd { one_char } else { 0 },
        line: LINE,
        rpr: RPr::PAGE_NO,
    };
    ppr.write(&mut out);
    run(&mut out, RPr::PAGE_NO, "— ");
    for (kind, text) in [
        ("begin", None),
        ("instr", Some(" PAGE ")),
        ("separate", None),
        ("text", Some("1")),
        ("end", None),
    ] {
        out.push_str("<w:r>");
        RPr::PAGE_NO.write(&mut out);
        match (kind, text) {
            ("instr", Some(t)) => {
                let _ = write!(
                    out,
                    r#"<w:instrText xml:space="preserve">{t}</w:instrText>"#
                );
            }
            ("text", Some(t)) => {
                let _ = write!(out, "<w:t>{t}</w:t>");
            }
            (k, _) => {
                let _ = write!(out, r#"<w:fldChar w:fldCharType="{k}"/>"#);
            }
        }
        out.push_str("</w:r>");
    }
    run(&mut out, RPr::PAGE_NO, " —");
    out.push_str("</w:p></w:ftr>");
    out
}

/// `word/styles.xml`: document defaults (仿宋_GB2312 三号) and the Normal style.
pub fn styles_xml() -> String {
    let mut rpr = String::new();
    RPr::BODY.write(&mut rpr);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {W_NS}><w:docDefaults><w:rPrDefault>{rpr}</w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:jc w:val="both"/></w:pPr>{rpr}</w:style></w:styles>"#
    )
}

/// `word/settings.xml`: different odd and even footers (page numbers right and left).
pub fn settings_xml() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings {W_NS}><w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#
    )
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdFooterOdd" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/></Relationships>"#;

const APP_XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>fazhi</Application></Properties>"#;

fn core_xml(doc: &Filled) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:identifier>{}</dc:identifier></cp:coreProperties>"#,
        esc(&doc.title),
        esc(&doc.doc_no)
    )
}

/// The XML parts of the package, by path.
pub fn parts(doc: &Filled) -> Vec<(&'static str, String)> {
    vec![
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("docProps/core.xml", core_xml(doc)),
        ("docProps/app.xml", APP_XML.to_string()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/document.xml", document_xml(doc)),
        ("word/styles.xml", styles_xml()),
        ("word/settings.xml", settings_xml()),
        ("word/footer1.xml", footer_xml(true)),
        ("word/footer2.xml", footer_xml(false)),
    ]
}

/// Lays the document out and packs it as DOCX bytes. The package carries no timestamps,
/// so the same content always gives the same bytes (and SHA-256).
pub fn to_docx(doc: &Filled) -> anyhow::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (path, xml) in parts(doc) {
        zip.start_file(path, options)?;
        zip.write_all(xml.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;

    fn sample(layout: Layout) -> Filled {
        Filled {
            title: "立案审批表".into(),
            doc_no: "卧城管立〔2026〕1号".into(),
            paragraphs: vec![
                "案件编号：WL-2026-001".into(),
                "承办人意见：建议立案。".into(),
                "承办人签名：".into(),
                "审批意见：".into(),
                "备注".into(),
                "a < b & c".into(),
            ],
            closing: vec!["南阳市卧龙区城市管理局".into(), "2026年3月2日".into()],
            layout,
        }
    }

    #[test]
    fn every_part_is_in_schema_order() {
        for layout in [Layout::Letter, Layout::Form, Layout::Index] {
            for (path, xml) in parts(&sample(layout)) {
                super::super::schema::check_order(&xml)
                    .unwrap_or_else(|e| panic!("{path}: {e:#?}"));
            }
        }
    }

    #[test]
    fn the_grid_holds_22_lines_of_28_characters() {
        let height = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM;
        assert!((LINE * LINES_PER_PAGE..LINE * (LINES_PER_PAGE + 1)).contains(&height));
        // 28 characters of body text with their spacing fit the 版心, and a 29th would not.
        let pitch = i64::from(BODY_SIZE) * 10 + char_spacing();
        let width = i64::from(text_width());
        assert!(pitch * 28 <= width && pitch * 29 > width, "{pitch}");
        assert!((-10..0).contains(&char_spacing()), "{}", char_spacing());
        // 156 mm wide, 225 mm high (± 1 mm).
        assert!((f64::from(text_width()) / 56.7 - 156.0).abs() < 1.0);
        assert!((f64::from(height) / 56.7 - 225.0).abs() < 1.0);
    }

    #[test]
    fn forms_are_tables_with_signature_and_date_cells() {
        let xml = document_xml(&sample(Layout::Form));
        assert!(xml.contains("<w:tblBorders>"));
        assert!(xml.contains(">日期<"));
        assert!(xml.contains(">年　月　日<"));
        assert!(xml.contains("a &lt; b &amp; c"));
        assert_eq!(xml.matches("<w:tr>").count(), 6);
        let bytes = to_docx(&sample(Layout::Form)).unwrap();
        assert_eq!(
            bytes,
            to_docx(&sample(Layout::Form)).unwrap(),
            "reproducible"
        );
    }

    #[test]
    fn an_index_is_a_five_column_table_with_a_header() {
        let mut doc = sample(Layout::Index);
        doc.paragraphs = vec![
            "序号｜文书名称｜文号｜日期｜页号".into(),
            "1｜立案审批表｜卧城管立〔2026〕1号｜2026.03.02｜1".into(),
            "2｜询问笔录｜卧城管询〔2026〕1号｜2026.03.03｜2—3".into(),
        ];
        let xml = document_xml(&doc);
        assert_eq!(xml.matches("<w:tr>").count(), 3);
        assert_eq!(xml.matches("<w:gridCol ").count(), 5);
        assert!(xml.contains(">页号<") && xml.contains(">2—3<"));
        assert_eq!(
            doc.index_rows()[2],
            vec!["2", "询问笔录", "卧城管询〔2026〕1号", "2026.03.03", "2—3"]
        );
    }

    #[test]
    fn pages_are_estimated_on_the_22_by_28_grid() {
        let letter = |paragraphs: Vec<String>| Filled {
            layout: Layout::Letter,
            paragraphs,
            ..sample(Layout::Letter)
        };
        // Title, 文号, blank, blank, two closing lines: 6 lines; 16 one-line paragraphs
        // fill the page, the 17th starts a second one.
        let one_line = "字".repeat(26);
        assert_eq!(letter(vec![one_line.clone(); 16]).estimated_pages(), 1);
        assert_eq!(letter(vec![one_line; 17]).estimated_pages(), 2);
        // 26 characters after the two-character indent fill a line; 27 take two.
        assert_eq!(lines(&"字".repeat(26), 2, 28), 1);
        assert_eq!(lines(&"字".repeat(27), 2, 28), 2);
        // Half-width characters count half.
        assert_eq!(lines(&"a".repeat(52), 2, 28), 1);
        assert_eq!(lines(&"a".repeat(54), 2, 28), 2);
        // A long text runs over several pages: 22 × 28 characters a page.
        let long = "字".repeat(28 * 22 * 3);
        assert_eq!(letter(vec![long]).estimated_pages(), 4);
        assert_eq!(sample(Layout::Form).estimated_pages(), 1);
    }
}
