//! `warta archive verify`: re-reads an export and checks it against its manifest: the
//! manifest's own structure, then every file (missing, extra, size, SHA-256).

use std::{
    collections::{HashMap, HashSet},
    fmt,
    fs::File,
    io::{BufReader, Read},
    path::Path,
};

use zip::ZipArchive;

use super::{
    RecordsError,
    bundle::digest,
    export::{FORMAT, FORMAT_VERSION, MANIFEST, Manifest},
};

/// A manifest larger than this is not one Warta wrote.
const MANIFEST_LIMIT: u64 = 64 * 1024 * 1024;

/// One thing wrong with a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The manifest is absent, unreadable or inconsistent.
    Manifest(String),
    /// Listed in the manifest, absent from the bundle.
    Missing(String),
    /// In the bundle, not in the manifest.
    Extra(String),
    Size {
        path: String,
        expected: u64,
        actual: u64,
    },
    Sha256 {
        path: String,
        expected: String,
        actual: String,
    },
    /// The bytes could not be read back (a damaged zip).
    Unreadable { path: String, error: String },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Manifest(what) => write!(f, "manifest: {what}"),
            Problem::Missing(path) => write!(
                f,
                "missing: {path} is in the manifest but not in the bundle"
            ),
            Problem::Extra(path) => {
                write!(f, "extra: {path} is in the bundle but not in the manifest")
            }
            Problem::Size {
                path,
                expected,
                actual,
            } => {
                write!(
                    f,
                    "size: {path} has {actual} bytes, the manifest says {expected}"
                )
            }
            Problem::Sha256 {
                path,
                expected,
                actual,
            } => {
                write!(
                    f,
                    "sha256: {path} hashes to {actual}, the manifest says {expected}"
                )
            }
            Problem::Unreadable { path, error } => write!(f, "unreadable: {path}: {error}"),
        }
    }
}

/// What verification found.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    /// Entries the manifest lists (0 when it could not be read).
    pub entries: usize,
    /// Files whose bytes matched the manifest.
    pub files_ok: usize,
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_ok() {
            return write!(
                f,
                "OK: {} entries, {} files, every size and SHA-256 as the manifest says",
                self.entries, self.files_ok
            );
        }
        writeln!(
            f,
            "FAILED: {} problem(s); {} entries, {} files matched",
            self.problems.len(),
            self.entries,
            self.files_ok
        )?;
        for problem in &self.problems {
            writeln!(f, "  {problem}")?;
        }
        Ok(())
    }
}

/// Checks the export at `path`.
///
/// # Errors
/// Only when the file cannot be opened or is not a zip at all; everything wrong inside it
/// is a [`Problem`] in the report.
pub fn verify(path: &Path) -> Result<VerifyReport, RecordsError> {
    let mut zip = ZipArchive::new(BufReader::new(File::open(path)?))?;
    let mut report = VerifyReport {
        entries: 0,
        files_ok: 0,
        problems: Vec::new(),
    };
    let manifest = match read_manifest(&mut zip) {
        Ok(manifest) => manifest,
        Err(problem) => {
            report.problems.push(problem);
            return Ok(report);
        }
    };
    report.entries = manifest.entries.len();
    report.problems.extend(structure(&manifest));

    let listed: HashMap<&str, &super::bundle::FileEntry> = manifest
        .files
        .iter()
        .map(|f| (f.path.as_str(), f))
        .collect();
    let mut seen = HashSet::new();
    for index in 0..zip.len() {
        let mut file = match zip.by_index(index) {
            Ok(file) => file,
            Err(e) => {
                report.problems.push(Problem::Unreadable {
                    path: format!("#{index}"),
                    error: e.to_string(),
                });
                continue;
            }
        };
        if file.is_dir() {
            continue;
        }
        let name = match file.name() {
            Ok(name) => name.into_owned(),
            Err(e) => {
                report.problems.push(Problem::Unreadable {
                    path: format!("#{index}"),
                    error: e.to_string(),
                });
                continue;
            }
        };
        if name == MANIFEST {
            continue;
        }
        let Some(expected) = listed.get(name.as_str()) else {
            report.problems.push(Problem::Extra(name));
            continue;
        };
        seen.insert(name.clone());
        match digest(&mut file) {
            Err(e) => report.problems.push(Problem::Unreadable {
                path: name,
                error: e.to_string(),
            }),
            Ok((size, _)) if size != expected.size => report.problems.push(Problem::Size {
                path: name,
                expected: expected.size,
                actual: size,
            }),
            Ok((_, sha256)) if sha256 != expected.sha256 => report.problems.push(Problem::Sha256 {
                path: name,
                expected: expected.sha256.clone(),
                actual: sha256,
            }),
            Ok(_) => report.files_ok += 1,
        }
    }
    for file in &manifest.files {
        if !seen.contains(&file.path) {
            report.problems.push(Problem::Missing(file.path.clone()));
        }
    }
    Ok(report)
}

fn read_manifest<R: Read + std::io::Seek>(zip: &mut ZipArchive<R>) -> Result<Manifest, Problem> {
    let file = zip
        .by_name(MANIFEST)
        .map_err(|e| Problem::Manifest(format!("no {MANIFEST} in the bundle ({e})")))?;
    let mut text = Vec::new();
    file.take(MANIFEST_LIMIT)
        .read_to_end(&mut text)
        .map_err(|e| Problem::Manifest(format!("cannot read {MANIFEST}: {e}")))?;
    serde_json::from_slice(&text)
        .map_err(|e| Problem::Manifest(format!("not a Warta export manifest: {e}")))
}

/// What is wrong with the manifest itself, before any file is read.
fn structure(manifest: &Manifest) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut bad = |what: String| problems.push(Problem::Manifest(what));
    if manifest.format != FORMAT {
        bad(format!("format is {:?}, not {FORMAT:?}", manifest.format));
    }
    if manifest.format_version != FORMAT_VERSION {
        bad(format!(
            "format_version {} is not {FORMAT_VERSION}, the one this warta reads",
            manifest.format_version
        ));
    }
    if let (Some(since), Some(until)) = (manifest.selection.since, manifest.selection.until)
        && since > until
    {
        bad(format!(
            "the selection's since {since} is after its until {until}"
        ));
    }
    let mut paths = HashSet::new();
    for file in &manifest.files {
        if !safe_path(&file.path) || file.path == MANIFEST {
            bad(format!(
                "file path {:?} is not a plain relative path",
                file.path
            ));
        }
        if !paths.insert(file.path.as_str()) {
            bad(format!("{} is listed twice", file.path));
        }
        if file.sha256.len() != 64
            || !file
                .sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            bad(format!(
                "{}: {:?} is not a SHA-256 in lowercase hex",
                file.path, file.sha256
            ));
        }
    }
    let mut owned = HashSet::new();
    let mut agenda_numbers = HashSet::new();
    for entry in &manifest.entries {
        if !agenda_numbers.insert(entry.agenda_number.as_str()) {
            bad(format!("entry {} is listed twice", entry.agenda_number));
        }
        let entry_json = format!("{}/entry.json", entry.folder);
        if !entry.files.contains(&entry_json) {
            bad(format!("entry {} has no {entry_json}", entry.agenda_number));
        }
        for path in &entry.files {
            if !path.starts_with(&format!("{}/", entry.folder)) {
                bad(format!(
                    "entry {}: {path} is outside its folder {}",
                    entry.agenda_number, entry.folder
                ));
            }
            if !paths.contains(path.as_str()) {
                bad(format!(
                    "entry {}: {path} is not in the file list",
                    entry.agenda_number
                ));
            }
            owned.insert(path.as_str());
        }
    }
    for file in &manifest.files {
        if !owned.contains(file.path.as_str()) {
            bad(format!("{} belongs to no entry", file.path));
        }
    }
    problems
}

/// A relative path of plain components: no root, no `..`, no backslashes, no empty parts.
fn safe_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_safe() {
        assert!(safe_path("entries/0001-HM-2026/entry.json"));
        for bad in ["", "/etc/passwd", "entries/../x", "a//b", "a\\b", "./a"] {
            assert!(!safe_path(bad), "{bad:?}");
        }
    }
}
