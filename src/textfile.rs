//! Reading a text input file (a scenario, a roll-call file, a design
//! table): UTF-8, or an error saying where it is not.

use std::fmt;
use std::path::Path;

/// Why a text file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be read at all.
    Io(std::io::Error),
    /// The file is not UTF-8 text: where its first bad byte is.
    NotUtf8 {
        /// 1-based line of the byte.
        line: usize,
        /// 1-based column (in characters) of the byte.
        column: usize,
        /// The byte.
        byte: u8,
    },
}

impl fmt::Display for ReadError {
    /// What is wrong, without the file (the caller names it).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot read it: {e}"),
            ReadError::NotUtf8 { byte, .. } => {
                write!(f, "not UTF-8 text (byte 0x{byte:02x}): save the file as UTF-8")
            }
        }
    }
}

/// The contents of `path` as UTF-8 text.
pub fn read(path: &Path) -> Result<String, ReadError> {
    let bytes = std::fs::read(path).map_err(ReadError::Io)?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let byte = e.as_bytes()[valid];
        let text = std::str::from_utf8(&e.as_bytes()[..valid]).expect("valid up to here");
        let line = text.matches('\n').count() + 1;
        let column = text.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
        ReadError::NotUtf8 { line, column, byte }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_byte_that_is_not_utf8_is_located() {
        let dir = std::env::temp_dir().join(format!("ungasim-textfile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("latin1.csv");
        std::fs::write(&path, b"a,b\n\xc3\xa9t\xe9,1\n").unwrap();
        let error = read(&path).unwrap_err();
        assert!(matches!(error, ReadError::NotUtf8 { line: 2, column: 3, byte: 0xe9 }), "{error:?}");
        assert_eq!(error.to_string(), "not UTF-8 text (byte 0xe9): save the file as UTF-8");
        std::fs::write(&path, "é\n").unwrap();
        assert_eq!(read(&path).unwrap(), "é\n");
        assert!(matches!(read(&dir.join("missing")), Err(ReadError::Io(_))));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
