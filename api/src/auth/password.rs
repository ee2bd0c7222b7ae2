//! Passwords and other secrets we generate: argon2id hashing, the new-password rule,
//! generated passwords, client secrets and refresh tokens, and the digest refresh tokens are
//! stored under.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};

use super::AuthError;

/// The accepted length of a new password, in characters.
pub const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 10..=256;

/// The length of [`generate_password`]'s output: about 116 bits of entropy.
const GENERATED_PASSWORD_LEN: usize = 20;

/// Letters and digits that cannot be mistaken for one another when read aloud or copied
/// from a screen: no `0`/`O`, no `1`/`l`/`I`.
const UNAMBIGUOUS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/// Hashes a password with argon2id (v19, the crate's default parameters) and a random salt,
/// giving a PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$…`.
///
/// # Errors
///
/// [`AuthError::Hashing`] if argon2 refuses the input (it accepts anything up to 4 GiB).
pub fn hash_password(plain: &str) -> Result<String, AuthError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(plain.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|_| AuthError::Hashing)
}

/// Says whether `plain` matches a stored PHC hash. A malformed hash never matches.
///
/// The parameters are read from the hash, so hashes made with older settings still verify.
#[must_use]
pub fn verify_password(hash: &str, plain: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(plain.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Spends as long as checking one password does, for a login whose username is unknown,
/// so that response times do not tell which usernames exist.
pub fn burn_verification_time() {
    static DUMMY_HASH: OnceLock<Option<String>> = OnceLock::new();
    let dummy = DUMMY_HASH.get_or_init(|| hash_password("warta dummy password").ok());
    if let Some(hash) = dummy {
        // The result is meaningless; only the time spent matters.
        let _ = verify_password(hash, "not the dummy password");
    }
}

/// Checks the rule for a password a person chooses: 10 to 256 characters.
///
/// # Errors
///
/// [`AuthError::WeakPassword`] otherwise.
pub fn validate_new_password(plain: &str) -> Result<(), AuthError> {
    if PASSWORD_CHARS.contains(&plain.chars().count()) {
        Ok(())
    } else {
        Err(AuthError::WeakPassword)
    }
}

/// Generates a 20-character password from an alphabet without look-alike characters,
/// for accounts an administrator creates or resets.
pub fn generate_password() -> String {
    let mut rng = OsRng;
    (0..GENERATED_PASSWORD_LEN)
        .map(|_| char::from(UNAMBIGUOUS[rng.gen_range(0..UNAMBIGUOUS.len())]))
        .collect()
}

/// Generates `bytes` random bytes from the OS and encodes them as unpadded base64url,
/// for client secrets and refresh tokens (32 bytes give 43 characters).
pub fn generate_secret(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// The SHA-256 of `s` in lower-case hex: how refresh tokens are stored. They are long random
/// values, so a fast unsalted hash is enough and lets the database look them up directly.
pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn hash_is_argon2id_and_verifies_only_the_right_password() {
        let hash = hash_password("correct horse battery").expect("hashes");
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse batter"));
        assert!(!verify_password(&hash, ""));
    }

    #[test]
    fn same_password_gets_a_different_salt_each_time() {
        let first = hash_password("correct horse battery").expect("hashes");
        let second = hash_password("correct horse battery").expect("hashes");
        assert_ne!(first, second);
        assert!(verify_password(&second, "correct horse battery"));
    }

    #[test]
    fn malformed_hash_never_matches() {
        for hash in [
            "",
            "plain",
            "$argon2id$v=19$garbage",
            "correct horse battery",
        ] {
            assert!(!verify_password(hash, "correct horse battery"));
        }
    }

    #[test]
    fn burning_verification_time_does_not_panic() {
        burn_verification_time();
        burn_verification_time();
    }

    #[test]
    fn new_password_must_have_10_to_256_characters() {
        assert!(matches!(
            validate_new_password("123456789"),
            Err(AuthError::WeakPassword)
        ));
        assert!(validate_new_password("1234567890").is_ok());
        assert!(validate_new_password(&"x".repeat(256)).is_ok());
        assert!(matches!(
            validate_new_password(&"x".repeat(257)),
            Err(AuthError::WeakPassword)
        ));
        // Characters, not bytes: ten two-byte characters are enough.
        assert!(validate_new_password(&"é".repeat(10)).is_ok());
        assert!(matches!(
            validate_new_password(&"é".repeat(9)),
            Err(AuthError::WeakPassword)
        ));
    }

    #[test]
    fn generated_passwords_are_unambiguous_valid_and_distinct() {
        let generated: HashSet<String> = (0..50).map(|_| generate_password()).collect();
        assert_eq!(generated.len(), 50);
        for password in &generated {
            assert_eq!(password.chars().count(), GENERATED_PASSWORD_LEN);
            assert!(
                password
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() && !['0', 'O', '1', 'l', 'I'].contains(&c)),
                "{password}"
            );
            assert!(validate_new_password(password).is_ok());
        }
    }

    #[test]
    fn generated_secrets_are_base64url_without_padding() {
        let secret = generate_secret(32);
        assert_eq!(secret.len(), 43);
        assert_eq!(
            URL_SAFE_NO_PAD.decode(&secret).expect("base64url").len(),
            32
        );
        assert!(!secret.contains(['=', '+', '/']));
        assert_ne!(generate_secret(32), secret);
        assert_eq!(generate_secret(0), "");
    }

    #[test]
    fn sha256_hex_matches_a_known_digest() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
