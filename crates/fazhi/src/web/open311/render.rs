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
        Node::Str(s) => out.push_str(&serde_json::Value::String(s.clone()).to_string()),
        Node::Obj(fields) => {
            out.push('{');
            for (i, (name, value)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String((*name).to_string()).to_string());
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
    fn text_that_xml_cannot_carry_is_escaped_or_replaced() {
        let mut out = String::new();
        escape_into(&mut out, "<井盖>\u{1}'\"\r\n");
        assert_eq!(out, "&lt;井盖&gt;\u{FFFD}&apos;&quot;&#13;\n");
    }
}
