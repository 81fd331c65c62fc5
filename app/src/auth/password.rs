//! Local passwords with argon2id, for staff break-glass, demos and tests.
//! (Citizens log in with MitID in production; see `auth::login_with_password`.)
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

/// OWASP's argon2id recommendation: 19 MiB memory, 2 passes, 1 lane.
pub const MEMORY_KIB: u32 = 19_456;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("hashing failed: {0}")]
    Hash(String),
    #[error("hashing task failed")]
    Join(#[from] tokio::task::JoinError),
    #[error("hashing limiter closed")]
    Closed,
}

pub fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// At most one hash per core at a time, so a burst of logins cannot starve
/// the server of memory or threads.
fn limiter() -> Arc<Semaphore> {
    static LIMIT: OnceLock<Arc<Semaphore>> = OnceLock::new();
    LIMIT
        .get_or_init(|| {
            let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
            Arc::new(Semaphore::new(cores))
        })
        .clone()
}

/// Runs argon2 off the async runtime, within the concurrency bound.
async fn off_runtime<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, PasswordError> {
    let _permit = limiter()
        .acquire_owned()
        .await
        .map_err(|_| PasswordError::Closed)?;
    Ok(tokio::task::spawn_blocking(f).await?)
}

pub async fn hash_password(password: SecretString) -> Result<String, PasswordError> {
    off_runtime(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| PasswordError::Hash(e.to_string()))
    })
    .await?
}

/// A hash of nothing anyone knows: unknown accounts are checked against it,
/// so they take as long as known ones and the timing tells nothing.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        let random: [u8; 32] = rand::random();
        hasher()
            .hash_password(&random, &salt)
            .expect("hashing random bytes")
            .to_string()
    })
}

/// True when `password` matches `stored`. With no stored hash the dummy is
/// checked instead and the answer is false.
pub async fn verify_password(stored: Option<String>, password: SecretString) -> Result<bool, PasswordError> {
    off_runtime(move || {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| dummy_hash().to_string());
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return false;
        };
        let ok = hasher()
            .verify_password(password.expose_secret().as_bytes(), &parsed)
            .is_ok();
        ok && known
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_with_the_agreed_argon2id_parameters() {
        let hash = hash_password(SecretString::from("correct horse battery"))
            .await
            .unwrap();
        let parsed = PasswordHash::new(&hash).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        let params = Params::try_from(&parsed).unwrap();
        assert_eq!(params.m_cost(), 19_456);
        assert_eq!(params.t_cost(), 2);
        assert_eq!(params.p_cost(), 1);
    }

    #[tokio::test]
    async fn verifies_only_the_right_password() {
        let hash = hash_password(SecretString::from("correct horse battery"))
            .await
            .unwrap();
        assert!(
            verify_password(Some(hash.clone()), SecretString::from("correct horse battery"))
                .await
                .unwrap()
        );
        assert!(!verify_password(Some(hash), SecretString::from("wrong"))
            .await
            .unwrap());
        assert!(!verify_password(None, SecretString::from("anything"))
            .await
            .unwrap());
    }
}
