//! fazhi-fast-yaml: a fast reader for the plain subset of YAML that case timelines are written
//! in. It knows nothing of timelines: any `serde::Deserialize` type can be read with it.
//!
//! `serde_norway` (libyaml) reads about 1 KB of YAML in well over 100 µs, several times the cost
//! of checking the timeline. Timelines use a small part of YAML: block mappings and sequences,
//! flow mappings and sequences (`{ on: 2025-03-03, type: register }`, `[A, B]`), plain and
//! single-line quoted scalars, and comments. This module reads exactly that subset into a small
//! tree and deserializes from it with the same scalar rules as `serde_norway` (YAML 1.2 core
//! schema as implemented there).
//!
//! It is only a fast path: [`from_str`] gives `None` for anything outside the subset (tabs,
//! anchors, tags, block scalars, multi-line plain or quoted scalars, quoted or non-identifier
//! keys, several documents, …) and for anything the target type rejects (unknown field, wrong
//! type, …). The caller then reads the text with `serde_norway`, which decides — and words the
//! error messages. So the fast path never changes what a text means or which error it gives; the
//! tests of the timeline format (crate fazhi-domain, `timeline/yaml_agreement.rs`) check that
//! wherever it answers on a timeline, `serde_norway` gives the same value.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};

/// Reads `text` into `T` when it lies in the subset and `T` accepts it; `None` otherwise.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    let node = Parser::new(text)?.document()?;
    T::deserialize(De(&node)).ok()
}

// ---------------------------------------------------------------------------------------------
// The tree
// ---------------------------------------------------------------------------------------------

/// A YAML node of the subset.
#[derive(Debug, Clone, PartialEq)]
enum Node<'t> {
    /// A scalar; `plain` when written without quotes (then typed by the core schema).
    Scalar { value: Cow<'t, str>, plain: bool },
    /// A sequence.
    Seq(Vec<Node<'t>>),
    /// A mapping with identifier keys, in order.
    Map(Vec<(&'t str, Node<'t>)>),
}

impl Node<'_> {
    /// The empty plain scalar (`key:` with nothing after it), which YAML reads as null.
    const fn empty() -> Self {
        Node::Scalar {
            value: Cow::Borrowed(""),
            plain: true,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The parser
// ---------------------------------------------------------------------------------------------

/// Characters that may not start a plain scalar (YAML c-indicator), besides whitespace.
const fn is_indicator(c: u8) -> bool {
    matches!(
        c,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

const fn is_key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// A cursor over the text. Block-level functions keep `i` at the start of a line between
/// nodes; flow-level functions move freely inside a line (and across lines within a flow
/// collection).
struct Parser<'t> {
    s: &'t str,
    b: &'t [u8],
    i: usize,
    /// Collections open around the cursor; deeper texts go to libyaml (which has its own limit).
    depth: usize,
}

/// Deepest nesting of collections read here (a timeline needs 4).
const MAX_DEPTH: usize = 32;

impl<'t> Parser<'t> {
    /// `None` for texts with anything but line feeds and printable characters (tabs, carriage
    /// returns, control characters, a byte-order mark, Unicode line separators): left to
    /// libyaml.
    fn new(s: &'t str) -> Option<Self> {
        let b = s.as_bytes();
        let printable = |c: char| {
            matches!(c, '\n' | ' '..='~')
                || c >= '\u{a0}'
                    && !matches!(
                        c,
                        '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                    )
        };
        let ascii_ok = |c: &u8| matches!(c, b'\n' | b' '..=b'~');
        if !(b.iter().all(ascii_ok) || s.chars().all(printable)) {
            return None;
        }
        Some(Parser {
            s,
            b,
            i: 0,
            depth: 0,
        })
    }

    fn at(&self, j: usize) -> Option<u8> {
        self.b.get(j).copied()
    }

    /// The whole text: one block node, optionally after a `---` line.
    fn document(mut self) -> Option<Node<'t>> {
        let mut n = self.next_content_line()?;
        if n == 0 && self.b[self.i..].starts_with(b"---") {
            let j = self.i + 3;
            if !matches!(self.at(j), None | Some(b' ' | b'\n')) {
                return None;
            }
            self.i = j;
            self.end_of_line()?;
            n = self.next_content_line()?;
        }
        let node = self.block(n)?;
        if self.next_content_line().is_some() {
            return None;
        }
        Some(node)
    }

    /// From the start of a line, skips blank and comment-only lines; returns the indentation of
    /// the next content line (the cursor stays at its start), `None` at the end of the text.
    fn next_content_line(&mut self) -> Option<usize> {
        loop {
            let start = self.i;
            let mut j = start;
            while self.at(j) == Some(b' ') {
                j += 1;
            }
            match self.at(j) {
                None => {
                    self.i = self.b.len();
                    return None;
                }
                Some(b'\n') => self.i = j + 1,
                Some(b'#') => self.i = self.line_end(j),
                Some(_) => {
                    // Document markers belong to libyaml.
                    if j == start
                        && (self.b[j..].starts_with(b"---") || self.b[j..].starts_with(b"..."))
                        && start != 0
                    {
                        return Some(usize::MAX);
                    }
                    return Some(j - start);
                }
            }
        }
    }

    /// The index after the newline ending the line that contains `j` (or the text's end).
    fn line_end(&self, j: usize) -> usize {
        match self.b[j..].iter().position(|&c| c == b'\n') {
            Some(k) => j + k + 1,
            None => self.b.len(),
        }
    }

    /// After a value: only spaces and a comment may follow on the line; moves to the next line.
    fn end_of_line(&mut self) -> Option<()> {
        let mut j = self.i;
        while self.at(j) == Some(b' ') {
            j += 1;
        }
        match self.at(j) {
            None => self.i = j,
            Some(b'\n') => self.i = j + 1,
            Some(b'#') if j > self.i => self.i = self.line_end(j),
            Some(_) => return None,
        }
        Some(())
    }

    /// Whether a block sequence item (`- ` or a lone `-`) starts at `c`.
    fn is_dash_item(&self, c: usize) -> bool {
        self.at(c) == Some(b'-') && matches!(self.at(c + 1), None | Some(b' ' | b'\n'))
    }

    /// The block node whose first line starts at the cursor with indentation `n`.
    fn block(&mut self, n: usize) -> Option<Node<'t>> {
        if n == usize::MAX {
            return None;
        }
        let c = self.i + n;
        if self.is_dash_item(c) {
            self.seq(n)
        } else {
            self.map(n, c)
        }
    }

    /// Enters a collection; `None` when nested too deeply.
    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// An identifier key at `pos` followed by `:` and a space or line end: the key and the index
    /// after the colon.
    fn key(&self, pos: usize) -> Option<(&'t str, usize)> {
        let mut j = pos;
        while self.at(j).is_some_and(is_key_byte) {
            j += 1;
        }
        if j == pos
            || self.at(j) != Some(b':')
            || !matches!(self.at(j + 1), None | Some(b' ' | b'\n'))
        {
            return None;
        }
        Some((&self.s[pos..j], j + 1))
    }

    /// A block mapping with indentation `indent`; its first key starts at `pos` (inside the
    /// line of a sequence item for `- key: value`).
    fn map(&mut self, indent: usize, mut pos: usize) -> Option<Node<'t>> {
        self.enter()?;
        let mut entries = Vec::with_capacity(8);
        loop {
            let (key, after) = self.key(pos)?;
            self.i = after;
            let value = self.value(indent)?;
            entries.push((key, value));
            match self.next_content_line() {
                None => break,
                Some(m) if m == indent => {
                    pos = self.i + m;
                    if self.is_dash_item(pos) {
                        return None;
                    }
                }
                Some(m) if m < indent => break,
                Some(_) => return None,
            }
        }
        self.depth -= 1;
        Some(Node::Map(entries))
    }

    /// The value after `key:` of a mapping with indentation `indent`: inline, or a block on the
    /// following lines (more indented, or a sequence at the same indentation), or empty.
    fn value(&mut self, indent: usize) -> Option<Node<'t>> {
        let mut j = self.i;
        while self.at(j) == Some(b' ') {
            j += 1;
        }
        self.i = j;
        match self.at(j) {
            None | Some(b'\n' | b'#') => {
                self.end_of_line()?;
                match self.next_content_line() {
                    Some(m) if m == usize::MAX => None,
                    Some(m) if m > indent => self.block(m),
                    Some(m) if m == indent && self.is_dash_item(self.i + m) => self.seq(m),
                    _ => Some(Node::empty()),
                }
            }
            Some(_) => self.inline(indent),
        }
    }

    /// A value that starts on the current line at the cursor: a flow collection, a quoted
    /// scalar or a plain scalar running to the end of the line.
    fn inline(&mut self, indent: usize) -> Option<Node<'t>> {
        let node = match self.at(self.i)? {
            b'{' | b'[' => self.flow(indent)?,
            b'"' | b'\'' => self.quoted()?,
            c if is_indicator(c) => return None,
            _ => {
                let start = self.i;
                let end = self.line_end(start);
                let line = &self.s[start..end];
                let line = line.strip_suffix('\n').unwrap_or(line);
                let text = match line.find(" #") {
                    Some(k) => &line[..k],
                    None => line,
                };
                let text = text.trim_end_matches(' ');
                if text.contains(": ") || text.ends_with(':') {
                    return None;
                }
                self.i = end;
                return Some(Node::Scalar {
                    value: Cow::Borrowed(text),
                    plain: true,
                });
            }
        };
        self.end_of_line()?;
        Some(node)
    }

    /// A block sequence with indentation `n`; the cursor is at the start of its first line.
    fn seq(&mut self, n: usize) -> Option<Node<'t>> {
        self.enter()?;
        let mut items = Vec::with_capacity(8);
        loop {
            let line_start = self.i;
            let mut j = line_start + n + 1;
            while self.at(j) == Some(b' ') {
                j += 1;
            }
            self.i = j;
            let item = match self.at(j) {
                None | Some(b'\n' | b'#') => {
                    self.end_of_line()?;
                    match self.next_content_line() {
                        Some(m) if m == usize::MAX => return None,
                        Some(m) if m > n => self.block(m)?,
                        _ => Node::empty(),
                    }
                }
                Some(_) if self.is_dash_item(j) => return None,
                Some(_) if self.key(j).is_some() => self.map(j - line_start, j)?,
                Some(_) => self.inline(n)?,
            };
            items.push(item);
            match self.next_content_line() {
                Some(m) if m == n && self.is_dash_item(self.i + m) => {}
                Some(m) if m <= n => break,
                None => break,
                Some(_) => return None,
            }
        }
        self.depth -= 1;
        Some(Node::Seq(items))
    }

    // ---- flow collections -----------------------------------------------------------------

    /// Skips spaces, line breaks and comments inside a flow collection; lines must be indented
    /// more than the block node containing the collection.
    fn flow_space(&mut self, indent: usize) -> Option<()> {
        loop {
            match self.at(self.i)? {
                b' ' => self.i += 1,
                b'\n' => {
                    self.i += 1;
                    let mut j = self.i;
                    while self.at(j) == Some(b' ') {
                        j += 1;
                    }
                    if !matches!(self.at(j), Some(b'\n' | b'#')) && j - self.i <= indent {
                        return None;
                    }
                    self.i = j;
                }
                b'#' if matches!(self.b.get(self.i.wrapping_sub(1)), Some(b' ' | b'\n')) => {
                    self.i = self.line_end(self.i) - 1;
                    if self.at(self.i) != Some(b'\n') {
                        return None;
                    }
                }
                _ => return Some(()),
            }
        }
    }

    /// A flow mapping or sequence at the cursor.
    fn flow(&mut self, indent: usize) -> Option<Node<'t>> {
        self.enter()?;
        let node = self.flow_collection(indent)?;
        self.depth -= 1;
        Some(node)
    }

    fn flow_collection(&mut self, indent: usize) -> Option<Node<'t>> {
        let open = self.at(self.i)?;
        self.i += 1;
        self.flow_space(indent)?;
        if open == b'{' {
            let mut entries = Vec::with_capacity(8);
            if self.at(self.i) == Some(b'}') {
                self.i += 1;
                return Some(Node::Map(entries));
            }
            loop {
                let (key, after) = self.key(self.i)?;
                self.i = after;
                self.flow_space(indent)?;
                let value = self.flow_node(indent)?;
                entries.push((key, value));
                self.flow_space(indent)?;
                match self.at(self.i)? {
                    b',' => {
                        self.i += 1;
                        self.flow_space(indent)?;
                        if self.at(self.i) == Some(b'}') {
                            return None;
                        }
                    }
                    b'}' => {
                        self.i += 1;
                        return Some(Node::Map(entries));
                    }
                    _ => return None,
                }
            }
        } else {
            let mut items = Vec::with_capacity(4);
            if self.at(self.i) == Some(b']') {
                self.i += 1;
                return Some(Node::Seq(items));
            }
            loop {
                items.push(self.flow_node(indent)?);
                self.flow_space(indent)?;
                match self.at(self.i)? {
                    b',' => {
                        self.i += 1;
                        self.flow_space(indent)?;
                        if self.at(self.i) == Some(b']') {
                            return None;
                        }
                    }
                    b']' => {
                        self.i += 1;
                        return Some(Node::Seq(items));
                    }
                    _ => return None,
                }
            }
        }
    }

    /// A node inside a flow collection.
    fn flow_node(&mut self, indent: usize) -> Option<Node<'t>> {
        match self.at(self.i)? {
            b'{' | b'[' => self.flow(indent),
            b'"' | b'\'' => self.quoted(),
            c if is_indicator(c) || c == b' ' || c == b'\n' => None,
            _ => {
                let start = self.i;
                let mut j = start;
                while let Some(c) = self.at(j) {
                    match c {
                        b',' | b'[' | b']' | b'{' | b'}' | b'\n' => break,
                        b':' if matches!(
                            self.at(j + 1),
                            None | Some(b' ' | b'\n' | b',' | b'[' | b']' | b'{' | b'}')
                        ) =>
                        {
                            break;
                        }
                        b'#' if self.b[j - 1] == b' ' => break,
                        _ => j += 1,
                    }
                }
                self.i = j;
                let text = self.s[start..j].trim_end_matches(' ');
                Some(Node::Scalar {
                    value: Cow::Borrowed(text),
                    plain: true,
                })
            }
        }
    }

    /// A single-line quoted scalar at the cursor.
    fn quoted(&mut self) -> Option<Node<'t>> {
        let quote = self.at(self.i)?;
        let start = self.i + 1;
        let mut j = start;
        let mut owned: Option<String> = None;
        loop {
            let c = self.at(j)?;
            if c == b'\n' {
                return None;
            }
            if c == quote {
                if quote == b'\'' && self.at(j + 1) == Some(b'\'') {
                    // `''` is one quote; from here on the value is collected in `owned`.
                    owned
                        .get_or_insert_with(|| self.s[start..j].to_owned())
                        .push('\'');
                    j += 2;
                    continue;
                }
                self.i = j + 1;
                let value = match owned {
                    Some(s) => Cow::Owned(s),
                    None => Cow::Borrowed(&self.s[start..j]),
                };
                return Some(Node::Scalar {
                    value,
                    plain: false,
                });
            }
            if quote == b'"' && c == b'\\' {
                let unescaped = match self.at(j + 1)? {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'/' => '/',
                    b'n' => '\n',
                    b't' => '\t',
                    _ => return None,
                };
                let s = owned.get_or_insert_with(|| self.s[start..j].to_owned());
                s.push(unescaped);
                j += 2;
                continue;
            }
            // Copy one UTF-8 character.
            let len = utf8_len(c);
            if let Some(s) = owned.as_mut() {
                s.push_str(self.s.get(j..j + len)?);
            }
            j += len;
        }
    }
}

/// Length of the UTF-8 sequence starting with byte `c`.
const fn utf8_len(c: u8) -> usize {
    match c {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

// ---------------------------------------------------------------------------------------------
// Deserializing from the tree
// ---------------------------------------------------------------------------------------------

/// Any problem: the caller falls back to `serde_norway`.
#[derive(Debug)]
struct Fail;

impl fmt::Display for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not in the fast YAML subset")
    }
}

impl std::error::Error for Fail {}

impl de::Error for Fail {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Fail
    }
}

/// `null`, `Null`, `NULL`, `~` and the empty plain scalar.
fn is_null(v: &str) -> bool {
    matches!(v, "" | "null" | "Null" | "NULL" | "~")
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// A plain decimal integer without sign or leading zero (the only integers read here).
fn simple_u64(v: &str) -> Option<u64> {
    let b = v.as_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) || (b.len() > 1 && b[0] == b'0') {
        return None;
    }
    v.parse().ok()
}

/// `digits.digits` without sign, exponent or leading zeros before other digits.
fn simple_decimal(v: &str) -> Option<f64> {
    let (whole, frac) = v.split_once('.')?;
    simple_u64(whole)?;
    if frac.is_empty() || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    v.parse().ok().filter(|f: &f64| f.is_finite())
}

/// Whether a plain scalar might be read as a number by the core schema in a way not handled
/// here (signs, `0x`, exponents, `.inf`, …). Every number form ends in a digit, a hex digit,
/// a point (`12.`) or the `n`/`N` of `.nan`, so a scalar ending otherwise — an 18-digit
/// 居民身份证号码 ending in `X`, say — is text.
fn number_like(v: &str) -> bool {
    let b = v.as_bytes();
    b.first()
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.'))
        && b.last()
            .is_some_and(|c| c.is_ascii_hexdigit() || matches!(c, b'.' | b'n' | b'N'))
}

/// A deserializer over one node.
struct De<'n, 't>(&'n Node<'t>);

impl<'de> de::Deserializer<'de> for De<'_, '_> {
    type Error = Fail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        match self.0 {
            Node::Scalar {
                value,
                plain: false,
            } => visitor.visit_str(value),
            Node::Scalar { value, plain: true } => {
                let v: &str = value;
                if is_null(v) {
                    visitor.visit_unit()
                } else if let Some(b) = parse_bool(v) {
                    visitor.visit_bool(b)
                } else if let Some(n) = simple_u64(v) {
                    visitor.visit_u64(n)
                } else if let Some(f) = simple_decimal(v) {
                    visitor.visit_f64(f)
                } else if number_like(v) {
                    Err(Fail)
                } else {
                    visitor.visit_str(v)
                }
            }
            Node::Seq(items) => visitor.visit_seq(Seq(items.iter())),
            Node::Map(entries) => visitor.visit_map(Map {
                entries: entries.iter(),
                value: None,
            }),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        match self.0 {
            Node::Scalar { value, plain: true } => {
                visitor.visit_bool(parse_bool(value).ok_or(Fail)?)
            }
            _ => Err(Fail),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        match self.0 {
            Node::Scalar { value, plain: true } => {
                visitor.visit_u64(simple_u64(value).ok_or(Fail)?)
            }
            _ => Err(Fail),
        }
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        match self.0 {
            Node::Scalar { value, .. } => visitor.visit_str(value),
            _ => Err(Fail),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        match self.0 {
            Node::Scalar { value, plain: true } if is_null(value) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        match self.0 {
            Node::Seq(items) => visitor.visit_seq(Seq(items.iter())),
            Node::Scalar { value, plain: true } if value.is_empty() => {
                visitor.visit_seq(Seq([].iter()))
            }
            _ => Err(Fail),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        match self.0 {
            Node::Map(entries) => visitor.visit_map(Map {
                entries: entries.iter(),
                value: None,
            }),
            Node::Scalar { value, plain: true } if value.is_empty() => visitor.visit_map(Map {
                entries: [].iter(),
                value: None,
            }),
            _ => Err(Fail),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Fail> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Fail> {
        match self.0 {
            Node::Scalar { value, .. } if !value.is_empty() => {
                visitor.visit_enum(UnitVariant(value))
            }
            _ => Err(Fail),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Fail> {
        Err(Fail)
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u128 f32 f64 char bytes byte_buf unit unit_struct newtype_struct
        tuple tuple_struct
    }
}

struct Seq<'n, 't>(std::slice::Iter<'n, Node<'t>>);

impl<'de> de::SeqAccess<'de> for Seq<'_, '_> {
    type Error = Fail;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Fail> {
        match self.0.next() {
            Some(node) => seed.deserialize(De(node)).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Map<'n, 't> {
    entries: std::slice::Iter<'n, (&'t str, Node<'t>)>,
    value: Option<&'n Node<'t>>,
}

impl<'de> de::MapAccess<'de> for Map<'_, '_> {
    type Error = Fail;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Fail> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                let key: de::value::StrDeserializer<'_, Fail> = key.into_deserializer();
                seed.deserialize(key).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Fail> {
        seed.deserialize(De(self.value.take().ok_or(Fail)?))
    }
}

/// A unit variant named by a scalar.
struct UnitVariant<'n>(&'n str);

impl<'de> de::EnumAccess<'de> for UnitVariant<'_> {
    type Error = Fail;
    type Variant = Self;

    fn variant_seed<V: de::DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Fail> {
        let name: de::value::StrDeserializer<'_, Fail> = self.0.into_deserializer();
        Ok((seed.deserialize(name)?, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariant<'_> {
    type Error = Fail;

    fn unit_variant(self) -> Result<(), Fail> {
        Ok(())
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value, Fail> {
        Err(Fail)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, Fail> {
        Err(Fail)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Fail> {
        Err(Fail)
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn tree(text: &str) -> Option<Node<'_>> {
        Parser::new(text)?.document()
    }

    fn plain(v: &str) -> Node<'_> {
        Node::Scalar {
            value: Cow::Borrowed(v),
            plain: true,
        }
    }

    #[test]
    fn reads_block_and_flow_collections() {
        let t = tree(
            "# c\nparty: { kind: individual, name: 张三 }\nlist:\n- a\n- { x: [1, 2], y: 'it''s' }  # c\nnested:\n  k: \"q\\\"\"\n  e:\n",
        )
        .unwrap();
        let Node::Map(entries) = t else {
            panic!("{t:?}")
        };
        assert_eq!(entries[0].0, "party");
        assert_eq!(
            entries[0].1,
            Node::Map(vec![("kind", plain("individual")), ("name", plain("张三"))])
        );
        let Node::Seq(items) = &entries[1].1 else {
            panic!()
        };
        assert_eq!(items[0], plain("a"));
        assert_eq!(
            items[1],
            Node::Map(vec![
                ("x", Node::Seq(vec![plain("1"), plain("2")])),
                (
                    "y",
                    Node::Scalar {
                        value: Cow::Borrowed("it's"),
                        plain: false
                    }
                )
            ])
        );
        assert_eq!(
            entries[2].1,
            Node::Map(vec![
                (
                    "k",
                    Node::Scalar {
                        value: Cow::Borrowed("q\""),
                        plain: false
                    }
                ),
                ("e", plain(""))
            ])
        );
    }

    #[test]
    fn leaves_everything_else_to_libyaml() {
        for text in [
            "a: &x 1\n",
            "a: *x\n",
            "a: !tag 1\n",
            "a: |\n  text\n",
            "a: b\n  c\n",
            "a: 'x\n  y'\n",
            "\"a\": 1\n",
            "a b: 1\n",
            "a:\tb\n",
            "a: b: c\n",
            "- - a\n",
            "a: 1\n---\nb: 2\n",
            "a: { b: 1, }\n",
            "a: [x: 1]\n",
            "a: { b }\n",
            "a: {b:1}\n",
            "a: \"\\x41\"\n",
            "a: 1\n b: 2\n",
            "a:\n  - x\n  y: 1\n",
            "a: {\nb: 1 }\n",
            "a: [1, 2] x\n",
            &format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
            "? a\n: b\n",
            "",
        ] {
            assert_eq!(tree(text), None, "{}", &text[..text.len().min(80)]);
        }
    }
}
