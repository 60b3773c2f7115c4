//! Line numbers and one-line messages for the CSV files ungasim reads
//! (roll calls, sweep design tables).

/// Line numbers of records from their byte offsets.
///
/// The `csv` crate's own line numbers are off by one after a `\r\n` or a
/// blank line, so lines are counted here: `\n`, `\r\n` and a lone `\r`
/// each end a line. Offsets must be asked for in increasing order.
pub(crate) struct Lines<'t> {
    text: &'t [u8],
    /// Offset up to which line breaks have been counted.
    byte: usize,
    /// The 1-based line at `byte`.
    line: usize,
}

impl<'t> Lines<'t> {
    /// Line numbers in `text`, from its start.
    pub(crate) fn new(text: &'t [u8]) -> Lines<'t> {
        Lines { text, byte: 0, line: 1 }
    }

    /// The line of the record that the reader says starts at `byte`: the
    /// reader's offset may point at the line breaks before it.
    pub(crate) fn at(&mut self, byte: u64) -> usize {
        let mut start = usize::try_from(byte).unwrap_or(usize::MAX).clamp(self.byte, self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        for i in self.byte..start {
            let b = self.text[i];
            if b == b'\n' || (b == b'\r' && self.text.get(i + 1) != Some(&b'\n')) {
                self.line += 1;
            }
        }
        self.byte = start;
        self.line
    }

    /// The line of a CSV-level error (its record's start), 0 if it has no position.
    pub(crate) fn of_error(&mut self, e: &csv::Error) -> usize {
        e.position().map_or(0, |p| self.at(p.byte()))
    }
}

/// A CSV-level error (a row with the wrong number of fields, bad quoting) in
/// words, without the `csv` crate's own (possibly wrong) line number.
pub(crate) fn message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("the row has {len} fields, but the header has {expected_len}")
        }
        _ => format!("not readable as CSV: {e}"),
    }
}
