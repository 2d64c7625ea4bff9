//! A small model of an HTML form shared by the step forms: fields with their label, kind,
//! the value the user typed (kept when validation fails) and the error shown next to them.
//! Posted bodies are read as ordered pairs so that checkbox groups keep every value.

use axum::body::Bytes;

/// The fields of a posted `application/x-www-form-urlencoded` body, in order.
pub struct Posted(pub Vec<(String, String)>);

impl Posted {
    pub fn parse(body: &Bytes) -> Posted {
        Posted(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }
    /// The first value of `name`, trimmed ("" when absent).
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    }
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect()
    }
    pub fn checked(&self, name: &str) -> bool {
        matches!(self.get(name).as_str(), "1" | "on" | "true")
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Date,
    Amount,
    Number,
    Check,
    Select,
    Checks,
    TextArea,
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub kind: Kind,
    pub value: String,
    pub options: Vec<Opt>,
    pub help: String,
    pub error: Option<String>,
    pub required: bool,
}

impl Field {
    pub fn new(name: &'static str, label: &str, kind: Kind) -> Field {
        Field {
            name,
            label: label.to_string(),
            kind,
            value: String::new(),
            options: Vec::new(),
            help: String::new(),
            error: None,
            required: false,
        }
    }
    pub fn value(mut self, v: impl Into<String>) -> Field {
        self.value = v.into();
        self
    }
    pub fn help(mut self, h: impl Into<String>) -> Field {
        self.help = h.into();
        self
    }
    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }
    pub fn options(mut self, opts: &[(&str, &str)]) -> Field {
        self.options = opts
            .iter()
            .map(|(v, l)| Opt {
                value: v.to_string(),
                label: l.to_string(),
                selected: false,
            })
            .collect();
        self
    }
    pub fn owned_options(mut self, opts: Vec<(String, String)>) -> Field {
        self.options = opts
            .into_iter()
            .map(|(value, label)| Opt {
                value,
                label,
                selected: false,
            })
            .collect();
        self
    }
    pub fn is(&self, k: &str) -> bool {
        let kind = match self.kind {
            Kind::Text => "text",
            Kind::Date => "date",
            Kind::Amount => "amount",
            Kind::Number => "number",
            Kind::Check => "check",
            Kind::Select => "select",
            Kind::Checks => "checks",
            Kind::TextArea => "textarea",
        };
        kind == k
    }
    pub fn checked(&self) -> bool {
        matches!(self.value.as_str(), "1" | "on" | "true")
    }
}

/// A list of fields with the user's input applied and errors attached.
pub struct Fields(pub Vec<Field>);

impl Fields {
    /// Takes the posted values into the fields (selections for selects and groups).
    pub fn fill(&mut self, posted: &Posted) {
        for f in &mut self.0 {
            match f.kind {
                Kind::Checks => {
                    let chosen = posted.all(f.name);
                    for o in &mut f.options {
                        o.selected = chosen.contains(&o.value);
                    }
                }
                Kind::Check => {
                    f.value = if posted.checked(f.name) {
                        "1".into()
                    } else {
                        String::new()
                    }
                }
                _ => f.value = posted.get(f.name),
            }
        }
        self.select_current();
    }
    /// Marks the option equal to the field's value as selected.
    pub fn select_current(&mut self) {
        for f in &mut self.0 {
            if f.kind == Kind::Select {
                for o in &mut f.options {
                    o.selected = o.value == f.value;
                }
            }
        }
    }
    pub fn error(&mut self, name: &str, message: impl Into<String>) {
        if let Some(f) = self.0.iter_mut().find(|f| f.name == name) {
            f.error = Some(message.into());
        }
    }
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|f| f.name == name)
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|f| f.error.is_some())
    }
}
