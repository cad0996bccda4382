//! Places a question names by an administrative suffix (阳高县, 云州区, 青禾镇, 太原市): a
//! sentence answers for such a place only where it, its paragraph or its document's title
//! names the place. Without this, 「阳高县2021年GDP多少」 was answered with the city's figure.

/// The suffixes that make a name a place: province, city, county, district, town, township,
/// banner.
const SUFFIXES: [char; 7] = ['省', '市', '县', '区', '镇', '乡', '旗'];

/// First characters of a stem that make it a word for "every" or "this" place (各县区, 全市,
/// 本镇, 该县), not a name.
const NOT_A_NAME: [char; 5] = ['各', '全', '本', '该', '每'];

/// Words for a kind of area that end a name (香港地区, 景区): the name before them is no
/// administrative unit.
const KINDS_OF_AREA: [&str; 15] = [
    "地区", "城区", "市区", "景区", "社区", "小区", "园区", "山区", "矿区", "街区", "片区", "辖区",
    "郊区", "湾区", "城市",
];

/// Tags jieba gives names: places, people (左云县 is tagged as one), other proper nouns, and
/// words it does not know.
fn is_name_tag(tag: &str) -> bool {
    matches!(tag, "ns" | "nr" | "nz" | "nrt" | "nrfg" | "x")
}

/// The names (without their suffix) of the places a question's tagged words name: one word
/// with the suffix (阳高县, tagged as a name; 示范区 and 城区 are tagged as common nouns), or a
/// name followed by the suffix alone (云州 / 区). A place whose kind is asked for (哪一大洋区)
/// is not named. Each once, in question order.
pub fn places_named(tagged: &[(&str, &str)], question: &str) -> Vec<String> {
    let mut places: Vec<String> = Vec::new();
    for (at, &(word, tag)) in tagged.iter().enumerate() {
        let mut chars = word.chars();
        let Some(last) = chars.next_back() else {
            continue;
        };
        if !SUFFIXES.contains(&last) {
            continue;
        }
        let stem = if chars.clone().count() >= 2 {
            let kind_of_area = KINDS_OF_AREA.iter().any(|kind| word.ends_with(kind));
            (is_name_tag(tag) && !kind_of_area).then_some(chars.as_str())
        } else if at > 0 && word.chars().count() == 1 {
            // The suffix cut off (青禾 / 县, a name jieba does not know): 区 only after a
            // place name, since 封锁 / 区 is tagged as a person. Not 山西 / 全省: the whole of
            // the province, where a figure ranks.
            let (before, tag) = tagged[at - 1];
            let name = if last == '区' {
                tag == "ns"
            } else {
                is_name_tag(tag)
            };
            (before.chars().count() >= 2 && name).then_some(before)
        } else {
            None
        };
        let Some(stem) = stem else {
            continue;
        };
        let is_name = stem.chars().all(crate::text::normalize::is_cjk)
            && !stem.starts_with(NOT_A_NAME)
            && !is_asked(question, stem)
            && !ranks_in(question, stem);
        if is_name && !places.iter().any(|place| place == stem) {
            places.push(stem.to_string());
        }
    }
    places
}

/// Words after a place that rank something in it (在山西省排第几).
const RANKING: [&str; 6] = ["排", "位列", "位居", "名列", "处于", "第"];

/// 大同在山西省排第几: the place is where something ranks, not a place asked about.
fn ranks_in(question: &str, stem: &str) -> bool {
    question.match_indices(stem).any(|(at, _)| {
        let after = question[at + stem.len()..].trim_start_matches(SUFFIXES);
        let after = after.trim_start_matches(['内', '里', '中']);
        RANKING.iter().any(|word| after.starts_with(word))
    })
}

/// 哪一大洋区, 什么省: the kind of place asked for. The question word is not among the
/// tagged words (it was taken out before tagging), so the question's text is read.
fn is_asked(question: &str, stem: &str) -> bool {
    question.find(stem).is_some_and(|at| {
        let before: String = question[..at].chars().rev().take(3).collect();
        before.contains('哪') || before.contains("么什")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::segment::tagged_words;

    #[test]
    fn finds_places_named_with_a_suffix() {
        let cases: &[(&str, &[&str])] = &[
            ("阳高县2021年gdp多少", &["阳高"]),
            ("云州区黄花种植面积多少", &["云州"]),
            ("天镇县新能源发电并网总量多少", &["天镇"]),
            ("左云县煤基活性炭产能占全国多少", &["左云"]),
            ("广灵县和灵丘县的人口", &["广灵", "灵丘"]),
            ("青禾县茶叶产量是多少", &["青禾"]),
            ("全市各县区的gdp", &[]),
            ("示范区面积多少", &[]),
            ("景区接待游客多少", &[]),
            ("晋北采煤沉陷区治理了多少亩", &[]),
            ("大同2021年gdp多少", &[]),
            ("大同独立储能装机规模在山西省排第几", &[]),
            ("阳高县在山西省排第几", &["阳高"]),
            ("市区空气优良天数", &[]),
            ("香港地区的哪个女演员", &[]),
            ("逃出德军封锁区的女孩", &[]),
            ("川纹笛鲷分布在哪一大洋区", &[]),
            ("哪个城市是第一大城市", &[]),
            // The whole province a figure ranks in, not a place asked about.
            ("装机规模居山西全省第一", &[]),
        ];
        for (question, places) in cases {
            let tagged = tagged_words(question);
            assert_eq!(
                places_named(&tagged, question),
                *places,
                "{question}: {tagged:?}"
            );
        }
    }
}
