//! jieba segmentation of normalised text, shared by the index and by questions so both are cut
//! the same way: words, word boundaries (for whole-word matching), part-of-speech tags (what a
//! word names) and entities. jieba is loaded once per process.

use std::sync::LazyLock;

use jieba_rs::Jieba;

use super::normalize::is_word_char;

/// Loading the dictionary takes tens of milliseconds, so it is done once per process.
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Forces the dictionary to load now (start-up), not on the first question.
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

/// jieba words of `text` (precise mode with HMM for unknown names), punctuation dropped.
pub fn words(text: &str) -> Vec<&str> {
    JIEBA
        .cut(text, true)
        .into_iter()
        .map(|token| token.word)
        .filter(|word| word.chars().any(is_word_char))
        .collect()
}

/// The words of `text` cut at `boundaries` (those of [`analyze`]) that hold a letter or digit:
/// [`words`] without cutting again.
pub fn words_at<'t>(text: &'t str, boundaries: &[u32]) -> impl Iterator<Item = &'t str> {
    boundaries
        .windows(2)
        .filter_map(|pair| text.get(pair[0] as usize..pair[1] as usize))
        .filter(|word| word.chars().any(is_word_char))
}

/// Byte offsets where jieba's words of `text` begin and end (0 and `text.len()` included).
pub fn word_boundaries(text: &str) -> Vec<usize> {
    let mut boundaries = vec![0];
    boundaries.extend(JIEBA.cut(text, true).into_iter().scan(0, |end, token| {
        *end += token.word.len();
        Some(*end)
    }));
    boundaries
}

/// The dictionary words of two or more characters inside `word`, whole word included, with
/// their byte ranges (年发电量 → 发电, 电量, 发电量 …): what a compound the corpus never uses
/// is made of.
pub fn inner_words(word: &str) -> Vec<(usize, usize)> {
    JIEBA
        .cut_for_search(word, false)
        .into_iter()
        .filter(|token| token.word.chars().count() > 1)
        .map(|token| (token.byte_start, token.byte_end))
        .collect()
}

/// jieba words of `text` with their part-of-speech tags (n, v, m …), punctuation dropped.
pub fn tagged_words(text: &str) -> Vec<(&str, &str)> {
    JIEBA
        .tag(text, true)
        .into_iter()
        .map(|tag| (tag.word, tag.tag))
        .filter(|(word, _)| word.chars().any(is_word_char))
        .collect()
}

/// True for tags of words that name things (nouns, names, attributes such as 三甲,
/// abbreviations, foreign words and words jieba does not know) rather than say what happens or
/// how much (verbs, numbers, adverbs): what a question is about.
pub fn names_a_thing(tag: &str) -> bool {
    tag.starts_with('n') || matches!(tag, "vn" | "an" | "b" | "j" | "l" | "i" | "eng" | "x")
}

/// True for a word jieba knows only as the name of a place or an organisation (云冈石窟, 恒山):
/// of its proper names, those it tags reliably (it tags 农村居民 as a person's name).
pub fn is_proper_name(word: &str) -> bool {
    tagged_only(word, &["ns", "nsf", "nt"])
}

/// True for a word jieba knows only as place names (大同, 大同市, 北京).
pub fn names_a_place(word: &str) -> bool {
    tagged_only(word, &["ns", "nsf"])
}

/// Every word jieba cuts `word` into has one of `tags`.
fn tagged_only(word: &str, tags: &[&str]) -> bool {
    let tagged = tagged_words(word);
    !tagged.is_empty() && tagged.iter().all(|(_, tag)| tags.contains(tag))
}

/// What a word names, read off jieba's part-of-speech tags (for questions asking 谁, 哪里 …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    Person,
    Place,
    Organization,
    Time,
}

impl EntityKind {
    const ALL: [EntityKind; 4] = [
        EntityKind::Person,
        EntityKind::Place,
        EntityKind::Organization,
        EntityKind::Time,
    ];
}

/// A word of a text that names a person, place, organisation or time: byte range and kind.
/// Plain numbers only, so that a corpus's entities can be mapped from a file as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub struct Entity {
    pub start: u32,
    pub end: u32,
    kind: u32,
}

impl Entity {
    pub fn new(start: u32, end: u32, kind: EntityKind) -> Entity {
        Entity {
            start,
            end,
            kind: kind as u32,
        }
    }

    /// What the entity names (none for a number no kind has, read from a damaged file).
    pub fn kind(&self) -> Option<EntityKind> {
        EntityKind::ALL.get(self.kind as usize).copied()
    }
}

/// A text cut once, for everything retrieval needs to know about its words.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    /// Byte offsets where a jieba word starts or ends (0 and `text.len()` included), sorted. A
    /// question term found in a sentence counts as a whole word only when it starts and ends on
    /// such a boundary, so 大学 is not found inside 清华大学.
    pub boundaries: Vec<u32>,
    pub entities: Vec<Entity>,
}

/// Cuts `text` (precise mode with HMM) and tags its words.
pub fn analyze(text: &str) -> Analysis {
    let mut analysis = Analysis {
        boundaries: vec![0],
        entities: Vec::new(),
    };
    for tag in JIEBA.tag(text, true) {
        let (start, end) = (tag.byte_start as u32, tag.byte_end as u32);
        analysis.boundaries.extend([start, end]);
        let kind = match tag.tag {
            "nr" | "nrfg" | "nrt" => Some(EntityKind::Person),
            "ns" | "nsf" => Some(EntityKind::Place),
            "nt" => Some(EntityKind::Organization),
            "t" => Some(EntityKind::Time),
            _ => None,
        };
        if let Some(kind) = kind {
            analysis.entities.push(Entity::new(start, end, kind));
        }
    }
    analysis.boundaries.push(text.len() as u32);
    analysis.boundaries.sort_unstable();
    analysis.boundaries.dedup();
    analysis
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_words_without_punctuation() {
        let cut = words("全年地区生产总值完成1686亿元，净增305亿元。");
        assert!(cut.contains(&"1686"), "{cut:?}");
        assert!(
            cut.iter()
                .all(|word| word.chars().any(char::is_alphanumeric))
        );
        assert_eq!(cut.concat(), "全年地区生产总值完成1686亿元净增305亿元");
    }

    #[test]
    fn words_at_the_boundaries_are_the_words() {
        for text in [
            "全年地区生产总值完成1686亿元，净增305亿元。",
            "毛泽东去年在北京见了清华大学的代表",
            "gdp是1686亿元😀 大同 a-b",
            "",
        ] {
            let analysis = analyze(text);
            let cut: Vec<&str> = words_at(text, &analysis.boundaries).collect();
            assert_eq!(cut, words(text), "{text}");
        }
    }

    #[test]
    fn tags_names_places_and_times() {
        let text = "毛泽东去年在北京见了清华大学的代表";
        let analysis = analyze(text);
        let named = |kind: EntityKind| -> Vec<&str> {
            analysis
                .entities
                .iter()
                .filter(|entity| entity.kind() == Some(kind))
                .map(|entity| &text[entity.start as usize..entity.end as usize])
                .collect()
        };
        assert_eq!(named(EntityKind::Person), ["毛泽东"]);
        assert_eq!(named(EntityKind::Place), ["北京"]);
        assert_eq!(named(EntityKind::Time), ["去年"]);
        assert_eq!(analysis.boundaries.first(), Some(&0));
        assert_eq!(analysis.boundaries.last(), Some(&(text.len() as u32)));
        assert!(analysis.boundaries.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
