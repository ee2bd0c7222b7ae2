//! Writing a zip bundle as a stream: each file is hashed (SHA-256) and counted on its way
//! into the archive, so the manifest is exact without reading anything twice, and nothing but
//! the file in hand is held in memory.

use std::{
    fs::File,
    io::{self, BufWriter, Read, Write},
    path::{Path, PathBuf},
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

use super::RecordsError;
use crate::workflow::sla::wib;

/// One file of a bundle as its manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    /// Lowercase hex.
    pub sha256: String,
}

/// A bundle being written. Dropped without [`BundleWriter::finish`], it removes its
/// temporary file: a failed run leaves no half bundle behind.
pub struct BundleWriter {
    zip: ZipWriter<BufWriter<File>>,
    temp: tempfile::NamedTempFile,
    out: PathBuf,
    options: SimpleFileOptions,
    files: Vec<FileEntry>,
}

impl BundleWriter {
    /// Starts a bundle that will become `out`; the files inside carry `created_at` (WIB, as
    /// zip times have no zone) as their modification time.
    pub fn create(out: &Path, created_at: DateTime<Utc>) -> Result<Self, RecordsError> {
        let dir = match out.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        // Beside the destination, so the final rename stays on one file system. Created
        // owner-only, as the contents are records and databases.
        let temp = tempfile::Builder::new()
            .prefix(".warta-")
            .suffix(".partial")
            .tempfile_in(dir)?;
        let file = temp.reopen()?;
        let modified = zip::DateTime::try_from(created_at.with_timezone(&wib()).naive_local())
            .unwrap_or_default();
        Ok(Self {
            zip: ZipWriter::new(BufWriter::new(file)),
            temp,
            out: out.to_owned(),
            options: SimpleFileOptions::default()
                .compression_method(CompressionMethod::Deflated)
                .last_modified_time(modified)
                .unix_permissions(0o600),
            files: Vec::new(),
        })
    }

    /// Adds `len` bytes read from `reader` as `path`.
    pub fn add(
        &mut self,
        path: &str,
        len: u64,
        reader: &mut impl Read,
    ) -> Result<&FileEntry, RecordsError> {
        // Zip64 records only where a file needs them, so common unzip tools read the rest.
        let options = self.options.large_file(len >= u64::from(u32::MAX));
        self.zip.start_file(path, options)?;
        let mut sink = Digesting::new(&mut self.zip);
        io::copy(reader, &mut sink)?;
        let (size, sha256) = sink.finish();
        if size != len {
            return Err(RecordsError::Refused(format!(
                "{path} changed while it was being written ({len} bytes expected, {size} read)"
            )));
        }
        self.files.push(FileEntry {
            path: path.to_owned(),
            size,
            sha256,
        });
        Ok(self.files.last().expect("just pushed"))
    }

    /// Adds a file held in memory.
    pub fn add_bytes(&mut self, path: &str, bytes: &[u8]) -> Result<&FileEntry, RecordsError> {
        self.add(path, bytes.len() as u64, &mut &bytes[..])
    }

    /// Adds a file from disk.
    pub fn add_file(&mut self, path: &str, source: &Path) -> Result<&FileEntry, RecordsError> {
        let mut file = File::open(source)?;
        let len = file.metadata()?.len();
        self.add(path, len, &mut file)
    }

    /// The files added so far.
    pub fn files(&self) -> &[FileEntry] {
        &self.files
    }

    /// Writes `manifest` as the last file, `name` (it lists every other file, so not
    /// itself), syncs the bundle to disk and renames it into place.
    pub fn finish(mut self, name: &str, manifest: &impl Serialize) -> Result<(), RecordsError> {
        self.zip.start_file(name, self.options)?;
        serde_json::to_writer_pretty(&mut self.zip, manifest)?;
        let file = self
            .zip
            .finish()?
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        self.temp
            .persist(&self.out)
            .map_err(|e| RecordsError::Io(e.error))?;
        Ok(())
    }
}

/// The SHA-256 and length of everything `reader` yields.
pub fn digest(reader: &mut impl Read) -> io::Result<(u64, String)> {
    let mut sink = Digesting::new(io::sink());
    io::copy(reader, &mut sink)?;
    Ok(sink.finish())
}

/// Passes bytes on to `inner`, counting and hashing them.
struct Digesting<W> {
    inner: W,
    hasher: Sha256,
    size: u64,
}

impl<W: Write> Digesting<W> {
    fn new(inner: W) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            size: 0,
        }
    }

    fn finish(self) -> (u64, String) {
        (self.size, hex::encode(self.hasher.finalize()))
    }
}

impl<W: Write> Write for Digesting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
