//! Flat arrays of plain values, the stuff a corpus is made of: held in memory for a corpus built
//! in memory, written straight to a file while a generation's corpus is built (so a build holds
//! one batch of files at a time, whatever the corpus size), memory-mapped when a generation is
//! opened, so that opening neither parses nor copies. A generation's files are written once,
//! synced, and never changed afterwards (a new build writes a new generation), which is what
//! makes mapping them sound.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytemuck::Pod;
use memmap2::Mmap;

/// An array of `T`, owned, mapped from a file, or being written to one.
pub enum Column<T> {
    Owned(Vec<T>),
    Mapped(Arc<Mmap>, PhantomData<T>),
    /// Values are appended to the file and cannot be read back until it is mapped.
    Writing(Box<FileSink>, PhantomData<T>),
}

/// The file a column is written to, how many values it holds, and the first write error (kept
/// so that appending stays infallible; [`Column::finish`] reports it).
pub struct FileSink {
    file: BufWriter<File>,
    len: usize,
    error: Option<std::io::Error>,
}

impl<T: Pod> Column<T> {
    /// The values.
    pub fn as_slice(&self) -> &[T] {
        match self {
            Column::Owned(values) => values,
            // SAFETY: a mapping starts on a page boundary, so it is aligned for any `T`, and
            // `Column::map` checked that it holds a whole number of values; `T` is `Pod`, so
            // any bytes are a valid `T`. Read on every access of a sentence's fields, the
            // checks of a safe cast cost more than the read.
            Column::Mapped(map, _) => unsafe {
                std::slice::from_raw_parts(
                    map.as_ptr().cast::<T>(),
                    map.len() / size_of::<T>().max(1),
                )
            },
            Column::Writing(..) => &[],
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Column::Writing(sink, _) => sink.len,
            _ => self.as_slice().len(),
        }
    }

    /// A column that writes what is appended to `path`.
    pub fn writing(path: &Path) -> std::io::Result<Column<T>> {
        let sink = FileSink {
            file: BufWriter::with_capacity(1 << 20, File::create(path)?),
            len: 0,
            error: None,
        };
        Ok(Column::Writing(Box::new(sink), PhantomData))
    }

    /// Flushes and syncs a column being written (nothing for the others); the first error
    /// met while appending, if any.
    pub fn finish(&mut self) -> std::io::Result<()> {
        let Column::Writing(sink, _) = self else {
            return Ok(());
        };
        if let Some(err) = sink.error.take() {
            return Err(err);
        }
        sink.file.flush()?;
        sink.file.get_ref().sync_all()
    }

    /// Appends a value.
    pub fn push(&mut self, value: T) {
        self.extend_from_slice(std::slice::from_ref(&value));
    }

    /// Appends values (a mapped column is first copied into memory; only built corpora grow).
    pub fn extend_from_slice(&mut self, values: &[T]) {
        if let Column::Mapped(..) = self {
            *self = Column::Owned(self.as_slice().to_vec());
        }
        match self {
            Column::Owned(owned) => owned.extend_from_slice(values),
            Column::Writing(sink, _) => {
                if sink.error.is_none()
                    && let Err(err) = sink.file.write_all(bytemuck::cast_slice(values))
                {
                    sink.error = Some(err);
                }
                sink.len += values.len();
            }
            Column::Mapped(..) => {}
        }
    }

    /// Gives back the memory a growing column reserved beyond its length.
    pub fn shrink_to_fit(&mut self) {
        if let Column::Owned(values) = self {
            values.shrink_to_fit();
        }
    }

    /// Writes the values to `path` and syncs the file.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let mut file = File::create(path)?;
        file.write_all(bytemuck::cast_slice(self.as_slice()))?;
        file.sync_all()
    }

    /// Maps the file at `path`, written by [`Column::write`] on a machine of the same byte order.
    pub fn map(path: &Path) -> std::io::Result<Column<T>> {
        let file = File::open(path)?;
        if file.metadata()?.len() == 0 {
            return Ok(Column::Owned(Vec::new()));
        }
        // SAFETY: generation files are never written after the generation is complete (see the
        // module comment); a file removed meanwhile stays mapped until the map is dropped.
        let map = unsafe { Mmap::map(&file)? };
        if bytemuck::try_cast_slice::<u8, T>(&map[..]).is_err() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is not a whole number of values", path.display()),
            ));
        }
        Ok(Column::Mapped(Arc::new(map), PhantomData))
    }
}

impl<T> Default for Column<T> {
    fn default() -> Self {
        Column::Owned(Vec::new())
    }
}

impl<T: Clone> Clone for Column<T> {
    /// A column being written clones as an empty one: it cannot be read.
    fn clone(&self) -> Self {
        match self {
            Column::Owned(values) => Column::Owned(values.clone()),
            Column::Mapped(map, _) => Column::Mapped(Arc::clone(map), PhantomData),
            Column::Writing(..) => Column::Owned(Vec::new()),
        }
    }
}

impl<T> std::fmt::Debug for Column<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Column::Owned(values) => write!(f, "Column(owned, {} values)", values.len()),
            Column::Mapped(map, _) => write!(f, "Column(mapped, {} bytes)", map.len()),
            Column::Writing(sink, _) => write!(f, "Column(writing, {} values)", sink.len),
        }
    }
}

/// A list of runs of `T` of any length (a sentence's word boundaries, say): the values of all
/// runs one after the other, and where each run starts.
#[derive(Debug, Clone)]
pub struct Ragged<T> {
    /// `offsets[i]..offsets[i + 1]` are run `i`'s values; starts with 0.
    offsets: Column<u64>,
    values: Column<T>,
}

impl<T: Pod> Default for Ragged<T> {
    fn default() -> Self {
        Ragged {
            offsets: Column::Owned(vec![0]),
            values: Column::default(),
        }
    }
}

impl<T: Pod> Ragged<T> {
    /// Run `i` (empty for a run it does not have).
    pub fn get(&self, i: usize) -> &[T] {
        let offsets = self.offsets.as_slice();
        let (Some(&start), Some(&end)) = (offsets.get(i), offsets.get(i + 1)) else {
            return &[];
        };
        self.values
            .as_slice()
            .get(start as usize..end as usize)
            .unwrap_or(&[])
    }

    /// The number of runs.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Appends a run.
    pub fn push(&mut self, run: &[T]) {
        self.values.extend_from_slice(run);
        self.offsets.push(self.values.len() as u64);
    }

    /// Appends every run of `other`.
    pub fn append(&mut self, other: &Ragged<T>) {
        for i in 0..other.len() {
            self.push(other.get(i));
        }
    }

    pub fn shrink_to_fit(&mut self) {
        self.offsets.shrink_to_fit();
        self.values.shrink_to_fit();
    }

    /// Runs written to `{name}.offsets` and `{name}.values` in `dir` as they are appended.
    pub fn writing(dir: &Path, name: &str) -> std::io::Result<Ragged<T>> {
        let mut offsets = Column::writing(&dir.join(format!("{name}.offsets")))?;
        offsets.push(0);
        Ok(Ragged {
            offsets,
            values: Column::writing(&dir.join(format!("{name}.values")))?,
        })
    }

    /// See [`Column::finish`].
    pub fn finish(&mut self) -> std::io::Result<()> {
        self.offsets.finish()?;
        self.values.finish()
    }

    /// Writes the runs as `{name}.offsets` and `{name}.values` in `dir`.
    pub fn write(&self, dir: &Path, name: &str) -> std::io::Result<()> {
        self.offsets.write(&dir.join(format!("{name}.offsets")))?;
        self.values.write(&dir.join(format!("{name}.values")))
    }

    /// Maps what [`Ragged::write`] wrote. Offsets that do not start at 0 or end with the
    /// values are an error (a file cut short); offsets in between are not read at open, which
    /// would touch every page: a run whose offsets are out of order or out of bounds reads as
    /// empty ([`Ragged::get`]).
    pub fn map(dir: &Path, name: &str) -> std::io::Result<Ragged<T>> {
        let offsets = Column::<u64>::map(&dir.join(format!("{name}.offsets")))?;
        let values = Column::<T>::map(&dir.join(format!("{name}.values")))?;
        let whole = offsets.as_slice().first() == Some(&0)
            && offsets.as_slice().last() == Some(&(values.len() as u64));
        if !whole {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{name}: offsets do not match its values"),
            ));
        }
        Ok(Ragged { offsets, values })
    }
}

/// A list of strings stored as one run of bytes each. A string is checked to be UTF-8 the
/// first time it is read, so that a damaged file can at worst make a sentence empty, never
/// unsound; the check is remembered (one bit a string), because a question reads the same
/// few hundred sentences many times over and checking them each time cost a fifth of it.
#[derive(Debug, Default)]
pub struct Strings {
    runs: Ragged<u8>,
    /// Bit `i` is set once string `i` was found to be UTF-8. Its bytes never change while the
    /// list lives: a mapped file is never written again, and owned runs only grow at the end.
    checked: Vec<AtomicU64>,
}

impl Clone for Strings {
    fn clone(&self) -> Self {
        let checked = self
            .checked
            .iter()
            .map(|bits| AtomicU64::new(bits.load(Ordering::Relaxed)))
            .collect();
        Strings {
            runs: self.runs.clone(),
            checked,
        }
    }
}

impl Strings {
    /// String `i` (empty for one it does not have, or one that is not UTF-8).
    pub fn get(&self, i: usize) -> &str {
        let bytes = self.runs.get(i);
        let (word, bit) = (i / 64, 1_u64 << (i % 64));
        let slot = self.checked.get(word);
        if slot.is_some_and(|bits| bits.load(Ordering::Relaxed) & bit != 0) {
            // SAFETY: the bit is set only after these very bytes were found to be UTF-8, and
            // they cannot have changed since (see `checked`).
            return unsafe { std::str::from_utf8_unchecked(bytes) };
        }
        match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => {
                if let Some(bits) = slot {
                    bits.fetch_or(bit, Ordering::Relaxed);
                }
                text
            }
            Err(_) => "",
        }
    }

    pub fn len(&self) -> usize {
        self.runs.len()
    }

    pub fn push(&mut self, text: &str) {
        self.runs.push(text.as_bytes());
        self.cover_all();
    }

    pub fn append(&mut self, other: &Strings) {
        self.runs.append(&other.runs);
        self.cover_all();
    }

    pub fn shrink_to_fit(&mut self) {
        self.runs.shrink_to_fit();
        self.checked.shrink_to_fit();
    }

    pub fn write(&self, dir: &Path, name: &str) -> std::io::Result<()> {
        self.runs.write(dir, name)
    }

    pub fn writing(dir: &Path, name: &str) -> std::io::Result<Strings> {
        Ragged::writing(dir, name).map(Strings::of)
    }

    pub fn finish(&mut self) -> std::io::Result<()> {
        self.runs.finish()
    }

    pub fn map(dir: &Path, name: &str) -> std::io::Result<Strings> {
        Ragged::map(dir, name).map(Strings::of)
    }

    fn of(runs: Ragged<u8>) -> Strings {
        let mut strings = Strings {
            runs,
            checked: Vec::new(),
        };
        strings.cover_all();
        strings
    }

    /// One bit for every string, new ones unchecked.
    fn cover_all(&mut self) {
        let words = self.runs.len().div_ceil(64);
        if self.checked.len() < words {
            self.checked.resize_with(words, AtomicU64::default);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_survive_a_round_trip_through_files() {
        let dir = tempfile::TempDir::new().unwrap();
        let mut runs: Ragged<u32> = Ragged::default();
        runs.push(&[1, 2, 3]);
        runs.push(&[]);
        runs.push(&[7]);
        runs.write(dir.path(), "runs").unwrap();
        let mapped: Ragged<u32> = Ragged::map(dir.path(), "runs").unwrap();
        assert!(matches!(mapped.values, Column::Mapped(..)));
        assert_eq!(mapped.len(), 3);
        assert_eq!(mapped.get(0), [1, 2, 3]);
        assert_eq!(mapped.get(1), [] as [u32; 0]);
        assert_eq!(mapped.get(2), [7]);
        assert_eq!(mapped.get(3), [] as [u32; 0]);

        let mut texts = Strings::default();
        texts.push("大同");
        texts.push("");
        texts.write(dir.path(), "texts").unwrap();
        let mapped = Strings::map(dir.path(), "texts").unwrap();
        assert_eq!(
            (mapped.get(0), mapped.get(1), mapped.len()),
            ("大同", "", 2)
        );
    }

    #[test]
    fn damaged_files_are_refused_or_read_as_empty() {
        let dir = tempfile::TempDir::new().unwrap();
        let mut texts = Strings::default();
        texts.push("大同");
        texts.write(dir.path(), "texts").unwrap();
        // Offsets past the end of the values.
        Column::Owned(vec![0u64, 9])
            .write(&dir.path().join("texts.offsets"))
            .unwrap();
        assert!(Strings::map(dir.path(), "texts").is_err());
        // A file cut inside a value.
        std::fs::write(dir.path().join("texts.offsets"), [0u8; 12]).unwrap();
        assert!(Strings::map(dir.path(), "texts").is_err());
        // Bytes that are no UTF-8 read as an empty string.
        Column::Owned(vec![0u64, 2])
            .write(&dir.path().join("texts.offsets"))
            .unwrap();
        std::fs::write(dir.path().join("texts.values"), [0xE5, 0xA4]).unwrap();
        assert_eq!(Strings::map(dir.path(), "texts").unwrap().get(0), "");
    }
}
