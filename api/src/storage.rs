//! Attachment bytes, content-addressed on disk: `<data dir>/attachments/ab/abcdef…` by SHA-256,
//! so the same file uploaded twice is stored once and a stored file can be verified.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// The attachment store under the data directory.
#[derive(Debug, Clone)]
pub struct AttachmentStore {
    root: PathBuf,
}

/// A file written to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub sha256: String,
    pub size_bytes: u64,
}

impl AttachmentStore {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            root: data_dir.join("attachments"),
        }
    }

    /// Where the bytes of a file with this hash live.
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let prefix = sha256.get(..2).unwrap_or("00");
        self.root.join(prefix).join(sha256)
    }

    /// Stores `bytes` under their hash. Writing to a temporary name and renaming makes a
    /// crash leave no half-written file under a real hash.
    pub async fn put_bytes(&self, bytes: &[u8]) -> std::io::Result<StoredFile> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let target = self.path_of(&sha256);
        if tokio::fs::try_exists(&target).await? {
            return Ok(StoredFile {
                sha256,
                size_bytes: bytes.len() as u64,
            });
        }
        let dir = target.parent().expect("store paths have a parent");
        tokio::fs::create_dir_all(dir).await?;
        let temp = dir.join(format!(".{}.{}", sha256, uuid::Uuid::new_v4()));
        let mut file = tokio::fs::File::create(&temp).await?;
        file.write_all(bytes).await?;
        file.sync_all().await?;
        tokio::fs::rename(&temp, &target).await?;
        Ok(StoredFile {
            sha256,
            size_bytes: bytes.len() as u64,
        })
    }

    pub async fn read(&self, sha256: &str) -> std::io::Result<Vec<u8>> {
        tokio::fs::read(self.path_of(sha256)).await
    }
}
