//! Tokens, codes and password hashes.

use rand::Rng;
use sha2::{Digest, Sha256};

/// A random token of 256 bits (≥ 128 required by OWASP ASVS 5.0 §7.2), hex.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
}

/// A 6-digit one-time code from the OS CSPRNG (OWASP ASVS 5.0 §6.5).
pub fn otp_code() -> String {
    let n: u32 = rand::rng().random_range(0..1_000_000);
    format!("{n:06}")
}

/// A 查询码 for the acceptance notice: 8 characters from an alphabet without look-alikes
/// (no 0/O, 1/I/L), about 40 bits: with the per-address failure limit, not guessable.
pub fn query_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    (0..8).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// A check code for a court text message (`rules::service::CHECK_CODE_ALPHABET`, 8
/// characters, uniform: 256 is not a multiple of 31, so bytes ≥ 248 are drawn again).
pub fn check_code() -> String {
    use app::rules::service::{CHECK_CODE_ALPHABET, CHECK_CODE_LEN};
    use rand::Rng;
    let mut rng = rand::rng();
    let mut out = String::with_capacity(CHECK_CODE_LEN);
    while out.len() < CHECK_CODE_LEN {
        let b: u8 = rng.random();
        if usize::from(b) < 248 {
            out.push(char::from(CHECK_CODE_ALPHABET[usize::from(b) % CHECK_CODE_ALPHABET.len()]));
        }
    }
    out
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The stored form of a code: bound to its request so a code is useless for any other.
pub fn code_hash(request_id: &str, code: &str) -> String {
    sha256_hex(format!("{request_id}:{code}").as_bytes())
}

/// Compares two equal-length strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Argon2id with the crate's defaults (OWASP: m=19 MiB, t=2, p=1). CPU-heavy: call from
/// `spawn_blocking`.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt_bytes: [u8; 16] = rand::rng().random();
    let salt = SaltString::encode_b64(&salt_bytes)?;
    Ok(argon2::Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash)
        .map(|h| argon2::Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_six_digits() {
        for _ in 0..1000 {
            let c = otp_code();
            assert_eq!(c.len(), 6);
            assert!(c.chars().all(|c| c.is_ascii_digit()));
        }
    }

    #[test]
    fn tokens_are_256_bits_and_differ() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }

    #[test]
    fn code_hash_is_bound_to_the_request() {
        assert_ne!(code_hash("r1", "123456"), code_hash("r2", "123456"));
    }

    #[test]
    fn passwords_verify_only_with_the_right_password() {
        let h = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
