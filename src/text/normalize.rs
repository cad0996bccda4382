//! Text normalisation shared by indexing and questions: Traditional → Simplified, full-width →
//! half-width, lower case. It maps every character to exactly one character, so a position in
//! the normalised text is the same position in the original, and figures found in one can be
//! highlighted in the other.

use std::sync::LazyLock;

/// Returns the normalised form of `text`, with exactly as many characters as `text`.
pub fn normalize(text: &str) -> String {
    let simplified = fast2s::convert(text);
    simplified.chars().map(fold_char).collect()
}

/// Folds one character: full-width ASCII to ASCII, ideographic space to space, lower case.
fn fold_char(ch: char) -> char {
    let ch = match ch {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(ch as u32 - 0xFEE0).unwrap_or(ch),
        // The ideographic full stop and comma keep their shape; only the compatibility
        // forms above are folded.
        _ => ch,
    };
    if ch.is_ascii_uppercase() {
        ch.to_ascii_lowercase()
    } else {
        ch
    }
}

/// True for CJK ideographs (the characters that character bigrams are made of).
pub fn is_cjk(ch: char) -> bool {
    matches!(ch as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// A letter or digit of any script. Chinese characters are checked by range first: the general
/// test looks them up in Unicode tables, which the hot loops cannot afford.
pub fn is_word_char(ch: char) -> bool {
    if is_cjk(ch) {
        return true;
    }
    // Chinese text's punctuation (，。、“”——《》) is frequent and no letter: known by range too.
    if matches!(ch as u32,
        0x2000..=0x206F | 0x3000..=0x3004 | 0x3008..=0x3020 | 0x3030 | 0x303D..=0x303F
        | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
    {
        return false;
    }
    ch.is_alphanumeric()
}

/// Removes every whitespace character; the form in which quotes are compared with files.
pub fn strip_whitespace(text: &str) -> String {
    text.chars().filter(|ch| !ch.is_whitespace()).collect()
}

/// Text as it is compared with an expected answer or another quote: normalised script, width
/// and case, whitespace removed.
pub fn comparable(text: &str) -> String {
    normalize(&strip_whitespace(text))
}

/// OpenCC's Simplified → Taiwan Traditional conversion (phrase-aware: 头发 → 頭髮, 发展 →
/// 發展), built once.
static TO_TRADITIONAL: LazyLock<Option<ferrous_opencc::OpenCC>> = LazyLock::new(|| {
    ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::S2tw).ok()
});

/// Converts Simplified text to Traditional as a Taiwan reader writes it (used to test
/// questions in the other script). Should the built-in tables fail to load, the text is
/// returned as it is.
pub fn to_traditional(text: &str) -> String {
    match TO_TRADITIONAL.as_ref() {
        Some(converter) => converter.convert(text),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_to_the_traditional_forms_people_type() {
        let check = |simplified: &str, traditional: &str| {
            assert_eq!(to_traditional(simplified), traditional, "{simplified}");
            assert_eq!(
                normalize(traditional),
                normalize(simplified),
                "{traditional}"
            );
        };
        check("大同最早的岛屿", "大同最早的島嶼");
        check("杨群是哪里人", "楊群是哪裡人");
        check("头发和发展", "頭髮和發展");
        check("西巴丹岛以什么闻名", "西巴丹島以什麼聞名");
        check("GDP 1686亿元", "GDP 1686億元");
    }

    fn check(input: &str, expected: &str) {
        let normalized = normalize(input);
        assert_eq!(normalized, expected);
        assert_eq!(
            normalized.chars().count(),
            input.chars().count(),
            "length kept for {input}"
        );
    }

    #[test]
    fn normalizes_script_width_and_case() {
        check("大同農村戶廁改造了多少座", "大同农村户厕改造了多少座");
        check("ＧＤＰ１６８６億元", "gdp1686亿元");
        check(
            "科技創新是發展新質生產力的核心要素",
            "科技创新是发展新质生产力的核心要素",
        );
        check("IDC　智算", "idc 智算");
        check("68萬臺", "68万台");
        check("", "");
    }

    #[test]
    fn classifies_characters() {
        assert!(is_cjk('大'));
        assert!(!is_cjk('a'));
        assert_eq!(strip_whitespace(" a b\n c\t"), "abc");
    }

    #[test]
    fn word_chars_are_chinese_characters_letters_and_digits() {
        for ch in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(
                is_word_char(ch),
                is_cjk(ch) || ch.is_alphanumeric(),
                "U+{:04X}",
                ch as u32
            );
        }
    }
}
