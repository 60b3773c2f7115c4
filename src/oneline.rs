//! Error messages stay on one line, whatever the input they quote.
//!
//! A scenario string, a `--set` argument, a CSV header or a file name may
//! hold a line break or another control character; quoted as it is, it
//! would split an error over several lines (and could move the cursor).
//! Every error type's `Display`, and the binary's last word, pass their
//! text through [`one_line`].

use std::borrow::Cow;

/// The most characters of one text [`one_line`] shows; a longer one (a
/// megabyte-long value quoted back) is cut, its length said.
pub const MAX_CHARS: usize = 1000;

/// `text` with every control character (line breaks, tabs, NUL, escape
/// sequences) and the Unicode line and paragraph separators written as
/// Rust escapes (`\n`, `\r`, `\u{1b}`); other text, non-ASCII included,
/// unchanged; cut after [`MAX_CHARS`] characters.
pub fn one_line(text: &str) -> Cow<'_, str> {
    let breaks = |c: char| c.is_control() || c == '\u{2028}' || c == '\u{2029}';
    let long = text.len() > MAX_CHARS && text.chars().nth(MAX_CHARS).is_some();
    if !long && !text.contains(breaks) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(4 * MAX_CHARS) + 8);
    for c in text.chars().take(MAX_CHARS) {
        if breaks(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if long {
        out.push_str(&format!("... ({} characters)", text.chars().count()));
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{MAX_CHARS, one_line};

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(one_line("--set a=1"), "--set a=1");
        assert_eq!(one_line("ÄÖ 🙂 名前"), "ÄÖ 🙂 名前");
        assert_eq!(one_line("a\nb\r\tc\u{0}\u{1b}[2J\u{2028}"), "a\\nb\\r\\tc\\u{0}\\u{1b}[2J\\u{2028}");
        let long = "é".repeat(MAX_CHARS + 1);
        assert_eq!(one_line(&long), format!("{}... ({} characters)", "é".repeat(MAX_CHARS), MAX_CHARS + 1));
        assert_eq!(one_line(&long[2..]), long[2..]);
    }
}
