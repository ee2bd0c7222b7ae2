//! The HS256 signing secret: taken from the configuration, or else kept in
//! `<data dir>/jwt-secret` and generated on first start, so that a laptop or a single server
//! needs no setup and tokens survive restarts.
//!
//! The file holds 64 random bytes as 128 hex digits and a newline, readable by its owner
//! only (0600). It is written under a temporary name and then hard-linked into place, which
//! fails if the name already exists: when two processes start at once, one wins, the other
//! reads the winner's file, and nobody ever reads a half-written one.

use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Read as _, Write as _};
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::Path;

use rand::RngCore as _;
use rand::rngs::OsRng;
use secrecy::{ExposeSecret as _, SecretString};
use uuid::Uuid;

use super::AuthError;
use super::jwt::MIN_SECRET_LEN;

/// The file's name inside the data directory.
pub const JWT_SECRET_FILE: &str = "jwt-secret";

/// The size of a generated secret, in bytes.
const GENERATED_LEN: usize = 64;

/// A secret file larger than this is not ours; don't read it into memory.
const MAX_FILE_LEN: u64 = 4096;

/// Returns the JWT signing secret.
///
/// A configured secret wins and is used as its UTF-8 bytes. Otherwise the secret is read
/// from `<data_dir>/jwt-secret`, or generated and stored there if the file does not exist
/// (the directory is created if needed). A file readable by others is tightened to 0600.
///
/// # Errors
///
/// [`AuthError::ShortSecret`] if the configured secret is shorter than 32 bytes;
/// [`AuthError::SecretFile`] if the file cannot be read, written or tightened, or does not
/// hold at least 32 bytes as hex. A bad file is reported, never replaced: replacing it would
/// silently sign everybody out.
pub fn load_or_create_jwt_secret(
    data_dir: &Path,
    configured: Option<&SecretString>,
) -> Result<Vec<u8>, AuthError> {
    if let Some(secret) = configured {
        let bytes = secret.expose_secret().as_bytes();
        if bytes.len() < MIN_SECRET_LEN {
            return Err(AuthError::ShortSecret);
        }
        return Ok(bytes.to_vec());
    }

    let path = data_dir.join(JWT_SECRET_FILE);
    match File::open(&path) {
        Ok(file) => return read_secret_file(file, &path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }

    fs::create_dir_all(data_dir)?;
    let mut secret = vec![0u8; GENERATED_LEN];
    OsRng.fill_bytes(&mut secret);

    let tmp = data_dir.join(format!(
        ".{JWT_SECRET_FILE}.{}.tmp",
        Uuid::new_v4().simple()
    ));
    let published = write_new_file(&tmp, format!("{}\n", hex::encode(&secret)).as_bytes())
        .and_then(|()| fs::hard_link(&tmp, &path));
    // The temporary name is only a staging area, whatever happened.
    let _ = fs::remove_file(&tmp);
    match published {
        Ok(()) => {
            tracing::info!(path = %path.display(), "generated a new JWT secret");
            Ok(secret)
        }
        // Another process published its secret first; everybody uses that one.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            read_secret_file(File::open(&path)?, &path)
        }
        Err(e) => Err(e.into()),
    }
}

/// Creates `path`, which must not exist yet, with mode 0600 and writes `contents` durably.
fn write_new_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

fn read_secret_file(mut file: File, path: &Path) -> Result<Vec<u8>, AuthError> {
    let metadata = file.metadata()?;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & !0o600 != 0 {
        tracing::warn!(
            path = %path.display(),
            mode = format_args!("{mode:o}"),
            "the JWT secret file was readable by others; restricting it to 0600"
        );
        file.set_permissions(Permissions::from_mode(0o600))?;
    }
    if metadata.len() > MAX_FILE_LEN {
        return Err(malformed(path));
    }
    let mut text = String::new();
    file.read_to_string(&mut text).map_err(|e| match e.kind() {
        io::ErrorKind::InvalidData => malformed(path),
        _ => e.into(),
    })?;
    match hex::decode(text.trim()) {
        Ok(secret) if secret.len() >= MIN_SECRET_LEN => Ok(secret),
        _ => Err(malformed(path)),
    }
}

fn malformed(path: &Path) -> AuthError {
    AuthError::SecretFile(io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "{} must hold at least 32 bytes as hex digits; delete it to generate a new one",
            path.display()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::{Arc, Barrier};
    use std::thread;

    use super::*;

    /// A fresh directory under the system temp dir, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            let path = std::env::temp_dir().join(format!("warta-secret-test-{}", Uuid::new_v4()));
            fs::create_dir_all(&path).expect("create temp dir");
            Self(path)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn mode_of(path: &Path) -> u32 {
        fs::metadata(path).expect("metadata").permissions().mode() & 0o777
    }

    #[test]
    fn configured_secret_wins_and_no_file_is_written() {
        let dir = TempDir::new();
        let configured = SecretString::from("a configured secret of at least 32 bytes");
        let secret = load_or_create_jwt_secret(&dir.0, Some(&configured)).expect("loads");
        assert_eq!(secret, b"a configured secret of at least 32 bytes");
        assert!(!dir.0.join(JWT_SECRET_FILE).exists());
    }

    #[test]
    fn short_configured_secret_is_refused() {
        let dir = TempDir::new();
        let configured = SecretString::from("x".repeat(31));
        assert!(matches!(
            load_or_create_jwt_secret(&dir.0, Some(&configured)),
            Err(AuthError::ShortSecret)
        ));
    }

    #[test]
    fn secret_is_generated_once_with_mode_0600_and_then_reused() {
        let dir = TempDir::new();
        let data_dir = dir.0.join("nested").join("data");

        let first = load_or_create_jwt_secret(&data_dir, None).expect("generates");
        assert_eq!(first.len(), GENERATED_LEN);
        let path = data_dir.join(JWT_SECRET_FILE);
        assert_eq!(mode_of(&path), 0o600);
        assert_eq!(
            fs::read_to_string(&path).expect("readable"),
            format!("{}\n", hex::encode(&first))
        );

        let second = load_or_create_jwt_secret(&data_dir, None).expect("reads");
        assert_eq!(first, second);
        // Only the secret is left behind, no staging files.
        assert_eq!(fs::read_dir(&data_dir).expect("list").count(), 1);
    }

    #[test]
    fn different_data_dirs_get_different_secrets() {
        let (a, b) = (TempDir::new(), TempDir::new());
        assert_ne!(
            load_or_create_jwt_secret(&a.0, None).expect("generates"),
            load_or_create_jwt_secret(&b.0, None).expect("generates")
        );
    }

    #[test]
    fn existing_file_readable_by_others_is_tightened() {
        let dir = TempDir::new();
        let path = dir.0.join(JWT_SECRET_FILE);
        let secret = [0xabu8; 40];
        fs::write(&path, hex::encode(secret)).expect("write");
        fs::set_permissions(&path, Permissions::from_mode(0o644)).expect("chmod");

        let loaded = load_or_create_jwt_secret(&dir.0, None).expect("reads");
        assert_eq!(loaded, secret);
        assert_eq!(mode_of(&path), 0o600);
    }

    #[test]
    fn stricter_permissions_are_left_alone() {
        let dir = TempDir::new();
        let path = dir.0.join(JWT_SECRET_FILE);
        fs::write(&path, hex::encode([1u8; 32])).expect("write");
        fs::set_permissions(&path, Permissions::from_mode(0o400)).expect("chmod");

        load_or_create_jwt_secret(&dir.0, None).expect("reads");
        assert_eq!(mode_of(&path), 0o400);
    }

    #[test]
    fn malformed_or_short_file_is_refused_not_replaced() {
        let dir = TempDir::new();
        let path = dir.0.join(JWT_SECRET_FILE);
        let short = hex::encode([1u8; 31]);
        for contents in ["", "not hex at all", "abc", &short] {
            fs::write(&path, contents).expect("write");
            assert!(matches!(
                load_or_create_jwt_secret(&dir.0, None),
                Err(AuthError::SecretFile(_))
            ));
            assert_eq!(fs::read_to_string(&path).expect("kept"), contents);
        }
        fs::write(&path, [0xff, 0xfe]).expect("write");
        assert!(matches!(
            load_or_create_jwt_secret(&dir.0, None),
            Err(AuthError::SecretFile(_))
        ));
    }

    #[test]
    fn concurrent_first_starts_agree_on_one_secret() {
        let dir = TempDir::new();
        let threads = 8;
        let barrier = Arc::new(Barrier::new(threads));
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (data_dir, barrier) = (dir.0.clone(), Arc::clone(&barrier));
                thread::spawn(move || {
                    barrier.wait();
                    load_or_create_jwt_secret(&data_dir, None).expect("loads")
                })
            })
            .collect();
        let secrets: Vec<Vec<u8>> = handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect();
        assert!(secrets.iter().all(|s| *s == secrets[0]));
        assert_eq!(fs::read_dir(&dir.0).expect("list").count(), 1);
    }
}
