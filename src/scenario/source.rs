//! Locating errors in the scenario text.
//!
//! Every error of a scenario file, from the TOML parser, from serde or from a
//! semantic check, comes with a byte span. This module turns a span into the
//! 1-based line and column and into the dotted TOML path of the value there
//! (`proposals[2].sponsors[1]`), by looking the span up in the parsed
//! document, so no check has to build paths by hand.

use super::ScenarioError;
use crate::suggest::alternatives;
use serde::de::DeserializeOwned;
use std::cell::OnceCell;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// A scenario text, and its parsed document once an error needs locating.
pub(super) struct Source<'a> {
    file: &'a str,
    text: &'a str,
    /// The document (partial if the text is not valid TOML), parsed again
    /// only for the first error: a valid file is held as a document once,
    /// while it is deserialized, not for as long as the scenario is built.
    document: OnceCell<DeTable<'a>>,
}

impl<'a> Source<'a> {
    /// The text `text`, named `file` in errors.
    pub(super) fn new(file: &'a str, text: &'a str) -> Source<'a> {
        Source { file, text, document: OnceCell::new() }
    }

    /// Parses the text and deserializes it into `T` (the strict raw structs).
    pub(super) fn deserialize<T: DeserializeOwned>(&self) -> Result<T, ScenarioError> {
        let document = DeTable::parse(self.text).map_err(|e| self.syntax_error(&e))?;
        let document = toml::de::Deserializer::from(toml::Spanned::new(0..0, document.into_inner()));
        T::deserialize(document).map_err(|e| self.serde_error(&e))
    }

    /// The document, parsed (with recovery) on first use.
    fn document(&self) -> &DeTable<'a> {
        self.document.get_or_init(|| DeTable::parse_recoverable(self.text).0.into_inner())
    }

    /// An error about the value or key at `span`; the field is its path.
    pub(super) fn error(&self, span: Range<usize>, message: impl Into<String>) -> ScenarioError {
        let field = self.path(|candidate| contains(candidate, &span));
        self.located(span.start, field, message.into())
    }

    /// An error about key `key` missing from the table whose header (or
    /// inline table) is at `span`.
    pub(super) fn missing(&self, span: Range<usize>, key: &str, message: impl Into<String>) -> ScenarioError {
        let table = self.path(|candidate| candidate == span);
        let field = if table.is_empty() { key.to_string() } else { format!("{table}.{key}") };
        self.located(span.start, field, message.into())
    }

    /// The file as named in errors.
    pub(super) fn file(&self) -> &str {
        self.file
    }

    /// The line of byte `offset`, for "first at line N" notes.
    pub(super) fn line(&self, offset: usize) -> usize {
        line_column(self.text, offset).0
    }

    fn located(&self, offset: usize, field: String, message: String) -> ScenarioError {
        let (line, column) = line_column(self.text, offset);
        ScenarioError { file: self.file.to_string(), line, column, field, message }
    }

    /// A TOML syntax error, with the offending text quoted when it is short.
    fn syntax_error(&self, error: &toml::de::Error) -> ScenarioError {
        let span = error.span().unwrap_or(0..0);
        let snippet = self.text.get(span.clone()).filter(|s| !s.is_empty() && s.len() <= 40 && !s.contains('\n'));
        let message = match snippet {
            Some(snippet) => format!("{} (`{snippet}`)", error.message()),
            None => error.message().to_string(),
        };
        self.error(span, message)
    }

    /// A serde error (unknown key, missing key, wrong type), reworded for
    /// people, with the closest valid key for an unknown one.
    fn serde_error(&self, error: &toml::de::Error) -> ScenarioError {
        let span = error.span().unwrap_or(0..0);
        let message = error.message();
        if let Some(rest) = message.strip_prefix("unknown field ") {
            let mut names = rest.split('`').skip(1).step_by(2);
            let key = names.next().unwrap_or_default();
            let expected: Vec<&str> = names.collect();
            let message = if expected.is_empty() {
                "unknown key; this table takes no keys".to_string()
            } else {
                format!("unknown key{}", alternatives(key, expected))
            };
            return self.error(span, message);
        }
        if let Some(rest) = message.strip_prefix("missing field ") {
            return self.missing(span, rest.trim_matches('`'), "missing required key");
        }
        // serde speaks Rust; say it in TOML terms, without the raw structs' names.
        let message = match message.split_once("expected struct ") {
            Some((head, _)) => format!("{head}expected a table"),
            None => message.to_string(),
        };
        let message = [
            ("expected f64", "expected a number"),
            ("expected u32", "expected a non-negative integer"),
            ("expected u64", "expected a non-negative integer"),
            ("expected a sequence", "expected an array"),
            ("invalid type: map", "invalid type: table"),
            ("invalid type: sequence", "invalid type: array"),
        ]
        .iter()
        .fold(message, |m, (from, to)| m.replace(from, to));
        self.error(span, message)
    }

    /// The path of the innermost key or value whose span satisfies `matches`
    /// (later, i.e. deeper, candidates win ties); empty if none does.
    fn path(&self, matches: impl Fn(Range<usize>) -> bool) -> String {
        let mut best: Option<(usize, String)> = None;
        let mut consider = |candidate: Range<usize>, path: &str| {
            if matches(candidate.clone()) && best.as_ref().is_none_or(|(len, _)| candidate.len() <= *len) {
                best = Some((candidate.len(), path.to_string()));
            }
        };
        visit_table(self.document(), "", &mut consider);
        best.map(|(_, path)| path).unwrap_or_default()
    }
}

/// Calls `consider(span, path)` for every key and value under `table`, parents first.
fn visit_table(table: &DeTable<'_>, prefix: &str, consider: &mut impl FnMut(Range<usize>, &str)) {
    for (key, value) in table.iter() {
        let path = if prefix.is_empty() { key.get_ref().to_string() } else { format!("{prefix}.{}", key.get_ref()) };
        consider(key.span(), &path);
        consider(value.span(), &path);
        visit_value(value.get_ref(), &path, consider);
    }
}

fn visit_value(value: &DeValue<'_>, path: &str, consider: &mut impl FnMut(Range<usize>, &str)) {
    match value {
        DeValue::Table(table) => visit_table(table, path, consider),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let path = format!("{path}[{i}]");
                consider(item.span(), &path);
                visit_value(item.get_ref(), &path, consider);
            }
        }
        _ => {}
    }
}

/// Whether `outer` covers `inner`; an empty `inner` must lie strictly inside
/// (so the document's own empty span matches nothing).
fn contains(outer: Range<usize>, inner: &Range<usize>) -> bool {
    if inner.is_empty() {
        outer.start < inner.start && inner.start < outer.end
    } else {
        outer.start <= inner.start && inner.end <= outer.end
    }
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}
