//! Checking `sources.toml` against the corpus folder: entries for files that are not there,
//! second entries for one file and dates that are no dates become warnings, never errors.

use std::collections::BTreeMap;

use super::{Source, SourcesFile};

/// The descriptions of `sources.toml` by file name, after checking them: an entry for a file
/// the corpus does not have, a second entry for one file, and a date that is no date are
/// reported in `warnings` (the first entry of a file is used; a bad date is left out).
pub(super) fn check_sources(
    sources: &SourcesFile,
    names: &[&str],
    warnings: &mut Vec<String>,
) -> BTreeMap<String, Source> {
    let mut described: BTreeMap<String, Source> = BTreeMap::new();
    for entry in &sources.document {
        if !names.contains(&entry.file.as_str()) {
            warnings.push(format!(
                "sources.toml describes {}, which is not in the corpus folder",
                entry.file
            ));
            continue;
        }
        if described.contains_key(&entry.file) {
            warnings.push(format!(
                "sources.toml describes {} twice; the first entry is used",
                entry.file
            ));
            continue;
        }
        let mut source = entry.source.clone();
        if let Some(date) = &source.date
            && !is_date(date)
        {
            warnings.push(format!(
                "sources.toml: the date \"{date}\" of {} is not YYYY, YYYY-MM or YYYY-MM-DD; it is left out",
                entry.file
            ));
            source.date = None;
        }
        described.insert(entry.file.clone(), source);
    }
    described
}

/// True for `YYYY`, `YYYY-MM` and `YYYY-MM-DD` naming a real month and day.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |part: &str, digits: usize| {
        (part.len() == digits && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    let days_in = |year: u32, month: u32| match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    match parts.as_slice() {
        [year] => number(year, 4).is_some(),
        [year, month] => {
            number(year, 4).is_some() && number(month, 2).is_some_and(|m| (1..=12).contains(&m))
        }
        [year, month, day] => match (number(year, 4), number(month, 2), number(day, 2)) {
            (Some(year), Some(month), Some(day)) => {
                (1..=12).contains(&month) && (1..=days_in(year, month)).contains(&day)
            }
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::tests::raw;
    use crate::corpus::{CleaningRules, Corpus, SourceEntry};

    #[test]
    fn checks_the_descriptions() {
        let files = [raw("a.txt", "甲。"), raw("b.txt", "乙。")];
        let entry = |file: &str, title: &str, date: &str| SourceEntry {
            file: file.into(),
            source: Source {
                title: title.into(),
                date: Some(date.into()),
                ..Source::default()
            },
        };
        let sources = SourcesFile {
            document: vec![
                entry("a.txt", "first", "2022-13-45"),
                entry("a.txt", "second", "2022"),
                entry("gone.txt", "gone", "2022"),
                entry("b.txt", "b", "2024-02-29"),
            ],
        };
        let corpus = Corpus::build(&files, &sources, &CleaningRules::default());
        assert_eq!(corpus.documents[0].source.title, "first");
        assert_eq!(corpus.documents[0].source.date, None);
        assert_eq!(
            corpus.documents[1].source.date.as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(corpus.warnings.len(), 3, "{:?}", corpus.warnings);
        for (date, valid) in [
            ("2022", true),
            ("2022-02", true),
            ("2021-02-29", false),
            ("2000-02-29", true),
            ("1900-02-29", false),
            ("2022-00", false),
            ("22", false),
            ("2022-1-5", false),
            ("", false),
        ] {
            assert_eq!(is_date(date), valid, "{date}");
        }
    }
}
