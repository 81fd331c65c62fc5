//! Local passwords with argon2id, for staff break-glass, demos and tests.
//! (Citizens log in with MitID in production; see `auth::login_with_password`.)
//!
//! Two things here are our own rather than the argon2 crate's defaults, both
//! measured (issue 17): each hash's 19 MiB of working memory is a private
//! mapping made for that hash and unmapped after it, because the allocator
//! kept what `Argon2::hash_password` allocated (a server grew from 18 to over
//! 500 MB RSS after a few hundred logins); and at most one hash fewer than
//! the machine has cores runs at a time, so a burst of logins leaves a core
//! for serving pages.
use argon2::password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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

impl From<argon2::Error> for PasswordError {
    fn from(e: argon2::Error) -> Self {
        PasswordError::Hash(e.to_string())
    }
}

impl From<argon2::password_hash::Error> for PasswordError {
    fn from(e: argon2::password_hash::Error) -> Self {
        PasswordError::Hash(e.to_string())
    }
}

impl From<std::io::Error> for PasswordError {
    fn from(e: std::io::Error) -> Self {
        PasswordError::Hash(format!("working memory: {e}"))
    }
}

pub fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// How many hashes may run at once: one fewer than the cores, at least one.
pub fn concurrent_hashes() -> usize {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    cores.saturating_sub(1).max(1)
}

fn limiter() -> Arc<Semaphore> {
    static LIMIT: OnceLock<Arc<Semaphore>> = OnceLock::new();
    LIMIT
        .get_or_init(|| Arc::new(Semaphore::new(concurrent_hashes())))
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

/// One hash's working memory: an anonymous mapping, returned to the system
/// when dropped (which the allocator does not promise for a freed `Vec`).
struct Memory {
    map: memmap2::MmapMut,
    blocks: usize,
}

impl Memory {
    fn new(blocks: usize) -> std::io::Result<Memory> {
        let map = memmap2::MmapOptions::new()
            .len(blocks * Block::SIZE)
            .populate()
            .map_anon()?;
        Ok(Memory { map, blocks })
    }
}

impl AsMut<[Block]> for Memory {
    #[allow(unsafe_code)]
    fn as_mut(&mut self) -> &mut [Block] {
        // SAFETY: the mapping is `blocks * Block::SIZE` bytes long, owned by
        // `self` and borrowed mutably here; it is page-aligned (a `Block`
        // needs 64 bytes) and zero-filled, and a `Block` is a plain array of
        // u64 for which any bits, zeros included, are a valid value.
        unsafe { std::slice::from_raw_parts_mut(self.map.as_mut_ptr().cast::<Block>(), self.blocks) }
    }
}

/// argon2 of `password` with `salt`, `len` bytes long, in its own memory.
fn compute(argon: &Argon2<'_>, password: &[u8], salt: &[u8], len: usize) -> Result<Output, PasswordError> {
    let memory = Memory::new(argon.params().block_count())?;
    Ok(Output::init_with(len, |out| {
        argon
            .hash_password_into_with_memory(password, salt, out, memory)
            .map_err(|_| argon2::password_hash::Error::Password)
    })?)
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`), as
/// `PasswordHasher::hash_password` writes it.
fn hash_now(password: &[u8]) -> Result<String, PasswordError> {
    let argon = hasher();
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_bytes)?;
    let output = compute(&argon, password, salt_bytes, Params::DEFAULT_OUTPUT_LEN)?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon.params())?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `stored` (with the parameters
/// it was made with, so older hashes keep working).
fn verify_now(stored: &str, password: &[u8]) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::V0x13,
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params);
    // `Output`'s equality is constant-time.
    compute(&argon, password, salt_bytes, expected.len()).is_ok_and(|out| out == expected)
}

pub async fn hash_password(password: SecretString) -> Result<String, PasswordError> {
    off_runtime(move || hash_now(password.expose_secret().as_bytes())).await?
}

/// A hash of nothing anyone knows: unknown accounts are checked against it,
/// so they take as long as known ones and the timing tells nothing.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let random: [u8; 32] = rand::random();
        hash_now(&random).expect("hashing random bytes")
    })
}

/// True when `password` matches `stored`. With no stored hash the dummy is
/// checked instead and the answer is false.
pub async fn verify_password(stored: Option<String>, password: SecretString) -> Result<bool, PasswordError> {
    off_runtime(move || {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| dummy_hash().to_string());
        verify_now(&hash, password.expose_secret().as_bytes()) && known
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

    /// Our hashing and checking agree with the argon2 crate's own, both ways,
    /// so hashes made before (and by other tools) keep working.
    #[test]
    fn agrees_with_the_argon2_crate_both_ways() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let ours = hash_now(b"correct horse battery").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(hasher()
            .verify_password(b"correct horse battery", &parsed)
            .is_ok());
        assert!(hasher()
            .verify_password(b"correct horse batterY", &parsed)
            .is_err());
        let salt = SaltString::generate(&mut OsRng);
        let theirs = hasher()
            .hash_password("tr\u{e6}t og syg".as_bytes(), &salt)
            .unwrap()
            .to_string();
        assert!(verify_now(&theirs, "tr\u{e6}t og syg".as_bytes()));
        assert!(!verify_now(&theirs, b"traet og syg"));
        // Other parameters, as an older hash might have.
        let older = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8_192, 3, 1, None).unwrap(),
        )
        .hash_password(b"gammel", &salt)
        .unwrap()
        .to_string();
        assert!(verify_now(&older, b"gammel"));
        assert!(!verify_now("$argon2id$v=19$m=19456,t=2,p=1$broken", b"gammel"));
    }

    #[test]
    fn leaves_a_core_for_pages() {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        assert_eq!(concurrent_hashes(), cores.saturating_sub(1).max(1));
        assert!(concurrent_hashes() < cores || cores == 1);
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
