//! One document model, two renderings. Every Open311 answer is built once as a [`Node`]
//! tree and written either as XML (the spec's required format) or as JSON following the
//! Spark convention the spec uses: a wrapper element with repeated children becomes a JSON
//! array, an element with children becomes an object, and the root element disappears.
//!
//! XML is written by hand (no extra dependency): element names are fixed ASCII, text is
//! escaped (`&`, `<`, `>`, `"`, `'`), and characters XML 1.0 cannot carry are replaced by
//! U+FFFD. JSON objects keep the spec's field order.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The format chosen by the path's extension (`.json` / `.xml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// `services.json` → `Json`; anything else than `json`/`xml` → `None`.
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext {
            "json" => Some(Format::Json),
            "xml" => Some(Format::Xml),
            _ => None,
        }
    }

    /// The format of a request path (its last segment's extension); XML, the spec's
    /// required format, when the extension is missing or unknown.
    pub fn of_path(path: &str) -> Self {
        path.rsplit('/')
            .next()
            .and_then(|seg| seg.rsplit_once('.'))
            .and_then(|(_, ext)| Self::from_extension(ext))
            .unwrap_or(Format::Xml)
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json; charset=utf-8",
            Format::Xml => "text/xml; charset=utf-8",
        }
    }
}

/// A value of the document tree.
#[derive(Debug, Clone)]
pub enum Node {
    Null,
    Bool(bool),
    /// A number, already formatted (JSON number, XML text).
    Num(String),
    Str(String),
    /// An element with named children, in order.
    Obj(Vec<(&'static str, Node)>),
    /// A wrapper of repeated elements named by the first field (`<services><service>…`).
    List(&'static str, Vec<Node>),
}

impl Node {
    pub fn str(s: impl Into<String>) -> Node {
        Node::Str(s.into())
    }
    pub fn opt(s: Option<impl Into<String>>) -> Node {
        s.map_or(Node::Null, |v| Node::Str(v.into()))
    }
    pub fn int(n: i64) -> Node {
        Node::Num(n.to_string())
    }
    pub fn float(x: Option<f64>) -> Node {
        match x {
            Some(v) if v.is_finite() => Node::Num(v.to_string()),
            _ => Node::Null,
        }
    }
}

/// A whole answer: the root element's name and its content.
#[derive(Debug, Clone)]
pub struct Doc {
    pub root: &'static str,
    pub body: Node,
}

impl Doc {
    pub fn new(root: &'static str, body: Node) -> Self {
        Self { root, body }
    }

    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => {
                let mut out = String::new();
                write_json(&mut out, &self.body);
                out
            }
            Format::Xml => {
                let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
                write_element(&mut out, self.root, &self.body);
                out.push('\n');
                out
            }
        }
    }

    /// The HTTP answer with this status and the format's content type.
    pub fn respond(&self, format: Format, status: StatusCode) -> Response {
        let mut response = (status, self.render(format)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        response
    }
}

fn write_json(out: &mut String, node: &Node) {
    match node {
        Node::Null => out.push_str("null"),
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Num(n) => out.push_str(n),
        Node::Str(s) => json_string(out, s),
        Node::Obj(fields) => {
            out.push('{');
            for (i, (name, value)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(out, name);
                out.push(':');
                write_json(out, value);
            }
            out.push('}');
        }
        Node::List(_, items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
    }
}

/// Writes `s` as a JSON string, byte for byte as `serde_json` does: `"` and `\` escaped,
/// control characters as `\b \t \n \f \r` or `\u00xx`, everything else as is.
pub fn json_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0C => "\\f",
            0x00..=0x1F => "",
            _ => continue,
        };
        // Every escaped byte is ASCII, so `start..i` ends on a char boundary.
        out.push_str(&s[start..i]);
        if short.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        } else {
            out.push_str(short);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

fn write_element(out: &mut String, name: &str, node: &Node) {
    match node {
        Node::Null => {
            out.push('<');
            out.push_str(name);
            out.push_str("/>");
        }
        Node::Bool(b) => write_text_element(out, name, if *b { "true" } else { "false" }),
        Node::Num(n) => write_text_element(out, name, n),
        Node::Str(s) => write_text_element(out, name, s),
        Node::Obj(fields) => {
            out.push('<');
            out.push_str(name);
            out.push('>');
            for (child, value) in fields {
                write_element(out, child, value);
            }
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
        Node::List(item, items) => {
            out.push('<');
            out.push_str(name);
            out.push('>');
            for value in items {
                write_element(out, item, value);
            }
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
    }
}

fn write_text_element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    escape_into(out, text);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Whether XML 1.0 allows `c` in text (Char production).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r')
        || ('\u{20}'..='\u{D7FF}').contains(&c)
        || ('\u{E000}'..='\u{FFFD}').contains(&c)
        || c >= '\u{10000}'
}

/// Escapes text for an element's content.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // A bare CR would be normalised away by XML parsers: keep it as a reference.
            '\r' => out.push_str("&#13;"),
            c if xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
}

/// A container being written by [`Stream`].
#[derive(Debug, Clone, Copy)]
enum Frame {
    /// An element with named children.
    Obj { name: &'static str, first: bool },
    /// A wrapper of repeated elements called `item`.
    List {
        name: &'static str,
        item: &'static str,
        first: bool,
    },
}

/// Writes a document straight into one buffer, with the same output as building the
/// [`Node`] tree and rendering it, but without the tree (used for the large request
/// listings). Containers are opened and closed in order; inside an object every value
/// has a name, inside a list the name is the list's item name.
#[derive(Debug)]
pub struct Stream {
    out: String,
    format: Format,
    root: &'static str,
    stack: Vec<Frame>,
}

impl Stream {
    /// A document whose root is a list (`<root><item>…</item></root>`, JSON `[…]`).
    pub fn list(format: Format, root: &'static str, item: &'static str, capacity: usize) -> Self {
        let mut out = String::with_capacity(capacity);
        match format {
            Format::Json => out.push('['),
            Format::Xml => {
                out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<");
                out.push_str(root);
                out.push('>');
            }
        }
        let mut stack = Vec::with_capacity(8);
        stack.push(Frame::List {
            name: root,
            item,
            first: true,
        });
        Self {
            out,
            format,
            root,
            stack,
        }
    }

    /// Starts a value called `name` (ignored inside a list) and returns the element name.
    fn begin(&mut self, name: &'static str) -> &'static str {
        let (element, in_obj, first) = match self.stack.last_mut() {
            Some(Frame::Obj { first, .. }) => (name, true, std::mem::replace(first, false)),
            Some(Frame::List { item, first, .. }) => {
                (*item, false, std::mem::replace(first, false))
            }
            None => (name, false, true),
        };
        if self.format == Format::Json {
            if !first {
                self.out.push(',');
            }
            if in_obj {
                json_string(&mut self.out, name);
                self.out.push(':');
            }
        }
        element
    }

    /// Opens an object (an element with named children).
    pub fn open(&mut self, name: &'static str) {
        let element = self.begin(name);
        match self.format {
            Format::Json => self.out.push('{'),
            Format::Xml => {
                self.out.push('<');
                self.out.push_str(element);
                self.out.push('>');
            }
        }
        self.stack.push(Frame::Obj {
            name: element,
            first: true,
        });
    }

    /// Opens a list of elements called `item`.
    pub fn open_list(&mut self, name: &'static str, item: &'static str) {
        let element = self.begin(name);
        match self.format {
            Format::Json => self.out.push('['),
            Format::Xml => {
                self.out.push('<');
                self.out.push_str(element);
                self.out.push('>');
            }
        }
        self.stack.push(Frame::List {
            name: element,
            item,
            first: true,
        });
    }

    /// Closes the innermost open object or list.
    pub fn close(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let (name, is_list) = match frame {
            Frame::Obj { name, .. } => (name, false),
            Frame::List { name, .. } => (name, true),
        };
        match self.format {
            Format::Json => self.out.push(if is_list { ']' } else { '}' }),
            Format::Xml => {
                self.out.push_str("</");
                self.out.push_str(name);
                self.out.push('>');
            }
        }
    }

    /// `null` / `<name/>`.
    pub fn null(&mut self, name: &'static str) {
        let element = self.begin(name);
        match self.format {
            Format::Json => self.out.push_str("null"),
            Format::Xml => {
                self.out.push('<');
                self.out.push_str(element);
                self.out.push_str("/>");
            }
        }
    }

    /// A string.
    pub fn str(&mut self, name: &'static str, value: &str) {
        let element = self.begin(name);
        match self.format {
            Format::Json => json_string(&mut self.out, value),
            Format::Xml => write_text_element(&mut self.out, element, value),
        }
    }

    /// A string, or null.
    pub fn opt(&mut self, name: &'static str, value: Option<&str>) {
        match value {
            Some(v) => self.str(name, v),
            None => self.null(name),
        }
    }

    /// A number or other text written as is in both formats (`value` must be valid JSON
    /// and need no XML escaping), like [`Node::Num`].
    pub fn raw(&mut self, name: &'static str, value: std::fmt::Arguments<'_>) {
        self.formatted(name, value, false);
    }

    /// A string formatted in place; it must need no escaping in either format (no
    /// control characters, quotes, backslashes, `&`, `<` or `>`).
    pub fn plain(&mut self, name: &'static str, value: std::fmt::Arguments<'_>) {
        self.formatted(name, value, true);
    }

    fn formatted(&mut self, name: &'static str, value: std::fmt::Arguments<'_>, quoted: bool) {
        use std::fmt::Write;
        let element = self.begin(name);
        match self.format {
            Format::Json if quoted => self.out.push('"'),
            Format::Json => {}
            Format::Xml => {
                self.out.push('<');
                self.out.push_str(element);
                self.out.push('>');
            }
        }
        // Writing into a String cannot fail.
        let _ = self.out.write_fmt(value);
        match self.format {
            Format::Json if quoted => self.out.push('"'),
            Format::Json => {}
            Format::Xml => {
                self.out.push_str("</");
                self.out.push_str(element);
                self.out.push('>');
            }
        }
    }

    /// A finite float as [`Node::float`] writes it, or null.
    pub fn float(&mut self, name: &'static str, value: Option<f64>) {
        match value {
            Some(v) if v.is_finite() => self.raw(name, format_args!("{v}")),
            _ => self.null(name),
        }
    }

    /// The finished document (open containers are closed).
    pub fn finish(mut self) -> String {
        while self.stack.len() > 1 {
            self.close();
        }
        match self.format {
            Format::Json => self.out.push(']'),
            Format::Xml => {
                self.out.push_str("</");
                self.out.push_str(self.root);
                self.out.push_str(">\n");
            }
        }
        self.out
    }

    /// The HTTP answer with this status and the format's content type.
    pub fn respond(self, status: StatusCode) -> Response {
        let format = self.format;
        let mut response = (status, self.finish()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        response
    }
}

/// The spec's error answer: `[{"code", "description"}]` / `<errors><error>…`.
pub fn error(format: Format, status: StatusCode, description: impl Into<String>) -> Response {
    Doc::new(
        "errors",
        Node::List(
            "error",
            vec![Node::Obj(vec![
                ("code", Node::int(i64::from(status.as_u16()))),
                ("description", Node::str(description)),
            ])],
        ),
    )
    .respond(format, status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_and_json_follow_the_spark_convention() {
        let doc = Doc::new(
            "services",
            Node::List(
                "service",
                vec![Node::Obj(vec![
                    ("service_code", Node::str("a&b")),
                    ("metadata", Node::Bool(true)),
                    ("order", Node::int(1)),
                    ("group", Node::Null),
                ])],
            ),
        );
        assert_eq!(
            doc.render(Format::Xml),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<services><service><service_code>a&amp;b</service_code>\
             <metadata>true</metadata><order>1</order><group/></service></services>\n"
        );
        assert_eq!(
            doc.render(Format::Json),
            r#"[{"service_code":"a&b","metadata":true,"order":1,"group":null}]"#
        );
    }

    #[test]
    fn json_strings_are_escaped_like_serde_json() {
        let mut all: String = (0u32..0x80).filter_map(char::from_u32).collect();
        all.push_str("井盖\u{2028}\u{FFFD}\u{1F600}/");
        for s in [all.as_str(), "", "plain", "\"", "a\\b", "\u{7f}\u{1}"] {
            let mut out = String::new();
            json_string(&mut out, s);
            assert_eq!(out, serde_json::Value::String(s.to_string()).to_string());
        }
    }

    #[test]
    fn the_stream_writes_what_the_tree_writes() {
        let tree = Doc::new(
            "service_requests",
            Node::List(
                "request",
                vec![
                    Node::Obj(vec![
                        ("id", Node::str("a&\"b")),
                        ("none", Node::Null),
                        ("lat", Node::float(Some(32.5))),
                        ("n", Node::int(3)),
                        ("t", Node::str("2026-05")),
                        (
                            "ext",
                            Node::Obj(vec![
                                ("list", Node::List("x", vec![])),
                                (
                                    "files",
                                    Node::List(
                                        "file",
                                        vec![Node::Obj(vec![("k", Node::str("v"))])],
                                    ),
                                ),
                            ]),
                        ),
                    ]),
                    Node::Obj(vec![("id", Node::str("2"))]),
                ],
            ),
        );
        for format in [Format::Json, Format::Xml] {
            let mut s = Stream::list(format, "service_requests", "request", 16);
            s.open("request");
            s.str("id", "a&\"b");
            s.null("none");
            s.float("lat", Some(32.5));
            s.raw("n", format_args!("{}", 3));
            s.plain("t", format_args!("{}-{:02}", 2026, 5));
            s.open("ext");
            s.open_list("list", "x");
            s.close();
            s.open_list("files", "file");
            s.open("file");
            s.str("k", "v");
            s.close();
            s.close();
            s.close();
            s.close();
            s.open("request");
            s.opt("id", Some("2"));
            s.close();
            assert_eq!(s.finish(), tree.render(format));
        }
        assert_eq!(
            Stream::list(Format::Xml, "service_requests", "request", 0).finish(),
            Doc::new("service_requests", Node::List("request", vec![])).render(Format::Xml)
        );
        assert_eq!(
            Stream::list(Format::Json, "service_requests", "request", 0).finish(),
            "[]"
        );
    }

    #[test]
    fn text_that_xml_cannot_carry_is_escaped_or_replaced() {
        let mut out = String::new();
        escape_into(&mut out, "<井盖>\u{1}'\"\r\n");
        assert_eq!(out, "&lt;井盖&gt;\u{FFFD}&apos;&quot;&#13;\n");
    }
}
