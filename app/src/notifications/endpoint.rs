//! Where the server may send a notification. A subscription's endpoint is a URL
//! a browser hands us, so anyone logged in chooses where our server POSTs: it
//! must be one of the browsers' push services, over HTTPS, and at send time
//! the name must resolve to public addresses only, which are then the ones
//! connected to (a name that resolves elsewhere later cannot redirect us).
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

/// The browsers' push services (Chrome/Edge/Opera, Firefox, Safari, Windows).
/// A host matches a suffix when it is the suffix or ends in `.` + suffix.
pub const BROWSER_PUSH_HOSTS: &[&str] = &[
    "fcm.googleapis.com",
    "push.services.mozilla.com",
    "push.apple.com",
    "notify.windows.com",
];

/// What the server allows as a push endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushPolicy {
    /// Host suffixes allowed; `None` allows any host name (still public only).
    hosts: Option<Vec<String>>,
    /// Tests run a push service on this machine over plain HTTP: then any
    /// scheme, address and port goes. Never set from the environment.
    allow_private_for_tests: bool,
}

impl Default for PushPolicy {
    fn default() -> Self {
        PushPolicy::new(Some(BROWSER_PUSH_HOSTS.iter().map(|h| h.to_string()).collect()))
    }
}

/// Why an endpoint is refused, for the log (never the URL itself: it is a
/// person's device address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("not a URL")]
    NotUrl,
    #[error("not https")]
    NotHttps,
    #[error("user info in the URL")]
    UserInfo,
    #[error("a port other than 443")]
    Port,
    #[error("an address, not a host name")]
    Address,
    #[error("a local host name")]
    Local,
    #[error("not a known push service")]
    UnknownHost,
}

impl PushPolicy {
    /// `hosts`: allowed host suffixes, or `None` for any public host.
    pub fn new(hosts: Option<Vec<String>>) -> PushPolicy {
        let hosts = hosts.map(|hs| {
            hs.iter()
                .map(|h| h.trim().trim_matches('.').to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect()
        });
        PushPolicy {
            hosts,
            allow_private_for_tests: false,
        }
    }

    /// For tests with a push service on this machine: anything but user info goes.
    pub fn allowing_private_for_tests() -> PushPolicy {
        PushPolicy {
            hosts: None,
            allow_private_for_tests: true,
        }
    }

    pub fn allows_private(&self) -> bool {
        self.allow_private_for_tests
    }

    /// Checks an endpoint as a browser hands it over (and again before each send).
    pub fn check(&self, endpoint: &str) -> Result<url::Url, Refused> {
        let url = url::Url::parse(endpoint.trim()).map_err(|_| Refused::NotUrl)?;
        // `https://127.0.0.1:80@push.example/` would read as one host and reach another.
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Refused::UserInfo);
        }
        if self.allow_private_for_tests {
            return match url.scheme() {
                "https" | "http" if url.host().is_some() => Ok(url),
                _ => Err(Refused::NotHttps),
            };
        }
        if url.scheme() != "https" {
            return Err(Refused::NotHttps);
        }
        // The parser drops the default port, so any port left is an odd one.
        if url.port().is_some() {
            return Err(Refused::Port);
        }
        let host = match url.host() {
            Some(url::Host::Domain(host)) => host.trim_end_matches('.').to_ascii_lowercase(),
            // Push services have names; an address literal is never one of them.
            Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => return Err(Refused::Address),
            None => return Err(Refused::NotUrl),
        };
        if host == "localhost" || host.ends_with(".localhost") || !host.contains('.') {
            return Err(Refused::Local);
        }
        match &self.hosts {
            None => Ok(url),
            Some(suffixes) => suffixes
                .iter()
                .any(|s| host == *s || host.ends_with(&format!(".{s}")))
                .then_some(url)
                .ok_or(Refused::UnknownHost),
        }
    }

    /// May the server connect to this address?
    pub fn address_allowed(&self, ip: IpAddr) -> bool {
        self.allow_private_for_tests || is_public(ip)
    }
}

/// An address on the public internet: not this machine, not a private, shared,
/// link-local (cloud metadata), multicast, documentation or reserved range.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b))
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 168)
        || (a == 192 && b == 0 && c == 0)
        || (a == 192 && b == 0 && c == 2)
        || (a == 198 && (18..20).contains(&b))
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
        || a >= 224)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    match s[0] {
        // 6to4 carries an IPv4 address that is then what is reached.
        0x2002 => is_public_v4(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        )),
        // Teredo and documentation.
        0x2001 if s[1] == 0 || s[1] == 0x0db8 => false,
        // Only global unicast (2000::/3); this leaves out ::1, ::, fc00::/7,
        // fe80::/10, multicast and NAT64 (64:ff9b::/96).
        first => (0x2000..0x4000).contains(&first),
    }
}

/// Looks a host name up (the system resolver outside tests).
pub type Lookup =
    Arc<dyn Fn(String) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send>> + Send + Sync>;

pub fn system_lookup() -> Lookup {
    Arc::new(|host: String| {
        Box::pin(async move {
            Ok(tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .map(|a| a.ip())
                .collect())
        })
    })
}

/// The push client's resolver: every address a name resolves to must be
/// allowed, and only those are connected to (so no second lookup can differ).
pub struct CheckedResolver {
    pub policy: PushPolicy,
    pub lookup: Lookup,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        let lookup = self.lookup.clone();
        let policy = self.policy.clone();
        Box::pin(async move {
            let found = lookup(host).await?;
            if found.is_empty() {
                return Err("the push service's name has no address".into());
            }
            if let Some(ip) = found.iter().find(|ip| !policy.address_allowed(**ip)) {
                tracing::warn!(%ip, "push service name resolves to a non-public address; not sent");
                return Err("the push service's name resolves to a non-public address".into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(found.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}
