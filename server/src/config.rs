//! Typed configuration, read from the environment once at start-up.
use secrecy::{ExposeSecret, SecretString};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to listen (`MITFORLOB_ADDR`, default 127.0.0.1:3000).
    pub addr: SocketAddr,
    /// `DATABASE_URL`: `sqlite://…` (default `sqlite://data/mitforlob.db`) or `postgres://…`.
    pub database_url: SecretString,
    /// Built site with the hashed, precompressed assets (`LEPTOS_SITE_ROOT`).
    pub site_root: PathBuf,
    /// `MITFORLOB_SECURE_COOKIES`: default on unless listening on loopback (plain-http development).
    pub secure_cookies: bool,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    pub activation_days: i64,
    /// `MITFORLOB_VAPID_PRIVATE_KEY`: the Web Push key (base64url P-256 scalar);
    /// without it the server makes one on first start and keeps it in the database.
    pub vapid_private_key: Option<SecretString>,
    /// `MITFORLOB_VAPID_SUBJECT`: how a push service reaches whoever runs this server.
    pub vapid_subject: String,
    /// `MITFORLOB_PUSH_INTERVAL_SECONDS`: how often queued notifications are sent.
    pub push_interval_seconds: i64,
    /// `MITFORLOB_PUSH_HOSTS`: host suffixes of the push services a browser may
    /// register (comma-separated; default the browsers' own); `*` allows any
    /// host name, still only over HTTPS and to public addresses.
    pub push_hosts: Option<Vec<String>>,
    /// `MITFORLOB_RETENTION_YEARS` and `MITFORLOB_ACCESS_LOG_RETENTION_YEARS`:
    /// how long after a citizen's course ended their data, and the access
    /// log about them, are kept.
    pub retention: app::retention::RetentionPolicy,
    /// Tests only (never read from the environment): allow push to this
    /// machine over plain HTTP, for a local test push service.
    pub allow_private_push_for_tests: bool,
    /// Login through OpenID Connect (`MITFORLOB_PUBLIC_URL`,
    /// `MITFORLOB_OIDC_CITIZEN_*`, `MITFORLOB_OIDC_STAFF_*`) and
    /// `MITFORLOB_PASSWORD_LOGIN`; see [`oidc`].
    pub oidc: app::auth::oidc::OidcConfig,
}

/// The MitID level NemLog-in calls "substantial", and "high" above it.
pub const NSIS_SUBSTANTIAL_AND_HIGH: &str =
    "https://data.gov.dk/concept/core/nsis/substantial,https://data.gov.dk/concept/core/nsis/high";

/// One provider from `MITFORLOB_OIDC_<WHO>_*`; none when its issuer is unset.
fn provider(
    kind: app::auth::oidc::ProviderKind,
    who: &str,
    default_acr: &str,
) -> Result<Option<app::auth::oidc::Provider>, ConfigError> {
    let name = |field: &str| format!("MITFORLOB_OIDC_{who}_{field}");
    let Some(issuer) = var(&name("ISSUER")) else {
        return Ok(None);
    };
    let invalid = |field: &'static str, reason: &str| ConfigError::Invalid {
        name: field,
        reason: reason.into(),
    };
    let issuer_field = if who == "CITIZEN" {
        "MITFORLOB_OIDC_CITIZEN_ISSUER"
    } else {
        "MITFORLOB_OIDC_STAFF_ISSUER"
    };
    let url = url::Url::parse(&issuer).map_err(|e| invalid(issuer_field, &e.to_string()))?;
    // Plain HTTP only on this machine (a test provider).
    let loopback = url
        .host_str()
        .is_some_and(|h| h == "127.0.0.1" || h == "localhost" || h == "[::1]");
    if url.scheme() != "https" && !loopback {
        return Err(invalid(issuer_field, "must be an https address"));
    }
    let client_id =
        var(&name("CLIENT_ID")).ok_or_else(|| invalid(issuer_field, "needs its CLIENT_ID too"))?;
    let secret = var(&name("CLIENT_SECRET")).map(SecretString::from);
    let signing_key = var(&name("SIGNING_KEY")).map(|k| {
        (
            SecretString::from(k),
            var(&name("SIGNING_KEY_ID")).unwrap_or_else(|| "mitforlob-1".into()),
        )
    });
    if secret.is_none() && signing_key.is_none() {
        return Err(invalid(issuer_field, "needs a CLIENT_SECRET or a SIGNING_KEY"));
    }
    let acr = var(&name("ACR")).unwrap_or_else(|| default_acr.to_string());
    let acr_values = acr
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty() && *a != "none")
        .map(str::to_string)
        .collect();
    Ok(Some(app::auth::oidc::Provider::new(
        kind,
        issuer,
        client_id,
        secret,
        signing_key,
        acr_values,
    )))
}

/// The OpenID Connect providers and who may use a password.
pub fn oidc(addr: SocketAddr) -> Result<app::auth::oidc::OidcConfig, ConfigError> {
    use app::auth::oidc::{OidcConfig, PasswordLogin, ProviderKind};
    let public_url = var("MITFORLOB_PUBLIC_URL").unwrap_or_else(|| format!("http://{addr}"));
    url::Url::parse(&public_url).map_err(|e| ConfigError::Invalid {
        name: "MITFORLOB_PUBLIC_URL",
        reason: e.to_string(),
    })?;
    let password_login = match var("MITFORLOB_PASSWORD_LOGIN") {
        None => PasswordLogin::default(),
        Some(v) => PasswordLogin::parse(&v).ok_or_else(|| ConfigError::Invalid {
            name: "MITFORLOB_PASSWORD_LOGIN",
            reason: "must be all, staff, citizens or none".into(),
        })?,
    };
    let config = OidcConfig {
        public_url: public_url.trim_end_matches('/').to_string(),
        citizen: provider(ProviderKind::Citizen, "CITIZEN", NSIS_SUBSTANTIAL_AND_HIGH)?,
        staff: provider(ProviderKind::Staff, "STAFF", "")?,
        password_login,
    };
    // Nobody may be left without a way in.
    if (!password_login.citizens && config.citizen.is_none())
        || (!password_login.staff && config.staff.is_none())
    {
        return Err(ConfigError::Invalid {
            name: "MITFORLOB_PASSWORD_LOGIN",
            reason: "switches off passwords for people who have no OpenID Connect provider".into(),
        });
    }
    Ok(config)
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|e: T::Err| ConfigError::Invalid {
            name,
            reason: e.to_string(),
        }),
    }
}

/// The retention periods; the access log is never removed before the data
/// it tells about, and nothing is kept for more than a century (a typo).
fn retention(data_years: i64, access_log_years: i64) -> Result<app::retention::RetentionPolicy, ConfigError> {
    if data_years > 100 || access_log_years > 100 {
        return Err(ConfigError::Invalid {
            name: "MITFORLOB_RETENTION_YEARS",
            reason: "more than 100 years".into(),
        });
    }
    if access_log_years < data_years {
        return Err(ConfigError::Invalid {
            name: "MITFORLOB_ACCESS_LOG_RETENTION_YEARS",
            reason: "must be at least MITFORLOB_RETENTION_YEARS: the access log outlives the data".into(),
        });
    }
    Ok(app::retention::RetentionPolicy {
        data_years,
        access_log_years,
    })
}

impl Settings {
    pub fn from_env() -> Result<Settings, ConfigError> {
        let addr: SocketAddr = parse("MITFORLOB_ADDR", SocketAddr::from(([127, 0, 0, 1], 3000)))?;
        let secure_default = !addr.ip().is_loopback();
        let positive = |name: &'static str, v: i64| {
            if v > 0 {
                Ok(v)
            } else {
                Err(ConfigError::Invalid {
                    name,
                    reason: "must be a positive number".into(),
                })
            }
        };
        Ok(Settings {
            addr,
            database_url: SecretString::from(
                var("DATABASE_URL").unwrap_or_else(|| "sqlite://data/mitforlob.db".into()),
            ),
            site_root: PathBuf::from(var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into())),
            secure_cookies: parse("MITFORLOB_SECURE_COOKIES", secure_default)?,
            session_idle_minutes: positive(
                "MITFORLOB_SESSION_IDLE_MINUTES",
                parse("MITFORLOB_SESSION_IDLE_MINUTES", 30)?,
            )?,
            session_absolute_hours: positive(
                "MITFORLOB_SESSION_ABSOLUTE_HOURS",
                parse("MITFORLOB_SESSION_ABSOLUTE_HOURS", 12)?,
            )?,
            activation_days: positive(
                "MITFORLOB_ACTIVATION_DAYS",
                parse("MITFORLOB_ACTIVATION_DAYS", 14)?,
            )?,
            vapid_private_key: var("MITFORLOB_VAPID_PRIVATE_KEY").map(SecretString::from),
            vapid_subject: var("MITFORLOB_VAPID_SUBJECT")
                .unwrap_or_else(|| "mailto:drift@mitforlob.invalid".into()),
            push_interval_seconds: positive(
                "MITFORLOB_PUSH_INTERVAL_SECONDS",
                parse("MITFORLOB_PUSH_INTERVAL_SECONDS", 30)?,
            )?,
            push_hosts: push_hosts(var("MITFORLOB_PUSH_HOSTS"))?,
            retention: retention(
                positive(
                    "MITFORLOB_RETENTION_YEARS",
                    parse("MITFORLOB_RETENTION_YEARS", 5)?,
                )?,
                positive(
                    "MITFORLOB_ACCESS_LOG_RETENTION_YEARS",
                    parse("MITFORLOB_ACCESS_LOG_RETENTION_YEARS", 10)?,
                )?,
            )?,
            allow_private_push_for_tests: false,
            oidc: oidc(addr)?,
        })
    }

    /// What push endpoints are allowed, from these settings.
    pub fn push_policy(&self) -> app::notifications::endpoint::PushPolicy {
        use app::notifications::endpoint::PushPolicy;
        if self.allow_private_push_for_tests {
            PushPolicy::allowing_private_for_tests()
        } else {
            match &self.push_hosts {
                Some(hosts) => PushPolicy::new(Some(hosts.clone())),
                None => PushPolicy::new(None),
            }
        }
    }

    pub fn database_url(&self) -> &str {
        self.database_url.expose_secret()
    }

    /// The database kind, for logs (never the URL: it may hold a password).
    pub fn database_kind(&self) -> &'static str {
        if self.database_url().starts_with("sqlite:") {
            "SQLite"
        } else {
            "PostgreSQL"
        }
    }
}

/// How the server treats connections: limits a slow or hostile client cannot
/// exhaust, and how long a stop waits for requests in flight. Kept apart
/// from [`Settings`] so code that builds `Settings` by hand needs no change.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    /// `MITFORLOB_HEADER_TIMEOUT_SECONDS`: a connection must send a request's
    /// headers within this long, also while idle between requests (keep-alive).
    pub header_timeout: std::time::Duration,
    /// `MITFORLOB_REQUEST_TIMEOUT_SECONDS`: a request (body included) must be
    /// answered within this long; event streams are exempt.
    pub request_timeout: std::time::Duration,
    /// `MITFORLOB_MAX_CONNECTIONS`: connections open at once; further ones
    /// wait in the kernel's queue until one closes.
    pub max_connections: usize,
    /// `MITFORLOB_SHUTDOWN_GRACE_SECONDS`: after SIGTERM or SIGINT, how long
    /// requests in flight (and a push send) may take to finish.
    pub shutdown_grace: std::time::Duration,
    /// `MITFORLOB_LOG_FORMAT`: `text` (default) or `json` for log collectors.
    pub log_json: bool,
    /// `MITFORLOB_TRUSTED_PROXIES`: addresses and CIDR ranges of the reverse
    /// proxies in front; only from them is `X-Forwarded-For`/`Forwarded`
    /// believed (client address, scheme). Default: nobody.
    pub trusted_proxies: crate::client::TrustedProxies,
    /// `MITFORLOB_METRICS_ADDR`: where to serve Prometheus metrics
    /// (`/metrics`), apart from the public address. Unset: not served.
    pub metrics_addr: Option<SocketAddr>,
}

impl Default for ServeSettings {
    fn default() -> Self {
        ServeSettings {
            header_timeout: std::time::Duration::from_secs(10),
            request_timeout: std::time::Duration::from_secs(30),
            max_connections: 2048,
            shutdown_grace: std::time::Duration::from_secs(20),
            log_json: false,
            trusted_proxies: Default::default(),
            metrics_addr: None,
        }
    }
}

impl ServeSettings {
    pub fn from_env() -> Result<ServeSettings, ConfigError> {
        let d = ServeSettings::default();
        let seconds = |name: &'static str, default: std::time::Duration| {
            let v: u64 = parse(name, default.as_secs())?;
            if v == 0 {
                return Err(ConfigError::Invalid {
                    name,
                    reason: "must be a positive number".into(),
                });
            }
            Ok(std::time::Duration::from_secs(v))
        };
        let max_connections: usize = parse("MITFORLOB_MAX_CONNECTIONS", d.max_connections)?;
        if max_connections == 0 {
            return Err(ConfigError::Invalid {
                name: "MITFORLOB_MAX_CONNECTIONS",
                reason: "must be a positive number".into(),
            });
        }
        let log_json = match var("MITFORLOB_LOG_FORMAT").as_deref().map(str::trim) {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "MITFORLOB_LOG_FORMAT",
                    reason: format!("{other:?} is neither text nor json"),
                })
            }
        };
        Ok(ServeSettings {
            header_timeout: seconds("MITFORLOB_HEADER_TIMEOUT_SECONDS", d.header_timeout)?,
            request_timeout: seconds("MITFORLOB_REQUEST_TIMEOUT_SECONDS", d.request_timeout)?,
            max_connections,
            shutdown_grace: seconds("MITFORLOB_SHUTDOWN_GRACE_SECONDS", d.shutdown_grace)?,
            log_json,
            trusted_proxies: trusted_proxies(var("MITFORLOB_TRUSTED_PROXIES"))?,
            metrics_addr: var("MITFORLOB_METRICS_ADDR")
                .map(|v| metrics_addr(&v))
                .transpose()?,
        })
    }
}

fn trusted_proxies(raw: Option<String>) -> Result<crate::client::TrustedProxies, ConfigError> {
    crate::client::TrustedProxies::parse(raw.as_deref().unwrap_or_default()).map_err(|reason| {
        ConfigError::Invalid {
            name: "MITFORLOB_TRUSTED_PROXIES",
            reason,
        }
    })
}

fn metrics_addr(raw: &str) -> Result<SocketAddr, ConfigError> {
    raw.trim().parse().map_err(|_| ConfigError::Invalid {
        name: "MITFORLOB_METRICS_ADDR",
        reason: format!("{raw:?} is not an address and port like 127.0.0.1:9464"),
    })
}

/// `MITFORLOB_PUSH_HOSTS`: unset means the browsers' push services, `*` any host.
fn push_hosts(raw: Option<String>) -> Result<Option<Vec<String>>, ConfigError> {
    use app::notifications::endpoint::BROWSER_PUSH_HOSTS;
    let Some(raw) = raw else {
        return Ok(Some(BROWSER_PUSH_HOSTS.iter().map(|h| h.to_string()).collect()));
    };
    if raw.trim() == "*" {
        return Ok(None);
    }
    let hosts: Vec<String> = raw
        .split([',', ' '])
        .map(|h| h.trim().trim_matches('.').to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect();
    // A suffix is a host name with at least one dot: `com` would allow nearly anything.
    let valid = |h: &String| {
        h.contains('.')
            && h.split('.').all(|label| {
                !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
    };
    match hosts.iter().find(|h| !valid(h)) {
        _ if hosts.is_empty() => Err(ConfigError::Invalid {
            name: "MITFORLOB_PUSH_HOSTS",
            reason: "no host given (use * for any)".into(),
        }),
        Some(bad) => Err(ConfigError::Invalid {
            name: "MITFORLOB_PUSH_HOSTS",
            reason: format!("{bad:?} is not a host name suffix like push.example.com"),
        }),
        None => Ok(Some(hosts)),
    }
}

#[cfg(test)]
mod tests {
    use super::{metrics_addr, push_hosts, retention, trusted_proxies};

    #[test]
    fn the_access_log_is_never_kept_shorter_than_the_data() {
        let p = retention(5, 10).unwrap();
        assert_eq!((p.data_years, p.access_log_years), (5, 10));
        assert!(retention(5, 5).is_ok());
        let e = retention(6, 5).unwrap_err().to_string();
        assert!(e.contains("MITFORLOB_ACCESS_LOG_RETENTION_YEARS"), "{e}");
        let e = retention(5, 500).unwrap_err().to_string();
        assert!(e.contains("100 years"), "{e}");
    }

    #[test]
    fn trusted_proxies_and_metrics_address_are_checked_at_start() {
        assert!(trusted_proxies(None).unwrap().is_empty());
        let t = trusted_proxies(Some("127.0.0.1,10.0.0.0/8,::1".into())).unwrap();
        assert!(t.contains("10.9.8.7".parse().unwrap()) && t.contains("::1".parse().unwrap()));
        assert!(!t.contains("192.168.1.1".parse().unwrap()));
        let e = trusted_proxies(Some("127.0.0.1, proxy.local".into()))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("MITFORLOB_TRUSTED_PROXIES") && e.contains("proxy.local"),
            "{e}"
        );
        let e = trusted_proxies(Some("10.0.0.0/40".into()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("MITFORLOB_TRUSTED_PROXIES"), "{e}");
        assert_eq!(
            metrics_addr(" 127.0.0.1:9464").unwrap(),
            "127.0.0.1:9464".parse().unwrap()
        );
        let e = metrics_addr("9464").unwrap_err().to_string();
        assert!(e.contains("MITFORLOB_METRICS_ADDR"), "{e}");
    }

    #[test]
    fn push_hosts_default_to_the_browsers_and_refuse_wide_suffixes() {
        let default = push_hosts(None).unwrap().unwrap();
        assert!(default.contains(&"fcm.googleapis.com".to_string()));
        assert_eq!(push_hosts(Some("*".into())).unwrap(), None);
        assert_eq!(
            push_hosts(Some(" .Push.Example.net, fcm.googleapis.com".into())).unwrap(),
            Some(vec!["push.example.net".into(), "fcm.googleapis.com".into()])
        );
        for bad in ["com", "push.example.net,net", "a..b", "exa mple/x.net", ","] {
            assert!(push_hosts(Some(bad.into())).is_err(), "{bad}");
        }
    }
}
