//! The WordprocessingML sequences the DOCX writer must respect, and a checker that walks a
//! generated part and reports every container whose children are out of order.
//!
//! Source: ECMA-376 Part 1 (5th edition, 2016), "Fundamentals and Markup Language
//! Reference", the complex types named beside each entry below (section numbers of that
//! edition), as the schema `wml.xsd` defines them. Desktop Word silently drops properties
//! written out of sequence (fonts and sizes are lost) and Word for the web rejects the file
//! as corrupt, so the order is a correctness property, not a style. Only the elements a
//! container may hold are listed; an element the table does not list inside a listed
//! container is reported too, so a new element cannot slip in unchecked.

/// `(container, children in schema order)`. Containers are matched by local name in the
/// `w:` namespace.
pub const SEQUENCES: &[(&str, &[&str])] = &[
    // CT_RPr, §17.3.2.28 (run properties; the same sequence for rPr in pPr, styles and
    // docDefaults, §17.3.1.29 and §17.7.5.2).
    (
        "rPr",
        &[
            "rStyle",
            "rFonts",
            "b",
            "bCs",
            "i",
            "iCs",
            "caps",
            "smallCaps",
            "strike",
            "dstrike",
            "outline",
            "shadow",
            "emboss",
            "imprint",
            "noProof",
            "snapToGrid",
            "vanish",
            "webHidden",
            "color",
            "spacing",
            "w",
            "kern",
            "position",
            "sz",
            "szCs",
            "highlight",
            "u",
            "effect",
            "bdr",
            "shd",
            "fitText",
            "vertAlign",
            "rtl",
            "cs",
            "em",
            "lang",
            "eastAsianLayout",
            "specVanish",
            "oMath",
            "rPrChange",
        ],
    ),
    // CT_PPr, §17.3.1.26 (paragraph properties; CT_PPrBase then rPr, sectPr, pPrChange).
    (
        "pPr",
        &[
            "pStyle",
            "keepNext",
            "keepLines",
            "pageBreakBefore",
            "framePr",
            "widowControl",
            "numPr",
            "suppressLineNumbers",
            "pBdr",
            "shd",
            "tabs",
            "suppressAutoHyphens",
            "kinsoku",
            "wordWrap",
            "overflowPunct",
            "topLinePunct",
            "autoSpaceDE",
            "autoSpaceDN",
            "bidi",
            "adjustRightInd",
            "snapToGrid",
            "spacing",
            "ind",
            "contextualSpacing",
            "mirrorIndents",
            "suppressOverlap",
            "jc",
            "textDirection",
            "textAlignment",
            "textboxTightWrap",
            "outlineLvl",
            "divId",
            "cnfStyle",
            "rPr",
            "sectPr",
            "pPrChange",
        ],
    ),
    // CT_SectPr, §17.6.17 (header/footer references, in any order among themselves, first).
    (
        "sectPr",
        &[
            "headerReference|footerReference",
            "footnotePr",
            "endnotePr",
            "type",
            "pgSz",
            "pgMar",
            "paperSrc",
            "pgBorders",
            "lnNumType",
            "pgNumType",
            "cols",
            "formProt",
            "vAlign",
            "noEndnote",
            "titlePg",
            "textDirection",
            "bidi",
            "rtlGutter",
            "docGrid",
            "printerSettings",
            "sectPrChange",
        ],
    ),
    // CT_TblPr, §17.4.60.
    (
        "tblPr",
        &[
            "tblStyle",
            "tblpPr",
            "tblOverlap",
            "bidiVisual",
            "tblStyleRowBandSize",
            "tblStyleColBandSize",
            "tblW",
            "jc",
            "tblCellSpacing",
            "tblInd",
            "tblBorders",
            "shd",
            "tblLayout",
            "tblCellMar",
            "tblLook",
            "tblCaption",
            "tblDescription",
            "tblPrChange",
        ],
    ),
    // CT_TblBorders, §17.4.39 (left/right are the transitional names of start/end).
    (
        "tblBorders",
        &[
            "top",
            "left|start",
            "bottom",
            "right|end",
            "insideH",
            "insideV",
        ],
    ),
    // CT_TblCellMar, §17.4.43.
    ("tblCellMar", &["top", "left|start", "bottom", "right|end"]),
    // CT_TcPr, §17.4.70.
    (
        "tcPr",
        &[
            "cnfStyle",
            "tcW",
            "gridSpan",
            "hMerge",
            "vMerge",
            "tcBorders",
            "shd",
            "noWrap",
            "tcMar",
            "textDirection",
            "tcFitText",
            "vAlign",
            "hideMark",
            "headers",
            "cellIns",
            "cellDel",
            "cellMerge",
            "tcPrChange",
        ],
    ),
    // CT_TrPr, §17.4.82 (CT_TrPrBase's elements in the order the standard lists them,
    // then ins, del, trPrChange).
    (
        "trPr",
        &[
            "cnfStyle",
            "divId",
            "gridBefore",
            "gridAfter",
            "wBefore",
            "wAfter",
            "cantSplit",
            "trHeight",
            "tblHeader",
            "tblCellSpacing",
            "jc",
            "hidden",
            "ins",
            "del",
            "trPrChange",
        ],
    ),
    // CT_Tbl, §17.4.38; CT_Row, §17.4.79; CT_Tc, §17.4.66 (properties first).
    ("tbl", &["tblPr", "tblGrid", "tr"]),
    ("tr", &["tblPrEx", "trPr", "tc"]),
    ("tc", &["tcPr", "p|tbl"]),
    // CT_P, §17.3.1.22: pPr first, then content.
    (
        "p",
        &["pPr", "r|fldSimple|hyperlink|bookmarkStart|bookmarkEnd"],
    ),
    // CT_R, §17.3.2.25: rPr first, then content.
    ("r", &["rPr", "t|tab|br|fldChar|instrText"]),
    // CT_Body, §17.2.2: block content, then the final sectPr.
    ("body", &["p|tbl", "sectPr"]),
    // CT_DocDefaults, §17.7.5.1; CT_RPrDefault/CT_PPrDefault hold one rPr/pPr.
    ("docDefaults", &["rPrDefault", "pPrDefault"]),
    // CT_Styles, §17.7.4.18.
    ("styles", &["docDefaults", "latentStyles", "style"]),
    // CT_Style, §17.7.4.17.
    (
        "style",
        &[
            "name",
            "aliases",
            "basedOn",
            "next",
            "link",
            "autoRedefine",
            "hidden",
            "uiPriority",
            "semiHidden",
            "unhideWhenUsed",
            "qFormat",
            "locked",
            "personal",
            "personalCompose",
            "personalReply",
            "rsid",
            "pPr",
            "rPr",
            "tblPr",
            "trPr",
            "tcPr",
            "tblStylePr",
        ],
    ),
    // CT_Settings, §17.15.1.78 (the part of the sequence up to compat).
    (
        "settings",
        &[
            "writeProtection",
            "view",
            "zoom",
            "removePersonalInformation",
            "removeDateAndTime",
            "doNotDisplayPageBoundaries",
            "displayBackgroundShape",
            "printPostScriptOverText",
            "printFractionalCharacterWidth",
            "printFormsData",
            "embedTrueTypeFonts",
            "embedSystemFonts",
            "saveSubsetFonts",
            "saveFormsData",
            "mirrorMargins",
            "alignBordersAndEdges",
            "bordersDoNotSurroundHeader",
            "bordersDoNotSurroundFooter",
            "gutterAtTop",
            "hideSpellingErrors",
            "hideGrammaticalErrors",
            "activeWritingStyle",
            "proofState",
            "formsDesign",
            "attachedTemplate",
            "linkStyles",
            "stylePaneFormatFilter",
            "stylePaneSortMethod",
            "documentType",
            "mailMerge",
            "revisionView",
            "trackRevisions",
            "doNotTrackMoves",
            "doNotTrackFormatting",
            "documentProtection",
            "autoFormatOverride",
            "styleLockTheme",
            "styleLockQFSet",
            "defaultTabStop",
            "autoHyphenation",
            "consecutiveHyphenLimit",
            "hyphenationZone",
            "doNotHyphenateCaps",
            "showEnvelope",
            "summaryLength",
            "clickAndTypeStyle",
            "defaultTableStyle",
            "evenAndOddHeaders",
            "bookFoldRevPrinting",
            "bookFoldPrinting",
            "bookFoldPrintingSheets",
            "drawingGridHorizontalSpacing",
            "drawingGridVerticalSpacing",
            "displayHorizontalDrawingGridEvery",
            "displayVerticalDrawingGridEvery",
            "doNotUseMarginsForDrawingGridOrigin",
            "drawingGridHorizontalOrigin",
            "drawingGridVerticalOrigin",
            "doNotShadeFormData",
            "noPunctuationKerning",
            "characterSpacingControl",
            "printTwoOnOne",
            "strictFirstAndLastChars",
            "noLineBreaksAfter",
            "noLineBreaksBefore",
            "savePreviewPicture",
            "doNotValidateAgainstSchema",
            "saveInvalidXml",
            "ignoreMixedContent",
            "alwaysShowPlaceholderText",
            "doNotDemarcateInvalidXml",
            "saveXmlDataOnly",
            "useXSLTWhenSaving",
            "saveThroughXslt",
            "showXMLTags",
            "alwaysMergeEmptyNamespace",
            "updateFields",
            "hdrShapeDefaults",
            "footnotePr",
            "endnotePr",
            "compat",
        ],
    ),
];

/// Position of `child` in a container's sequence (`a|b` entries share a position).
fn position(seq: &[&str], child: &str) -> Option<usize> {
    seq.iter()
        .position(|entry| entry.split('|').any(|name| name == child))
}

/// Checks every listed container of one XML part. Returns the violations, each naming the
/// container, its position in the part (n-th occurrence) and the offending children.
pub fn check_order(xml: &str) -> Result<(), Vec<String>> {
    use quick_xml::Reader;
    use quick_xml::events::Event;

    let mut reader = Reader::from_str(xml);
    // Stack of open elements: (local name, index in SEQUENCES if checked, last position).
    let mut stack: Vec<(String, Option<usize>, usize)> = Vec::new();
    let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
    let mut errors = Vec::new();
    loop {
        let ev = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                errors.push(format!("XML error: {e}"));
                break;
            }
        };
        let (name, empty) = match &ev {
            Event::Start(e) => (e.local_name().as_ref().to_vec(), false),
            Event::Empty(e) => (e.local_name().as_ref().to_vec(), true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = String::from_utf8_lossy(&name).into_owned();
        if let Some((parent, Some(i), last)) = stack.last_mut() {
            let (_, seq) = SEQUENCES[*i];
            let n = seen.get(parent.as_str()).copied().unwrap_or(0);
            match position(seq, &name) {
                None => errors.push(format!("<{parent}> #{n}: <{name}> is not in its sequence")),
                Some(p) if p < *last => errors.push(format!(
                    "<{parent}> #{n}: <{name}> comes after <{}>, the schema puts it before",
                    seq[*last]
                )),
                Some(p) => *last = p,
            }
        }
        let checked = SEQUENCES.iter().position(|(c, _)| *c == name);
        if checked.is_some() {
            *seen.entry(name.clone()).or_default() += 1;
        }
        if !empty {
            stack.push((name, checked, 0));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::check_order;

    #[test]
    fn the_order_the_old_writer_used_is_refused() {
        let bad = r#"<w:document xmlns:w="x"><w:body><w:p><w:pPr><w:rPr/><w:jc w:val="center"/><w:spacing w:line="560"/></w:pPr><w:r><w:rPr><w:sz w:val="32"/><w:b/><w:rFonts w:eastAsia="仿宋"/></w:rPr><w:t>x</w:t></w:r></w:p></w:body></w:document>"#;
        let errors = check_order(bad).expect_err("out of order");
        assert!(errors.iter().any(|e| e.contains("<jc>")), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains("<b>")), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains("<rFonts>")), "{errors:?}");
    }

    #[test]
    fn the_schema_order_passes() {
        let good = r#"<w:document xmlns:w="x"><w:body><w:p><w:pPr><w:spacing w:line="560" w:lineRule="exact"/><w:ind w:firstLine="640"/><w:jc w:val="center"/><w:rPr><w:rFonts w:eastAsia="仿宋"/><w:b/><w:sz w:val="32"/></w:rPr></w:pPr><w:r><w:rPr><w:rFonts w:eastAsia="仿宋"/><w:b/><w:bCs/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr><w:t>x</w:t></w:r></w:p><w:sectPr><w:footerReference w:type="even"/><w:footerReference w:type="default"/><w:pgSz/><w:pgMar/><w:docGrid/></w:sectPr></w:body></w:document>"#;
        assert_eq!(check_order(good), Ok(()));
    }
}
