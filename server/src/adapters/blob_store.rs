//! Finished files, kept once by their SHA-256 however many uploads bring them, and the
//! durable-write helpers every stored file goes through.
//!
//! `BlobStore` is what the rest of the server sees: put a finished local file under its hash,
//! open one for streaming, ask its size. `LocalBlobStore` keeps them under
//! `DATA_DIR/blobs/ab/cd/<sha256>` (two folder levels: no folder grows past 65,536 entries).
//! The trait is shaped so that an S3-compatible object store can implement it later: `put`
//! hands over a whole local file (one PUT or a multipart upload, then delete the file; keys
//! named like the local paths), `open` is a GET whose body is read as it arrives, `size` a
//! HEAD. Nothing outside this module builds a path into the store.

use async_trait::async_trait;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use tokio::io::AsyncRead;

/// What `put` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// Where the blob lives: relative to DATA_DIR here, an object key elsewhere. Recorded in
    /// `blobs.stored_path`.
    pub stored_path: String,
    /// False: the same content was stored already, and the given file was dropped.
    pub new: bool,
}

/// A stored file opened for reading, front to back.
pub struct Blob {
    pub size: u64,
    pub reader: Pin<Box<dyn AsyncRead + Send>>,
}

#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Keeps the finished file at `file` (a local file the caller has synced and no longer
    /// needs) under `sha256` (its hex SHA-256, which the caller has checked): moved in if the
    /// content is new, dropped if it is stored already. Durable once this returns.
    async fn put(&self, sha256: &str, file: &Path) -> io::Result<Stored>;
    /// Opens a stored file for streaming; None if there is none under `sha256`.
    async fn open(&self, sha256: &str) -> io::Result<Option<Blob>>;
    /// A stored file's size; None if there is none.
    async fn size(&self, sha256: &str) -> io::Result<Option<u64>>;
}

/// Blobs in folders under DATA_DIR (same file system as the partial uploads, so `put` is a
/// rename).
pub struct LocalBlobStore {
    data_dir: PathBuf,
}

impl LocalBlobStore {
    pub fn new(data_dir: impl Into<PathBuf>) -> LocalBlobStore {
        LocalBlobStore { data_dir: data_dir.into() }
    }

    /// `blobs/ab/cd/<sha256>`; None for anything but 64 lower-case hex digits (never a path
    /// that leaves the folder).
    pub fn relative_path(sha256: &str) -> Option<PathBuf> {
        let hex = sha256.len() == 64 && sha256.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        hex.then(|| PathBuf::from("blobs").join(&sha256[..2]).join(&sha256[2..4]).join(sha256))
    }

    fn path(&self, sha256: &str) -> io::Result<PathBuf> {
        Self::relative_path(sha256)
            .map(|p| self.data_dir.join(p))
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a SHA-256 in hex"))
    }
}

#[async_trait]
impl BlobStore for LocalBlobStore {
    async fn put(&self, sha256: &str, file: &Path) -> io::Result<Stored> {
        let relative = Self::relative_path(sha256)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a SHA-256 in hex"))?;
        let target = self.data_dir.join(&relative);
        let file = file.to_path_buf();
        let new = blocking(move || move_durably(&file, &target)).await?;
        Ok(Stored { stored_path: relative.to_string_lossy().into_owned(), new })
    }

    async fn open(&self, sha256: &str) -> io::Result<Option<Blob>> {
        let file = match tokio::fs::File::open(self.path(sha256)?).await {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let size = file.metadata().await?.len();
        Ok(Some(Blob { size, reader: Box::pin(file) }))
    }

    async fn size(&self, sha256: &str) -> io::Result<Option<u64>> {
        match tokio::fs::metadata(self.path(sha256)?).await {
            Ok(m) => Ok(Some(m.len())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Runs file-system work off the async threads.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> io::Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| io::Error::other(e.to_string()))?
}

/// Moves a synced file to `target` so that it survives a crash once this returns: folders
/// made (and their parents synced), renamed, the folder synced. If `target` exists (the same
/// content, named by its hash), `file` is removed instead. True: moved in.
fn move_durably(file: &Path, target: &Path) -> io::Result<bool> {
    let dir = target.parent().ok_or_else(|| io::Error::other("no parent folder"))?;
    create_dir_durably(dir)?;
    if target.exists() {
        std::fs::remove_file(file)?;
        return Ok(false);
    }
    std::fs::rename(file, target)?;
    sync_dir(dir)?;
    Ok(true)
}

/// Creates a folder and any missing parents, syncing each parent that gained an entry (a new
/// folder is only there after a crash once its parent is synced).
pub fn create_dir_durably(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_dir_durably(parent)?;
        match std::fs::create_dir(dir) {
            Ok(()) => sync_dir(parent),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(e),
        }
    } else {
        std::fs::create_dir_all(dir)
    }
}

/// Makes a folder's entries (new, renamed or removed files) survive a crash.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Writes a file so that it survives a crash once this returns: a temporary file, synced,
/// renamed into place, and the folder synced. A file already at `path` is kept (callers name
/// files by their content's hash).
pub fn write_durably(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let dir = path.parent().ok_or_else(|| io::Error::other("no parent folder"))?;
    create_dir_durably(dir)?;
    if path.exists() {
        return Ok(()); // the same content (named by its hash) is already there
    }
    let tmp = path.with_extension("part");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)?;
    sync_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"; // "test"

    #[test]
    fn blob_paths_are_two_folders_deep_and_only_for_hashes() {
        assert_eq!(LocalBlobStore::relative_path(SHA), Some(PathBuf::from(format!("blobs/9f/86/{SHA}"))));
        assert_eq!(LocalBlobStore::relative_path("../../etc/passwd"), None);
        assert_eq!(LocalBlobStore::relative_path(&SHA.to_uppercase()), None);
        assert_eq!(LocalBlobStore::relative_path(&SHA[..63]), None);
    }

    #[tokio::test]
    async fn the_same_content_is_stored_once_and_reads_back() {
        let dir = std::env::temp_dir().join(format!("pc-blobs-{}", crate::adapters::crypto::random_token()));
        let store = LocalBlobStore::new(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a"), dir.join("b"));
        std::fs::write(&a, b"test").unwrap();
        std::fs::write(&b, b"test").unwrap();
        let first = store.put(SHA, &a).await.unwrap();
        let second = store.put(SHA, &b).await.unwrap();
        assert!(first.new && !second.new);
        assert_eq!(first.stored_path, format!("blobs/9f/86/{SHA}"));
        assert!(!a.exists() && !b.exists(), "both hand-overs are gone");
        assert_eq!(store.size(SHA).await.unwrap(), Some(4));
        let mut blob = store.open(SHA).await.unwrap().unwrap();
        let mut text = String::new();
        blob.reader.read_to_string(&mut text).await.unwrap();
        assert_eq!((blob.size, text.as_str()), (4, "test"));
        let other = "0".repeat(64);
        assert!(store.open(&other).await.unwrap().is_none());
        assert_eq!(store.size(&other).await.unwrap(), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
