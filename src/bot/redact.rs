//! Keeps the bot token out of logs and error messages. teloxide puts the token in every request
//! URL, and network errors quote the URL; so every log line passes through [`LogWriter`] and
//! every error the bot reports through [`redact`], which replace the tokens in use (and anything
//! shaped like a Bot API token) with `<token>`.

use std::io::Write;
use std::sync::{LazyLock, RwLock};

use regex::Regex;

/// What a token is replaced with.
pub const MASK: &str = "<token>";

/// Bot API tokens look like `123456789:AAE…` (digits, a colon, 30-odd URL-safe characters).
static TOKEN_SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9]{3,}:[A-Za-z0-9_-]{30,}").expect("the token pattern is valid")
});

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Adds a token (or other secret) to those removed from logs and messages, with the forms it
/// takes in URLs and error texts: percent-encoded (`123%3AABC…`), and a token's secret part
/// alone (what follows the colon).
pub fn register_secret(secret: &str) {
    if secret.is_empty() {
        return;
    }
    let mut forms = vec![secret.to_string()];
    if secret.contains(':') {
        forms.push(secret.replace(':', "%3A"));
        forms.push(secret.replace(':', "%3a"));
    }
    // A part too short would mask ordinary text; Bot API secrets are 35 characters.
    if let Some((_, part)) = secret.split_once(':')
        && part.len() >= 20
    {
        forms.push(part.to_string());
    }
    let mut secrets = SECRETS.write().unwrap_or_else(|p| p.into_inner());
    for form in forms {
        if !secrets.contains(&form) {
            secrets.push(form);
        }
    }
    // Longest first, so that a whole token is masked before its secret part.
    secrets.sort_by_key(|known| std::cmp::Reverse(known.len()));
}

/// `text` without registered secrets or token-shaped strings.
pub fn redact(text: &str) -> String {
    let mut out = text.to_string();
    for secret in SECRETS.read().unwrap_or_else(|p| p.into_inner()).iter() {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), MASK);
        }
    }
    TOKEN_SHAPE.replace_all(&out, MASK).into_owned()
}

/// The level to log at: `QUOTEBOT_LOG` (error, warn, info, debug, trace), else info. At debug,
/// figure questions and claim checks log how each statement was rated.
pub fn log_level() -> tracing::Level {
    std::env::var("QUOTEBOT_LOG")
        .ok()
        .and_then(|level| level.parse().ok())
        .unwrap_or(tracing::Level::INFO)
}

/// A writer for `tracing_subscriber::fmt().with_writer(LogWriter::stderr)`: collects one log
/// record and writes it to standard error, redacted, when dropped.
pub struct LogWriter {
    buffer: Vec<u8>,
}

impl LogWriter {
    /// A writer to standard error.
    pub fn stderr() -> Self {
        Self { buffer: Vec::new() }
    }

    fn write_out(&mut self) {
        if self.buffer.is_empty() {
            return;
        }
        let text = redact(&String::from_utf8_lossy(&self.buffer));
        self.buffer.clear();
        // Logging must never fail the program; a closed stderr loses the line.
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.write_out();
        Ok(())
    }
}

impl Drop for LogWriter {
    fn drop(&mut self) {
        self.write_out();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_tokens() {
        register_secret("0:registered-secret");
        let check = |text: &str, expected: &str| assert_eq!(redact(text), expected);
        check(
            "error sending request for url (https://api.telegram.org/bot123456789:AAH4kZ-xw_0123456789abcdefghijklmnop/GetMe)",
            "error sending request for url (https://api.telegram.org/bot<token>/GetMe)",
        );
        check(
            "http://127.0.0.1:9/bot0:registered-secret/SendMessage",
            "http://127.0.0.1:9/bot<token>/SendMessage",
        );
        check("大同 [4·5.2] 12:30", "大同 [4·5.2] 12:30");
        register_secret("42:registered-secret-part-of-it");
        check(
            "url: http://x/bot42%3Aregistered-secret-part-of-it/getMe",
            "url: http://x/bot<token>/getMe",
        );
        check(
            "server said: registered-secret-part-of-it is bad",
            "server said: <token> is bad",
        );
    }
}
