//! Numbers as a figure writes them: Arabic digits with thousands commas and decimals, and
//! Chinese numerals (一千二百, 十二万三千, 三亿五千万, 三十点五, 二〇二一), each with the step of
//! its last digit.

use super::units::{CONVERSIONS, UNITS};

/// An Arabic number that is the whole of `text`.
pub(super) fn plain_number(text: &str) -> Option<(f64, f64)> {
    match plain_number_prefix(text)? {
        (value, precision, "") => Some((value, precision)),
        _ => None,
    }
}

/// Digits with thousands commas and a decimal point at the start of `text`: the value, one
/// step of its last digit, and the rest.
pub(super) fn plain_number_prefix(text: &str) -> Option<(f64, f64, &str)> {
    let end = text
        .char_indices()
        .find(|(at, ch)| {
            !(ch.is_ascii_digit()
                || ((*ch == '.' || *ch == ',')
                    && text[at + 1..].starts_with(|next: char| next.is_ascii_digit())
                    && *at > 0))
        })
        .map_or(text.len(), |(at, _)| at);
    if end == 0 {
        return None;
    }
    let digits = text[..end].replace(',', "");
    let value: f64 = digits.parse().ok()?;
    let decimals = digits.split_once('.').map_or(0, |(_, after)| after.len());
    Some((value, 10f64.powi(-(decimals as i32)), &text[end..]))
}

pub(super) fn chinese_digit(ch: char) -> Option<f64> {
    Some(match ch {
        '零' | '〇' => 0.0,
        '一' => 1.0,
        '二' | '两' => 2.0,
        '三' => 3.0,
        '四' => 4.0,
        '五' => 5.0,
        '六' => 6.0,
        '七' => 7.0,
        '八' => 8.0,
        '九' => 9.0,
        _ => return None,
    })
}

/// A Chinese numeral at the start of `text` (一千二百, 十二万, 三十点五, 二〇二一): the value,
/// one step of its last digit, and the rest. A unit that begins with a place (千瓦, 万元) is
/// left to the unit: 十二万元 is 12 × 万元.
pub(super) fn chinese_number_prefix(text: &str) -> Option<(f64, f64, &str)> {
    let mut end = 0;
    for (at, ch) in text.char_indices() {
        if chinese_digit(ch).is_none() && !PLACES.contains(ch) {
            break;
        }
        // …unless a higher place came first: 三亿五千万元 is 3.5 亿 元, not 3亿5千 × 万元.
        let higher_before = text[..at].contains('亿') || (ch == '亿' && text[..at].contains('万'));
        if at > 0 && PLACES.contains(ch) && !higher_before && starts_with_place_unit(&text[at..]) {
            break;
        }
        end = at + ch.len_utf8();
    }
    let numeral = &text[..end];
    // A numeral starts with a digit or 十 (十二): 亿元 or 万 alone is no number. 百 or 千 alone
    // before a unit of 万 or 亿 is one of them (突破千万千瓦, 超过千亿元).
    let leading_place = (numeral == "百" || numeral == "千")
        && text[end..].starts_with(['万', '亿'])
        && starts_with_place_unit(&text[end..]);
    if !numeral.starts_with(|ch| chinese_digit(ch).is_some() || ch == '十') && !leading_place {
        return None;
    }
    let (mut value, mut step) = if numeral.contains(|ch| PLACES.contains(ch)) {
        chinese_places(numeral)?
    } else {
        // 二〇二一: a string of digits.
        let digits: String = numeral
            .chars()
            .filter_map(chinese_digit)
            .map(|d| char::from(b'0' + d as u8))
            .collect();
        (digits.parse().ok()?, 1.0)
    };
    let mut rest = &text[end..];
    if let Some(after) = rest.strip_prefix('点') {
        // Decimals: each digit after 点 a tenth of the one before.
        let mut scale = 0.1;
        let mut taken = 0;
        for ch in after.chars() {
            let Some(d) = chinese_digit(ch) else { break };
            value += d * scale;
            step = scale;
            scale /= 10.0;
            taken += ch.len_utf8();
        }
        if taken > 0 {
            rest = &after[taken..];
        }
    }
    Some((value, step, rest))
}

pub(super) const PLACES: &str = "十百千万亿";

/// `text` starts with a unit whose first character is a place (千瓦, 万千瓦, 亿元).
pub(super) fn starts_with_place_unit(text: &str) -> bool {
    CONVERSIONS
        .iter()
        .map(|(surface, _, _)| *surface)
        .chain(UNITS.iter().copied())
        .any(|unit| unit.starts_with(|ch| PLACES.contains(ch)) && text.starts_with(unit))
}

/// A numeral with places (一千二百, 十二万三千, 三亿五千万): its value and the place of its
/// last non-zero digit.
pub(super) fn chinese_places(numeral: &str) -> Option<(f64, f64)> {
    let (mut total, mut section, mut number) = (0.0f64, 0.0f64, 0.0f64);
    let mut pending = false;
    let mut step = 1.0f64;
    for ch in numeral.chars() {
        if let Some(d) = chinese_digit(ch) {
            // 十三五: digits side by side in a numeral with places are no number.
            if pending {
                return None;
            }
            number = d;
            pending = d > 0.0;
            continue;
        }
        match ch {
            '十' | '百' | '千' => {
                let place = match ch {
                    '十' => 10.0,
                    '百' => 100.0,
                    _ => 1e3,
                };
                // 十二 is twelve: 十 with no digit before it is one ten; so is a numeral's first
                // 百 or 千 one hundred or thousand (千万千瓦).
                let first = total == 0.0 && section == 0.0;
                if !pending && number == 0.0 && (ch == '十' || first) {
                    number = 1.0;
                }
                if number > 0.0 {
                    step = place;
                }
                section += number * place;
            }
            '万' => {
                section += number;
                if pending {
                    step = 1.0;
                }
                total += section * 1e4;
                step *= 1e4;
                section = 0.0;
            }
            '亿' => {
                section += number;
                if pending {
                    step = 1.0;
                }
                total = (total + section) * 1e8;
                step *= 1e8;
                section = 0.0;
            }
            _ => return None,
        }
        number = 0.0;
        pending = false;
    }
    if pending {
        step = 1.0;
    }
    Some((total + section + number, step))
}
