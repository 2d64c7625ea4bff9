//! Masking of personal data in text shown to the public or to partner departments (issue 11
//! §2): phone numbers (mobile, with or without a country code, landlines with an area code,
//! and local numbers or QQ numbers after a word such as 电话), resident ID numbers (18 and
//! 15 digits), bank card numbers and e-mail addresses, in every common written form — spaces,
//! dashes, dots, brackets, `+86`/`0086`/`86`, full-width digits, Chinese numeral digits
//! (一三八…) and mixtures — with text around them.
//!
//! Dates, amounts, complaint numbers (`20261127-00012`), case and document numbers
//! (`卧城管罚〔2026〕12号`), tracking codes and unified social credit codes (统一社会信用代码, an
//! organisation's public number) are left alone: a number is masked only when its digits,
//! its grouping and its neighbours fit one of the forms above. The corpus in
//! `tests/masking/corpus.toml` holds both sides and runs through every public output.
//!
//! Masked digits become `*`, separators stay: `138 1234 5678` → `138 **** 5678`. Kept: the
//! first 3 and last 4 digits of a mobile or ID number, the area code and last 2 digits of a
//! landline, the last 4 of a card, the first character of an e-mail's local part.

use std::borrow::Cow;

/// Masks every phone, ID, card number and e-mail address in `text`; borrows `text` when
/// there is nothing to mask.
pub fn mask_personal_text(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| digit_value(c).is_some() || c == '@' || c == '＠')
        && !has_bracketed_at(text)
    {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut masked = vec![false; chars.len()];
    let mut taken = vec![false; chars.len()];
    mask_emails(&chars, &mut masked, &mut taken);
    mask_numbers(&chars, &mut masked, &taken);
    if !masked.contains(&true) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        chars
            .iter()
            .zip(&masked)
            .map(|(c, m)| if *m { '*' } else { *c })
            .collect(),
    )
}

/// `张三丰` → `张**`; parts are joined family name first.
pub fn mask_name(parts: &[Option<&str>]) -> Option<String> {
    let full: String = parts.iter().flatten().copied().collect();
    let mut chars = full.chars();
    let first = chars.next()?;
    Some(std::iter::once(first).chain(chars.map(|_| '*')).collect())
}

/// A phone number given in a field of its own: `13812345678` → `138****5678`; short
/// numbers keep only their last two digits.
pub fn mask_phone(p: &str) -> String {
    let masked = mask_personal_text(p);
    if masked != p {
        return masked.into_owned();
    }
    let n = p.chars().filter(|c| digit_value(*c).is_some()).count();
    let mut seen = 0;
    p.chars()
        .map(|c| {
            if digit_value(c).is_none() {
                return c;
            }
            seen += 1;
            let keep = if n >= 11 {
                seen <= 3 || seen > n - 4
            } else {
                seen + 2 > n
            };
            if keep { c } else { '*' }
        })
        .collect()
}

/// An e-mail address given in a field of its own: `zhang@example.com` → `z****@example.com`.
pub fn mask_email(e: &str) -> String {
    match e.split_once('@') {
        Some((user, domain)) => {
            let mut chars = user.chars();
            let first = chars.next().map(String::from).unwrap_or_default();
            format!("{first}{}@{domain}", "*".repeat(chars.count()))
        }
        None => "*".repeat(e.chars().count()),
    }
}

// ---- characters ---------------------------------------------------------------------------

/// The value of a digit: ASCII, full-width, or a Chinese numeral digit (〇零一…九, 幺).
fn digit_value(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => Some((c as u32 - '０' as u32) as u8),
        '〇' | '零' => Some(0),
        '一' | '幺' => Some(1),
        '二' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    }
}

fn is_chinese_numeral(c: char) -> bool {
    digit_value(c).is_some() && !c.is_ascii_digit() && !('０'..='９').contains(&c)
}

fn is_x(c: char) -> bool {
    matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ')
}

/// Letters and digits that make a number part of a longer code (`0193abc…`, `91410100MA…`).
fn is_code_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c == '_'
        || ('０'..='９').contains(&c)
        || ('Ａ'..='Ｚ').contains(&c)
        || ('ａ'..='ｚ').contains(&c)
}

/// What may stand between the digit groups of one number.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{3000}'
            | '\u{a0}'
            | '-'
            | '－'
            | '‐'
            | '‑'
            | '–'
            | '—'
            | '.'
            | '．'
            | '·'
            | '('
            | ')'
            | '（'
            | '）'
            | '['
            | ']'
            | '【'
            | '】'
    )
}

// ---- e-mail -------------------------------------------------------------------------------

const AT_FORMS: [&str; 5] = ["(at)", "[at]", "（at）", "【at】", "<at>"];
const DOT_FORMS: [&str; 3] = ["(dot)", "[dot]", "（dot）"];

fn has_bracketed_at(text: &str) -> bool {
    text.contains("at)")
        || text.contains("at]")
        || text.contains("at）")
        || text.contains("at】")
        || text.contains("at>")
        || text.contains("AT)")
        || text.contains("AT]")
}

/// Length in chars of the form of `forms` starting at `i` (ASCII case-insensitive).
fn form_at(chars: &[char], i: usize, forms: &[&str]) -> Option<usize> {
    forms.iter().find_map(|f| {
        let n = f.chars().count();
        (i + n <= chars.len()
            && chars[i..i + n]
                .iter()
                .zip(f.chars())
                .all(|(a, b)| a.to_ascii_lowercase() == b))
        .then_some(n)
    })
}

fn at_marker(chars: &[char], i: usize) -> Option<usize> {
    match chars[i] {
        '@' | '＠' => Some(1),
        _ => form_at(chars, i, &AT_FORMS),
    }
}

fn dot_marker(chars: &[char], i: usize) -> Option<usize> {
    match chars.get(i)? {
        '.' | '．' | '。' => Some(1),
        _ => form_at(chars, i, &DOT_FORMS),
    }
}

fn is_local_char(c: char) -> bool {
    is_code_char(c) || matches!(c, '.' | '%' | '+' | '-')
}

fn is_domain_char(c: char) -> bool {
    is_code_char(c) && c != '_' || c == '-'
}

fn mask_emails(chars: &[char], masked: &mut [bool], taken: &mut [bool]) {
    let mut i = 0;
    while i < chars.len() {
        let Some(m) = at_marker(chars, i) else {
            i += 1;
            continue;
        };
        // An optional space on either side of the @.
        let mut left_end = i;
        if left_end > 0 && chars[left_end - 1] == ' ' {
            left_end -= 1;
        }
        let mut start = left_end;
        while start > 0 && is_local_char(chars[start - 1]) {
            start -= 1;
        }
        while start < left_end && chars[start] == '.' {
            start += 1;
        }
        let mut k = i + m;
        if chars.get(k) == Some(&' ') {
            k += 1;
        }
        let mut labels = 0;
        let mut last_label_letters = false;
        let mut last_label_len = 0;
        let mut end = k;
        loop {
            let label_start = k;
            while k < chars.len() && is_domain_char(chars[k]) {
                k += 1;
            }
            if k == label_start {
                break;
            }
            labels += 1;
            last_label_len = k - label_start;
            last_label_letters = chars[label_start..k].iter().all(|c| {
                c.is_ascii_alphabetic() || ('ａ'..='ｚ').contains(c) || ('Ａ'..='Ｚ').contains(c)
            });
            end = k;
            match dot_marker(chars, k) {
                Some(d) if chars.get(k + d).is_some_and(|c| is_domain_char(*c)) => k += d,
                _ => break,
            }
        }
        if start < left_end && labels >= 2 && last_label_letters && last_label_len >= 2 {
            for (j, slot) in masked.iter_mut().enumerate().take(left_end).skip(start + 1) {
                *slot = digit_value(chars[j]).is_some() || is_local_char(chars[j]);
            }
            for t in taken.iter_mut().take(end).skip(start) {
                *t = true;
            }
            i = end;
        } else {
            i += m;
        }
    }
}

// ---- numbers ------------------------------------------------------------------------------

/// One run of digits of the same script (Arabic or Chinese numerals), with an `X` at the
/// end for an ID number.
struct Group {
    /// Char positions of its digits.
    positions: Vec<usize>,
    /// The digits, `b'0'..=b'9'` or `b'X'`.
    digits: Vec<u8>,
}

/// A number as written: optional `+`, digit groups with separators between them.
struct Candidate {
    start: usize,
    end: usize,
    plus: bool,
    groups: Vec<Group>,
}

fn mask_numbers(chars: &[char], masked: &mut [bool], taken: &[bool]) {
    let mut i = 0;
    while i < chars.len() {
        if taken[i] || !starts_number(chars, i) {
            i += 1;
            continue;
        }
        let candidate = read_candidate(chars, i, taken);
        let next = candidate.end.max(i + 1);
        let left_ok = candidate.start == 0 || !is_code_char(chars[candidate.start - 1]);
        let right_ok = candidate.end >= chars.len() || !is_code_char(chars[candidate.end]);
        if left_ok && right_ok {
            mask_candidate(chars, &candidate, masked);
        }
        i = next;
    }
}

fn starts_number(chars: &[char], i: usize) -> bool {
    let next_digit = |j: usize| chars.get(j).is_some_and(|c| digit_value(*c).is_some());
    match chars[i] {
        '+' | '＋' => next_digit(i + 1) || (chars.get(i + 1) == Some(&' ') && next_digit(i + 2)),
        '(' | '（' => {
            next_digit(i + 1) || (matches!(chars.get(i + 1), Some('+' | '＋')) && next_digit(i + 2))
        }
        c => digit_value(c).is_some(),
    }
}

fn read_candidate(chars: &[char], start: usize, taken: &[bool]) -> Candidate {
    let mut k = start;
    if matches!(chars[k], '(' | '（') {
        k += 1;
    }
    let plus = matches!(chars[k], '+' | '＋');
    if plus {
        k += 1;
        if chars.get(k) == Some(&' ') {
            k += 1;
        }
    }
    let mut groups = Vec::new();
    let mut end;
    loop {
        // One group: digits of one script.
        let chinese = is_chinese_numeral(chars[k]);
        let mut group = Group {
            positions: Vec::new(),
            digits: Vec::new(),
        };
        while k < chars.len()
            && !taken[k]
            && digit_value(chars[k]).is_some()
            && is_chinese_numeral(chars[k]) == chinese
        {
            group.positions.push(k);
            group.digits.push(b'0' + digit_value(chars[k]).unwrap_or(0));
            k += 1;
        }
        let mut ends_with_x = false;
        if !chinese
            && k < chars.len()
            && is_x(chars[k])
            && !chars.get(k + 1).is_some_and(|c| is_code_char(*c))
        {
            group.positions.push(k);
            group.digits.push(b'X');
            k += 1;
            ends_with_x = true;
        }
        groups.push(group);
        end = k;
        if ends_with_x || k >= chars.len() {
            break;
        }
        // A change of script continues the number directly.
        if digit_value(chars[k]).is_some() && !taken[k] {
            continue;
        }
        // Up to three separators, then digits again.
        let mut s = k;
        while s < chars.len() && s - k < 3 && is_separator(chars[s]) {
            s += 1;
        }
        if s > k && s < chars.len() && !taken[s] && digit_value(chars[s]).is_some() {
            k = s;
            continue;
        }
        break;
    }
    Candidate {
        start,
        end,
        plus,
        groups,
    }
}

/// Tries, from each group, the longest run of groups that forms a personal number.
fn mask_candidate(chars: &[char], c: &Candidate, masked: &mut [bool]) {
    let mut i = 0;
    while i < c.groups.len() {
        let mut matched = false;
        for j in (i..c.groups.len()).rev() {
            let groups = &c.groups[i..=j];
            let plus = c.plus && i == 0;
            let first_pos = groups[0].positions.first().copied().unwrap_or(c.start);
            let context = if plus { c.start } else { first_pos };
            if let Some(keep) = classify(groups, plus, &before(chars, context, 12)) {
                let positions = groups.iter().flat_map(|g| &g.positions);
                for (p, k) in positions.zip(keep) {
                    if !k {
                        masked[*p] = true;
                    }
                }
                i = j + 1;
                matched = true;
                break;
            }
        }
        if !matched {
            i += 1;
        }
    }
}

/// Up to `n` chars before `at`, lower-cased.
fn before(chars: &[char], at: usize, n: usize) -> String {
    chars[at.saturating_sub(n)..at]
        .iter()
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

const PHONE_WORDS: [&str; 10] = [
    "电话", "手机", "座机", "固话", "联系", "号码", "致电", "拨打", "tel", "微信",
];
const PUBLIC_CODE_WORDS: [&str; 5] = ["信用代码", "社会信用", "注册号", "机构代码", "税号"];

/// Which digits to keep (`true`) when `groups` form a personal number, else `None`.
fn classify(groups: &[Group], plus: bool, context: &str) -> Option<Vec<bool>> {
    let digits: Vec<u8> = groups
        .iter()
        .flat_map(|g| g.digits.iter().copied())
        .collect();
    let lens: Vec<usize> = groups.iter().map(|g| g.digits.len()).collect();
    let n = digits.len();
    let has_x = digits.contains(&b'X');
    let all_at_least_3 = lens.iter().all(|l| *l >= 3);
    let public_code = PUBLIC_CODE_WORDS.iter().any(|w| context.contains(w));
    let keep_ends = |first: usize, last: usize| -> Vec<bool> {
        (0..n).map(|k| k < first || k + last >= n).collect()
    };

    // +CC …: everything after the country code is a phone number.
    if plus && groups.len() >= 2 && (1..=3).contains(&lens[0]) && !has_x {
        let cc = lens[0];
        let national = &digits[cc..];
        if national.len() >= 7 && national.len() <= 12 {
            return Some(if is_mobile(national) {
                (0..n).map(|k| k < cc + 3 || k + 4 >= n).collect()
            } else {
                (0..n).map(|k| k < cc + lens[1] || k + 2 >= n).collect()
            });
        }
        return None;
    }
    if has_x && !(n == 18 && digits[17] == b'X') {
        return None;
    }
    // Mobile, optionally after 0086 or 86.
    for cc in [0usize, 2, 4] {
        let prefix_ok = match cc {
            0 => true,
            2 => digits.starts_with(b"86") && (lens[0] == 2 || lens[0] == 13),
            _ => digits.starts_with(b"0086") && (lens[0] == 4 || lens[0] == 15),
        };
        let rest_groups_ok = match cc {
            0 => all_at_least_3,
            _ => lens[1..].iter().all(|l| *l >= 3),
        };
        if prefix_ok && rest_groups_ok && n == cc + 11 && is_mobile(&digits[cc..]) {
            return Some((0..n).map(|k| k < cc + 3 || k + 4 >= n).collect());
        }
    }
    if public_code {
        return None;
    }
    // Resident ID numbers.
    if n == 18 && all_at_least_3 && digits[0] != b'0' && valid_date(&digits[6..14], true) {
        return Some(keep_ends(3, 4));
    }
    if n == 15 && all_at_least_3 && digits[0] != b'0' && valid_date(&digits[6..12], false) {
        return Some(keep_ends(3, 4));
    }
    // Landline with its area code: 0 + 2–3 digits, then 7–8 digits.
    if (10..=12).contains(&n)
        && digits[0] == b'0'
        && digits[1] != b'0'
        && all_at_least_3
        && (groups.len() == 1 || (3..=4).contains(&lens[0]))
    {
        let area = if groups.len() > 1 {
            lens[0]
        } else if matches!(digits[1], b'1' | b'2') {
            3
        } else {
            4
        };
        return Some(keep_ends(area, 2));
    }
    // Bank cards: 16–19 digits, unbroken or in fours.
    let in_fours = lens.len() >= 2
        && lens[..lens.len() - 1].iter().all(|l| *l == 4)
        && (1..=4).contains(&lens[lens.len() - 1]);
    if (16..=19).contains(&n) && (groups.len() == 1 || in_fours) {
        return Some(keep_ends(0, 4));
    }
    // A local number (7–8 digits) or a QQ number (5–11) right after a word saying so.
    let phone_word = PHONE_WORDS.iter().any(|w| context.contains(w));
    let qq_word = context.contains("qq") || context.contains("ｑｑ");
    if all_at_least_3
        && ((phone_word && (7..=8).contains(&n) && digits[0] >= b'2')
            || (qq_word && (5..=11).contains(&n)))
    {
        return Some(keep_ends(0, 2));
    }
    None
}

fn is_mobile(d: &[u8]) -> bool {
    d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1])
}

/// `YYYYMMDD` (18-digit ID, years 1800–2099) or `YYMMDD` (15-digit ID).
fn valid_date(d: &[u8], four_digit_year: bool) -> bool {
    let num = |s: &[u8]| -> u32 { s.iter().fold(0, |a, b| a * 10 + u32::from(b - b'0')) };
    if d.iter().any(|b| !b.is_ascii_digit()) {
        return false;
    }
    let (year_ok, rest) = if four_digit_year {
        ((1800..=2099).contains(&num(&d[..4])), &d[4..])
    } else {
        (true, &d[2..])
    };
    let month = num(&rest[..2]);
    let day = num(&rest[2..4]);
    year_ok && (1..=12).contains(&month) && (1..=31).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_examples_of_the_issue_are_masked() {
        for (input, expected) in [
            ("138 1234 5678", "138 **** 5678"),
            ("138-1234-5678", "138-****-5678"),
            ("+8613812345678", "+86138****5678"),
            ("8613812345678", "86138****5678"),
            ("１３８１２３４５６７８", "１３８****５６７８"),
            ("zhang.san@example.com", "z********@example.com"),
            ("0371-63212345", "0371-******45"),
            ("身份证411302900101123", "身份证411********1123"),
            (
                "电话13812345678，身份证41130219900101123X，门牌12号",
                "电话138****5678，身份证411***********123X，门牌12号",
            ),
        ] {
            assert_eq!(mask_personal_text(input), expected, "{input}");
        }
    }

    #[derive(serde::Deserialize)]
    struct Corpus {
        mask: Vec<Case>,
        keep: Vec<Case>,
    }

    #[derive(serde::Deserialize)]
    struct Case {
        text: String,
        #[serde(default)]
        secret: String,
    }

    /// Digits of any script, ASCII letters (full-width folded) in lower case, `*`.
    fn normalise(text: &str) -> String {
        text.chars()
            .filter_map(|c| {
                let c = match c {
                    'ａ'..='ｚ' => char::from_u32(c as u32 - 'ａ' as u32 + 'a' as u32)?,
                    'Ａ'..='Ｚ' => char::from_u32(c as u32 - 'Ａ' as u32 + 'a' as u32)?,
                    c => c,
                };
                if let Some(d) = digit_value(c) {
                    return Some(char::from(b'0' + d));
                }
                (c.is_ascii_alphabetic() || c == '*').then(|| c.to_ascii_lowercase())
            })
            .collect()
    }

    #[test]
    fn the_corpus_is_masked_in_place_and_look_alikes_are_kept() {
        let corpus: Corpus =
            toml::from_str(include_str!("../../../../tests/masking/corpus.toml")).expect("corpus");
        assert!(corpus.mask.len() >= 100);
        let mut failures = Vec::new();
        for case in &corpus.mask {
            let out = mask_personal_text(&case.text);
            let same_shape = out.chars().count() == case.text.chars().count()
                && out
                    .chars()
                    .zip(case.text.chars())
                    .all(|(o, i)| o == i || o == '*');
            if !same_shape || normalise(&out).contains(&normalise(&case.secret)) {
                failures.push(format!("{:?} → {:?}", case.text, out));
            }
        }
        for case in &corpus.keep {
            let out = mask_personal_text(&case.text);
            if out != case.text {
                failures.push(format!("kept? {:?} → {:?}", case.text, out));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn nothing_to_mask_borrows() {
        assert!(matches!(
            mask_personal_text("卧城管罚〔2026〕12号，罚款5000元"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn field_maskers_keep_their_shape() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("63212345"), "******45");
        assert_eq!(mask_email("zhang@example.com"), "z****@example.com");
        assert_eq!(
            mask_name(&[Some("张"), Some("三丰")]).as_deref(),
            Some("张**")
        );
    }
}
