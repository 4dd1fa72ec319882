//! Reading a configuration file safely and saying where it is wrong: only a regular file of at
//! most [`MAX_CONFIG_BYTES`] is read (so `--config /dev/zero` or a 50 MB file is refused before
//! it is read), TOML errors carry the line and column in the user's file, and values echoed in
//! messages are cut to [`MAX_ECHO_CHARS`].

use std::io::Read;
use std::path::Path;

use super::check::ConfigError;

/// The largest configuration file read (a full config is about 1.5 kB).
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The longest value quoted back in a message.
pub const MAX_ECHO_CHARS: usize = 60;

/// The text of the configuration file at `path`.
///
/// # Errors
/// [`ConfigError::File`] naming the path when it is missing, not a regular file, larger than
/// [`MAX_CONFIG_BYTES`] or not UTF-8.
pub fn read_config_file(path: &Path) -> Result<String, ConfigError> {
    let fail = |reason: String| ConfigError::File {
        path: path.to_path_buf(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail("not a regular file".into()));
    }
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(fail(format!(
            "{} bytes; a config file may have at most {MAX_CONFIG_BYTES}",
            meta.len()
        )));
    }
    // The file may grow between the check and the read: read at most one byte past the limit.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(fail(format!(
            "grew past {MAX_CONFIG_BYTES} bytes while being read"
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let s = String::from_utf8_lossy(&e.into_bytes()[..at]).into_owned();
        let (line, column) = line_column(&s, at);
        fail(format!("not UTF-8 text (line {line}, column {column})"))
    })
}

/// 1-based line and column (in characters) of byte offset `at` of `text`.
pub fn line_column(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// `s` itself when short, else its first [`MAX_ECHO_CHARS`] characters and the total length.
pub fn shorten(s: &str) -> String {
    match s.char_indices().nth(MAX_ECHO_CHARS) {
        Some((i, _)) => format!("{}… ({} bytes in all)", &s[..i], s.len()),
        None => s.to_string(),
    }
}

/// A message with every long back-quoted value (`` `…` ``, as serde quotes them) shortened.
pub fn shorten_quoted(message: &str) -> String {
    let mut out = String::new();
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd parts are inside back quotes.
        out.push_str(&if i % 2 == 1 {
            shorten(part)
        } else {
            part.to_string()
        });
    }
    shorten_unquoted(&out)
}

/// Caps a whole message at a few times [`MAX_ECHO_CHARS`] (long unquoted echoes).
fn shorten_unquoted(message: &str) -> String {
    match message.char_indices().nth(8 * MAX_ECHO_CHARS) {
        Some((i, _)) => format!("{}… ({} bytes in all)", &message[..i], message.len()),
        None => message.to_string(),
    }
}
