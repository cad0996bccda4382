//! Bytes → text. Users drop in files in whatever encoding a Chinese user has: UTF-8 (with or
//! without BOM), GB18030/GBK or Big5. A byte-order mark wins, valid UTF-8 is taken as such, and
//! anything else is detected; a file that does not decode cleanly is refused, never guessed at.
//! A long UTF-8 text with a few stray bytes (NULs, a broken character from a bad copy) is kept,
//! those bytes replaced: one bad byte must not lose a whole report.

use encoding_rs::{Encoding, UTF_8};

/// Why a file's bytes are not a text document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The file has no bytes, or only whitespace.
    #[error("the file is empty")]
    Empty,
    /// The file holds NUL or many control bytes: an image, an archive, a PDF.
    #[error("the file looks binary, not text")]
    Binary,
    /// No supported encoding decodes the file without errors.
    #[error("the file is not valid UTF-8, GB18030/GBK or Big5 (best guess {0} failed)")]
    Undecodable(&'static str),
}

/// The encoding named for a UTF-8 text whose few stray bytes were replaced.
pub const REPAIRED_UTF_8: &str = "UTF-8 (stray bytes replaced)";

/// Decodes `bytes` into text and names the encoding used.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), DecodeError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError::Empty);
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode_with(encoding, &bytes[bom_len..]);
    }
    let n_nul = bytes.iter().filter(|&&byte| byte == 0).count();
    if n_nul > stray_limit(bytes.len()) {
        return Err(DecodeError::Binary);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        if n_nul > 0 {
            return checked(text.replace('\0', " "), REPAIRED_UTF_8);
        }
        return checked(text.to_string(), UTF_8.name());
    }
    // Nearly UTF-8: a few invalid sequences in a long text are damage, not another encoding.
    let lossy = String::from_utf8_lossy(bytes);
    let n_replaced = lossy.matches(char::REPLACEMENT_CHARACTER).count();
    if n_replaced <= stray_limit(lossy.chars().count()) {
        return checked(lossy.replace('\0', " "), REPAIRED_UTF_8);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Allow);
    decode_with(encoding, bytes)
}

/// How many stray bytes a text of `len` units may have: one in a thousand (so a short file
/// gets none).
fn stray_limit(len: usize) -> usize {
    len / 1000
}

fn decode_with(
    encoding: &'static Encoding,
    bytes: &[u8],
) -> Result<(String, &'static str), DecodeError> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(DecodeError::Undecodable(encoding.name()));
    }
    checked(text.into_owned(), encoding.name())
}

/// Rejects text that decoded but is mostly control characters: such a file is binary.
fn checked(text: String, encoding: &'static str) -> Result<(String, &'static str), DecodeError> {
    let n_chars = text.chars().count().max(1);
    let n_control = text
        .chars()
        .filter(|ch| ch.is_control() && !matches!(ch, '\n' | '\r' | '\t'))
        .count();
    if n_control * 100 > n_chars {
        return Err(DecodeError::Binary);
    }
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok((text, encoding))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "全年地区生产总值完成1686亿元，净增305亿元。大同市委书记張強表示，建設能源之城。";

    fn check(bytes: &[u8], expected: Result<&str, DecodeError>) {
        let decoded = decode(bytes).map(|(text, _)| text);
        assert_eq!(decoded, expected.map(str::to_string));
    }

    #[test]
    fn decodes_supported_encodings() {
        check(TEXT.as_bytes(), Ok(TEXT));
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), TEXT.as_bytes()].concat();
        check(&with_bom, Ok(TEXT));
        let (gb, _, _) = encoding_rs::GB18030.encode(TEXT);
        check(&gb, Ok(TEXT));
        let traditional =
            "大同市委書記張強表示，將加速構建現代化產業體系，建設能源之城、算力之城、文化之城。";
        let (big5, _, unmappable) = encoding_rs::BIG5.encode(traditional);
        assert!(!unmappable);
        check(&big5, Ok(traditional));
    }

    #[test]
    fn refuses_what_is_not_text() {
        check(b"", Err(DecodeError::Empty));
        check(b"  \n\t ", Err(DecodeError::Empty));
        check(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", Err(DecodeError::Binary));
        check(
            &[0x01, 0x02, 0x03, 0x04, b'a', 0x05],
            Err(DecodeError::Binary),
        );
    }

    #[test]
    fn keeps_long_texts_with_a_few_stray_bytes() {
        let long = TEXT.repeat(200);
        let mut damaged = long.as_bytes().to_vec();
        damaged[10] = 0;
        damaged[5000] = 0;
        damaged[9000] = 0xFF;
        let (text, _) = decode(&damaged).unwrap();
        assert!(!text.contains('\0'));
        assert!(text.contains("净增305亿元"));
        // Short files get no such allowance, and GB18030 is no damaged UTF-8.
        let mut short = TEXT.as_bytes().to_vec();
        short[3] = 0;
        check(&short, Err(DecodeError::Binary));
        let (gb, _, _) = encoding_rs::GB18030.encode(&long);
        assert_eq!(decode(&gb).unwrap().0, long);
    }
}
