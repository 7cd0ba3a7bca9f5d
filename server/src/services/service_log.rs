//! The court's service log on the server: its signing key, signed tree heads, receipts with
//! inclusion proofs, consistency proofs between heads, and the audit that recomputes the whole
//! tree from the stored entries. The proofs themselves are `app::log` (the code the phone runs
//! to check them); the rows are `store::log`.

use crate::store::{self, Db};
use app::log::mediation::{MediationReceipt, MEDIATION_RECEIPT_FORMAT};
use app::log::merkle::{self, Hash, NodeMap};
use app::log::service::{ServiceReceipt, RECEIPT_FORMAT};
use app::log::signed::{self, LogId, PublicKey, Receipt, SignedTreeHead, SigningKey, TreeHead};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The log's name inside every signed head.
pub const LOG_ID: &str = "pocket-court/service-log/v1";

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("service log key {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("service log key {path}: expected 64 hex digits (an Ed25519 seed)")]
    Malformed { path: PathBuf },
}

/// Why an operation on the log failed.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("storage: {0}")]
    Store(#[from] sqlx::Error),
    #[error("proof: {0}")]
    Prove(#[from] merkle::ProveError),
    #[error("{0}")]
    NotSigned(String),
}

/// What the audit found wrong, first problem only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    #[error("entry {index} does not hash to its stored leaf: the entry was changed after it was logged")]
    EntryChanged { index: u64 },
    #[error("entry {index} is missing: the log has a gap")]
    Gap { index: u64 },
    #[error("the log holds {found} entries but the court signed a head of {signed}: entries were removed")]
    Truncated { found: u64, signed: u64 },
    #[error("the signed head at size {size} does not match the entries: history was rewritten")]
    RootMismatch { size: u64 },
    #[error("the signed head at size {size} has a bad signature")]
    BadSignature { size: u64 },
    #[error("the stored right edge of the tree does not match the entries")]
    FrontierMismatch,
}

/// The audit's figures when all is well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    pub entries: u64,
    pub heads: u64,
    pub root: Hash,
}

pub struct ServiceLog {
    key: SigningKey,
    public_key: PublicKey,
    key_id: String,
    log_id: LogId,
}

impl ServiceLog {
    /// The key from `path`, or — when `path` is the default and absent — a new key written
    /// there (mode 0600, durably) for this court to keep.
    pub fn open(path: Option<&Path>, data_dir: &Path) -> Result<ServiceLog, KeyError> {
        let default = data_dir.join("keys").join("service-log.key");
        let (path, create) = match path {
            Some(p) => (p.to_path_buf(), false),
            None => (default, true),
        };
        let seed = match std::fs::read_to_string(&path) {
            Ok(text) => app::log::hex::decode_array::<32>(text.trim())
                .map_err(|_| KeyError::Malformed { path: path.clone() })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                let seed: [u8; 32] = {
                    use rand::Rng;
                    rand::rng().random()
                };
                write_key(&path, &seed).map_err(|source| KeyError::Io { path: path.clone(), source })?;
                tracing::info!(path = %path.display(), "created the service log's signing key");
                seed
            }
            Err(source) => return Err(KeyError::Io { path, source }),
        };
        Ok(ServiceLog::from_seed(&seed))
    }

    pub fn from_seed(seed: &[u8; 32]) -> ServiceLog {
        let key = SigningKey::from_bytes(seed);
        let public_key = signed::public_key_of(&key);
        ServiceLog {
            key,
            public_key,
            key_id: key_id(&public_key),
            log_id: LogId::parse(LOG_ID).expect("a valid log id"),
        }
    }

    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// SHA-256 of the public key, hex: the key's fingerprint, printed on receipts.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    fn signed_head(&self, row: &store::log::HeadRow) -> Result<SignedTreeHead, LogError> {
        let signature = app::log::hex::decode_array::<64>(&row.signature)
            .map_err(|_| LogError::NotSigned(format!("head {} has a malformed signature", row.size)))?;
        Ok(SignedTreeHead {
            head: TreeHead {
                log_id: self.log_id.clone(),
                size: row.size,
                root: row.root,
                timestamp_ms: row.timestamp_ms,
            },
            signature,
        })
    }

    /// The head of the whole log now, signed: the latest stored head if the log has not grown
    /// since, otherwise a new one (kept, so a consistency proof can later start or end at it).
    pub async fn current_head(&self, db: &Db) -> Result<SignedTreeHead, LogError> {
        let frontier = store::log::frontier(db).await?;
        if let Some(row) = store::log::latest_head(db).await? {
            if row.size == frontier.size() {
                return self.signed_head(&row);
            }
        }
        let timestamp_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        let head = TreeHead {
            log_id: self.log_id.clone(),
            size: frontier.size(),
            root: frontier.root(),
            timestamp_ms,
        };
        let sth = signed::sign(&head, &self.key);
        let row = store::log::insert_head(
            db,
            &store::log::HeadRow {
                size: head.size,
                root: head.root,
                timestamp_ms,
                signature: app::log::hex::encode(&sth.signature),
                key_id: self.key_id.clone(),
            },
        )
        .await?;
        self.signed_head(&row)
    }

    /// A head signed earlier at exactly `size`.
    pub async fn head_at(&self, db: &Db, size: u64) -> Result<Option<SignedTreeHead>, LogError> {
        store::log::head_at(db, size).await?.map(|r| self.signed_head(&r)).transpose()
    }

    /// The receipt of one service record: each of its entries with its inclusion proof in the
    /// current signed head. The leaf hash is computed from the entry as stored now — an entry
    /// changed by hand no longer leads to the signed root, and the check says so.
    pub async fn receipt(&self, db: &Db, record_id: i64) -> Result<ServiceReceipt, LogError> {
        let entries = store::log::entries_of_record(db, record_id).await?;
        let head = self.current_head(db).await?;
        let size = head.head.size;
        let mut wanted = Vec::new();
        for e in &entries {
            wanted.extend(merkle::nodes_for_inclusion(e.index, size)?);
        }
        wanted.sort();
        wanted.dedup();
        let map = NodeMap::new(size, store::log::nodes(db, &wanted).await?);
        let mut events = Vec::with_capacity(entries.len());
        for e in entries {
            events.push(Receipt {
                leaf_hash: merkle::leaf_hash(e.entry.as_bytes()),
                entry: Some(e.entry.into_bytes()),
                leaf_index: e.index,
                head: head.clone(),
                inclusion_proof: merkle::prove_inclusion(&map, e.index, size)?,
            });
        }
        Ok(ServiceReceipt {
            format: RECEIPT_FORMAT.into(),
            record: record_id,
            public_key: self.public_key,
            events,
        })
    }

    /// The receipt of one mediation act (a signature, a 签收): its entry at `index` with the
    /// inclusion proof in the current signed head. `None` when the log holds no entry there.
    pub async fn act_receipt(&self, db: &Db, index: u64) -> Result<Option<MediationReceipt>, LogError> {
        let Some(e) = store::log::entry_at(db, index).await? else {
            return Ok(None);
        };
        let head = self.current_head(db).await?;
        let size = head.head.size;
        let map =
            NodeMap::new(size, store::log::nodes(db, &merkle::nodes_for_inclusion(index, size)?).await?);
        Ok(Some(MediationReceipt {
            format: MEDIATION_RECEIPT_FORMAT.into(),
            public_key: self.public_key,
            act: Receipt {
                leaf_hash: merkle::leaf_hash(e.entry.as_bytes()),
                entry: Some(e.entry.into_bytes()),
                leaf_index: index,
                head,
                inclusion_proof: merkle::prove_inclusion(&map, index, size)?,
            },
        }))
    }

    /// The consistency proof between two signed heads (`from` ≤ `to`), with both heads.
    pub async fn consistency(
        &self,
        db: &Db,
        from: u64,
        to: u64,
    ) -> Result<(SignedTreeHead, SignedTreeHead, Vec<Hash>), LogError> {
        let (Some(old), Some(new)) = (self.head_at(db, from).await?, self.head_at(db, to).await?) else {
            return Err(LogError::NotSigned(format!("no signed head at size {from} or {to}")));
        };
        let wanted = merkle::nodes_for_consistency(from, to)?;
        let map = NodeMap::new(to, store::log::nodes(db, &wanted).await?);
        let proof = merkle::prove_consistency(&map, from, to)?;
        Ok((old, new, proof))
    }

    /// Recomputes the whole tree from the stored entries and checks it against every stored
    /// leaf, the stored right edge and every signed head: an entry changed by hand, a removed
    /// entry, a truncated log or a rewritten history is found.
    pub async fn audit(&self, db: &Db) -> Result<Result<AuditReport, AuditError>, sqlx::Error> {
        let mut log = merkle::MemoryLog::new();
        let page = 5_000;
        loop {
            let rows = store::log::entries_from(db, log.frontier().size(), page).await?;
            if rows.is_empty() {
                break;
            }
            for (row, stored_leaf) in rows {
                let index = log.frontier().size();
                if row.index != index {
                    return Ok(Err(AuditError::Gap { index }));
                }
                let leaf = merkle::leaf_hash(row.entry.as_bytes());
                if stored_leaf != Some(leaf) {
                    return Ok(Err(AuditError::EntryChanged { index }));
                }
                log.append_leaf_hash(leaf);
            }
        }
        let size = log.frontier().size();
        if &store::log::frontier(db).await? != log.frontier() {
            return Ok(Err(AuditError::FrontierMismatch));
        }
        let heads = store::log::all_heads(db).await?;
        for row in &heads {
            if row.size > size {
                return Ok(Err(AuditError::Truncated { found: size, signed: row.size }));
            }
            let Ok(sth) = self.signed_head(row) else {
                return Ok(Err(AuditError::BadSignature { size: row.size }));
            };
            if sth.verify(&self.public_key).is_err() {
                return Ok(Err(AuditError::BadSignature { size: row.size }));
            }
            if merkle::root_at(&log, row.size).ok() != Some(row.root) {
                return Ok(Err(AuditError::RootMismatch { size: row.size }));
            }
        }
        Ok(Ok(AuditReport { entries: size, heads: heads.len() as u64, root: log.root() }))
    }
}

/// SHA-256 of a public key, hex.
pub fn key_id(public_key: &PublicKey) -> String {
    app::log::hex::encode(&Sha256::digest(public_key))
}

fn write_key(path: &Path, seed: &[u8; 32]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        crate::adapters::blob_store::create_dir_durably(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut file = opts.open(path)?;
    use std::io::Write;
    writeln!(file, "{}", app::log::hex::encode(seed))?;
    file.sync_all()?;
    if let Some(dir) = path.parent() {
        crate::adapters::blob_store::sync_dir(dir)?;
    }
    Ok(())
}
